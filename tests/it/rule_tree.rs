//! The whole corpus rule set through the rule tree, checked against what the oracle
//! (Wazuh 4.14.7 analysisd with the same files) logged when it started: "Total
//! rules enabled: '17045'" and only these warnings in `logs/ossec.log`.

use std::path::{Path, PathBuf};

use ossec_ar::analysis::event::{DecodedBy, Event, StaticField as F};
use ossec_ar::analysis::rulematch::evaluate;
use ossec_ar::analysis::ruletree::{self, RuleTree};
use ossec_ar::analysis::state::RuleState;
use ossec_ar::model::Severity;
use ossec_ar::rules::lists::Lists;

use crate::support::corpus;

/// Decoder names `decoded_as` may use that no decoder file defines: analysisd
/// registers them itself (syscheck, rootcheck, hostinfo, Windows eventchannel…).
const INTERNAL_DECODERS: [&str; 16] = [
    "ciscat",
    "hostinfo_modified",
    "hostinfo_new",
    "rootcheck",
    "sca",
    "syscheck_deleted",
    "syscheck_integrity_changed",
    "syscheck_new_entry",
    "syscheck_registry_key_added",
    "syscheck_registry_key_deleted",
    "syscheck_registry_key_modified",
    "syscheck_registry_value_added",
    "syscheck_registry_value_deleted",
    "syscheck_registry_value_modified",
    "syscollector",
    "windows_eventchannel",
];

fn xml_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    out
}

/// The rule files the oracle loads, in its order (sorted by bare file name).
fn rule_files(ruleset: &Path) -> Vec<(PathBuf, String)> {
    let mut files = xml_files(&ruleset.join("rules"), |n| {
        n.ends_with(".xml") && n != "0215-policy_rules.xml"
    });
    files.push(ruleset.join("local/local_rules.xml"));
    files.extend(xml_files(&ruleset.join("testing/ruleset"), |n| {
        n.starts_with("test_") && n.ends_with("rules.xml")
    }));
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read rule file");
            (p, text)
        })
        .collect()
}

/// Every decoder name of the corpus decoder files plus the internal ones, sorted;
/// an id is the 1-based position (as `os_setdecoderids` numbers them).
fn decoder_names(ruleset: &Path) -> Vec<String> {
    let mut names: Vec<String> = INTERNAL_DECODERS.iter().map(|s| s.to_string()).collect();
    let mut dirs = xml_files(&ruleset.join("decoders"), |n| n.ends_with(".xml"));
    dirs.extend(xml_files(&ruleset.join("testing/ruleset"), |n| {
        n.ends_with("decoders.xml")
    }));
    for p in dirs {
        let text = std::fs::read_to_string(&p).expect("read decoder file");
        for piece in text.split("<decoder name=\"").skip(1) {
            if let Some(end) = piece.find('"') {
                names.push(piece[..end].to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn lists(ruleset: &Path) -> Lists {
    let configured: Vec<(String, PathBuf)> = [
        "audit-keys",
        "amazon/aws-eventnames",
        "security-eventchannel",
        "malicious-ioc/malware-hashes",
        "malicious-ioc/malicious-ip",
        "malicious-ioc/malicious-domains",
    ]
    .iter()
    .map(|l| (format!("etc/lists/{l}"), ruleset.join("lists").join(l)))
    .collect();
    Lists::load(&configured).0
}

#[test]
fn corpus_rules_build_like_the_oracle() {
    let Some(corpus) = corpus() else { return };
    let ruleset = corpus.join("wazuh/ruleset");
    let names = decoder_names(&ruleset);
    let decoder_id = |name: &str| {
        names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
            .map(|i| i as u32 + 1)
    };
    let lists = lists(&ruleset);
    let (tree, problems) = ruletree::build(&rule_files(&ruleset), &lists, &decoder_id);
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut warnings: Vec<String> = problems
        .iter()
        .map(|p| {
            let m = &p.message;
            let code = m.get(..6).unwrap_or(m);
            match code {
                "(7612)" => "(7612) duplicated".to_string(),
                _ => m.clone(),
            }
        })
        .collect();
    warnings.dedup();
    // The daemon keeps only the last 50 messages of a file (ERRORLIST_MAXSIZE), so
    // its log shows 50 of the 68 duplicates of test_static_filters_rules.xml.
    assert_eq!(
        warnings,
        vec![
            "(7605): It is not possible to overwrite 'if_matched_sid' value in rule '999914'. The original value is retained.",
            "(7605): It is not possible to overwrite 'if_matched_group' value in rule '999917'. The original value is retained.",
            "(7616): List 'etc/lists/black_list' could not be loaded. Rule '999918' will be ignored.",
            "(7618): Invalid 'if_sid' value: '999275|1'. Rule '999276' will be ignored.",
            "(7612) duplicated",
        ],
        "{problems:#?}"
    );
    assert_eq!(
        problems
            .iter()
            .filter(|p| p.message.starts_with("(7612)"))
            .count(),
        68
    );
    assert_eq!(tree.node_count(), 17045);
    decoded_events_fire_like_the_oracle(&tree, &lists, &decoder_id);
}

/// An event as the oracle decoded it (its `predecoder`, `decoder` and `data`).
fn event(log: &str, program: &str, decoder: (&str, u32, &[&str]), fields: &[(F, &str)]) -> Event {
    let mut e = Event {
        location: b"stdin".to_vec(),
        full_log: log.as_bytes().to_vec(),
        log: log.as_bytes().to_vec(),
        program_name: Some(program.as_bytes().to_vec()),
        hostname: b"myhost".to_vec(),
        agent_id: "000".to_string(),
        time: 1_700_000_000,
        decoder: Some(DecodedBy {
            index: 0,
            name: decoder.0.into(),
            parent: Some(decoder.0.into()),
            id: decoder.1,
            fts: decoder.2.iter().map(|s| s.to_string()).collect(),
            ftscomment: None,
            accumulate: false,
        }),
        ..Event::default()
    };
    for (f, v) in fields {
        e.set(*f, v.as_bytes().to_vec());
    }
    e
}

/// Oracle answers (`--format triple`, one session per list) for lines
/// `Dec 25 20:45:0x myhost <program>[pid]: <log>`, rebuilt as decoded events.
fn decoded_events_fire_like_the_oracle(
    tree: &RuleTree,
    lists: &Lists,
    decoder_id: &dyn Fn(&str) -> Option<u32>,
) {
    let run = |events: &[Event]| -> Vec<(u32, u32)> {
        let mut s = RuleState::new(tree);
        events
            .iter()
            .map(|e| {
                let f = evaluate(tree, lists, &mut s, &std::sync::Arc::new(e.clone()), None)
                    .expect("a rule");
                (tree.rule(f.rule).id, tree.rule(f.rule).level)
            })
            .collect()
    };
    let sshd = ("sshd", decoder_id("sshd").expect("sshd"), &[][..]);
    let failed = event(
        "Failed password for root from 1.2.3.4 port 22 ssh2",
        "sshd",
        sshd,
        &[
            (F::SrcIp, "1.2.3.4"),
            (F::SrcPort, "22"),
            (F::DstUser, "root"),
        ],
    );
    let accepted = event(
        "Accepted password for bob from 1.2.3.4 port 22 ssh2",
        "sshd",
        sshd,
        &[
            (F::SrcIp, "1.2.3.4"),
            (F::SrcPort, "22"),
            (F::DstUser, "bob"),
        ],
    );
    assert_eq!(run(&[accepted]), vec![(5715, 3)]);
    // 5763 (frequency 8, if_matched_sid 5760) on the 8th failure, not the 9th.
    let mut want = vec![(5760, 5); 7];
    want.extend([(5763, 10), (5760, 5)]);
    assert_eq!(run(&vec![failed; 9]), want);
    let mut sudo = event(
        "  bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls",
        "sudo",
        (
            "sudo",
            decoder_id("sudo").expect("sudo"),
            &["name", "srcuser", "location"],
        ),
        &[(F::SrcUser, "bob"), (F::DstUser, "root")],
    );
    for (k, v) in [
        ("tty", "pts/0"),
        ("pwd", "/home/bob"),
        ("command", "/bin/ls"),
    ] {
        sudo.dynamic.push(k.as_bytes(), v.as_bytes());
    }
    // if_fts: first time 5403, then 5402.
    assert_eq!(run(&[sudo.clone(), sudo]), vec![(5403, 4), (5402, 3)]);
}
