//! Fuzzing the real binary (issue 16): generated files in the Wazuh dialect, with
//! long runs of the shapes that were quadratic or memory-hungry (mismatched end
//! tags, open elements, attributes, costly `rules_group` patterns), through `check`
//! and `set --dry-run`. Each run must end by itself within a time bound, with exit
//! 0, 1 or 2 (never a panic's 101 or a signal), and a bounded peak RSS.
//!
//! Cases: 24 by default (CI); `HOSTILE_FUZZ_CASES=5000 cargo test --test it fuzz_`
//! for a long local run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

/// Wall time one run may take (a debug build; the worst inputs here take well
/// under a second in release).
const LIMIT: Duration = Duration::from_secs(30);

/// Peak RSS one run may reach: the generated files are at most about 200 KB.
const MAX_RSS_KB: i64 = 256 * 1024;

fn cases() -> u32 {
    std::env::var("HOSTILE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

fn piece() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("<ossec_config>"),
        Just("</ossec_config>"),
        Just("<command><name>c</name><executable>firewall-drop</executable></command>"),
        Just("<active-response>"),
        Just("</active-response>"),
        Just("<command>c</command>"),
        Just("<location>local</location>"),
        Just("<rules_group>"),
        Just("</rules_group>"),
        Just("<level>"),
        Just("</level>"),
        Just("99"),
        Just("\\.*\\.*!|"),
        Just("<!--"),
        Just("-->"),
        Just("\\<"),
        Just("&"),
        Just("\""),
        Just("="),
        Just(" a=\"1\""),
        Just("\n"),
        Just("\r\n"),
        Just("é"),
        Just("\u{feff}"),
    ]
    .prop_map(str::to_string);
    let run = (
        prop_oneof![
            Just("<a>"),
            Just("</b>"),
            Just("<x/>"),
            Just("\\w*"),
            Just(" k=\"v\""),
            Just("<a></b>"),
        ],
        1..20_000usize,
    )
        .prop_map(|(p, n)| p.repeat(n));
    prop_oneof![4 => word, 1 => run]
}

/// Runs the binary with stdout and stderr to files; the exit status and the peak
/// RSS in KB of the binary alone (GNU time's `%M`, which reads it from `wait4`: the
/// crate forbids `unsafe`, so the test does not call it itself). `timeout` kills it
/// past [`LIMIT`] (and a bit, so that the test sees the overrun).
fn run(args: &[&str], dir: &std::path::Path) -> (std::process::ExitStatus, i64, Duration) {
    let out = std::fs::File::create(dir.join("out")).expect("out");
    let err = std::fs::File::create(dir.join("err")).expect("err");
    let rss = dir.join("rss");
    let started = Instant::now();
    let status = Command::new("timeout")
        .args([
            "-s",
            "KILL",
            &(LIMIT.as_secs() + 5).to_string(),
            "/usr/bin/time",
            "-f",
            "%M",
            "-o",
        ])
        .arg(&rss)
        .arg(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .expect("timeout and /usr/bin/time (Debian packages coreutils and time)");
    let took = started.elapsed();
    let rss_kb = std::fs::read_to_string(&rss)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(i64::MAX);
    (status, rss_kb, took)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fuzz_check_and_set_end_in_time_and_memory(
        pieces in proptest::collection::vec(piece(), 0..40),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("ossec.conf");
        std::fs::write(&file, pieces.concat()).expect("write");
        let f = file.to_str().expect("utf-8 path");
        for args in [
            vec!["check", f],
            vec!["set", f, "response:1", "timeout=60", "--dry-run"],
        ] {
            let (status, rss_kb, took) = run(&args, dir.path());
            let stderr = std::fs::read_to_string(dir.path().join("err")).unwrap_or_default();
            prop_assert!(took < LIMIT, "{args:?} ran {took:?}");
            prop_assert!(
                matches!(status.code(), Some(0..=2)),
                "{args:?}: {status:?}\n{stderr}"
            );
            prop_assert!(rss_kb < MAX_RSS_KB, "{args:?}: {rss_kb} KB");
        }
    }
}
