//! Replay: streams Wazuh's alerts.json (one JSON object per line, plain or gzip) and
//! counts how often each response would have executed (docs/cli.md "simulate" replay mode).
//!
//! Memory is bounded: chunks of whole lines are read into a few recycled buffers,
//! and only `rule.id`, `agent.id`, `data.srcip` and `data.dstuser` are read (borrowed
//! from the line; every other field is skipped by structure without being decoded,
//! see `scan`); the counts per target are capped (`super::tally`). Counting is
//! spread over a few threads and added up at the end.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::fire::{Gate, Route, Simulator};
use super::message::Expect;
use super::responses::ActiveResponse;
use super::scan::{AlertFields, newline, scan};
use super::tally::{Folded, KeyCounts};
use crate::model::Profile;

/// Counts of one response over the replayed alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayExecution {
    /// 1-based block index.
    pub index: usize,
    /// The response name.
    pub name: String,
    /// Executions dispatched by analysisd.
    pub count: u64,
    /// The same, per target (`000` the manager, `all active agents`), for the
    /// lowest [`super::MAX_KEYS`] targets.
    pub by_agent: BTreeMap<String, u64>,
    /// The targets past that cap, folded (absent from JSON when there are none).
    #[serde(skip_serializing_if = "Folded::is_empty")]
    pub other_agents: Folded,
}

/// The outcome of a replay (docs/cli.md "simulate").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replay {
    /// Alerts read (lines holding a JSON object with `rule.id`).
    pub alerts: u64,
    /// Alerts whose rule id is not in the loaded rules.
    pub unknown_rules: u64,
    /// Those rule ids, ascending (at most 1000 of them).
    pub unknown_rule_ids: Vec<u32>,
    /// Alerts with bound responses that the gates stopped (crafted user or IP, white
    /// list).
    pub skipped: u64,
    /// One entry per accepted response, in block order.
    pub executions: Vec<ReplayExecution>,
    /// Non-empty lines that are not alerts (not JSON, or no `rule.id`).
    pub malformed: u64,
    /// 1-based line number of the first of them.
    pub first_malformed: Option<u64>,
    /// How many of the malformed lines were longer than [`MAX_ALERT_LINE`] (skipped
    /// unread).
    #[serde(skip)]
    pub overlong: u64,
}

/// An alerts file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    /// Opening failed.
    #[error("cannot read {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading (or decompressing) failed.
    #[error("cannot read the alerts after {offset} bytes: {source}")]
    Read {
        /// Bytes read (decompressed) before the failure.
        offset: u64,
        /// Why.
        source: std::io::Error,
    },
    /// A counting thread stopped on a panic: its counts are lost, so no total is
    /// given rather than a wrong one.
    #[error(
        "a counting thread failed ({message}): no counts are given, since some would be missing"
    )]
    Worker {
        /// The panic's message.
        message: String,
    },
}

/// Opens an alerts file (`-`: standard input; anything else must be a regular
/// file), decompressing it when it starts with the gzip magic bytes.
pub fn open_alerts(path: &Path) -> Result<Box<dyn BufRead + Send>, AlertsError> {
    let open_err = |source| AlertsError::Open {
        path: path.to_path_buf(),
        source,
    };
    let source: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(crate::input::open(path).map_err(open_err)?)
    };
    let mut file = BufReader::with_capacity(1 << 16, source);
    let gz = file
        .fill_buf()
        .map_err(open_err)?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        let inner = flate2::bufread::MultiGzDecoder::new(file);
        Box::new(BufReader::with_capacity(1 << 16, inner)) as Box<dyn BufRead + Send>
    } else {
        Box::new(file)
    })
}

/// Bytes handed to a worker at once (whole lines; a line longer than this makes a
/// longer chunk).
const CHUNK: usize = 1 << 20;

/// Longest alert line read: 64 MiB. Wazuh's alerts are a few kilobytes (an event is
/// at most `OS_MAXSTR`, 64 KiB, `src/headers/defs.h`, plus its decoded fields and a
/// frequency rule's previous events); a longer line (a gzip bomb without newlines,
/// `/dev/zero` through a pipe) is skipped unread and counted as not an alert, so
/// memory stays bounded (docs/limits.md).
pub const MAX_ALERT_LINE: usize = 64 << 20;

/// Whole lines for a worker, and whether one line longer than [`MAX_ALERT_LINE`]
/// (skipped) came right after them.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    overlong: bool,
}

/// Streams `reader` through `sim`: the calling thread reads chunks of whole lines,
/// up to 4 worker threads count them, and the partial counts are added at the end.
/// Chunk buffers are recycled, so memory does not grow with the file.
pub fn replay(reader: impl BufRead, sim: &Simulator<'_>) -> Result<Replay, AlertsError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    replay_with(reader, sim, workers)
}

/// [`replay`] with a given number of worker threads (1: all in the calling thread).
fn replay_with(
    mut reader: impl BufRead,
    sim: &Simulator<'_>,
    workers: usize,
) -> Result<Replay, AlertsError> {
    let counter = Counter::new(sim);
    if workers <= 1 {
        let mut part = counter.partial();
        let mut buf = Chunk::default();
        let mut offset = 0;
        for index in 0.. {
            if !read_chunk(&mut reader, &mut buf, &mut offset)? {
                break;
            }
            counter.chunk(index, &buf, &mut part);
        }
        return Ok(counter.finish(vec![part]));
    }
    let parts = in_parallel(
        &mut reader,
        workers,
        || counter.partial(),
        |index, buf, part| counter.chunk(index, buf, part),
    )?;
    Ok(counter.finish(parts))
}

/// Reads chunks of whole lines in the calling thread and hands them to `workers`
/// threads, each folding them into its own part with `work`; the parts of every
/// worker, or the first error. A worker that panics makes the whole replay fail:
/// its part is lost, so any total would be wrong.
fn in_parallel<P: Send>(
    reader: &mut impl BufRead,
    workers: usize,
    part: impl Fn() -> P + Sync,
    work: impl Fn(u64, &Chunk, &mut P) + Sync,
) -> Result<Vec<P>, AlertsError> {
    let (work_tx, work_rx) = sync_channel::<(u64, Chunk)>(workers * 2);
    let (free_tx, free_rx) = sync_channel::<Chunk>(workers * 3);
    // Only the workers hold the receiver: once they are all gone (even by a panic),
    // sending fails and the reader stops instead of waiting forever.
    let work_rx = Arc::new(Mutex::new(work_rx));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (part, work) = (&part, &work);
                let (work_rx, free_tx) = (Arc::clone(&work_rx), free_tx.clone());
                s.spawn(move || {
                    let mut mine = part();
                    while let Some((index, buf)) = next_job(&work_rx) {
                        work(index, &buf, &mut mine);
                        let _ = free_tx.try_send(buf);
                    }
                    mine
                })
            })
            .collect();
        drop((free_tx, work_rx));
        let read = feed(reader, &work_tx, &free_rx);
        drop(work_tx);
        // Join every worker before looking at the results: the scope would panic
        // over a panicked thread left unjoined.
        let joined: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        let parts = joined
            .into_iter()
            .map(|j| j.map_err(|p| worker_failed(&*p)))
            .collect::<Result<Vec<P>, AlertsError>>()?;
        read.map(|()| parts)
    })
}

/// The error for a worker thread that panicked, with the panic's message.
fn worker_failed(payload: &(dyn std::any::Any + Send)) -> AlertsError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    AlertsError::Worker { message }
}

fn next_job(rx: &Mutex<Receiver<(u64, Chunk)>>) -> Option<(u64, Chunk)> {
    rx.lock().ok()?.recv().ok()
}

/// Reads chunks and sends them to the workers, reusing the buffers they return.
fn feed(
    reader: &mut impl BufRead,
    work: &SyncSender<(u64, Chunk)>,
    free: &Receiver<Chunk>,
) -> Result<(), AlertsError> {
    let mut offset = 0;
    for index in 0.. {
        let mut buf = free.try_recv().unwrap_or_default();
        if !read_chunk(reader, &mut buf, &mut offset)? || work.send((index, buf)).is_err() {
            break;
        }
    }
    Ok(())
}

/// Fills `chunk` with about [`CHUNK`] bytes ending at a line end (or the end of the
/// input); a last line longer than [`MAX_ALERT_LINE`] is skipped and flagged instead.
/// `false` at the end of the input.
fn read_chunk(
    reader: &mut impl BufRead,
    chunk: &mut Chunk,
    offset: &mut u64,
) -> Result<bool, AlertsError> {
    // A buffer that held a long line goes back to the usual size.
    if chunk.bytes.capacity() > 2 * CHUNK {
        chunk.bytes = Vec::new();
    }
    let buf = &mut chunk.bytes;
    buf.clear();
    chunk.overlong = false;
    let err = |offset: u64| move |source| AlertsError::Read { offset, source };
    let at = *offset;
    reader
        .by_ref()
        .take(CHUNK as u64)
        .read_to_end(buf)
        .map_err(err(at))?;
    if buf.last().is_some_and(|&b| b != b'\n') {
        let line_start = memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
        let room = MAX_ALERT_LINE - (buf.len() - line_start).min(MAX_ALERT_LINE);
        let mut rest = reader.by_ref().take(room as u64 + 1);
        rest.read_until(b'\n', buf).map_err(err(at))?;
        if buf.last() != Some(&b'\n') && buf.len() - line_start > MAX_ALERT_LINE {
            *offset += (buf.len() - line_start) as u64 + skip_line(reader).map_err(err(at))?;
            buf.truncate(line_start);
            chunk.overlong = true;
        }
    }
    *offset += buf.len() as u64;
    Ok(!buf.is_empty() || chunk.overlong)
}

/// Consumes the input up to and including the next `\n` without keeping it; the
/// number of bytes consumed.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(skipped);
        }
        let (n, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        reader.consume(n);
        skipped += n as u64;
        if done {
            return Ok(skipped);
        }
    }
}

/// How many distinct unknown rule ids a replay lists (memory stays bounded).
const MAX_UNKNOWN_IDS: usize = 1000;

/// What the workers share: the simulator and, per rule, its bound responses.
struct Counter<'s, 'r> {
    sim: &'s Simulator<'r>,
    active: Vec<&'s ActiveResponse>,
    bound: HashMap<u32, Vec<usize>>,
}

/// One worker's counts.
struct Partial {
    alerts: u64,
    unknown_rules: u64,
    unknown_ids: BTreeSet<u32>,
    skipped: u64,
    counts: Vec<u64>,
    by_agent: Vec<KeyCounts>,
    malformed: u64,
    overlong: u64,
    /// Per chunk: its index, its number of lines, its first malformed line (0-based
    /// within the chunk), to rebuild absolute line numbers.
    chunks: Vec<(u64, u64, Option<u64>)>,
}

impl<'s, 'r> Counter<'s, 'r> {
    fn new(sim: &'s Simulator<'r>) -> Self {
        let active: Vec<&ActiveResponse> = sim.responses.active().collect();
        let bound = bound_by_rule(sim, &active);
        Counter { sim, active, bound }
    }

    fn partial(&self) -> Partial {
        Partial {
            alerts: 0,
            unknown_rules: 0,
            unknown_ids: BTreeSet::new(),
            skipped: 0,
            counts: vec![0; self.active.len()],
            by_agent: vec![KeyCounts::default(); self.active.len()],
            malformed: 0,
            overlong: 0,
            chunks: Vec::new(),
        }
    }

    /// Counts the lines of one chunk.
    fn chunk(&self, index: u64, chunk: &Chunk, part: &mut Partial) {
        let (mut lines, mut first_bad) = (0u64, None);
        let mut rest = chunk.bytes.as_slice();
        while !rest.is_empty() {
            let end = newline(rest).unwrap_or(rest.len());
            let line = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            lines += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match scan(line) {
                Some(a) if a.rule_id.is_some() => self.count(part, &a),
                _ => {
                    part.malformed += 1;
                    first_bad.get_or_insert(lines - 1);
                }
            }
        }
        if chunk.overlong {
            lines += 1;
            part.malformed += 1;
            part.overlong += 1;
            first_bad.get_or_insert(lines - 1);
        }
        part.chunks.push((index, lines, first_bad));
    }

    /// Adds up the workers' counts, in block order, with absolute line numbers.
    fn finish(&self, parts: Vec<Partial>) -> Replay {
        let mut out = Replay {
            alerts: 0,
            unknown_rules: 0,
            unknown_rule_ids: Vec::new(),
            skipped: 0,
            executions: self
                .active
                .iter()
                .map(|ar| ReplayExecution {
                    index: ar.index,
                    name: ar.name.clone(),
                    count: 0,
                    by_agent: BTreeMap::new(),
                    other_agents: Folded::default(),
                })
                .collect(),
            malformed: 0,
            first_malformed: None,
            overlong: 0,
        };
        let mut chunks = Vec::new();
        let mut unknown = BTreeSet::new();
        let mut by_agent = vec![KeyCounts::default(); self.active.len()];
        for p in parts {
            unknown.extend(p.unknown_ids);
            out.alerts += p.alerts;
            out.unknown_rules += p.unknown_rules;
            out.skipped += p.skipped;
            out.malformed += p.malformed;
            out.overlong += p.overlong;
            for ((e, n), (sum, by)) in out
                .executions
                .iter_mut()
                .zip(p.counts)
                .zip(by_agent.iter_mut().zip(p.by_agent))
            {
                e.count += n;
                sum.merge(by);
            }
            chunks.extend(p.chunks);
        }
        for (e, by) in out.executions.iter_mut().zip(by_agent) {
            (e.by_agent, e.other_agents) = by.finish();
        }
        out.unknown_rule_ids = unknown.into_iter().take(MAX_UNKNOWN_IDS).collect();
        chunks.sort_unstable();
        let mut before = 0;
        for (_, lines, bad) in chunks {
            if let (None, Some(b)) = (out.first_malformed, bad) {
                out.first_malformed = Some(before + b + 1);
            }
            before += lines;
        }
        out
    }
}

/// For each loaded rule with responses, the indices (into the active list) of them.
fn bound_by_rule(sim: &Simulator<'_>, active: &[&ActiveResponse]) -> HashMap<u32, Vec<usize>> {
    sim.rules
        .iter()
        .filter_map(|rule| {
            let list: Vec<usize> = sim
                .bound(rule)
                .iter()
                .filter_map(|b| active.iter().position(|a| a.index == b.index))
                .collect();
            (!list.is_empty()).then_some((rule.id, list))
        })
        .collect()
}

impl Counter<'_, '_> {
    /// Counts one alert: unknown rule, gated, or one execution per routed response.
    fn count(&self, part: &mut Partial, a: &AlertFields<'_>) {
        part.alerts += 1;
        let Some(id) = a.rule_id else { return };
        let sim = self.sim;
        if sim.rules.get(id).is_none() {
            part.unknown_rules += 1;
            if part.unknown_ids.len() < MAX_UNKNOWN_IDS {
                part.unknown_ids.insert(id);
            }
            return;
        }
        let Some(list) = self.bound.get(&id) else {
            return;
        };
        let agent = a.agent_id.as_deref().unwrap_or("000");
        let (srcip, user) = (a.srcip.as_deref(), a.dstuser.as_deref());
        let mut gated = false;
        for &i in list {
            let ar = self.active[i];
            let expect = (sim.responses.profile == Profile::Ossec)
                .then(|| Expect::read(ar.expect.as_deref().unwrap_or("")));
            if sim.gate_fields(user, srcip, expect) != Gate::Open {
                gated = true;
                continue;
            }
            let target = match sim.route(ar, agent) {
                Route::Manager => Cow::Borrowed("000"),
                Route::Agent(a) => Cow::Owned(a),
                Route::AllAgents => Cow::Borrowed(match sim.responses.profile {
                    Profile::Wazuh => "all active agents",
                    Profile::Ossec => "all agents",
                }),
                Route::Nowhere(_) => continue,
            };
            part.counts[i] += 1;
            part.by_agent[i].add(&target, 1);
        }
        if gated {
            part.skipped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    #[test]
    fn one_thread_and_several_give_the_same_counts() {
        let loaded = crate::rules::load_texts([(
            "r.xml",
            "<group name=\"g,\"><rule id=\"1\" level=\"5\"><description>d</description></rule><rule id=\"2\" level=\"0\"><description>d</description></rule></group>",
        )]);
        let doc = crate::xml::parse(
            "<ossec_config><command><name>c</name><executable>firewall-drop</executable></command><active-response><command>c</command><location>local</location><rules_id>1</rules_id></active-response></ossec_config>",
        );
        let config = Config::from_document(&doc);
        let sim = Simulator::new(&config, &doc, &loaded.rules, Profile::Wazuh);
        let mut text = String::new();
        for i in 0..60_000 {
            match i % 7 {
                0 => text.push_str("garbage\n"),
                1 => text.push_str("{\"rule\":{\"id\":\"9\"}}\n"),
                _ => text.push_str(&format!(
                    "{{\"rule\":{{\"id\":\"{}\"}},\"agent\":{{\"id\":\"{:03}\"}},\"pad\":\"{}\"}}\n",
                    1 + i % 2,
                    i % 5,
                    "x".repeat(i % 50)
                )),
            }
        }
        let one = replay_with(text.as_bytes(), &sim, 1).expect("one thread");
        let three = replay_with(text.as_bytes(), &sim, 3).expect("three threads");
        assert_eq!(one, three);
        assert_eq!(one.first_malformed, Some(1));
        // 60,000 lines: 8,572 garbage (i % 7 == 0: 0, 7, …, 59997), 51,428 alerts, of
        // which 8,572 name the unknown rule 9 (i % 7 == 1: 1, 8, …, 59998); rule 1
        // (even i among the rest) runs the response, rule 2 has level 0.
        assert_eq!(
            (one.malformed, one.alerts, one.unknown_rules),
            (8572, 51428, 8572)
        );
        let even = (0..60_000).filter(|i| i % 7 > 1 && i % 2 == 0).count() as u64;
        assert_eq!(one.executions[0].count, even);
    }

    #[test]
    fn a_worker_that_panics_fails_the_replay() {
        // Before, its counts were silently left out of the totals. Enough lines that
        // every worker gets chunks, and the reader must not wait for dead workers.
        let text = "x\n".repeat(4 * CHUNK);
        let got = in_parallel(
            &mut text.as_bytes(),
            3,
            || 0u64,
            |index, _, seen| {
                if index == 2 {
                    panic!("injected failure");
                }
                *seen += 1;
            },
        );
        match got {
            Err(AlertsError::Worker { message }) => assert_eq!(message, "injected failure"),
            other => panic!("expected a worker error, got {other:?}"),
        }
        let all = in_parallel(&mut text.as_bytes(), 3, || 0u64, |_, _, seen| *seen += 1)
            .expect("no panic");
        let chunks: u64 = all.iter().sum();
        assert!(chunks >= 8, "{chunks} chunks");
    }

    #[test]
    fn when_every_worker_panics_the_reader_stops() {
        let text = "x\n".repeat(5 * CHUNK);
        let got = in_parallel(&mut text.as_bytes(), 2, || (), |_, _, _| panic!("boom"));
        assert!(matches!(got, Err(AlertsError::Worker { .. })), "{got:?}");
    }
}
