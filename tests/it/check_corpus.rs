//! The validator on real files: every configuration Wazuh ships checks without an
//! error, the verdicts agree with the daemons' own readers (the oracle columns of the
//! corpus indexes), and nothing panics on the 69 real-world files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{corpus, tsv};
use ossec_ar::model::{Config, ConfigKind, Diagnostic, Profile, Severity};
use ossec_ar::validate::check_source;
use ossec_ar::xml::parse;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("corpus files are UTF-8")
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn kind(text: &str) -> ConfigKind {
    Config::from_document(&parse(text)).kind
}

/// Asserts `text` checks with no error under Wazuh, naming the file and the errors.
fn assert_no_error(name: &str, text: &str) {
    let diags = check_source(text, Profile::Wazuh, None);
    let errs = errors(&diags);
    assert!(errs.is_empty(), "{name}: {errs:#?}");
}

/// The files Wazuh 4.14.7 installs to be used as they are: the `etc/` and
/// `src/win32/` rows of INDEX.tsv with an `<ossec_config>` or `<agent_config>` root
/// (the others are API and unit-test fixtures, or files of the 5.x line).
#[test]
fn configs_wazuh_ships_check_without_errors() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("wazuh");
    let picked: Vec<String> = tsv(&dir.join("INDEX.tsv"))
        .into_iter()
        .filter(|r| r["ref"] == "v4.14.7")
        .filter(|r| r["path"].starts_with("etc/") || r["path"].starts_with("src/win32/"))
        .filter(|r| matches!(r["root_tags"].as_str(), "ossec_config" | "agent_config"))
        .map(|r| r["file"].clone())
        .collect();
    assert_eq!(
        picked,
        [
            "etc__agent.conf",
            "etc__ossec-agent.conf",
            "etc__ossec-local.conf",
            "etc__ossec-server.conf",
            "etc__ossec.conf",
            "src__win32__ossec.conf",
        ]
    );
    for name in &picked {
        let text = read(&dir.join(name));
        assert_no_error(name, &text);
        // The Windows installer ships the CRLF conversion of the file.
        assert_no_error(&format!("{name} (CRLF)"), &text.replace('\n', "\r\n"));
    }
    // The agent files are recognised as agent configs (docs/choices.md), so their
    // `<active-response><disabled>no</disabled></active-response>` is not a 1281.
    assert_eq!(
        kind(&read(&dir.join("etc__ossec-agent.conf"))),
        ConfigKind::Agent
    );
    assert_eq!(
        kind(&read(&dir.join("src__win32__ossec.conf"))),
        ConfigKind::Agent
    );
    assert_eq!(
        kind(&read(&dir.join("etc__ossec.conf"))),
        ConfigKind::Manager
    );
}

fn template(dir: &Path, name: &str) -> String {
    read(&dir.join(format!("generic__{name}.template")))
}

/// No installer template is a whole config: they are fragments the installer pastes
/// into one `<ossec_config>` (installer-templates/README.md). Assembled that way, in
/// the README's order, the manager and agent configs check without errors.
#[test]
fn installer_templates_assembled_as_the_installer_does_check_without_errors() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("wazuh/installer-templates");
    let manager_parts = [
        "global",
        "logging",
        "alerts",
        "remote-secure",
        "rootcheck.manager",
        "wodle-syscollector",
        "syscheck.manager",
        "global-ar",
        "ar-commands",
        "ar-definitions",
        "localfile-logs__syslog-logs",
        "localfile-commands",
        "rules",
    ];
    let body: String = manager_parts.iter().map(|p| template(&dir, p)).collect();
    let manager = format!(
        "{}<ossec_config>\n{body}</ossec_config>\n",
        template(&dir, "header-comments")
    );
    assert_no_error("assembled manager config", &manager);
    // ar-commands.template defines the 7 commands of docs/wazuh-config.md §6, all read.
    assert_eq!(
        Config::from_document(&parse(&manager)).commands.len(),
        7,
        "commands of ar-commands.template"
    );
    let agent_parts = [
        "logging",
        "rootcheck.agent",
        "wodle-syscollector",
        "syscheck.agent",
        "localfile-commands",
    ];
    let body: String = agent_parts.iter().map(|p| template(&dir, p)).collect();
    let agent = format!(
        "<ossec_config>\n<client><server><address>192.0.2.1</address></server></client>\n{body}<active-response>\n<disabled>no</disabled>\n</active-response>\n</ossec_config>\n"
    );
    assert_eq!(kind(&agent), ConfigKind::Agent);
    assert_no_error("assembled agent config", &agent);
}

/// INDEX.tsv's `analysisd_ar_reader_4.14.7` column ran Wazuh's own reader on each
/// 4.14.7 file. Where it accepts, we report no error; where it refuses, we refuse for
/// the same reason, except for the files docs/choices.md reads as agent configs or shared
/// agent.conf, which analysisd never reads.
#[test]
fn wazuh_files_get_the_verdict_of_analysisd() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("wazuh");
    let rows: Vec<_> = tsv(&dir.join("INDEX.tsv"))
        .into_iter()
        .filter(|r| r["ref"] == "v4.14.7")
        .collect();
    assert_eq!(rows.len(), 56);
    for row in &rows {
        let name = &row["file"];
        let text = read(&dir.join(name));
        let diags = check_source(&text, Profile::Wazuh, None);
        let errs = errors(&diags);
        let oracle = row["analysisd_ar_reader_4.14.7"].as_str();
        let codes: Vec<&str> = errs.iter().map(|d| d.code).collect();
        if oracle.starts_with("ok") {
            assert!(
                errs.is_empty(),
                "{name}: analysisd accepts, we say {errs:#?}"
            );
        } else if oracle.contains("(1226)") {
            assert!(codes.contains(&"xml-syntax"), "{name}: {codes:?}");
        } else if oracle.contains("'agent_config'") || kind(&text) == ConfigKind::Agent {
            // Shared agent.conf, or an agent's ossec.conf: analysisd never reads it.
            assert!(errs.is_empty(), "{name}: {errs:#?}");
        } else if let Some(root) = quoted_element(oracle) {
            assert!(
                errs.iter()
                    .any(|d| d.code == "invalid-root" && d.message.contains(&format!("'{root}'"))),
                "{name}: analysisd says {oracle}, we say {errs:#?}"
            );
        } else {
            panic!("{name}: no mapping for the verdict {oracle:?}");
        }
    }
}

/// The element name in `(1230): ... '<name>'.`.
fn quoted_element(oracle: &str) -> Option<&str> {
    let rest = oracle.split("(1230)").nth(1)?;
    let start = rest.find('\'')? + 1;
    let end = start + rest[start..].find('\'')?;
    Some(&rest[start..end])
}

/// What our first error must be for an OSSEC analysisd verdict (code, text in the
/// message), or `None` to only require some xml-syntax error.
fn expected_for_ossec(oracle: &str, text: &str) -> Option<(&'static str, String)> {
    if oracle.contains("(1226)") {
        return None;
    }
    if oracle.contains("(1280)") {
        return Some(("missing-command-option", "<expect>".into()));
    }
    let name = quoted_element(oracle).unwrap_or_else(|| panic!("no mapping for {oracle:?}"));
    let doc = parse(text);
    let is_root = doc.roots().any(|r| doc.name(r) == name);
    if is_root {
        Some(("invalid-root", name.to_string()))
    } else {
        Some(("wazuh-only-section", format!("<{name}>")))
    }
}

/// PARSECHECK.tsv's `ossec_analysisd_ar_config` ran OSSEC's analysisd reader on each
/// real file. Our first error, in document order, is the one it stops at; a file it
/// accepts has no error. The same files under Wazuh only need not to panic.
#[test]
fn real_files_get_the_verdict_of_ossec_analysisd_and_never_panic() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("real");
    let rows = tsv(&dir.join("PARSECHECK.tsv"));
    assert_eq!(rows.len(), 69);
    let mut counts: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    let mut compared = 0;
    for row in &rows {
        let name = &row["file"];
        let text = read(&dir.join(name));
        for d in check_source(&text, Profile::Wazuh, None) {
            *counts.entry((d.severity.as_str(), d.code)).or_default() += 1;
        }
        let diags = check_source(&text, Profile::Ossec, None);
        let errs = errors(&diags);
        let oracle = row["ossec_analysisd_ar_config"].as_str();
        if oracle.starts_with("n/a") {
            continue;
        }
        compared += 1;
        if oracle == "ok" {
            assert!(errs.is_empty(), "{name}: OSSEC accepts, we say {errs:#?}");
            continue;
        }
        match expected_for_ossec(oracle, &text) {
            None => assert!(
                errs.iter().any(|d| d.code == "xml-syntax"),
                "{name}: {errs:#?}"
            ),
            Some((code, needle)) => {
                let first = errs
                    .first()
                    .unwrap_or_else(|| panic!("{name}: no error, OSSEC says {oracle}"));
                assert!(
                    first.code == code && first.message.contains(&needle),
                    "{name}: OSSEC says {oracle}, our first error is {first:#?}"
                );
            }
        }
    }
    assert_eq!(
        compared, 60,
        "rows with an OSSEC verdict (69 less 9 agent.conf)"
    );
    eprintln!("findings over the 69 real files (wazuh profile):");
    for ((severity, code), n) in &counts {
        eprintln!("{n:>5}  {severity:<7} {code}");
    }
}

/// Line of the finding with `code` in a corpus file, for the spot checks below.
fn lines_of(text: &str, code: &str, profile: Profile) -> Vec<usize> {
    let doc = parse(text);
    check_source(text, profile, None)
        .iter()
        .filter(|d| d.code == code)
        .map(|d| doc.line_col(d.offset).0)
        .collect()
}

/// Findings checked by hand against the files and docs/wazuh-config.md.
#[test]
fn spot_checks_on_real_files() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("real");
    // The first <active-response> of the root is host-deny with <disabled>yes</disabled>
    // (line 138): execd on the server reads it and stops (docs/wazuh-config.md §3.8).
    let whoo = read(&dir.join("whoo__docker-ossec__etc__ossec.conf"));
    assert_eq!(
        lines_of(&whoo, "disabled-stops-execd", Profile::Wazuh),
        [138]
    );
    // An agent file (it has <client>) defining commands and responses: no daemon
    // reads them there (docs/choices.md).
    let pliki = read(&dir.join("IamSoFillow__pliki__ossec.conf"));
    assert_eq!(
        lines_of(&pliki, "unread-in-agent-config", Profile::Wazuh),
        [85, 91, 98, 104]
    );
    // Wazuh-style commands without <expect> (lines 10, 16, 22; the one at line 3 has
    // it): OSSEC refuses them (1280), Wazuh does not.
    let czaraf = read(&dir.join("czaraf__wazuh__ossec.conf"));
    assert_eq!(
        lines_of(&czaraf, "missing-command-option", Profile::Ossec),
        [10, 16, 22]
    );
    assert!(lines_of(&czaraf, "missing-command-option", Profile::Wazuh).is_empty());
}
