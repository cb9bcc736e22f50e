//! Replay mode: counts on a generated alerts file agree with a brute-force count done
//! here with serde_json::Value and the routing table worked out by hand.

use std::collections::BTreeMap;
use std::io::Write;

use ossec_ar::model::{Config, Profile};
use ossec_ar::simulate::{self, Replay, Simulator};
use ossec_ar::xml;

use crate::simulate::fixture_rules;

/// #1 fw local on 5712; #2 fw server on 5712 and 5720; #3 fw all on 31151;
/// white list 192.168.10.0/24.
const CONFIG: &str = r#"<ossec_config>
  <global><white_list>192.168.10.0/24</white_list></global>
  <command><name>fw</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command>
  <active-response><command>fw</command><location>local</location><rules_id>5712</rules_id><timeout>600</timeout></active-response>
  <active-response><command>fw</command><location>server</location><rules_id>5712,5720</rules_id><timeout>60</timeout></active-response>
  <active-response><command>fw</command><location>all</location><rules_id>31151</rules_id></active-response>
</ossec_config>"#;

/// A tiny deterministic generator (no test depends on chance).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Alerts with bound, unbound, level-0 and unknown rule ids, manager and agent events,
/// white-listed and crafted source IPs, and a few broken lines.
fn generate(lines: usize) -> String {
    let ids = ["5712", "5720", "31151", "5710", "31101", "999999", "5700"];
    let ips = [
        "203.0.113.9",
        "192.168.10.7",
        "10.1.1.1;ls",
        "",
        "198.51.100.20",
    ];
    let agents = ["000", "001", "002", "017"];
    let mut g = Lcg(7);
    let mut out = String::new();
    for i in 0..lines {
        if i % 97 == 13 {
            out.push_str("{not json\n");
            continue;
        }
        if i % 89 == 5 {
            out.push('\n');
            continue;
        }
        let id = ids[g.next(ids.len() as u64) as usize];
        let ip = ips[g.next(ips.len() as u64) as usize];
        let agent = agents[g.next(agents.len() as u64) as usize];
        let data = if ip.is_empty() {
            String::new()
        } else {
            format!(r#","data":{{"srcip":"{ip}","dstuser":"u{i}"}}"#)
        };
        out.push_str(&format!(
            r#"{{"timestamp":"2024-01-01T00:00:00.000+0000","rule":{{"level":10,"description":"x \"quoted\"","id":"{id}","firedtimes":{i},"groups":["a","b"]}},"agent":{{"id":"{agent}","name":"n"}},"full_log":"line {i}"{data},"location":"/var/log/secure"}}"#
        ));
        out.push('\n');
    }
    out
}

/// The expected counts, from the table in CONFIG's comment.
fn brute_force(text: &str) -> Replay {
    let names = ["fw600", "fw60", "fw0"];
    let mut counts = [0u64; 3];
    let mut by: [BTreeMap<String, u64>; 3] = Default::default();
    let (mut alerts, mut unknown, mut skipped, mut malformed) = (0, 0, 0, 0);
    let mut unknown_ids = std::collections::BTreeSet::new();
    let known = [
        5700, 5710, 5712, 5715, 5720, 31100, 31101, 31106, 31151, 92508, 651, 657, 100016, 100020,
        100030,
    ];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            malformed += 1;
            continue;
        };
        alerts += 1;
        let id: u32 = v["rule"]["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("id");
        if !known.contains(&id) {
            unknown += 1;
            unknown_ids.insert(id);
            continue;
        }
        let responses: &[usize] = match id {
            5712 => &[0, 1],
            5720 => &[1],
            31151 => &[2],
            _ => &[],
        };
        if responses.is_empty() {
            continue;
        }
        let ip = v["data"]["srcip"].as_str().unwrap_or("");
        if ip.contains(';') || ip.starts_with("192.168.10.") {
            skipped += 1;
            continue;
        }
        let agent = v["agent"]["id"].as_str().expect("agent").to_string();
        for &r in responses {
            let target = match r {
                0 => agent.clone(),
                1 => "000".to_string(),
                _ => "all active agents".to_string(),
            };
            counts[r] += 1;
            *by[r].entry(target).or_default() += 1;
        }
    }
    Replay {
        alerts,
        unknown_rules: unknown,
        unknown_rule_ids: unknown_ids.into_iter().collect(),
        skipped,
        executions: (0..3)
            .map(|r| simulate::ReplayExecution {
                index: r + 1,
                name: names[r].to_string(),
                count: counts[r],
                by_agent: by[r].clone(),
                other_agents: simulate::Folded::default(),
            })
            .collect(),
        malformed,
        first_malformed: Some(14),
        overlong: 0,
    }
}

fn run(bytes: &[u8], gz: bool) -> Replay {
    let doc = xml::parse(CONFIG);
    let cfg = Config::from_document(&doc);
    let rules = fixture_rules(&["base"]);
    let sim = Simulator::new(&cfg, &doc, &rules, Profile::Wazuh);
    let mut file = tempfile::NamedTempFile::new().expect("tmp");
    if gz {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).expect("gz");
        file.write_all(&enc.finish().expect("gz")).expect("write");
    } else {
        file.write_all(bytes).expect("write");
    }
    let reader = simulate::open_alerts(file.path()).expect("open");
    simulate::replay(reader, &sim).expect("replay")
}

#[test]
fn counts_match_a_brute_force_count() {
    let text = generate(5000);
    let expected = brute_force(&text);
    assert!(
        expected.executions.iter().all(|e| e.count > 100),
        "{expected:?}"
    );
    assert!(expected.skipped > 100 && expected.unknown_rules > 100);
    assert_eq!(run(text.as_bytes(), false), expected);
}

#[test]
fn gzip_file_gives_the_same_counts() {
    let text = generate(3000);
    assert_eq!(run(text.as_bytes(), true), run(text.as_bytes(), false));
}

#[test]
fn a_file_without_alerts_counts_nothing() {
    let r = run(b"", false);
    assert_eq!((r.alerts, r.malformed), (0, 0));
    assert!(r.executions.iter().all(|e| e.count == 0));
    let r = run(b"[1,2]\n{\"rule\":{}}\n", false);
    assert_eq!((r.alerts, r.malformed, r.first_malformed), (0, 2, Some(1)));
}
