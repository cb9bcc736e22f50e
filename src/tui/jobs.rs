//! Background work of the editor (docs/ARCHITECTURE.md: long work never runs inside a frame): `L`'s log replay runs in its own
//! threads and reports progress as messages; the event loop hands them to
//! [`App::handle`] between keys, so a frame never waits for it (docs/logs.md "In the
//! editor").

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use super::app::{App, AppEvent};
use crate::analysis::Ruleset;
use crate::model::{Config, Profile};
use crate::rules::RuleSet;
use crate::simulate::Simulator;
use crate::simulate::logs::{LogCounts, LogOptions, LogsError, open_log, replay_logs};

/// How often progress is reported at most.
const PROGRESS_PERIOD: Duration = Duration::from_millis(100);

/// What a job reports.
#[derive(Debug, Clone)]
pub enum JobEvent {
    /// Lines matched so far, and how much of the file was read (percent).
    Progress {
        /// Lines.
        lines: u64,
        /// Percent of the file's bytes.
        percent: u64,
    },
    /// The end: the counts, or why there are none (cancelled included).
    Done(Result<LogCounts, String>),
}

/// A running job: its messages and its cancel flag.
pub(crate) struct Job {
    rx: Receiver<JobEvent>,
    cancel: Arc<AtomicBool>,
}

impl Job {
    /// Asks the job to stop; it answers with `Done(Err(…))`.
    pub(crate) fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// What a replay needs, owned, to run in another thread.
pub(crate) struct LogJob {
    /// The log file.
    pub(crate) path: PathBuf,
    /// The document's text as it stands (unsaved edits included).
    pub(crate) text: String,
    /// Decoders and rules of the engine.
    pub(crate) engine: Arc<Ruleset>,
    /// The rules the responses bind to.
    pub(crate) rules: RuleSet,
    /// Wazuh or OSSEC.
    pub(crate) profile: Profile,
    /// The start time (docs/logs.md "Time").
    pub(crate) now: i64,
}

/// Starts a replay in a new thread.
pub(crate) fn start(job: LogJob) -> Job {
    let (tx, rx) = channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    std::thread::spawn(move || {
        let result = replay(&job, &flag, &tx);
        let _ = tx.send(JobEvent::Done(result));
    });
    Job { rx, cancel }
}

fn replay(job: &LogJob, cancel: &AtomicBool, tx: &Sender<JobEvent>) -> Result<LogCounts, String> {
    // `-` is standard input for the CLI; here that is the terminal the editor reads.
    if job.path == std::path::Path::new("-") {
        return Err("- (standard input) is the terminal here: give a log file".to_string());
    }
    let file = open_log(&job.path).map_err(|e| e.to_string())?;
    let doc = crate::xml::parse(&job.text);
    let config = Config::from_document(&doc);
    let sim = Simulator::new(&config, &doc, &job.rules, job.profile);
    let (read, size) = (Arc::clone(&file.read), file.size.max(1));
    let mut last = Instant::now();
    let mut progress = |lines: u64| {
        if last.elapsed() >= PROGRESS_PERIOD {
            last = Instant::now();
            let percent = (read.load(Ordering::Relaxed).saturating_mul(100) / size).min(100);
            let _ = tx.send(JobEvent::Progress { lines, percent });
        }
    };
    let location = job.path.to_string_lossy();
    let opts = LogOptions {
        location: location.as_bytes(),
        now: job.now,
        cancel: Some(cancel),
        progress: Some(&mut progress),
    };
    replay_logs(file.reader, &job.engine, &sim, opts).map_err(|e| match e {
        LogsError::Cancelled => super::strings::LOGS_CANCELLED.to_string(),
        other => other.to_string(),
    })
}

/// Hands the messages of the running job to the app; true when there were any. The
/// event loop calls it between keys; key-script tests call it to wait for a job.
pub fn pump(app: &mut App) -> bool {
    let mut got = Vec::new();
    if let Some(job) = &app.job {
        loop {
            match job.rx.try_recv() {
                Ok(e) => got.push(e),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                // The thread ended without a word (it panicked): say so.
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    if !got.iter().any(|e| matches!(e, JobEvent::Done(_))) {
                        got.push(JobEvent::Done(Err("the replay stopped".into())));
                    }
                    break;
                }
            }
        }
    }
    let any = !got.is_empty();
    for e in got {
        if matches!(e, JobEvent::Done(_)) {
            app.job = None;
        }
        let _ = app.handle(AppEvent::Job(e));
    }
    any
}
