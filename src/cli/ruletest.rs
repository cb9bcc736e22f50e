//! `ruletest PATH...` (docs/analysis.md "The ruleset test suite"): Wazuh's ruleset test files run through the offline
//! engine, each case in a fresh session, judged as `runtests.py` judges it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::args::{Common, Format, RuletestArgs};
use super::engine;
use super::output::escape_controls;
use super::{EXIT_FINDINGS, EXIT_OK, Failure};
use crate::analysis::ruletest::{self, Case};
use crate::analysis::{Ruleset, Session};

/// One judged case, as the JSON output shows it.
#[derive(Debug, Serialize)]
struct Verdict<'a> {
    file: String,
    section: &'a str,
    key: &'a str,
    expected: &'a [String; 3],
    got: [String; 3],
    passed: bool,
}

/// `ruletest`.
pub(super) fn ruletest(common: &Common, args: &RuletestArgs) -> anyhow::Result<i32> {
    let files = test_files(&args.paths)?;
    let config = engine::config(common, args.config.as_deref())?;
    let (ruleset, _) = engine::ruleset(common, &args.engine, config.as_ref().map(|(_, d)| d))?;
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut table = Vec::new();
    for file in &files {
        let text = super::output::read_text(file)?;
        let cases = ruletest::parse(&text);
        let (mut p, mut f) = (0, 0);
        for case in &cases {
            let got = run_case(&ruleset, case);
            let ok = ruletest::passed(case, &got);
            if ok {
                p += 1
            } else {
                f += 1
            }
            report(&mut out, common.format, file, case, got, ok)?;
        }
        passed += p;
        failed += f;
        table.push((file.display().to_string(), p, f));
    }
    match common.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"passed": passed, "failed": failed})
        )?,
        Format::Text => {
            for (file, p, f) in &table {
                writeln!(out, "{file}: {p} passed, {f} failed")?;
            }
            writeln!(out, "{passed} passed, {failed} failed")?;
        }
    }
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FINDINGS })
}

/// The `.ini` files named, folders expanded (sorted; `*geoip.ini` skipped in a
/// folder, as `runtests.py` does without `-g`: they need a GeoIP database).
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", p.display())))?;
            let mut found: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "ini"))
                .filter(|f| !f.to_string_lossy().ends_with("geoip.ini"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Runs a case's lines in a fresh session, all in the same second (as the suite
/// does), and returns `[rule, level, decoder]` of the last line.
fn run_case(ruleset: &Ruleset, case: &Case) -> [String; 3] {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut session = Session::new(ruleset);
    let mut got = [String::new(), String::new(), String::new()];
    for line in case.lines.iter().filter(|l| !l.is_empty()) {
        let outcome = session.process(b"stdin", line.as_bytes(), now, false);
        got = ruleset.triple(&outcome);
    }
    got
}

fn report(
    out: &mut impl Write,
    format: Format,
    file: &Path,
    case: &Case,
    got: [String; 3],
    ok: bool,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let v = Verdict {
                file: file.display().to_string(),
                section: &case.section,
                key: &case.key,
                expected: &case.expected,
                got,
                passed: ok,
            };
            writeln!(out, "{}", serde_json::to_string(&v)?)?;
        }
        Format::Text if !ok => {
            writeln!(
                out,
                "FAILED {}: [{}] {}",
                file.display(),
                escape_controls(&case.section),
                case.key
            )?;
            writeln!(out, "  {}", differing_phase(&case.expected, &got))?;
            writeln!(
                out,
                "  expected rule {:?} level {:?} decoder {:?}",
                case.expected[0], case.expected[1], case.expected[2]
            )?;
            writeln!(
                out,
                "  got      rule {:?} level {:?} decoder {:?}",
                got[0], got[1], got[2]
            )?;
            if let Some(last) = case.lines.iter().rev().find(|l| !l.is_empty()) {
                writeln!(out, "  last line: {}", escape_controls(last))?;
            }
        }
        Format::Text => {}
    }
    Ok(())
}

/// The first phase that differs, in the runner's words.
fn differing_phase(expected: &[String; 3], got: &[String; 3]) -> String {
    if got[2].is_empty() && !expected[2].is_empty() {
        "decoding: the log was not decoded".to_string()
    } else if got[2] != expected[2] {
        format!(
            "decoding: decoded by {:?}, expected {:?}",
            got[2], expected[2]
        )
    } else if got[0] != expected[0] {
        format!("rules: hit rule {:?}, expected {:?}", got[0], expected[0])
    } else if got[1] != expected[1] {
        format!("rules: level {:?}, expected {:?}", got[1], expected[1])
    } else {
        "everything matched, but this is a `fail` case (or an expected field is empty)".to_string()
    }
}
