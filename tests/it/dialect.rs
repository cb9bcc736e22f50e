//! Dialect parity: one fixture per construct of docs/wazuh-config.md §8.1
//! (accepted although strict XML rejects it), §8.2 (rejected although XML accepts it)
//! and §8.3; each asserts Wazuh's verdict, and for rejections its message and line.

use std::path::Path;

use ossec_ar::xml::{Document, parse};

fn fixture(name: &str) -> (String, Document) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dialect")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let doc = parse(&text);
    assert_eq!(doc.emit(), text, "{name}: round trip");
    (text, doc)
}

fn accepted(name: &str) -> Document {
    let (_, doc) = fixture(name);
    assert!(
        doc.errors().is_empty(),
        "{name}: Wazuh accepts it, we say {:?}",
        doc.errors()
    );
    doc
}

/// The first error, as os_xml words it, and its line.
fn rejected(name: &str, message: &str, line: usize) {
    let (_, doc) = fixture(name);
    let first = doc
        .errors()
        .first()
        .unwrap_or_else(|| panic!("{name}: Wazuh rejects it, we accept"));
    assert_eq!(first.message, message, "{name}");
    assert_eq!(doc.line_col(first.offset).0, line, "{name}: line");
}

/// The value of the first element named `name` anywhere in the document.
fn value_of(doc: &Document, name: &str) -> String {
    let (id, _) = doc
        .elements()
        .find(|(id, _)| doc.name(*id) == name)
        .expect("element");
    doc.value(id)
}

#[test]
fn multiple_roots_are_read_in_order() {
    let doc = accepted("ok-multiple-roots.conf");
    let names: Vec<&str> = doc.roots().map(|r| doc.name(r)).collect();
    assert_eq!(names, ["ossec_config", "ossec_config"]);
}

#[test]
fn text_bom_and_fences_outside_roots_are_skipped() {
    let doc = accepted("ok-text-outside-roots.conf");
    assert_eq!(doc.roots().count(), 1);
    assert_eq!(value_of(&doc, "a"), "1");
}

#[test]
fn entities_are_never_decoded_and_raw_ampersand_is_fine() {
    let doc = accepted("ok-raw-ampersand-no-entities.conf");
    assert_eq!(value_of(&doc, "a"), "x &amp; y & z &#65;");
}

#[test]
fn backslash_lt_is_text_with_its_backslash() {
    let doc = accepted("ok-backslash-escape.conf");
    assert_eq!(value_of(&doc, "a"), "C:\\Users\\<USER_NAME>\\Downloads");
    assert_eq!(doc.elements().count(), 2, "no phantom <USER_NAME> element");
}

#[test]
fn double_backslash_cancels_itself_before_an_end_tag() {
    let doc = accepted("ok-double-backslash.conf");
    assert_eq!(value_of(&doc, "a"), "C:\\\\");
}

#[test]
fn double_dash_inside_a_comment_is_fine() {
    accepted("ok-dashes-in-comment.conf");
}

#[test]
fn bang_comment_form_is_a_comment() {
    let doc = accepted("ok-bang-comment.conf");
    assert_eq!(doc.roots().count(), 1);
}

#[test]
fn comments_inside_text_are_removed_from_the_value() {
    let doc = accepted("ok-comment-inside-text.conf");
    assert_eq!(value_of(&doc, "a"), "ab");
}

#[test]
fn names_may_start_with_digits_and_hold_colon_dot_dash() {
    let doc = accepted("ok-odd-names.conf");
    assert_eq!(value_of(&doc, "x:y.z-w"), "v");
}

#[test]
fn gt_in_text_is_literal() {
    let doc = accepted("ok-gt-in-text.conf");
    assert_eq!(value_of(&doc, "a"), "1 > 0 --> 2");
}

#[test]
fn single_quotes_and_space_after_equals() {
    let doc = accepted("ok-single-quotes-space-after-eq.conf");
    let (id, _) = doc
        .elements()
        .find(|(id, _)| doc.name(*id) == "a")
        .expect("a");
    assert_eq!(doc.attr(id, "x"), Some("v"));
    assert_eq!(doc.attr(id, "y"), Some("w"));
}

#[test]
fn tab_cr_lf_separate_attributes() {
    let doc = accepted("ok-tab-cr-lf-separators.conf");
    let (id, _) = doc
        .elements()
        .find(|(id, _)| doc.name(*id) == "a")
        .expect("a");
    assert_eq!(doc.attr(id, "y"), Some("2"));
}

#[test]
fn empty_and_comment_only_files_have_no_roots() {
    assert_eq!(accepted("ok-empty.conf").roots().count(), 0);
    assert_eq!(accepted("ok-comment-only.conf").roots().count(), 0);
}

#[test]
fn text_is_kept_byte_for_byte_with_whitespace() {
    let doc = accepted("ok-whitespace-kept.conf");
    assert_eq!(value_of(&doc, "disabled"), " yes\n");
}

#[test]
fn self_closed_elements_have_empty_content() {
    let doc = accepted("ok-self-closed.conf");
    assert_eq!(value_of(&doc, "a"), "");
    assert_eq!(value_of(&doc, "b"), "");
}

#[test]
fn mixed_content_keeps_only_text_after_the_last_child() {
    let doc = accepted("ok-mixed-content.conf");
    assert_eq!(value_of(&doc, "a"), "after");
}

#[test]
fn xml_declaration_is_rejected() {
    rejected(
        "ko-xml-declaration.conf",
        "XMLERR: Bad attribute closing for 'encoding'='UTF-8'.",
        1,
    );
}

#[test]
fn processing_instruction_is_rejected() {
    rejected(
        "ko-processing-instruction.conf",
        "XMLERR: Attribute '?' has no value.",
        3,
    );
}

#[test]
fn end_tag_with_space_is_rejected() {
    rejected(
        "ko-space-in-end-tag.conf",
        "XMLERR: Element 'a' not closed.",
        2,
    );
}

#[test]
fn end_tag_in_other_case_is_rejected() {
    rejected("ko-end-tag-case.conf", "XMLERR: Element 'a' not closed.", 2);
}

#[test]
fn space_before_equals_is_rejected() {
    rejected(
        "ko-space-before-eq.conf",
        "XMLERR: Attribute 'y' has no value.",
        2,
    );
}

#[test]
fn gt_inside_attribute_value_is_rejected() {
    rejected(
        "ko-gt-in-attribute.conf",
        "XMLERR: Attribute 'x' not closed.",
        2,
    );
}

#[test]
fn doctype_and_cdata_are_unclosed_comments() {
    rejected("ko-doctype.conf", "XMLERR: Comment not closed.", 4);
    rejected("ko-cdata.conf", "XMLERR: Comment not closed.", 4);
}

#[test]
fn trailing_backslash_escapes_the_end_tag() {
    rejected(
        "ko-trailing-backslash.conf",
        "XMLERR: Element 'a' not closed.",
        3,
    );
}

#[test]
fn raw_lt_in_text_starts_a_tag() {
    rejected(
        "ko-raw-lt-in-text.conf",
        "XMLERR: Attribute '2<' has no value.",
        2,
    );
}

#[test]
fn unquoted_attribute_value_is_rejected() {
    rejected(
        "ko-unquoted-attribute.conf",
        "XMLERR: Attribute 'x' not followed by a \" or '.",
        2,
    );
}

#[test]
fn duplicate_attribute_is_rejected() {
    rejected(
        "ko-duplicate-attribute.conf",
        "XMLERR: Attribute 'x' already defined.",
        2,
    );
}

#[test]
fn end_tag_without_open_element_is_rejected() {
    rejected(
        "ko-end-tag-not-opened.conf",
        "XMLERR: Element not opened.",
        3,
    );
}

#[test]
fn end_of_file_inside_an_element_is_rejected() {
    rejected(
        "ko-eof-in-element.conf",
        "XMLERR: End of file and some elements were not closed.",
        3,
    );
}

#[test]
fn attributes_without_space_between_are_rejected() {
    rejected(
        "ko-no-space-between-attributes.conf",
        "XMLERR: Bad attribute closing for 'x'='1'.",
        2,
    );
}

#[test]
fn text_over_20480_bytes_overflows() {
    rejected("ko-string-overflow.conf", "XMLERR: String overflow.", 2);
}

#[test]
fn nesting_deeper_than_1024_is_rejected() {
    let (_, doc) = fixture("ko-max-recursion.conf");
    let first = doc.errors().first().expect("rejected");
    assert!(first.message.contains("recursion"), "{}", first.message);
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let text = "<ossec_config>\n  <a>1</a >\n  <b x=1>2</b>\n</ossec_config>\n";
    let doc = parse(text);
    let lines: Vec<usize> = doc
        .errors()
        .iter()
        .map(|e| doc.line_col(e.offset).0)
        .collect();
    assert_eq!(lines, [2, 3], "{:?}", doc.errors());
    assert_eq!(doc.emit(), text);
}

#[test]
fn own_fixtures_round_trip_in_every_line_ending_style() {
    let base = "<!-- demo -->\n<ossec_config>\n  <command>\n    <name>x</name>\n  </command>\n</ossec_config>\n";
    let variants = [
        base.to_string(),
        base.replace('\n', "\r\n"),
        format!("\u{feff}{base}"),
        base.trim_end().to_string(),
        format!("\u{feff}{}", base.replace('\n', "\r\n").trim_end()),
    ];
    for text in variants {
        let doc = parse(&text);
        assert!(doc.errors().is_empty(), "{text:?}");
        assert_eq!(doc.emit(), text);
        let (id, _) = doc
            .elements()
            .find(|(id, _)| doc.name(*id) == "name")
            .expect("name");
        assert_eq!(doc.value(id), "x");
    }
}

#[test]
fn bom_does_not_shift_columns() {
    let doc = parse("\u{feff}<ossec_config>\n</ossec_config>\n");
    let root = doc.roots().next().expect("root");
    assert_eq!(doc.line_col(doc.element(root).span().start), (1, 1));
}

/// Regression: a file cut off inside a tag reported the end of file twice.
#[test]
fn end_of_file_inside_a_tag_is_reported_once() {
    let doc = parse("<ossec_config>\n  <active-response>\n    <location");
    assert_eq!(doc.errors().len(), 1, "{:?}", doc.errors());
    assert_eq!(
        doc.errors()[0].message,
        "XMLERR: End of file and some elements were not closed."
    );
}
