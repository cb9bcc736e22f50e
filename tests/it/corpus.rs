//! Every corpus file: byte-identical round trip, and the same accept/reject verdict as
//! Wazuh's own reader (the oracle columns of the corpus indexes).

use crate::support::{corpus, corpus_data_files, tsv};
use ossec_ar::xml::{TokenKind, parse};

#[test]
fn every_corpus_file_round_trips_byte_for_byte() {
    let Some(corpus) = corpus() else { return };
    let files = corpus_data_files(&corpus);
    assert!(
        files.len() > 600,
        "expected the whole corpus, found {}",
        files.len()
    );
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let doc = parse(&text);
        let tokens = doc.tokens();
        let mut at = 0;
        for t in &tokens {
            assert_eq!(
                t.span.start,
                at,
                "{}: gap or overlap at byte {at}",
                path.display()
            );
            at = t.span.end;
        }
        assert_eq!(at, text.len(), "{}: tokens stop at {at}", path.display());
        assert_eq!(doc.emit(), text, "{}", path.display());
        if doc.errors().is_empty() {
            assert!(
                !tokens.iter().any(|t| t.kind == TokenKind::Junk),
                "{}: junk without an error",
                path.display()
            );
        }
    }
    eprintln!("round trip: {} corpus files identical", files.len());
}

/// Compares our first error with the oracle's text `XMLERR: … (line N)`.
fn assert_same_verdict(name: &str, text: &str, oracle: &str) {
    let doc = parse(text);
    match doc.errors().first() {
        None => assert_eq!(oracle, "ok", "{name}: we accept, Wazuh says {oracle}"),
        Some(e) => {
            let (line, _) = doc.line_col(e.offset);
            let ours = format!("{} (line {line})", e.message);
            assert!(
                oracle.ends_with(&ours),
                "{name}: we say {ours:?}, Wazuh says {oracle:?}"
            );
        }
    }
}

#[test]
fn wazuh_configs_get_the_verdict_of_wazuh_os_xml() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("wazuh");
    let rows = tsv(&dir.join("INDEX.tsv"));
    assert!(rows.len() >= 89);
    for row in &rows {
        let text = std::fs::read_to_string(dir.join(&row["file"])).expect("read");
        assert_same_verdict(&row["file"], &text, &row["wazuh_os_xml_4.14.7"]);
    }
}

#[test]
fn real_configs_get_the_verdict_of_wazuh_os_xml() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("real");
    let rows = tsv(&dir.join("PARSECHECK.tsv"));
    assert_eq!(rows.len(), 69);
    for row in &rows {
        let text = std::fs::read_to_string(dir.join(&row["file"])).expect("read");
        let oracle = row["wazuh_xml_4.14.7"].trim_start_matches("ERROR rc=-1: ");
        assert_same_verdict(&row["file"], &text, oracle);
    }
}

#[test]
fn ruleset_files_are_accepted_like_wazuh_does() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("wazuh");
    let rows = tsv(&dir.join("RULESET_PARSECHECK.tsv"));
    assert_eq!(rows.len(), 288);
    for row in &rows {
        let text = std::fs::read_to_string(dir.join(&row["file"])).expect("read");
        assert_same_verdict(&row["file"], &text, &row["wazuh_os_xml_4.14.7_with_vars"]);
    }
}
