//! Lines of a log to decoded events, in a thread of their own (docs/logs.md
//! "Threads"): decoding's only state is its own (docs/analysis.md "Sessions"), so
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

/// The decoded events of consecutive non-empty lines, each with what the caller's
/// clock attached to it.
pub struct Batch<T> {
    /// The events, in input order.
    pub events: Vec<(Event, T)>,
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

/// How lines are decoded.
pub struct Decode<'a> {
    /// The location of the events.
    pub location: &'a [u8],
    /// Checked between batches: set, reading stops.
    pub cancel: Option<&'a AtomicBool>,
}

/// Reads `reader` to its end, decoding each non-empty line with a fresh decoding
/// state of `ruleset`, and sends the events in batches through `tx`. `time` gives
/// each event its time (it may read the pre-decoded timestamp) and a value of the
/// caller's kept with it. A batch is sent when full, or as soon as `idle` says the
/// input has nothing more waiting (an interactive input). Returns when the input
/// ends, fails, the receiver is gone or `cancel` is set.
pub fn decode_stream<R: BufRead, T>(
    mut reader: R,
    ruleset: &Ruleset,
    how: &Decode<'_>,
    tx: &SyncSender<Sent<T>>,
    mut time: impl FnMut(&Event) -> (i64, T),
    idle: impl Fn(&R) -> bool,
) {
    let mut decoding = Decoding::new(ruleset);
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
            let mut tag = None;
            let event = decoding.event(how.location, &line, |e| {
                let (t, x) = time(e);
                tag = Some(x);
                t
            });
            bytes += line.len();
            batch.extend(tag.map(|tag| (event, tag)));
        }
        let idle = idle(&reader);
        if batch.len() == BATCH || bytes >= MAX_LINE || (idle && !batch.is_empty()) {
            let events = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            bytes = 0;
            if tx.send(Ok(Batch { events, idle })).is_err()
                || how.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
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
