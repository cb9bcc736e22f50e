//! Whole-screen snapshots at 80x24 and 120x40 (insta, reviewed by hand before
//! being accepted): main screen, forms with problems, dropdown, picker, help, the
//! diff preview, every step of guided creation, the small-terminal screen.

use crate::tui_harness::{CONF, TO_R1, app_sized, app_with_rules, press, screen};

/// The fixture plus a response whose command is not defined (an error on a
/// field), a block with no child element (an error on the block), and a value with
/// an escape sequence in it, which must be shown escaped.
fn conf_with_problems() -> String {
    CONF.replace(
        "</ossec_config>\n",
        "  <active-response>\n    <command>fw-drop</command>\n    <location>local</location>\n    <level>7</level>\n  </active-response>\n\n  <active-response>\n    <!-- to be written -->\n  </active-response>\n\n  <command>\n    <name>paint</name>\n    <executable>paint.sh</executable>\n    <extra_args>\u{1b}[31mred</extra_args>\n  </command>\n</ossec_config>\n",
    )
}

/// Snapshots of the screen after `script`, at both sizes.
fn snap(name: &str, text: &str, script: &str) {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = app_sized(text, (w, h));
        press(&mut a, script);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&a, w, h));
    }
}

/// The same with the test rules loaded.
fn snap_rules(name: &str, text: &str, script: &str) {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = app_with_rules(text, (w, h));
        press(&mut a, script);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn main_screen() {
    snap("main", CONF, "jjj");
}

#[test]
fn form_focused() {
    snap("form", CONF, TO_R1);
}

#[test]
fn form_with_a_finding_and_escaped_control_characters() {
    snap("form_finding", &conf_with_problems(), "jjjjjj<tab>");
    snap("block_finding", &conf_with_problems(), "jjjjjjj<tab>");
    snap("escaped_controls", &conf_with_problems(), "jjj<tab>jjj");
}

#[test]
fn form_with_a_refused_value() {
    snap(
        "form_refused",
        CONF,
        &format!("{TO_R1}jjjj<enter><c-u>99<enter>"),
    );
}

#[test]
fn location_dropdown() {
    snap("dropdown", CONF, &format!("{TO_R1}jj<enter>"));
}

#[test]
fn command_picker() {
    snap("picker", CONF, &format!("{TO_R1}j<enter>re"));
}

#[test]
fn help_overlay() {
    snap("help", CONF, "?");
}

#[test]
fn diff_preview() {
    snap(
        "preview",
        CONF,
        &format!("{TO_R1}jjjj<enter><c-u>12<enter>s"),
    );
    // Location defined-agent without an agent id: an error the edit adds.
    snap(
        "preview_errors",
        CONF,
        &format!("{TO_R1}jj<enter>jj<enter><esc>s"),
    );
}

#[test]
fn quit_prompt_and_delete_question() {
    snap("quit_prompt", CONF, &format!("{TO_R1}<enter>q"));
    snap("delete", CONF, "jjjjd");
}

#[test]
fn wizard_steps() {
    snap("wizard_1_command", CONF, "jjja");
    snap("wizard_2_trigger", CONF, "jjjahost<enter>7<tab>web,attack");
    snap("wizard_3_location", CONF, "jjjahost<enter>7<enter>");
    snap("wizard_3_agent", CONF, "jjjahost<enter>7<enter>jj<enter>5");
    snap("wizard_4_timing", CONF, "jjjahost<enter>7<enter><enter>");
    snap(
        "wizard_5_review",
        CONF,
        "jjjahost<enter>7<enter><enter><enter>",
    );
}

#[test]
fn new_command_form() {
    snap("new_command", CONF, "anotify<tab>");
    snap("new_command_review", CONF, "anotify<tab>notify.sh<enter>");
}

#[test]
fn terminal_too_small() {
    let a = app_sized(CONF, (59, 14));
    insta::assert_snapshot!("too_small_59x14", screen(&a, 59, 14));
}

/// From 60x15 to 80x24 one pane at a time: the list, Tab the form (issue 13).
#[test]
fn one_pane_below_80x24() {
    for (w, h) in [(60, 15), (79, 23)] {
        let mut a = app_sized(CONF, (w, h));
        insta::assert_snapshot!(format!("one_pane_list_{w}x{h}"), screen(&a, w, h));
        press(&mut a, "jjj<tab>");
        insta::assert_snapshot!(format!("one_pane_form_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn agent_file_shows_execd_settings() {
    let agent = "<ossec_config>\n  <client>\n    <server>\n      <address>10.0.0.1</address>\n    </server>\n  </client>\n\n  <active-response>\n    <disabled>no</disabled>\n    <repeated_offenders>10,30</repeated_offenders>\n  </active-response>\n</ossec_config>\n";
    snap("agent_settings", agent, "<tab>");
}

#[test]
fn with_rules_loaded() {
    snap_rules("rules_form", CONF, "jjj<tab>");
    snap_rules("simulator", CONF, "jjjp");
    snap_rules("simulator_details", CONF, "jjjpj<pgdn>");
    snap_rules("group_picker", CONF, &format!("{TO_R1}jjjjj<enter><c-p>"));
    snap_rules("rule_picker", CONF, &format!("{TO_R1}jjjjjj<enter><c-p>"));
    snap_rules("wizard_trigger_rules", CONF, "jjjahost<enter>7<tab>sshd");
}
