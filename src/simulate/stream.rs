//! Lines of a log to decoded events in threads of their own (docs/limits.md
//! "Speed"). Pre-decoding and the decoder tree read nothing but the ruleset
//! ([`Ruleset::decode_line`]), so one thread reads lines and several decode them,
//! batch by batch, while the caller finishes each event's decoding in input order
//! (the steps that use the session, [`Decoding::finish`]) and matches rules. Batches
//! go round the workers in turn and come back in the same turn, so the order is
//! kept without sorting. Channels are bounded and lines are cut at [`MAX_LINE`], so
//! memory does not grow with the input. `simulate --logs`, the editor's `L` and
//! `logtest` share it.

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::analysis::{Decoded, Ruleset};

/// The longest line kept; the rest of a longer line is dropped (as `logtest` does).
pub const MAX_LINE: usize = 1 << 20;
/// Lines sent at once.
const BATCH: usize = 512;
/// Batches in flight between the reader and the caller, over all workers.
const IN_FLIGHT: usize = 4;
/// The most decoding threads.
const MAX_WORKERS: usize = 4;

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

/// Consecutive non-empty lines, decoded.
pub struct Batch {
    /// One per line, in input order.
    pub events: Vec<Decoded>,
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
pub type Sent = Result<Batch, ReadFailed>;

/// Lines read and not yet decoded: one buffer, and where each line ends in it.
struct Lines {
    text: Vec<u8>,
    ends: Vec<usize>,
    idle: bool,
}

/// The reading end: where the reader sends each batch of lines, in turn.
pub struct Feed {
    workers: Vec<SyncSender<Result<Lines, ReadFailed>>>,
    turn: usize,
}

impl Feed {
    /// Sends to the worker whose turn it is; false once the workers are gone.
    fn send(&mut self, lines: Result<Lines, ReadFailed>) -> bool {
        let sent = self.workers[self.turn].send(lines).is_ok();
        self.turn = (self.turn + 1) % self.workers.len();
        sent
    }
}

/// The caller's end: decoded batches in input order, until the input ends, fails
/// or the workers are gone.
pub struct DecodedBatches {
    workers: Vec<Receiver<Sent>>,
    turn: usize,
}

impl Iterator for DecodedBatches {
    type Item = Sent;

    fn next(&mut self) -> Option<Sent> {
        // The worker whose turn it is has the next batch, or has stopped because
        // the reader sent no more: then no other worker has a later one.
        let sent = self.workers[self.turn].recv().ok()?;
        self.turn = (self.turn + 1) % self.workers.len();
        Some(sent)
    }
}

/// Starts the decoding threads for lines received from `location`: one per core,
/// up to [`MAX_WORKERS`]. They stop when the reader is done with the returned
/// [`Feed`] and their batches are taken, or when the caller drops the returned
/// receiver (not scoped threads: a caller that stops early does not wait for them).
pub fn decoders(ruleset: &Arc<Ruleset>, location: &[u8]) -> (Feed, DecodedBatches) {
    let n = std::thread::available_parallelism()
        .map_or(1, |n| n.get() - 1)
        .clamp(1, MAX_WORKERS);
    let depth = IN_FLIGHT.div_ceil(n);
    let (mut feed, mut out) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let (in_tx, in_rx) = sync_channel::<Result<Lines, ReadFailed>>(depth);
        let (out_tx, out_rx) = sync_channel::<Sent>(depth);
        let ruleset = Arc::clone(ruleset);
        let location = location.to_vec();
        std::thread::spawn(move || {
            for lines in in_rx {
                let sent = lines.map(|lines| {
                    let mut start = 0;
                    let events = lines
                        .ends
                        .iter()
                        .map(|&end| {
                            let line = &lines.text[start..end];
                            start = end;
                            ruleset.decode_line(&location, line)
                        })
                        .collect();
                    Batch {
                        events,
                        idle: lines.idle,
                    }
                });
                if out_tx.send(sent).is_err() {
                    return;
                }
            }
        });
        feed.push(in_tx);
        out.push(out_rx);
    }
    (
        Feed {
            workers: feed,
            turn: 0,
        },
        DecodedBatches {
            workers: out,
            turn: 0,
        },
    )
}

/// Reads `reader` to its end and sends its non-empty lines, in batches, to the
/// decoding threads. A batch is sent when full, or as soon as `idle` says the
/// input has nothing more waiting (an interactive input). Returns when the input
/// ends, fails, the workers are gone or `cancel` is set.
pub fn read_lines<R: BufRead>(
    mut reader: R,
    cancel: Option<&AtomicBool>,
    mut feed: Feed,
    idle: impl Fn(&R) -> bool,
) {
    let mut line = Vec::new();
    let new = || Lines {
        text: Vec::new(),
        ends: Vec::with_capacity(BATCH),
        idle: false,
    };
    let mut batch = new();
    let mut lines = 0u64;
    loop {
        match read_line(&mut reader, &mut line) {
            Ok(true) => {}
            Ok(false) => break,
            Err(source) => {
                feed.send(Err(ReadFailed { lines, source }));
                return;
            }
        }
        lines += 1;
        if !line.is_empty() {
            batch.text.extend_from_slice(&line);
            batch.ends.push(batch.text.len());
        }
        let idle = idle(&reader);
        if batch.ends.len() == BATCH
            || batch.text.len() >= MAX_LINE
            || (idle && !batch.ends.is_empty())
        {
            let mut full = std::mem::replace(&mut batch, new());
            full.idle = idle;
            if !feed.send(Ok(full)) || cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return;
            }
        }
    }
    if !batch.ends.is_empty() {
        batch.idle = true;
        feed.send(Ok(batch));
    }
}
