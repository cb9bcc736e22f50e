//! Matching tests. Expected outcomes follow `OS_CheckIfRuleMatch`, the searches of
//! `eventinfo.c` and `w_logtest_rulesmatching_phase` (docs/analysis-rules.md).

use super::*;
use crate::analysis::event::{Category, DecodedBy, StaticField as F};
use crate::analysis::ruletree::tests::tree_of;

/// [`super::evaluate`] on a copy of a borrowed event.
fn evaluate(
    tree: &RuleTree,
    lists: &Lists,
    state: &mut RuleState,
    event: &Event,
    trace: Option<&mut Vec<TraceStep>>,
) -> Option<Fired> {
    super::evaluate(tree, lists, state, &Arc::new(event.clone()), trace)
}

/// 2023-11-14 22:13:20 UTC, a Tuesday.
const T0: i64 = 1_700_000_000;

fn ev(log: &str) -> Event {
    Event {
        location: b"stdin".to_vec(),
        full_log: log.as_bytes().to_vec(),
        log: log.as_bytes().to_vec(),
        hostname: b"host".to_vec(),
        agent_id: "000".to_string(),
        time: T0,
        ..Event::default()
    }
}

fn with(mut e: Event, f: F, v: &str) -> Event {
    e.set(f, v.as_bytes().to_vec());
    e
}

fn dynf(mut e: Event, name: &str, v: &str) -> Event {
    e.dynamic.push(name.as_bytes(), v.as_bytes());
    e
}

fn decoded(mut e: Event, name: &str, id: u32, fts: &[&str]) -> Event {
    e.decoder = Some(DecodedBy {
        index: 0,
        name: name.into(),
        parent: None,
        id,
        fts: fts.iter().map(|s| s.to_string()).collect(),
        ftscomment: None,
        accumulate: false,
    });
    e
}

/// A tree of one group of rules (under the test roots).
fn tree(rules: &str) -> RuleTree {
    let (t, p) = tree_of(&[&format!(r#"<group name="test,">{rules}</group>"#)]);
    assert!(
        p.iter()
            .all(|p| p.severity != crate::model::Severity::Error),
        "{p:?}"
    );
    t
}

/// The id of the rule the events end with, in one session, one per event.
fn run(t: &RuleTree, events: &[Event]) -> Vec<Option<u32>> {
    let mut s = RuleState::new(t);
    let lists = Lists::default();
    events
        .iter()
        .map(|e| evaluate(t, &lists, &mut s, e, None).map(|f| t.rule(f.rule).id))
        .collect()
}

fn one(rule_body: &str, e: Event) -> bool {
    let t = tree(&format!(
        r#"<rule id="100" level="5">{rule_body}<description>d</description></rule>"#
    ));
    run(&t, &[e]) == vec![Some(100)]
}

fn prog(p: &str) -> Event {
    Event {
        program_name: Some(p.as_bytes().to_vec()),
        ..ev("x")
    }
}

#[test]
fn each_pattern_option_matches_its_field_and_fails_on_another_value() {
    let x = || ev("x");
    let cases: Vec<(&str, Event, Event)> = vec![
        (
            "<match>Failed pass</match>",
            ev("x failed password"),
            ev("accepted"),
        ),
        ("<regex>^\\d+ ok$</regex>", ev("12 ok"), ev("a12 ok")),
        ("<regex type=\"pcre2\">^A\\d</regex>", ev("A1"), ev("a1")),
        (
            "<program_name>^sshd$</program_name>",
            prog("sshd"),
            prog("sshdx"),
        ),
        (
            "<id>^4625$</id>",
            with(x(), F::Id, "4625"),
            with(x(), F::Id, "46250"),
        ),
        (
            "<system_name>win</system_name>",
            with(x(), F::SystemName, "WIN-1"),
            with(x(), F::SystemName, "lin"),
        ),
        (
            "<protocol>tcp</protocol>",
            with(x(), F::Protocol, "TCP"),
            with(x(), F::Protocol, "udp"),
        ),
        (
            "<action>DROP</action>",
            with(x(), F::Action, "DROP"),
            with(x(), F::Action, "drop"),
        ),
        (
            "<url>.php$</url>",
            with(x(), F::Url, "/a.PHP"),
            with(x(), F::Url, "/a.php?x"),
        ),
        (
            "<location>stdin</location>",
            x(),
            Event {
                location: b"/var/log".to_vec(),
                ..x()
            },
        ),
        (
            "<field name=\"win.system.eventID\">^4625$</field>",
            dynf(x(), "win.system.eventid", "4625"),
            dynf(x(), "win.system.eventID", "4624"),
        ),
        (
            "<srcip>10.0.0.0/8</srcip><srcip>192.168.1.1</srcip>",
            with(x(), F::SrcIp, "192.168.1.1"),
            with(x(), F::SrcIp, "11.0.0.1"),
        ),
        (
            "<dstip>10.0.0.1</dstip>",
            with(x(), F::DstIp, "10.0.0.1"),
            with(x(), F::DstIp, "10.0.0.2"),
        ),
        (
            "<dstip>!10.0.0.1</dstip>",
            with(x(), F::DstIp, "10.0.0.1"),
            with(x(), F::DstIp, "10.0.0.2"),
        ),
        (
            "<dstip negate=\"yes\">10.0.0.1</dstip>",
            with(x(), F::DstIp, "10.0.0.2"),
            with(x(), F::DstIp, "10.0.0.1"),
        ),
        (
            "<srcport>^22$</srcport>",
            with(x(), F::SrcPort, "22"),
            with(x(), F::SrcPort, "222"),
        ),
        (
            "<dstport>80|443</dstport>",
            with(x(), F::DstPort, "443"),
            with(x(), F::DstPort, "8"),
        ),
        (
            "<user>^root$</user>",
            with(with(x(), F::DstUser, "root"), F::SrcUser, "bob"),
            with(with(x(), F::DstUser, "bob"), F::SrcUser, "root"),
        ),
        ("<user>^root$</user>", with(x(), F::SrcUser, "root"), x()),
        (
            "<data>abc</data>",
            with(x(), F::Data, "xabcx"),
            with(x(), F::Data, "ab"),
        ),
        (
            "<extra_data>abc</extra_data>",
            with(x(), F::ExtraData, "abc"),
            x(),
        ),
        (
            "<hostname>^host$</hostname>",
            x(),
            Event {
                hostname: b"other".to_vec(),
                ..x()
            },
        ),
        (
            "<status>^fail</status>",
            with(x(), F::Status, "failure"),
            with(x(), F::Status, "ok"),
        ),
    ];
    for (body, yes, no) in cases {
        assert!(one(body, yes), "should match: {body}");
        assert!(!one(body, no), "should not match: {body}");
    }
}

#[test]
fn a_missing_field_fails_even_negated_and_empty_counts_as_present() {
    assert!(!one(r#"<id negate="yes">x</id>"#, ev("a")));
    assert!(one(r#"<id negate="yes">x</id>"#, with(ev("a"), F::Id, "y")));
    assert!(one("<id>^$</id>", with(ev("a"), F::Id, "")));
    assert!(!one(r#"<field name="f" negate="yes">x</field>"#, ev("a")));
}

#[test]
fn negate_and_type_of_the_last_element_win_and_texts_concatenate() {
    // "aaa" + "|bbb" = "aaa|bbb"; the second element's negate="yes" holds.
    let body = r#"<match>aaa</match><match negate="yes">|bbb</match>"#;
    assert!(one(body, ev("ccc")));
    assert!(!one(body, ev("bbb")));
    assert!(!one(body, ev("aaa")));
}

#[test]
fn decoded_as_compares_the_decoder_id() {
    assert!(one(
        "<decoded_as>sshd</decoded_as>",
        decoded(ev("x"), "sshd", 7, &[])
    ));
    assert!(!one(
        "<decoded_as>sshd</decoded_as>",
        decoded(ev("x"), "json", 9, &[])
    ));
    assert!(!one("<decoded_as>sshd</decoded_as>", ev("x")));
}

#[test]
fn geoip_is_never_true() {
    assert!(!one("<srcgeoip>US</srcgeoip>", ev("x")));
    assert!(!one(r#"<dstgeoip negate="yes">US</dstgeoip>"#, ev("x")));
}

#[test]
fn maxsize_compares_the_log_length() {
    let t = tree(r#"<rule id="100" level="5" maxsize="5"><description>d</description></rule>"#);
    assert_eq!(run(&t, &[ev("12345"), ev("1234")]), vec![Some(100), None]);
}

#[test]
fn time_and_weekday_read_the_event_time_in_utc() {
    // T0 is Tuesday 22:13:20 UTC.
    assert!(one("<time>22:00-22:30</time>", ev("x")));
    assert!(!one("<time>8 am - 6 pm</time>", ev("x")));
    assert!(one("<time>6 pm - 8:30 am</time>", ev("x")));
    assert!(one("<weekday>weekdays</weekday>", ev("x")));
    assert!(!one("<weekday>sunday,sat</weekday>", ev("x")));
}

#[test]
fn compiled_rules() {
    let cr = |name: &str| format!("<compiled_rule>{name}</compiled_rule>");
    assert!(one(
        &cr("check_id_size"),
        with(ev("x"), F::Id, "0123456789")
    ));
    assert!(!one(
        &cr("check_id_size"),
        with(ev("x"), F::Id, "012345678")
    ));
    let differ = with(with(ev("x"), F::SrcUser, "a"), F::DstUser, "b");
    assert!(!one(&cr("comp_srcuser_dstuser"), differ));
    assert!(one(
        &cr("comp_srcuser_dstuser"),
        with(ev("x"), F::SrcUser, "a")
    ));
    assert!(one(
        &cr("is_simple_http_request"),
        with(ev("x"), F::Url, "/a/b")
    ));
    assert!(!one(
        &cr("is_simple_http_request"),
        with(ev("x"), F::Url, "/a?b")
    ));
    assert!(one(&cr("is_valid_crawler"), ev("66.249.1.1 - GET")));
    assert!(!one(&cr("is_valid_crawler"), ev("1.2.3.4 - GET")));
    let mswin = |t: &str, c: &str| {
        ev(&format!(
            "Target Account Name: {t}\tCaller User Name: {c}\tx"
        ))
    };
    let body = cr("comp_mswin_targetuser_calleruser_diff");
    assert!(one(&body, mswin("alice", "bob")));
    assert!(!one(&body, mswin("alice", "alice")));
}

#[test]
fn check_diff_stores_first_and_matches_when_the_log_changes() {
    let t = tree(r#"<rule id="100" level="5"><check_diff /><description>d</description></rule>"#);
    let got = run(&t, &[ev("a"), ev("a"), ev("b"), ev("b")]);
    assert_eq!(got, vec![None, None, Some(100), None]);
}

#[test]
fn if_fts_matches_the_first_time_a_key_is_seen() {
    let t = tree(r#"<rule id="100" level="5"><if_fts /><description>d</description></rule>"#);
    let e = |user: &str| {
        decoded(
            with(ev("x"), F::DstUser, user),
            "su",
            3,
            &["name", "user", "location"],
        )
    };
    let got = run(
        &t,
        &[e("a"), e("a"), e("b"), decoded(ev("x"), "plain", 4, &[])],
    );
    assert_eq!(got, vec![Some(100), None, Some(100), None]);
}

#[test]
fn first_matching_child_subtree_wins_and_noalert_passes_through() {
    let t = tree(concat!(
        r#"<rule id="100" level="3"><match>a</match><description>d</description></rule>"#,
        r#"<rule id="101" level="0" noalert="1"><if_sid>100</if_sid><match>ab</match><description>d</description></rule>"#,
        r#"<rule id="102" level="2"><if_sid>100</if_sid><match>b</match><description>d</description></rule>"#,
        r#"<rule id="103" level="9"><if_sid>100</if_sid><match>b</match><description>d</description></rule>"#,
        r#"<rule id="104" level="0"><if_sid>100</if_sid><match>c</match><description>d</description></rule>"#,
    ));
    // Order under 100: 101, 104 (level 0 first), 103, 102.
    let got = run(&t, &[ev("a"), ev("ab"), ev("ac"), ev("acb")]);
    assert_eq!(got, vec![Some(100), Some(103), Some(104), Some(104)]);
}

#[test]
fn level_zero_result_stores_nothing() {
    let t = tree(r#"<rule id="100" level="0"><match>a</match><description>d</description></rule>"#);
    let mut s = RuleState::new(&t);
    let f = evaluate(&t, &Lists::default(), &mut s, &ev("a"), None).expect("fires");
    assert!(f.suppressed);
    assert_eq!(s.stored_events(), 0);
}

#[test]
fn if_group_is_a_substring_test_over_rules_loaded_before() {
    let (t, p) = tree_of(&[concat!(
        r#"<group name="windows,"><rule id="100" level="5"><match>logon</match><group>win_authentication_failed,</group><description>d</description></rule></group>"#,
        r#"<group name="x,"><rule id="101" level="9"><if_group>authentication_failed</if_group><match>admin</match><description>d</description></rule></group>"#,
    )]);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(
        run(&t, &[ev("logon admin"), ev("logon")]),
        vec![Some(101), Some(100)]
    );
}

#[test]
fn category_filters_the_roots() {
    let t = tree(
        r#"<rule id="100" level="5"><category>firewall</category><match>a</match><description>d</description></rule>"#,
    );
    let fw = Event {
        category: Category::Firewall,
        ..ev("a")
    };
    assert_eq!(run(&t, &[ev("a"), fw]), vec![None, Some(100)]);
}

fn frequency_tree() -> RuleTree {
    tree(concat!(
        r#"<rule id="100" level="3"><match>fail</match><description>d</description></rule>"#,
        r#"<rule id="101" level="10" frequency="8" timeframe="120"><if_matched_sid>100</if_matched_sid><description>d</description></rule>"#,
    ))
}

#[test]
fn frequency_eight_fires_on_the_eighth_event_not_the_seventh_and_then_rests() {
    let t = frequency_tree();
    let events: Vec<Event> = (0..9)
        .map(|i| Event {
            time: T0 + i,
            ..ev("fail")
        })
        .collect();
    let got = run(&t, &events);
    let mut want = vec![Some(100); 7];
    want.push(Some(101));
    // The newest counted event was stamped: the 9th stops there.
    want.push(Some(100));
    assert_eq!(got, want);
}

#[test]
fn frequency_counts_only_events_inside_the_timeframe() {
    let t = frequency_tree();
    let mut events: Vec<Event> = (0..7)
        .map(|i| Event {
            time: T0 + i,
            ..ev("fail")
        })
        .collect();
    events.push(Event {
        time: T0 + 121,
        ..ev("fail")
    });
    assert_eq!(run(&t, &events).last(), Some(&Some(100)));
}

#[test]
fn firedtimes_counts_per_session() {
    let t = frequency_tree();
    let mut s = RuleState::new(&t);
    let l = Lists::default();
    let f1 = evaluate(&t, &l, &mut s, &ev("fail"), None).expect("fires");
    let f2 = evaluate(&t, &l, &mut s, &ev("fail"), None).expect("fires");
    assert_eq!((f1.firedtimes, f2.firedtimes), (1, 2));
    assert_eq!(t.output_frequency(f1.rule), None);
}

fn context_tree(opts: &str) -> RuleTree {
    tree(&format!(
        r#"<rule id="100" level="3"><match>fail</match><description>d</description></rule><rule id="101" level="10"><if_matched_sid>100</if_matched_sid>{opts}<description>d</description></rule>"#
    ))
}

#[test]
fn same_and_different_fields() {
    let ip = |v: &str| with(ev("fail"), F::SrcIp, v);
    let t = context_tree("<same_source_ip />");
    assert_eq!(
        run(&t, &[ip("1.1.1.1"), ip("2.2.2.2")]),
        vec![Some(100), Some(100)]
    );
    assert_eq!(
        run(&t, &[ip("1.1.1.1"), ip("1.1.1.1")]),
        vec![Some(100), Some(101)]
    );
    assert_eq!(
        run(&t, &[ev("fail"), ev("fail")]),
        vec![Some(100), Some(100)]
    );
    let t = context_tree("<different_srcip />");
    assert_eq!(
        run(&t, &[ip("1.1.1.1"), ip("1.1.1.1")]),
        vec![Some(100), Some(100)]
    );
    assert_eq!(
        run(&t, &[ip("1.1.1.1"), ip("2.2.2.2")]),
        vec![Some(100), Some(101)]
    );
    // different_*: missing on one side does not skip.
    assert_eq!(
        run(&t, &[ev("fail"), ip("2.2.2.2")]),
        vec![Some(100), Some(101)]
    );
    let u = |v: &str| with(ev("fail"), F::DstUser, v);
    let t = context_tree("<same_user />");
    assert_eq!(
        run(&t, &[u("a"), u("b"), u("a")]),
        vec![Some(100), Some(100), Some(101)]
    );
    let d = |v: &str| dynf(ev("fail"), "key", v);
    let t = context_tree("<same_field>key</same_field>");
    assert_eq!(
        run(&t, &[d("a"), d("b"), d("b")]),
        vec![Some(100), Some(100), Some(101)]
    );
    let t = context_tree("<different_field>key</different_field>");
    assert_eq!(
        run(&t, &[d("a"), d("a"), d("b")]),
        vec![Some(100), Some(100), Some(101)]
    );
}

#[test]
fn if_matched_group_and_last_events_searches() {
    let t = tree(concat!(
        r#"<rule id="100" level="3"><match>fail</match><group>authentication_failed,</group><description>d</description></rule>"#,
        r#"<rule id="101" level="10" frequency="3"><if_matched_group>authentication_failed</if_matched_group><same_source_ip /><description>d</description></rule>"#,
        r#"<rule id="102" level="4"><match>other</match><description>d</description></rule>"#,
        r#"<rule id="103" level="11"><if_sid>102</if_sid><if_matched_regex>^fail</if_matched_regex><description>d</description></rule>"#,
    ));
    let ip = |log: &str, v: &str| with(ev(log), F::SrcIp, v);
    let got = run(
        &t,
        &[
            ip("fail", "1.1.1.1"),
            ip("fail", "1.1.1.1"),
            ip("fail", "1.1.1.1"),
        ],
    );
    assert_eq!(got, vec![Some(100), Some(100), Some(101)]);
    assert_eq!(
        run(&t, &[ev("other"), ev("fail"), ev("other")]),
        vec![Some(102), Some(100), Some(103)]
    );
}

#[test]
fn ignore_window_still_reports_but_does_not_store() {
    let t = tree(
        r#"<rule id="100" level="5" ignore="60"><match>a</match><description>d</description></rule>"#,
    );
    let mut s = RuleState::new(&t);
    let l = Lists::default();
    let at = |dt: i64| Event {
        time: T0 + dt,
        ..ev("a")
    };
    let f: Vec<(bool, u32)> = [0, 10, 61, 70]
        .iter()
        .map(|&dt| {
            let f = evaluate(&t, &l, &mut s, &at(dt), None).expect("fires");
            (f.suppressed, f.firedtimes)
        })
        .collect();
    assert_eq!(f, vec![(false, 1), (true, 2), (false, 3), (false, 4)]);
}

#[test]
fn generated_rule_is_the_result_without_matching() {
    let t = frequency_tree();
    let mut s = RuleState::new(&t);
    let e = Event {
        generated_rule: Some(101),
        ..ev("nothing")
    };
    let f = evaluate(&t, &Lists::default(), &mut s, &e, None).expect("rule");
    assert_eq!(
        (t.rule(f.rule).id, f.firedtimes, f.suppressed),
        (101, 0, true)
    );
}

#[test]
fn trace_names_the_first_failing_option() {
    let t = tree(
        r#"<rule id="100" level="5"><match>a</match><regex>b</regex><description>d</description></rule>"#,
    );
    let mut s = RuleState::new(&t);
    let mut trace = Vec::new();
    evaluate(&t, &Lists::default(), &mut s, &ev("a"), Some(&mut trace));
    let steps: Vec<(u32, Option<&str>)> = trace
        .iter()
        .map(|s| (t.rule(s.rule).id, s.failed))
        .collect();
    assert_eq!(steps, vec![(1, None), (100, Some("regex"))]);
}

/// A rule file run through the oracle (Wazuh 4.14.7 logtest, lines
/// `Dec 25 20:45:02 zzhost zzrt: <log>`, one session per group of lines); the
/// expected ids and levels are its answers.
const ORACLE_RULES: &str = r#"<group name="zzrt,">
  <rule id="990001" level="3">
    <match>zzrt_a</match>
    <description>zzrt a</description>
  </rule>
  <rule id="990002" level="4">
    <if_sid>990001,</if_sid>
    <match>zzrt_b</match>
    <description>zzrt b trailing separator</description>
  </rule>
  <rule id="990010" level="5">
    <match>zzrt_c</match>
    <description>zzrt c</description>
  </rule>
  <rule id="990012" level="9">
    <if_sid>990010</if_sid>
    <match>zzrt_c</match>
    <description>zzrt c level 9</description>
  </rule>
  <rule id="990011" level="0">
    <if_sid>990010</if_sid>
    <match>zzrt_c</match>
    <description>zzrt c level 0</description>
  </rule>
  <rule id="990020" level="0" accuracy="0">
    <match>zzrt_d</match>
    <description>zzrt d accuracy 0</description>
  </rule>
  <rule id="990030" level="3">
    <match>zzrt_e</match>
    <check_diff />
    <description>zzrt e diff</description>
  </rule>
  <rule id="990040" level="3" ignore="60">
    <match>zzrt_f</match>
    <description>zzrt f ignore</description>
  </rule>
  <rule id="990050" level="6">
    <if_level>12</if_level>
    <match>zzrt_g</match>
    <description>zzrt g if_level</description>
  </rule>
  <rule id="990060" level="3" noalert="1">
    <match>zzrt_h</match>
    <description>zzrt h noalert</description>
  </rule>
  <rule id="990061" level="5">
    <if_sid>990060</if_sid>
    <match>zzrt_hchild</match>
    <description>zzrt h child</description>
  </rule>
  <rule id="990070" level="4">
    <match>zzrt_i</match>
    <description>zzrt i</description>
  </rule>
  <rule id="990071" level="8" frequency="3" timeframe="100">
    <if_matched_sid>990070</if_matched_sid>
    <description>zzrt i freq 3</description>
  </rule>
</group>"#;

#[test]
fn oracle_confirmed_tree_quirks() {
    let (t, p) = tree_of(&[ORACLE_RULES]);
    assert!(p.is_empty(), "{p:?}");
    let run_levels = |logs: &[&str]| -> Vec<Option<(u32, u32)>> {
        let mut s = RuleState::new(&t);
        logs.iter()
            .map(|l| {
                let f = evaluate(&t, &Lists::default(), &mut s, &ev(l), None)?;
                Some((t.rule(f.rule).id, t.rule(f.rule).level))
            })
            .collect()
    };
    // "990001," also hangs the rule under root 1.
    assert_eq!(run_levels(&["zzrt_b"]), vec![Some((990002, 4))]);
    // The level-0 sibling, loaded after the level-9 one, is tried first.
    assert_eq!(run_levels(&["zzrt_c"]), vec![Some((990011, 0))]);
    // accuracy="0" with level 0: sorted as 99 and never set back, so level 99.
    assert_eq!(run_levels(&["zzrt_d"]), vec![Some((990020, 99))]);
    let d = t.rule(t.by_id(990020).expect("rule"));
    assert!(!d.mail(12), "mail is judged on the level as written (0)");
    assert_eq!(
        run_levels(&["zzrt_e 1", "zzrt_e 1", "zzrt_e 2"]),
        vec![None, None, Some((990030, 3))]
    );
    assert_eq!(run_levels(&["zzrt_g"]), vec![Some((990050, 6))]);
    assert_eq!(
        run_levels(&["zzrt_h", "zzrt_h zzrt_hchild"]),
        vec![None, Some((990061, 5))]
    );
    let i = Some((990070, 4));
    assert_eq!(run_levels(&["zzrt_i"; 4]), vec![i, i, Some((990071, 8)), i]);
}

#[test]
fn overwrite_that_adds_context_keeps_the_old_absent_search() {
    // The old rule had no search function; OS_AddRuleInfo copies `context` but not
    // `event_search`, so the new if_matched_sid is never searched.
    let (t, p) = tree_of(&[
        r#"<group name="g,"><rule id="100" level="3"><match>a</match><description>d</description></rule><rule id="101" level="5"><if_sid>100</if_sid><match>b</match><description>d</description></rule></group>"#,
        r#"<group name="g,"><rule id="101" level="6" overwrite="yes"><if_matched_sid>100</if_matched_sid><match>b</match><description>d</description></rule></group>"#,
    ]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(run(&t, &[ev("ab")]), vec![Some(101)]);
    assert_eq!(t.rule(t.by_id(101).expect("101")).level, 6);
}

#[test]
fn hostile_events_and_a_foreign_state_do_not_panic() {
    let t = frequency_tree();
    let mut s = RuleState::new(&RuleTree::default());
    let mut big = vec![b'f'; 2_000_000];
    big.extend_from_slice(b"ail\0fail\xff\xfe");
    let e = Event {
        log: big.clone(),
        full_log: big,
        ..ev("")
    };
    for _ in 0..3 {
        let _ = evaluate(&t, &Lists::default(), &mut s, &e, None);
    }
    let nul_first = Event {
        log: b"\0fail".to_vec(),
        ..ev("")
    };
    // A C string ends at the NUL: "fail" is not seen.
    assert_eq!(
        evaluate(&t, &Lists::default(), &mut s, &nul_first, None),
        None
    );
}

#[test]
fn a_rule_in_two_places_stores_each_event_twice_in_an_if_matched_group_list() {
    // Oracle: 990103 hangs under 990101 and 990102 (if_group), so OS_MarkGroup gives
    // it 990104's list twice; frequency="4" then fires on the 3rd event, not the 4th.
    let (t, p) = tree_of(&[concat!(
        r#"<group name="zzrt,">"#,
        r#"<rule id="990101" level="3"><match>zzrt_m</match><group>zzrtA,</group><description>m</description></rule>"#,
        r#"<rule id="990102" level="3"><match>zzrt_n</match><group>zzrtA,</group><description>n</description></rule>"#,
        r#"<rule id="990103" level="4"><if_group>zzrtA</if_group><match>zzrt_p</match><group>zzrtB,</group><description>p</description></rule>"#,
        r#"<rule id="990104" level="9" frequency="4" timeframe="300"><if_matched_group>zzrtB</if_matched_group><description>f</description></rule>"#,
        r#"</group>"#,
    )]);
    assert!(p.is_empty(), "{p:?}");
    let got = run(
        &t,
        &[
            ev("zzrt_m zzrt_p"),
            ev("zzrt_m zzrt_p"),
            ev("zzrt_m zzrt_p"),
            ev("zzrt_m zzrt_p"),
            ev("zzrt_m zzrt_p"),
        ],
    );
    let (p3, g4) = (Some(990103), Some(990104));
    assert_eq!(got, vec![p3, p3, g4, p3, p3]);
    let r = t.by_id(990104).expect("rule");
    let mut s = RuleState::new(&t);
    for _ in 0..2 {
        evaluate(&t, &Lists::default(), &mut s, &ev("zzrt_m zzrt_p"), None);
    }
    let f = evaluate(&t, &Lists::default(), &mut s, &ev("zzrt_m zzrt_p"), None).expect("fires");
    assert_eq!(f.rule, r);
    let path: Vec<u32> = f.path.iter().map(|&i| t.rule(i).id).collect();
    assert_eq!(path, vec![1, 990101, 990103, 990104]);
}

/// The rule an event ends with in a fresh session, matched with the children index
/// (no trace), then by the full walk (with a trace, nothing is skipped).
fn fast_and_full(t: &RuleTree, e: &Event) -> (Option<u32>, Option<u32>) {
    let run = |trace: Option<&mut Vec<TraceStep>>| {
        let mut s = RuleState::new(t);
        evaluate(t, &Lists::default(), &mut s, e, trace).map(|f| t.rule(f.rule).id)
    };
    let mut steps = Vec::new();
    (run(None), run(Some(&mut steps)))
}

/// The field tests of the children index (siblings testing one field, or the
/// program name, for other values) skip only children that fail anyway: a missing
/// field, a value without the pattern's literals; a negated field or a PCRE2 one is always tried, and
/// field names are compared without ASCII case. Each event ends with the rule the
/// full walk (taken when tracing) ends with.
#[test]
fn the_children_field_tests_skip_only_children_that_fail() {
    let mut rules = String::new();
    for (id, body) in [
        (200, r#"<field name="win.system.eventID">^4624$</field>"#),
        (
            201,
            r#"<field name="win.system.eventID">^4625$|^4771$</field>"#,
        ),
        (
            202,
            r#"<field name="WIN.System.EventID" type="osmatch">4740</field>"#,
        ),
        (
            203,
            r#"<field name="win.system.eventID" type="pcre2">^5\d+$</field>"#,
        ),
        (
            204,
            r#"<field name="win.system.eventID" negate="yes">^4</field>"#,
        ),
        (
            205,
            r#"<field name="other">^x$</field><field name="win.system.eventID">^4688$</field>"#,
        ),
        (206, r#"<field name="other">^y$</field>"#),
        (207, r#"<field name="win.system.eventID">^4698$</field>"#),
        (208, r#"<field name="win.system.eventID">\d</field>"#),
        (209, r#"<program_name>^sshd</program_name>"#),
    ] {
        rules.push_str(&format!(
            r#"<rule id="{id}" level="3">{body}<description>d</description></rule>"#
        ));
    }
    let t = tree(&rules);
    let root = t.roots[0];
    assert!(t.child_index(root).is_some());
    let id = |v: &str| dynf(ev("x"), "win.system.eventID", v);
    let cases = [
        (id("4624"), 200),
        (id("4771"), 201),
        (dynf(ev("x"), "Win.System.EventId", "4740"), 202),
        (id("51"), 203),
        (id("9"), 204),
        (dynf(id("4688"), "other", "x"), 205),
        (dynf(id("4688"), "other", "y"), 206),
        (id("4698"), 207),
        (id("4000"), 208),
        (id("4688"), 208),
        (prog("SSHD-x"), 209),
        (prog("cron"), 0),
        // No child: the parent's own id.
        (ev("no fields"), 0),
    ];
    for (e, want) in cases {
        let (fast, full) = fast_and_full(&t, &e);
        let id = |f: Option<u32>| f.filter(|id| (200..=209).contains(id)).unwrap_or(0);
        assert_eq!((id(fast), id(full)), (want, want), "{:?}", e.dynamic);
    }
}

/// The children index of a node with many children (`decoded_as` gates and the
/// literals of `<match>`/`<regex>`) skips only children that fail anyway: each event
/// ends with the rule the full walk (taken when tracing) ends with, and with the
/// rule `OS_CheckIfRuleMatch`'s order gives.
#[test]
fn the_children_index_skips_only_children_that_fail() {
    let t = tree(
        r#"<rule id="100" level="3"><decoded_as>sshd</decoded_as><match>Failed password</match><description>d</description></rule>
        <rule id="101" level="3"><decoded_as>json</decoded_as><description>d</description></rule>
        <rule id="102" level="3"><match negate="yes">quiet</match><regex>^beta</regex><description>d</description></rule>
        <rule id="103" level="3"><match>alpha|omega</match><description>d</description></rule>
        <rule id="104" level="3"><regex>gamma \d+</regex><description>d</description></rule>
        <rule id="105" level="3"><regex type="pcre2">^delta\d</regex><description>d</description></rule>
        <rule id="106" level="3"><program_name>^cron</program_name><match>session</match><description>d</description></rule>
        <rule id="107" level="3"><match>x|y</match><description>d</description></rule>
        <rule id="108" level="3"><decoded_as>sshd</decoded_as><description>d</description></rule>
        <rule id="109" level="3"><match negate="yes">zzz</match><description>d</description></rule>"#,
    );
    let root = t.roots[0];
    assert!(t.nodes[root].children.len() >= 10 && t.child_index(root).is_some());
    let cases = [
        (decoded(ev("Failed password for root"), "sshd", 7, &[]), 100),
        (decoded(ev("Accepted pass"), "sshd", 7, &[]), 108),
        (decoded(ev("{}"), "json", 9, &[]), 101),
        (ev("beta release"), 102),
        (ev("this is OMEGA"), 103),
        (ev("gamma 12"), 104),
        (ev("delta1"), 105),
        (ev("Delta1"), 109),
        (
            Event {
                program_name: Some(b"cron".to_vec()),
                ..ev("session opened")
            },
            106,
        ),
        (ev("a quiet zzz"), 0),
    ];
    for (e, want) in cases {
        let (fast, full) = fast_and_full(&t, &e);
        let (fast, full) = (fast.unwrap_or(0), full.unwrap_or(0));
        assert_eq!(
            (fast, full),
            (want, want),
            "{:?}",
            String::from_utf8_lossy(&e.log)
        );
    }
}
