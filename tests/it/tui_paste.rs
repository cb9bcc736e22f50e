//! Pastes into every text input of the editor (issue 16 point 11): one insertion,
//! however long, cut at the longest value Wazuh reads (20479 bytes) with a message;
//! where nothing is typed a paste is not taken as keys.

use std::time::{Duration, Instant};

use ossec_ar::tui::AppEvent;
use ossec_ar::tui::keys::Mode;

use crate::tui_harness::{CONF, TO_R1, app, press, screen};

/// 100 KB: far past the cut, and 25 times the 4096 characters once typed as keys.
fn long() -> String {
    "x".repeat(100 * 1024)
}

#[test]
fn a_paste_into_a_picker_filters_it_at_once() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}j<enter>"));
    assert_eq!(a.mode(), Mode::Pick);
    // A short paste is the filter: Enter picks the one command it leaves.
    a.handle(AppEvent::Paste("rest\n".into()));
    press(&mut a, "<enter>");
    assert!(
        a.source()
            .contains("<command>restart-wazuh</command>\n    <location>local")
    );
    press(&mut a, "<enter>");
    assert_eq!(a.mode(), Mode::Pick);
    let started = Instant::now();
    a.handle(AppEvent::Paste(long()));
    let s = screen(&a, 120, 40);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.contains("paste cut at 20479 bytes"), "{s}");
    assert_eq!(a.mode(), Mode::Pick, "the picker stays open");
}

#[test]
fn a_paste_into_the_list_filter_is_one_cut_insertion() {
    let mut a = app(CONF);
    press(&mut a, "/");
    a.handle(AppEvent::Paste("spare".into()));
    let s = screen(&a, 120, 40);
    assert!(s.contains("/ spare"), "{s}");
    assert!(s.contains("spare: spare.sh"), "{s}");
    assert!(
        !s.contains("firewall-drop"),
        "the filter applies at once: {s}"
    );
    press(&mut a, "<esc>/");
    let started = Instant::now();
    a.handle(AppEvent::Paste(long()));
    let s = screen(&a, 120, 40);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.contains("paste cut at 20479 bytes"), "{s}");
    assert_eq!(a.mode(), Mode::Edit, "still typing the filter");
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
}

#[test]
fn a_paste_into_a_popup_field_is_one_cut_insertion() {
    // The command form of `a` in the commands section: name first.
    let mut a = app(CONF);
    press(&mut a, "a");
    assert_eq!(a.mode(), Mode::Edit);
    let started = Instant::now();
    a.handle(AppEvent::Paste(format!("{}\n", long())));
    let s = screen(&a, 120, 40);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.contains("paste cut at 20479 bytes"), "{s}");
    press(&mut a, "<esc>");
    assert_eq!(a.source(), CONF);
}

#[test]
fn a_paste_where_nothing_is_typed_is_not_taken_as_keys() {
    let mut a = app(CONF);
    // As keys, `jj` would go to command #3 (used by no response), `d` ask to
    // delete it and `y` say yes.
    a.handle(AppEvent::Paste("jjdy".into()));
    assert_eq!(a.mode(), Mode::Browse);
    assert_eq!(a.source(), CONF);
    let s = screen(&a, 120, 40);
    assert!(s.contains("paste ignored"), "{s}");
    // A question open: the paste answers nothing.
    press(&mut a, "jjd");
    assert_eq!(a.mode(), Mode::Confirm);
    a.handle(AppEvent::Paste("y".into()));
    assert_eq!(a.mode(), Mode::Confirm);
    assert_eq!(a.source(), CONF);
}

#[test]
fn a_paste_into_the_simulators_filter_and_line_is_one_cut_insertion() {
    let mut a = crate::tui_logs::demo_app((120, 40));
    press(&mut a, crate::tui_logs::R1_PANE);
    press(&mut a, "/");
    a.handle(AppEvent::Paste(long()));
    let s = screen(&a, 120, 40);
    assert!(s.contains("paste cut at 20479 bytes"), "{s}");
    press(&mut a, "<esc>l");
    // A line longer than the engine keeps (1 MiB): cut, with its own message.
    let started = Instant::now();
    a.handle(AppEvent::Paste("y".repeat((1 << 20) + 10)));
    let s = screen(&a, 120, 40);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.contains("paste cut at 1048576 bytes"), "{s}");
}
