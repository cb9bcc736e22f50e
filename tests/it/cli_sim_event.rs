//! Issue 13, simulator CLI: one default event (the editor's pane starts from the same
//! one) stated in the text output, bad `--agent`/`--srcip` refused, an alerts file
//! with no alert refused, unknown rule ids listed, malformed lines counted in JSON,
//! the gates in plain words, a decoders folder given as `--rules` said once.

use std::path::Path;
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> (String, String) {
    (
        root().join("assets/demo/ossec.conf").display().to_string(),
        root().join("assets/demo/rules").display().to_string(),
    )
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .output()
        .expect("spawn ossec-ar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn fired_mode_states_the_default_event_which_the_editor_shares() {
    let (conf, rules) = demo();
    let o = run(&["simulate", &conf, "--rules", &rules, "--rule", "5712"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "event: rule 5712 on agent 000, srcip 192.0.2.10, no user (agent and srcip are the defaults: --agent, --srcip, --user change them)\n"
        ),
        "{}",
        stdout(&o)
    );
    // The same values as the editor's simulator pane starts from.
    assert_eq!(ossec_ar::simulate::DEFAULT_AGENT, "000");
    assert_eq!(ossec_ar::simulate::DEFAULT_SRCIP, "192.0.2.10");
    let o = run(&[
        "simulate", &conf, "--rules", &rules, "--rule", "5712", "--agent", "7", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["event"],
        serde_json::json!({"rule": 5712, "agent": "007", "srcip": "192.0.2.10", "user": null, "defaults": ["srcip"]})
    );
    assert_eq!(v["fired"][0]["runs_on"], serde_json::json!(["007"]));
}

#[test]
fn an_agent_that_is_not_an_id_and_a_srcip_that_is_not_an_ip_are_refused() {
    let (conf, rules) = demo();
    let o = run(&[
        "simulate", &conf, "--rules", &rules, "--rule", "5712", "--agent", "abc",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ossec-ar: --agent: agent 'abc' is not an agent id: digits only, like 001 (000 is the manager)\n"
    );
    let o = run(&[
        "simulate", &conf, "--rules", &rules, "--rule", "5712", "--srcip", "notanip",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'notanip' is not an IP address"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn an_alerts_file_without_alerts_says_so() {
    let (conf, rules) = demo();
    let f = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(
        f.path(),
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n",
    )
    .expect("write");
    let path = f.path().display().to_string();
    let o = run(&["simulate", &conf, "--rules", &rules, "--alerts", &path]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "ossec-ar: no alert read from {path}: 2 of its lines are not a Wazuh alert (a JSON object with rule.id), the first at line 1; give Wazuh's alerts.json (or .json.gz)\n"
        )
    );
}

#[test]
fn replay_lists_unknown_rule_ids_counts_malformed_lines_and_names_the_gates() {
    let (conf, rules) = demo();
    let f = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(
        f.path(),
        concat!(
            r#"{"rule":{"id":"5712"},"agent":{"id":"001"},"data":{"srcip":"10.0.0.3"}}"#,
            "\n",
            r#"{"rule":{"id":"123456"},"agent":{"id":"001"}}"#,
            "\n",
            "not json\n",
            r#"{"rule":{"id":"999"},"agent":{"id":"001"}}"#,
            "\n",
        ),
    )
    .expect("write");
    let path = f.path().display().to_string();
    let o = run(&[
        "simulate", &conf, "--rules", &rules, "--alerts", &path, "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["unknown_rule_ids"], serde_json::json!([999, 123456]));
    assert_eq!(v["malformed"], 1);
    assert_eq!(v["first_malformed"], 3);
    let o = run(&["simulate", &conf, "--rules", &rules, "--alerts", &path]);
    let text = stdout(&o);
    assert!(
        text.contains("alerts of rules not in the loaded rules: 2 (rule ids 999 123456)\n"),
        "{text}"
    );
    // 10.0.0.3 is in the demo's <white_list>10.0.0.0/24</white_list>.
    assert!(
        text.contains(
            "alerts whose responses analysisd would not run: 1 (the source IP is white-listed"
        ),
        "{text}"
    );
    assert!(!text.contains("gates"), "{text}");
}

#[test]
fn a_decoders_folder_given_as_rules_is_said_once() {
    let (conf, _) = demo();
    let decoders = root().join("assets/demo/decoders").display().to_string();
    let o = run(&["simulate", &conf, "--rules", &decoders]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("ossec-ar: rules: 1 file is a decoder file, not a rule file (e.g. "),
        "{err}"
    );
    assert!(!err.contains("Invalid root element"), "{err}");
}

#[test]
fn wazuhs_decoders_folder_given_as_rules_is_one_line_not_1575() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let (conf, _) = demo();
    let decoders = corpus.join("wazuh/ruleset/decoders").display().to_string();
    let o = run(&["simulate", &conf, "--rules", &decoders]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    // 120 files in Wazuh 4.14.7's ruleset/decoders, counted with ls.
    assert!(
        err.starts_with("ossec-ar: rules: 120 files are decoder files, not rule files (e.g. "),
        "{err}"
    );
}
