//! Wazuh's own ruleset test suite through `ossec-ar ruletest`, on a manager home laid
//! out as Wazuh's `runtests.py` lays it out (docs/analysis.md "The ruleset test
//! suite"): the shipped ruleset with rule 60000 patched to read JSON, the test rules
//! and decoders in `etc/`, the lists in `etc/lists`.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `<ruleset>` (and `<alerts>`) of the manager config the installer writes.
const OSSEC_CONF: &str = "<ossec_config>
  <alerts>
    <log_alert_level>3</log_alert_level>
    <email_alert_level>12</email_alert_level>
  </alerts>
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
</ossec_config>
";

/// A manager home in a temporary directory, made of links to the corpus (and one
/// patched copy of `0575-win-base_rules.xml`).
pub(crate) fn test_manager_home(corpus: &Path) -> tempfile::TempDir {
    let rs = corpus.join("wazuh/ruleset");
    let home = tempfile::tempdir().expect("temp dir");
    let h = home.path();
    for d in ["etc/rules", "etc/decoders", "ruleset/rules"] {
        std::fs::create_dir_all(h.join(d)).expect("mkdir");
    }
    std::fs::write(h.join("etc/ossec.conf"), OSSEC_CONF).expect("write conf");
    symlink(rs.join("decoders"), h.join("ruleset/decoders")).expect("link");
    symlink(rs.join("lists"), h.join("etc/lists")).expect("link");
    for f in files(&rs.join("rules")) {
        let name = f.file_name().expect("name");
        if name == "0575-win-base_rules.xml" {
            let text = std::fs::read_to_string(&f).expect("read 0575");
            std::fs::write(h.join("ruleset/rules").join(name), patch_60000(&text)).expect("write");
        } else {
            symlink(&f, h.join("ruleset/rules").join(name)).expect("link");
        }
    }
    symlink(
        rs.join("local/local_rules.xml"),
        h.join("etc/rules/local_rules.xml"),
    )
    .expect("link");
    symlink(
        rs.join("local/local_decoder.xml"),
        h.join("etc/decoders/local_decoder.xml"),
    )
    .expect("link");
    for f in files(&rs.join("testing/ruleset")) {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let dir = if name.ends_with("rules.xml") {
            "etc/rules"
        } else {
            "etc/decoders"
        };
        symlink(&f, h.join(dir).join(&name)).expect("link");
    }
    home
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

/// `runtests.py`'s change to rule 60000: its `<category>` and `<decoded_as>` go,
/// `<decoded_as>json</decoded_as>` comes.
fn patch_60000(text: &str) -> String {
    let start = text.find("<rule id=\"60000\"").expect("rule 60000");
    let end = start + text[start..].find("</rule>").expect("end of 60000");
    let body = text[start..end]
        .replace("<category>ossec</category>", "")
        .replace(
            "<decoded_as>windows_eventchannel</decoded_as>",
            "<decoded_as>json</decoded_as>",
        );
    format!("{}{}{}", &text[..start], body, &text[end..])
}

#[test]
fn the_rule_60000_patch_is_what_runtests_does() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let text = std::fs::read_to_string(corpus.join("wazuh/ruleset/rules/0575-win-base_rules.xml"))
        .expect("read");
    let patched = patch_60000(&text);
    let rule = &patched[patched.find("id=\"60000\"").expect("60000")..];
    let rule = &rule[..rule.find("</rule>").expect("end")];
    assert!(rule.contains("<decoded_as>json</decoded_as>"));
    assert!(!rule.contains("category"));
    assert!(!rule.contains("windows_eventchannel"));
    assert_eq!(
        patched.len(),
        text.len() - "<category>ossec</category>".len() - "windows_eventchannel".len()
            + "json".len()
    );
}

#[test]
fn every_case_of_wazuhs_ruleset_test_suite_passes() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let home = test_manager_home(&corpus);
    let tests = corpus.join("wazuh/ruleset/testing/tests");
    let out = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .arg("ruletest")
        .arg("--ossec-home")
        .arg(home.path())
        .arg("--format")
        .arg("json")
        .arg(&tests)
        .output()
        .expect("run ruletest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let failures: Vec<String> = lines
        .iter()
        .filter(|v| v["passed"] == false)
        .map(|v| {
            format!(
                "{} [{}] {}: expected {} got {}",
                v["file"], v["section"], v["key"], v["expected"], v["got"]
            )
        })
        .collect();
    let total = lines.last().expect("summary line");
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The count `runtests.py` finds in these 72 files (Python's configparser, read
    // the way the runner reads them): 1,356 cases.
    assert_eq!(total["passed"], 1356, "{total}");
    assert_eq!(total["failed"], 0);
    assert_eq!(out.status.code(), Some(0));
}
