//! The whole corpus rule set through the rule tree, checked against what the oracle
//! (Wazuh 4.14.7 analysisd with the same files) logged when it started: "Total
//! rules enabled: '17045'" and only these warnings in `logs/ossec.log`.

use std::path::{Path, PathBuf};

use ossec_ar::analysis::ruletree;
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
}
