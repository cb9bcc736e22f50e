//! Decoding tests against the answers of Wazuh 4.14.7's `wazuh-logtest` (the oracle)
//! for the decoders of `tests/fixtures/decoders_oracle.xml`, which were installed in
//! the oracle's `etc/decoders` when the answers were recorded.

use super::decode::{DecodeState, decode};
use super::event::{Category, Event, StaticField};
use crate::rules::decoders::{self, DecoderSet};

const ORACLE_DECODERS: &str = include_str!("../../tests/fixtures/decoders_oracle.xml");

fn set() -> DecoderSet {
    let (set, problems) =
        decoders::load(&[("zz_decoders_test.xml".into(), ORACLE_DECODERS.to_string())]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

fn event(program: Option<&str>, log: &str) -> Event {
    Event {
        log: log.as_bytes().to_vec(),
        full_log: log.as_bytes().to_vec(),
        program_name: program.map(|p| p.as_bytes().to_vec()),
        hostname: b"vm".to_vec(),
        location: b"stdin".to_vec(),
        agent_id: "000".into(),
        ..Event::default()
    }
}

/// The decoder block and the data of the logtest output: (name, parent), then
/// every non-empty field as `key=value`, statics first.
fn run(
    set: &DecoderSet,
    state: &mut DecodeState,
    program: Option<&str>,
    log: &str,
) -> (Reported, Vec<String>, Event) {
    let mut e = event(program, log);
    decode(set, state, &mut e);
    let name = e
        .decoder
        .as_ref()
        .map(|d| (d.name.to_string(), d.parent.as_deref().map(str::to_string)));
    let mut data: Vec<String> = StaticField::ALL
        .iter()
        .filter_map(|f| {
            e.get(*f)
                .map(|v| format!("{}={}", f.name(), String::from_utf8_lossy(v)))
        })
        .collect();
    data.extend(
        e.dynamic
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    String::from_utf8_lossy(k),
                    String::from_utf8_lossy(v)
                )
            }),
    );
    (name, data, e)
}

/// The reported decoder name and parent.
type Reported = Option<(String, Option<String>)>;

fn named(name: &str, parent: Option<&str>) -> (String, Option<String>) {
    (name.to_string(), parent.map(str::to_string))
}

/// Oracle: `ZZROOT a foo bar baz` → decoder zzdec_root (parent zzdec_root),
/// data {srcuser: foo, x.y: bar}: the after_regex sibling starts at the 2nd byte of
/// `bar` (the end-pointer quirk) and does not match.
#[test]
fn renamed_child_with_prematch_after_parent_and_regex_after_prematch() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, data, _) = run(&s, &mut st, None, "ZZROOT a foo bar baz");
    assert_eq!(d, Some(named("zzdec_root", Some("zzdec_root"))));
    assert_eq!(data, ["srcuser=foo", "x.y=bar"]);
}

/// Oracle: `ZZROOT b usr1  second` → zzdec_c2 (use_own_name), parent zzdec_root,
/// ftscomment and accumulate reported, data {dstuser: second, Dyn: usr1}; rule 4100
/// fired, so the type is firewall. The two `<regex>` elements are concatenated.
#[test]
fn own_name_concatenated_regex_type_fts_and_user_alias() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, data, e) = run(&s, &mut st, None, "ZZROOT b usr1  second");
    assert_eq!(d, Some(named("zzdec_c2", Some("zzdec_root"))));
    assert_eq!(data, ["dstuser=second", "Dyn=usr1"]);
    let by = e.decoder.expect("decoded");
    assert_eq!(by.ftscomment.as_deref(), Some("zz comment"));
    assert!(by.accumulate);
    assert_eq!(*by.fts, ["user", "dyn"]);
    assert_eq!(e.category, Category::Firewall);
    assert_eq!(Some(by.id), s.id_of("zzdec_c2"));
}

/// Oracle: `ZZROOT b usr2` → zzdec_c2 with no data (the regex does not match).
#[test]
fn failing_regex_leaves_the_decoder_without_fields() {
    let s = set();
    let (d, data, _) = run(&s, &mut DecodeState::default(), None, "ZZROOT b usr2");
    assert_eq!(d, Some(named("zzdec_c2", Some("zzdec_root"))));
    assert!(data.is_empty(), "{data:?}");
}

/// Oracle: `ZZROOT c nothing` → zzdec_root with no parent and no data (no child
/// taken; the get_next group of zzdec_c1 is skipped as a whole); `ZZROOT` → `{}`.
#[test]
fn no_child_taken_reports_the_root_and_no_match_reports_nothing() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, data, e) = run(&s, &mut st, None, "ZZROOT c nothing");
    assert_eq!(d, Some(named("zzdec_root", None)));
    assert!(data.is_empty());
    assert_eq!(e.category, Category::Syslog);
    let (d, _, _) = run(&s, &mut st, None, "ZZROOT");
    assert_eq!(d, None);
}

/// Oracle, after a syslog header with program `zzprog`: `a=b c=d` → zzdec_pn,
/// {k: a, v: b, k2: c, v2: d}; `a=bcd xy=z` → {k: a, v: bcd}; `nothing` → no data.
#[test]
fn program_name_root_and_after_regex_sibling() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, data, _) = run(&s, &mut st, Some("zzprog"), "a=b c=d");
    // The children have no prematch: decoder_info stays the root (no parent shown).
    assert_eq!(d, Some(named("zzdec_pn", None)));
    assert_eq!(data, ["k=a", "v=b", "k2=c", "v2=d"]);
    let (_, data, _) = run(&s, &mut st, Some("zzprog"), "a=bcd xy=z");
    assert_eq!(data, ["k=a", "v=bcd"]);
    let (d, data, _) = run(&s, &mut st, Some("zzprog"), "nothing");
    assert_eq!(d, Some(named("zzdec_pn", None)));
    assert!(data.is_empty());
}

/// Oracle: a line with program `other` whose text is `ZZJSON {"a":1}` is not decoded
/// (`{}`): an event with a program name only tries the program_name roots.
#[test]
fn program_name_events_never_try_the_other_list() {
    let s = set();
    let (d, _, _) = run(
        &s,
        &mut DecodeState::default(),
        Some("other"),
        "ZZJSON {\"a\":1}",
    );
    assert_eq!(d, None);
}

/// Oracle: `ZZKES {"a":1}` → zzdec_kes, no data, no rule 4100: the prematch-less
/// child runs its JSON plugin with the root's offset (the whole log, not JSON) and
/// the root's type (syslog), not the child's firewall.
#[test]
fn prematch_less_child_keeps_the_root_as_decoder_info() {
    let s = set();
    let (d, data, e) = run(&s, &mut DecodeState::default(), None, "ZZKES {\"a\":1}");
    assert_eq!(d, Some(named("zzdec_kes", None)));
    assert!(data.is_empty());
    assert_eq!(e.category, Category::Syslog);
}

/// Oracle: `ZZCAT xx 1.1.1.1 2.2.2.2` → zzdec_cat (renamed child), {srcip: 1.1.1.1}
/// (the later capture overwrites), no rule 4100 (the child's own type, syslog, is
/// used, not the root's firewall); `ZZCAT y` → the root, rule 4100 (firewall).
#[test]
fn child_type_is_not_inherited_and_static_fields_overwrite() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, data, e) = run(&s, &mut st, None, "ZZCAT xx 1.1.1.1 2.2.2.2");
    assert_eq!(d, Some(named("zzdec_cat", Some("zzdec_cat"))));
    assert_eq!(data, ["srcip=1.1.1.1"]);
    assert_eq!(e.category, Category::Syslog);
    let (_, _, e) = run(&s, &mut st, None, "ZZCAT y");
    assert_eq!(e.category, Category::Firewall);
}

/// The dynamic field `name` after decoding `line`.
fn field(e: &Event, name: &str) -> Option<String> {
    e.dynamic(name.as_bytes())
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Oracle (rule description `$(a)`, which prints the field as stored): arrays are
/// `cJSON_Print` text; an empty array is stored as `[]`.
#[test]
fn json_arrays_are_cjson_print_text() {
    let s = set();
    let line =
        r#"ZZJSON {"a":["x","y",1,1.5,null,true,[1,2],{"k":"v","n":{}},{}],"b":[],"c":[[]]}"#;
    let (d, _, e) = run(&s, &mut DecodeState::default(), None, line);
    assert_eq!(d, Some(named("zzdec_json", None)));
    assert_eq!(
        field(&e, "a").as_deref(),
        Some(
            "[\"x\", \"y\", 1, 1.5, null, true, [1, 2], {\n\t\t\"k\":\t\"v\",\n\t\t\"n\":\t{\n\t\t}\n\t}, {\n\t}]"
        )
    );
    assert_eq!(field(&e, "b").as_deref(), Some("[]"));
    assert_eq!(field(&e, "c").as_deref(), Some("[[]]"));
}

/// Oracle: numbers inside arrays print as `%1.15g` (or `%1.17g` when that does not
/// read back), inf as `null`; strings escape `"` `\` and control bytes, keep `/` and
/// UTF-8 as is.
#[test]
fn json_array_numbers_and_strings_print_as_cjson() {
    let s = set();
    let line = r#"ZZJSON {"a":[0.1,1e20,3e9,-0.0,1.0,123456789012,1e400,-2147483648,2147483647,2147483648,0.30000000000000004,1e-7,"q\"\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00",-1.5e300],"b":1.5,"c":3e9}"#;
    let (_, _, e) = run(&s, &mut DecodeState::default(), None, line);
    assert_eq!(
        field(&e, "a").as_deref(),
        Some(
            "[0.1, 1e+20, 3000000000, -0, 1, 123456789012, null, -2147483648, 2147483647, 2147483648, 0.3, 1e-07, \"q\\\"\\\\/\\b\\f\\n\\r\\t\\u0001é😀\", -1.5e+300]"
        )
    );
    assert_eq!(field(&e, "b").as_deref(), Some("1.500000"));
    assert_eq!(field(&e, "c").as_deref(), Some("3000000000.000000"));
}

/// Oracle: top-level numbers are `%i` when `valueint` equals the value, else `%f`
/// cut to 63 bytes; inf is `inf`, -0 is `0`.
#[test]
fn json_scalar_numbers_use_percent_i_or_percent_f() {
    let s = set();
    let mut st = DecodeState::default();
    let (_, _, e) = run(
        &s,
        &mut st,
        None,
        r#"ZZJSON {"a":1e400,"b":-0.0,"c":2147483647.5}"#,
    );
    assert_eq!(
        (field(&e, "a"), field(&e, "b"), field(&e, "c")),
        (
            Some("inf".into()),
            Some("0".into()),
            Some("2147483647.500000".into())
        )
    );
    let (_, _, e) = run(
        &s,
        &mut st,
        None,
        r#"ZZJSON {"a":2147483648,"b":-2147483649,"c":1e300}"#,
    );
    assert_eq!(field(&e, "a").as_deref(), Some("2147483648.000000"));
    assert_eq!(field(&e, "b").as_deref(), Some("-2147483649.000000"));
    assert_eq!(
        field(&e, "c").as_deref(),
        Some("100000000000000005250476025520442024870446858110815915491585411")
    );
}

/// Oracle: `\u00zz` gives a NUL (the value is ""), `x\u0000y` is `x`, null is the
/// text `null`, and text after the object is accepted.
#[test]
fn json_nul_escapes_null_and_trailing_text() {
    let s = set();
    let (d, _, e) = run(
        &s,
        &mut DecodeState::default(),
        None,
        r#"ZZJSON {"a":"\u00zz","b":"x\u0000y","c":null} trailing"#,
    );
    assert_eq!(d, Some(named("zzdec_json", None)));
    assert_eq!(
        (field(&e, "a"), field(&e, "b"), field(&e, "c")),
        (Some(String::new()), Some("x".into()), Some("null".into()))
    );
}

/// Oracle (decoder with csv arrays and discarded nulls): `[1,[2],3]` → `1,3`,
/// `[1,[2]]` → `1,`, scalars of every kind joined; an empty result is not stored.
#[test]
fn json_csv_arrays_and_discarded_nulls() {
    let s = set();
    let mut st = DecodeState::default();
    let (d, _, e) = run(
        &s,
        &mut st,
        None,
        r#"ZZJCSV {"a":[1,[2],3],"b":[1,[2]],"c":[null,"s",true,false,1.5,{}]}"#,
    );
    assert_eq!(d, Some(named("zzdec_jcsv", None)));
    assert_eq!(field(&e, "a").as_deref(), Some("1,3"));
    assert_eq!(field(&e, "b").as_deref(), Some("1,"));
    assert_eq!(
        field(&e, "c").as_deref(),
        Some("null,s,true,false,1.500000,")
    );
    let (_, data, e) = run(&s, &mut st, None, r#"ZZJCSV {"a":[],"b":null,"c":[[1]]}"#);
    assert!(data.is_empty() && e.dynamic.is_empty(), "{data:?}");
}

/// Oracle, one session (rule ids give the type: 20101 ids, 4100 firewall, 35000
/// squid, none syslog): the SonicWall plugin's fields and the type it gives its
/// decoder by category and message id.
#[test]
fn sonicwall_plugin_fields_and_types() {
    let s = set();
    let mut st = DecodeState::default();
    let cases: [(&str, &[&str], Category); 5] = [
        (
            "ZZSONIC pri=1 c=32 m=30 msg=\"x\" n=7 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000",
            &[
                "srcip=2.2.2.2",
                "dstip=1.1.1.1",
                "srcport=36701",
                "dstport=50000",
                "protocol=tcp",
                "id=30",
                "status=1",
            ],
            Category::Ids,
        ),
        (
            "ZZSONIC pri=6 c=262144 m=98 msg=\"Connection Opened\" n=23419 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000",
            &[
                "srcip=2.2.2.2",
                "dstip=1.1.1.1",
                "srcport=36701",
                "dstport=50000",
                "protocol=tcp",
                "action=pass",
                "id=98",
                "status=6",
            ],
            Category::Firewall,
        ),
        (
            "ZZSONIC pri=6 c=1 m=97 n=1 src=2.2.2.2:36701:WAN dst=1.1.1.1:80:WAN proto=tcp/http result=200 dstname=example.com arg=/index.html",
            &[
                "srcip=2.2.2.2",
                "dstip=1.1.1.1",
                "srcport=36701",
                "dstport=80",
                "protocol=tcp",
                "id=200",
                "status=6",
                "url=example.com/index.html",
            ],
            Category::Squid,
        ),
        (
            "ZZSONIC pri=6 c=1 m=537 n=1 src=2.2.2.2:36701:WAN dst=1.1.1.1:80:WAN protoxx",
            &[
                "srcip=2.2.2.2",
                "dstip=1.1.1.1",
                "srcport=36701",
                "dstport=80",
                "action=close",
                "id=537",
                "status=6",
            ],
            Category::Firewall,
        ),
        (
            "ZZSONIC pri=6 c=1 m=5 x",
            &["id=5", "status=6"],
            Category::Syslog,
        ),
    ];
    for (line, want, category) in cases {
        let (d, mut data, e) = run(&s, &mut st, None, line);
        assert_eq!(d, Some(named("zzdec_sonic", None)));
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        data.sort();
        want.sort();
        assert_eq!(data, want, "{line}");
        assert_eq!(e.category, category, "{line}");
    }
}

/// Oracle, one session: the accumulator lends srcip and dstuser between events of
/// the same id, not to another id, and keeps a value the event has.
#[test]
fn accumulate_lends_fields_between_events_of_one_id() {
    let s = set();
    let mut st = DecodeState::default();
    let lines: [(&str, &[&str]); 4] = [
        (
            "ZZACC 7 ip=1.1.1.1 u=;",
            &["srcip=1.1.1.1", "dstuser=", "id=7"],
        ),
        (
            "ZZACC 7 ip= u=bob;",
            &["srcip=1.1.1.1", "dstuser=bob", "id=7"],
        ),
        ("ZZACC 8 ip= u=;", &["srcip=", "dstuser=", "id=8"]),
        (
            "ZZACC 7 ip=3.3.3.3 u=;",
            &["srcip=3.3.3.3", "dstuser=bob", "id=7"],
        ),
    ];
    for (line, want) in lines {
        let (d, data, e) = run(&s, &mut st, None, line);
        assert_eq!(d, Some(named("zzdec_acc", None)));
        assert!(e.decoder.as_ref().is_some_and(|d| d.accumulate));
        assert_eq!(data, *want, "{line}");
    }
}

/// Oracle: `user` goes to dstuser while dstuser is unset, a later `dstuser`
/// overwrites, a later `user` becomes dynamic; `systemname` is the static slot,
/// `system_name` a dynamic field; static mapping needs the full key (`n.srcip` is
/// dynamic); the last `srcip` wins.
#[test]
fn json_static_mapping() {
    let s = set();
    let line = r#"ZZJSON {"user":"a","dstuser":"b","user":"c","systemname":"s","system_name":"t","n":{"srcip":"1.2.3.4"},"srcip":"5.6.7.8","srcip":"9.9.9.9"}"#;
    let (_, data, _) = run(&s, &mut DecodeState::default(), None, line);
    assert_eq!(
        data,
        [
            "srcip=9.9.9.9",
            "dstuser=b",
            "system_name=s",
            "user=c",
            "system_name=t",
            "n.srcip=1.2.3.4"
        ]
    );
}

/// `cJSON_Parse` returns no tree for a text it refuses, however far it got: the
/// decoder fills no field from it, static (`srcip`, `user`) or dynamic, and the
/// fields set before stay as they were.
#[test]
fn json_that_fails_late_fills_nothing() {
    let s = set();
    let mut e = event(
        None,
        r#"ZZJSON {"srcip":"1.2.3.4","user":"u","a":{"b":1},"c":2,}"#,
    );
    e.set(StaticField::SrcIp, b"5.6.7.8".to_vec());
    e.dynamic.push(b"before", b"x");
    decode(&s, &mut DecodeState::default(), &mut e);
    assert_eq!(e.get(StaticField::SrcIp), Some(&b"5.6.7.8"[..]));
    assert_eq!(e.get(StaticField::DstUser), None);
    assert_eq!(
        e.dynamic.iter().collect::<Vec<_>>(),
        [(&b"before"[..], &b"x"[..])]
    );
    let mut e = event(
        None,
        r#"ZZJSON {"srcip":"1.2.3.4","user":"u","a":{"b":1},"c":2}"#,
    );
    decode(&s, &mut DecodeState::default(), &mut e);
    assert_eq!(e.get(StaticField::SrcIp), Some(&b"1.2.3.4"[..]));
    assert_eq!(e.get(StaticField::DstUser), Some(&b"u"[..]));
    assert_eq!(e.dynamic.len(), 2);
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn any_line() -> impl Strategy<Value = Vec<u8>> {
        let prefix = prop::sample::select(vec![
            &b"ZZJSON "[..],
            b"ZZJCSV ",
            b"ZZROOT a ",
            b"ZZROOT b ",
            b"ZZSONIC pri=1 c=32 m=97 ",
            b"ZZACC ",
            b"ZZCAT x",
            b"",
        ]);
        (prefix, prop::collection::vec(any::<u8>(), 0..200))
            .prop_map(|(p, rest)| [p, &rest[..]].concat())
    }

    proptest! {
        /// Any bytes, with or without a program name: decoding never panics.
        #[test]
        fn decoding_never_panics(line in any_line(), pn in proptest::option::of("zzprog|other")) {
            let s = set();
            let mut st = DecodeState::default();
            let mut e = event(pn.as_deref(), "");
            e.log = line;
            decode(&s, &mut st, &mut e);
        }
    }

    /// A 10 MB line, deep JSON nesting and NUL bytes are handled.
    #[test]
    fn huge_deep_and_nul_lines() {
        let s = set();
        let mut st = DecodeState::default();
        let mut e = event(None, "");
        e.log = [&b"ZZJSON "[..], &vec![b'['; 10_000_000]].concat();
        decode(&s, &mut st, &mut e);
        assert!(e.dynamic.is_empty());
        e.log = format!("ZZJSON {{\"a\":{}1{}}}", "[".repeat(999), "]".repeat(999)).into_bytes();
        e.dynamic.clear();
        decode(&s, &mut st, &mut e);
        assert_eq!(e.dynamic.len(), 1);
        e.log = b"ZZJSON {\"a\":1}\0{\"b\":2}".to_vec();
        e.dynamic.clear();
        decode(&s, &mut st, &mut e);
        assert_eq!(field(&e, "a").as_deref(), Some("1"));
        assert_eq!(e.dynamic.len(), 1);
    }

    /// json_decoder.c `fillData`: no dynamic field past 256.
    #[test]
    fn json_keeps_at_most_256_dynamic_fields() {
        let s = set();
        let body: Vec<String> = (0..300).map(|i| format!("\"k{i}\":{i}")).collect();
        let mut e = event(None, &format!("ZZJSON {{{}}}", body.join(",")));
        decode(&s, &mut DecodeState::default(), &mut e);
        assert_eq!(e.dynamic.len(), 256);
        assert_eq!(field(&e, "k255").as_deref(), Some("255"));
    }
}

/// The pieces decoding hands on to the rules are those of `log` as decoding left
/// it, whether a root matched or not.
#[test]
fn the_pieces_handed_on_are_those_of_the_decoded_log() {
    let s = set();
    let mut handed = 0;
    for (program, log) in [
        (None, "ZZROOT b usr2"),
        (None, "nothing matches this line"),
        (Some("zzprog"), "a b c"),
        (None, r#"{"a": {"b": 1}}"#),
    ] {
        let (_, _, e) = run(&s, &mut DecodeState::default(), program, log);
        if let Some(p) = &e.pieces {
            assert_eq!(p, &crate::pattern::Present::of(&e.log), "{log}");
            handed += 1;
        }
    }
    assert!(handed >= 2, "{handed}");
}
