//! Tests of the reader (`parse.rs`): no byte lost whatever the input, and the
//! daemon's limits.

mod identity {
    use super::super::parse::parse;
    use super::super::tree::Item;
    use proptest::prelude::*;

    /// Strings built from the characters that drive the reader's state machine.
    fn dialect_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<a>"),
            Just("</a>"),
            Just("<b x=\"1\">"),
            Just("</b>"),
            Just("<c/>"),
            Just("<!--"),
            Just("-->"),
            Just("<!"),
            Just("!>"),
            Just("\\"),
            Just("<"),
            Just(">"),
            Just("&amp;"),
            Just("="),
            Just("'"),
            Just("\""),
            Just(" "),
            Just("\r\n"),
            Just("\n"),
            Just("\u{feff}"),
            Just("é"),
            Just("text"),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        /// Whatever the input, every byte belongs to exactly one token, in order, and
        /// the reader neither panics nor loses a byte.
        #[test]
        fn parse_then_emit_is_identity(text in dialect_text()) {
            let doc = parse(&text);
            let mut at = 0;
            for t in doc.tokens() {
                prop_assert_eq!(t.span.start, at);
                at = t.span.end;
            }
            prop_assert_eq!(at, text.len());
            prop_assert_eq!(doc.emit(), text);
        }

        /// The compact records say what the tree says: each element is in its
        /// parent's content (or the top level) once, its name and attributes lie in
        /// its start tag, its content in its span.
        #[test]
        fn elements_agree_with_their_parents_and_tags(text in dialect_text()) {
            let doc = parse(&text);
            for (id, el) in doc.elements() {
                let around = el.parent().map_or(doc.top(), |p| doc.content(p));
                let here = around.iter().filter(|i| **i == Item::Element(id)).count();
                prop_assert_eq!(here, 1);
                let tag = el.start_tag();
                let name = doc.name_span(id);
                prop_assert!(tag.start < name.start && name.end < tag.end);
                prop_assert!(!doc.name(id).contains(['>', ' ']));
                for a in doc.attrs(id) {
                    prop_assert!(tag.start < a.name.start() && a.value.end() < tag.end);
                }
                let span = el.span();
                for c in doc.children(id) {
                    let inner = doc.element(c).span();
                    prop_assert!(span.start < inner.start && inner.end <= span.end);
                    prop_assert_eq!(doc.depth(c), doc.depth(id) + 1);
                }
            }
        }
    }
}

mod limits {
    use super::super::parse::parse;

    fn messages(text: &str) -> Vec<String> {
        parse(text).errors.into_iter().map(|e| e.message).collect()
    }

    /// os_xml reads 49 attributes; a 50th, or a space after the 49th, is "Too many
    /// attributes." (`_getattributes` with `depth > XML_MAX_ATTR_DEPTH`).
    #[test]
    fn the_attribute_limit_is_the_daemons() {
        let attrs = |n: usize| (0..n).map(|i| format!(" a{i}=\"v\"")).collect::<String>();
        assert!(messages(&format!("<r{}></r>", attrs(49))).is_empty());
        assert!(messages(&format!("<r{}/>", attrs(49))).is_empty());
        assert_eq!(
            messages(&format!("<r{} ></r>", attrs(49))),
            ["XMLERR: Too many attributes."]
        );
        assert_eq!(
            messages(&format!("<r{}></r>", attrs(50))),
            ["XMLERR: Too many attributes."]
        );
        // A duplicate among the first 49 is still found.
        assert_eq!(
            messages("<r a=\"1\" b=\"2\" a=\"3\"></r>"),
            ["XMLERR: Attribute 'a' already defined."]
        );
    }

    /// `<a>`×N `</b>`×N walked the whole stack for each `</b>` (quadratic: 713 KB
    /// took 53 s); the end tags of names not open are found at once.
    #[test]
    fn mismatched_end_tags_keep_their_verdict() {
        let n = 3;
        let text = format!("{}{}", "<a>".repeat(n), "</b>".repeat(n));
        let doc = parse(&text);
        assert_eq!(doc.emit(), text);
        assert_eq!(
            messages(&text),
            [
                "XMLERR: Element 'a' not closed.",
                "XMLERR: Element 'a' not closed.",
                "XMLERR: Element 'a' not closed.",
                "XMLERR: End of file and some elements were not closed."
            ]
        );
        // A name that is open further down is still closed there.
        assert_eq!(
            messages("<x><a><a></x>"),
            ["XMLERR: Element 'a' not closed."]
        );
    }
}
