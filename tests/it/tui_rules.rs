//! The editor with rules loaded: counts next to the trigger fields (live while
//! typing), the group and rule pickers (Ctrl-p), the wizard's count, and the
//! simulator pane, which follows unsaved edits.

use ossec_ar::tui::App;
use ossec_ar::tui::keys::Mode;

use crate::tui_harness::{CONF, TO_R1, app_with_rules, press, screen};

fn shown(a: &App) -> String {
    screen(a, 120, 40)
}

fn app() -> App {
    app_with_rules(CONF, (120, 40))
}

#[test]
fn counts_and_unknown_ids_are_shown_beside_the_fields() {
    let mut a = app();
    press(&mut a, "jjj");
    // Level 10 reaches 5712 and 31151 (5700 is level 0).
    assert!(
        shown(&a).contains("binds 2 of the loaded rules"),
        "{}",
        shown(&a)
    );
    press(&mut a, "j");
    assert!(
        shown(&a).contains("100010  not loaded: 100010"),
        "{}",
        shown(&a)
    );
    let codes: Vec<&str> = a.diagnostics().iter().map(|d| d.code).collect();
    assert!(codes.contains(&"rules-id-unknown"), "{codes:?}");
}

#[test]
fn the_count_is_live_while_typing() {
    let mut a = app();
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>5"));
    assert_eq!(a.mode(), Mode::Edit);
    assert!(
        shown(&a).contains("binds 4 of the loaded rules"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<esc>");
    assert!(shown(&a).contains("binds 2 of the loaded rules"));
}

#[test]
fn ctrl_p_picks_a_group_and_a_rule_id() {
    let mut a = app();
    press(&mut a, &format!("{TO_R1}jjjjj<enter><c-p>"));
    assert_eq!(a.mode(), Mode::Pick);
    press(&mut a, "scan<enter>");
    assert_eq!(
        a.mode(),
        Mode::Edit,
        "back to the field, the group typed in"
    );
    press(&mut a, "<enter>");
    assert!(
        a.source()
            .contains("    <rules_group>web_scan</rules_group>\n")
    );
    // Level 10 and group web_scan: only 31151.
    assert!(
        shown(&a).contains("binds 1 of the loaded rules"),
        "{}",
        shown(&a)
    );
    press(&mut a, "j<enter>5710,<c-p>unknown users<enter><enter>");
    assert!(
        a.source().contains("    <rules_id>5710,5712</rules_id>\n"),
        "{}",
        a.source()
    );
}

#[test]
fn wizard_counts_what_the_trigger_binds() {
    let mut a = app();
    press(&mut a, "jjjahost<enter>7");
    assert!(
        shown(&a).contains("binds 2 of the loaded rules"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<tab>sshd");
    assert!(
        shown(&a).contains("binds 1 of the loaded rules"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<tab><c-p>400 error<enter>");
    assert!(
        shown(&a).contains("binds 2 of the loaded rules"),
        "or 31101: {}",
        shown(&a)
    );
}

#[test]
fn simulator_pane_lists_the_rules_and_fires_the_highlighted_one() {
    let mut a = app();
    press(&mut a, "jjjp");
    assert_eq!(a.mode(), Mode::Sim);
    let s = shown(&a);
    assert!(s.contains("simulator: response #1, 2 rules"), "{s}");
    assert!(s.contains("when rule 5712 fires"), "{s}");
    // The event assumed is stated: from the manager, as `simulate` assumes; local
    // runs on the manager.
    assert!(s.contains("assumed event from the manager (000)"), "{s}");
    assert!(s.contains("runs on: the manager (000)"), "{s}");
    assert!(s.contains("\"command\": \"firewall-drop600\""), "{s}");
    press(&mut a, "j");
    assert!(shown(&a).contains("when rule 31151 fires"));
    // From agent 001: local runs there.
    press(&mut a, "e<c-u>001<enter>");
    assert!(shown(&a).contains("runs on: 001"), "{}", shown(&a));
    press(&mut a, "/ssh<enter>");
    assert!(!shown(&a).contains("31151"), "{}", shown(&a));
    press(&mut a, "p");
    assert_eq!(a.mode(), Mode::Browse);
    assert!(!a.simulator_open());
}

#[test]
fn simulator_pane_follows_unsaved_edits_and_undo() {
    let mut a = app();
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>5<enter><esc>p"));
    assert!(shown(&a).contains("response #1, 4 rules"), "{}", shown(&a));
    press(&mut a, "u");
    assert!(shown(&a).contains("response #1, 2 rules"), "{}", shown(&a));
    // Another response from the list: the pane follows the selection.
    press(&mut a, "<tab>j");
    assert!(
        shown(&a).contains("simulator: response #2, 0 rules"),
        "{}",
        shown(&a)
    );
}

/// A manager config with `n` responses that bind none of the Wazuh rules (no rule
/// of level 16 is in the sshd or web groups).
fn unbound(n: usize) -> String {
    // Each group string differs (`|web` repeated), so that no two blocks are the same
    // response (which `duplicate-response` would warn about).
    let blocks: String = (0..n)
        .map(|i| {
            format!(
                "  <active-response>\n    <command>fd</command>\n    <location>local</location>\n    <level>16</level>\n    <rules_group>sshd|web{}</rules_group>\n  </active-response>\n",
                "|web".repeat(i)
            )
        })
        .collect();
    format!(
        "<ossec_config>\n  <command>\n    <name>fd</name>\n    <executable>firewall-drop</executable>\n  </command>\n{blocks}</ossec_config>\n"
    )
}

fn with_wazuh_rules(text: &str) -> Option<App> {
    let corpus = crate::support::corpus()?;
    let dir = corpus.join("wazuh/ruleset/rules");
    let found = ossec_ar::rules::files_in_dirs(&[dir], &[]);
    let loaded = ossec_ar::rules::load(&found.files);
    Some(App::new(
        text.to_string(),
        ossec_ar::tui::Options {
            path: "ossec.conf".into(),
            profile: ossec_ar::model::Profile::Wazuh,
            home: None,
            theme: ossec_ar::tui::Theme::new(false),
            size: (160, 30),
            rules: Some(loaded.rules),
        },
    ))
}

#[test]
fn ruleset_warnings_count_for_every_response_not_only_the_selected_one() {
    let Some(mut a) = with_wazuh_rules(&unbound(50)) else {
        return;
    };
    // 50 patterns against 4,500 rules cost more than a frame: a job matches them.
    crate::tui_harness::settle(&mut a, &crate::tui_harness::run_options());
    let n = a
        .diagnostics()
        .iter()
        .filter(|d| d.code == "response-binds-nothing")
        .count();
    assert_eq!(n, 50);
    let s = screen(&a, 160, 30);
    assert!(s.contains("50 warnings"), "{s}");
    assert!(!s.contains("selected response only"), "{s}");
}

#[test]
fn a_file_too_large_for_every_rule_check_says_so() {
    // 300 responses x 4,500 rules is above the per-edit budget of 250,000 bindings.
    let Some(mut a) = with_wazuh_rules(&unbound(300)) else {
        return;
    };
    press(&mut a, "jj");
    let n = a
        .diagnostics()
        .iter()
        .filter(|d| d.code == "response-binds-nothing")
        .count();
    assert_eq!(n, 1, "the selected response only");
    let s = screen(&a, 160, 30);
    assert!(s.contains("(rule checks: selected response only)"), "{s}");
}

#[test]
fn in_the_group_picker_j_and_k_filter_and_the_hint_says_so() {
    let mut a = app();
    press(&mut a, &format!("{TO_R1}jjjjj<enter><c-p>"));
    assert_eq!(a.mode(), Mode::Pick);
    let s = shown(&a);
    assert!(s.contains("Down next; typing filters"), "{s}");
    // "jk" filters to nothing; Down then Enter on "scan" picks web_scan.
    press(&mut a, "jk");
    assert_eq!(a.mode(), Mode::Pick);
    press(&mut a, "<bs><bs>scan<down><enter>");
    assert_eq!(a.mode(), Mode::Edit);
}

#[test]
fn simulator_pane_a_white_listed_source_ip_runs_nothing_and_undoes_nothing() {
    let mut a = app();
    // Response #1 has a timeout of 600; 127.0.0.1 is in the config's white list.
    press(&mut a, "jjjpe<tab><c-u>127.0.0.1<enter>");
    let s = shown(&a);
    assert!(s.contains("runs nowhere"), "{s}");
    assert!(s.contains("does not run at all"), "{s}");
    assert!(!s.contains("never undone"), "{s}");
    assert!(!s.contains("undone (delete) after"), "{s}");
    assert!(s.contains("white-listed"), "{s}");
}
