//! The fast paths of OS_Regex (literal prefilter) and OS_Match (in-place
//! case-insensitive search) against their references, on every pattern the
//! shipped decoders and rules hold over every log line of the ruleset tests, and on
//! random patterns and subjects.

use proptest::prelude::*;

use super::osmatch::OsMatch;
use super::osregex::OsRegex;
use super::{Engine, Expression, Prefilter, Present};

/// Text between `<tag…>` and the next `</`, for the pattern options.
fn patterns_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in [
        "<regex",
        "<prematch",
        "<match",
        "<program_name",
        "<hostname",
        "<user",
        "<srcip",
        "<url",
        "<field",
        "<id>",
        "<action",
        "<status",
        "<extra_data",
        "<location",
        "<system_name",
        "<protocol",
        "<data",
    ] {
        for piece in text.split(tag).skip(1) {
            if let Some(gt) = piece.find('>')
                && let Some(end) = piece[gt..].find("</")
            {
                let raw = &piece[gt + 1..gt + end];
                out.push(
                    raw.replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&"),
                );
            }
        }
    }
    out
}

fn corpus() -> Option<(Vec<String>, Vec<String>)> {
    let root = crate::testing::corpus("wazuh/ruleset")?;
    let mut patterns = Vec::new();
    for dir in ["decoders", "rules", "testing/ruleset"] {
        for e in std::fs::read_dir(root.join(dir)).ok()?.flatten() {
            patterns.extend(patterns_in(
                &std::fs::read_to_string(e.path()).unwrap_or_default(),
            ));
        }
    }
    patterns.sort();
    patterns.dedup();
    let mut lines = Vec::new();
    for e in std::fs::read_dir(root.join("testing/tests"))
        .ok()?
        .flatten()
    {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        for l in text.lines() {
            if let Some((k, v)) = l.split_once('=')
                && k.trim().starts_with("log")
            {
                lines.push(v.trim().to_string());
            }
        }
    }
    Some((patterns, lines))
}

/// Every shipped pattern over every test line, and over each line's suffixes that
/// decoders feed (after the first space and colon), as OS_Regex with and without
/// captures and as OS_Match (minutes in a debug build: run it with `--release
/// --ignored`).
#[test]
#[ignore = "slow corpus sweep"]
fn fast_paths_agree_on_the_corpus() {
    let Some((patterns, lines)) = corpus() else {
        return;
    };
    let mut subjects: Vec<&[u8]> = Vec::new();
    for l in &lines {
        let b = l.as_bytes();
        subjects.push(b);
        for sep in [b' ', b':'] {
            if let Some(i) = memchr::memchr(sep, b) {
                subjects.push(&b[i + 1..]);
            }
        }
    }
    let (mut compared, mut matched) = (0usize, 0usize);
    for p in &patterns {
        for captures in [false, true] {
            let Ok(re) = OsRegex::compile(p.as_bytes(), captures) else {
                continue;
            };
            for s in &subjects {
                let fast = re.exec(s);
                assert_eq!(
                    fast,
                    re.exec_unfiltered(s),
                    "{p:?} on {:?}",
                    String::from_utf8_lossy(s)
                );
                compared += 1;
                matched += usize::from(fast.is_some());
            }
        }
        if let Ok(m) = OsMatch::compile(p.as_bytes()) {
            for s in &subjects {
                assert_eq!(
                    m.is_match(s),
                    m.is_match_lowering(s),
                    "{p:?} on {:?}",
                    String::from_utf8_lossy(s)
                );
            }
        }
    }
    assert!(
        compared > 1_000_000 && matched > 10_000,
        "{compared} {matched}"
    );
    prefilter_agrees(&patterns, &subjects);
}

/// What one [`Prefilter`] over all `patterns` (as each engine) rules out never
/// matches.
fn prefilter_agrees(patterns: &[String], subjects: &[&[u8]]) {
    let mut exprs = Vec::new();
    for p in patterns {
        for engine in [Engine::OsRegex, Engine::OsMatch, Engine::Pcre2] {
            exprs.extend(Expression::compile_without_captures(engine, p).ok());
        }
    }
    let filter = Prefilter::new(exprs.iter().map(Some));
    let mut ruled_out = 0usize;
    for s in subjects {
        let present = Present::of(s);
        for (i, e) in exprs.iter().enumerate() {
            if !filter.may_match(i, &present) {
                assert!(!e.is_match(s), "{i} on {:?}", String::from_utf8_lossy(s));
                ruled_out += 1;
            }
        }
    }
    assert!(ruled_out > 100_000, "{ruled_out}");
}

/// A pattern of random atoms: literals (some upper case), classes with and without
/// quantifiers, capture groups, alternation, anchors.
fn pattern() -> impl Strategy<Value = String> {
    let atom = prop::sample::select(vec![
        "a", "B", "x", " ", "1", "+", "$", "^", "\\w", "\\d", "\\s", "\\S", "\\.", "\\p", "\\w+",
        "\\d+", "\\s*", "\\S+", "\\.*", "\\W+", "\\D*", "(", ")", "|", "\\s+", "\\(", "\\$",
    ]);
    prop::collection::vec(atom, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]
    #[test]
    fn os_regex_prefilter_agrees(p in pattern(), s in "[aAbBx1 z+$(]{0,24}", captures: bool) {
        if let Ok(re) = OsRegex::compile(p.as_bytes(), captures) {
            prop_assert_eq!(re.exec(s.as_bytes()), re.exec_unfiltered(s.as_bytes()));
        }
    }

    #[test]
    fn prefilter_never_rules_out_a_match(
        ps in prop::collection::vec((pattern(), any::<bool>()), 1..8),
        s in "[aAbBx1 z+$(]{0,12}",
    ) {
        let exprs: Vec<Expression> = ps
            .iter()
            .filter_map(|(p, regex)| {
                let engine = if *regex { Engine::OsRegex } else { Engine::OsMatch };
                Expression::compile_without_captures(engine, p).ok()
            })
            .collect();
        let filter = Prefilter::new(exprs.iter().map(Some));
        let present = Present::of(s.as_bytes());
        for (i, e) in exprs.iter().enumerate() {
            if !filter.may_match(i, &present) {
                prop_assert!(!e.is_match(s.as_bytes()));
            }
        }
    }

    #[test]
    fn os_match_search_agrees(p in "!?\\^?[aAbx| $^]{0,8}", s in "[aAbBx $^]{0,12}") {
        if let Ok(m) = OsMatch::compile(p.as_bytes()) {
            prop_assert_eq!(m.is_match(s.as_bytes()), m.is_match_lowering(s.as_bytes()));
        }
    }
}

/// The one way `_OS_Regex` succeeds without consuming a literal: a class that misses
/// while a quantifier runs, one byte before the pattern's end.
#[test]
fn a_final_literal_after_a_class_is_not_required() {
    let re = OsRegex::compile(br"\w+\d\dx", false).expect("compiles");
    assert!(re.exec(b"ab1z").is_some());
    assert_eq!(re.exec(b"ab1z"), re.exec_unfiltered(b"ab1z"));
}

/// Why a class of one byte (`\s`, `\$`) is not taken as a literal of a run: a `+`
/// may take nothing while the quantifier before it still runs, and after the
/// subject's last byte the end tests step over classes.
#[test]
fn one_byte_classes_are_not_required_bytes() {
    for (p, s) in [(&br"\S+\S\s+\w"[..], &b"zAA"[..]), (br"\w+\$\s*", b"x")] {
        let re = OsRegex::compile(p, false).expect("compiles");
        assert!(re.exec_unfiltered(s).is_some(), "{p:?}");
        assert_eq!(re.exec(s), re.exec_unfiltered(s), "{p:?}");
    }
}

/// The literal runs of a compiled alternative (`\d` is `\` and code 1, both
/// parentheses are the marker `(`): each is required, repeats once.
#[test]
fn every_literal_run_is_required() {
    use super::literal::{needle, runs};
    let pat = b"ab\\\x01+b(cd(b";
    assert_eq!(
        runs(pat),
        vec![b"ab".to_vec(), b"b".to_vec(), b"cd".to_vec()]
    );
    assert_eq!(needle(pat), b"ab".to_vec());
    // A literal that ends the alternative right after a class is not required.
    assert_eq!(runs(b"x\\\x02y"), vec![b"x".to_vec()]);
    // The Cisco IOS prematch: `:` and `%` (a JSON line has the one, not the other).
    let re = OsRegex::compile(br"\p*\w+\s+\d*\s\d+:\d+:\d+:\s+%|", false).expect("compiles");
    let line = br#"{"win":{"system":{"time":"2024-01-01T10:11:12"}}}"#;
    assert_eq!(re.exec(line), re.exec_unfiltered(line));
}

/// The pieces of a subject are case folded by one bit, which merges a few
/// punctuation bytes too (`[` with `{`): such a subject may be asked to run an
/// expression that then fails, but a subject holding the needle in any case is
/// never ruled out, and one missing a piece of it is.
#[test]
fn pieces_fold_case_and_rule_out_only_absent_needles() {
    let e = Expression::compile_without_captures(Engine::OsMatch, "a[bc").expect("compiles");
    let filter = Prefilter::new([Some(&e)]);
    let may = |s: &[u8]| filter.may_match(0, &Present::of(s));
    assert!(may(b"x A[BC y") && e.is_match(b"x A[BC y"));
    assert!(may(b"x a{bc y") && !e.is_match(b"x a{bc y"));
    assert!(!may(b"x a[b c"));
    assert!(!may(b"a[b\0c"), "the subject ends at its NUL");
}
