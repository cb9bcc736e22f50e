//! The registry of diagnostic codes through the real binary (docs/cli.md
//! "Diagnostics"): `explain` lists every code of every layer once, knows the codes of
//! rule-file problems, and a broken rule file's problems carry their code on stderr
//! (`check`, `logtest`) and in `check --format json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn ossec-ar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo_conf() -> String {
    root().join("assets/demo/ossec.conf").display().to_string()
}

fn broken_rules() -> String {
    root()
        .join("tests/fixtures/rules/broken")
        .display()
        .to_string()
}

#[test]
fn explain_lists_every_code_of_every_layer_once() {
    let o = run(&["explain"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    let mut times = BTreeMap::<&str, usize>::new();
    for code in &listed {
        *times.entry(code).or_default() += 1;
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "listed more than once: {twice:?}");
    // Every code each layer defines is listed: the validator's checks, the
    // ruleset-aware checks, the problems of rule files.
    let defined: Vec<&str> = ossec_ar::validate::checks()
        .map(|c| c.code.code)
        .chain(
            ossec_ar::simulate::diagnostics::CODES
                .iter()
                .map(|c| c.code),
        )
        .chain(ossec_ar::rules::codes::CODES.iter().map(|c| c.code))
        .collect();
    for code in &defined {
        assert!(times.contains_key(code), "{code} is not listed");
    }
    assert_eq!(listed.len(), defined.len(), "{listed:?}");
    // One of each layer, by hand.
    for code in [
        "xml-syntax",
        "undefined-command",
        "response-self-trigger",
        "rule-file-xml",
        "rule-duplicate-id",
        "rule-bad-regex",
        "decoder-invalid",
        "list-not-loaded",
    ] {
        assert!(times.contains_key(code), "{code} missing from {listed:?}");
    }
}

#[test]
fn explain_knows_the_rule_file_codes() {
    let o = run(&["explain", "rule-bad-regex"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("rule-bad-regex (error): a rule pattern that does not compile\n\n"),
        "{text}"
    );
    assert!(text.contains("(5107)"), "{text}");
    let o = run(&["explain", "rule-duplicate-id", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["code"], "rule-duplicate-id");
    assert_eq!(v["severity"], "warning");
    assert!(v["explain"].as_str().is_some_and(|e| e.contains("(7612)")));
    // Wazuh's message numbers lead to the rule-file codes too.
    let o = run(&["explain", "7617"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("rule-parent-not-found"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_shows_the_code_of_a_broken_rule_file_in_text_and_json() {
    let rules = broken_rules();
    let o = run(&["check", &demo_conf(), "--rules", &rules]);
    let err = stderr(&o);
    // tests/fixtures/rules/broken: level 17 at line 8 of the first file, the id of its
    // first rule again at line 7 of the second.
    let first = format!(
        "ossec-ar: rules: {rules}/0900-broken_rules.xml:8:3: error[rule-invalid]: rules_op: Invalid level: 17."
    );
    let dup = format!(
        "ossec-ar: rules: {rules}/0990-duplicate_rules.xml:7:3: warning[rule-duplicate-id]: duplicate rule id 100001"
    );
    assert!(err.lines().any(|l| l.starts_with(&first)), "{err}");
    assert!(err.lines().any(|l| l.starts_with(&dup)), "{err}");

    let o = run(&["check", &demo_conf(), "--rules", &rules, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let problems: Vec<(String, String, u64, u64)> = v["ruleset_problems"]
        .as_array()
        .expect("ruleset_problems")
        .iter()
        .map(|p| {
            let file = p["file"].as_str().unwrap_or("");
            let name = Path::new(file).file_name().and_then(|n| n.to_str());
            (
                format!(
                    "{}:{}",
                    name.unwrap_or(""),
                    p["code"].as_str().unwrap_or("")
                ),
                p["severity"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let s = |a: &str| a.to_string();
    assert_eq!(
        problems,
        [
            (s("0900-broken_rules.xml:rule-invalid"), s("error"), 8, 3),
            (s("0900-broken_rules.xml:rule-invalid"), s("error"), 13, 3),
            (
                s("0990-duplicate_rules.xml:rule-duplicate-id"),
                s("warning"),
                7,
                3
            ),
        ]
    );
    // Without a ruleset the key is absent: the shape of a plain check is unchanged.
    let o = run(&[
        "check",
        &demo_conf(),
        "--format",
        "json",
        "--ossec-home",
        "/nonexistent",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v.get("ruleset_problems").is_none(), "{v}");
}

/// Rule files with one problem each, in a temporary folder.
fn rule_files(dir: &Path) -> PathBuf {
    let rules = dir.join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    let group = |body: &str| format!("<group name=\"t,\">{body}</group>\n");
    let files = [
        // A root for the rules without if_sid (ids under 10 are roots).
        (
            "090-root.xml",
            group(
                r#"<rule id="1" level="0"><category>syslog</category><description>root</description></rule>"#,
            ),
        ),
        (
            "100-bad_regex.xml",
            group(
                r#"<rule id="100100" level="3"><regex>(a|b</regex><description>d</description></rule>"#,
            ),
        ),
        (
            "110-unknown_option.xml",
            group(
                r#"<rule id="100110" level="3"><matc>x</matc><description>d</description></rule>"#,
            ),
        ),
        (
            "120-parent.xml",
            group(
                r#"<rule id="100120" level="3"><if_sid>999999</if_sid><description>d</description></rule>"#,
            ),
        ),
        (
            "130-xml.xml",
            "<group name=\"t,\">\n<rule id=\"100130\" level=\"3\">\n<match>x</match>\n</group>\n"
                .to_string(),
        ),
        (
            "140-dup.xml",
            group(
                r#"<rule id="100140" level="3"><match>a</match><description>d</description></rule><rule id="100140" level="3"><match>b</match><description>d</description></rule>"#,
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(rules.join(name), text).expect("write");
    }
    rules
}

#[test]
fn logtest_reports_each_rule_file_problem_with_its_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = rule_files(dir.path());
    let decoders = root().join("assets/demo/decoders");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ossec-ar"));
    cmd.args([
        "logtest",
        &demo_conf(),
        "--rules",
        rules.to_str().expect("utf-8"),
        "--decoders",
        decoders.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let o = crate::support::output_with_input(&mut cmd, b"hello\n");
    let err = stderr(&o);
    // One problem per file, worked out from the files above: the regex with an open
    // group (5107), an unknown element, an if_sid naming nothing (7617, then 7619 as
    // no parent is left), an unclosed <rule>, an id given twice (7612).
    let got: Vec<(String, String)> = err
        .lines()
        .filter_map(|l| l.strip_prefix("ossec-ar: ruleset: "))
        .filter_map(|l| {
            let (file, rest) = l.split_once(": ")?;
            let name = Path::new(file.split(':').next()?).file_name()?.to_str()?;
            let code = rest.split_once('[')?.1.split_once(']')?.0;
            Some((name.to_string(), code.to_string()))
        })
        .collect();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        got,
        [
            s("100-bad_regex.xml", "rule-bad-regex"),
            s("110-unknown_option.xml", "rule-unknown-option"),
            s("120-parent.xml", "rule-parent-not-found"),
            s("120-parent.xml", "rule-parent-not-found"),
            s("130-xml.xml", "rule-file-xml"),
            s("140-dup.xml", "rule-duplicate-id"),
        ],
        "{err}"
    );
    assert!(
        err.contains("130-xml.xml:4:8: error[rule-file-xml]: "),
        "{err}"
    );
}
