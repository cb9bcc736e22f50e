//! `ossec-ar logtest` and `ruletest` through the binary (docs/analysis.md): output shapes,
//! the demo's brute-force response, bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

/// `logtest` with `args`, `input` on stdin.
fn logtest(args: &[&str], input: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ossec-ar"));
    cmd.arg("logtest").args(args);
    crate::support::output_with_input(&mut cmd, input)
}

/// `logtest` on the demo config with the demo ruleset.
fn demo_logtest(extra: &[&str], input: &[u8]) -> Output {
    let d = demo();
    let conf = d.join("ossec.conf");
    let rules = d.join("rules");
    let decoders = d.join("decoders");
    let mut args = vec![
        conf.to_str().expect("utf-8"),
        "--rules",
        rules.to_str().expect("utf-8"),
        "--decoders",
        decoders.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    logtest(&args, input)
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn failed_password(i: u32) -> String {
    format!(
        "Dec 29 10:00:0{} bastion sshd[42]: Failed password for invalid user admin{i} from 203.0.113.5 port 4242 ssh2",
        i % 10
    )
}

#[test]
fn the_demo_brute_force_runs_the_demo_response_with_its_command() {
    let input: String = (1..=8).map(|i| failed_password(i) + "\n").collect();
    let out = demo_logtest(&["--format", "json"], input.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = json_lines(&out);
    assert_eq!(events.len(), 8);
    // Lines 1..7: rule 5710 (level 5), no response bound to it.
    for e in &events[..7] {
        assert_eq!(e["rule"]["id"], "5710");
        assert_eq!(e["responses"], serde_json::json!([]));
    }
    // Line 8: the demo's frequency="8" rule 5712 fires (8 events in all). Two
    // responses of the demo config are bound to it: #1 (firewall-drop, rules_id
    // 5712) and #3 (disable-account, rules_group authentication_failures).
    let last = &events[7];
    assert_eq!(last["rule"]["id"], "5712");
    assert_eq!(last["rule"]["level"], 10);
    assert_eq!(last["rule"]["frequency"], 8);
    assert_eq!(last["alert"], true);
    let runs = last["responses"].as_array().expect("responses");
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0]["command"], "firewall-drop");
    assert_eq!(runs[0]["name"], "firewall-drop600");
    assert_eq!(runs[0]["index"], 1);
    assert_eq!(runs[0]["runs_on"], serde_json::json!(["000"]));
    assert_eq!(
        runs[0]["message"]["parameters"]["alert"]["data"]["srcip"],
        "203.0.113.5"
    );
    assert_eq!(runs[1]["command"], "disable-account");
    assert_eq!(runs[1]["index"], 3);
}

#[test]
fn the_json_shape_follows_wazuhs_logtest_output() {
    let out = demo_logtest(&["--format", "json"], failed_password(1).as_bytes());
    let e = &json_lines(&out)[0];
    // docs/analysis.md: predecoder, decoder with name and parent, data, rule with id as a
    // string and level as a number, description, groups, firedtimes, mail,
    // full_log, location, alert, responses.
    assert_eq!(e["predecoder"]["program_name"], "sshd");
    assert_eq!(e["predecoder"]["timestamp"], "Dec 29 10:00:01");
    assert_eq!(e["predecoder"]["hostname"], "bastion");
    assert_eq!(e["decoder"]["name"], "sshd");
    assert_eq!(e["decoder"]["parent"], "sshd");
    assert_eq!(e["data"]["srcip"], "203.0.113.5");
    assert_eq!(e["data"]["srcuser"], "admin1");
    assert!(e["rule"]["id"].is_string());
    assert_eq!(e["rule"]["id"], "5710");
    assert_eq!(e["rule"]["level"], 5);
    assert_eq!(e["rule"]["firedtimes"], 1);
    assert_eq!(e["rule"]["mail"], false);
    assert_eq!(
        e["rule"]["groups"],
        serde_json::json!(["syslog", "sshd", "authentication_failed", "invalid_login"])
    );
    assert!(
        e["rule"]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(e["full_log"], failed_password(1));
    assert_eq!(e["location"], "stdin");
    assert_eq!(e["agent"]["id"], "000");
    assert_eq!(e["alert"], true);
    assert!(e["responses"].is_array());
}

#[test]
fn text_output_shows_the_three_phases_like_wazuh_logtest() {
    let out = demo_logtest(&[], failed_password(1).as_bytes());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "**Phase 1: Completed pre-decoding.",
        "\tfull event: 'Dec 29 10:00:01 bastion sshd[42]: Failed password",
        "\ttimestamp: 'Dec 29 10:00:01'",
        "\thostname: 'bastion'",
        "\tprogram_name: 'sshd'",
        "**Phase 2: Completed decoding.",
        "\tname: 'sshd'",
        "\tsrcip: '203.0.113.5'",
        "**Phase 3: Completed filtering (rules).",
        "\tid: '5710'",
        "\tlevel: '5'",
        "\tgroups: '['syslog', 'sshd', 'authentication_failed', 'invalid_login']'",
        "**Alert to be generated.",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let undecoded = demo_logtest(&[], b"hello world\n");
    assert!(String::from_utf8_lossy(&undecoded.stdout).contains("\tNo decoder matched."));
}

#[test]
fn hostile_lines_get_an_answer_each() {
    let mut input = b"a\x00b NUL\n".to_vec();
    input.extend_from_slice(b"Dec 29 10:00:01 host sshd[1]: Failed password for invalid user caf\xe9 from 1.2.3.4 port 1 ssh2\n");
    input.extend(std::iter::repeat_n(b'x', 10 << 20));
    input.push(b'\n');
    let out = demo_logtest(&["--format", "json"], &input);
    assert_eq!(out.status.code(), Some(0));
    let events = json_lines(&out);
    assert_eq!(events.len(), 3);
    // Latin-1 bytes are matched as bytes and shown escaped.
    assert_eq!(events[1]["rule"]["id"], "5710");
    assert_eq!(events[1]["data"]["srcuser"], "caf\\xE9");
}

#[test]
fn a_broken_ruleset_is_reported_with_file_and_line_and_the_engine_goes_on() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = dir.path().join("rules");
    let decoders = dir.path().join("decoders");
    std::fs::create_dir_all(&rules).expect("mkdir");
    std::fs::create_dir_all(&decoders).expect("mkdir");
    std::fs::write(
        decoders.join("a_decoders.xml"),
        "<decoder name=\"good\">\n  <prematch>^good </prematch>\n</decoder>\n",
    )
    .expect("write");
    std::fs::write(
        decoders.join("b_decoders.xml"),
        "<decoder name=\"bad\">\n  <prematch>^x\\></prematch>\n</decoder>\n",
    )
    .expect("write");
    std::fs::write(
        rules.join("a_rules.xml"),
        "<group name=\"g,\">\n<rule id=\"1\" level=\"0\" noalert=\"1\">\n<category>syslog</category>\n<description>root</description>\n</rule>\n\
         <rule id=\"100\" level=\"3\">\n<decoded_as>good</decoded_as>\n<description>good one</description>\n</rule>\n\
         <rule id=\"101\" level=\"3\">\n<if_sid>99999</if_sid>\n<description>orphan</description>\n</rule>\n</group>\n",
    )
    .expect("write");
    std::fs::write(
        rules.join("b_rules.xml"),
        "<group name=\"g,\">\n<rule id=\"200\" level=\"3\">\n<description>x</description>\n",
    )
    .expect("write");
    let out = logtest(
        &[
            "--rules",
            rules.to_str().expect("utf-8"),
            "--decoders",
            decoders.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        b"good line\n",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("b_decoders.xml:1:1: error"), "{err}");
    assert!(err.contains("'\\>' is not an OSRegex escape"), "{err}");
    assert!(err.contains("b_rules.xml"), "{err}");
    assert!(err.contains("99999"), "{err}");
    let e = &json_lines(&out)[0];
    assert_eq!(e["decoder"]["name"], "good");
    assert_eq!(e["rule"]["id"], "100");
}

#[test]
fn an_empty_ruleset_decodes_nothing_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().to_str().expect("utf-8");
    let out = logtest(
        &["--rules", d, "--decoders", d, "--format", "json"],
        b"Dec 29 10:00:01 h sshd[1]: x\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let e = &json_lines(&out)[0];
    assert_eq!(e["decoder"], serde_json::json!({}));
    assert!(e.get("rule").is_none());
}

#[test]
fn no_ruleset_at_all_is_a_usage_error() {
    let out = logtest(&["--ossec-home", "/nonexistent/ossec"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ruleset"));
}
