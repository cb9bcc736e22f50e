//! The save pipeline on hostile file systems (issue 16, points 1 to 7), through the
//! real binary on real files: ACLs and extended attributes kept, a failed save that
//! keeps the previous backup, a kill at every step of the in-place rewrite, hard links
//! kept, a non-root user's backup private, stale temporary files removed, a read-only
//! file refused without `--force`.
//!
//! What needs root (bind mounts, another user, `security.*`) or a tool (`setfacl`,
//! `setfattr`) skips with a printed reason where it is missing, and fails under
//! `CI=true`, where .ci/run installs the tools and runs as root.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use ossec_ar::save::{backup_path, journal_path, recover};

use crate::save::{Cleanup, cli, fixture, is_root, sh};
use crate::tui_harness::list_dir;

/// The unprivileged user of these tests, and a group it belongs to.
const USER: &str = "ossec-ar-test";
const GROUP: &str = "ossec-ar-grp";

/// Under CI a missing prerequisite fails the test; elsewhere it is skipped, saying why.
fn missing(why: &str) -> bool {
    crate::support::skipped(why);
    true
}

fn need_root() -> bool {
    is_root() || !missing("not root (bind mounts, another user, security.* need it)")
}

fn need_tools(tools: &[&str]) -> bool {
    for t in tools {
        if !sh(&format!("command -v {t} >/dev/null 2>&1")) {
            return !missing(&format!(
                "{t} is not installed (Debian packages acl and attr)"
            ));
        }
    }
    true
}

/// The old and the new content of `set FILE response:1 timeout=60` on the fixture.
fn old_new() -> (String, String) {
    let old = fixture();
    let new = old.replace("<timeout>600</timeout>", "<timeout>60</timeout>");
    assert_ne!(old, new);
    (old, new)
}

/// [`old_new`] with a long comment after the config, so that the edit lies in the
/// first half of the file, which a kill half-way through a write changes.
fn padded_old_new() -> (String, String) {
    let pad = format!("<!-- {} -->\n", "p".repeat(2 * fixture().len()));
    let (old, new) = old_new();
    (old + &pad, new + &pad)
}

fn set_timeout(path: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let path = path.display().to_string();
    let mut args = vec!["set", path.as_str(), "response:1", "timeout=60"];
    args.extend(extra);
    cli(&args, env)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).expect("read")
}

fn shell_out(cmd: &str) -> String {
    let o = Command::new("sh").arg("-c").arg(cmd).output().expect("sh");
    assert!(o.status.success(), "{cmd}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The test user's uid, created (with its group) on first use.
fn test_user() -> Option<u32> {
    static MADE: Mutex<()> = Mutex::new(());
    let _one_at_a_time = MADE.lock().unwrap_or_else(|e| e.into_inner());
    let made = sh(&format!("id -u {USER} >/dev/null 2>&1"))
        || (sh(&format!("groupadd -f {GROUP}"))
            && sh(&format!("useradd -M -N -g {GROUP} -G {GROUP} {USER}")));
    if !made {
        missing("useradd failed");
        return None;
    }
    shell_out(&format!("id -u {USER}")).trim().parse().ok()
}

/// Runs ossec-ar as the test user (setpriv: no PAM session, the user's groups). Where
/// the user cannot reach the built binary (a checkout under a private directory), a
/// copy in `dir` (which the user can enter) runs instead.
fn as_user(dir: &Path, args: &[&str]) -> Output {
    let run = |bin: &Path, args: &[&str]| {
        Command::new("setpriv")
            .args([
                &format!("--reuid={USER}"),
                &format!("--regid={GROUP}"),
                "--init-groups",
            ])
            .arg(bin)
            .args(args)
            .output()
            .expect("run setpriv")
    };
    let mut bin = PathBuf::from(env!("CARGO_BIN_EXE_ossec-ar"));
    if !run(&bin, &["--version"]).status.success() {
        let copy = dir.join("ossec-ar");
        fs::copy(&bin, &copy).expect("copy the binary");
        bin = copy;
    }
    run(&bin, args)
}

/// A directory others can enter (tempdir makes 0700).
fn open_tempdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    d
}

#[test]
fn acls_and_extended_attributes_are_kept_on_the_file_and_the_backup() {
    if !need_tools(&["setfacl", "getfacl", "setfattr", "getfattr"]) {
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    let (old, new) = old_new();
    fs::write(&p, &old).expect("write");
    let q = p.display().to_string();
    if !sh(&format!(
        "setfattr -n user.ossec-ar -v kept '{q}' 2>/dev/null"
    )) {
        missing("this file system takes no user extended attributes");
        return;
    }
    assert!(sh(&format!("setfacl -m g:4242:r,u:4343:rw '{q}'")));
    let root = is_root();
    if root {
        assert!(sh(&format!("setfattr -n security.ossec-ar -v label '{q}'")));
        assert!(sh(&format!("setfattr -n trusted.ossec-ar -v t '{q}'")));
    }
    let before = fs::metadata(&p).expect("stat");
    let out = set_timeout(&p, &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = fs::metadata(&p).expect("stat");
    assert_ne!(before.ino(), after.ino(), "replaced by a new file");
    assert_eq!(
        after.mode(),
        before.mode(),
        "mode (and so the ACL mask) kept"
    );
    assert_eq!(read(&p), new);
    let bak = backup_path(&p);
    assert_eq!(read(&bak), old);
    for f in [&p, &bak] {
        let f = f.display().to_string();
        let acl = shell_out(&format!("getfacl --omit-header --numeric '{f}'"));
        for entry in ["user:4343:rw-", "group:4242:r--", "mask::rw-"] {
            assert!(acl.contains(entry), "{f}: {entry} missing in\n{acl}");
        }
        let get = |name: &str| shell_out(&format!("getfattr -n {name} --only-values '{f}'"));
        assert_eq!(get("user.ossec-ar"), "kept", "{f}");
        if root {
            assert_eq!(get("security.ossec-ar"), "label", "{f}");
            assert_eq!(get("trusted.ossec-ar"), "t", "{f}");
        }
    }
}

#[test]
fn a_default_acl_of_the_directory_is_not_added_to_a_file_that_had_none() {
    if !need_tools(&["setfacl", "getfacl"]) {
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().display().to_string();
    if !sh(&format!("setfacl -d -m g:4244:rwx '{dir}' 2>/dev/null")) {
        missing("this file system takes no ACL");
        return;
    }
    let p = d.path().join("ossec.conf");
    fs::write(&p, fixture()).expect("write");
    let q = p.display().to_string();
    assert!(sh(&format!("setfacl -b '{q}'")), "no ACL on the file");
    let out = set_timeout(&p, &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let acl = shell_out(&format!("getfacl --omit-header --numeric '{q}'"));
    assert!(!acl.contains("4244"), "inherited an ACL:\n{acl}");
}

#[test]
fn a_save_that_fails_on_a_read_only_mount_keeps_the_previous_backup() {
    if !need_root() {
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, fixture()).expect("write");
    fs::write(backup_path(&p), "previous backup\n").expect("backup");
    let q = p.display().to_string();
    if !sh(&format!("mount --bind '{q}' '{q}' 2>/dev/null")) {
        missing("mount --bind refused");
        return;
    }
    let _undo = Cleanup(format!("umount '{q}'"));
    assert!(sh(&format!("mount -o remount,ro,bind '{q}'")), "remount ro");
    let out = set_timeout(&p, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Read-only file system") && err.contains("the file is unchanged"),
        "{err}"
    );
    assert_eq!(read(&p), fixture());
    assert_eq!(read(&backup_path(&p)), "previous backup\n", "backup kept");
    assert_eq!(
        list_dir(d.path()),
        [".ossec.conf.ossec-ar.bak", "ossec.conf"],
        "no new generation, journal or temporary file"
    );
}

#[test]
fn a_save_that_fails_for_an_unprivileged_user_keeps_the_previous_backup() {
    if !need_root() {
        return;
    }
    let Some(uid) = test_user() else { return };
    let d = open_tempdir();
    let etc = d.path().join("etc");
    fs::create_dir(&etc).expect("mkdir");
    std::os::unix::fs::chown(&etc, Some(uid), None).expect("chown");
    // The user may write in the directory, not the file (root's, 0644).
    let p = etc.join("ossec.conf");
    fs::write(&p, fixture()).expect("write");
    fs::write(backup_path(&p), "previous backup\n").expect("backup");
    let q = p.display().to_string();
    let out = as_user(d.path(), &["set", &q, "response:1", "timeout=60"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Permission denied") && err.contains("the file is unchanged"),
        "{err}"
    );
    assert_eq!(read(&p), fixture());
    assert_eq!(read(&backup_path(&p)), "previous backup\n", "backup kept");
    assert_eq!(list_dir(&etc), [".ossec.conf.ossec-ar.bak", "ossec.conf"]);
    // A verify command that fails: the save is undone, and so is its backup.
    let out = set_timeout(&p, &["--verify", "false"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read(&p), fixture());
    assert_eq!(read(&backup_path(&p)), "previous backup\n", "backup kept");
    assert_eq!(list_dir(&etc), [".ossec.conf.ossec-ar.bak", "ossec.conf"]);
}

/// A bind-mounted `etc/ossec.conf` (its content in `outside.conf`): the in-place path.
struct BindMounted {
    _dir: tempfile::TempDir,
    etc: PathBuf,
    conf: PathBuf,
    outside: PathBuf,
    _undo: Cleanup,
}

fn bind_mounted(text: &str) -> Option<BindMounted> {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("outside.conf");
    let etc = dir.path().join("etc");
    fs::create_dir(&etc).expect("mkdir");
    let conf = etc.join("ossec.conf");
    fs::write(&outside, text).expect("write");
    fs::write(&conf, "").expect("mount point");
    let (src, dst) = (outside.display(), conf.display());
    if !sh(&format!("mount --bind '{src}' '{dst}' 2>/dev/null")) {
        missing("mount --bind refused");
        return None;
    }
    let undo = Cleanup(format!("umount '{dst}'"));
    Some(BindMounted {
        _dir: dir,
        etc,
        conf,
        outside,
        _undo: undo,
    })
}

/// Every step of the in-place rewrite, killed there (SIGABRT from the crash hook: no
/// destructor, no handler runs, as with kill -9). Right after the kill the file holds
/// the previous or the new content, or a journal is there; the next ossec-ar that
/// takes the lock puts the previous content back from it. Either way, once recovered,
/// the file is old or new, never a mix, and the next save works.
#[test]
fn a_kill_at_every_step_of_the_in_place_rewrite_leaves_old_or_new() {
    if !need_root() {
        return;
    }
    let (old, new) = padded_old_new();
    let Some(m) = bind_mounted(&old) else { return };
    // (step, file right after the kill: Some(content) or None for a mix, journal left)
    let steps: [(&str, Option<&str>, bool); 8] = [
        ("locked", Some(&old), false),
        ("backup", Some(&old), false),
        ("in-place-journal", Some(&old), true),
        ("in-place-half", None, true),
        ("in-place-written", None, true),
        ("in-place-synced", Some(&new), true),
        ("replaced", Some(&new), false),
        ("backup-kept", Some(&new), false),
    ];
    for (step, right_after, journal) in steps {
        fs::write(&m.outside, &old).expect("reset");
        let out = set_timeout(&m.conf, &[], &[("OSSEC_AR_CRASH_AT", step)]);
        assert_eq!(out.status.code(), None, "{step}: killed");
        let now = read(&m.outside);
        match right_after {
            Some(expected) => assert!(now == expected, "{step}: not the expected content"),
            None => assert!(now != old && now != new, "{step}: a mix, as a kill leaves"),
        }
        let j = journal_path(&m.conf);
        assert_eq!(j.exists(), journal, "{step}: journal");
        if journal {
            assert_eq!(read(&j), old, "{step}: the journal is the previous content");
        }
        assert_eq!(
            list_dir(&m.etc)
                .iter()
                .filter(|n| !n.starts_with('.'))
                .count(),
            1
        );
        // What the next ossec-ar does under the lock, before reading.
        recover(&m.conf).expect("recover");
        let recovered = read(&m.outside);
        assert!(recovered == old || recovered == new, "{step}: old or new");
        if right_after.is_none() {
            assert!(recovered == old, "{step}: the mix is undone");
        }
        assert!(!j.exists(), "{step}: journal gone");
        let again = set_timeout(&m.conf, &[], &[]);
        assert_eq!(again.status.code(), Some(0), "{step}: {}", stderr(&again));
        assert_eq!(read(&m.outside), new, "{step}");
        let hidden: Vec<String> = list_dir(&m.etc)
            .into_iter()
            .filter(|n| n.ends_with(".tmp") || n.ends_with(".saving"))
            .collect();
        assert!(hidden.is_empty(), "{step}: left {hidden:?}");
    }
}

/// The recovery itself runs where users run it (the next edit, or the editor) and
/// says so; a kill during the recovery is recovered the same way at the next start.
#[test]
fn the_next_edit_puts_back_a_file_a_killed_in_place_save_left_incomplete() {
    if !need_root() {
        return;
    }
    let (old, new) = padded_old_new();
    let Some(m) = bind_mounted(&old) else { return };
    // All of the new content written, its length not yet set: a mix.
    let killed = set_timeout(&m.conf, &[], &[("OSSEC_AR_CRASH_AT", "in-place-written")]);
    assert_eq!(killed.status.code(), None);
    let torn = read(&m.outside);
    let killed = set_timeout(&m.conf, &[], &[("OSSEC_AR_CRASH_AT", "recover-half")]);
    assert_eq!(killed.status.code(), None, "killed while putting it back");
    assert!(read(&m.outside) != torn, "the recovery had begun");
    assert_eq!(
        read(&journal_path(&m.conf)),
        old,
        "the journal is still there"
    );
    let out = set_timeout(&m.conf, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let journal = journal_path(&m.conf).display().to_string();
    assert!(
        err.contains(&format!(
            "an earlier save was interrupted while rewriting it in place; its previous content was put back from {journal}"
        )),
        "{err}"
    );
    // Put back, then the edit applied to the previous content.
    assert_eq!(read(&m.outside), new);
    assert!(!journal_path(&m.conf).exists());
}

#[test]
fn hard_links_are_kept_and_the_save_says_it_was_in_place() {
    let d = tempfile::tempdir().expect("tempdir");
    let (p, other) = (
        d.path().join("ossec.conf"),
        d.path().join("other-name.conf"),
    );
    let (old, new) = old_new();
    fs::write(&p, &old).expect("write");
    fs::hard_link(&p, &other).expect("link");
    let ino = fs::metadata(&p).expect("stat").ino();
    let out = set_timeout(&p, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("written in place (it has 2 hard links, kept as one file)"),
        "{err}"
    );
    let meta = fs::metadata(&p).expect("stat");
    assert_eq!((meta.ino(), meta.nlink()), (ino, 2), "one file, two names");
    assert_eq!(read(&other), new, "the other name sees the new content");
    assert_eq!(read(&backup_path(&p)), old);
    assert!(!journal_path(&p).exists());
    // Scripts read it from the JSON.
    let q = p.display().to_string();
    let out = cli(
        &["set", &q, "response:1", "timeout=90", "--format", "json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["in_place"], "it has 2 hard links, kept as one file");
    assert_eq!(fs::metadata(&other).expect("stat").nlink(), 2);
}

/// A file of root's, 0660 with a group the user is in: the user may write it but not
/// give a new file root's ownership, so it is rewritten in place; the backup is the
/// user's own, 0600, not 0660 with the group.
#[test]
fn a_backup_made_by_a_non_root_user_is_private() {
    if !need_root() {
        return;
    }
    let Some(uid) = test_user() else { return };
    let gid: u32 = shell_out(&format!("getent group {GROUP} | cut -d: -f3"))
        .trim()
        .parse()
        .expect("gid");
    let d = open_tempdir();
    let etc = d.path().join("etc");
    fs::create_dir(&etc).expect("mkdir");
    std::os::unix::fs::chown(&etc, Some(0), Some(gid)).expect("chown");
    fs::set_permissions(&etc, fs::Permissions::from_mode(0o770)).expect("chmod");
    let p = etc.join("ossec.conf");
    let (old, new) = old_new();
    fs::write(&p, &old).expect("write");
    std::os::unix::fs::chown(&p, Some(0), Some(gid)).expect("chown");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o660)).expect("chmod");
    let q = p.display().to_string();
    let out = as_user(d.path(), &["set", &q, "response:1", "timeout=60"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("written in place (its owner cannot be given"),
        "{err}"
    );
    let meta = fs::metadata(&p).expect("stat");
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (0, gid, 0o660)
    );
    assert_eq!(read(&p), new);
    let bak = fs::metadata(backup_path(&p)).expect("backup");
    assert_eq!((bak.uid(), bak.mode() & 0o7777), (uid, 0o600), "private");
    assert_eq!(read(&backup_path(&p)), old);
    // The user's own file, 0660 with the group: replaced (the owner can be kept), and
    // the backup private all the same.
    let own = etc.join("own.conf");
    fs::write(&own, &old).expect("write");
    std::os::unix::fs::chown(&own, Some(uid), Some(gid)).expect("chown");
    fs::set_permissions(&own, fs::Permissions::from_mode(0o660)).expect("chmod");
    let q = own.display().to_string();
    let out = as_user(d.path(), &["set", &q, "response:1", "timeout=60"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("in place"), "{err}");
    let meta = fs::metadata(&own).expect("stat");
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (uid, gid, 0o660)
    );
    let bak = fs::metadata(backup_path(&own)).expect("backup");
    assert_eq!(
        (bak.uid(), bak.gid(), bak.mode() & 0o7777),
        (uid, gid, 0o600)
    );
}

#[test]
fn stale_temporary_files_of_killed_saves_are_removed_at_the_next_save() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, fixture()).expect("write");
    let killed = set_timeout(&p, &[], &[("OSSEC_AR_CRASH_AT", "temp-written")]);
    assert_eq!(killed.status.code(), None, "killed");
    let temps = |d: &Path| -> Vec<String> {
        list_dir(d)
            .into_iter()
            .filter(|n| n.starts_with(".ossec.conf.ossec-ar.") && n.ends_with(".tmp"))
            .collect()
    };
    // The backup and the new content, each in a temporary file of the dead process.
    assert_eq!(temps(d.path()).len(), 2, "{:?}", list_dir(d.path()));
    // Ours, alive: not stale. Another file's: not ours to remove.
    let alive = format!(
        ".ossec.conf.ossec-ar.{}-000000001-0.tmp",
        std::process::id()
    );
    let other = ".other.conf.ossec-ar.99999999-000000001-0.tmp";
    fs::write(d.path().join(&alive), "x").expect("write");
    fs::write(d.path().join(other), "x").expect("write");
    let out = set_timeout(&p, &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(temps(d.path()), [alive]);
    assert!(d.path().join(other).exists());
}

#[test]
fn a_read_only_file_is_refused_without_force() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    let (old, new) = old_new();
    fs::write(&p, &old).expect("write");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = set_timeout(&p, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "refused: {} is read-only (mode 0444); nothing was written (--force writes anyway)",
            p.display()
        )),
        "{err}"
    );
    assert_eq!(read(&p), old);
    assert_eq!(list_dir(d.path()), ["ossec.conf"], "no backup either");
    let out = set_timeout(&p, &["--force"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&p), new);
    let mode = fs::metadata(&p).expect("stat").mode() & 0o7777;
    assert_eq!(mode, 0o444, "still read-only");
}

/// The editor recovers too, and says so in its status line: a hard-linked file (the
/// in-place path, no root needed) whose save was killed half-way is opened in tmux.
#[test]
fn the_editor_puts_back_a_file_a_killed_in_place_save_left_and_says_so() {
    use crate::tui_tmux::{Tmux, tmux_available};
    if !tmux_available() {
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    let (old, _) = padded_old_new();
    fs::write(&p, &old).expect("write");
    fs::hard_link(&p, d.path().join("link.conf")).expect("link");
    let killed = set_timeout(&p, &[], &[("OSSEC_AR_CRASH_AT", "in-place-half")]);
    assert_eq!(killed.status.code(), None, "killed");
    assert!(
        read(&p) != old && journal_path(&p).exists(),
        "torn, journal left"
    );
    let tmux = Tmux::start(200, 24);
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    let home = d.path().join("no-home");
    tmux.type_text(&format!(
        "{bin} --ossec-home {} {}",
        home.display(),
        p.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("an earlier save was interrupted while rewriting it in place");
    assert_eq!(read(&p), old, "put back before the editor read it");
    assert!(!journal_path(&p).exists());
    tmux.type_text("q");
}

/// In the editor's session (its lock held), a journal left by a save whose write-back
/// failed is not overwritten by the next save: the file is put back from it, and the
/// save, which read the incomplete file, is refused as changed on disk.
#[test]
fn a_save_in_the_same_session_puts_the_journal_back_before_anything_else() {
    use ossec_ar::save::{SaveError, SaveOptions, lock, save};
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    let (old, new) = old_new();
    let torn = &new[..new.len() / 2];
    fs::write(&p, torn).expect("an incomplete file");
    fs::write(journal_path(&p), &old).expect("its journal");
    let target = fs::canonicalize(&p).expect("resolve");
    let _held = lock::acquire(&target).expect("lock").expect("a lock file");
    let e = save(&p, torn, &new, &SaveOptions::default()).expect_err("refused");
    assert!(matches!(e, SaveError::ChangedOnDisk { .. }), "{e}");
    assert_eq!(read(&p), old, "put back from the journal");
    assert!(!journal_path(&p).exists());
}

/// Real SIGKILLs (not the crash hook) at moments spread over an in-place save of a
/// large hard-linked file: after the next start's recovery the file is always the
/// previous or the new content.
#[test]
fn sigkill_at_spread_moments_of_in_place_saves_leaves_old_or_new() {
    use std::time::{Duration, Instant};
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    let pad = format!("<!-- {} -->\n", "k".repeat(512 << 10));
    let (old, new) = old_new();
    let (old, new) = (old + &pad, new + &pad);
    fs::write(&p, &old).expect("write");
    fs::hard_link(&p, d.path().join("link.conf")).expect("link");
    let q = p.display().to_string();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
            .args(["set", &q, "response:1", "timeout=60", "--no-backup"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let start = Instant::now();
    assert!(run().wait().expect("wait").success());
    let whole = start.elapsed();
    let mut outcomes = (0, 0);
    for i in 0..20u32 {
        fs::write(&p, &old).expect("reset");
        let mut child = run();
        std::thread::sleep(whole * i / 16);
        let _ = child.kill();
        let _ = child.wait();
        recover(&p).expect("recover");
        let now = read(&p);
        assert!(now == old || now == new, "kill {i}: neither old nor new");
        if now == new {
            outcomes.1 += 1;
        } else {
            outcomes.0 += 1;
        }
        assert!(!journal_path(&p).exists());
    }
    eprintln!(
        "old {} / new {} after 20 kills, a save taking {whole:?}",
        outcomes.0, outcomes.1
    );
    assert!(whole < Duration::from_secs(60));
}
