//! `simulate --logs` (docs/logs.md): a raw log streamed through one session
//! of the analysis engine in file order, counting per response how often it would
//! have run (by agent and by source IP), the rules that fired, and the lines no
//! decoder read.
//!
//! The lines are read and decoded in a thread of their own ([`super::stream`]); the
//! calling thread matches rules in file order and counts.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::Serialize;

use super::fire::{AlertEvent, Execution, Options, Simulator};
use super::logtime::Clock;
use super::stream::{decoders, read_lines};
use super::tally::{Folded, KeyCounts};
use crate::analysis::{Decoding, Outcome, Ruleset, Session, StaticField};

/// How often (in lines) the progress callback is called.
const PROGRESS_EVERY: u64 = 8192;

/// A rule that produced alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The rule id, as a string as in alerts.
    pub id: String,
    /// Its level.
    pub level: u32,
    /// Alerts it produced.
    pub count: u64,
}

/// How often one response would have run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogExecution {
    /// 1-based block index.
    pub index: usize,
    /// The response name.
    pub name: String,
    /// Executions dispatched by analysisd.
    pub count: u64,
    /// The same, per target (`000` the manager, `all active agents`), for the
    /// lowest [`super::MAX_KEYS`] targets.
    pub by_agent: BTreeMap<String, u64>,
    /// The same, per `srcip` of the event (executions without one are left out), for
    /// the lowest [`super::MAX_KEYS`] addresses.
    pub by_srcip: BTreeMap<String, u64>,
    /// The targets past the cap, folded (absent from JSON when there are none).
    #[serde(skip_serializing_if = "Folded::is_empty")]
    pub other_agents: Folded,
    /// The addresses past the cap, folded (absent from JSON when there are none).
    #[serde(skip_serializing_if = "Folded::is_empty")]
    pub other_srcips: Folded,
}

/// The counts of a log replay (docs/logs.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogCounts {
    /// Lines processed (empty lines are skipped, as logtest skips them).
    pub lines: u64,
    /// Lines no decoder read.
    pub undecoded: u64,
    /// Events stored as alerts (logtest's `alert`).
    pub alerts: u64,
    /// The rules of the alerts, most frequent first (then by id).
    pub rules: Vec<RuleCount>,
    /// One entry per response that the daemon would load, in config order.
    pub executions: Vec<LogExecution>,
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// Opening failed.
    #[error("cannot read {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading (or decompressing) failed.
    #[error("cannot read the log after {lines} lines: {source}")]
    Read {
        /// Lines read before the failure.
        lines: u64,
        /// Why.
        source: std::io::Error,
    },
    /// The caller cancelled it.
    #[error("cancelled")]
    Cancelled,
    /// The decoding thread panicked.
    #[error("the decoding thread failed: no counts are given")]
    Worker,
}

/// An opened log: the reader, and how many bytes of the file it has read so far (for
/// progress; the file's size is `size`).
pub struct LogFile {
    /// Lines, decompressed when the file is gzip.
    pub reader: Box<dyn BufRead + Send>,
    /// Bytes of the file (compressed) read so far.
    pub read: Arc<AtomicU64>,
    /// The file's size in bytes.
    pub size: u64,
}

/// Counts what passes through it.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens a log file (`-`: standard input; anything else must be a regular file),
/// decompressing it when it starts with the gzip magic bytes.
pub fn open_log(path: &Path) -> Result<LogFile, LogsError> {
    let open_err = |source| LogsError::Open {
        path: path.to_path_buf(),
        source,
    };
    let (file, size): (Box<dyn Read + Send>, u64) = if path == Path::new("-") {
        (Box::new(std::io::stdin()), 0)
    } else {
        let file = crate::input::open(path).map_err(open_err)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), size)
    };
    let read = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: file,
        read: Arc::clone(&read),
    };
    let mut buffered = BufReader::with_capacity(1 << 16, counting);
    let gz = buffered
        .fill_buf()
        .map_err(open_err)?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if gz {
        let inner = flate2::bufread::MultiGzDecoder::new(buffered);
        Box::new(BufReader::with_capacity(1 << 16, inner))
    } else {
        Box::new(buffered)
    };
    Ok(LogFile { reader, read, size })
}

/// How a replay runs.
pub struct LogOptions<'a> {
    /// The location of the events (logcollector gives the file's path).
    pub location: &'a [u8],
    /// The time before the first timestamp, and the year of syslog timestamps
    /// (docs/logs.md "Time").
    pub now: i64,
    /// Checked between batches: set, the replay stops with [`LogsError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called now and then with the lines matched so far.
    pub progress: Option<&'a mut dyn FnMut(u64)>,
}

/// The responses an alert runs (as `logtest` shows them): none for a level-0 rule or
/// an alert suppressed by `ignore` (analysisd runs none; docs/analysis.md "Output").
/// Without `messages`, only where each runs (or why not), as counting needs.
pub fn responses(
    ruleset: &Ruleset,
    sim: &Simulator<'_>,
    outcome: &Outcome,
    agent: Option<&str>,
    messages: bool,
) -> Vec<Execution> {
    let Some(fired) = &outcome.fired else {
        return Vec::new();
    };
    let rule = ruleset.rules.rule(fired.rule);
    if fired.suppressed || rule.level == 0 {
        return Vec::new();
    }
    let field = |f| {
        outcome
            .event
            .get(f)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let event = AlertEvent {
        rule: rule.id,
        agent: agent.map(str::to_string),
        srcip: field(StaticField::SrcIp),
        user: field(StaticField::DstUser),
    };
    let options = Options {
        profile: sim.responses.profile,
        messages,
        ..Options::default()
    };
    sim.fire(&event, &options).fired
}

/// Streams `reader` through one session of `ruleset`; the responses are those of
/// `sim`.
pub fn replay_logs(
    reader: impl BufRead + Send,
    ruleset: &Arc<Ruleset>,
    sim: &Simulator<'_>,
    opts: LogOptions<'_>,
) -> Result<LogCounts, LogsError> {
    let LogOptions {
        location,
        now,
        cancel,
        mut progress,
    } = opts;
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let mut tally = Tally::new(sim);
    let mut session = Session::new(ruleset);
    let mut decoding = Decoding::new(ruleset);
    let mut clock = Clock::new(now);
    let (feed, batches) = decoders(ruleset, location);
    std::thread::scope(|s| {
        let reader_thread = s.spawn(move || read_lines(reader, cancel, feed, |_| false));
        let mut batches = batches;
        for batch in &mut batches {
            if cancelled() {
                break;
            }
            let batch = batch.map_err(|e| LogsError::Read {
                lines: e.lines,
                source: e.source,
            })?;
            for decoded in batch.events {
                let event = decoding.finish(decoded, |e| clock.time(e.timestamp.as_deref()));
                let outcome = session.evaluate(event, false);
                tally.add(ruleset, sim, &outcome);
                if tally.lines.is_multiple_of(PROGRESS_EVERY)
                    && let Some(p) = progress.as_mut()
                {
                    p(tally.lines);
                }
            }
        }
        // Dropping the batches stops the workers, then the reader at its next send.
        drop(batches);
        reader_thread.join().map_err(|_| LogsError::Worker)?;
        if cancelled() {
            return Err(LogsError::Cancelled);
        }
        Ok(tally.finish(ruleset))
    })
}

/// The counts being gathered.
struct Tally {
    lines: u64,
    undecoded: u64,
    alerts: u64,
    /// Alerts per rule (index into the rule tree).
    rules: FxHashMap<usize, u64>,
    /// Per rule id: does any response bind it? (Saves firing the others.)
    bound: FxHashMap<u32, bool>,
    executions: Vec<LogExecution>,
    /// Per execution, its counts per target and per address (capped).
    by_agent: Vec<KeyCounts>,
    by_srcip: Vec<KeyCounts>,
}

impl Tally {
    fn new(sim: &Simulator<'_>) -> Tally {
        let executions = sim
            .responses
            .active()
            .map(|ar| LogExecution {
                index: ar.index,
                name: ar.name.clone(),
                count: 0,
                by_agent: BTreeMap::new(),
                by_srcip: BTreeMap::new(),
                other_agents: Folded::default(),
                other_srcips: Folded::default(),
            })
            .collect::<Vec<_>>();
        let counts = vec![KeyCounts::default(); executions.len()];
        Tally {
            lines: 0,
            undecoded: 0,
            alerts: 0,
            rules: FxHashMap::default(),
            bound: FxHashMap::default(),
            executions,
            by_agent: counts.clone(),
            by_srcip: counts,
        }
    }

    fn add(&mut self, ruleset: &Ruleset, sim: &Simulator<'_>, outcome: &Outcome) {
        self.lines += 1;
        if outcome.event.decoder.is_none() {
            self.undecoded += 1;
        }
        let Some(fired) = &outcome.fired else { return };
        if outcome.alert {
            self.alerts += 1;
            *self.rules.entry(fired.rule).or_default() += 1;
        }
        let id = ruleset.rules.rule(fired.rule).id;
        let bound = *self
            .bound
            .entry(id)
            .or_insert_with(|| sim.rules.get(id).is_some_and(|r| !sim.bound(r).is_empty()));
        if bound {
            self.count(ruleset, sim, outcome);
        }
    }

    /// Counts the executions of one alert: those that run somewhere.
    fn count(&mut self, ruleset: &Ruleset, sim: &Simulator<'_>, outcome: &Outcome) {
        let srcip = outcome
            .event
            .get(StaticField::SrcIp)
            .map(|v| String::from_utf8_lossy(v).into_owned());
        for x in responses(ruleset, sim, outcome, None, false) {
            if x.runs_on.is_empty() {
                continue;
            }
            let Some(i) = self.executions.iter().position(|e| e.index == x.index) else {
                continue;
            };
            self.executions[i].count += 1;
            for target in x.runs_on {
                self.by_agent[i].add(&target, 1);
            }
            if let Some(ip) = &srcip {
                self.by_srcip[i].add(ip, 1);
            }
        }
    }

    fn finish(mut self, ruleset: &Ruleset) -> LogCounts {
        let counts = self.by_agent.into_iter().zip(self.by_srcip);
        for (e, (agents, srcips)) in self.executions.iter_mut().zip(counts) {
            (e.by_agent, e.other_agents) = agents.finish();
            (e.by_srcip, e.other_srcips) = srcips.finish();
        }
        let mut rules: Vec<RuleCount> = self
            .rules
            .into_iter()
            .map(|(i, count)| {
                let r = ruleset.rules.rule(i);
                RuleCount {
                    id: r.id.to_string(),
                    level: r.level,
                    count,
                }
            })
            .collect();
        rules.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.id.len().cmp(&b.id.len()))
                .then_with(|| a.id.cmp(&b.id))
        });
        LogCounts {
            lines: self.lines,
            undecoded: self.undecoded,
            alerts: self.alerts,
            rules,
            executions: self.executions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Settings;
    use crate::analysis::predecode::predecode;
    use crate::model::{Config, Profile};
    use std::path::Path;

    fn demo(dir: &str) -> Vec<(PathBuf, String)> {
        let d = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(dir);
        let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v.into_iter()
            .map(|p| {
                let t = std::fs::read_to_string(&p).unwrap_or_default();
                (p, t)
            })
            .collect()
    }

    /// The two-thread replay against one session in one thread, line by line, with
    /// the same times: the same alerts, rule for rule (more lines than a batch, so
    /// the decoding thread runs ahead of matching).
    #[test]
    fn decoding_ahead_in_a_thread_changes_nothing() {
        let ruleset = Arc::new(Ruleset::build(
            &demo("decoders"),
            &demo("rules"),
            &[],
            Settings::default(),
        ));
        let sample = include_str!("../../assets/demo/sample.log").repeat(100);
        let doc = crate::xml::parse(include_str!("../../assets/demo/ossec.conf"));
        let config = Config::from_document(&doc);
        let named: Vec<(String, String)> = demo("rules")
            .into_iter()
            .map(|(p, t)| (p.display().to_string(), t))
            .collect();
        let rules = crate::rules::load_texts(named.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let sim = Simulator::new(&config, &doc, &rules.rules, Profile::Wazuh);
        let opts = LogOptions {
            location: b"x",
            now: 1_798_540_200,
            cancel: None,
            progress: None,
        };
        let got = replay_logs(sample.as_bytes(), &ruleset, &sim, opts).expect("replay");
        let mut session = Session::new(&ruleset);
        let mut clock = Clock::new(1_798_540_200);
        let mut alerts = 0;
        for line in sample.lines() {
            let ts = predecode(b"x", line.as_bytes(), b"localhost").timestamp;
            let t = clock.time(ts.as_deref());
            alerts += u64::from(session.process(b"x", line.as_bytes(), t, false).alert);
        }
        assert_eq!(got.lines, 2700);
        assert_eq!(got.alerts, alerts);
        // The copies share their timestamps: at least the first brute force runs
        // firewall-drop.
        assert!(got.executions[0].count >= 1, "{:?}", got.executions[0]);
    }

    #[test]
    fn a_cancelled_replay_says_so() {
        let ruleset = Arc::new(Ruleset::build(
            &demo("decoders"),
            &demo("rules"),
            &[],
            Settings::default(),
        ));
        let doc = crate::xml::parse("");
        let config = Config::from_document(&doc);
        let rules = crate::rules::RuleSet::default();
        let sim = Simulator::new(&config, &doc, &rules, Profile::Wazuh);
        let cancel = AtomicBool::new(true);
        let text = "Dec 29 10:00:01 h sshd[1]: Failed password for root from 1.2.3.4 port 1 ssh2\n"
            .repeat(5000);
        let opts = LogOptions {
            location: b"x",
            now: 0,
            cancel: Some(&cancel),
            progress: None,
        };
        let got = replay_logs(text.as_bytes(), &ruleset, &sim, opts);
        assert!(matches!(got, Err(LogsError::Cancelled)), "{got:?}");
    }
}
