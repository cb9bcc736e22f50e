//! Issue 13: files that are not UTF-8 (a Latin-1 comment) open, check, take an edit
//! and save with every other byte unchanged (docs/bytes.md), through the binary and
//! through the load and save functions the front ends call.

use std::fs;

use proptest::prelude::*;

use crate::cli_edit::{Case, err, out};

/// A Latin-1 file: `ó` and `é` as single bytes 0xF3 and 0xE9.
const LATIN1: &[u8] = b"<!-- Configuraci\xf3n del servidor, caf\xe9 -->
<ossec_config>
  <command>
    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <active-response>
    <!-- bloqueo r\xe1pido -->
    <command>host-deny</command>
    <location>local</location>
    <level>10</level>
    <timeout>600</timeout>
  </active-response>
</ossec_config>
";

fn latin1_case() -> Case {
    let c = Case::with("");
    fs::write(&c.path, LATIN1).expect("write");
    c
}

fn replaced(from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = LATIN1
        .windows(from.len())
        .position(|w| w == from)
        .expect("present");
    [&LATIN1[..at], to, &LATIN1[at + from.len()..]].concat()
}

#[test]
fn a_latin1_file_checks_lists_and_takes_a_set_with_every_other_byte_kept() {
    let c = latin1_case();
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(out(&o).ends_with("0 errors, 0 warnings, 0 notes (manager config, wazuh profile)\n"));
    let o = c.run(&["list"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("response #1   host-deny -> local level>=10 timeout=600"));
    let o = c.run(
        &["set"],
        &["response:1", "level=12", "--no-backup", "--diff"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let on_disk = fs::read(&c.path).expect("read");
    assert_eq!(on_disk, replaced(b"<level>10<", b"<level>12<"));
    // The diff holds the file's own bytes (a context line with 0xE1), for `patch`.
    assert!(
        o.stdout.windows(7).any(|w| w == b"r\xe1pido "),
        "{}",
        out(&o)
    );
}

#[test]
fn a_latin1_byte_in_a_value_is_reported_with_the_column_of_the_file() {
    let c = Case::with("");
    fs::write(&c.path, replaced(b"<level>10<", b"<level>\xe9<")).expect("write");
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(
        text.contains("ossec.conf:12:5: error[invalid-level]: level '\\xE9' is not a number"),
        "{text}"
    );
    assert!(
        text.contains("12 |     <level>\\xE9</level>\n   |     ^\n"),
        "{text}"
    );
}

#[test]
fn binary_files_with_nul_bytes_are_still_refused() {
    let c = Case::with("");
    fs::write(&c.path, b"\x00\xff\xfe<ossec_config/>").expect("write");
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("not a text file"), "{}", err(&o));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any bytes without NUL: read as the front ends read them, re-emitted by the
    /// reader, and saved with an appended comment, the file is its old bytes plus the
    /// comment.
    #[test]
    fn any_bytes_load_and_save_unchanged(mut bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        bytes.retain(|&b| b != 0);
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("ossec.conf");
        fs::write(&path, &bytes).expect("write");
        let text = ossec_ar::load::read_text(&path).expect("read");
        let doc = ossec_ar::xml::parse(&text);
        let emitted: String = doc.tokens().iter().map(|t| &text[t.span.clone()]).collect();
        prop_assert_eq!(&emitted, &text);
        let edited = format!("{text}<!-- x -->");
        let opts = ossec_ar::save::SaveOptions { no_backup: true, ..Default::default() };
        ossec_ar::save::save(&path, &text, &edited, &opts).expect("save");
        let mut expected = bytes.clone();
        expected.extend_from_slice(b"<!-- x -->");
        prop_assert_eq!(fs::read(&path).expect("read"), expected);
    }
}

#[test]
fn restore_puts_a_latin1_file_back_byte_for_byte() {
    let c = latin1_case();
    let o = c.run(&["set"], &["response:1", "timeout=60"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_ne!(fs::read(&c.path).expect("read"), LATIN1);
    let o = c.run(&["restore"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(fs::read(&c.path).expect("read"), LATIN1);
}
