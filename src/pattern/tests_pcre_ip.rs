//! PCRE2 and IP-list tests (docs/analysis-patterns.md "PCRE2", "IP lists").

use super::pcre::Pcre;
use super::{Engine, Expression, IpList};

fn caps<'a>(subject: &'a str, m: &super::Match) -> Vec<&'a str> {
    m.captures.iter().map(|r| &subject[r.clone()]).collect()
}

#[test]
fn pcre2_is_case_sensitive_and_reports_the_last_matched_byte() {
    let e = Expression::compile(Engine::Pcre2, r"user (\w+) from (\S+)").expect("compiles");
    let s = "Failed password for user root from 1.2.3.4 port 22";
    let m = e.exec(s.as_bytes()).expect("matches");
    assert_eq!(caps(s, &m), ["root", "1.2.3.4"]);
    assert_eq!(m.end, 41);
    assert_eq!(m.next, 42);
    assert!(!e.is_match(b"Failed password for USER root from 1.2.3.4"));
}

#[test]
fn pcre2_trailing_unset_groups_are_dropped_middle_ones_are_empty() {
    let e = Expression::compile(Engine::Pcre2, r"(a)(x)?(b)(y)?").expect("compiles");
    let m = e.exec(b"ab").expect("matches");
    assert_eq!(caps("ab", &m), ["a", "", "b"]);
}

#[test]
fn pcre2_empty_match_at_the_start_points_before_the_subject() {
    let e = Expression::compile(Engine::Pcre2, "^").expect("compiles");
    let m = e.exec(b"abc").expect("matches");
    assert_eq!((m.end, m.next), (0, 0));
}

#[test]
fn pcre2_is_bytes_not_utf8() {
    let e = Expression::compile(Engine::Pcre2, "^.{2}$").expect("compiles");
    assert!(e.is_match("é".as_bytes()));
    assert!(e.is_match(b"\xff\xfe"));
}

#[test]
fn pcre2_match_limit_is_no_match() {
    let hostile = format!("{}b", "a".repeat(40));
    let small = Pcre::compile_limited(r"^(a+)+$", 10_000).expect("compiles");
    assert!(small.exec(hostile.as_bytes()).is_none());
    // With the daemon's limit the same search also ends, with no match.
    let e = Expression::compile(Engine::Pcre2, r"^(a+)+$").expect("compiles");
    assert!(!e.is_match(hostile.as_bytes()));
    assert!(e.is_match(b"aaaa"));
}

#[test]
fn pcre2_compile_error() {
    assert!(Expression::compile(Engine::Pcre2, "a(b").is_err());
}

fn list(entries: &[&str]) -> IpList {
    let mut l = IpList::default();
    for e in entries {
        l.push(e).expect("valid entry");
    }
    l
}

#[test]
fn ip_list_v4_cidr_and_mask() {
    let l = list(&["10.0.0.0/8", "192.168.1.0/255.255.255.0", "1.2.3.4"]);
    assert!(l.contains(b"10.200.3.4"));
    assert!(l.contains(b"192.168.1.77"));
    assert!(!l.contains(b"192.168.2.1"));
    assert!(l.contains(b"1.2.3.4"));
    assert!(!l.contains(b"1.2.3.5"));
    assert!(!l.contains(b"not an ip"));
    assert!(!l.contains(b"1.2.3.4 "));
    assert!(!l.contains(b"01.2.3.4"));
}

#[test]
fn ip_list_drops_a_leading_bang() {
    let l = list(&["!1.2.3.4"]);
    assert!(l.contains(b"1.2.3.4"));
    assert!(!l.contains(b"1.2.3.5"));
}

#[test]
fn ip_list_v6_and_any() {
    let l = list(&["2001:db8::/32", "::1"]);
    assert!(l.contains(b"2001:db8:1::5"));
    assert!(l.contains(b"::1"));
    assert!(!l.contains(b"2001:db9::1"));
    assert!(!l.contains(b"10.0.0.1"));
    let any = list(&["any"]);
    assert!(any.contains(b"fe80::1"));
}

#[test]
fn ip_list_rejects_what_os_isvalidip_rejects() {
    let mut l = IpList::default();
    for bad in [
        "1.2.3",
        "256.1.1.1",
        "1.2.3.4/33",
        "01.2.3.4",
        "host",
        "",
        "1.2.3.4/",
    ] {
        assert!(l.push(bad).is_err(), "{bad}");
    }
    assert!(l.push("::ffff:1.2.3.4").is_ok());
    assert!(l.push("0.0.0.0/0").is_ok());
    assert!(l.contains(b"8.8.8.8"));
}

#[test]
fn pcre2_subjects_are_cut_at_os_maxstr() {
    // `(\w+)\s+(\d+)x` over 10 MB of `a` is quadratic under any match limit; the
    // daemon never sees a subject over 65536 bytes, so neither does this engine.
    let e = Expression::compile(Engine::Pcre2, r"(\w+)\s+(\d+)x").expect("compiles");
    assert!(!e.is_match(&vec![b'a'; 10 * 1024 * 1024]));
    let mut s = vec![b'a'; 65536];
    s.extend_from_slice(b" 1x");
    assert!(!e.is_match(&s));
    let e = Expression::compile(Engine::Pcre2, "^a+$").expect("compiles");
    assert!(e.is_match(&s));
}

/// The oracle's answers for PCRE2 decoder regexes (same set-up as the OS_Regex
/// oracle test: `order c1,c2,c3`, then `after_regex` PCRE2 `^(.*)$` into `rest`;
/// empty values are not shown by logtest).
#[test]
fn oracle_pcre2_decoder_answers() {
    let table: &[(&str, &str, [&str; 3], &str)] = &[
        (r"(a)(x)?(b)(y)?", "ab", ["a", "", "b"], ""),
        (
            r"user (\w+) from (\S+)",
            "user root from 1.2.3.4 port 22",
            ["root", "1.2.3.4", ""],
            " port 22",
        ),
        ("^", "abc", ["", "", ""], "abc"),
        ("(?i)ABC", "xabcx", ["", "", ""], "x"),
        ("abc", "ABC", ["", "", ""], "ABC"),
        (r"(\d+)", "é123", ["123", "", ""], ""),
        ("(x)|(y)", "y", ["", "y", ""], ""),
        ("(a)(b)?", "ab", ["a", "b", ""], ""),
        ("(a)|b", "b", ["", "", ""], ""),
    ];
    for (pattern, subject, caps, rest) in table {
        let e = Expression::compile(Engine::Pcre2, pattern).expect("compiles");
        let s = subject.as_bytes();
        let (got, next) = match e.exec(s) {
            Some(m) => (m.captures.iter().map(|r| &s[r.clone()]).collect(), m.next),
            None => (Vec::new(), 0),
        };
        for (k, want) in caps.iter().enumerate() {
            assert_eq!(
                got.get(k).copied().unwrap_or_default(),
                want.as_bytes(),
                "{pattern} {k}"
            );
        }
        assert_eq!(&s[next..], rest.as_bytes(), "{pattern} rest");
    }
    // `(a)|b` on "b": group 1 took no part and is the last one, so it is dropped.
    let e = Expression::compile(Engine::Pcre2, "(a)|b").expect("compiles");
    assert!(e.exec(b"b").is_some_and(|m| m.captures.is_empty()));
}

/// The oracle's answers for `<srcip>` lists (rules on a decoded `srcip`); only
/// same-family pairs, since the daemon dereferences NULL across families.
#[test]
fn oracle_ip_list_answers() {
    let v4 = list(&["10.0.0.0/8", "192.168.1.0/255.255.255.0", "!1.2.3.4"]);
    for (value, want) in [
        ("10.200.3.4", true),
        ("11.0.0.1", false),
        ("192.168.1.77", true),
        ("192.168.2.1", false),
        ("1.2.3.4", true),
        ("1.2.3.5", false),
        ("01.2.3.4", false),
        ("host", false),
    ] {
        assert_eq!(v4.contains(value.as_bytes()), want, "{value}");
    }
    let v6 = list(&["2001:db8::/32"]);
    assert!(v6.contains(b"2001:db8:1::5"));
    assert!(!v6.contains(b"2001:db9::1"));
    assert!(!v6.contains(b"::ffff:10.0.0.1"));
    assert!(list(&["2001:db8::/32", "any"]).contains(b"fe80::1"));
}

#[test]
fn pcre2_jit_precheck_keeps_the_interpreters_limit() {
    // The interpreter stops at its limit (no match) before reaching the match that
    // exists; the JIT copy would find it: the answer stays the interpreter's.
    let subject = format!("{}c{}b", "a".repeat(12), "a".repeat(12));
    let limited = Pcre::compile_limited(r"(a+)+b", 1_000).expect("compiles");
    assert!(limited.exec(subject.as_bytes()).is_none());
    let free = Pcre::compile_limited(r"(a+)+b", 10_000_000).expect("compiles");
    let (end, caps) = free.exec(subject.as_bytes()).expect("matches");
    assert_eq!(end, 25);
    assert_eq!(caps, vec![13..25]);
}

#[test]
fn pcre2_quadratic_prematch_answers_no_match_fast() {
    // A Cisco FTD prematch of the shipped decoders over a 60 kB line without `%`.
    let e =
        Expression::compile(Engine::Pcre2, r"[^%]*%FTD-[0-7]-[^:\s]+[:\s].*").expect("compiles");
    let line = "x-y ".repeat(15_000);
    assert!(!e.is_match(line.as_bytes()));
    assert!(e.is_match(format!("{line}%FTD-4-711004: done").as_bytes()));
}
