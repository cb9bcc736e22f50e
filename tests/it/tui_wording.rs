//! Issue 13, wording seen in the editor: a command in use names "response #1", and a
//! command with `<timeout_allowed>no</timeout_allowed>` "does not allow a timeout"
//! (it has the element, so "has no timeout_allowed" was wrong).

use ossec_ar::model::BlockRef;

use crate::tui_harness::{CONF, app, press, screen};

#[test]
fn deleting_a_command_in_use_names_response_number_one() {
    let mut a = app(CONF);
    assert_eq!(a.selected(), Some(BlockRef::Command(1)));
    press(&mut a, "d");
    let notice = a.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert_eq!(
        notice,
        "command 'firewall-drop' is used by response #1: change or delete it first"
    );
}

#[test]
fn a_timeout_on_a_command_with_timeout_allowed_no_says_it_does_not_allow_one() {
    let conf = CONF.replace(
        "<executable>restart-wazuh</executable>",
        "<executable>restart-wazuh</executable>\n    <timeout_allowed>no</timeout_allowed>",
    );
    let mut a = app(&conf);
    // While typing, the field shows its advice.
    press(&mut a, "jjjj<tab>jjjjjjj<enter><c-u>600");
    let s = screen(&a, 160, 40);
    assert!(
        s.contains("command 'restart-wazuh' does not allow a timeout"),
        "{s}"
    );
    assert!(!s.contains("has no timeout_allowed"), "{s}");
}

#[test]
fn a_failed_save_says_the_file_is_unchanged_once() {
    let mut d = crate::tui_harness::OnDisk::new(CONF);
    d.press(&format!(
        "{}jjjj<enter><c-u>12<enter>",
        crate::tui_harness::TO_R1
    ));
    // The file is gone: the save cannot resolve it (an I/O error, whose own message
    // already ends with "the file is unchanged").
    std::fs::remove_file(&d.path).expect("rm");
    d.press("sy");
    let notice = d.app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.starts_with("not saved: cannot resolve "), "{notice}");
    assert_eq!(
        notice.matches("the file is unchanged").count(),
        1,
        "{notice}"
    );
}
