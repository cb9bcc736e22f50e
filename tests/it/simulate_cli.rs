//! `simulate` and the ruleset-aware `check` findings through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use crate::simulate::fixture_dir;
use crate::support::corpus;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawn ossec-ar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("json on stdout")
}

fn demo() -> (String, String) {
    (
        root().join("assets/demo/ossec.conf").display().to_string(),
        root().join("assets/demo/rules").display().to_string(),
    )
}

fn temp_conf(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(f.path(), text).expect("write");
    f
}

#[test]
fn binding_json_has_the_shape_of_spec_2_3() {
    let (conf, rules) = demo();
    let v = json(&run(&[
        "simulate", &conf, "--rules", &rules, "--format", "json",
    ]));
    // 28 rules in assets/demo/rules (7 roots + 5 + 6 + 5 + 3 + 2, counted by hand).
    assert_eq!(v["rules_loaded"], 28);
    let r = &v["responses"];
    assert_eq!(r.as_array().map(Vec::len), Some(5));
    assert_eq!(
        r[0],
        serde_json::json!({"index": 1, "command": "firewall-drop", "location": "local", "enabled": true, "rules": [5712, 5720]})
    );
    assert_eq!(r[1]["rules"], serde_json::json!([31106, 31151]));
    assert_eq!(r[3]["location"], "defined-agent");
}

#[test]
fn fired_json_has_the_shape_of_spec_2_3() {
    let (conf, rules) = demo();
    let v = json(&run(&[
        "simulate",
        &conf,
        "--rules",
        &rules,
        "--rule",
        "5712",
        "--agent",
        "003",
        "--srcip",
        "203.0.113.9",
        "--user",
        "bob",
        "--format",
        "json",
    ]));
    assert_eq!(v["rule"]["id"], 5712);
    assert_eq!(v["rule"]["level"], 10);
    assert_eq!(v["rule"]["groups"], "syslog,sshd,authentication_failures,");
    let fired = v["fired"].as_array().expect("fired");
    // 5712 binds #1 (rules_id) and #3 (group authentication_failures).
    assert_eq!(fired.len(), 2);
    assert_eq!(fired[0]["name"], "firewall-drop600");
    assert_eq!(fired[0]["runs_on"], serde_json::json!(["003"]));
    assert_eq!(fired[0]["message"]["command"], "firewall-drop600");
    assert_eq!(
        fired[0]["message"]["parameters"]["alert"]["data"]["srcip"],
        "203.0.113.9"
    );
    assert_eq!(fired[0]["delete_after"], 600);
    assert_eq!(fired[1]["name"], "disable-account300");
    assert_eq!(fired[1]["runs_on"], serde_json::json!(["000"]));
    assert!(fired[1]["notes"].is_array());
}

#[test]
fn fired_text_names_where_and_why() {
    let (conf, rules) = demo();
    let o = run(&[
        "simulate", &conf, "--rules", &rules, "--rule", "5712", "--srcip", "10.0.0.9",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("runs on: nowhere"), "{text}");
    assert!(
        text.contains("white-listed by <white_list>10.0.0.0/24</white_list>"),
        "{text}"
    );
}

#[test]
fn unknown_rule_and_bad_arguments_fail_with_clear_errors() {
    let (conf, rules) = demo();
    let o = run(&["simulate", &conf, "--rules", &rules, "--rule", "424242"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rule 424242 is not in the 28 loaded rules")
    );
    let o = run(&[
        "simulate",
        &conf,
        "--rules",
        &rules,
        "--rule",
        "5712",
        "--agent-version",
        "new",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["simulate", &conf, "--rules", &rules, "--srcip", "1.2.3.4"]);
    assert_eq!(o.status.code(), Some(2), "--srcip needs --rule");
    let o = run(&["simulate", &conf, "--rules", "/nonexistent-dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no rule files found"));
}

#[test]
fn replay_json_has_the_shape_of_spec_2_3() {
    let (conf, rules) = demo();
    let alerts = temp_conf(concat!(
        r#"{"rule":{"id":"5712"},"agent":{"id":"001"},"data":{"srcip":"203.0.113.9"}}"#,
        "\n",
        r#"{"rule":{"id":"5712"},"agent":{"id":"002"},"data":{"srcip":"10.0.0.3"}}"#,
        "\n",
        r#"{"rule":{"id":"123456"},"agent":{"id":"001"}}"#,
        "\n",
        r#"{"rule":{"id":"60204"},"agent":{"id":"005"},"data":{"srcip":"198.51.100.1"}}"#,
        "\n",
    ));
    let path = alerts.path().display().to_string();
    let v = json(&run(&[
        "simulate", &conf, "--rules", &rules, "--alerts", &path, "--format", "json",
    ]));
    // Line 2 is white-listed (10.0.0.0/24): skipped. Line 3's rule is unknown.
    assert_eq!(
        (
            v["alerts"].as_u64(),
            v["unknown_rules"].as_u64(),
            v["skipped"].as_u64()
        ),
        (Some(4), Some(1), Some(1))
    );
    let e = &v["executions"];
    assert_eq!(
        e[0],
        serde_json::json!({"index": 1, "name": "firewall-drop600", "count": 1, "by_agent": {"001": 1}})
    );
    // #3 disable-account on the server: 5712 (line 1) and 60204 (line 4).
    assert_eq!(e[2]["by_agent"], serde_json::json!({"000": 2}));
    // #4 netsh on agent 002 for 60204.
    assert_eq!(e[3]["by_agent"], serde_json::json!({"002": 1}));
}

/// One line that is not an alert is one line that "is not an alert"; two "are not
/// alerts" (issue 16, point 17).
#[test]
fn the_not_an_alert_warning_agrees_with_its_count() {
    let (conf, rules) = demo();
    let good = r#"{"rule":{"id":"5712"},"agent":{"id":"001"},"data":{"srcip":"203.0.113.9"}}"#;
    for (text, want) in [
        (
            format!("{good}\nnot json\n"),
            "warning: 1 line of {} is not an alert (first at line 2)\n",
        ),
        (
            format!("not json\n{good}\n{{\n"),
            "warning: 2 lines of {} are not alerts (first at line 1)\n",
        ),
    ] {
        let alerts = temp_conf(&text);
        let path = alerts.path().display().to_string();
        let o = run(&["simulate", &conf, "--rules", &rules, "--alerts", &path]);
        assert_eq!(o.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.ends_with(&want.replace("{}", &path)), "{stderr}");
    }
}

const FINDINGS_CONF: &str = r#"<ossec_config>
  <command>
    <name>fw</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <active-response>
    <command>fw</command>
    <location>local</location>
    <rules_id>99999,5700,100020</rules_id>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>local</location>
    <rules_group>authentication_failed,authentication_failures</rules_group>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>local</location>
    <level>3</level>
  </active-response>
  <active-response>
    <command>fw</command>
    <location>local</location>
    <level>10</level>
  </active-response>
</ossec_config>
"#;

#[test]
fn check_with_rules_reports_ruleset_findings_at_their_lines() {
    let f = temp_conf(FINDINGS_CONF);
    let path = f.path().display().to_string();
    let base = fixture_dir("base").display().to_string();
    let v = json(&run(&[
        "check", &path, "--rules", &base, "--format", "json",
    ]));
    let found: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .filter(|(code, _)| {
            ossec_ar::simulate::diagnostics::CODES
                .iter()
                .any(|c| c.code == code)
        })
        .collect();
    // Lines read off FINDINGS_CONF: block #1 at 7 (rules_id at 10), #2 at 12
    // (rules_group at 15), #3 at 17 (level 3 binds 651 and 657, the notification
    // rules). #4 binds five rules of eleven: no finding.
    assert_eq!(
        found,
        [
            ("response-binds-nothing".to_string(), 7),
            ("rules-id-unknown".to_string(), 10),
            ("rules-id-never-fires".to_string(), 10),
            ("rules-id-never-fires".to_string(), 10),
            ("response-binds-nothing".to_string(), 12),
            ("rules-group-matches-nothing".to_string(), 15),
            ("response-self-trigger".to_string(), 17),
        ]
    );
    let text = stdout(&run(&["check", &path, "--rules", &base]));
    assert!(text.contains("did you mean `|`?"), "{text}");
    assert!(text.contains("rule 5700, which has level 0"), "{text}");
    assert!(
        text.contains("rule 100020, which has <options>no_ar</options>"),
        "{text}"
    );
    assert!(
        text.contains("binds rule 651 ('Host blocked by an active response.') and 1 other"),
        "{text}"
    );
}

#[test]
fn check_without_rules_adds_nothing() {
    let f = temp_conf(FINDINGS_CONF);
    let path = f.path().display().to_string();
    let o = run(&["check", &path, "--ossec-home", "/nonexistent-home"]);
    assert!(!stdout(&o).contains("rules-id-unknown"), "{}", stdout(&o));
}

#[test]
fn level_binds_many_on_the_wazuh_ruleset() {
    let Some(corpus) = corpus() else { return };
    let f = temp_conf(FINDINGS_CONF);
    let path = f.path().display().to_string();
    let rules = corpus.join("wazuh/ruleset/rules").display().to_string();
    let text = stdout(&run(&["check", &path, "--rules", &rules]));
    // Level counts of the shipped ruleset: 4512 rules, levels 0/1/2 hold 672 + 63 + 79, so
    // level >= 3 is 3698; level >= 10 is 271 + 12 + 279 + 33 + 39 + 32 = 666 (< 1000).
    assert!(
        text.contains("level 3 alone binds 3698 of the 4512 loaded rules"),
        "{text}"
    );
    assert!(!text.contains("level 10 alone"), "{text}");
    // Level 3 binds the AR notification rules (657 among them): a loop.
    assert!(text.contains("response-self-trigger"), "{text}");
}

#[test]
fn explain_knows_the_simulator_codes() {
    let o = run(&["explain", "response-self-trigger"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("wazuh#14997"), "{}", stdout(&o));
    let all = stdout(&run(&["explain"]));
    assert!(
        all.lines()
            .any(|l| l.starts_with("rules-group-matches-nothing")),
        "{all}"
    );
}

#[test]
fn real_configs_simulate_against_the_wazuh_ruleset_without_failing() {
    let Some(corpus) = corpus() else { return };
    let rules = corpus.join("wazuh/ruleset/rules").display().to_string();
    let mut simulated = 0;
    for path in crate::support::files_under(&corpus.join("real")) {
        if path.extension().is_none_or(|e| e != "conf" && e != "xml") {
            continue;
        }
        let p = path.display().to_string();
        let o = run(&["simulate", &p, "--rules", &rules, "--format", "json"]);
        if o.status.code() == Some(2) {
            continue; // not UTF-8, or not readable: reported, not simulated
        }
        let v = json(&o);
        // 4512 rules, minus the 2 of 0215-policy_rules.xml when the config excludes it.
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let excluded = text.contains("<rule_exclude>0215-policy_rules.xml</rule_exclude>");
        assert_eq!(v["rules_loaded"], if excluded { 4510 } else { 4512 }, "{p}");
        simulated += 1;
    }
    assert!(simulated > 50, "simulated {simulated} files");
}

#[test]
fn without_rules_the_configs_ruleset_is_read_under_ossec_home() {
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().join("ruleset/rules");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let base = fixture_dir("base").join("0100-base_rules.xml");
    std::fs::copy(&base, dir.join("0100-base_rules.xml")).expect("copy");
    std::fs::write(dir.join("0200-excluded_rules.xml"), "not even xml").expect("write");
    let conf = temp_conf(
        "<ossec_config><command><name>fw</name><executable>firewall-drop</executable></command>\
         <active-response><command>fw</command><location>local</location><rules_id>5712</rules_id></active-response>\
         <ruleset><rule_dir>ruleset/rules</rule_dir><rule_exclude>0200-excluded_rules.xml</rule_exclude></ruleset></ossec_config>",
    );
    let home_arg = home.path().display().to_string();
    let path = conf.path().display().to_string();
    let o = run(&[
        "simulate",
        &path,
        "--ossec-home",
        &home_arg,
        "--format",
        "json",
    ]);
    let v = json(&o);
    // The 15 rules of the base fixture; the excluded file is never read.
    assert_eq!(v["rules_loaded"], 15);
    assert_eq!(v["responses"][0]["rules"], serde_json::json!([5712]));
    assert!(
        String::from_utf8_lossy(&o.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["simulate", &path, "--ossec-home", "/nonexistent-home"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no rules: give --rules DIR"));
}

#[test]
fn a_file_the_daemon_refuses_is_simulated_with_a_warning() {
    let (_, rules) = demo();
    let conf = temp_conf(
        "<ossec_config><command><name>fw</name><executable>firewall-drop</executable></command>\n<active-response><command>fw</command><location>local</location><rules_id>5712</rules_id></active-response>\n</ossec_config >\n",
    );
    let path = conf.path().display().to_string();
    let o = run(&["simulate", &path, "--rules", &rules, "--format", "json"]);
    assert_eq!(json(&o)["responses"][0]["rules"], serde_json::json!([5712]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the daemons would not start"));
}
