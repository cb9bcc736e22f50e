//! Issue 13, "Fidelity": one reading of each value, shared by `check`, `set`, the
//! editor's form (through `session::field_problem`) and `explain`; numbers read as
//! the daemon's atoi reads them; JSON keys that do not depend on the outcome.

use std::path::Path;
use std::process::Command;

use crate::cli_edit::{Case, err, fixture_with, out};

const HOST_DENY: &str = "<ossec_config>
  <command>
    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <active-response>
    <command>host-deny</command>
    <location>local</location>
    <rules_id>5712</rules_id>
    <timeout>600</timeout>
  </active-response>
</ossec_config>
";

#[test]
fn level_17_is_the_same_warning_in_set_and_check_and_explain_says_0_to_20() {
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "level=17", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    let message = "level 17 is above 16, the highest rule level: this condition never matches";
    assert!(
        err(&o).starts_with(&format!(
            "ossec.conf: invalid value: level=17: warning[level-never-matches]: {message}\n"
        )),
        "{}",
        err(&o)
    );
    // check reads the same value the same way: a warning, not an error.
    let c = Case::with(&fixture_with(
        "<rules_id>5712</rules_id>",
        "<rules_id>5712</rules_id>\n    <level>17</level>",
    ));
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(
        out(&o).contains(&format!("warning[level-never-matches]: {message}")),
        "{}",
        out(&o)
    );
    // 99 is past what analysisd accepts: an error in both, with the same words.
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "level=99", "--dry-run"]);
    let refused = "level '99' is outside 0 to 20: analysisd refuses to start (1235)";
    assert!(
        err(&o).contains(&format!("error[invalid-level]: {refused}")),
        "{}",
        err(&o)
    );
    let c = Case::with(&fixture_with(
        "<rules_id>5712</rules_id>",
        "<rules_id>5712</rules_id>\n    <level>99</level>",
    ));
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).contains(&format!("error[invalid-level]: {refused}")),
        "{}",
        out(&o)
    );
    // 0 is accepted by analysisd (no level condition) and by set.
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "level=0", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(["explain", "invalid-level"])
        .output()
        .expect("run");
    let text = out(&o);
    assert!(text.contains("from 0 to 20"), "{text}");
    assert!(
        text.contains("17 to 20 are accepted but no rule reaches them"),
        "{text}"
    );
}

#[test]
fn timeout_overflow_is_read_as_atoi_reads_it_and_warned_about() {
    let c = Case::with(HOST_DENY);
    let o = c.run(&["set"], &["response:1", "timeout=99999999999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("timeout=99999999999: warning[number-overflow]: timeout '99999999999' is read as 1215752191"),
        "{}",
        err(&o)
    );
    assert_eq!(c.text(), HOST_DENY, "refused: not written");
    let o = c.run(&["set"], &["response:1", "timeout=99999999999", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = c.run(&["check"], &[]);
    assert!(out(&o).contains("warning[number-overflow]"), "{}", out(&o));
    // The name analysisd builds: command name + (int) timeout.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/rules");
    let o = c.run(
        &["simulate"],
        &[
            "--rule",
            "5712",
            "--rules",
            rules.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["fired"][0]["name"], "host-deny1215752191", "{v}");
    // list gives the written text as a string: it is not the number the daemon reads.
    let o = c.run(&["list"], &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["responses"][0]["timeout"], "99999999999");
}

#[test]
fn list_json_keeps_valid_numbers_as_integers() {
    let c = Case::with(HOST_DENY);
    let o = c.run(&["list"], &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["responses"][0]["timeout"], 600);
    assert_eq!(v["responses"][0]["level"], serde_json::Value::Null);
}

#[test]
fn explain_accepts_wazuh_message_numbers() {
    let o = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(["explain", "1235"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.starts_with("Wazuh message (1235) is reported under"),
        "{text}"
    );
    for code in [
        "invalid-level",
        "invalid-disabled",
        "invalid-timeout-allowed",
    ] {
        assert!(text.contains(code), "{code} in {text}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(["explain", "(1303)", "--format", "json"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["codes"][0]["code"], "undefined-command", "{v}");
}

/// The keys of every edit result, whatever happened.
const EDIT_KEYS: [&str; 10] = [
    "backup",
    "changed",
    "diagnostics",
    "diff",
    "in_place",
    "invalid_values",
    "new_errors",
    "refused",
    "renamed_responses",
    "written",
];

fn keys(o: &std::process::Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn set_json_has_the_same_keys_whether_changed_unchanged_or_refused() {
    let c = Case::new();
    let changed = c.run(&["set"], &["response:1", "timeout=60", "--format", "json"]);
    let unchanged = c.run(&["set"], &["response:1", "timeout=60", "--format", "json"]);
    let refused = c.run(&["set"], &["response:1", "level=99", "--format", "json"]);
    let no_block = c.run(&["set"], &["response:9", "level=3", "--format", "json"]);
    for o in [&changed, &unchanged, &refused, &no_block] {
        assert_eq!(keys(o), EDIT_KEYS, "{}", out(o));
    }
}

#[test]
fn a_refused_25000_byte_value_is_cut_on_stderr() {
    let c = Case::new();
    let long = format!("location={}", "x".repeat(25_000));
    let o = c.run(&["set"], &["response:1", &long]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.len() < 1_000, "{} bytes on stderr", e.len());
    assert!(
        e.contains(&format!(
            "location='{}…' (25000 bytes): it is longer than the 20480 bytes",
            "x".repeat(60)
        )),
        "{e}"
    );
}

#[test]
fn twenty_unknown_ids_in_one_rules_id_are_one_warning() {
    let ids: Vec<String> = (90001..=90020).map(|i| i.to_string()).collect();
    let c = Case::with(&HOST_DENY.replace(
        "<rules_id>5712</rules_id>",
        &format!("<rules_id>5712,{}</rules_id>", ids.join(",")),
    ));
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/rules");
    let o = c.run(&["check"], &["--rules", rules.to_str().expect("utf-8")]);
    let text = out(&o);
    assert_eq!(text.matches("rules-id-unknown").count(), 1, "{text}");
    assert!(
        text.contains(
            "warning[rules-id-unknown]: rules_id names 20 rules that are not in the 28 loaded rules: 90001, 90002, 90003, 90004, 90005, 90006, 90007, 90008, 90009, 90010, … (+10 more)"
        ),
        "{text}"
    );
}
