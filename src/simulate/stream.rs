//! Lines of a log to decoded events, in a thread of their own (docs/limits.md
//! "Speed"): decoding's only state is its own (docs/analysis.md "Sessions"), so
//! one thread reads, pre-decodes and decodes while the caller matches rules, in the
//! same order. Batches go through a bounded channel and lines are cut at
//! [`MAX_LINE`], so memory does not grow with the input. `simulate --logs`, the
//! editor's `L` and `logtest` share it.

use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use crate::analysis::{Decoding, Event, Ruleset};

/// The longest line kept; the rest of a longer line is dropped (as `logtest` does).
pub const MAX_LINE: usize = 1 << 20;
/// Events sent at once.
const BATCH: usize = 512;
/// Batches in flight between the threads.
pub const IN_FLIGHT: usize = 4;

/// Reads one line without its `\n`, cut at [`MAX_LINE`]; `false` at the end.
pub fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<bool> {
    line.clear();
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(any);
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], i + 1),
            None => (buf, buf.len()),
        };
        let room = MAX_LINE.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let ended = done > chunk.len();
        input.consume(done);
        if ended {
            return Ok(true);
        }
    }
}

/// What the caller made of consecutive non-empty lines (their decoded events,
/// with whatever it attached to them).
pub struct Batch<T> {
    /// One per line, in input order.
    pub events: Vec<T>,
    /// Nothing more was waiting in the input when it was sent: an interactive
    /// caller shows its answers now.
    pub idle: bool,
}

/// Reading stopped on an error of the input.
#[derive(Debug)]
pub struct ReadFailed {
    /// Lines read before the failure.
    pub lines: u64,
    /// Why.
    pub source: std::io::Error,
}

/// What a batch or the end of the input sends.
pub type Sent<T> = Result<Batch<T>, ReadFailed>;

/// Reads `reader` to its end and sends, in batches through `tx`, what `each` makes
/// of every non-empty line (the caller's decoding, with its own state: see
/// [`decoder`]). A batch is sent when full, or as soon as `idle` says the input has
/// nothing more waiting (an interactive input). Returns when the input ends, fails,
/// the receiver is gone or `cancel` is set.
pub fn read_batches<R: BufRead, T>(
    mut reader: R,
    cancel: Option<&AtomicBool>,
    tx: &SyncSender<Sent<T>>,
    mut each: impl FnMut(&[u8]) -> T,
    idle: impl Fn(&R) -> bool,
) {
    let mut line = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut bytes = 0;
    let mut lines = 0u64;
    loop {
        match read_line(&mut reader, &mut line) {
            Ok(true) => {}
            Ok(false) => break,
            Err(source) => {
                let _ = tx.send(Err(ReadFailed { lines, source }));
                return;
            }
        }
        lines += 1;
        if !line.is_empty() {
            batch.push(each(&line));
            bytes += line.len();
        }
        let idle = idle(&reader);
        if batch.len() == BATCH || bytes >= MAX_LINE || (idle && !batch.is_empty()) {
            let events = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            bytes = 0;
            if tx.send(Ok(Batch { events, idle })).is_err()
                || cancel.is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(Batch {
            events: batch,
            idle: true,
        }));
    }
}

/// A line's decoding with a fresh decoding state of `ruleset`, the events coming
/// from `location`; `time` gives each event its time (it may read the pre-decoded
/// timestamp).
pub fn decoder<'r>(
    ruleset: &'r Ruleset,
    location: &'r [u8],
    mut time: impl FnMut(&Event) -> i64 + 'r,
) -> impl FnMut(&[u8]) -> Event + 'r {
    let mut decoding = Decoding::new(ruleset);
    move |line| decoding.event(location, line, &mut time)
}
