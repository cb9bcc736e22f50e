//! Tree tests: expected orders come from `_OS_AddRule`/`_AddtoRule` in
//! `src/analysisd/rules_list.c` (docs/analysis-rules.md "Tree").

use std::path::PathBuf;

use super::*;
use crate::model::Severity;

/// The shipped roots (`0010-rules_config.xml`), reduced.
pub(crate) const ROOTS: &str = r#"<group name="syslog,"><rule id="1" level="0" noalert="1"><category>syslog</category><description>s</description></rule></group>
<group name="firewall,"><rule id="2" level="0" noalert="1"><category>firewall</category><description>f</description></rule></group>
<group name="ids,"><rule id="3" level="0" noalert="1"><category>ids</category><description>i</description></rule></group>"#;

/// Decoder ids for tests: `sshd` is 7, `json` is 9.
pub(crate) fn decoder_id(name: &str) -> Option<u32> {
    match name {
        "sshd" => Some(7),
        "json" => Some(9),
        _ => None,
    }
}

/// Builds a tree from the roots plus files given as text.
pub(crate) fn tree_of(files: &[&str]) -> (RuleTree, Vec<Problem>) {
    let mut all = vec![(PathBuf::from("0010-rules_config.xml"), ROOTS.to_string())];
    for (i, f) in files.iter().enumerate() {
        all.push((PathBuf::from(format!("{i:04}-t_rules.xml")), f.to_string()));
    }
    build(&all, &Lists::default(), &decoder_id)
}

fn ids(tree: &RuleTree, list: &[usize]) -> Vec<u32> {
    list.iter().map(|&r| tree.rule(r).id).collect()
}

fn children(tree: &RuleTree, id: u32) -> Vec<u32> {
    let r = tree.by_id(id).expect("rule");
    ids(tree, &tree.children(r))
}

fn rule(id: u32, level: u32, body: &str) -> String {
    format!(r#"<rule id="{id}" level="{level}">{body}<description>r{id}</description></rule>"#)
}

fn group(rules: &[String]) -> String {
    format!(r#"<group name="g,">{}</group>"#, rules.concat())
}

#[test]
fn siblings_sorted_by_level_with_level_zero_first_and_load_order_among_equals() {
    let (t, p) = tree_of(&[&group(&[
        rule(100, 5, ""),
        rule(101, 0, ""),
        rule(102, 5, ""),
        rule(103, 10, ""),
        rule(104, 0, ""),
    ])]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(children(&t, 1), vec![101, 104, 103, 100, 102]);
    assert_eq!(t.rule(t.by_id(101).expect("101")).level, 0);
    assert_eq!(t.rule(t.by_id(103).expect("103")).level, 10);
}

#[test]
fn accuracy_zero_sorts_after_everything() {
    let (t, _) = tree_of(&[&group(&[
        r#"<rule id="100" level="9" accuracy="0"><description>d</description></rule>"#.to_string(),
        rule(101, 1, ""),
    ])]);
    assert_eq!(children(&t, 1), vec![101, 100]);
    assert_eq!(t.rule(t.by_id(100).expect("100")).level, 9);
}

#[test]
fn if_sid_children_take_the_parent_category_and_trailing_separator_adds_the_root() {
    let (t, p) = tree_of(&[&group(&[
        r#"<rule id="100" level="3"><category>firewall</category><description>d</description></rule>"#.to_string(),
        rule(101, 4, "<if_sid>100</if_sid>"),
        rule(102, 4, "<if_sid>100,</if_sid>"),
    ])]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(children(&t, 2), vec![102, 100]);
    assert_eq!(children(&t, 100), vec![101, 102]);
    let r101 = t.by_id(101).expect("101");
    assert_eq!(
        t.rule(r101).category,
        crate::analysis::event::Category::Firewall
    );
    assert_eq!(ids(&t, &t.parents(r101)), vec![2, 100]);
    assert_eq!(t.node_count(), 3 + 4);
}

#[test]
fn if_sid_missing_ids_warn_and_a_rule_without_any_parent_is_dropped() {
    let (t, p) = tree_of(&[&group(&[
        rule(100, 3, ""),
        rule(101, 4, "<if_sid>999, 100</if_sid>"),
        rule(102, 4, "<if_sid>998</if_sid>"),
        rule(103, 4, "<if_sid>1|100</if_sid>"),
    ])]);
    assert!(t.by_id(101).is_some());
    assert!(t.by_id(102).is_none());
    assert!(t.by_id(103).is_none());
    let msgs: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs[0].starts_with("(7617): Signature ID '999'"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].starts_with("(7617): Signature ID '998'"),
        "{msgs:?}"
    );
    assert!(msgs[2].starts_with("(7619)"), "{msgs:?}");
    assert!(
        msgs[3].starts_with("(7618): Invalid 'if_sid' value: '1|100'"),
        "{msgs:?}"
    );
    assert!(p.iter().all(|p| p.severity == Severity::Warning));
}

#[test]
fn if_level_hangs_under_every_rule_at_or_above_it_level_zero_included() {
    let (t, p) = tree_of(&[&group(&[
        rule(100, 3, ""),
        rule(101, 7, ""),
        rule(102, 12, "<if_level>5</if_level>"),
    ])]);
    assert!(p.is_empty(), "{p:?}");
    let r = t.by_id(102).expect("102");
    // Roots 1, 2, 3 are level 0 (9900), rule 101 is 700; rule 100 (300) is not.
    let parents: Vec<u32> = t
        .all_parents(r)
        .iter()
        .map(|p| t.rule(p.expect("parent")).id)
        .collect();
    assert_eq!(parents, vec![1, 101, 2, 3]);
}

#[test]
fn a_rule_without_parent_options_goes_under_the_first_root_of_its_category() {
    let (t, _) = tree_of(&[&group(&[
        r#"<rule id="100" level="3"><category>ids</category><description>d</description></rule>"#
            .to_string(),
    ])]);
    assert_eq!(children(&t, 3), vec![100]);
    assert!(children(&t, 1).is_empty());
}

#[test]
fn duplicate_ids_are_skipped_with_a_warning() {
    let (t, p) = tree_of(&[&group(&[rule(100, 3, ""), rule(100, 9, "")])]);
    assert_eq!(t.rule(t.by_id(100).expect("100")).level, 3);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message
            .starts_with("(7612): Rule ID '100' is duplicated")
    );
}

#[test]
fn overwrite_replaces_contents_in_place_and_keeps_links() {
    let (t, p) = tree_of(&[
        &group(&[
            rule(100, 3, ""),
            rule(101, 3, ""),
            rule(102, 5, "<if_sid>100</if_sid><options>no_full_log</options>"),
            rule(103, 8, "<if_matched_sid>102</if_matched_sid>"),
        ]),
        &group(&[
            r#"<rule id="102" level="2" overwrite="yes"><if_sid>101</if_sid><if_matched_sid>101</if_matched_sid><group>new,</group><description>new</description></rule>"#.to_string(),
            r#"<rule id="200" level="2" overwrite="yes"><description>new</description></rule>"#.to_string(),
        ]),
    ]);
    let r = t.by_id(102).expect("102");
    let d = t.rule(r);
    assert_eq!(d.level, 2);
    assert_eq!(d.description.as_deref(), Some("new"));
    assert_eq!(d.group, "g,new,");
    assert!(!d.options.no_full_log);
    assert_eq!(d.if_sid.as_deref(), Some("100"));
    assert_eq!(d.ctx.if_matched_sid, 0);
    assert_eq!(children(&t, 100), vec![102]);
    assert!(children(&t, 101).is_empty());
    assert!(t.links[r].sid_list.is_some());
    let msgs: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
    // No if_sid warning: the new rule also has if_matched_sid (OS_AddRuleInfo).
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("'if_matched_sid' value in rule '102'"));
    assert!(msgs[1].starts_with("(7613): Rule ID '200' does not exist"));
    assert!(t.by_id(200).is_some());
}

#[test]
fn if_matched_sid_defaults_if_sid_and_needs_an_earlier_rule() {
    let (t, p) = tree_of(&[&group(&[
        rule(100, 3, ""),
        r#"<rule id="101" level="10" frequency="8" timeframe="60"><if_matched_sid>100</if_matched_sid><description>d</description></rule>"#.to_string(),
        rule(102, 10, "<if_matched_sid>105</if_matched_sid>"),
    ])]);
    let r = t.by_id(101).expect("101");
    assert_eq!(t.rule(r).if_sid.as_deref(), Some("100"));
    assert_eq!(t.rule(r).frequency, 6);
    assert_eq!(t.output_frequency(r), Some(8));
    assert_eq!(
        t.links[r].search,
        Search::Sids(t.links[t.by_id(100).expect("100")].sid_list)
    );
    assert!(t.by_id(102).is_none());
    assert!(
        p[0].message
            .starts_with("(7620): Signature ID '105' was not found"),
        "{p:?}"
    );
}

#[test]
fn check_diff_alone_is_not_a_search() {
    let (t, _) = tree_of(&[&group(&[rule(100, 3, "<check_diff />")])]);
    let r = t.by_id(100).expect("100");
    assert_eq!(t.links[r].search, Search::None);
    assert!(!t.links[r].context);
    assert_eq!(t.output_frequency(r), None);
}
