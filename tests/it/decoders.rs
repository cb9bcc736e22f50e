//! The shipped decoders load as analysisd loads them, and decode real lines of the
//! ruleset's own tests as the oracle (Wazuh 4.14.7 `wazuh-logtest`) does.

use std::path::{Path, PathBuf};

use ossec_ar::analysis::predecode::predecode;
use ossec_ar::analysis::{DecodeState, Event, StaticField, decode};
use ossec_ar::model::Severity;
use ossec_ar::rules::decoders::{self, DecoderSet};

use crate::support::corpus;

/// The decoder files of an installed manager running runtests.py, sorted by bare
/// file name as `Read_Rules` sorts them.
fn corpus_decoder_files(corpus: &Path) -> Vec<(PathBuf, String)> {
    let ruleset = corpus.join("wazuh/ruleset");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(ruleset.join("decoders"))
        .expect("decoders dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    paths.push(ruleset.join("local/local_decoder.xml"));
    for e in std::fs::read_dir(ruleset.join("testing/ruleset")).expect("testing ruleset") {
        let p = e.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("test_") && name.ends_with("decoders.xml") {
            paths.push(p);
        }
    }
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read decoder file");
            (p, text)
        })
        .collect()
}

fn corpus_set() -> Option<DecoderSet> {
    let corpus = corpus()?;
    let files = corpus_decoder_files(&corpus);
    let (set, problems) = decoders::load(&files);
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    Some(set)
}

#[test]
fn every_shipped_decoder_file_loads_without_error() {
    let Some(set) = corpus_set() else { return };
    assert!(set.len() > 1000, "{} decoders", set.len());
    assert!(set.id_of("json").is_some());
    assert!(set.id_of("windows_eventchannel").is_some());
}

/// The data of a decoded event as the logtest output flattens it: static fields,
/// then non-empty dynamic fields (the first of duplicate names).
fn flat_data(e: &Event) -> Vec<(String, String)> {
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let mut out: Vec<(String, String)> = StaticField::ALL
        .iter()
        .filter_map(|f| e.get(*f).map(|v| (f.name().to_string(), text(v))))
        .collect();
    for (k, v) in e.dynamic.iter() {
        let k = text(k);
        if !v.is_empty() && !out.iter().any(|(n, _)| *n == k) {
            out.push((k, text(v)));
        }
    }
    out
}

/// Fourteen lines of the ruleset tests (the first `log` of SonicWall, sshd, eset,
/// github, apache, iptables, sudo, fortigate, pfsense, cisco_asa, win_security,
/// nginx, postfix, auditd) and seven lines for the plugins (OpenBSD pf: no field at
/// all, because the pfsense children named `pf` hang under this root too and none
/// matches; Symantec; OSSEC alerts, whose rule logtest never finds), each decoded in a
/// fresh session by the oracle: its decoder name, parent, data and location are the
/// fixture. Program name and log are the oracle's pre-decoding of the line.
#[test]
fn real_lines_decode_as_the_oracle_does() {
    let Some(set) = corpus_set() else { return };
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoders_corpus_lines.json");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    assert_eq!(cases.len(), 21);
    for case in cases {
        let s = |k: &str| case[k].as_str().map(str::to_string);
        let mut e = Event {
            log: s("log").expect("log").into_bytes(),
            program_name: s("program_name").map(String::into_bytes),
            hostname: b"vm".to_vec(),
            location: b"stdin".to_vec(),
            ..Event::default()
        };
        e.full_log = e.log.clone();
        decode(&set, &mut DecodeState::default(), &mut e);
        let by = e.decoder.as_ref();
        let line = s("log").unwrap_or_default();
        assert_eq!(by.map(|d| d.name.to_string()), s("decoder"), "{line}");
        assert_eq!(
            by.and_then(|d| d.parent.as_deref().map(str::to_string)),
            s("parent"),
            "{line}"
        );
        let want: Vec<(String, String)> = case["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|kv| {
                (
                    kv[0].as_str().unwrap_or("").to_string(),
                    kv[1].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let location = String::from_utf8_lossy(&e.location).into_owned();
        assert_eq!(Some(location), s("location"), "{line}");
        let mut got = flat_data(&e);
        let mut want_sorted = want.clone();
        got.sort();
        want_sorted.sort();
        assert_eq!(got, want_sorted, "{line}");
    }
}

/// Every line of the ruleset tests (`tests/*.ini`, 1,387 distinct) was sent to the
/// oracle in one logtest session: each line with the oracle's decoder name, parent,
/// data and location is the fixture. They are pre-decoded and decoded in order with
/// one session state, as the oracle did (manager `vm`).
#[test]
fn ruleset_test_lines_decode_as_the_oracle_does() {
    use std::io::Read;
    let Some(set) = corpus_set() else { return };
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoders_ruleset_lines.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("fixture"))
        .read_to_string(&mut text)
        .expect("gzip");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    assert_eq!(cases.len(), 1387);
    let mut state = DecodeState::default();
    let mut failed = Vec::new();
    for case in &cases {
        let s = |k: &str| case[k].as_str().map(str::to_string);
        let line = s("line").expect("line");
        let mut e = predecode(b"stdin", line.as_bytes(), b"vm");
        decode(&set, &mut state, &mut e);
        let by = e.decoder.as_ref();
        let mut want: Vec<(String, String)> = case["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|kv| {
                (
                    kv[0].as_str().unwrap_or("").to_string(),
                    kv[1].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut got = flat_data(&e);
        want.sort();
        got.sort();
        if by.map(|d| d.name.to_string()) != s("decoder")
            || by.and_then(|d| d.parent.as_deref().map(str::to_string)) != s("parent")
            || Some(String::from_utf8_lossy(&e.location).into_owned()) != s("location")
            || !same_data(&got, &want)
        {
            failed.push(format!(
                "{line}\n  want {:?} {want:?}\n  got  {:?} {got:?}",
                s("decoder"),
                by.map(|d| &d.name)
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} differ:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Values inserted as JSON by the output (arrays) compare by their parsed form.
fn same_data(got: &[(String, String)], want: &[(String, String)]) -> bool {
    got.len() == want.len()
        && got.iter().zip(want).all(|((gk, gv), (wk, wv))| {
            gk == wk
                && (gv == wv
                    || serde_json::from_str::<serde_json::Value>(gv).ok()
                        == serde_json::from_str::<serde_json::Value>(wv).ok())
        })
}
