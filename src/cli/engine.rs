//! Loading the analysis engine for `logtest` and `ruletest` (docs/analysis.md): which config,
//! which ruleset files, the settings of `<alerts>`, problems on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Failure;
use super::args::{Common, EngineArgs};
use super::output::escape_controls;
use crate::analysis::{Ruleset, Settings};
use crate::load;
use crate::model::Severity;
use crate::xml::{self, Document};

/// How many ruleset problems are printed before a count.
const MAX_PROBLEMS_SHOWN: usize = 20;

/// The config the engine reads: the file given, else `etc/ossec.conf` under
/// `--ossec-home` when it exists; its path and parsed document.
pub(super) fn config(
    common: &Common,
    file: Option<&Path>,
) -> Result<Option<(PathBuf, Document)>, Failure> {
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => {
            let p = common.ossec_home.join("etc/ossec.conf");
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let text = super::output::read_text(&path)?;
    Ok(Some((path, xml::parse(&text))))
}

/// The ruleset of the options and config, loaded; problems reported on stderr.
pub(super) fn ruleset(
    common: &Common,
    engine: &EngineArgs,
    doc: Option<&Document>,
) -> Result<(Ruleset, Vec<PathBuf>), Failure> {
    let empty = xml::parse("");
    let doc = doc.unwrap_or(&empty);
    let home = load::readable_dir(&common.ossec_home);
    let files = load::engine_files(&engine.decoders, &common.rules, &engine.lists, home.as_deref(), doc)
        .ok_or_else(|| {
            Failure::usage(format!(
                "no ruleset: give --decoders DIR --rules DIR [--list PATH], or --ossec-home DIR with a readable installation ({} is not readable)",
                common.ossec_home.display()
            ))
        })?;
    let texts = load::read_ruleset(&files);
    let settings = settings(doc);
    let mut ruleset = Ruleset::build(&texts.decoders, &texts.rules, &files.lists, settings);
    let mut problems = texts.problems;
    problems.append(&mut ruleset.problems);
    report(&problems);
    if texts.decoders.is_empty() && texts.rules.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "ossec-ar: warning: the ruleset is empty: no decoder and no rule was read"
        );
    }
    ruleset.problems = problems;
    Ok((ruleset, files.rules))
}

/// `<alerts>` levels of the config and the manager's short host name.
fn settings(doc: &Document) -> Settings {
    let mut s = Settings {
        manager: short_hostname(),
        ..Settings::default()
    };
    let level = |name: &str| {
        doc.roots()
            .filter(|&r| doc.name(r) == "ossec_config")
            .flat_map(|r| doc.children_named(r, "alerts"))
            .flat_map(|a| doc.children_named(a, name))
            .last()
            .and_then(|e| doc.value(e).trim().parse::<u32>().ok())
    };
    if let Some(l) = level("log_alert_level") {
        s.log_alert_level = l;
    }
    if let Some(l) = level("email_alert_level") {
        s.email_alert_level = l;
    }
    s
}

/// `gethostname()` cut at the first `.`, as analysisd's `__shost`.
fn short_hostname() -> String {
    let full = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let full = full.trim();
    let short = full.split('.').next().unwrap_or("");
    if short.is_empty() {
        "localhost".to_string()
    } else {
        short.to_string()
    }
}

/// The manager's full host name (`agent.name`, `manager.name` in the output).
pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

fn report(problems: &[crate::rules::Problem]) {
    let mut err = std::io::stderr().lock();
    for p in problems.iter().take(MAX_PROBLEMS_SHOWN) {
        let _ = writeln!(
            err,
            "ossec-ar: ruleset: {}",
            escape_controls(&p.to_string())
        );
    }
    if problems.len() > MAX_PROBLEMS_SHOWN {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let _ = writeln!(
            err,
            "ossec-ar: ruleset: … and {} more problems ({errors} errors in all)",
            problems.len() - MAX_PROBLEMS_SHOWN
        );
    }
}
