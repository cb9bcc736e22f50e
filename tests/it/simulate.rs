//! Binding mode on the project's fixture ruleset (`tests/fixtures/rules/base`).
//!
//! The fixture's rules, as worked out by reading the file (id: level, group string):
//! 5700: 0 `syslog,sshd,` · 5710: 5 `syslog,sshd,authentication_failed,invalid_login,` ·
//! 5712: 10 `syslog,sshd,authentication_failures,` · 5715: 3
//! `syslog,sshd,authentication_success,` · 5720: 10
//! `syslog,sshd,authentication_failures,pci_dss_10.2.4,` · 31100: 0 `web,accesslog,` ·
//! 31101: 5 `web,accesslog,` · 31106: 12 `web,accesslog,attack,` · 31151: 10
//! `web,accesslog,web_scan,recon,` · 92508: 7 `WAF, Cloudflaregpg13_4.3` · 651 and 657:
//! 3 `ossec,active_response,` · 100016: 16 `local,` · 100020: 12 `local,web,attack,` with
//! no_ar · 100030: 9 with accuracy="0".
//! The 11 rules that can trigger a response: 5710 5712 5715 5720 31101 31106 31151
//! 92508 651 657 100016.

use std::path::{Path, PathBuf};

use ossec_ar::model::{Config, Profile};
use ossec_ar::rules::{self, RuleSet};
use ossec_ar::simulate::{self, Binding, bind, count_matches};
use ossec_ar::xml;

pub(crate) fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(name)
}

pub(crate) fn fixture_rules(dirs: &[&str]) -> RuleSet {
    let dirs: Vec<PathBuf> = dirs.iter().map(|d| fixture_dir(d)).collect();
    let loaded = rules::load(&rules::files_in_dirs(&dirs, &[]).files);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.rules
}

/// `expect` is read by OSSEC only (required there), ignored by Wazuh since 4.2.
const COMMAND: &str = "<command><name>fw</name><executable>firewall-drop</executable><expect>srcip</expect><timeout_allowed>yes</timeout_allowed></command>";

fn bindings(blocks: &str, rules: &RuleSet, profile: Profile) -> Vec<Binding> {
    let doc = xml::parse(&format!("<ossec_config>{COMMAND}{blocks}</ossec_config>"));
    let config = Config::from_document(&doc);
    simulate::bind_responses(&simulate::responses(&config, &doc, profile), rules)
}

/// The rules bound by one response with these trigger children (Wazuh semantics).
fn bound(trigger: &str) -> Vec<u32> {
    bound_in(trigger, &fixture_rules(&["base"]), Profile::Wazuh)
}

fn bound_in(trigger: &str, rules: &RuleSet, profile: Profile) -> Vec<u32> {
    let block = format!(
        "<active-response><command>fw</command><location>local</location>{trigger}</active-response>"
    );
    let b = bindings(&block, rules, profile);
    assert!(b[0].enabled, "{:?}", b[0]);
    b[0].rules.clone()
}

const ALL_LIVE: [u32; 11] = [
    651, 657, 5710, 5712, 5715, 5720, 31101, 31106, 31151, 92508, 100016,
];

#[test]
fn rules_id_rows_of_wazuh_config_4_3() {
    // Each row: the scanner's reading (docs/wazuh-config.md §4.3) intersected with loaded
    // rules.
    assert_eq!(bound("<rules_id>5710, 5712</rules_id>"), [5710, 5712]);
    assert_eq!(bound("<rules_id>5710,,5712</rules_id>"), [5710, 5712]);
    assert_eq!(bound("<rules_id>5710abc,5712</rules_id>"), [5710, 5712]);
    assert_eq!(bound("<rules_id>5710|5712</rules_id>"), [5710]);
    assert_eq!(bound("<rules_id>5710;5712</rules_id>"), [5710]);
    // "57 10" reads 57 only; the same shape with loaded ids reads the first one.
    assert_eq!(bound("<rules_id>5712 5720</rules_id>"), [5712]);
    assert_eq!(bound("<rules_id>abc,5710</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_id>+5710</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_id>\t5710</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_id></rules_id>"), Vec::<u32>::new());
}

#[test]
fn rules_group_rows_of_wazuh_config_4_4() {
    let ssh = vec![5710, 5712, 5715, 5720];
    // `|` alternates; matching is unanchored and case-insensitive.
    assert_eq!(
        bound("<rules_group>sshd|web</rules_group>"),
        [5710, 5712, 5715, 5720, 31101, 31106, 31151]
    );
    assert_eq!(bound("<rules_group>SSHD</rules_group>"), ssh);
    // A comma is literal: the two groups are never adjacent in that order.
    assert_eq!(
        bound("<rules_group>authentication_failed,authentication_failures</rules_group>"),
        Vec::<u32>::new()
    );
    assert_eq!(
        bound("<rules_group>authentication_failures,pci_dss</rules_group>"),
        [5720]
    );
    // `.` is a literal dot; `\.` is any character.
    assert_eq!(bound("<rules_group>pci_dss_10.2.4</rules_group>"), [5720]);
    assert_eq!(
        bound("<rules_group>authentication.failures</rules_group>"),
        Vec::<u32>::new()
    );
    assert_eq!(
        bound("<rules_group>authentication\\.failures</rules_group>"),
        [5712, 5720]
    );
    // Quantifiers only after a backslash class; after a literal `+` is literal.
    assert_eq!(bound("<rules_group>^\\w+,sshd</rules_group>"), ssh);
    assert_eq!(
        bound("<rules_group>recon+</rules_group>"),
        Vec::<u32>::new()
    );
    // Anchors.
    assert_eq!(
        bound("<rules_group>^web</rules_group>"),
        [31101, 31106, 31151]
    );
    assert_eq!(bound("<rules_group>recon,$</rules_group>"), [31151]);
    assert_eq!(bound("<rules_group>^sshd</rules_group>"), Vec::<u32>::new());
    // One level of parentheses; `|` inside them, or an unknown escape, does not
    // compile and matches nothing.
    assert_eq!(bound("<rules_group>(sshd)</rules_group>"), ssh);
    assert_eq!(
        bound("<rules_group>(ssh|web)</rules_group>"),
        Vec::<u32>::new()
    );
    assert_eq!(bound("<rules_group>\\z</rules_group>"), Vec::<u32>::new());
    // The raw concatenation of a group name without a trailing comma.
    assert_eq!(bound("<rules_group>Cloudflaregpg13</rules_group>"), [92508]);
    assert_eq!(
        bound("<rules_group>Cloudflare,gpg13</rules_group>"),
        Vec::<u32>::new()
    );
}

#[test]
fn empty_pattern_or_alternative_binds_every_live_rule() {
    for g in ["", "sshd|", "|sshd", "ftp||mail"] {
        assert_eq!(
            bound(&format!("<rules_group>{g}</rules_group>")),
            ALL_LIVE,
            "{g:?}"
        );
    }
    // With a level, the empty alternative leaves the level alone to filter (AND).
    assert_eq!(
        bound("<level>10</level><rules_group>|x</rules_group>"),
        [5712, 5720, 31106, 31151, 100016]
    );
}

#[test]
fn level_group_and_id_combinations() {
    // level alone: real level >= 10 (100020 is no_ar, 100030 has accuracy 0).
    assert_eq!(
        bound("<level>10</level>"),
        [5712, 5720, 31106, 31151, 100016]
    );
    // level AND group.
    assert_eq!(
        bound("<level>10</level><rules_group>web</rules_group>"),
        [31106, 31151]
    );
    // (level AND group) OR id.
    assert_eq!(
        bound("<level>10</level><rules_group>web</rules_group><rules_id>5710</rules_id>"),
        [5710, 31106, 31151]
    );
    // group OR id.
    assert_eq!(
        bound("<rules_group>sshd</rules_group><rules_id>31101</rules_id>"),
        [5710, 5712, 5715, 5720, 31101]
    );
    // level OR id.
    assert_eq!(
        bound("<level>13</level><rules_id>5715</rules_id>"),
        [5715, 100016]
    );
    // Nothing set: nothing bound, and a note says so.
    let b = bindings(
        "<active-response><command>fw</command><location>local</location></active-response>",
        &fixture_rules(&["base"]),
        Profile::Wazuh,
    );
    assert!(b[0].enabled && b[0].rules.is_empty());
    assert!(
        b[0].notes.iter().any(|n| n.contains("binds no rule")),
        "{:?}",
        b[0].notes
    );
}

#[test]
fn level_16_binds_the_top_rule_and_17_binds_nothing() {
    assert_eq!(bound("<level>16</level>"), [100016]);
    assert_eq!(bound("<level>17</level>"), Vec::<u32>::new());
    assert_eq!(bound("<level>20</level>"), Vec::<u32>::new());
}

#[test]
fn level_zero_no_ar_and_accuracy_zero_rules_never_bind() {
    // Named by id, by group or by level: never (docs/wazuh-config.md §4.1).
    assert_eq!(bound("<rules_id>5700,31100</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_id>100020</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_id>100030</rules_id>"), Vec::<u32>::new());
    assert_eq!(bound("<rules_group>attack</rules_group>"), [31106]);
    assert_eq!(
        bound("<level>9</level><rules_group>local</rules_group>"),
        [100016]
    );
}

#[test]
fn overwrite_replaces_the_rule_that_binds() {
    // override/0990-override_rules.xml: 5712 becomes level 4, group "local,tuned,".
    let rules = fixture_rules(&["base", "override"]);
    let p = Profile::Wazuh;
    assert_eq!(
        bound_in("<level>10</level>", &rules, p),
        [5720, 31106, 31151, 100016]
    );
    assert_eq!(
        bound_in("<rules_group>tuned</rules_group>", &rules, p),
        [5712]
    );
    assert_eq!(
        bound_in("<rules_group>sshd</rules_group>", &rules, p),
        [5710, 5715, 5720]
    );
    assert_eq!(bound_in("<rules_id>5712</rules_id>", &rules, p), [5712]);
    let r = rules.get(5712).expect("5712");
    assert_eq!(r.if_sid.as_deref(), Some("5710"), "if_sid cannot change");
}

#[test]
fn ossec_ors_level_and_group() {
    let rules = fixture_rules(&["base"]);
    assert_eq!(
        bound_in(
            "<level>10</level><rules_group>web</rules_group>",
            &rules,
            Profile::Ossec
        ),
        [5712, 5720, 31101, 31106, 31151, 100016]
    );
}

#[test]
fn blocks_that_yield_no_response_bind_nothing_and_say_why() {
    let rules = fixture_rules(&["base"]);
    let b = bindings(
        "<active-response><disabled>yes</disabled><command>fw</command><location>local</location><level>3</level></active-response>\
         <active-response><command>fw</command><location>defined-agent</location><agent_id>0</agent_id><level>3</level></active-response>\
         <active-response><command>nope</command><location>local</location><level>3</level></active-response>",
        &rules,
        Profile::Wazuh,
    );
    let why: Vec<(bool, usize, String)> = b
        .iter()
        .map(|b| {
            (
                b.enabled,
                b.rules.len(),
                b.why_disabled.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        !why[0].0 && why[0].1 == 0 && why[0].2.contains("disabled"),
        "{why:?}"
    );
    assert!(!why[1].0 && why[1].2.contains("1306"), "{why:?}");
    assert!(!why[2].0 && why[2].2.contains("1303"), "{why:?}");
}

#[test]
fn disabled_block_after_an_enabled_one_leaves_it_bound_but_cut_off() {
    // docs/wazuh-config.md §3.4: the first response stays bound, Config.ar ends at 0.
    let b = bindings(
        "<active-response><command>fw</command><location>local</location><rules_id>5712</rules_id></active-response><active-response><disabled>yes</disabled></active-response>",
        &fixture_rules(&["base"]),
        Profile::Wazuh,
    );
    assert_eq!(b[0].rules, [5712]);
    assert!(
        b[0].notes
            .iter()
            .any(|n| n.contains("LOCAL_AR") && n.contains("#2")),
        "{:?}",
        b[0].notes
    );
    assert!(
        b[0].notes.iter().any(|n| n.contains("REMOTE_AR")),
        "{:?}",
        b[0].notes
    );
}

#[test]
fn count_matches_for_a_trigger_being_typed() {
    let rules = fixture_rules(&["base"]);
    assert_eq!(count_matches(&rules, Some(10), Some("web"), None), 2);
    assert_eq!(count_matches(&rules, Some(10), None, None), 5);
    assert_eq!(count_matches(&rules, None, Some("sshd"), Some("31101")), 5);
    assert_eq!(count_matches(&rules, None, None, None), 0);
    assert_eq!(count_matches(&rules, None, Some(""), None), 11);
}

#[test]
fn bind_on_the_demo_config_and_demo_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("assets/demo/ossec.conf")).expect("demo");
    let doc = xml::parse(&text);
    let config = Config::from_document(&doc);
    let found = rules::files_in_dirs(&[root.join("assets/demo/rules")], &rules::excludes_of(&doc));
    let loaded = rules::load(&found.files);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let got: Vec<Vec<u32>> = bind(&config, &doc, &loaded.rules)
        .into_iter()
        .map(|b| b.rules)
        .collect();
    // #1 rules_id 5712,5720; #2 level 10 AND web|attack (100020 has no_ar);
    // #3 group authentication_failures; #4 rules_id 60204; #5 rules_id 100010.
    assert_eq!(
        got,
        [
            vec![5712, 5720],
            vec![31106, 31151],
            vec![5712, 5720, 60204],
            vec![60204],
            vec![100010]
        ]
    );
}
