//! The ruleset loader on the full Wazuh 4.14.7 ruleset and on the project's fixtures.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::support::corpus;
use ossec_ar::model::Severity;
use ossec_ar::rules::{self, files_in_dirs};

fn wazuh_rules_dir(corpus: &Path) -> PathBuf {
    corpus.join("wazuh/ruleset/rules")
}

/// Removes `<!-- … -->` comments by plain string search (independent of the reader).
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The `id="…"` of every `<rule ` opening, found by plain string search.
fn rule_ids(text: &str) -> Vec<String> {
    let text = without_comments(text);
    text.match_indices("<rule ")
        .map(|(at, _)| {
            let tag = &text[at..at + text[at..].find('>').expect("tag end")];
            let from = tag.find("id=\"").expect("id attribute") + 4;
            tag[from..from + tag[from..].find('"').expect("quote")].to_string()
        })
        .collect()
}

#[test]
fn full_wazuh_ruleset_loads_without_error_and_counts_match() {
    let Some(corpus) = corpus() else { return };
    let dir = wazuh_rules_dir(&corpus);
    let found = files_in_dirs(std::slice::from_ref(&dir), &[]);
    assert_eq!(
        found.files.len(),
        168,
        "docs/wazuh-config.md §7.1: 168 rule files"
    );
    let loaded = rules::load(&found.files);
    let errors: Vec<_> = loaded
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // Independent count: `<rule ` openings outside comments, minus ids already seen
    // (duplicates are skipped by analysisd).
    let (mut openings, mut seen, mut duplicates) = (0, HashSet::new(), 0);
    for path in &found.files {
        let text = std::fs::read_to_string(path).expect("read rule file");
        for id in rule_ids(&text) {
            openings += 1;
            if !seen.insert(id) {
                duplicates += 1;
            }
        }
    }
    assert_eq!(
        openings, 4512,
        "docs/wazuh-config.md §7.1 counts 4,512 <rule> elements"
    );
    assert_eq!(loaded.rules.len(), openings - duplicates);
    eprintln!(
        "loaded {} rules from {} files ({} problems)",
        loaded.rules.len(),
        found.files.len(),
        loaded.problems.len()
    );
}

#[test]
fn group_strings_of_rules_picked_by_hand() {
    let Some(corpus) = corpus() else { return };
    let dir = wazuh_rules_dir(&corpus);
    let loaded = rules::load(&files_in_dirs(&[dir], &[]).files);
    let group = |id: u32| {
        loaded
            .rules
            .get(id)
            .unwrap_or_else(|| panic!("rule {id} loaded"))
            .group
            .clone()
    };
    // 0935-cloudflare-waf_rules.xml: <group name="WAF, Cloudflare"> + <group>gpg13_4.3</group>
    // (docs/wazuh-config.md §4.5: no separator is added).
    assert_eq!(group(92508), "WAF, Cloudflaregpg13_4.3");
    // 0095-sshd_rules.xml line 9 group name, rule 5712's <group> child (line 116).
    assert_eq!(
        group(5712),
        "syslog,sshd,authentication_failures,gdpr_IV_35.7.d,gdpr_IV_32.2,hipaa_164.312.b,nist_800_53_SI.4,nist_800_53_AU.14,nist_800_53_AC.7,pci_dss_11.4,pci_dss_10.2.4,pci_dss_10.2.5,tsc_CC6.1,tsc_CC6.8,tsc_CC7.2,tsc_CC7.3,"
    );
    // 0715-freepbx_rules.xml: name without a trailing comma, no <group> child.
    assert_eq!(group(70001), "freepbx");
    // 0955-WEF-baseline_rules.xml: a space after the comma is kept.
    assert_eq!(group(67011), "windows, WEF");
    // 0015-ossec_rules.xml: the AR notification rule of docs/wazuh-config.md §10 pitfall 16.
    assert_eq!(
        group(657),
        "ossec,active_response,pci_dss_11.4,gdpr_IV_35.7.d,nist_800_53_SI.4,tsc_CC6.1,tsc_CC6.8,tsc_CC7.2,tsc_CC7.3,tsc_CC7.4,"
    );
    // 0245-web_rules.xml 31151: two <description> children are concatenated.
    let r = loaded.rules.get(31151).expect("31151");
    assert_eq!(
        r.description,
        "Multiple web server 400 error codes from same source ip."
    );
    assert_eq!((r.level, r.if_sid.as_deref()), (10, None));
    let origin = r.origin;
    assert!(loaded.rules.file(origin).ends_with("0245-web_rules.xml"));
    assert_eq!(origin.line, 173);
}

#[test]
fn rule_exclude_removes_the_policy_file() {
    let Some(corpus) = corpus() else { return };
    let dir = wazuh_rules_dir(&corpus);
    let all = files_in_dirs(std::slice::from_ref(&dir), &[]);
    let some = files_in_dirs(&[dir], &["0215-policy_rules.xml".to_string()]);
    assert_eq!(some.files.len(), all.files.len() - 1);
    assert!(
        !some
            .files
            .iter()
            .any(|p| p.ends_with("0215-policy_rules.xml"))
    );
}

#[test]
fn fixture_rules_report_problems_with_file_line_and_column() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/broken");
    let found = files_in_dirs(&[dir], &[]);
    let loaded = rules::load(&found.files);
    let text: Vec<String> = loaded
        .problems
        .iter()
        .map(|p| {
            let name = p.file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let (l, c) = p.position.unwrap_or((0, 0));
            format!("{name}:{l}:{c}:{}", p.severity.as_str())
        })
        .collect();
    // Worked out by reading tests/fixtures/rules/broken/: level 17 (line 8) and an
    // unknown attribute (line 13) of the first file, duplicate id 100001 at line 7 of
    // the second.
    assert_eq!(
        text,
        [
            "0900-broken_rules.xml:8:3:error",
            "0900-broken_rules.xml:13:3:error",
            "0990-duplicate_rules.xml:7:3:warning",
        ]
    );
    // The duplicate is skipped: the first definition (level 5) stays.
    assert_eq!(loaded.rules.get(100001).map(|r| r.level), Some(5));
    // The broken file still yields its good rules.
    assert!(loaded.rules.get(100002).is_some());
}
