//! Load errors and warnings, with the daemon's messages (`Rules_OP_ReadRules`,
//! `getattributes`, `OS_AddChild`; docs/analysis-rules.md "Options").

use crate::analysis::ruletree::tests::tree_of;
use crate::model::Severity;

const OK_100: &str =
    r#"<rule id="100" level="3"><match>a</match><description>d</description></rule>"#;
const OK_102: &str =
    r#"<rule id="102" level="3"><match>a</match><description>d</description></rule>"#;
const NEXT_FILE: &str = r#"<group name="n,"><rule id="200" level="3"><match>a</match><description>d</description></rule></group>"#;

/// Loads `bad` between two good rules; returns (rule 102 loaded, problems).
fn load(bad: &str) -> (bool, Vec<(Severity, String)>) {
    let file = format!(r#"<group name="g,">{OK_100}{bad}{OK_102}</group>"#);
    let (t, p) = tree_of(&[&file, NEXT_FILE]);
    assert!(t.by_id(100).is_some(), "rules before the problem stay");
    assert!(t.by_id(200).is_some(), "the next file is read");
    let got = p.into_iter().map(|p| (p.severity, p.message)).collect();
    (t.by_id(102).is_some(), got)
}

/// The file fails at `bad` with an error whose message starts with `message`.
fn fails(bad: &str, message: &str) {
    let (after, problems) = load(bad);
    assert!(!after, "the file stops at the error: {bad}");
    assert!(
        problems
            .iter()
            .any(|(s, m)| *s == Severity::Error && m.starts_with(message)),
        "{bad}: want error {message:?}, got {problems:?}"
    );
}

/// The rule is skipped (and the file goes on) with a warning starting `message`.
fn skipped(bad: &str, message: &str) {
    let (after, problems) = load(bad);
    assert!(after, "the file goes on: {bad}");
    assert!(
        problems.iter().all(|(s, _)| *s == Severity::Warning),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|(_, m)| m.starts_with(message)),
        "{bad}: want warning {message:?}, got {problems:?}"
    );
}

fn rule(body: &str) -> String {
    format!(r#"<rule id="101" level="5">{body}</rule>"#)
}

#[test]
fn errors_that_fail_the_file() {
    let d = "<description>d</description>";
    let cases: Vec<(String, &str)> = vec![
        (
            r#"<rule id="101" level="17"><description>d</description></rule>"#.into(),
            "rules_op: Invalid level: 17",
        ),
        (
            r#"<rule id="1234567" level="1"><description>d</description></rule>"#.into(),
            "rules_op: Invalid rule id",
        ),
        (
            r#"<rule id="101" level="1" frequency="1"><description>d</description></rule>"#.into(),
            "rules_op: Invalid frequency: 1",
        ),
        (
            r#"<rule id="101" level="1" timeframe="x"><description>d</description></rule>"#.into(),
            "rules_op: Invalid timeframe",
        ),
        (
            r#"<rule id="101" level="1" overwrite="1"><description>d</description></rule>"#.into(),
            "rules_op: Invalid overwrite",
        ),
        (
            r#"<rule id="101" level="1" color="red"><description>d</description></rule>"#.into(),
            "rules_op: Invalid attribute \"color\"",
        ),
        (
            r#"<rule id="101" level="x"><description>d</description></rule>"#.into(),
            "No rule id or level",
        ),
        (
            r#"<rule><description>d</description></rule>"#.into(),
            "Invalid rule.",
        ),
        (
            r#"<rule id="101" level="1"></rule>"#.into(),
            "Rule '101' without any option",
        ),
        (
            rule("<colour>x</colour><description>d</description>"),
            "Invalid option 'colour' for rule '101'.",
        ),
        (
            rule("<match>a</match>"),
            "No such description at rule '101'.",
        ),
        (
            rule(&format!("<regex>(a(b))</regex>{d}")),
            "(5107): Syntax error on tag 'regex' in rule 101",
        ),
        (
            rule(&format!("<url type=\"pcre2\">(</url>{d}")),
            "(5107): Syntax error on tag 'url' in rule 101",
        ),
        (
            rule(&format!("<same_source_ip />{d}")),
            "Invalid use of frequency/context options.",
        ),
        (
            r#"<rule id="101" level="5" frequency="4"><description>d</description></rule>"#.into(),
            "Invalid use of frequency/context options.",
        ),
        (
            rule(&format!("<global_frequency />{d}")),
            "Invalid use of frequency/context options.",
        ),
        (
            rule(&format!("<field name=\"srcuser\">x</field>{d}")),
            "Failure to read rule 101. Field 'srcuser' is static.",
        ),
        (
            rule(&format!("<field>x</field>{d}")),
            "Failure to read rule 101. No such attribute 'name'",
        ),
        (
            rule(&format!("<field name=\"f\">(a(b))</field>{d}")),
            "(5107): Syntax error on tag 'f' in rule 101",
        ),
        (
            rule(&format!("<category>host-information</category>{d}")),
            "(1273): Invalid category",
        ),
        (
            rule(&format!("<decoded_as>nope</decoded_as>{d}")),
            "Invalid decoder name: 'nope'.",
        ),
        (
            rule(&format!("<time>25 - 3</time>{d}")),
            "(1274): Invalid configuration. Element 'time'",
        ),
        (
            rule(&format!("<weekday>!monday</weekday>{d}")),
            "(1241): Invalid day format",
        ),
        (
            rule(&format!("<srcip>1.2.3.400</srcip>{d}")),
            "(1237): Invalid ip address",
        ),
        (
            rule(&format!("<compiled_rule>nope</compiled_rule>{d}")),
            "Compiled rule not found: 'nope'",
        ),
        (
            rule(&format!("<options>no_alert</options>{d}")),
            "(1235): Invalid value for element 'options'",
        ),
        (
            rule(&format!("<list>etc/lists/x</list>{d}")),
            "List must have a correctly formatted field attribute",
        ),
        (
            rule(&format!(
                "<list field=\"srcip\" lookup=\"nope\">etc/lists/x</list>{d}"
            )),
            "(1274)",
        ),
        (
            rule(&format!("<list lookup=\"match_key\">etc/lists/x</list>{d}")),
            "List requires the field=\"\" attribute",
        ),
        (
            rule(&format!(
                "<list field=\"srcip\" colour=\"x\">etc/lists/x</list>{d}"
            )),
            "List field=\"x\" is not valid",
        ),
        (
            rule(&format!("<ignore>srcip,,user</ignore>{d}")),
            "Wrong ignore option",
        ),
        (
            rule(&format!(
                "<if_matched_sid>100</if_matched_sid><if_matched_regex>(a(b))</if_matched_regex>{d}"
            )),
            "(1450): Syntax error on regex",
        ),
    ];
    for (bad, message) in cases {
        fails(&bad, message);
    }
}

#[test]
fn warnings_that_skip_the_rule() {
    let d = "<description>d</description>";
    skipped(
        &format!(r#"<rule id="100" level="9">{d}</rule>"#),
        "(7612): Rule ID '100' is duplicated",
    );
    skipped(
        &rule(&format!("<if_sid>100|1</if_sid>{d}")),
        "(7618): Invalid 'if_sid' value: '100|1'",
    );
    skipped(&rule(&format!("<if_sid></if_sid>{d}")), "(7618)");
    skipped(
        &rule(&format!("<if_level>high</if_level>{d}")),
        "(7609): Invalid 'if_level' value: 'high'",
    );
    skipped(
        &rule(&format!("<if_level>0</if_level>{d}")),
        "(7609): Invalid 'if_level' value: '0'",
    );
    skipped(
        &rule(&format!("<if_matched_sid>x</if_matched_sid>{d}")),
        "(7615): Invalid 'if_matched_sid' value: 'x'",
    );
    skipped(
        &rule(&format!(
            "<list field=\"srcip\">etc/lists/black_list</list>{d}"
        )),
        "(7616): List 'etc/lists/black_list' could not be loaded. Rule '101' will be ignored.",
    );
    skipped(
        &rule(&format!("<if_group>no_such_group</if_group>{d}")),
        "(7610): Group 'no_such_group' was not found",
    );
    // A skip stops reading the options: the bad option after it is not reported.
    skipped(
        &rule(&format!("<if_level>x</if_level><colour>1</colour>{d}")),
        "(7609)",
    );
}

#[test]
fn warnings_that_keep_the_rule() {
    let d = "<description>d</description>";
    for (bad, message) in [
        (
            format!(r#"<rule id="101" level="5" noalert="yes">{d}</rule>"#),
            "Invalid value for attribute 'noalert'",
        ),
        (
            rule(&format!("<match negate=\"maybe\">a</match>{d}")),
            "(7600): Invalid value 'maybe' for attribute 'negate' in rule 101.",
        ),
        (
            rule(&format!("<match type=\"glob\">a</match>{d}")),
            "(7600): Invalid value 'glob' for attribute 'type' in rule 101.",
        ),
        (
            rule(&format!(
                "<if_matched_sid>100</if_matched_sid><same_agent />{d}"
            )),
            "Detected a deprecated field option",
        ),
        (
            rule(&format!("<info type=\"web\">x</info>{d}")),
            "rules_op: Element info attribute \"type\" has invalid value \"web\"",
        ),
        (
            rule(&format!("<mitre></mitre>{d}")),
            "Empty Mitre information for rule '101'",
        ),
        (
            rule(&format!(
                "<mitre><id>T1</id><tacticID>TA1</tacticID><techniqueID>T1</techniqueID></mitre>{d}"
            )),
            "Rule '101' combined old and new Mitre formats in the same block.",
        ),
        (
            rule(&format!("<mitre><techniqueID>T1</techniqueID></mitre>{d}")),
            "Mitre tacticID should be defined",
        ),
        (
            format!(r#"<rule id="101" level="5" overwrite="yes">{d}</rule>"#),
            "(7613): Rule ID '101' does not exist",
        ),
    ] {
        let (after, problems) = load(&bad);
        assert!(after, "{bad}");
        assert!(
            problems.iter().all(|(s, _)| *s == Severity::Warning),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|(_, m)| m.starts_with(message)),
            "{bad}: {problems:?}"
        );
    }
}

#[test]
fn file_level_errors_leave_no_rule_of_the_file() {
    for (file, message) in [
        ("<group name=\"g,\"><rule id=\"101\" level=\"3\">", "XMLERR"),
        (
            "<!-- every rule commented out -->\n",
            "(1202): Configuration error",
        ),
        (
            "<group name=\"g,\"></group>",
            "Group 'g,' without any rule.",
        ),
        (
            "<rules><rule id=\"101\" level=\"3\"><description>d</description></rule></rules>",
            "rules_op: Invalid root element \"rules\"",
        ),
        (
            "<group name=\"g,\" x=\"1\"><rule id=\"101\" level=\"3\"><description>d</description></rule></group>",
            "rules_op: Invalid root element 'group'",
        ),
        (
            "<group name=\"g,\"><decoder name=\"x\"/></group>",
            "Invalid configuration. 'decoder' is not a valid element.",
        ),
    ] {
        let (t, p) = tree_of(&[file, NEXT_FILE]);
        assert!(t.by_id(101).is_none());
        assert!(t.by_id(200).is_some());
        assert!(
            p.iter()
                .any(|p| p.severity == Severity::Error && p.message.starts_with(message)),
            "{file}: {p:?}"
        );
    }
}

#[test]
fn what_a_rule_keeps() {
    let (t, p) = tree_of(&[concat!(
        r#"<var name="GRP">from_var,</var>"#,
        r#"<group name="syslog,sshd,">"#,
        r#"<rule id="5710" level="5" frequency="6" timeframe="30" ignore="10">"#,
        r#"<if_matched_sid>1</if_matched_sid><description>one
two
three</description><description> more</description><group>$GRP</group><group>a,
b,</group>"#,
        r#"<options>no_email_alert</options><options>alert_by_email</options><options>no_counter</options>"#,
        r#"<info type="link">https://x</info><cve>CVE-1</cve><cve>CVE-2</cve>"#,
        r#"<mitre><id>T1110</id><id>T1110</id><id>T1021</id></mitre>"#,
        r#"<ignore>srcip, user</ignore>"#,
        r#"</rule></group>"#,
    )]);
    assert!(p.is_empty(), "{p:?}");
    let r = t.rule(t.by_id(5710).expect("5710"));
    assert_eq!(r.group, "syslog,sshd,from_var,a,b,");
    assert_eq!(
        r.groups().collect::<Vec<_>>(),
        vec!["syslog", "sshd", "from_var", "a", "b"]
    );
    assert_eq!(r.description.as_deref(), Some("one two\nthree more"));
    assert_eq!((r.frequency, r.timeframe, r.ignore_time), (4, 30, 10));
    assert_eq!(r.options.email, Some(true));
    assert!(r.mail(12) && r.options.no_counter && !r.options.no_full_log);
    assert_eq!(r.info.as_deref(), Some("https://x"));
    assert_eq!(r.cve.as_deref(), Some("CVE-1CVE-2"));
    assert_eq!(r.info_details.len(), 3);
    assert_eq!(r.mitre.ids, vec!["T1110", "T1021"]);
    assert_eq!(r.ignore_fields, vec!["srcip", "user"]);
    assert_eq!(r.if_sid.as_deref(), Some("1"));
}
