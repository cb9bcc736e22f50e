//! `simulate --logs` through the binary (docs/analysis.md): its counts equal an independent
//! count made from `logtest --format json` over the same lines, on the demo sample
//! log and on the lines of Wazuh's ruleset tests; gzip gives the same counts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

fn run(cmd: &mut Command, input: &[u8]) -> Output {
    let out = crate::support::output_with_input(cmd, input);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The counts of `simulate CONF --logs LOG` with the ruleset options `engine`.
fn logs(conf: &Path, log: &Path, engine: &[&str]) -> Value {
    let out = run(
        bin()
            .args(["--format", "json", "simulate"])
            .arg(conf)
            .arg("--logs")
            .arg(log)
            .args(engine),
        b"",
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// One response's counts: name, count, by agent, by source IP.
type Run = (String, u64, BTreeMap<String, u64>, BTreeMap<String, u64>);

/// The same counts made from `logtest --format json` replies, one per line: the
/// responses listed that run somewhere, the alerts' rules, the empty decoders.
fn independent(conf: &Path, log: &Path, engine: &[&str]) -> Value {
    let input = std::fs::read(log).expect("read log");
    let out = run(
        bin()
            .args(["--format", "json", "logtest"])
            .arg(conf)
            .arg("--location")
            .arg(log)
            .args(engine),
        &input,
    );
    let mut lines = 0;
    let mut undecoded = 0;
    let mut alerts = 0;
    let mut rules: BTreeMap<String, (Value, u64)> = BTreeMap::new();
    let mut runs: BTreeMap<u64, Run> = BTreeMap::new();
    for text in String::from_utf8_lossy(&out.stdout).lines() {
        let o: Value = serde_json::from_str(text).expect("JSON line");
        lines += 1;
        if o["decoder"] == json!({}) {
            undecoded += 1;
        }
        if o["alert"] == json!(true) {
            alerts += 1;
            let id = o["rule"]["id"].as_str().expect("rule id").to_string();
            rules.entry(id).or_insert((o["rule"]["level"].clone(), 0)).1 += 1;
        }
        for r in o["responses"].as_array().expect("responses") {
            let on = r["runs_on"].as_array().expect("runs_on");
            if on.is_empty() {
                continue;
            }
            let e = runs
                .entry(r["index"].as_u64().expect("index"))
                .or_insert_with(|| {
                    (
                        r["name"].as_str().unwrap_or("").to_string(),
                        0,
                        BTreeMap::new(),
                        BTreeMap::new(),
                    )
                });
            e.1 += 1;
            for a in on {
                *e.2.entry(a.as_str().expect("agent").to_string())
                    .or_default() += 1;
            }
            if let Some(ip) = o["data"]["srcip"].as_str() {
                *e.3.entry(ip.to_string()).or_default() += 1;
            }
        }
    }
    json!({
        "lines": lines, "undecoded": undecoded, "alerts": alerts,
        "rules": rules.into_iter().map(|(id, (level, n))| json!({"id": id, "level": level, "count": n})).collect::<Vec<_>>(),
        "executions": runs.into_iter().map(|(i, (name, n, a, s))| json!({"index": i, "name": name, "count": n, "by_agent": a, "by_srcip": s})).collect::<Vec<_>>(),
    })
}

/// `got` against `want`: `rules` compared as a set (the order is checked apart), the
/// executions with a count compared, those of count 0 present in `got`.
fn assert_same(got: &Value, want: &Value) {
    assert_same_but(got, want, false);
}

/// [`assert_same`], with `by_srcip` left out when `no_srcips`.
fn assert_same_but(got: &Value, want: &Value, no_srcips: bool) {
    for k in ["lines", "undecoded", "alerts"] {
        assert_eq!(got[k], want[k], "{k}");
    }
    let rules = got["rules"].as_array().expect("rules");
    let counts: Vec<u64> = rules
        .iter()
        .map(|r| r["count"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most frequent first: {counts:?}"
    );
    let mut sorted = rules.clone();
    sorted.sort_by_key(|r| r["id"].as_str().unwrap_or("").to_string());
    assert_eq!(Value::Array(sorted), want["rules"]);
    let strip = |e: &Value| {
        let mut e = e.clone();
        if no_srcips {
            e["by_srcip"] = json!(null);
        }
        e
    };
    let ran: Vec<Value> = got["executions"]
        .as_array()
        .expect("executions")
        .iter()
        .filter(|e| e["count"] != json!(0))
        .map(strip)
        .collect();
    let want_ran: Vec<Value> = want["executions"]
        .as_array()
        .expect("executions")
        .iter()
        .map(strip)
        .collect();
    assert_eq!(ran, want_ran);
}

fn demo_engine() -> Vec<String> {
    let d = demo();
    vec![
        "--rules".into(),
        d.join("rules").display().to_string(),
        "--decoders".into(),
        d.join("decoders").display().to_string(),
    ]
}

#[test]
fn the_demo_sample_log_counts_equal_logtests_replies() {
    let engine = demo_engine();
    let engine: Vec<&str> = engine.iter().map(String::as_str).collect();
    let conf = demo().join("ossec.conf");
    let log = demo().join("sample.log");
    let got = logs(&conf, &log, &engine);
    assert_same(&got, &independent(&conf, &log, &engine));
    // What the sample shows: the brute force from 198.51.100.23 runs firewall-drop
    // (#1) and disable-account (#3) once; the SQL injection answered 200 runs
    // host-deny (#2) on every agent; netsh (#4) and restart-wazuh (#5) never run.
    let counts: Vec<u64> = got["executions"]
        .as_array()
        .expect("executions")
        .iter()
        .map(|e| e["count"].as_u64().unwrap_or(9))
        .collect();
    assert_eq!(counts, [1, 1, 1, 0, 0]);
    assert_eq!(
        got["executions"][0]["by_srcip"],
        json!({"198.51.100.23": 1})
    );
    assert_eq!(
        got["executions"][1]["by_agent"],
        json!({"all active agents": 1})
    );
    assert_eq!(got["undecoded"], json!(1));
    assert_eq!(
        got["rules"][0],
        json!({"id": "5710", "level": 5, "count": 11})
    );
}

#[test]
fn gzip_gives_the_same_counts() {
    let engine = demo_engine();
    let engine: Vec<&str> = engine.iter().map(String::as_str).collect();
    let conf = demo().join("ossec.conf");
    let plain = std::fs::read(demo().join("sample.log")).expect("sample");
    let dir = tempfile::tempdir().expect("temp dir");
    let gz = dir.path().join("sample.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&plain).expect("gzip");
    std::fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    let from_gz = logs(&conf, &gz, &engine);
    let from_plain = logs(&conf, &demo().join("sample.log"), &engine);
    assert_eq!(from_gz, from_plain);
}

/// Active responses that bind many of Wazuh's rules, for the corpus log.
/// The policy rules (0215) are left out, as Wazuh's test layout leaves them out: their
/// `<time>` windows read the clock, which is the wall clock for logtest and the line's
/// own timestamp for `--logs`, so the two would agree or not by the hour of the run
/// (rule 17101, "6 pm - 8:30 am").
const CORPUS_CONF: &str = "<ossec_config>
  <ruleset>
    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <rule_exclude>0215-policy_rules.xml</rule_exclude>
    <list>etc/lists/audit-keys</list>
    <list>etc/lists/amazon/aws-eventnames</list>
    <list>etc/lists/security-eventchannel</list>
    <list>etc/lists/malicious-ioc/malware-hashes</list>
    <list>etc/lists/malicious-ioc/malicious-ip</list>
    <list>etc/lists/malicious-ioc/malicious-domains</list>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <command><name>firewall-drop</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command>
  <command><name>host-deny</name><executable>host-deny</executable><timeout_allowed>yes</timeout_allowed></command>
  <active-response><command>firewall-drop</command><location>local</location><level>10</level><timeout>600</timeout></active-response>
  <active-response><command>host-deny</command><location>all</location><rules_group>authentication_failed|authentication_failures</rules_group></active-response>
  <active-response><command>firewall-drop</command><location>server</location><rules_id>5710,5712,5716,5720,31101</rules_id></active-response>
</ossec_config>
";

#[test]
fn the_corpus_test_log_counts_equal_logtests_replies() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let home = crate::engine_suite::test_manager_home(&corpus);
    let conf = home.path().join("etc/ar.conf");
    std::fs::write(&conf, CORPUS_CONF).expect("write conf");
    let mut text = String::new();
    let tests = corpus.join("wazuh/ruleset/testing/tests");
    let mut inis: Vec<PathBuf> = std::fs::read_dir(&tests)
        .expect("tests")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ini"))
        .collect();
    inis.sort();
    for ini in inis {
        let body = std::fs::read_to_string(&ini).expect("ini");
        for case in ossec_ar::analysis::ruletest::parse(&body) {
            for l in case.lines {
                text.push_str(&l);
                text.push('\n');
            }
        }
    }
    let log = home.path().join("corpus.log");
    std::fs::write(&log, &text).expect("write log");
    let h = home.path().display().to_string();
    let engine = ["--ossec-home", h.as_str()];
    let got = logs(&conf, &log, &engine);
    let want = independent(&conf, &log, &engine);
    // Everything agrees but which source addresses the executions had: logtest runs
    // every line at the wall clock, --logs at the line's own timestamp, and the
    // corpus lines come from years apart, so a frequency rule can complete its window
    // on another line (rule 5763 fires on a line from 192.168.33.1 instead of one
    // from 172.18.1.100; docs/logs.md "Time"). Both counts add up the same.
    assert_same_but(&got, &want, true);
    for (g, w) in got["executions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["count"] != json!(0))
        .zip(want["executions"].as_array().into_iter().flatten())
    {
        let total = |e: &Value| {
            e["by_srcip"]
                .as_object()
                .map(|m| m.values().filter_map(Value::as_u64).sum::<u64>())
        };
        assert_eq!(total(g), total(w), "{}", g["name"]);
    }
    assert!(
        got["lines"].as_u64().unwrap_or(0) > 1000,
        "{}",
        got["lines"]
    );
    let ran: u64 = got["executions"]
        .as_array()
        .expect("executions")
        .iter()
        .map(|e| e["count"].as_u64().unwrap_or(0))
        .sum();
    assert!(ran > 50, "{ran} executions");
}
