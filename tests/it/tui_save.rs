//! Saving from the editor, checked on the bytes of a real file: the diff preview,
//! `y` writes exactly the edit, an unchanged file is not written, a file changed on
//! disk is not overwritten without asking, quitting with changes asks first.

use ossec_ar::tui::keys::Mode;

use crate::tui_harness::{CONF, OnDisk, TO_R1};

const LEVEL_12: &str = "jjjj<enter><c-u>12<enter>";

fn edited() -> String {
    CONF.replace("<level>10</level>", "<level>12</level>")
}

#[test]
fn save_shows_the_diff_then_writes_exactly_the_edit() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{LEVEL_12}s"));
    assert_eq!(d.app.mode(), Mode::Preview);
    assert_eq!(d.on_disk(), CONF, "nothing written before y");
    d.press("y");
    assert_eq!(d.on_disk(), edited());
    assert!(!d.app.is_modified());
    assert_eq!(d.app.mode(), Mode::Browse);
    assert_eq!(
        d.entries(),
        vec!["ossec.conf"],
        "no temporary file left behind"
    );
    assert!(d.app.notice().is_some_and(|n| n.text.starts_with("saved")));
}

#[test]
fn preview_n_goes_back_without_writing() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{LEVEL_12}sn"));
    assert_eq!(d.app.mode(), Mode::Browse);
    assert_eq!(d.on_disk(), CONF);
    assert!(d.app.is_modified());
}

#[test]
fn unchanged_file_is_not_written() {
    let mut d = OnDisk::new(CONF);
    let before = std::fs::metadata(&d.path)
        .and_then(|m| m.modified())
        .expect("mtime");
    // An edit undone leaves nothing to save either.
    d.press(&format!("{TO_R1}{LEVEL_12}us<c-s>"));
    assert_eq!(d.app.mode(), Mode::Browse, "no preview for no change");
    assert!(
        d.app
            .notice()
            .is_some_and(|n| n.text.contains("nothing written"))
    );
    let after = std::fs::metadata(&d.path)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
    assert_eq!(d.on_disk(), CONF);
}

#[test]
fn crlf_file_keeps_its_line_endings() {
    let crlf = CONF.replace('\n', "\r\n");
    let mut d = OnDisk::new(&crlf);
    d.press(&format!("{TO_R1}jjjjjjj<enter><c-u>1800<enter>sy"));
    assert_eq!(
        d.on_disk(),
        crlf.replace("<timeout>600</timeout>", "<timeout>1800</timeout>")
    );
}

#[test]
fn file_changed_on_disk_asks_and_write_anyway_overwrites() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{LEVEL_12}"));
    let theirs = CONF.replace("127.0.0.1", "10.1.1.1");
    std::fs::write(&d.path, &theirs).expect("someone else writes");
    d.press("sy");
    assert_eq!(d.app.mode(), Mode::External);
    assert_eq!(d.on_disk(), theirs, "not overwritten without asking");
    d.press("w");
    assert_eq!(d.on_disk(), edited());
    assert!(!d.app.is_modified());
}

#[test]
fn file_changed_on_disk_reload_drops_the_edits() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{LEVEL_12}"));
    let theirs = CONF.replace("127.0.0.1", "10.1.1.1");
    std::fs::write(&d.path, &theirs).expect("someone else writes");
    d.press("syr");
    assert_eq!(d.app.source(), theirs);
    assert!(!d.app.is_modified());
    assert_eq!(d.on_disk(), theirs);
}

#[test]
fn quit_discard_leaves_the_file_alone() {
    let mut d = OnDisk::new(CONF);
    assert!(!d.press(&format!("{TO_R1}{LEVEL_12}q")));
    assert_eq!(d.app.mode(), Mode::QuitPrompt);
    assert!(d.press("d"));
    assert_eq!(d.on_disk(), CONF);
}

#[test]
fn quit_save_shows_the_diff_writes_then_quits() {
    let mut d = OnDisk::new(CONF);
    assert!(!d.press(&format!("{TO_R1}{LEVEL_12}qs")));
    assert_eq!(d.app.mode(), Mode::Preview);
    assert!(!d.press("n"), "going back from the diff cancels the quit");
    assert_eq!(d.on_disk(), CONF);
    assert!(!d.press("qs"));
    assert!(d.press("y"), "quits once written");
    assert_eq!(d.on_disk(), edited());
}

#[test]
fn errors_the_edits_add_block_the_save_unless_saved_anyway() {
    let mut d = OnDisk::new(CONF);
    // defined-agent, then Esc on the agent id it asks for: the block now lacks one.
    d.press(&format!("{TO_R1}jj<enter>jj<enter><esc>"));
    let errors: Vec<&str> = d
        .app
        .diagnostics()
        .iter()
        .filter(|x| x.severity == ossec_ar::model::Severity::Error)
        .map(|x| x.code)
        .collect();
    assert_eq!(errors, vec!["missing-agent-id"]);
    d.press("sy");
    assert_eq!(d.app.mode(), Mode::Blocked, "y refused");
    assert_eq!(d.on_disk(), CONF);
    assert!(
        d.app
            .notice()
            .is_some_and(|n| n.text.contains("add 1 error"))
    );
    d.press("!");
    assert_eq!(d.on_disk(), d.app.source(), "saved anyway");
    assert!(d.on_disk().contains("<location>defined-agent</location>"));
}

#[test]
fn findings_follow_the_edits() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}jj<enter>jj<enter><esc>"));
    assert!(
        d.app
            .diagnostics()
            .iter()
            .any(|x| x.code == "missing-agent-id")
    );
    d.press("u");
    assert!(
        d.app
            .diagnostics()
            .iter()
            .all(|x| x.code != "missing-agent-id")
    );
    assert_eq!(d.app.source(), CONF);
}

#[test]
fn an_old_error_stays_old_when_a_block_before_it_is_deleted() {
    let broken = CONF.replace(
        "<location>server</location>",
        "<location>nowhere</location>",
    );
    let mut d = OnDisk::new(&broken);
    assert!(d.app.new_errors().is_empty());
    // Delete the clean response 1: the error of response 2 is now on response 1.
    d.press("jjjdy");
    assert!(!d.app.source().contains("<level>10</level>"), "deleted");
    assert!(d.app.new_errors().is_empty(), "{:?}", d.app.new_errors());
    d.press("sy");
    assert_eq!(d.app.mode(), Mode::Browse, "not blocked");
    assert_eq!(d.on_disk(), d.app.source(), "written");
}

#[test]
fn undoing_a_delete_keeps_old_errors_old() {
    let broken = CONF.replace("<level>10</level>", "<level>99</level>");
    let mut d = OnDisk::new(&broken);
    d.press("jjjdy");
    assert!(!d.app.source().contains("<level>99</level>"), "deleted");
    d.press("u");
    assert_eq!(d.app.source(), broken);
    assert!(d.app.new_errors().is_empty(), "{:?}", d.app.new_errors());
}

#[test]
fn enter_in_the_diff_preview_writes_nothing() {
    let mut d = OnDisk::new(CONF);
    d.press(&format!("{TO_R1}{LEVEL_12}s<enter>"));
    assert_eq!(d.on_disk(), CONF, "only y writes");
    assert_eq!(d.app.mode(), Mode::Preview);
    d.press("<esc>");
    assert_eq!(d.app.mode(), Mode::Browse);
    assert_eq!(d.on_disk(), CONF);
    assert!(d.app.is_modified());
}

/// Response #2's level, set through the form (it has none: the field is inserted).
const R2_LEVEL_5: &str = "jjjj<tab>jjjj<enter><c-u>5<enter>";

/// What another program writes meanwhile: response #1's level, and a new command.
fn theirs() -> String {
    let new_cmd = "  <command>\n    <name>host-deny</name>\n    <executable>host-deny</executable>\n  </command>\n\n";
    let anchor = "  <active-response>\n    <command>firewall-drop";
    assert_eq!(CONF.matches(anchor).count(), 1);
    CONF.replace("<level>10</level>", "<level>11</level>")
        .replace(anchor, &format!("{new_cmd}{anchor}"))
}

#[test]
fn file_changed_on_disk_merge_keeps_both_changes_and_nothing_else_moves() {
    let mut d = OnDisk::new(CONF);
    d.press(R2_LEVEL_5);
    let ours = "<location>server</location>\n    <level>5</level>\n";
    assert!(d.app.source().contains(ours), "{}", d.app.source());
    std::fs::write(&d.path, theirs()).expect("someone else writes");
    d.press("sy");
    assert_eq!(d.app.mode(), Mode::External);
    assert_eq!(d.on_disk(), theirs(), "not overwritten without asking");
    d.press("m");
    assert_eq!(
        d.app.mode(),
        Mode::Preview,
        "the diff, against their version"
    );
    assert_eq!(d.on_disk(), theirs(), "nothing written before y");
    d.press("y");
    let expected = theirs().replace("<location>server</location>\n", ours);
    assert_eq!(d.on_disk(), expected, "both changes, nothing else");
    assert!(!d.app.is_modified());
}

#[test]
fn a_conflict_settled_for_all_with_yours_or_theirs_keeps_the_other_changes() {
    let server = "<location>server</location>\n";
    // They also gave response #2 a level: the same place, another value.
    let theirs = theirs().replace(server, &format!("{server}    <level>7</level>\n"));
    for (key, level) in [("o", "5"), ("t", "7")] {
        let mut d = OnDisk::new(CONF);
        d.press(R2_LEVEL_5);
        std::fs::write(&d.path, &theirs).expect("someone else writes");
        d.press("sy");
        assert_eq!(d.app.mode(), Mode::External, "{key}: asked");
        d.press(key);
        let expected = theirs.replace("<level>7</level>", &format!("<level>{level}</level>"));
        if expected == theirs {
            // Theirs everywhere: nothing of ours is left to write.
            assert_eq!(d.app.mode(), Mode::Browse, "{key}");
            assert!(!d.app.is_modified());
        } else {
            assert_eq!(d.app.mode(), Mode::Preview, "{key}");
            d.press("y");
        }
        assert_eq!(d.on_disk(), expected, "{key}: their other changes are kept");
    }
}

/// A read-only file (0444) is not replaced on `y`: the editor asks, as editors do
/// (issue 16, point 7); `n` writes nothing, `y` writes and keeps the mode.
#[test]
fn a_read_only_file_asks_before_it_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let mut d = OnDisk::new(CONF);
    let ro = std::fs::Permissions::from_mode(0o444);
    std::fs::set_permissions(&d.path, ro).expect("chmod");
    d.press(&format!("{TO_R1}{LEVEL_12}sy"));
    assert_eq!(d.app.mode(), Mode::Confirm, "asked");
    assert_eq!(d.on_disk(), CONF, "nothing written before the answer");
    let shown = crate::tui_harness::screen(&d.app, 100, 30);
    assert!(shown.contains("read-only (mode 0444)"), "{shown}");
    d.press("n");
    assert_eq!(d.app.mode(), Mode::Browse);
    assert_eq!(d.on_disk(), CONF, "n writes nothing");
    assert!(d.app.is_modified());
    d.press("syy");
    assert_eq!(d.on_disk(), edited(), "y writes all the same");
    assert!(!d.app.is_modified());
    let mode = std::fs::metadata(&d.path)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o444, "still read-only");
    assert_eq!(d.entries(), vec!["ossec.conf"]);
}

/// A hard-linked file is rewritten in place, and the status line says so (issue 16,
/// point 4).
#[test]
fn a_hard_linked_file_is_saved_in_place_and_the_editor_says_so() {
    let mut d = OnDisk::new(CONF);
    let other = d.dir.path().join("other.conf");
    std::fs::hard_link(&d.path, &other).expect("link");
    d.press(&format!("{TO_R1}{LEVEL_12}sy"));
    assert_eq!(d.on_disk(), edited());
    assert_eq!(std::fs::read_to_string(&other).expect("read"), edited());
    let notice = d.app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert_eq!(
        notice,
        "saved ossec.conf (in place: it has 2 hard links, kept as one file)"
    );
}
