//! Key scripts against the editor, no terminal: every field type (valid value
//! committed, invalid refused, Esc restores), dropdown, picker, undo/redo, guided
//! creation, delete. Expected texts are written by hand from the fixture.

use ossec_ar::model::{BlockRef, Field};
use ossec_ar::tui::keys::Mode;
use ossec_ar::tui::{App, Effect};
use similar::{ChangeTag, TextDiff};

use crate::tui_harness::{CONF, TO_R1, app, press};

/// The lines an edit removed and added, each list in document order.
fn changed(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let diff = TextDiff::from_lines(before, after);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for c in diff.iter_all_changes() {
        match c.tag() {
            ChangeTag::Delete => removed.push(c.value().to_string()),
            ChangeTag::Insert => added.push(c.value().to_string()),
            ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|l| format!("{l}\n")).collect()
}

fn notice(a: &App) -> String {
    a.notice().map(|n| n.text.clone()).unwrap_or_default()
}

/// The screen at 120x40, where a field's problem fits on one line.
fn shown(a: &App) -> String {
    crate::tui_harness::screen(a, 120, 40)
}

#[test]
fn level_valid_value_is_committed_as_one_field_change() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>12<enter>"));
    assert_eq!(
        a.source(),
        CONF.replace("<level>10</level>", "<level>12</level>")
    );
    assert_eq!(a.mode(), Mode::Browse);
    assert!(a.is_modified());
}

#[test]
fn level_out_of_range_is_refused_and_esc_restores() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>99<enter>"));
    assert_eq!(a.source(), CONF, "99 must not reach the document");
    assert_eq!(a.mode(), Mode::Edit, "Enter refused: still editing");
    assert!(
        shown(&a).contains("error[invalid-level]: level '99' is outside 0"),
        "{}",
        shown(&a)
    );
    assert!(notice(&a).starts_with("not committed"));
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
    assert_eq!(a.source(), CONF);
    assert!(!a.is_modified());
    // Editing again starts from the value in the document, not from what was typed.
    press(&mut a, "<enter><enter>");
    assert_eq!(
        a.source(),
        CONF,
        "Enter on the unchanged 10 changes nothing"
    );
}

#[test]
fn tab_keeps_a_valid_value_and_moves_on_a_refused_one_stays() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>12<tab>"));
    assert_eq!(
        a.source(),
        CONF.replace("<level>10</level>", "<level>12</level>")
    );
    assert_eq!(a.mode(), Mode::Browse);
    // Now on rules_group, the next field.
    press(&mut a, "<enter>web<enter>");
    let (_, added) = changed(CONF, a.source());
    assert_eq!(
        added,
        lines(&[
            "    <level>12</level>",
            "    <rules_group>web</rules_group>"
        ])
    );
    press(&mut a, "<enter><c-u>a||b<tab>");
    assert_eq!(a.mode(), Mode::Edit, "refused: stays on the field");
    assert!(notice(&a).starts_with("not committed"));
}

#[test]
fn timeout_takes_seconds_only() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjjjjj<enter><c-u>10m<enter>"));
    assert_eq!(a.source(), CONF);
    assert!(
        shown(&a).contains("warning[timeout-value]: timeout '10m' is read"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<bs><bs>800<enter>");
    assert_eq!(
        a.source(),
        CONF.replace("<timeout>600</timeout>", "<timeout>1800</timeout>")
    );
}

#[test]
fn location_dropdown_then_agent_id_for_defined_agent() {
    let mut a = app(CONF);
    // agent_id is not editable while the location does not read it.
    press(&mut a, &format!("{TO_R1}jjj<enter>"));
    assert_eq!(a.mode(), Mode::Browse);
    assert!(notice(&a).contains("defined-agent"), "{}", notice(&a));
    // The dropdown opens on the current value (local); two down is defined-agent.
    press(&mut a, "k<enter>");
    assert_eq!(a.mode(), Mode::Menu);
    press(&mut a, "jj<enter>");
    assert_eq!(
        a.mode(),
        Mode::Edit,
        "agent_id opens for typing: it is required now"
    );
    press(&mut a, "1a<enter>");
    assert!(shown(&a).contains("digits only, like 001"), "{}", shown(&a));
    assert_eq!(a.mode(), Mode::Edit, "refused: still typing");
    press(&mut a, "<c-u>003<enter>");
    let (removed, added) = changed(CONF, a.source());
    assert_eq!(removed, lines(&["    <location>local</location>"]));
    let mut added = added;
    added.sort();
    assert_eq!(
        added,
        lines(&[
            "    <agent_id>003</agent_id>",
            "    <location>defined-agent</location>"
        ])
    );
}

#[test]
fn dropdown_esc_changes_nothing() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jj<enter>j<esc>"));
    assert_eq!(a.mode(), Mode::Browse);
    assert_eq!(a.source(), CONF);
}

#[test]
fn command_picker_filters_as_you_type() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}j<enter>"));
    assert_eq!(a.mode(), Mode::Pick);
    press(&mut a, "rest<enter>");
    let expected = CONF.replacen(
        "<command>firewall-drop</command>",
        "<command>restart-wazuh</command>",
        1,
    );
    assert_eq!(a.source(), expected);
    press(&mut a, "<enter>zzz<enter><esc>");
    assert_eq!(
        a.source(),
        expected,
        "no match: Enter does nothing, Esc closes"
    );
    assert_eq!(a.mode(), Mode::Browse);
}

#[test]
fn repeated_offenders_takes_up_to_five_minute_values() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjjjjjj<enter>1,2,3,4,5,6<enter>"));
    assert_eq!(a.source(), CONF);
    assert!(shown(&a).contains("up to 5 numbers"), "{}", shown(&a));
    press(&mut a, "<c-u>10,0<enter>");
    assert_eq!(a.source(), CONF, "0 would end the list");
    press(&mut a, "<c-u>10,30<enter>");
    let (removed, added) = changed(CONF, a.source());
    assert!(removed.is_empty());
    assert_eq!(
        added,
        lines(&["    <repeated_offenders>10,30</repeated_offenders>"])
    );
}

#[test]
fn text_field_cursor_and_editing_keys() {
    let mut a = app(CONF);
    // Command #1, extra_args (4th field): build "-p udp" with every editing key.
    press(
        &mut a,
        "<tab>jjj<enter>p tcpX<left><del><home>-<end><left><left><left><c-k>udp<enter>",
    );
    let (removed, added) = changed(CONF, a.source());
    assert!(removed.is_empty());
    assert_eq!(added, lines(&["    <extra_args>-p udp</extra_args>"]));
    let doc = ossec_ar::xml::parse(a.source());
    let cfg = ossec_ar::model::Config::from_document(&doc);
    assert_eq!(
        cfg.commands[0]
            .extra_args
            .as_ref()
            .map(|f| f.value.as_str()),
        Some("-p udp")
    );
}

#[test]
fn text_field_esc_restores_after_typing() {
    let mut a = app(CONF);
    press(&mut a, "<tab>j<enter><c-u>other<esc>");
    assert_eq!(a.source(), CONF);
    assert!(!a.is_modified());
}

#[test]
fn command_name_must_be_unique_and_not_start_with_a_bang() {
    let mut a = app(CONF);
    press(&mut a, "jj<tab><enter><c-u>firewall-drop<enter>");
    assert_eq!(a.source(), CONF);
    assert!(
        shown(&a).contains("command #1 is already named 'firewall-drop':")
            && shown(&a).contains("names must be unique"),
        "{}",
        shown(&a)
    );
    press(&mut a, "<c-u>!spare<enter>");
    assert_eq!(a.source(), CONF);
    press(&mut a, "<c-u>spare2<enter>");
    assert_eq!(
        a.source(),
        CONF.replace("<name>spare</name>", "<name>spare2</name>")
    );
}

#[test]
fn toggles_flip_yes_and_no() {
    let mut a = app(CONF);
    press(&mut a, "jjjj<tab><enter>");
    assert_eq!(
        a.source(),
        CONF.replace("<disabled>no</disabled>", "<disabled>yes</disabled>")
    );
    press(&mut a, "<enter>");
    assert_eq!(a.source(), CONF, "toggled back");
    // An absent toggle (timeout_allowed of command #2) is added as yes.
    press(&mut a, "<esc>kkk<tab>jj<enter>");
    let (removed, added) = changed(CONF, a.source());
    assert!(removed.is_empty());
    assert_eq!(
        added,
        lines(&["    <timeout_allowed>yes</timeout_allowed>"])
    );
}

#[test]
fn x_removes_an_optional_field_and_refuses_a_required_one() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jx"));
    assert_eq!(a.source(), CONF, "command is required");
    assert!(notice(&a).contains("required"), "{}", notice(&a));
    press(&mut a, "jjjjjjx");
    let (removed, added) = changed(CONF, a.source());
    assert_eq!(removed, lines(&["    <timeout>600</timeout>"]));
    assert!(added.is_empty());
}

#[test]
fn undo_and_redo_step_through_committed_changes() {
    let mut a = app(CONF);
    press(
        &mut a,
        &format!("{TO_R1}jjjj<enter><c-u>12<enter>jjj<enter><c-u>60<enter>"),
    );
    let one = CONF.replace("<level>10</level>", "<level>12</level>");
    let two = one.replace("<timeout>600</timeout>", "<timeout>60</timeout>");
    assert_eq!(a.source(), two);
    press(&mut a, "u");
    assert_eq!(a.source(), one);
    press(&mut a, "u");
    assert_eq!(a.source(), CONF);
    assert!(!a.is_modified());
    press(&mut a, "u");
    assert_eq!(notice(&a), "nothing to undo");
    press(&mut a, "<c-r>");
    assert_eq!(a.source(), one);
    press(&mut a, "<c-r><c-r>");
    assert_eq!(a.source(), two);
    assert_eq!(notice(&a), "nothing to redo");
}

#[test]
fn delete_asks_and_removes_the_block_and_its_separator() {
    let block = "  <active-response>\n    <disabled>no</disabled>\n    <command>restart-wazuh</command>\n    <location>server</location>\n    <rules_id>100010</rules_id>\n  </active-response>\n";
    let mut a = app(CONF);
    press(&mut a, "jjjjd");
    assert_eq!(a.mode(), Mode::Confirm);
    press(&mut a, "n");
    assert_eq!(a.source(), CONF);
    press(&mut a, "dy");
    // The block goes with the blank line that separated it from the one before.
    assert_eq!(a.source(), CONF.replace(&format!("\n{block}"), ""));
    assert_eq!(
        a.selected(),
        Some(BlockRef::Response(1)),
        "selection stays on a block"
    );
}

#[test]
fn deleting_a_command_in_use_is_refused_with_its_users() {
    let mut a = app(CONF);
    press(&mut a, "d");
    assert_eq!(a.mode(), Mode::Browse);
    assert_eq!(a.source(), CONF);
    assert!(notice(&a).contains("#1"), "{}", notice(&a));
    press(&mut a, "jjdy");
    let block = "  <command>\n    <name>spare</name>\n    <executable>spare.sh</executable>\n  </command>\n";
    assert_eq!(a.source(), CONF.replace(&format!("\n{block}"), ""));
}

#[test]
fn guided_creation_end_to_end_with_a_new_builtin_command() {
    let mut a = app(CONF);
    press(&mut a, "jjja");
    assert_eq!(a.mode(), Mode::Pick);
    // Step 1: type to find the built-in; step 2: an empty trigger is refused.
    press(&mut a, "host<enter><enter>");
    assert!(notice(&a).contains("fires on nothing"), "{}", notice(&a));
    press(&mut a, "7<tab>sshd|web<enter>");
    assert_eq!(a.mode(), Mode::Menu, "step 3: location");
    press(&mut a, "jj<enter>5x<enter>");
    assert!(shown(&a).contains("digits only, like 001"), "{}", shown(&a));
    press(&mut a, "<c-u>005<enter>");
    // Step 4: the timeout is prefilled for a stateful script; add offenders.
    press(&mut a, "<tab>10,30<enter>");
    assert_eq!(a.mode(), Mode::Review);
    assert_eq!(a.source(), CONF, "nothing written before the last step");
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Edit, "Esc goes back one step");
    press(&mut a, "<enter>y");
    assert_eq!(a.mode(), Mode::Browse);

    let (removed, _) = changed(CONF, a.source());
    assert!(removed.is_empty(), "only insertions: {removed:?}");
    let doc = ossec_ar::xml::parse(a.source());
    let cfg = ossec_ar::model::Config::from_document(&doc);
    assert!(doc.errors().is_empty());
    let c = cfg.command("host-deny").expect("host-deny defined");
    assert_eq!(
        c.executable.as_ref().map(|f| f.value.as_str()),
        Some("host-deny")
    );
    assert!(c.allows_timeout());
    assert_eq!(cfg.responses.len(), 3);
    let r = &cfg.responses[2];
    let fields: Vec<(&str, Option<&str>)> = [
        "command",
        "location",
        "agent_id",
        "level",
        "rules_group",
        "rules_id",
        "timeout",
        "repeated_offenders",
    ]
    .iter()
    .map(|n| (*n, r.value(n.parse().expect("field"))))
    .collect();
    assert_eq!(
        fields,
        vec![
            ("command", Some("host-deny")),
            ("location", Some("defined-agent")),
            ("agent_id", Some("005")),
            ("level", Some("7")),
            ("rules_group", Some("sshd|web")),
            ("rules_id", None),
            ("timeout", Some("600")),
            ("repeated_offenders", Some("10,30")),
        ]
    );
    assert!(
        doc.element(c.element).span().start < doc.element(r.element).span().start,
        "the command is defined before the response that uses it"
    );
    assert_eq!(a.selected(), Some(BlockRef::Response(3)));
}

#[test]
fn guided_creation_esc_goes_back_and_closes_from_the_first_step() {
    let mut a = app(CONF);
    press(&mut a, "jjjafire<enter>");
    assert_eq!(a.mode(), Mode::Edit);
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Pick);
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
    assert_eq!(a.source(), CONF);
}

#[test]
fn a_in_the_commands_section_adds_a_command() {
    let mut a = app(CONF);
    press(&mut a, "a<enter>");
    assert_eq!(a.source(), CONF, "a command needs a name");
    // Enter on timeout_allowed toggles it (yes -> no) and inserts nothing.
    press(&mut a, "notify<tab>notify.sh<tab><enter>");
    assert_eq!(a.source(), CONF, "Enter toggled, inserted nothing");
    assert_eq!(a.mode(), Mode::Edit);
    // Enter on another field: the diff of the block; y inserts it.
    press(&mut a, "<tab><enter>");
    assert_eq!(a.mode(), Mode::Review);
    assert_eq!(a.source(), CONF, "nothing before y");
    let s = shown(&a);
    assert!(
        s.contains("+    <timeout_allowed>no</timeout_allowed>"),
        "{s}"
    );
    press(&mut a, "y");
    assert_eq!(a.mode(), Mode::Browse);
    let doc = ossec_ar::xml::parse(a.source());
    let cfg = ossec_ar::model::Config::from_document(&doc);
    let c = cfg.command("notify").expect("added");
    assert_eq!(
        c.executable.as_ref().map(|f| f.value.as_str()),
        Some("notify.sh")
    );
    assert!(!c.allows_timeout());
    let (removed, _) = changed(CONF, a.source());
    assert!(removed.is_empty());
    assert_eq!(a.selected(), Some(BlockRef::Command(4)));
}

#[test]
fn esc_never_quits_and_q_quits_when_nothing_changed() {
    let mut a = app(CONF);
    assert!(press(&mut a, "<esc><esc><tab><esc><esc>").is_empty());
    assert!(notice(&a).contains("q"), "{}", notice(&a));
    assert_eq!(press(&mut a, "q"), vec![Effect::Quit]);
    let mut b = app(CONF);
    assert_eq!(press(&mut b, "<c-c>"), vec![Effect::Quit]);
}

#[test]
fn quit_with_unsaved_changes_asks_and_cancel_keeps_editing() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>12<enter>"));
    assert!(press(&mut a, "q").is_empty());
    assert_eq!(a.mode(), Mode::QuitPrompt);
    assert!(press(&mut a, "c").is_empty());
    assert_eq!(a.mode(), Mode::Browse);
    assert!(press(&mut a, "<c-c>").is_empty(), "Ctrl-c asks too");
    assert_eq!(press(&mut a, "d"), vec![Effect::Quit]);
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut a = app(CONF);
    press(&mut a, "/restart");
    assert_eq!(a.mode(), Mode::Edit);
    assert_eq!(
        a.selected(),
        Some(BlockRef::Command(2)),
        "first match selected"
    );
    press(&mut a, "<enter>j");
    assert_eq!(
        a.selected(),
        Some(BlockRef::Response(2)),
        "only matches are visited"
    );
    press(&mut a, "j");
    assert_eq!(a.selected(), Some(BlockRef::Response(2)));
    press(&mut a, "<esc>gj");
    assert_eq!(a.selected(), Some(BlockRef::Command(2)), "all rows again");
}

#[test]
fn a_value_no_bytes_can_write_is_refused_and_stays_typed() {
    let mut a = app(CONF);
    // Command #1, extra_args: '<' would start a tag for Wazuh's reader.
    press(&mut a, "<tab>jjj<enter>-v <lt>x><enter>");
    assert_eq!(a.source(), CONF, "nothing written");
    assert_eq!(a.mode(), Mode::Edit, "Enter refused: still editing");
    let s = shown(&a);
    assert!(s.contains("-v <x>"), "what was typed is kept\n{s}");
    assert!(s.contains("cannot be written"), "{s}");
    press(&mut a, "<home><right><right><right><del><end><bs><enter>");
    assert_eq!(a.mode(), Mode::Browse);
    assert!(
        a.source().contains("<extra_args>-v x</extra_args>"),
        "{}",
        shown(&a)
    );
}

#[test]
fn quitting_with_changes_asks_even_in_a_too_small_window() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>12<enter>"));
    assert!(a.is_modified());
    a.handle(ossec_ar::tui::AppEvent::Resize(59, 20));
    assert!(press(&mut a, "q").is_empty(), "not quit: it asks");
    assert_eq!(a.mode(), Mode::QuitPrompt);
    let s = crate::tui_harness::screen(&a, 59, 20);
    assert!(s.contains("d: discard them and quit"), "{s}");
    press(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Browse);
    assert!(press(&mut a, "<c-c>").is_empty());
    assert_eq!(a.mode(), Mode::QuitPrompt);
    assert_eq!(press(&mut a, "d"), vec![Effect::Quit]);
}

#[test]
fn guided_creation_with_a_new_command_is_one_undo_step() {
    let mut a = app(CONF);
    press(
        &mut a,
        "jjjahost<enter>7<tab>sshd|web<enter>jj<enter><c-u>005<enter><tab>10,30<enter>y",
    );
    assert_eq!(a.mode(), Mode::Browse);
    assert!(a.source().contains("<name>host-deny</name>"));
    assert!(a.source().contains("<command>host-deny</command>"));
    press(&mut a, "u");
    assert_eq!(
        a.source(),
        CONF,
        "one undo takes the command and the response"
    );
    press(&mut a, "<c-r>");
    assert!(a.source().contains("<name>host-deny</name>"));
    assert!(a.source().contains("<command>host-deny</command>"));
}

#[test]
fn guided_creation_accepts_an_empty_timeout_as_its_text_says() {
    let mut a = app(CONF);
    press(
        &mut a,
        "jjjahost<enter>7<tab>sshd|web<enter>jj<enter><c-u>005<enter><c-u><enter>",
    );
    assert_eq!(a.mode(), Mode::Review, "{}", notice(&a));
    press(&mut a, "y");
    let doc = ossec_ar::xml::parse(a.source());
    let cfg = ossec_ar::model::Config::from_document(&doc);
    assert_eq!(
        cfg.responses[2].value(Field::Timeout),
        None,
        "left out: never undone"
    );
}

#[test]
fn file_level_findings_show_at_the_top_of_the_list() {
    let clean = app(CONF);
    assert!(!shown(&clean).contains("file, line"), "{}", shown(&clean));
    // An unclosed element after the root: XML syntax, about no block.
    let broken = format!("{CONF}<x>\n");
    let a = app(&broken);
    let s = shown(&a);
    let last = broken.lines().count();
    assert!(
        s.contains(&format!("E file, line {last} (+1 more): invalid root")),
        "{s}"
    );
    assert!(s.contains("2 errors"), "{s}");
}

/// CONF with a second command named firewall-drop (command #4), used by nothing.
fn with_duplicate() -> String {
    CONF.replace(
        "  <active-response>\n    <command>firewall-drop</command>",
        "  <command>\n    <name>firewall-drop</name>\n    <executable>other.sh</executable>\n  </command>\n\n  <active-response>\n    <command>firewall-drop</command>",
    )
}

#[test]
fn the_unused_duplicate_of_a_command_name_can_be_deleted() {
    let dup = with_duplicate();
    let mut a = app(&dup);
    assert_eq!(
        ossec_ar::model::Config::from_document(&ossec_ar::xml::parse(&dup))
            .commands
            .len(),
        4
    );
    press(&mut a, "jjj");
    assert_eq!(a.selected(), Some(BlockRef::Command(4)));
    let s = shown(&a);
    assert!(s.contains("used by no response"), "{s}");
    assert!(!s.contains("used by response #1"), "{s}");
    press(&mut a, "dy");
    assert_eq!(a.source(), CONF, "the duplicate and its separator are gone");
    // The first definition is the one in use.
    press(&mut a, "gd");
    assert_eq!(a.selected(), Some(BlockRef::Command(1)));
    assert!(a.notice().is_some_and(|n| n.error), "in use: refused");
    assert_eq!(a.source(), CONF);
}

#[test]
fn the_duplicate_of_a_command_name_can_be_edited_without_renaming_responses() {
    let mut a = app(&with_duplicate());
    press(&mut a, "jjj<tab><enter><c-u>other<enter>");
    let cfg = ossec_ar::model::Config::from_document(&ossec_ar::xml::parse(a.source()));
    assert_eq!(cfg.commands[3].name(), Some("other"));
    assert_eq!(cfg.responses[0].command_name(), Some("firewall-drop"));
}

/// A refused warning (level 17: accepted by the daemon, never reached) is marked as
/// a warning (`W`), a refused error (level 99) as an error (`E`); both stay refused.
#[test]
fn a_refused_value_is_marked_by_its_severity() {
    let mut a = app(CONF);
    press(&mut a, &format!("{TO_R1}jjjj<enter><c-u>17"));
    let s = shown(&a);
    assert!(s.contains("W warning[level-never-matches]"), "{s}");
    assert!(!s.contains("E warning["), "{s}");
    press(&mut a, "<enter>");
    assert_eq!(a.source(), CONF, "a warning is refused too");
    press(&mut a, "<c-u>99");
    assert!(
        shown(&a).contains("E error[invalid-level]"),
        "{}",
        shown(&a)
    );
    // Guided creation marks its fields the same way: the trigger step's level.
    let mut b = app(CONF);
    press(&mut b, "jjja<enter>17");
    let s = shown(&b);
    assert!(s.contains("W warning[level-never-matches]"), "{s}");
    assert!(!s.contains("E warning["), "{s}");
}
