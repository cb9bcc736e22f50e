//! Fired mode: gates, routing, messages, timeouts and repeated offenders
//! (docs/wazuh-config.md §5), on the fixture ruleset and the configuration below.

use ossec_ar::model::{Config, Profile};
use ossec_ar::simulate::{AlertEvent, Execution, Fired, Message, Options, Simulator, Version};
use ossec_ar::xml;

use crate::simulate::fixture_rules;

/// Blocks, in order: #1 fw local (5712, 600 s); #2 fw server (5720, 300 s, with the
/// repeated_offenders execd reads: 10,20,30); #3 fw all (31151, 60 s); #4 fw
/// defined-agent 7 (31106, 120 s); #5 restart local (92508, 60 s but no
/// timeout_allowed); #6 custom local (31101, 30 s, extra_args with a `$`).
const CONFIG: &str = r#"<ossec_config>
  <global>
    <white_list>127.0.0.1</white_list>
    <white_list>192.168.10.0/24</white_list>
    <white_list>^scanner.example.lan$</white_list>
  </global>
  <command>
    <name>fw</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <command>
    <name>restart</name>
    <executable>restart-wazuh</executable>
  </command>
  <command>
    <name>custom</name>
    <executable>my-script.sh</executable>
    <extra_args>-v --tag=$HOST brute</extra_args>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <active-response>
    <command>fw</command>
    <location>local</location>
    <rules_id>5712</rules_id>
    <timeout>600</timeout>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>server</location>
    <rules_id>5720</rules_id>
    <timeout>300</timeout>
    <repeated_offenders>10,20,30</repeated_offenders>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>all</location>
    <rules_id>31151</rules_id>
    <timeout>60</timeout>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>defined-agent</location>
    <agent_id>7</agent_id>
    <rules_id>31106</rules_id>
    <timeout>120</timeout>
  </active-response>
  <active-response>
    <command>restart</command>
    <location>local</location>
    <rules_id>92508</rules_id>
    <timeout>60</timeout>
  </active-response>
  <active-response>
    <command>custom</command>
    <location>local</location>
    <rules_id>31101</rules_id>
    <timeout>30</timeout>
  </active-response>
</ossec_config>
"#;

fn fire_on(config: &str, event: &AlertEvent, options: &Options) -> Fired {
    let doc = xml::parse(config);
    let cfg = Config::from_document(&doc);
    let rules = fixture_rules(&["base"]);
    Simulator::new(&cfg, &doc, &rules, options.profile).fire(event, options)
}

fn fire(event: &AlertEvent) -> Fired {
    fire_on(CONFIG, event, &Options::default())
}

fn event(rule: u32, agent: Option<&str>, srcip: Option<&str>) -> AlertEvent {
    AlertEvent {
        rule,
        agent: agent.map(str::to_string),
        srcip: srcip.map(str::to_string),
        user: None,
    }
}

fn only(f: &Fired) -> &Execution {
    assert_eq!(f.fired.len(), 1, "{:#?}", f.fired);
    &f.fired[0]
}

fn has_note(x: &Execution, part: &str) -> bool {
    x.notes.iter().any(|n| n.contains(part))
}

#[test]
fn local_runs_on_the_events_agent_or_the_manager() {
    let f = fire(&event(5712, Some("3"), Some("203.0.113.9")));
    assert_eq!(only(&f).runs_on, ["003"]);
    let f = fire(&event(5712, None, Some("203.0.113.9")));
    assert_eq!(only(&f).runs_on, ["000"]);
}

#[test]
fn server_runs_on_the_manager_even_for_an_agent_event() {
    let f = fire(&event(5720, Some("003"), Some("203.0.113.9")));
    assert_eq!(only(&f).runs_on, ["000"]);
}

#[test]
fn all_runs_on_every_active_agent_never_the_manager() {
    let f = fire(&event(31151, Some("003"), Some("203.0.113.9")));
    let x = only(&f);
    assert_eq!(x.runs_on, ["all active agents"]);
    assert!(has_note(x, "never the manager"), "{:?}", x.notes);
}

#[test]
fn defined_agent_runs_on_the_agent_id_as_three_digits() {
    let f = fire(&event(31106, Some("003"), Some("203.0.113.9")));
    assert_eq!(only(&f).runs_on, ["007"]);
}

#[test]
fn missing_queue_bits_drop_the_response_silently() {
    // A disabled block after the others resets Config.ar to 0 (docs/wazuh-config.md §3.4).
    let cfg = CONFIG.replace(
        "</ossec_config>",
        "<active-response><disabled>yes</disabled></active-response></ossec_config>",
    );
    let f = fire_on(
        &cfg,
        &event(5712, Some("003"), Some("203.0.113.9")),
        &Options::default(),
    );
    let x = only(&f);
    assert!(x.runs_on.is_empty() && x.message.is_none());
    assert!(
        has_note(x, "REMOTE_AR") && has_note(x, "#7"),
        "{:?}",
        x.notes
    );
    let f = fire_on(
        &cfg,
        &event(5720, None, Some("203.0.113.9")),
        &Options::default(),
    );
    assert!(has_note(only(&f), "LOCAL_AR"), "{:?}", only(&f).notes);
}

#[test]
fn white_list_ip_cidr_and_host_name_stop_every_response() {
    for ip in [
        "127.0.0.1",
        "192.168.10.44",
        "::ffff:192.168.10.5",
        "scanner.example.lan",
    ] {
        let f = fire(&event(5712, Some("003"), Some(ip)));
        let x = only(&f);
        assert!(x.runs_on.is_empty(), "{ip}: {x:?}");
        assert!(has_note(x, "white-listed"), "{ip}: {:?}", x.notes);
    }
    let f = fire(&event(5712, Some("003"), Some("192.168.11.1")));
    assert_eq!(only(&f).runs_on, ["003"]);
}

#[test]
fn crafted_ip_or_user_stops_the_response() {
    let f = fire(&event(5712, Some("003"), Some("1.2.3.4;reboot")));
    assert!(has_note(only(&f), "(1271)"), "{:?}", only(&f).notes);
    let mut e = event(5712, Some("003"), Some("203.0.113.9"));
    e.user = Some("bob$(id)".to_string());
    let f = fire(&e);
    assert!(has_note(only(&f), "(1272)"), "{:?}", only(&f).notes);
    assert!(only(&f).runs_on.is_empty());
}

#[test]
fn agent_below_4_2_gets_the_legacy_string() {
    // docs/wazuh-config.md §5.8: name, user, srcip, time.alertid, rule, location, filename,
    // extra_args; user and extra_args shell-escaped.
    let options = Options {
        agent_version: Version::parse("4.1.5"),
        ..Options::default()
    };
    let mut e = event(5712, Some("003"), Some("203.0.113.9"));
    e.user = Some("bob".to_string());
    let f = fire_on(CONFIG, &e, &options);
    let x = only(&f);
    assert_eq!(
        x.message,
        Some(Message::Text(
            "fw600 bob 203.0.113.9 <time>.<alertid> 5712 <location> - -".to_string()
        ))
    );
    assert!(has_note(x, "below 4.2"), "{:?}", x.notes);
    let f = fire_on(
        CONFIG,
        &event(31101, Some("003"), Some("203.0.113.9")),
        &options,
    );
    assert_eq!(
        only(&f).message,
        Some(Message::Text(
            "custom30 - 203.0.113.9 <time>.<alertid> 31101 <location> - -v --tag=\\$HOST brute"
                .to_string()
        ))
    );
}

#[test]
fn agents_4_2_0_to_4_2_4_get_escaped_json_and_the_manager_ignores_the_version() {
    // The custom command's extra_args hold a `$`, written \x24 for these agents.
    let options = Options {
        agent_version: Version::parse("4.2.3"),
        ..Options::default()
    };
    let e = event(31101, Some("003"), Some("203.0.113.9"));
    let f = fire_on(CONFIG, &e, &options);
    match &only(&f).message {
        Some(Message::Text(t)) => {
            assert!(
                t.starts_with('{') && t.contains(r#""--tag=\x24HOST""#),
                "{t}"
            );
        }
        other => panic!("{other:?}"),
    }
    let manager = AlertEvent { agent: None, ..e };
    let f = fire_on(CONFIG, &manager, &options);
    assert_eq!(only(&f).runs_on, ["000"]);
    assert!(matches!(only(&f).message, Some(Message::Json(_))));
}

#[test]
fn command_without_timeout_allowed_runs_with_timeout_zero() {
    // docs/wazuh-config.md §3.6: INFO 1305, the name is restart0, no delete.
    let f = fire(&event(92508, Some("003"), None));
    let x = only(&f);
    assert_eq!(x.name, "restart0");
    assert_eq!(x.delete_after, None);
    assert!(has_note(x, "1305"), "{:?}", x.notes);
}

#[test]
fn extra_args_are_split_on_spaces_in_the_json() {
    let f = fire(&event(31101, Some("003"), Some("203.0.113.9")));
    let Some(Message::Json(m)) = &only(&f).message else {
        panic!("json")
    };
    assert_eq!(m.parameters.extra_args, ["-v", "--tag=$HOST", "brute"]);
    assert_eq!(only(&f).delete_after, Some(30));
    assert!(has_note(only(&f), "check_keys"), "{:?}", only(&f).notes);
}

#[test]
fn firewall_drop_without_srcip_does_nothing_and_schedules_no_delete() {
    let f = fire(&event(5712, Some("003"), None));
    let x = only(&f);
    assert_eq!(x.runs_on, ["003"]);
    assert_eq!(x.delete_after, None);
    assert!(has_note(x, "alert.data.srcip"), "{:?}", x.notes);
}

#[test]
fn repeated_offenders_2nd_3rd_and_6th_hit() {
    // #2 runs on the manager; this file's repeated_offenders 10,20,30 (minutes)
    // apply: hit 1 300 s, hit 2 10 min, hit 3 20 min, hit 6 the last entry, 30 min.
    let hit = |n: u32| {
        let options = Options {
            hit: n,
            ..Options::default()
        };
        let f = fire_on(
            CONFIG,
            &event(5720, Some("003"), Some("203.0.113.9")),
            &options,
        );
        only(&f).clone()
    };
    assert_eq!(hit(1).delete_after, Some(300));
    assert_eq!(hit(2).delete_after, Some(600));
    assert_eq!(hit(3).delete_after, Some(1200));
    assert_eq!(hit(6).delete_after, Some(1800));
    assert_eq!(hit(1).schedule, [300, 600, 1200, 1800]);
}

#[test]
fn level_zero_rule_fires_nothing_and_unknown_rule_has_no_rule() {
    let f = fire(&event(5700, Some("003"), Some("203.0.113.9")));
    assert_eq!(f.rule.as_ref().map(|r| r.level), Some(0));
    assert!(f.fired.is_empty());
    assert!(fire(&event(424242, None, None)).rule.is_none());
}

#[test]
fn ossec_profile_expect_gates_and_sends_dashes() {
    // OSSEC: a command expecting srcip is skipped without one; unexpected fields
    // are sent as '-' (docs/ossec.md §7).
    let cfg = r#"<ossec_config>
<command><name>fw</name><executable>firewall-drop.sh</executable><expect>srcip</expect><timeout_allowed>yes</timeout_allowed></command>
<active-response><command>fw</command><location>local</location><rules_id>5712</rules_id><timeout>600</timeout></active-response>
</ossec_config>"#;
    let options = Options {
        profile: Profile::Ossec,
        ..Options::default()
    };
    let f = fire_on(cfg, &event(5712, Some("003"), None), &options);
    assert!(only(&f).runs_on.is_empty() && has_note(only(&f), "expects srcip"));
    let mut e = event(5712, Some("003"), Some("203.0.113.9"));
    e.user = Some("bob".to_string());
    let f = fire_on(cfg, &e, &options);
    assert_eq!(only(&f).runs_on, ["003"]);
    assert_eq!(
        only(&f).message,
        Some(Message::Text(
            "fw600 - 203.0.113.9 <time>.<alertid> 5712 <location> -".to_string()
        ))
    );
}

#[test]
fn exact_json_message_for_one_case() {
    // Reviewed by hand against docs/wazuh-config.md §5.3: version 1, origin with an empty node
    // name, command = the response name, extra_args, the alert with rule (id as a
    // string, groups split on commas), agent and data.
    let mut e = event(5712, Some("3"), Some("203.0.113.9"));
    e.user = Some("bob".to_string());
    let f = fire(&e);
    let Some(m) = &only(&f).message else {
        panic!("message")
    };
    insta::assert_snapshot!(serde_json::to_string_pretty(m).expect("json"));
}
