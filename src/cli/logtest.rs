//! `logtest [FILE]` (docs/analysis.md): events on stdin, one per line, through one session of
//! the offline engine; the three phases as `wazuh-logtest` prints them, or one JSON
//! object per event shaped as logtest's `output`, plus the responses of the config.

use std::io::Write;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::EXIT_OK;
use super::args::{Common, Format, LogtestArgs};
use super::engine;
use super::output::{self, escape_controls};
use crate::analysis::json::Json;
use crate::analysis::{Decoding, Outcome, Ruleset, Session, Stamp};
use crate::model::Config;
use crate::rules;
use crate::simulate::{self, Execution, Simulator};

// Lines are read as `simulate --logs` reads them: without the `\n` (a `\r` stays,
// as wazuh-logtest sends it), cut at one MiB.
use crate::simulate::stream::{DecodedBatches, decoders, read_lines};

/// `logtest`.
pub(super) fn logtest(common: &Common, args: &LogtestArgs) -> anyhow::Result<i32> {
    let config = engine::config(common, args.file.as_deref())?;
    let (ruleset, rule_files) =
        engine::ruleset(common, &args.engine, config.as_ref().map(|(_, d)| d))?;
    let binding = rules::load(&rule_files).rules;
    let lowered = config
        .as_ref()
        .map(|(_, doc)| (Config::from_document(doc), doc));
    let sim = lowered
        .as_ref()
        .map(|(c, doc)| Simulator::new(c, doc, &binding, output::profile(common)));
    let host = engine::hostname();
    let ruleset = Arc::new(ruleset);
    let batches = spawn_reading(&ruleset, args.location.as_bytes());
    let mut session = Session::new(&ruleset);
    let mut decoding = Decoding::new(&ruleset);
    let (to_writer, writer) = spawn_writer(Arc::clone(&ruleset), common.format);
    let mut counter = 0u64;
    // The timestamp of the last event: most events share their millisecond with
    // the one before.
    let mut last: Option<((u64, u32), String)> = None;
    for batch in batches {
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                // What was read before the error is still written.
                drop(to_writer);
                join(writer)?;
                return Err(e.source.into());
            }
        };
        let mut done = Vec::with_capacity(batch.events.len());
        for decoded in batch.events {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let event = decoding.finish(decoded, |_| now.as_secs() as i64);
            let outcome = session.evaluate(event, args.verbose);
            counter += 1;
            let at = (now.as_secs(), now.subsec_millis());
            let text = match &last {
                Some((when, text)) if *when == at => text.clone(),
                _ => {
                    let text = timestamp(at.0 as i64, at.1);
                    last = Some((at, text.clone()));
                    text
                }
            };
            let stamp = Stamp {
                timestamp: text,
                manager: host.clone(),
                id: format!("{}.{counter}", now.as_secs()),
            };
            let runs = responses(&ruleset, sim.as_ref(), &outcome, args.agent.as_deref());
            done.push((outcome, stamp, runs));
        }
        let written = Written {
            events: done,
            idle: batch.idle,
        };
        if to_writer.send(written).is_err() {
            // The writer stopped on an error: it is the command's.
            break;
        }
    }
    drop(to_writer);
    join(writer)?;
    Ok(EXIT_OK)
}

/// The events of one batch of input, matched, for the writer; `idle`: no more input
/// was waiting, so the output is flushed after them.
struct Written {
    events: Vec<(Outcome, Stamp, Vec<Execution>)>,
    idle: bool,
}

/// Formatting and writing in a thread of their own, so that matching the next
/// events goes on meanwhile. Buffered, flushed whenever no more input is waiting:
/// an interactive user sees each answer at once, a file is not written one system
/// call per event. The thread ends at the first write error, which [`join`] returns.
fn spawn_writer(
    ruleset: Arc<Ruleset>,
    format: Format,
) -> (
    std::sync::mpsc::SyncSender<Written>,
    std::thread::JoinHandle<anyhow::Result<()>>,
) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Written>(4);
    let writer = std::thread::spawn(move || -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut line = Vec::new();
        for written in rx {
            for (outcome, stamp, runs) in &written.events {
                match format {
                    Format::Json => {
                        json_event(&mut out, &mut line, &ruleset, outcome, stamp, runs)?;
                    }
                    Format::Text => text_event(&mut out, &ruleset, outcome, stamp, runs)?,
                }
            }
            if written.idle {
                out.flush()?;
            }
        }
        out.flush()?;
        Ok(())
    });
    (tx, writer)
}

/// The writer's result; its panic is reported as an error, not re-raised.
fn join(writer: std::thread::JoinHandle<anyhow::Result<()>>) -> anyhow::Result<()> {
    writer
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the output thread failed")))
}

/// Standard input read in a thread of its own and decoded in others (the caller
/// matches rules, [`spawn_writer`]'s thread writes); each event is stamped with the
/// time it is matched.
/// Not scoped threads: when writing fails, the command ends without waiting for a
/// terminal's next line.
fn spawn_reading(ruleset: &Arc<Ruleset>, location: &[u8]) -> DecodedBatches {
    let (feed, batches) = decoders(ruleset, location);
    std::thread::spawn(move || {
        let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin().lock());
        let idle = |r: &std::io::BufReader<_>| r.buffer().is_empty();
        read_lines(input, None, feed, idle);
    });
    batches
}

/// The responses an alert runs (the same as `simulate --logs` counts).
fn responses(
    ruleset: &Ruleset,
    sim: Option<&Simulator<'_>>,
    outcome: &Outcome,
    agent: Option<&str>,
) -> Vec<Execution> {
    sim.map(|sim| simulate::logs::responses(ruleset, sim, outcome, agent, true))
        .unwrap_or_default()
}

/// One event's JSON object, made in `line` (kept from one event to the next).
fn json_event(
    out: &mut impl Write,
    line: &mut Vec<u8>,
    ruleset: &Ruleset,
    outcome: &Outcome,
    stamp: &Stamp,
    runs: &[Execution],
) -> anyhow::Result<()> {
    let mut o = ruleset.output(outcome, stamp);
    o.push("alert", Json::Bool(outcome.alert));
    o.push("responses", Json::Raw(serde_json::to_value(runs)?));
    if !outcome.trace.is_empty() {
        let trace = ruleset
            .trace_lines(outcome)
            .into_iter()
            .map(Json::str)
            .collect();
        o.push("rules_debug", Json::Arr(trace));
    }
    line.clear();
    o.write_compact(line);
    line.push(b'\n');
    out.write_all(line)?;
    Ok(())
}

/// The three phases as `wazuh-logtest` prints them (`show_ossec_logtest_like`):
/// fields named first, then the others sorted, nested objects flattened with dots,
/// values quoted as Python prints them; then the responses.
fn text_event(
    out: &mut impl Write,
    ruleset: &Ruleset,
    outcome: &Outcome,
    stamp: &Stamp,
    runs: &[Execution],
) -> anyhow::Result<()> {
    let o = ruleset.output(outcome, stamp);
    writeln!(out, "**Phase 1: Completed pre-decoding.")?;
    if let Some(Json::Str(full)) = o.get("full_log") {
        writeln!(out, "\tfull event: '{}'", escape_controls(full))?;
    }
    if let Some(p) = o.get("predecoder") {
        phase(out, p, &["timestamp", "hostname", "program_name"], "")?;
    }
    writeln!(out, "\n**Phase 2: Completed decoding.")?;
    match o.get("decoder") {
        Some(d) if !d.is_empty_obj() => {
            phase(out, d, &["name", "parent"], "")?;
            if let Some(data) = o.get("data") {
                phase(out, data, &[], "")?;
            }
        }
        _ => writeln!(out, "\tNo decoder matched.")?,
    }
    if !outcome.trace.is_empty() {
        writeln!(out, "\n**Rule debugging:")?;
        for s in ruleset.trace_lines(outcome) {
            let tabs = if s.starts_with('*') { "\t\t" } else { "\t" };
            writeln!(out, "{tabs}{}", escape_controls(&s))?;
        }
    }
    if let Some(rule) = o.get("rule") {
        writeln!(out, "\n**Phase 3: Completed filtering (rules).")?;
        phase(
            out,
            rule,
            &["id", "level", "description", "groups", "firedtimes"],
            "",
        )?;
    }
    if outcome.alert {
        writeln!(out, "**Alert to be generated.")?;
    }
    for x in runs {
        let on = if x.runs_on.is_empty() {
            "nowhere".to_string()
        } else {
            x.runs_on.join(", ")
        };
        writeln!(
            out,
            "**Active response #{} {} (command {}) runs on {on}",
            x.index, x.name, x.command
        )?;
        for n in &x.notes {
            writeln!(out, "\t{}", escape_controls(n))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn phase(out: &mut impl Write, obj: &Json, first: &[&str], prefix: &str) -> std::io::Result<()> {
    let Json::Obj(items) = obj else { return Ok(()) };
    for name in first {
        if let Some(v) = obj.get(name) {
            writeln!(out, "\t{prefix}{name}: '{}'", escape_controls(&py(v)))?;
        }
    }
    let mut rest: Vec<_> = items
        .iter()
        .filter(|(k, _)| !first.contains(&k.as_ref()))
        .collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in rest {
        match v {
            Json::Obj(_) => phase(out, v, &[], &format!("{prefix}{k}."))?,
            Json::Raw(serde_json::Value::Object(m)) => {
                let nested = Json::Obj(
                    m.iter()
                        .map(|(k, v)| (k.as_str().into(), Json::Raw(v.clone())))
                        .collect(),
                );
                phase(out, &nested, &[], &format!("{prefix}{k}."))?;
            }
            _ => writeln!(out, "\t{prefix}{k}: '{}'", escape_controls(&py(v)))?,
        }
    }
    Ok(())
}

/// A value as Python's `%s` prints it (`['a', 'b']`, `True`).
fn py(v: &Json) -> String {
    match v {
        Json::Str(s) => s.to_string(),
        Json::Int(n) => n.to_string(),
        Json::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Json::Arr(items) => format!(
            "[{}]",
            items.iter().map(py_item).collect::<Vec<_>>().join(", ")
        ),
        Json::Obj(_) | Json::Raw(_) => py_raw(&v.to_value()),
    }
}

fn py_item(v: &Json) -> String {
    match v {
        Json::Str(s) => format!("'{s}'"),
        other => py(other),
    }
}

fn py_raw(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        serde_json::Value::Null => "None".to_string(),
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| match i {
                    serde_json::Value::String(s) => format!("'{s}'"),
                    other => py_raw(other),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// `2026-01-31T10:00:00.123+0000` in UTC (`W_JSON_AddTimestamp` writes local time;
/// this tool reports UTC so that outputs compare across machines).
pub(super) fn timestamp(secs: i64, millis: u32) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::stream::{MAX_LINE, read_line};

    #[test]
    fn timestamps_are_utc_dates() {
        assert_eq!(timestamp(0, 0), "1970-01-01T00:00:00.000+0000");
        assert_eq!(
            timestamp(1_796_288_701, 192),
            "2026-12-03T09:05:01.192+0000"
        );
        assert_eq!(timestamp(951_782_400, 5), "2000-02-29T00:00:00.005+0000");
    }

    #[test]
    fn long_lines_are_cut_and_carriage_returns_kept() {
        let mut data = vec![b'a'; MAX_LINE + 10];
        data.extend_from_slice(b"\nb\r\n");
        let mut input = std::io::Cursor::new(data);
        let mut line = Vec::new();
        assert!(read_line(&mut input, &mut line).unwrap_or(false));
        assert_eq!(line.len(), MAX_LINE);
        assert!(read_line(&mut input, &mut line).unwrap_or(false));
        assert_eq!(line, b"b\r");
        assert!(!read_line(&mut input, &mut line).unwrap_or(true));
    }

    #[test]
    fn values_print_as_python_does() {
        assert_eq!(
            py(&Json::Arr(vec![Json::Str("a".into()), Json::Int(1)])),
            "['a', 1]"
        );
        assert_eq!(py(&Json::Bool(false)), "False");
    }
}
