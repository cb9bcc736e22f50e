//! OS_Match and OS_WordMatch vectors: cases worked out by hand from
//! `src/os_regex/os_match.c` (checked against the C code) and answers of
//! `src/os_regex/*.c` v4.14.7 compiled into a small driver
//! (docs/analysis-patterns.md "How this was checked").

use super::{Engine, Expression, word_match};

#[test]
fn os_match_vectors() {
    let table: &[(&str, &str, bool)] = &[
        ("Failed password", "sshd: FAILED PASSWORD for x", true),
        ("def$", "abcDEF", true),
        ("!abc", "xabcx", false),
        ("!abc", "xyz", true),
        ("a.c", "abc", false),
        ("a.c", "xa.cx", true),
        ("a||b", "zzz", true),
        ("^$", "", true),
        ("^$", "x", false),
        ("^", "x", true),
        ("$", "x", true),
        ("x|", "q", true),
        ("|x", "q", true),
        ("^abc$", "ABC", true),
        ("^abc$", "abcd", false),
        ("^ab", "abc", true),
        ("^ab", "xab", false),
        ("bc$", "abc", true),
        ("bc$", "bcx", false),
        ("a\\d", "a\\d", true),
        ("a\\d", "a1", false),
        ("!", "x", false),
        ("!", "", false),
        ("a|b|c", "xxc", true),
        ("^x|y$", "ay", true),
        ("^x|y$", "ya", false),
        ("abcdef", "abc", false),
        ("ssh", "", false),
    ];
    for (pattern, subject, want) in table {
        let m = Expression::compile(Engine::OsMatch, pattern).expect("compiles");
        assert_eq!(
            m.is_match(subject.as_bytes()),
            *want,
            "{pattern:?} on {subject:?}"
        );
    }
}

#[test]
fn os_match_over_the_limit_does_not_compile() {
    assert!(Expression::compile(Engine::OsMatch, &"a".repeat(20480)).is_ok());
    assert!(Expression::compile(Engine::OsMatch, &"a".repeat(20481)).is_err());
}

#[test]
fn os_match_stops_at_a_nul_byte() {
    let m = Expression::compile(Engine::OsMatch, "def").expect("compiles");
    assert!(!m.is_match(b"abc\0def"));
}

#[test]
fn word_match_vectors() {
    let table: &[(&str, &str, bool)] = &[
        (
            "authentication_failed",
            "syslog,win_authentication_failed,",
            true,
        ),
        ("authentication_failed", "syslog,sshd,", false),
        ("^syslog", "syslog,sshd", true),
        ("^sshd", "syslog,sshd", false),
        ("sshd|web", "syslog,WEB,", true),
        ("a||b", "x", false),
        ("a||b", "xb", true),
        ("a|", "x", true),
        ("|a", "x", false),
        ("x", "", false),
        ("^", "x", true),
        ("a|^", "zz", true),
        ("x|y", "aY", true),
        // An empty pattern matches nothing.
        ("", "x", false),
    ];
    for (pattern, subject, want) in table {
        assert_eq!(
            word_match(pattern, subject.as_bytes()),
            *want,
            "{pattern:?} on {subject:?}"
        );
    }
}

#[test]
fn string_engine_is_byte_equality() {
    let e = Expression::compile(Engine::String, "Accept").expect("compiles");
    assert!(e.is_match(b"Accept"));
    assert!(!e.is_match(b"accept"));
    assert!(!e.is_match(b"Accepted"));
    assert!(e.is_match(b"Accept\0junk"));
}

/// Differential check against `src/os_regex` compiled into a driver
/// (docs/analysis-patterns.md "How this was checked"): `OSMATCH_CASES` holds
/// `pattern<TAB>subject` lines, `OSMATCH_EXPECTED` the driver's `0`/`1`/`error`
/// answers, `OSMATCH_MODE` is `m` (OS_Match) or `w` (OS_WordMatch).
#[test]
#[ignore = "needs the C driver's output files"]
fn differential_against_the_c_driver() {
    let read = |v: &str| std::fs::read_to_string(std::env::var(v).expect(v)).expect("read");
    let (cases, expected) = (read("OSMATCH_CASES"), read("OSMATCH_EXPECTED"));
    let word = std::env::var("OSMATCH_MODE").as_deref() == Ok("w");
    let mut bad = 0;
    for (line, want) in cases.lines().zip(expected.lines()) {
        let Some((p, s)) = line.split_once('\t') else {
            continue;
        };
        let got = if word {
            u8::from(word_match(p, s.as_bytes())).to_string()
        } else {
            match Expression::compile(Engine::OsMatch, p) {
                Ok(m) => u8::from(m.is_match(s.as_bytes())).to_string(),
                Err(_) => "error".to_string(),
            }
        };
        if got != want {
            bad += 1;
            if bad <= 30 {
                eprintln!("{p:?} on {s:?}: C {want}, Rust {got}");
            }
        }
    }
    assert_eq!(bad, 0, "{bad} differences");
}
