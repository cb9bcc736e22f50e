//! `ossec-ar apply FILE STATE.json` (issue 12): desired state in, one diff, one save;
//! a second run changes nothing and touches nothing.

use std::fs;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::cli_edit::{Case, err, out};
use crate::save::fixture;

/// Runs `apply ossec.conf state.json ARGS...` with `state` written beside the file.
fn apply(c: &Case, state: &Value, args: &[&str]) -> std::process::Output {
    fs::write(c.dir.path().join("state.json"), state.to_string()).expect("write state");
    let mut all = vec!["state.json", "--no-backup"];
    all.extend_from_slice(args);
    c.run(&["apply"], &all)
}

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_str(&out(o)).expect("json on stdout")
}

fn host_deny_state() -> Value {
    json!({
        "commands": [{"name": "host-deny", "executable": "host-deny", "timeout_allowed": true}],
        "responses": [{"command": "host-deny", "location": "local", "rules_id": "5712",
                       "timeout": 600, "state": "present"}]
    })
}

#[test]
fn present_blocks_are_added_in_place_and_a_second_run_changes_nothing() {
    let c = Case::new();
    let o = apply(&c, &host_deny_state(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json_of(&o)["changed"], true);
    let expected = fixture()
        .replace(
            "    <executable>unused.sh</executable>\n  </command>\n",
            "    <executable>unused.sh</executable>\n  </command>\n\n  <command>\n    <name>host-deny</name>\n    <executable>host-deny</executable>\n    <timeout_allowed>yes</timeout_allowed>\n  </command>\n",
        )
        .replace(
            "    <location>local</location>\n  </active-response>\n</ossec_config>\n",
            "    <location>local</location>\n  </active-response>\n\n  <active-response>\n    <command>host-deny</command>\n    <location>local</location>\n    <rules_id>5712</rules_id>\n    <timeout>600</timeout>\n  </active-response>\n</ossec_config>\n",
        );
    assert_eq!(
        c.text(),
        expected,
        "commands before the first response, responses after the last"
    );
    let stamp = c.stamp();
    let o = apply(&c, &host_deny_state(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json_of(&o)["changed"], false);
    assert_eq!((c.stamp(), c.text()), (stamp, expected));
}

#[test]
fn a_present_block_found_by_identity_gets_its_other_fields_and_absent_ones_go() {
    let c = Case::new();
    let state = json!({
        "commands": [{"name": "unused", "state": "absent"},
                     {"name": "firewall-drop", "timeout_allowed": false, "extra_args": null}],
        "responses": [
            {"command": "firewall-drop", "location": "local", "rules_id": "5712", "timeout": 60},
            {"command": "firewall-drop", "location": "local", "state": "absent"}
        ]
    });
    let o = apply(&c, &state, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = c.text();
    assert!(!t.contains("unused"), "{t}");
    assert!(t.contains("<timeout_allowed>no</timeout_allowed>"), "{t}");
    assert!(t.contains("<timeout>60</timeout>"), "{t}");
    assert_eq!(t.matches("<active-response>").count(), 1, "{t}");
    let stamp = c.stamp();
    let o = apply(&c, &state, &["--force", "--format", "json"]);
    assert_eq!(json_of(&o)["changed"], false, "{}", err(&o));
    assert_eq!(c.stamp(), stamp);
}

#[test]
fn a_state_that_adds_an_error_is_refused_unless_forced() {
    let c = Case::new();
    let state = json!({"commands": [{"name": "firewall-drop", "state": "absent"}]});
    let o = apply(&c, &state, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("command 'firewall-drop' is used by responses #1, #2"),
        "{}",
        err(&o)
    );
    assert_eq!(c.text(), fixture());
    let state = json!({"responses": [{"command": "nope", "location": "local", "level": 3}]});
    let o = apply(&c, &state, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(c.text(), fixture());
    let o = apply(&c, &state, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(c.text().contains("<command>nope</command>"));
}

#[test]
fn check_and_diff_write_nothing_and_show_the_change() {
    let c = Case::new();
    let stamp = c.stamp();
    let o = apply(
        &c,
        &host_deny_state(),
        &["--check", "--diff", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json_of(&o);
    assert_eq!(
        (v["changed"].clone(), v["written"].clone()),
        (true.into(), false.into())
    );
    let diff = v["diff"].as_str().expect("diff");
    assert!(diff.contains("+    <name>host-deny</name>\n"), "{diff}");
    assert!(
        diff.contains("+    <command>host-deny</command>\n"),
        "{diff}"
    );
    assert_eq!((c.stamp(), c.text()), (stamp, fixture()));
    let o = apply(&c, &host_deny_state(), &["--check", "--diff"]);
    assert!(
        out(&o).starts_with("--- ossec.conf\n+++ ossec.conf\n"),
        "{}",
        out(&o)
    );
}

#[test]
fn malformed_states_are_usage_errors() {
    let c = Case::new();
    for (state, message) in [
        (json!([]), "expected an object"),
        (json!({"rules": []}), "unknown key 'rules'"),
        (
            json!({"commands": [{"executable": "x"}]}),
            "commands[0]: a command needs its name",
        ),
        (
            json!({"responses": [{"colour": "red"}]}),
            "responses[0]: unknown field 'colour'",
        ),
        (
            json!({"responses": [{"command": "x", "state": "gone"}]}),
            "state must be",
        ),
        (
            json!({"responses": [{"command": "x", "location": "all"}, {"command": "x", "location": "ALL"}]}),
            "same identity",
        ),
    ] {
        let o = apply(&c, &state, &[]);
        assert_eq!(o.status.code(), Some(2), "{state}");
        assert!(err(&o).contains(message), "{state}: {}", err(&o));
    }
    assert_eq!(c.text(), fixture());
}

/// A small vocabulary, so that generated states meet the fixture's blocks often.
fn command_strategy() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["firewall-drop", "unused", "host-deny", "route-null"]),
        any::<bool>(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(name, present, allowed)| {
            let mut v = json!({"name": name, "executable": name,
                               "state": if present { "present" } else { "absent" }});
            if let Some(a) = allowed {
                v["timeout_allowed"] = a.into();
            }
            v
        })
}

fn response_strategy() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["firewall-drop", "unused", "host-deny"]),
        prop::sample::select(vec!["local", "all", "server"]),
        prop::option::of(prop::sample::select(vec!["5712", "5720"])),
        prop::option::of(prop::sample::select(vec![60u32, 600])),
        any::<bool>(),
    )
        .prop_map(|(command, location, rules_id, timeout, present)| {
            let mut v = json!({"command": command, "location": location,
                               "state": if present { "present" } else { "absent" }});
            if let Some(r) = rules_id {
                v["rules_id"] = r.into();
            }
            if let Some(t) = timeout {
                v["timeout"] = t.into();
            }
            v
        })
}

/// Keeps the first of each key (a state names a block once).
fn unique(items: Vec<Value>, key: impl Fn(&Value) -> String) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|v| seen.insert(key(v))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn apply_twice_is_apply_once(
        commands in prop::collection::vec(command_strategy(), 0..4),
        responses in prop::collection::vec(response_strategy(), 0..4),
    ) {
        let commands = unique(commands, |v| v["name"].to_string());
        let responses = unique(responses, |v| {
            format!("{}{}{}", v["command"], v["location"], v["rules_id"])
        });
        let state = json!({"commands": commands, "responses": responses});
        let c = Case::new();
        let first = apply(&c, &state, &["--format", "json"]);
        let after_first = (c.stamp(), c.text());
        match first.status.code() {
            Some(0) => {}
            // Refused (a new error, a command in use): nothing written.
            Some(1) => {
                prop_assert_eq!(c.text(), fixture());
                return Ok(());
            }
            code => prop_assert!(false, "exit {:?}: {}", code, err(&first)),
        }
        let second = apply(&c, &state, &["--format", "json"]);
        prop_assert_eq!(second.status.code(), Some(0), "{}", err(&second));
        prop_assert_eq!(&json_of(&second)["changed"], &Value::Bool(false), "{}", state);
        prop_assert_eq!((c.stamp(), c.text()), after_first);
    }
}
