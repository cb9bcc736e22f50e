//! Two writers, seen from the editor (issue 12, point 5): only the fields both this
//! session and the other writer changed are shown, side by side, and settled one by
//! one; everything else of both is merged. A reload sets the session's edits aside,
//! and `R` re-applies them with the same merge. Checked on the bytes of a real file.

use ossec_ar::tui::keys::Mode;

use crate::tui_harness::{CONF, OnDisk, TO_R1, screen};

/// Response #1: level 12, then timeout 1800 (three fields below the level).
const R1_LEVEL_AND_TIMEOUT: &str = "jjjj<enter><c-u>12<enter>jjj<enter><c-u>1800<enter>";

/// What another program writes meanwhile: response #1's level and timeout (the
/// conflicts), a new command and response #2's location (not conflicts).
fn theirs() -> String {
    let new_cmd = "  <command>\n    <name>host-deny</name>\n    <executable>host-deny</executable>\n  </command>\n\n";
    let anchor = "  <active-response>\n    <command>firewall-drop";
    CONF.replace("<level>10</level>", "<level>11</level>")
        .replace("<timeout>600</timeout>", "<timeout>300</timeout>")
        .replace("<location>server</location>", "<location>local</location>")
        .replace(anchor, &format!("{new_cmd}{anchor}"))
}

fn ours() -> String {
    CONF.replace("<level>10</level>", "<level>12</level>")
        .replace("<timeout>600</timeout>", "<timeout>1800</timeout>")
}

#[test]
fn fields_changed_both_ways_are_shown_side_by_side_and_settled_one_each_way() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{R1_LEVEL_AND_TIMEOUT}"));
    assert_eq!(d.app.source(), ours(), "the edits made through the form");
    std::fs::write(&d.path, theirs()).expect("someone else writes");
    d.press("sym");
    assert_eq!(d.app.mode(), Mode::Conflicts);
    let shown = screen(&d.app, 80, 24);
    let row = |a: &str, b: &str| {
        shown
            .lines()
            .any(|l| l.find(a).zip(l.find(b)).is_some_and(|(x, y)| x < y))
    };
    assert!(
        shown.contains("merge: 2 fields changed both ways"),
        "{shown}"
    );
    assert!(shown.contains("response #1 <level> (line 25)"), "{shown}");
    assert!(shown.contains("response #1 <timeout> (line 26)"), "{shown}");
    assert!(row("yours", "theirs (on disk)"), "{shown}");
    assert!(row("<level>12</level>", "<level>11</level>"), "{shown}");
    assert!(
        row("<timeout>1800</timeout>", "<timeout>300</timeout>"),
        "{shown}"
    );
    assert!(!shown.contains("host-deny"), "not a conflict: {shown}");
    // Enter before every field is settled is refused.
    d.press("<enter>");
    assert_eq!(d.app.mode(), Mode::Conflicts);
    // o: level keeps yours (and moves to the timeout), t: the timeout keeps theirs.
    d.press("o");
    d.press("t");
    let shown = screen(&d.app, 80, 24);
    assert!(
        shown.contains("keep yours") && shown.contains("keep theirs"),
        "{shown}"
    );
    assert_eq!(d.on_disk(), theirs(), "nothing written yet");
    d.press("<enter>");
    assert_eq!(d.app.mode(), Mode::Preview);
    // The diff is against the file as it is now: only our level differs from it.
    let shown = screen(&d.app, 80, 24);
    assert!(shown.contains("-    <level>11</level>"), "{shown}");
    assert!(shown.contains("+    <level>12</level>"), "{shown}");
    assert!(
        !shown.contains("-    <timeout>") && !shown.contains("+    <timeout>"),
        "the timeout is theirs: {shown}"
    );
    // Line 27 of their version (their new command moved it from line 22).
    assert!(shown.contains("@@ -27,7 +27,7 @@"), "{shown}");
    assert!(
        !shown.contains("host-deny"),
        "their command is not a change: {shown}"
    );
    d.press("y");
    let expected = theirs().replace("<level>11</level>", "<level>12</level>");
    assert_eq!(d.on_disk(), expected, "theirs, with our level only");
    assert!(!d.app.is_modified());
}

#[test]
fn esc_in_the_conflicts_writes_nothing_and_keeps_the_edits() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{R1_LEVEL_AND_TIMEOUT}"));
    std::fs::write(&d.path, theirs()).expect("someone else writes");
    d.press("sym<esc>");
    assert_eq!(d.app.mode(), Mode::Browse);
    assert_eq!(d.app.source(), ours());
    assert_eq!(d.on_disk(), theirs());
}

#[test]
fn a_merge_is_one_undo_step_back_to_their_version() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{R1_LEVEL_AND_TIMEOUT}"));
    std::fs::write(&d.path, theirs()).expect("someone else writes");
    d.press("syo");
    assert_eq!(d.app.mode(), Mode::Preview);
    let merged = theirs()
        .replace("<level>11</level>", "<level>12</level>")
        .replace("<timeout>300</timeout>", "<timeout>1800</timeout>");
    assert_eq!(d.app.source(), merged, "o: yours for both fields");
    d.press("n");
    d.press("u");
    assert_eq!(d.app.source(), theirs(), "undo gives their version back");
    assert!(!d.app.is_modified());
    d.press("<c-r>");
    assert_eq!(d.app.source(), merged);
    d.press("sy");
    assert_eq!(d.on_disk(), merged);
}

#[test]
fn reload_sets_the_edits_aside_and_r_re_applies_them_as_one_undo_step() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{R1_LEVEL_AND_TIMEOUT}"));
    let other = CONF.replace("127.0.0.1", "10.1.1.1");
    std::fs::write(&d.path, &other).expect("someone else writes");
    d.press("syr");
    assert_eq!(d.app.source(), other, "reloaded");
    let notice = |d: &OnDisk| d.app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice(&d).contains("R re-applies them"), "{}", notice(&d));
    d.press("u");
    assert_eq!(
        notice(&d),
        "nothing to undo since the reload: R re-applies the edits the reload set aside"
    );
    d.press("R");
    let both = other
        .replace("<level>10</level>", "<level>12</level>")
        .replace("<timeout>600</timeout>", "<timeout>1800</timeout>");
    assert_eq!(d.app.source(), both, "their change and our edits");
    assert!(d.app.is_modified());
    d.press("u");
    assert_eq!(
        d.app.source(),
        other,
        "one undo takes the re-applied edits back"
    );
    d.press("<c-r>sy");
    assert_eq!(d.on_disk(), both);
    d.press("R");
    assert!(
        notice(&d).starts_with("no edits set aside"),
        "{}",
        notice(&d)
    );
}

#[test]
fn re_applying_over_a_conflicting_reload_asks_field_by_field() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{R1_LEVEL_AND_TIMEOUT}"));
    std::fs::write(&d.path, theirs()).expect("someone else writes");
    d.press("syr");
    assert_eq!(d.app.source(), theirs());
    d.press("R");
    assert_eq!(d.app.mode(), Mode::Conflicts);
    d.press("<esc>");
    assert_eq!(d.app.source(), theirs(), "Esc re-applies nothing");
    let notice = d.app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert_eq!(
        notice,
        "nothing re-applied: the edits stay set aside (R tries again)"
    );
    d.press("R");
    assert_eq!(d.app.mode(), Mode::Conflicts);
    d.press("to<enter>");
    let expected = theirs().replace("<timeout>300</timeout>", "<timeout>1800</timeout>");
    assert_eq!(d.app.source(), expected, "level theirs, timeout ours");
    assert_eq!(d.app.mode(), Mode::Browse);
    d.press("sy");
    assert_eq!(d.on_disk(), expected);
}

/// The same in a real terminal: the binary in tmux, the other writer a second
/// process (`cp`) while the editor has unsaved edits.
#[test]
fn in_a_real_terminal_the_conflicts_are_settled_and_both_changes_saved() {
    use crate::tui_tmux::{Tmux, tmux_available};
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ossec.conf");
    std::fs::write(&file, CONF).expect("write");
    std::fs::write(dir.path().join("theirs"), theirs()).expect("write theirs");
    let tmux = Tmux::start(80, 24);
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    tmux.type_text(&format!(
        "exec {bin} --ossec-home /nonexistent {}",
        file.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Responses (2)");
    tmux.type_text("jjj");
    tmux.keys(&["Tab"]);
    tmux.type_text("jjjj");
    tmux.keys(&["Enter", "C-u"]);
    tmux.type_text("12");
    tmux.keys(&["Enter"]);
    tmux.type_text("jjj");
    tmux.keys(&["Enter", "C-u"]);
    tmux.type_text("1800");
    tmux.keys(&["Enter"]);
    tmux.wait_for(" modified ");
    let cp = std::process::Command::new("cp")
        .arg(dir.path().join("theirs"))
        .arg(&file)
        .status()
        .expect("cp");
    assert!(cp.success());
    tmux.type_text("s");
    tmux.wait_for("save: the changes to write");
    tmux.type_text("y");
    tmux.wait_for("the file changed on disk");
    tmux.type_text("m");
    let shown = tmux.wait_for("fields changed both ways");
    let row = |a: &str, b: &str| {
        shown
            .lines()
            .any(|l| l.find(a).zip(l.find(b)).is_some_and(|(x, y)| x < y))
    };
    assert!(row("<level>12</level>", "<level>11</level>"), "{shown}");
    assert!(
        row("<timeout>1800</timeout>", "<timeout>300</timeout>"),
        "{shown}"
    );
    tmux.type_text("ot");
    tmux.keys(&["Enter"]);
    tmux.wait_for("save: the changes to write");
    tmux.type_text("y");
    tmux.wait_for("saved");
    let expected = theirs().replace("<level>11</level>", "<level>12</level>");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), expected);
    let lock = dir.path().join(".ossec.conf.ossec-ar.lock");
    assert!(lock.exists(), "held while the editor runs");
    tmux.type_text("q");
    let start = std::time::Instant::now();
    while lock.exists() {
        assert!(
            start.elapsed().as_secs() < 10,
            "the lock is left after quitting"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
