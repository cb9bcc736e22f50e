//! OS_Regex vectors. Expected values: cases worked out by hand from
//! `src/os_regex/os_regex.c` (verified by running the 4.14.7 C code), and
//! further cases produced by compiling `src/os_regex/*.c` of v4.14.7 unchanged into a
//! small driver (docs/analysis-patterns.md "How this was checked"). "end -1" is the
//! pointer one before the subject.

use super::osregex::OsRegex;
use super::{Engine, Expression};

/// The driver's output format: `end N ["cap",…]`, `nomatch`, or `error`.
fn run(pattern: &str, subject: &str) -> String {
    let re = match OsRegex::compile(pattern.as_bytes(), true) {
        Ok(re) => re,
        Err(_) => return "error".to_string(),
    };
    match re.exec(subject.as_bytes()) {
        None => "nomatch".to_string(),
        Some((r, caps)) => {
            let caps: Vec<String> = caps
                .iter()
                .map(|c| format!("{:?}", &subject[c.clone()]))
                .collect();
            format!("end {r} [{}]", caps.join(","))
        }
    }
}

fn check(table: &[(&str, &str, &str)]) {
    for (pattern, subject, want) in table {
        let want = if want.starts_with("error") {
            "error"
        } else {
            want
        };
        assert_eq!(run(pattern, subject), want, "{pattern:?} on {subject:?}");
    }
}

#[test]
fn appendix_a_vectors() {
    check(&[
        (
            "^(\\S+) (\\S+) (\\S+)$",
            "a b c",
            "end 4 [\"a\",\"b\",\"c\"]",
        ),
        (
            "user (\\S+) from (\\S+)",
            "Failed password for user root from 1.2.3.4 port 22",
            "end 35 [\"root\",\"1.2.3.4\"]",
        ),
        (
            "TTL=(\\d+) ID=(\\d+)",
            "LEN=60 TOS=0x00 TTL=64 ID=123 DF",
            "end 26 [\"64\",\"123\"]",
        ),
        ("^\\S+ \\S+ (\\S+)", "aa bb cc dd", "end 6 [\"cc\"]"),
        ("(\\S+)", "abc def", "end 0 [\"abc\"]"),
        ("(\\S+) ", "abc def", "end 3 [\"abc\"]"),
        ("\\d+", "ab123cd", "end 5 []"),
        ("a\\d*", "a123b", "end 4 []"),
        ("(\\w*)b", "aab", "end 2 [\"aa\"]"),
        ("(\\.+) (\\S+)$", "a b c", "end 4 [\"a b\",\"c\"]"),
        (
            "^(\\S+) (\\S+) (\\.+)$",
            "Dec 10 a b c",
            "end 7 [\"Dec\",\"10\",\"a b c\"]",
        ),
        ("(\\S+)$", "abc def", "end 4 [\"def\"]"),
        ("^(\\S+)$", "abc def", "nomatch"),
        ("^\\d+:\\d+", "12a 34:56", "nomatch"),
        ("\\d+:\\d+", "12a 34:56", "end 7 []"),
        ("user=(\\S*) ", "user= x", "end 5 [\"\"]"),
        ("user=(\\S+) ", "user= x", "nomatch"),
        ("ab$", "abab", "end 3 []"),
        ("x|ab$", "abab", "end 3 []"),
        ("a\\<", "a<", "end 1 []"),
        ("(\\S+)", "", "nomatch"),
        ("(\\S*)", "", "end 0 []"),
        ("", "", "end 0 []"),
    ]);
}

#[test]
fn differences_from_backtracking() {
    check(&[
        ("(\\w+)x", "aaaxbbx", "end 3 [\"aaa\"]"),
        ("x(\\w+)y", "xaybyc", "end 2 [\"a\"]"),
        ("(\\S+)@(\\S+)", "a@b@c", "end 2 [\"a\",\"b@c\"]"),
        ("(\\d+)(\\d)", "12345", "nomatch"),
        ("(a)(b)", "ab", "nomatch"),
        ("(\\d+)\\.(\\d+)", "123.45", "end 1 [\"1\",\"3\"]"),
        ("(\\w+)-(\\w+)", "a-b-c", "end 2 [\"a\",\"b-c\"]"),
        ("\\s+", "a\tb", "nomatch"),
        ("(\\S+):(\\d+)$", "host:a:80", "end 7 [\"host:a\",\"80\"]"),
        ("x=(\\S+)", "x=abc def", "end 2 [\"abc\"]"),
    ]);
}

#[test]
fn more_vectors_from_the_c_code() {
    check(&[
        ("$", "abc", "nomatch"),
        ("$", "", "end 0 []"),
        ("^$", "", "end 0 []"),
        ("^$", "x", "nomatch"),
        ("^", "abc", "end 0 []"),
        ("abc$", "xabc", "end 3 []"),
        ("\\d*", "abc", "end -1 []"),
        ("(\\d*)", "abc", "end -1 [\"\"]"),
        ("a\\s*(\\d*)", "a", "end 0 []"),
        ("a\\d*\\d*", "a", "nomatch"),
        ("a+b", "a+b", "end 2 []"),
        ("a+b", "aab", "nomatch"),
        ("a.c", "abc", "nomatch"),
        ("a.c", "a.c", "end 2 []"),
        ("ABC", "xabcx", "end 3 []"),
        ("\\p+", "a!?b", "end 3 []"),
        ("\\w+@\\w+", "x me@host.example y", "end 9 []"),
        ("\\t", "a\tb", "end 1 []"),
        ("\\(x\\)", "(x)", "end 2 []"),
        ("\\\\", "a\\b", "end 1 []"),
        ("\\$5", "cost$5", "end 5 []"),
        ("a\\|b", "xa|b", "end 3 []"),
        (")(", "x)(y", "error 7"),
        ("()", "x(y", "end 1 []"),
        ("(\\d+)|(\\w+)", "abc", "end 0 [\"abc\"]"),
        ("^(\\d+)|x(\\w+)", "xab", "end 1 [\"ab\"]"),
        ("\\D+(\\d+)", "abc123", "end 3 [\"123\"]"),
        ("\\W(\\w+)", "ab cd", "end 3 [\"cd\"]"),
        ("\\S+\\s+\\S+", "aa   bb", "end 5 []"),
        (
            "(\\w+)\\s*=\\s*(\\w+)",
            "key = value",
            "end 6 [\"key\",\"value\"]",
        ),
        ("^\\w+\\s+(\\d+)", "Dec   9 x", "end 6 [\"9\"]"),
        (
            "src=(\\S+):(\\d+)",
            "src=10.0.0.1:443 dst",
            "end 13 [\"10.0.0.1\",\"443\"]",
        ),
        ("(\\S+) \\S+$", "a b c d", "end 6 [\"c\"]"),
        ("\\.*x", "abcx", "end 3 []"),
        ("a\\.*", "a", "end 0 []"),
        ("\\d+\\.\\d+\\.\\d+\\.\\d+", "ip 10.20.30.40 x", "end 8 []"),
    ]);
}

#[test]
fn compile_errors_as_the_daemon_gives_them() {
    for bad in [
        "a\\>", "a\\n", "(a(b))", "a(b|c)", "a)", "a(", "a\\", ")(", "\\z",
    ] {
        assert!(OsRegex::compile(bad.as_bytes(), true).is_err(), "{bad}");
        assert!(Expression::compile(Engine::OsRegex, bad).is_err(), "{bad}");
    }
    let at_limit = "a".repeat(20480);
    assert!(Expression::compile(Engine::OsRegex, &at_limit).is_ok());
    let over = "a".repeat(20481);
    let err = Expression::compile(Engine::OsRegex, &over).err();
    assert!(err.is_some_and(|e| e.message.contains("20480")));
    // A `|` outside parentheses is fine.
    assert_eq!(run("a|(b)", "x"), "nomatch");
}

/// Differential check against the C driver (docs/analysis-patterns.md "How this was
/// checked"): `OSREGEX_CASES` holds `pattern<TAB>subject` lines, `OSREGEX_EXPECTED`
/// the driver's answers; `OSREGEX_NOCAPTURE=1` compiles without captures.
#[test]
#[ignore = "needs the C driver's output files"]
fn differential_against_the_c_driver() {
    let cases = std::fs::read_to_string(std::env::var("OSREGEX_CASES").expect("cases"))
        .expect("read cases");
    let expected = std::fs::read_to_string(std::env::var("OSREGEX_EXPECTED").expect("exp"))
        .expect("read expected");
    let captures = std::env::var("OSREGEX_NOCAPTURE").is_err();
    let mut bad = 0;
    for (line, want) in cases.lines().zip(expected.lines()) {
        let Some((p, s)) = line.split_once('\t') else {
            continue;
        };
        let got = match OsRegex::compile(p.as_bytes(), captures) {
            Err(_) => "error".to_string(),
            Ok(re) => match re.exec(s.as_bytes()) {
                None => "nomatch".to_string(),
                Some((r, caps)) => {
                    // The driver prints bytes raw, escaping only `"` and `\`.
                    let caps: Vec<String> = caps
                        .iter()
                        .map(|c| {
                            let raw = s[c.clone()].replace('\\', "\\\\").replace('"', "\\\"");
                            format!("\"{raw}\"")
                        })
                        .collect();
                    format!("end {r} [{}]", caps.join(","))
                }
            },
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

/// Hostile sizes: a 10 MB line and a 10 MB run of `a` under patterns with several
/// quantified classes return (no timing asserted; `benches/pattern.rs` shows the
/// growth is linear).
#[test]
fn ten_megabyte_subjects_return() {
    let ten = 10 * 1024 * 1024;
    let all_a = vec![b'a'; ten];
    let mut mixed = Vec::with_capacity(ten);
    while mixed.len() < ten {
        mixed.extend_from_slice(b"Dec 10 01:02:03 host sshd[123]: Failed password for x ");
    }
    // Several quantified classes; `benches/pattern.rs` runs more shapes in release.
    let e = Expression::compile(Engine::OsRegex, r"(\d+)\s+(\w+)\s*\p*x$").expect("compiles");
    assert!(e.exec(&all_a).is_none());
    assert!(e.exec(&mixed).is_none());
    let m = Expression::compile(Engine::OsMatch, "aaaaaaaab|x$|^y|sshd[").expect("compiles");
    assert!(!m.is_match(&all_a));
    assert!(m.is_match(&mixed));
}

/// The step budget: `a\w+b` over `aaa…a ` restarts after every `a` (quadratic in the
/// daemon); a small budget ends the search with no match, a sufficient one answers as
/// the daemon does.
#[test]
fn the_quadratic_restart_is_cut_by_the_budget() {
    let mut subject = vec![b'a'; 4096];
    subject.push(b' ');
    let re = OsRegex::compile(br"a\w+b", false).expect("compiles");
    assert!(re.exec_budget(&subject, 100_000).is_none());
    subject.extend_from_slice(b"axb");
    assert!(re.exec_budget(&subject, 100_000).is_none());
    assert!(re.exec(&subject).is_some());
    // A short line of the same shape is answered as the daemon does.
    assert_eq!(run(r"a\w+b", "aaaa ab"), "nomatch");
    assert_eq!(run(r"a\w+b", "aaaa axb"), "end 7 []");
}

/// Answers of the oracle (wazuh-analysisd 4.14.7) for a decoder per vector: a child
/// with the OS_Regex and `order c1,c2,c3`, then an `after_regex` sibling with PCRE2
/// `^(.*)$` into `rest`, on `Dec 29 10:00:01 h NAME: SUBJECT`. Empty values are not
/// shown by logtest, so `""` stands for "empty or absent".
#[test]
fn oracle_decoder_captures_and_continuation() {
    let table: &[(&str, &str, [&str; 3], &str)] = &[
        (r#"(\S+)"#, "abc def", ["abc", "", ""], "bc def"),
        (r#"\d+"#, "ab123cd", ["", "", ""], "d"),
        (r#"x=(\S+)"#, "x=abc def", ["abc", "", ""], "bc def"),
        (r#"(\d+)\.(\d+)"#, "123.45", ["1", "3", ""], "3.45"),
        (r#"(\w+)x"#, "aaaxbbx", ["aaa", "", ""], "bbx"),
        (r#"(\S+):(\d+)$"#, "host:a:80", ["host:a", "80", ""], "0"),
        (r#"user=(\S*) "#, "user= x", ["", "", ""], "x"),
        (r#"(\d+)(\d)"#, "12345", ["", "", ""], "12345"),
        (
            r#"\d+\.\d+\.\d+\.\d+"#,
            "ip 10.20.30.40 x",
            ["", "", ""],
            "30.40 x",
        ),
        (r#"(\S+)@(\S+)"#, "a@b@c", ["a", "b@c", ""], "@c"),
        (r#"x(\w+)y"#, "xaybyc", ["a", "", ""], "byc"),
        (r#"(\w+)-(\w+)"#, "a-b-c", ["a", "b-c", ""], "-c"),
        (
            r#"^(\S+) (\S+) (\.+)$"#,
            "Dec 10 a b c",
            ["Dec", "10", "a b c"],
            " b c",
        ),
        (r#"\s+"#, "a\tb", ["", "", ""], "a\tb"),
        (r#"a\d*"#, "a123b", ["", "", ""], ""),
        (r#"(\S+) "#, "abc def", ["abc", "", ""], "def"),
        (
            r#"TTL=(\d+) ID=(\d+)"#,
            "LEN=60 TOS=0x00 TTL=64 ID=123 DF",
            ["64", "123", ""],
            "23 DF",
        ),
        (r#"(\.+) (\S+)$"#, "a b c", ["a b", "c", ""], ""),
        (r#"\d*"#, "abc", ["", "", ""], "abc"),
    ];
    for (pattern, subject, caps, rest) in table {
        let e = Expression::compile(Engine::OsRegex, pattern).expect("compiles");
        let s = subject.as_bytes();
        let (got_caps, next) = match e.exec(s) {
            Some(m) => {
                let c: Vec<&[u8]> = m.captures.iter().map(|r| &s[r.clone()]).collect();
                (c, m.next)
            }
            None => (Vec::new(), 0),
        };
        for (k, want) in caps.iter().enumerate() {
            let got = got_caps.get(k).copied().unwrap_or_default();
            assert_eq!(got, want.as_bytes(), "{pattern:?} capture {k}");
        }
        assert_eq!(&s[next..], rest.as_bytes(), "{pattern:?} rest");
    }
}

/// Headroom of the step budget on real data: every OS_Regex `<regex>`/`<prematch>` of
/// the shipped decoders over every `log` line of the ruleset tests. Prints the worst
/// turns per byte (a dev check; run with `--ignored --nocapture`).
#[test]
#[ignore = "slow corpus sweep"]
fn budget_headroom_on_the_corpus() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wazuh/ruleset");
    let mut patterns = Vec::new();
    for dir in ["decoders", "testing/ruleset"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for tag in [
                "<regex>",
                "<prematch>",
                "<regex offset=\"after_parent\">",
                "<regex offset=\"after_prematch\">",
                "<regex offset=\"after_regex\">",
                "<prematch offset=\"after_parent\">",
            ] {
                for piece in text.split(tag).skip(1) {
                    if let Some(end) = piece.find("</") {
                        patterns.push(piece[..end].to_string());
                    }
                }
            }
        }
    }
    let mut lines = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("testing/tests")) {
        for e in entries.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for l in text.lines() {
                if let Some((k, v)) = l.split_once('=')
                    && k.trim().starts_with("log")
                {
                    lines.push(v.trim().to_string());
                }
            }
        }
    }
    let (mut worst, mut at) = (0f64, String::new());
    let mut total = 0u64;
    for p in &patterns {
        let Ok(re) = OsRegex::compile(p.as_bytes(), true) else {
            continue;
        };
        for l in &lines {
            let t = re.turns(l.as_bytes());
            total += t;
            let per = t as f64 / (l.len() + 1) as f64;
            if per > worst {
                worst = per;
                at = format!("{p:?} on {l:?}");
            }
        }
    }
    eprintln!(
        "{} patterns x {} lines, {total} turns; worst {worst:.2} turns/byte: {at}",
        patterns.len(),
        lines.len()
    );
}

/// A shared budget bounds a pattern of many plain alternatives too: the literal
/// filter's scans are charged (each alternative here is absent, so no loop turn is
/// ever taken), and the search stops with no answer once the budget is spent.
#[test]
fn a_shared_budget_is_charged_for_scans() {
    let pattern: Vec<String> = (0..1000).map(|i| format!("absent{i}")).collect();
    let re = crate::pattern::BudgetRegex::compile(&pattern.join("|")).expect("compiles");
    let subject = vec![b'x'; 3200];
    let mut budget = 1_000_000;
    assert_eq!(re.is_match(&subject, &mut budget), Some(false));
    // 1000 alternatives, each charged 1 + 3200 / 32 = 101 turns.
    assert_eq!(budget, 1_000_000 - 101_000);
    let mut small = 50_000;
    assert_eq!(re.is_match(&subject, &mut small), None);
}
