//! Lists: the text format, the cdb reader, every lookup kind, with own fixtures and
//! the corpus lists (docs/analysis-lists.md). Expected values follow
//! `src/analysisd/lists_make.c` and `lists_list.c` of v4.14.7.

use std::path::{Path, PathBuf};

use super::{Lists, Lookup, cdb, list_names, parse_text};
use crate::pattern::{Engine, Expression};

fn parse(text: &str) -> Vec<(String, String)> {
    parse_text(text.as_bytes())
        .into_iter()
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn text_lines_as_lists_make_reads_them() {
    let text = concat!(
        "a:1\n",
        "1.2.3.4\n",           // no ':' -> ignored
        "10.0.0.:net\r\n",     // cut at CR
        " spaced : value \n",  // nothing trimmed
        "# comment:yes\n",     // no comments
        "\"k:q\":after\n",     // quoted key holding ':'
        "\"k2\" junk:v\n",     // text between the quote and ':' is lost
        "x:\"quoted\" tail\n", // quoted value
        "y:pre\"in\"post\n",   // text before the first quote is lost
        "z:\"open\n",          // a single quote in the value drops the line
        "\"open:v\n",          // a single quote in the key drops the line
        "w:\"a\":b\n",         // ':' before the quote: plain key
        "empty:\n",
        ":novalue\n",
        "multi:a:b\n",
    );
    assert_eq!(
        parse(text),
        kv(&[
            ("a", "1"),
            ("10.0.0.", "net"),
            (" spaced ", " value "),
            ("# comment", "yes"),
            ("k:q", "after"),
            ("k2", "v"),
            ("x", "quoted"),
            ("y", "in"),
            ("w", "a"),
            ("empty", ""),
            ("", "novalue"),
            ("multi", "a:b"),
        ])
    );
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

fn load(dir: &Path, name: &str, text: &str) -> Lists {
    let file = write(dir, name, text.as_bytes());
    let (lists, problems) = Lists::load(&[(format!("etc/lists/{name}"), file)]);
    assert!(problems.is_empty(), "{problems:?}");
    lists
}

fn osmatch(p: &str) -> Expression {
    Expression::compile(Engine::OsMatch, p).expect("compiles")
}

#[test]
fn string_lookups_and_first_duplicate_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lists = load(dir.path(), "users", "root:admin\nbob:user\nroot:other\n");
    let i = lists.find("etc/lists/users").expect("found");
    assert!(lists.lookup(i, Lookup::MatchKey, b"root", None));
    assert!(!lists.lookup(i, Lookup::MatchKey, b"ROOT", None));
    assert!(!lists.lookup(i, Lookup::MatchKey, b"roo", None));
    assert!(lists.lookup(i, Lookup::NotMatchKey, b"alice", None));
    assert!(!lists.lookup(i, Lookup::NotMatchKey, b"bob", None));
    let admin = osmatch("admin");
    assert!(lists.lookup(i, Lookup::MatchKeyValue, b"root", Some(&admin)));
    // The first `root` line wins: its value is not `other`.
    assert!(!lists.lookup(i, Lookup::MatchKeyValue, b"root", Some(&osmatch("other"))));
    // OSMatch is case-insensitive; without check_value it is never true.
    assert!(lists.lookup(i, Lookup::MatchKeyValue, b"root", Some(&osmatch("ADM"))));
    assert!(!lists.lookup(i, Lookup::MatchKeyValue, b"root", None));
    assert!(!lists.lookup(i, Lookup::MatchKeyValue, b"nobody", Some(&admin)));
}

#[test]
fn address_lookups_drop_bytes_to_a_dot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lists = load(
        dir.path(),
        "nets",
        "10.1.:lan\n192.168.1.7:host\n172.:big\n",
    );
    let i = lists.find("etc/lists/nets").expect("found");
    assert!(lists.lookup(i, Lookup::AddressMatchKey, b"10.1.2.3", None));
    assert!(lists.lookup(i, Lookup::AddressMatchKey, b"192.168.1.7", None));
    assert!(!lists.lookup(i, Lookup::AddressMatchKey, b"192.168.1.70", None));
    assert!(lists.lookup(i, Lookup::AddressMatchKey, b"172.16.0.1", None));
    assert!(!lists.lookup(i, Lookup::AddressMatchKey, b"10.10.2.3", None));
    assert!(lists.lookup(i, Lookup::NotAddressMatchKey, b"10.10.2.3", None));
    assert!(!lists.lookup(i, Lookup::NotAddressMatchKey, b"10.1.9.9", None));
    // Exact string lookups do not drop bytes.
    assert!(!lists.lookup(i, Lookup::MatchKey, b"10.1.2.3", None));
}

#[test]
fn address_match_key_value_is_inverted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lists = load(dir.path(), "nets", "10.1.:lan\n");
    let i = lists.find("etc/lists/nets").expect("found");
    let lan = osmatch("lan");
    // Found and matching -> false; anything else -> true.
    assert!(!lists.lookup(i, Lookup::AddressMatchKeyValue, b"10.1.2.3", Some(&lan)));
    assert!(lists.lookup(
        i,
        Lookup::AddressMatchKeyValue,
        b"10.1.2.3",
        Some(&osmatch("wan"))
    ));
    assert!(lists.lookup(i, Lookup::AddressMatchKeyValue, b"11.1.2.3", Some(&lan)));
    assert!(lists.lookup(i, Lookup::AddressMatchKeyValue, b"10.1.2.3", None));
}

#[test]
fn names_rules_compare_with() {
    assert_eq!(
        list_names("etc/lists/audit-keys"),
        (
            "etc/lists/audit-keys".to_string(),
            "etc/lists/audit-keys.cdb".to_string()
        )
    );
    assert_eq!(
        list_names("mylist.cdb"),
        (
            "ruleset/rules/mylist".to_string(),
            "ruleset/rules/mylist.cdb".to_string()
        )
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let lists = load(dir.path(), "k", "a:b\n");
    assert_eq!(lists.find("etc/lists/k"), Some(0));
    assert_eq!(lists.find("etc/lists/k.cdb"), Some(0));
    assert_eq!(lists.find("etc/lists/k "), None);
    assert_eq!(lists.find("etc/lists/K"), None);
}

#[test]
fn a_missing_text_file_is_a_warning_and_no_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (lists, problems) = Lists::load(&[("etc/lists/none".to_string(), dir.path().join("none"))]);
    assert!(lists.lists().is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].severity, crate::model::Severity::Warning);
}

#[test]
fn a_newer_cdb_is_read_instead_of_the_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = write(dir.path(), "k", b"a:from-text\n");
    let data = cdb::make(&[(b"a", b"from-cdb"), (b"b", b"2"), (b"a", b"dup")]);
    assert_eq!(cdb::find(&data, b"a"), Some(&b"from-cdb"[..]));
    assert_eq!(cdb::find(&data, b"b"), Some(&b"2"[..]));
    assert_eq!(cdb::find(&data, b"c"), None);
    write(dir.path(), "k.cdb", &data);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&text)
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    let (lists, _) = Lists::load(&[("etc/lists/k".to_string(), text)]);
    let m = osmatch("^from-cdb$");
    assert!(lists.lookup(0, Lookup::MatchKeyValue, b"a", Some(&m)));
    assert!(lists.lookup(0, Lookup::MatchKey, b"b", None));
}

fn corpus_lists() -> Option<PathBuf> {
    crate::testing::corpus("wazuh/ruleset/lists")
}

#[test]
fn corpus_lists_load_and_answer() {
    let Some(dir) = corpus_lists() else { return };
    let configured: Vec<(String, PathBuf)> = [
        ("etc/lists/audit-keys", "audit-keys"),
        ("etc/lists/amazon/aws-eventnames", "amazon/aws-eventnames"),
        ("etc/lists/security-eventchannel", "security-eventchannel"),
        (
            "etc/lists/malicious-ioc/malicious-ip",
            "malicious-ioc/malicious-ip",
        ),
    ]
    .iter()
    .map(|(c, f)| (c.to_string(), dir.join(f)))
    .collect();
    let (lists, problems) = Lists::load(&configured);
    assert!(problems.is_empty(), "{problems:?}");
    let audit = lists.find("etc/lists/audit-keys").expect("audit-keys");
    // Rule 80790-style lookups: `match_key_value` with `check_value="write"`.
    let write = osmatch("write");
    assert!(lists.lookup(audit, Lookup::MatchKeyValue, b"audit-wazuh-w", Some(&write)));
    assert!(!lists.lookup(audit, Lookup::MatchKeyValue, b"audit-wazuh-r", Some(&write)));
    let aws = lists.find("etc/lists/amazon/aws-eventnames").expect("aws");
    // The TEMPLATE line is an ordinary key (no comments).
    assert!(lists.lookup(aws, Lookup::MatchKey, b"TEMPLATE", None));
    assert!(lists.lookup(aws, Lookup::MatchKey, b"PutScalingPolicy", None));
    let ip = lists
        .find("etc/lists/malicious-ioc/malicious-ip")
        .expect("ip");
    assert!(lists.lookup(ip, Lookup::MatchKey, b"196.251.85.62", None));
    assert!(!lists.lookup(ip, Lookup::MatchKey, b"196.251.85.6", None));
    let ev = lists.find("etc/lists/security-eventchannel").expect("ev");
    assert!(lists.lookup(ev, Lookup::MatchKey, b"200", None));
}

#[test]
fn hostile_text_does_not_panic() {
    let mut long = vec![b'k'; 200_000];
    long.extend_from_slice(b":v\n\"\n:\n\"\"\n\0:x\n");
    let records = parse_text(&long);
    // A 200000-byte line is read in 65534-byte pieces; only the last holds the ':'.
    assert_eq!(
        records.first().map(|r| r.0.len()),
        Some(200_000 - 3 * 65534)
    );
}

/// The oracle's answers (wazuh-analysisd 4.14.7 with the shipped lists): a rule per
/// lookup kind on a decoded field, fired or not.
#[test]
fn oracle_answers_for_the_corpus_lists() {
    let Some(dir) = corpus_lists() else { return };
    let configured = vec![
        ("etc/lists/audit-keys".to_string(), dir.join("audit-keys")),
        (
            "etc/lists/malicious-ioc/malicious-ip".to_string(),
            dir.join("malicious-ioc/malicious-ip"),
        ),
    ];
    let (lists, problems) = Lists::load(&configured);
    assert!(problems.is_empty(), "{problems:?}");
    let audit = lists
        .find("etc/lists/audit-keys.cdb")
        .expect("audit by .cdb name");
    let ip = lists
        .find("etc/lists/malicious-ioc/malicious-ip")
        .expect("ip");
    assert_eq!(lists.find("etc/lists/audit-keys "), None);
    let write = osmatch("write");
    let table: &[(usize, Lookup, Option<&Expression>, &str, bool)] = &[
        (audit, Lookup::MatchKey, None, "audit-wazuh-w", true),
        (audit, Lookup::MatchKey, None, "audit-wazuh-W", false),
        (audit, Lookup::NotMatchKey, None, "xyz", true),
        (audit, Lookup::NotMatchKey, None, "audit-wazuh-w", false),
        (
            audit,
            Lookup::MatchKeyValue,
            Some(&write),
            "audit-wazuh-w",
            true,
        ),
        (
            audit,
            Lookup::MatchKeyValue,
            Some(&write),
            "audit-wazuh-r",
            false,
        ),
        (audit, Lookup::MatchKeyValue, None, "audit-wazuh-w", false),
        (ip, Lookup::AddressMatchKey, None, "196.251.85.62", true),
        (ip, Lookup::AddressMatchKey, None, "196.251.85.6", false),
        (ip, Lookup::NotAddressMatchKey, None, "1.2.3.4", true),
        (ip, Lookup::NotAddressMatchKey, None, "196.251.85.62", false),
        (
            audit,
            Lookup::AddressMatchKeyValue,
            Some(&write),
            "audit-wazuh-w",
            false,
        ),
        (
            audit,
            Lookup::AddressMatchKeyValue,
            Some(&write),
            "audit-wazuh-r",
            true,
        ),
        (
            audit,
            Lookup::AddressMatchKeyValue,
            Some(&write),
            "nokey",
            true,
        ),
        (
            audit,
            Lookup::AddressMatchKeyValue,
            None,
            "audit-wazuh-w",
            true,
        ),
    ];
    for (list, lookup, check, key, want) in table {
        assert_eq!(
            lists.lookup(*list, *lookup, key.as_bytes(), *check),
            *want,
            "{lookup:?} {key}"
        );
    }
}

#[test]
fn a_configured_cdb_path_reads_the_text_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "k", b"a:1\n");
    let (lists, problems) =
        Lists::load(&[("etc/lists/k.cdb".to_string(), dir.path().join("k.cdb"))]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(lists.find("etc/lists/k"), Some(0));
    assert!(lists.lookup(0, Lookup::MatchKey, b"a", None));
}
