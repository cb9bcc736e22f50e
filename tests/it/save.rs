//! The save pipeline of docs/editor.md "Saving" on real files in temporary directories: owner,
//! mode,
//! symlinks, concurrent changes, crashes at every step, a full disk, a read-only
//! directory, a bind-mounted file.
//!
//! Tests that need root (chown to another user, chattr, mount) skip with a printed
//! reason when not run as root or when the system refuses.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use ossec_ar::save::{SaveError, SaveOptions, backup_path, save};

const OLD: &str = "<ossec_config>\n  <active-response>\n    <command>a</command>\n    <level>7</level>\n  </active-response>\n</ossec_config>\n";
const NEW: &str = "<ossec_config>\n  <active-response>\n    <command>a</command>\n    <level>9</level>\n  </active-response>\n</ossec_config>\n";

pub(crate) fn fixture() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edit/manager.conf");
    fs::read_to_string(p).expect("fixture")
}

/// Are we root? (A file we create is owned by uid 0.)
pub(crate) fn is_root() -> bool {
    let d = tempfile::tempdir().expect("tempdir");
    let f = d.path().join("probe");
    fs::write(&f, "").expect("write");
    fs::metadata(&f).expect("stat").uid() == 0
}

/// Names in `dir` that do not start with a dot.
pub(crate) fn visible(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

fn opts() -> SaveOptions {
    SaveOptions::default()
}

#[test]
fn unchanged_text_is_not_written() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    let before = fs::metadata(&p).expect("stat");
    let out = save(&p, OLD, OLD, &opts()).expect("save");
    assert!(!out.written);
    let after = fs::metadata(&p).expect("stat");
    assert_eq!(
        (before.ino(), before.mtime_nsec()),
        (after.ino(), after.mtime_nsec())
    );
    assert_eq!(fs::read_dir(d.path()).expect("dir").count(), 1, "no backup");
}

#[test]
fn mode_and_owner_are_kept_and_a_hidden_backup_made() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).expect("chmod");
    let root = is_root();
    if root {
        std::os::unix::fs::chown(&p, Some(1234), Some(5678)).expect("chown");
    } else {
        crate::support::skipped("the owner part: not root, cannot chown to another user");
    }
    let before = fs::metadata(&p).expect("stat");
    let out = save(&p, OLD, NEW, &opts()).expect("save");
    assert!(out.written && out.in_place.is_none());
    let after = fs::metadata(&p).expect("stat");
    assert_ne!(before.ino(), after.ino(), "replaced by rename");
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if root {
        assert_eq!((after.uid(), after.gid()), (1234, 5678));
    }
    assert_eq!(fs::read_to_string(&p).expect("read"), NEW);
    let bak = d.path().join(".ossec.conf.ossec-ar.bak");
    assert_eq!(out.backup.as_deref(), Some(bak.as_path()));
    assert_eq!(fs::read_to_string(&bak).expect("backup"), OLD);
    // Root's backup keeps the mode; anyone else's is private.
    let want = if root { 0o640 } else { 0o600 };
    assert_eq!(fs::metadata(&bak).expect("stat").mode() & 0o7777, want);
    assert_eq!(visible(d.path()), ["ossec.conf"]);
    let names: Vec<_> = fs::read_dir(d.path()).expect("dir").collect();
    assert_eq!(
        names.len(),
        2,
        "the file and its backup, no temporary file left"
    );
}

#[test]
fn no_backup_leaves_only_the_file() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    let o = SaveOptions {
        no_backup: true,
        verify: None,
        ..SaveOptions::default()
    };
    let out = save(&p, OLD, NEW, &o).expect("save");
    assert_eq!(out.backup, None);
    assert_eq!(fs::read_dir(d.path()).expect("dir").count(), 1);
}

#[test]
fn a_symlink_stays_a_symlink_to_the_edited_target() {
    let d = tempfile::tempdir().expect("tempdir");
    let real_dir = d.path().join("etc");
    fs::create_dir(&real_dir).expect("mkdir");
    let real = real_dir.join("ossec.conf");
    fs::write(&real, OLD).expect("write");
    let link = d.path().join("link.conf");
    symlink("etc/ossec.conf", &link).expect("symlink");
    let out = save(&link, OLD, NEW, &opts()).expect("save");
    assert!(
        fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(&link).expect("readlink"),
        PathBuf::from("etc/ossec.conf")
    );
    assert_eq!(fs::read_to_string(&real).expect("read"), NEW);
    assert_eq!(out.target, fs::canonicalize(&real).expect("canonical"));
    assert!(backup_path(&real).exists(), "backup beside the real file");
    assert_eq!(visible(d.path()), ["etc", "link.conf"]);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, NEW).expect("someone else wrote it");
    let e = save(&p, OLD, "<ossec_config/>\n", &opts()).expect_err("refused");
    assert!(matches!(e, SaveError::ChangedOnDisk { .. }), "{e}");
    assert!(e.to_string().contains("changed on disk since it was read"));
    assert_eq!(fs::read_to_string(&p).expect("read"), NEW);
    assert_eq!(fs::read_dir(d.path()).expect("dir").count(), 1);
}

#[test]
fn a_second_saver_finds_the_file_busy() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    let target = fs::canonicalize(&p).expect("resolve");
    // Another ossec-ar: its lock file, locked through another open file.
    let held = fs::File::create(ossec_ar::save::lock::lock_path(&target)).expect("create");
    held.lock().expect("lock");
    let e = save(&p, OLD, NEW, &opts()).expect_err("busy");
    assert!(matches!(e, SaveError::Busy { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("is being edited by another ossec-ar"),
        "{e}"
    );
    drop(held);
    assert_eq!(fs::read_to_string(&p).expect("read"), OLD);
}

/// The lock is a file of our own: a program that locks ossec.conf itself neither
/// blocks a save nor is blocked by one, and no lock file is left after the save.
#[test]
fn a_lock_on_the_file_itself_is_not_ours() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    let other = fs::File::open(&p).expect("open");
    other.lock().expect("another program's lock");
    save(&p, OLD, NEW, &opts()).expect("saved all the same");
    assert_eq!(fs::read_to_string(&p).expect("read"), NEW);
    let names: Vec<String> = fs::read_dir(d.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".lock")), "{names:?}");
}

#[test]
fn verify_sees_the_new_file_and_a_failure_puts_the_old_one_back() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, OLD).expect("write");
    let check = format!("grep -q '<level>9</level>' {} && echo checked", p.display());
    let ok = SaveOptions {
        no_backup: false,
        verify: Some(check),
        ..SaveOptions::default()
    };
    let out = save(&p, OLD, NEW, &ok).expect("verified");
    assert_eq!(out.verify_output.as_deref(), Some("checked\n"));
    let fail = SaveOptions {
        no_backup: true,
        verify: Some("echo 'analysisd: Configuration error' >&2; exit 3".into()),
        ..SaveOptions::default()
    };
    let e = save(&p, NEW, OLD, &fail).expect_err("verify fails");
    let SaveError::VerifyFailed { output, .. } = &e else {
        panic!("{e}");
    };
    assert_eq!(output, "analysisd: Configuration error\n");
    assert_eq!(fs::read_to_string(&p).expect("read"), NEW, "restored");
    assert_eq!(visible(d.path()), ["ossec.conf"]);
}

/// Runs `cmd` and says whether it succeeded (for chattr and mount).
pub(crate) fn sh(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .status()
        .is_ok_and(|s| s.success())
}

/// Undoes a system change when the test ends, whatever happens.
pub(crate) struct Cleanup(pub(crate) String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        sh(&self.0);
    }
}

pub(crate) fn cli(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ossec-ar"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run ossec-ar")
}

#[test]
fn a_read_only_directory_is_an_io_error_and_the_file_stays() {
    // Root ignores directory permissions, so the directory is made immutable instead
    // (`chattr +i`, ext4 and most Linux file systems).
    if !is_root() {
        crate::support::skipped("chattr +i needs root");
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("ossec.conf");
    fs::write(&p, fixture()).expect("write");
    let dir = d.path().display().to_string();
    if !sh(&format!("chattr +i '{dir}' 2>/dev/null")) {
        crate::support::skipped(&format!("chattr +i refused on {dir}"));
        return;
    }
    let _undo = Cleanup(format!("chattr -i '{dir}'"));
    let path = p.display().to_string();
    let out = cli(&["set", &path, "response:1", "timeout=60"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot create a temporary file in {dir}"))
            && stderr.contains("the file is unchanged"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&p).expect("read"), fixture());
}

#[test]
fn a_crash_at_any_step_leaves_one_complete_file_and_nothing_visible() {
    let steps = [
        ("locked", false),
        ("backup", false),
        ("temp-created", false),
        ("temp-written", false),
        ("before-rename", false),
        ("renamed", true),
        ("replaced", true),
    ];
    let old = fixture();
    let new = old.replace("<timeout>600</timeout>", "<timeout>60</timeout>");
    for (step, written) in steps {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("ossec.conf");
        fs::write(&p, &old).expect("write");
        let path = p.display().to_string();
        let out = cli(
            &["set", &path, "response:1", "timeout=60"],
            &[("OSSEC_AR_CRASH_AT", step)],
        );
        assert_eq!(out.status.code(), None, "{step}: killed by SIGABRT");
        let now = fs::read_to_string(&p).expect("read");
        let expected = if written { &new } else { &old };
        assert!(
            now == *expected,
            "{step}: the file is not the expected complete one"
        );
        assert_eq!(visible(d.path()), ["ossec.conf"], "{step}");
        // A later save is not blocked by what the crash left.
        let again = cli(&["set", &path, "response:1", "timeout=60"], &[]);
        assert_eq!(again.status.code(), Some(0), "{step}: save after the crash");
        assert_eq!(fs::read_to_string(&p).expect("read"), new, "{step}");
    }
}

#[test]
fn a_full_disk_leaves_the_original_intact() {
    if !is_root() {
        crate::support::skipped("mounting a small tmpfs needs root");
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let mnt = d.path().display().to_string();
    if !sh(&format!(
        "mount -t tmpfs -o size=64k tmpfs '{mnt}' 2>/dev/null"
    )) {
        crate::support::skipped("mount -t tmpfs refused");
        return;
    }
    let _undo = Cleanup(format!("umount '{mnt}'"));
    // 40 KiB: the backup does not fit beside it, nor (without backup) the new copy.
    let big = format!(
        "{}<!-- {} -->\n",
        fixture(),
        "x".repeat(40 * 1024 - fixture().len())
    );
    let p = d.path().join("ossec.conf");
    fs::write(&p, &big).expect("write");
    let path = p.display().to_string();
    for extra in [None, Some("--no-backup")] {
        let mut args = vec!["set", &path, "response:1", "timeout=60"];
        args.extend(extra);
        let out = cli(&args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
        assert!(
            fs::read_to_string(&p).expect("read") == big,
            "{extra:?}: intact"
        );
        assert_eq!(visible(d.path()), ["ossec.conf"]);
        let hidden = fs::read_dir(d.path()).expect("dir").count();
        assert_eq!(hidden, 1, "{extra:?}: no temporary file left");
    }
}

#[test]
fn a_bind_mounted_file_is_rewritten_in_place_after_a_backup() {
    if !is_root() {
        crate::support::skipped("bind mounts need root");
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let outside = d.path().join("outside.conf");
    let etc = d.path().join("etc");
    fs::create_dir(&etc).expect("mkdir");
    let p = etc.join("ossec.conf");
    fs::write(&outside, OLD).expect("write");
    fs::write(&p, "").expect("mount point");
    let (src, dst) = (outside.display().to_string(), p.display().to_string());
    if !sh(&format!("mount --bind '{src}' '{dst}' 2>/dev/null")) {
        crate::support::skipped("mount --bind refused");
        return;
    }
    let _undo = Cleanup(format!("umount '{dst}'"));
    let out = save(&p, OLD, NEW, &opts()).expect("save");
    assert_eq!(
        out.in_place,
        Some(ossec_ar::save::InPlace::Mounted),
        "rename over a mount point fails with EBUSY"
    );
    assert_eq!(
        fs::read_to_string(&outside).expect("read"),
        NEW,
        "same file"
    );
    assert_eq!(fs::read_to_string(backup_path(&p)).expect("backup"), OLD);
    assert_eq!(visible(&etc), ["ossec.conf"]);
    let no_backup = SaveOptions {
        no_backup: true,
        verify: None,
        ..SaveOptions::default()
    };
    save(&p, NEW, OLD, &no_backup).expect("save");
    assert_eq!(fs::read_to_string(&outside).expect("read"), OLD);
    let names = fs::read_dir(&etc).expect("dir").count();
    assert_eq!(
        names, 2,
        "the file and the earlier backup; the temporary one is gone"
    );
    assert_eq!(
        fs::read_to_string(backup_path(&p)).expect("backup"),
        OLD,
        "left alone"
    );
}

#[test]
fn a_full_disk_during_an_in_place_rewrite_puts_the_previous_content_back() {
    // The in-place path writes over the file: when the write then fails, the previous
    // content is written back and the error says so (it used to leave the file
    // half-written and claim it was unchanged).
    if !is_root() {
        crate::support::skipped("tmpfs and bind mounts need root");
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    let small = d.path().join("small");
    let etc = d.path().join("etc");
    fs::create_dir(&small).expect("mkdir");
    fs::create_dir(&etc).expect("mkdir");
    let mnt = small.display().to_string();
    if !sh(&format!(
        "mount -t tmpfs -o size=64k tmpfs '{mnt}' 2>/dev/null"
    )) {
        crate::support::skipped("mount -t tmpfs refused");
        return;
    }
    let _undo_tmpfs = Cleanup(format!("umount '{mnt}'"));
    // 40 KiB fits the 64 KiB file system; the new 100 KiB does not.
    let old = format!("{OLD}<!-- {} -->\n", "o".repeat(40 * 1024));
    let new = format!("{NEW}<!-- {} -->\n", "n".repeat(100 * 1024));
    let outside = small.join("outside.conf");
    fs::write(&outside, &old).expect("write");
    let p = etc.join("ossec.conf");
    fs::write(&p, "").expect("mount point");
    let (src, dst) = (outside.display().to_string(), p.display().to_string());
    if !sh(&format!("mount --bind '{src}' '{dst}' 2>/dev/null")) {
        crate::support::skipped("mount --bind refused");
        return;
    }
    let _undo_bind = Cleanup(format!("umount '{dst}'"));
    let no_backup = SaveOptions {
        no_backup: true,
        verify: None,
        ..SaveOptions::default()
    };
    for opts in [opts(), no_backup] {
        let e = save(&p, &old, &new, &opts).expect_err("no room for the new content");
        assert!(
            matches!(e, SaveError::RewriteFailed { restored: true, .. }),
            "{e}"
        );
        let msg = e.to_string();
        assert!(
            msg.contains("No space left on device")
                && msg.ends_with("its previous content was written back, so the file is unchanged"),
            "{msg}"
        );
        assert!(
            fs::read_to_string(&outside).expect("read") == old,
            "whole again"
        );
        assert_eq!(visible(&etc), ["ossec.conf"]);
        // A save that failed keeps no backup of its own, and no journal or temporary
        // copy is left.
        assert_eq!(fs::read_dir(&etc).expect("dir").count(), 1);
    }
}
