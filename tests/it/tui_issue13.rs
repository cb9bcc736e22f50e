//! What a first session with the editor found (issue 13), as key scripts: the full
//! text behind what the screen cuts, findings under a field, the simulator beside
//! the form, the wording of the keys.

use ossec_ar::tui::keys::Mode;
use ossec_ar::tui::{AppEvent, Effect};

use crate::tui_harness::{CONF, OnDisk, TO_R1, app, app_with_rules, press, screen};

fn shown(a: &ossec_ar::tui::App) -> String {
    screen(a, 120, 40)
}

#[test]
fn ctrl_z_asks_to_suspend_from_anywhere() {
    let mut a = app(CONF);
    assert_eq!(press(&mut a, "<c-z>"), vec![Effect::Suspend]);
    // While a field is typed, too; the edit stays open.
    press(&mut a, &format!("{TO_R1}jjjj<enter>"));
    assert_eq!(a.mode(), Mode::Edit);
    assert_eq!(press(&mut a, "<c-z>"), vec![Effect::Suspend]);
    assert_eq!(a.mode(), Mode::Edit);
}

/// A file whose XML error comes with a long message.
const BROKEN: &str = "<ossec_config>\n  <command>\n    <name>firewall-drop</name>\n    <executable>firewall-drop</executable>\n  </command>\n  <active-response>\n    <command>firewall-drop</command>\n    <location>local</location>\n    <level>10</level>\n  </active-response>\n  <d~iscard-this-very-long-element-name-so-that-the-message-is-long>\n</ossec_config>\n";

#[test]
fn a_file_level_xml_error_is_cut_in_the_list_and_whole_in_the_details() {
    let mut a = app(BROKEN);
    let message = a
        .diagnostics()
        .iter()
        .find(|d| d.block.is_none() && d.severity == ossec_ar::model::Severity::Error)
        .map(|d| d.message.clone())
        .expect("an XML error");
    let s = shown(&a);
    assert!(!s.contains(&message), "cut in the list:\n{s}");
    assert!(s.contains("~ (i)"), "says where the rest is:\n{s}");
    assert!(s.contains("i details"), "the hint bar has the key:\n{s}");
    press(&mut a, "i");
    let s = shown(&a);
    // Wrapped, the whole message is there: every word of it.
    for word in message.split_whitespace() {
        assert!(s.contains(word), "{word:?} missing:\n{s}");
    }
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
}

#[test]
fn the_backup_path_of_a_save_is_reachable_in_full() {
    let mut d = OnDisk::new(CONF);
    d.opts.backup = true;
    d.press(&format!("{TO_R1}jjjj<enter><c-u>12<enter>s"));
    d.press("y");
    let notice = d.app.notice().expect("saved notice").text.clone();
    assert!(notice.starts_with("saved ossec.conf"), "{notice}");
    let backup = d
        .entries()
        .into_iter()
        .find(|n| n != "ossec.conf")
        .expect("a backup file");
    let full = d.dir.path().join(&backup).display().to_string();
    assert!(notice.ends_with(&full), "{notice} / {full}");
    d.press("i");
    let s = screen(&d.app, 120, 40).replace(['│', '\n', '"'], "");
    let flat: String = s.split_whitespace().collect();
    assert!(flat.contains(&full.replace(' ', "")), "{full} in:\n{s}");
}

/// Response #3 names twenty rules that are not loaded, then has a timeout.
fn twenty_unknown_ids() -> String {
    let ids: Vec<String> = (1..=20).map(|i| (900_000 + i).to_string()).collect();
    CONF.replace(
        "</ossec_config>",
        &format!("  <active-response>\n    <command>firewall-drop</command>\n    <location>local</location>\n    <rules_id>{}</rules_id>\n    <timeout>600</timeout>\n  </active-response>\n</ossec_config>", ids.join(",")),
    )
}

#[test]
fn twenty_unknown_ids_make_one_line_and_timeout_stays_on_screen() {
    let mut a = app_with_rules(&twenty_unknown_ids(), (80, 24));
    press(&mut a, "jjjjjj<tab>");
    let s = screen(&a, 80, 24);
    assert!(s.contains("response #3"), "{s}");
    assert!(
        s.contains("timeout") && s.contains("600"),
        "timeout on screen:\n{s}"
    );
    // `check` makes the twenty ids one finding, which names ten and counts the rest.
    assert!(s.contains("(+10 more)"), "{s}");
    assert_eq!(s.matches("rules-id-unknown").count(), 1, "{s}");
}

#[test]
fn old_findings_leave_a_field_while_it_is_typed() {
    let mut a = app_with_rules(&twenty_unknown_ids(), (120, 40));
    press(&mut a, "jjjjjj<tab>");
    assert!(shown(&a).contains("rules-id-unknown"));
    // rules_id is the 7th field.
    press(&mut a, "jjjjjj<enter><c-u>5712");
    assert_eq!(a.mode(), Mode::Edit);
    let s = shown(&a);
    assert!(
        !s.contains("rules-id-unknown"),
        "stale findings shown:\n{s}"
    );
    press(&mut a, "<enter>");
    assert!(!shown(&a).contains("rules-id-unknown"), "{}", shown(&a));
}

#[test]
fn the_new_command_preview_names_the_keys_its_footer_shows() {
    let mut a = app(CONF);
    press(&mut a, "anotify<tab>notify.sh<enter>");
    let s = shown(&a);
    assert!(s.contains("Enter inserts"), "{s}");
    assert!(s.contains("Enter insert "), "footer: {s}");
    assert!(!s.contains("y inserts"), "{s}");
}

#[test]
fn with_the_simulator_open_enter_edits_the_form_and_both_are_shown() {
    let mut a = app_with_rules(CONF, (120, 40));
    press(&mut a, "jjjp");
    assert_eq!(a.mode(), Mode::Sim);
    // Back to the list: the hint bar says Enter edits, and it does.
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
    assert!(shown(&a).contains("Enter edit"), "{}", shown(&a));
    press(&mut a, "<enter>");
    let s = shown(&a);
    assert!(s.contains("> disabled"), "the form has the keys:\n{s}");
    assert!(s.contains("simulator: response #1"), "the pane stays:\n{s}");
    press(&mut a, "jjjj<enter><c-u>12<enter>");
    assert!(a.source().contains("<level>12</level>"));
    // On a short screen, the focused one of the two.
    let s = screen(&a, 80, 24);
    assert!(
        s.contains("level") && !s.contains("simulator: response"),
        "{s}"
    );
    press(&mut a, "<esc>");
    assert!(screen(&a, 80, 24).contains("simulator: response #1"));
}

#[test]
fn the_simulators_event_defaults_to_the_manager_and_is_kept_for_the_session() {
    let mut a = app_with_rules(CONF, (120, 40));
    press(&mut a, "jjjp");
    assert!(
        shown(&a).contains("assumed event from the manager (000), 192.0.2.10, no user"),
        "{}",
        shown(&a)
    );
    press(&mut a, "e<c-u>007<tab><c-u>198.51.100.7<tab>alice<enter>");
    let changed = "event from agent 007, 198.51.100.7, user alice";
    assert!(shown(&a).contains(changed), "{}", shown(&a));
    // Closed and opened again: the same event.
    press(&mut a, "p");
    assert!(!a.simulator_open());
    press(&mut a, "p");
    assert!(shown(&a).contains(changed), "{}", shown(&a));
    a.handle(AppEvent::Resize(120, 40));
}

#[test]
fn guided_creation_in_a_file_without_a_root_offers_to_add_one_first() {
    for text in ["", "hello world\n", "hello world"] {
        let mut a = app(text);
        press(&mut a, "a");
        assert_eq!(a.mode(), Mode::Confirm, "{text:?}");
        let s = shown(&a);
        assert!(s.contains("no <ossec_config> root"), "{s}");
        // No: nothing changes.
        press(&mut a, "n");
        assert_eq!((a.mode(), a.source()), (Mode::Browse, text));
        // Yes: the root, then the wizard, which now gets to the end.
        press(&mut a, "ay");
        assert_eq!(a.mode(), Mode::Pick, "the wizard's first step");
        press(&mut a, "host<enter>7<enter><enter><enter>y");
        assert_eq!(a.mode(), Mode::Browse, "{}", shown(&a));
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let start = format!("{text}{sep}<ossec_config>\n");
        assert!(a.source().starts_with(&start), "{:?}", a.source());
        assert!(
            a.source().ends_with("</ossec_config>\n"),
            "{:?}",
            a.source()
        );
        assert!(
            a.source().contains("<command>host-deny</command>"),
            "{}",
            a.source()
        );
        assert!(a.source().contains("<level>7</level>"), "{}", a.source());
    }
}

/// An agent's ossec.conf: a `<client>` section, one `<active-response>` block.
const AGENT: &str = "<ossec_config>\n  <client>\n    <server>\n      <address>10.0.0.1</address>\n    </server>\n  </client>\n\n  <active-response>\n    <disabled>no</disabled>\n  </active-response>\n</ossec_config>\n";

#[test]
fn a_in_an_agent_file_offers_what_the_agent_reads() {
    // Without a block yet: a new one, of the agent's settings only.
    let bare = AGENT.replace(
        "  <active-response>\n    <disabled>no</disabled>\n  </active-response>\n",
        "",
    );
    let mut a = app(&bare);
    press(&mut a, "a");
    let s = shown(&a);
    assert!(s.contains("this agent's active-response settings"), "{s}");
    for field in [
        "disabled",
        "repeated_offenders",
        "ca_store",
        "ca_verification",
    ] {
        assert!(s.contains(field), "{field}: {s}");
    }
    assert!(
        !s.contains("firewall-drop") && !s.contains("rules_group"),
        "{s}"
    );
    // Settings, ca_verification toggled by Enter, then the preview and Enter.
    press(
        &mut a,
        "<tab>10,30<tab>etc/wpk_root.pem<tab><enter><s-tab><enter>",
    );
    assert!(
        shown(&a).contains("agent settings: Enter inserts"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<enter>");
    assert_eq!(a.mode(), Mode::Browse, "{}", shown(&a));
    let added = "  <active-response>\n    <disabled>no</disabled>\n    <repeated_offenders>10,30</repeated_offenders>\n    <ca_store>etc/wpk_root.pem</ca_store>\n    <ca_verification>yes</ca_verification>\n  </active-response>\n";
    assert!(a.source().contains(added), "{}", a.source());
    assert!(!a.source().contains("<command>"), "{}", a.source());
    let codes: Vec<&str> = a.diagnostics().iter().map(|d| d.code).collect();
    assert!(codes.is_empty(), "{codes:?}");
}

#[test]
fn a_in_an_agent_file_with_a_block_goes_to_the_block_execd_reads() {
    let mut a = app(AGENT);
    assert!(press(&mut a, "a").is_empty());
    assert_eq!(a.mode(), Mode::Browse);
    let s = shown(&a);
    assert!(
        s.contains("> disabled"),
        "the first block's form has the keys:\n{s}"
    );
    assert!(
        s.contains("reads its settings from the first <active-response>"),
        "{s}"
    );
    assert_eq!(a.source(), AGENT, "nothing added");
}

#[test]
fn an_agents_block_shows_and_edits_the_agent_fields() {
    let mut a = app(AGENT);
    press(&mut a, "jj<tab>");
    let s = shown(&a);
    assert!(
        s.contains("ca_store") && s.contains("ca_verification"),
        "{s}"
    );
    assert!(!s.contains("rules_group") && !s.contains("location"), "{s}");
    // ca_verification is the 4th field: Enter toggles it into the block.
    press(&mut a, "jjj<enter>");
    assert!(
        a.source()
            .contains("<disabled>no</disabled>\n    <ca_verification>yes</ca_verification>"),
        "{}",
        a.source()
    );
    press(&mut a, "<enter>");
    assert!(a.source().contains("<ca_verification>no</ca_verification>"));
    // ca_store is typed.
    press(&mut a, "k<enter>/var/ossec/etc/wpk_root.pem<enter>");
    assert!(
        a.source()
            .contains("<ca_store>/var/ossec/etc/wpk_root.pem</ca_store>"),
        "{}",
        a.source()
    );
}

#[test]
fn a_shared_agent_conf_is_labelled_with_each_blocks_target() {
    let shared = "<agent_config name=\"web01\" os=\"Linux\">\n  <active-response>\n    <disabled>yes</disabled>\n  </active-response>\n</agent_config>\n\n<agent_config profile=\"ubuntu\">\n  <active-response>\n    <repeated_offenders>10</repeated_offenders>\n  </active-response>\n</agent_config>\n";
    let mut a = app(shared);
    let s = shown(&a);
    assert!(s.contains("centralized agent config"), "{s}");
    assert!(!s.contains(" manager "), "{s}");
    // The list names each block's agents.
    assert!(
        s.contains("agent_config name=\"web01\" os=\"Linux\""),
        "{s}"
    );
    assert!(s.contains("agent_config profile=\"ubuntu\""), "{s}");
    press(&mut a, "<tab>");
    let s = shown(&a);
    assert!(
        s.contains("response #1 · agent_config name=\"web01\" os=\"Linux\""),
        "{s}"
    );
    press(&mut a, "<esc>j");
    let s = shown(&a);
    assert!(
        s.contains("response #2 · agent_config profile=\"ubuntu\""),
        "{s}"
    );
}

#[test]
fn below_80x24_one_pane_at_a_time_and_the_hint_says_how_to_switch() {
    let mut a = crate::tui_harness::app_sized(CONF, (70, 20));
    let s = screen(&a, 70, 20);
    assert!(s.contains("blocks") && s.contains(" Tab form"), "{s}");
    assert!(!s.contains("Terminal too small"), "{s}");
    press(&mut a, "jjj<tab>");
    let s = screen(&a, 70, 20);
    assert!(s.contains("response #1") && !s.contains("blocks"), "{s}");
    assert!(s.contains(" Esc list"), "{s}");
    press(&mut a, "<esc>");
    assert!(screen(&a, 70, 20).contains("blocks"));
    // Below 60x15: the message, and q still quits.
    a.handle(AppEvent::Resize(59, 15));
    assert!(screen(&a, 59, 15).contains("Terminal too small"));
    assert_eq!(press(&mut a, "q"), vec![Effect::Quit]);
}
