//! `simulate FILE --logs LOGFILE[.gz]` (docs/logs.md): the log through one
//! session of the engine, the counts as a table or JSON; progress on stderr when it
//! is a terminal and the file is large.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::args::{Common, Format, SimulateArgs};
use super::output::{Loaded, escape_controls};
use super::{EXIT_OK, Failure, engine};
use crate::rules;
use crate::simulate::logs::{LogCounts, LogOptions, open_log, replay_logs};
use crate::simulate::{Folded, Simulator};

/// Files smaller than this get no progress line.
const PROGRESS_FROM: u64 = 16 << 20;
/// Rules shown by the text table.
const TOP_RULES: usize = 10;
/// Source IPs shown per response by the text table.
const TOP_SRCIPS: usize = 5;

/// Log mode.
pub(super) fn logs_mode(
    common: &Common,
    args: &SimulateArgs,
    loaded: &Loaded,
    log: &Path,
) -> anyhow::Result<i32> {
    let (ruleset, rule_files) = engine::ruleset(common, &args.engine, Some(&loaded.doc))?;
    let ruleset = std::sync::Arc::new(ruleset);
    let binding = rules::load(&rule_files).rules;
    let sim = Simulator::new(&loaded.config, &loaded.doc, &binding, loaded.profile);
    let file = open_log(log).map_err(|e| Failure::usage(e.to_string()))?;
    let show = std::io::stderr().is_terminal() && file.size >= PROGRESS_FROM;
    let (read, size) = (file.read.clone(), file.size.max(1));
    let mut last = Instant::now();
    let mut progress = |lines: u64| {
        if show && last.elapsed() >= Duration::from_millis(200) {
            last = Instant::now();
            let pct = read.load(Ordering::Relaxed).saturating_mul(100) / size;
            let _ = write!(
                std::io::stderr(),
                "\rossec-ar: {lines} lines, {}%  ",
                pct.min(100)
            );
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let location = log.to_string_lossy();
    let opts = LogOptions {
        location: location.as_bytes(),
        now,
        cancel: None,
        progress: Some(&mut progress),
    };
    let counts = replay_logs(file.reader, &ruleset, &sim, opts);
    if show {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    let counts = counts.map_err(|e| Failure::usage(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    match common.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&counts)?)?,
        Format::Text => text(&mut out, &ruleset, &counts)?,
    }
    Ok(EXIT_OK)
}

/// The counts as a table: totals, the top rules, one line per response.
fn text(
    out: &mut impl Write,
    ruleset: &crate::analysis::Ruleset,
    c: &LogCounts,
) -> std::io::Result<()> {
    writeln!(
        out,
        "lines: {}   undecoded: {}   alerts: {}",
        c.lines, c.undecoded, c.alerts
    )?;
    if !c.rules.is_empty() {
        writeln!(out, "rules that fired most:")?;
    }
    for r in c.rules.iter().take(TOP_RULES) {
        let description =
            r.id.parse()
                .ok()
                .and_then(|id| ruleset.rules.by_id(id))
                .and_then(|i| ruleset.rules.rule(i).description.clone())
                .unwrap_or_default();
        writeln!(
            out,
            "  {:>7} {:>9}  level {:<2} {}",
            r.id,
            r.count,
            r.level,
            escape_controls(&description)
        )?;
    }
    writeln!(out, "responses:")?;
    for e in &c.executions {
        let by = |m: &std::collections::BTreeMap<String, u64>, folded: Folded, limit: usize| {
            let mut v: Vec<_> = m.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let shown: Vec<String> = v
                .iter()
                .take(limit)
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            let more = v.len().saturating_sub(limit);
            let more = if !folded.is_empty() {
                // Past the cap (docs/limits.md "Memory"): an estimate.
                format!(" (+about {})", more as u64 + folded.distinct)
            } else if more > 0 {
                format!(" (+{more})")
            } else {
                String::new()
            };
            if shown.is_empty() {
                return "-".to_string();
            }
            escape_controls(&(shown.join(" ") + &more))
        };
        writeln!(
            out,
            "  #{:<3} {:<22} {:>9}   agents: {}   srcip: {}",
            e.index,
            e.name,
            e.count,
            by(&e.by_agent, e.other_agents, usize::MAX),
            by(&e.by_srcip, e.other_srcips, TOP_SRCIPS)
        )?;
    }
    if c.executions.is_empty() {
        writeln!(out, "  no <active-response> block yields a response")?;
    }
    Ok(())
}
