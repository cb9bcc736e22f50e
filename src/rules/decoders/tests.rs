//! Loader tests. Expected values: the oracle (Wazuh 4.14.7 logtest) where noted,
//! otherwise the line of `decode-xml.c` / `decoders_list.c` (v4.14.7) named.

use std::path::PathBuf;

use super::*;

fn load_all(files: &[(&str, &str)]) -> (DecoderSet, Vec<Problem>) {
    let files: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(n, t)| (PathBuf::from(n), t.to_string()))
        .collect();
    load(&files)
}

/// The Error messages of loading `bad` as one file; also checks the file was left
/// out while a following good file loaded.
fn refused(bad: &str) -> String {
    let (set, problems) = load_all(&[("a.xml", bad), ("b.xml", GOOD)]);
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{problems:?}");
    assert!(errors[0].file.ends_with("a.xml"));
    assert_eq!(set.len(), 1, "only the good file's decoder");
    assert_eq!(&*set.decoder(0).name, "good");
    errors[0].message.clone()
}

fn warnings(text: &str) -> Vec<String> {
    let (set, problems) = load_all(&[("a.xml", text)]);
    assert!(!set.is_empty());
    problems
        .iter()
        .inspect(|p| assert_eq!(p.severity, Severity::Warning, "{p:?}"))
        .map(|p| p.message.clone())
        .collect()
}

const GOOD: &str = "<decoder name=\"good\"><prematch>^good</prematch></decoder>";
const ROOT: &str = "<decoder name=\"p\"><prematch>^p </prematch></decoder>\n";

fn with_root(child: &str) -> String {
    format!("{ROOT}{child}")
}

/// ReadDecodeXML: a root that is not `<decoder>` (XML_INVELEM); `decoder` in any case.
#[test]
fn roots_must_be_decoders() {
    refused("<rule name=\"x\"><prematch>a</prematch></rule>");
    let (set, p) = load_all(&[(
        "a.xml",
        "<DECODER name=\"x\"><prematch>a</prematch></DECODER>",
    )]);
    assert_eq!((set.len(), p.len()), (1, 0));
}

/// ReadDecodeXML: the first attribute is `name`, a second may only be `status`.
#[test]
fn name_then_status_attributes_only() {
    refused("<decoder id=\"x\"><prematch>a</prematch></decoder>");
    refused("<decoder name=\"x\" foo=\"1\"><prematch>a</prematch></decoder>");
    refused("<decoder name=\"x\" status=\"1\" foo=\"2\"><prematch>a</prematch></decoder>");
    assert!(
        warnings("<decoder name=\"x\" status=\"off\"><prematch>a</prematch></decoder>").is_empty()
    );
}

/// ReadDecodeXML: "Invalid element"; option names are case-insensitive except
/// `type` (strcmp).
#[test]
fn unknown_options_are_errors_and_type_is_case_sensitive() {
    refused("<decoder name=\"x\"><prematch>a</prematch><foo>1</foo></decoder>");
    refused("<decoder name=\"x\"><prematch>a</prematch><Type>ids</Type></decoder>");
    refused("<decoder name=\"x\"><prematch>a</prematch><type>IDS</type></decoder>");
    let (set, _) = load_all(&[(
        "a.xml",
        "<decoder name=\"x\"><PREMATCH>a</PREMATCH><type>ids</type></decoder>",
    )]);
    assert_eq!(set.decoder(0).category, Category::Ids);
}

/// ReadDecodeXML: DECODE_NOPRE.
#[test]
fn a_root_needs_prematch_or_program_name() {
    refused("<decoder name=\"x\"><type>ids</type></decoder>");
    let (set, _) = load_all(&[(
        "a.xml",
        "<decoder name=\"x\"><program_name>sshd</program_name></decoder>",
    )]);
    assert_eq!((set.pn_roots().len(), set.nopn_roots().len()), (1, 0));
}

/// ReadDecodeXML: `(!regex && (fts || order)) || (regex && !order)`.
#[test]
fn regex_and_order_go_together_and_fts_needs_a_regex() {
    refused("<decoder name=\"x\"><prematch>a</prematch><regex>(a)</regex></decoder>");
    refused("<decoder name=\"x\"><prematch>a</prematch><order>srcip</order></decoder>");
    refused("<decoder name=\"x\"><prematch>a</prematch><fts>srcip</fts></decoder>");
}

/// ReadDecodeXML offset checks, and `_OS_AddOSDecoder` for after_regex.
#[test]
fn offsets_need_what_they_are_after() {
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><regex offset=\"after_parent\">(a)</regex><order>a</order></decoder>",
    );
    refused(&with_root(
        "<decoder name=\"c\"><parent>p</parent><regex offset=\"after_prematch\">(a)</regex><order>a</order></decoder>",
    ));
    refused(&with_root(
        "<decoder name=\"c\"><parent>p</parent><regex offset=\"after_regex\">(a)</regex><order>a</order></decoder>",
    ));
    refused(&with_root(
        "<decoder name=\"c\"><parent>p</parent><prematch offset=\"after_prematch\">a</prematch></decoder>",
    ));
    refused("<decoder name=\"x\"><prematch offset=\"after_parent\">a</prematch></decoder>");
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><plugin_decoder offset=\"after_parent\">JSON_Decoder</plugin_decoder></decoder>",
    );
    refused(
        "<decoder name=\"x\"><program_name>a</program_name><plugin_decoder offset=\"after_prematch\">JSON_Decoder</plugin_decoder></decoder>",
    );
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><plugin_decoder offset=\"later\">JSON_Decoder</plugin_decoder></decoder>",
    );
    refused(&with_root(
        "<decoder name=\"c\"><parent>p</parent><regex>(a)</regex><regex offset=\"after_parent\">(b)</regex><order>a,b</order></decoder>",
    ));
}

/// ReadDecodeXML: a root's after_prematch regex becomes after_parent.
#[test]
fn a_root_after_prematch_regex_is_after_parent() {
    let (set, p) = load_all(&[(
        "a.xml",
        "<decoder name=\"x\"><prematch>a</prematch><regex offset=\"after_prematch\">(b)</regex><order>b</order></decoder>",
    )]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(set.decoder(0).regex_offset, Offset::AfterParent);
}

/// ReadDecodeXML: INV_DECOPTION, DECODE_ADD.
#[test]
fn plugins_are_known_and_exclude_regex() {
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><plugin_decoder>Nope</plugin_decoder></decoder>",
    );
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><plugin_decoder>JSON_Decoder</plugin_decoder><regex>(a)</regex><order>a</order></decoder>",
    );
}

/// ReadDecodeXML order checks: 256 commas, an empty word.
#[test]
fn order_limits() {
    let many = vec!["f"; 257].join(",");
    refused(&format!(
        "<decoder name=\"x\"><prematch>a</prematch><regex>(a)</regex><order>{many}</order></decoder>"
    ));
    refused(
        "<decoder name=\"x\"><prematch>a</prematch><regex>(a)</regex><order>a,,b</order></decoder>",
    );
    let ok = vec!["f"; 256].join(",");
    let (set, _) = load_all(&[(
        "a.xml",
        &format!(
            "<decoder name=\"x\"><prematch>a</prematch><regex>(a)</regex><order>{ok}</order></decoder>"
        ),
    )]);
    assert_eq!(set.decoder(0).order.len(), 256);
}

/// Oracle: `<order>user, Dyn, dyn</order><fts>user, dyn</fts>` refuses the file
/// ("Wrong field ' dyn' in the fts decoder"): the fts lookup of dynamic names stops
/// at the first static field of the order. `Dyn, user, dyn` is accepted.
#[test]
fn fts_dynamic_names_must_come_before_the_first_static_order_field() {
    let body = |order: &str| {
        format!(
            "{ROOT}<decoder name=\"c\"><parent>p</parent><regex>(a)(b)(c)</regex><order>{order}</order><fts>user, dyn</fts></decoder>"
        )
    };
    refused(&body("user, Dyn, dyn"));
    let (set, p) = load_all(&[("a.xml", &body("Dyn, user, dyn"))]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(*set.decoder(1).fts, ["user", "dyn"]);
}

/// OS_AddOSDecoder / _OS_AddOSDecoder: PPLUGIN_INV, PDUP_INV, PDUPFTS_INV, DUP_INV.
#[test]
fn children_and_same_name_groups() {
    refused(
        "<decoder name=\"c\"><parent>nobody</parent><regex>(a)</regex><order>a</order></decoder>",
    );
    let sib = "<decoder name=\"c\"><parent>p</parent><regex>(a)</regex><order>a</order></decoder>";
    refused(&with_root(&format!(
        "{sib}<decoder name=\"c\"><parent>p</parent><prematch>x</prematch><regex>(a)</regex><order>a</order></decoder>"
    )));
    refused(&with_root(&format!(
        "{sib}<decoder name=\"c\"><parent>p</parent><regex>(a)</regex><order>a</order><fts>srcip</fts></decoder>"
    )));
    refused(&with_root(&format!(
        "{sib}<decoder name=\"c\"><parent>p</parent><type>ids</type></decoder>"
    )));
    let (set, p) = load_all(&[("a.xml", &with_root(&format!("{sib}{sib}")))]);
    assert!(p.is_empty());
    assert!(set.decoder(1).get_next && !set.decoder(2).get_next);
}

/// ReadDecodeXML: REGEX_SYNTAX.
#[test]
fn patterns_must_compile() {
    refused("<decoder name=\"x\"><prematch>(a</prematch></decoder>");
    refused("<decoder name=\"x\"><prematch type=\"pcre2\">(a</prematch></decoder>");
}

/// OS_ApplyVariables: a variable applies to later text and attributes, but not to a
/// text of 2 bytes or less; an unknown one is an error once a variable exists.
#[test]
fn variables() {
    let (set, p) = load_all(&[(
        "a.xml",
        "<var name=\"N\">dec</var><var name=\"PRE\">^abc</var><decoder name=\"$N\"><prematch>$PRE|x</prematch></decoder><decoder name=\"$n.y\"><prematch>b</prematch></decoder>",
    )]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(&*set.decoder(0).name, "$N");
    assert!(
        set.decoder(0)
            .prematch
            .as_ref()
            .is_some_and(|e| e.is_match(b"abc"))
    );
    assert_eq!(&*set.decoder(1).name, "dec.y");
    refused("<var name=\"N\">dec</var><decoder name=\"x\"><prematch>$NOPE</prematch></decoder>");
}

/// ReadDecodeXML: an empty file fails (FileSize == 0), except the local decoder file.
#[test]
fn empty_files() {
    refused("");
    let (_, p) = load_all(&[("/var/ossec/etc/decoders/local_decoder.xml", "")]);
    assert!(p.is_empty());
}

/// ReadDecodeXML: bad regex offset or type attributes and deprecated values warn.
#[test]
fn warnings_do_not_refuse() {
    let w = warnings(
        "<decoder name=\"x\"><prematch type=\"osmatch\">a</prematch><regex offset=\"bad\">(a)</regex><order>a</order><json_null_field>empty</json_null_field><json_array_structure>x</json_array_structure></decoder>",
    );
    assert_eq!(w.len(), 4, "{w:?}");
}

/// _loadmemory: repeated options are concatenated; 1024 bytes or more drop the value.
#[test]
fn repeated_options_concatenate_up_to_1023_bytes() {
    let (set, _) = load_all(&[(
        "a.xml",
        "<decoder name=\"x\"><prematch>^a</prematch><prematch>b</prematch><ftscomment>c1</ftscomment><ftscomment>c2</ftscomment></decoder>",
    )]);
    assert_eq!(set.decoder(0).ftscomment.as_deref(), Some("c1c2"));
    assert!(
        set.decoder(0)
            .prematch
            .as_ref()
            .is_some_and(|e| e.is_match(b"ab"))
    );
    let long = "x".repeat(1020);
    let w = warnings(&format!(
        "<decoder name=\"x\"><prematch>a</prematch><ftscomment>{long}</ftscomment><ftscomment>yyyy</ftscomment></decoder>"
    ));
    assert_eq!(w.len(), 1);
}

/// ReadDecodeXML option values: `use_own_name` only for exactly `true`, JSON flags,
/// `accumulate`, order words (leading spaces dropped, cut at a space, `\,`).
#[test]
fn option_values() {
    let text = "<decoder name=\"x\"><prematch>a</prematch><use_own_name>yes</use_own_name><json_null_field>DISCARD</json_null_field><json_array_structure>csv</json_array_structure><accumulate/><regex>(a)(b)(c)</regex><order> user x,a\\,b,  data</order></decoder>";
    let (set, p) = load_all(&[("a.xml", text)]);
    assert!(p.is_empty(), "{p:?}");
    let d = set.decoder(0);
    assert!(!d.use_own_name && d.accumulate);
    assert_eq!(
        (d.json_null, d.json_array),
        (JsonNull::Discard, JsonArray::Csv)
    );
    assert_eq!(
        d.order,
        [
            OrderField::Static(StaticField::DstUser),
            OrderField::Dynamic("a,b".into()),
            OrderField::Static(StaticField::Data)
        ]
    );
}

/// OS_AddOSDecoder: a child goes under every root of its parent's name, in both
/// lists; os_setdecoderids: ids are positions in the sorted names (internal ones
/// included) and a child without use_own_name takes its parent's name and id.
#[test]
fn tree_and_ids() {
    let text = "<decoder name=\"p\"><program_name>x</program_name></decoder>\
        <decoder name=\"p\"><prematch>^p</prematch></decoder>\
        <decoder name=\"c\"><parent>p</parent><regex>(a)</regex><order>a</order></decoder>\
        <decoder name=\"own\"><parent>p</parent><use_own_name>true</use_own_name><regex>(a)</regex><order>a</order></decoder>";
    let (set, p) = load_all(&[("a.xml", text)]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(set.pn_roots()[0].children, [2, 3]);
    assert_eq!(set.nopn_roots()[0].children, [2, 3]);
    // Sorted: c, ciscat, hostinfo_modified, hostinfo_new, own, p, rootcheck, …
    assert_eq!(set.id_of("c"), Some(1));
    assert_eq!(set.id_of("own"), Some(5));
    assert_eq!(set.id_of("p"), Some(6));
    assert_eq!((&*set.decoder(2).name, set.decoder(2).id), ("p", 6));
    assert_eq!((&*set.decoder(3).name, set.decoder(3).id), ("own", 5));
    assert_eq!(set.id_of("windows_eventchannel"), Some(19));
}
