//! End to end in a real terminal emulator (tmux): the binary opens a copy of a
//! real configuration, a response's timeout and location are changed through the
//! form, saved and the editor quit; then the file differs from the original in those
//! two elements only, and the terminal shows the shell again.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use similar::{ChangeTag, TextDiff};

use crate::support::corpus;

/// A tmux server of our own (its own socket), killed when dropped.
pub(crate) struct Tmux {
    socket: String,
}

impl Tmux {
    pub(crate) fn start(w: u16, h: u16) -> Tmux {
        // One server per test: tests run in parallel.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let t = Tmux {
            socket: format!("ossec-ar-e2e-{}-{n}", std::process::id()),
        };
        let out = t.cmd(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            "sh",
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("run tmux")
    }

    /// Types text literally.
    pub(crate) fn type_text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Presses named keys (`Enter`, `Tab`, `C-u`…).
    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    pub(crate) fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// Waits until the screen contains `text`; the screen so far on timeout.
    pub(crate) fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {text:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

pub(crate) fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        crate::support::skipped("tmux is missing");
    }
    found
}

/// Lines removed and added, in order.
fn changed(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for c in TextDiff::from_lines(before, after).iter_all_changes() {
        match c.tag() {
            ChangeTag::Delete => removed.push(c.value().to_string()),
            ChangeTag::Insert => added.push(c.value().to_string()),
            ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

#[test]
fn edit_timeout_and_location_save_quit_in_a_real_terminal() {
    let Some(corpus) = corpus() else { return };
    if !tmux_available() {
        return;
    }
    // A CRLF manager file with two roots, seven commands and two responses.
    let original_path = corpus.join("real/Whys0EZ__ossec__wazuh.conf");
    let original = std::fs::read_to_string(&original_path).expect("corpus file");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("wazuh.conf");
    std::fs::write(&file, &original).expect("copy");

    let tmux = Tmux::start(80, 24);
    tmux.type_text("clear; echo BEFORE-MARKER");
    tmux.keys(&["Enter"]);
    tmux.wait_for("BEFORE-MARKER");
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    let home = dir.path().join("no-home");
    tmux.type_text(&format!(
        "{bin} --ossec-home {} {}",
        home.display(),
        file.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Responses (2)");

    // Response #2 is the ninth row (seven commands, then #1); its timeout is field 8.
    tmux.type_text("jjjjjjjj");
    tmux.keys(&["Tab"]);
    tmux.type_text("jjjjjjj");
    tmux.keys(&["Enter", "C-u"]);
    tmux.type_text("900");
    tmux.keys(&["Enter"]);
    tmux.wait_for("900");
    // Up to location (field 3), open the dropdown, one down is server.
    tmux.type_text("kkkkk");
    tmux.keys(&["Enter"]);
    tmux.wait_for("where the command runs");
    tmux.type_text("j");
    tmux.keys(&["Enter"]);
    tmux.wait_for(" modified ");
    tmux.type_text("s");
    tmux.wait_for("the changes to write");
    tmux.type_text("y");
    tmux.wait_for("saved");
    tmux.type_text("q");
    let after = tmux.wait_for("BEFORE-MARKER");

    assert!(
        !after.contains("Responses ("),
        "the editor's screen is gone:\n{after}"
    );
    let saved = std::fs::read_to_string(&file).expect("read back");
    let (removed, added) = changed(&original, &saved);
    assert_eq!(
        removed,
        vec![
            "    <location>local</location>\r\n",
            "    <timeout>360</timeout>\r\n"
        ]
    );
    assert_eq!(
        added,
        vec![
            "    <location>server</location>\r\n",
            "    <timeout>900</timeout>\r\n"
        ]
    );
    assert!(
        saved
            .replace("server</location>", "local</location>")
            .replace(">900<", ">360<")
            == original,
        "nothing else changed, CRLF kept"
    );
    assert_backup_is_hidden(dir.path());
    assert_no_lock_left(dir.path());
}

/// The editor's lock files in `dir`.
fn locks(dir: &Path) -> Vec<String> {
    crate::tui_harness::list_dir(dir)
        .into_iter()
        .filter(|n| n.ends_with(".ossec-ar.lock"))
        .collect()
}

/// Waits (up to 5 s: the process may still be ending) until no lock file is left.
fn assert_no_lock_left(dir: &Path) {
    let start = Instant::now();
    while !locks(dir).is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(locks(dir), Vec::<String>::new(), "lock file left behind");
}

/// The previous content is kept as a hidden file; nothing visible is left beside it.
fn assert_backup_is_hidden(dir: &Path) {
    let names = crate::tui_harness::list_dir(dir);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with('.') || n == "wazuh.conf" || n == "no-home"),
        "{names:?}"
    );
}

/// A copy of a corpus file open in the editor, in tmux, with one unsaved change.
struct Modified {
    tmux: Tmux,
    dir: tempfile::TempDir,
    file: std::path::PathBuf,
    original: String,
    /// The editor's process id.
    pid: String,
}

/// Opens a copy of czaraf's file with one unsaved change; `before`, a command and
/// what it prints, runs in the shell first, and the editor starts once that is on
/// the screen (typed ahead, the editor's command could be echoed before it). `None`
/// when the corpus or tmux is missing (the reason is printed).
fn editor_with_a_change(before: Option<(&str, &str)>) -> Option<Modified> {
    let corpus = corpus()?;
    if !tmux_available() {
        return None;
    }
    let original = std::fs::read_to_string(corpus.join("real/czaraf__wazuh__ossec.conf"))
        .expect("corpus file");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ossec.conf");
    std::fs::write(&file, &original).expect("copy");
    let pid_file = dir.path().join("pid");
    let tmux = Tmux::start(80, 24);
    if let Some((cmd, printed)) = before {
        tmux.type_text(cmd);
        tmux.keys(&["Enter"]);
        tmux.wait_for(printed);
    }
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    // The shell's own pid becomes the editor's through exec.
    tmux.type_text(&format!(
        "sh -c 'echo $$ > {}; exec {bin} --ossec-home {} {}'",
        pid_file.display(),
        dir.path().join("no-home").display(),
        file.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Responses (4)");
    tmux.type_text("jjjj");
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_for(" modified ");
    let pid = std::fs::read_to_string(&pid_file)
        .expect("pid")
        .trim()
        .to_string();
    Some(Modified {
        tmux,
        dir,
        file,
        original,
        pid,
    })
}

#[test]
fn sigterm_restores_the_terminal_and_writes_nothing() {
    let Some(m) = editor_with_a_change(Some((
        "clear; printf 'BEFORE-%s\\n' MARKER",
        "BEFORE-MARKER",
    ))) else {
        return;
    };
    let killed = Command::new("kill")
        .args(["-TERM", &m.pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let after = m.tmux.wait_for("stopped by a signal");
    assert!(
        after.contains("BEFORE-MARKER"),
        "the shell's screen is back:\n{after}"
    );
    assert!(!after.contains("Responses ("), "{after}");
    assert_eq!(std::fs::read_to_string(&m.file).expect("read"), m.original);
    assert_no_lock_left(m.dir.path());
}

/// Runs the binary on `file` without a terminal (a second editor, or a CLI edit).
fn second(cmd: &[&str], file: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(["--ossec-home", "/nonexistent"])
        .args(cmd)
        .arg(file)
        .args(args)
        .output()
        .expect("run ossec-ar")
}

#[test]
fn a_second_editor_sees_the_holder_and_a_killed_holders_lock_is_taken_over() {
    let Some(m) = editor_with_a_change(None) else {
        return;
    };
    assert_eq!(locks(m.dir.path()), [".ossec.conf.ossec-ar.lock"]);
    let holder = format!("(pid {}, user ", m.pid);
    // A second editor, then a CLI edit.
    for o in [
        second(&[], &m.file, &[]),
        second(
            &["set"],
            &m.file,
            &["response:1", "timeout=5", "--no-backup"],
        ),
    ] {
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(
            e.contains("is being edited by another ossec-ar") && e.contains(&holder),
            "{e}"
        );
    }
    // check and list read on.
    assert_eq!(second(&["list"], &m.file, &[]).status.code(), Some(0));
    let killed = Command::new("kill")
        .args(["-9", &m.pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let start = Instant::now();
    // Gone means reaped by its shell: a killed thread group shows as a zombie before
    // its last thread has closed the files (and so released the lock).
    let alive = || Path::new(&format!("/proc/{}", m.pid)).exists();
    while alive() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(), "editor {} survived kill -9", m.pid);
    // kill -9 leaves the file behind; its lock died with the process.
    assert_eq!(locks(m.dir.path()), [".ossec.conf.ossec-ar.lock"]);
    let o = second(
        &["set"],
        &m.file,
        &["response:1", "timeout=5", "--no-backup"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_ne!(std::fs::read_to_string(&m.file).expect("read"), m.original);
    assert_no_lock_left(m.dir.path());
}

/// Regression: when the terminal went away (tmux killed, SSH dropped), the editor
/// kept running at high CPU inside crossterm's `poll` and ignored SIGTERM. It must
/// exit on the hangup and leave the file untouched.
#[test]
fn lost_terminal_ends_the_editor() {
    let Some(m) = editor_with_a_change(None) else {
        return;
    };
    let pid = m.pid.clone();
    m.tmux.cmd(&["kill-server"]);
    let alive =
        || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "));
    let start = Instant::now();
    while alive() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if alive() {
        let _ = Command::new("kill").args(["-9", &pid]).status();
        panic!("the editor outlived its terminal by 5 s");
    }
    assert_eq!(std::fs::read_to_string(&m.file).expect("read"), m.original);
}
