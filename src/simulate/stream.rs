//! Lines of a log to decoded events, on every core (docs/limits.md "Speed").
//! Pre-decoding and the decoder tree read nothing but the ruleset
//! ([`Ruleset::decode_line`]), so one thread reads lines in batches and decoding
//! threads decode them, while the caller takes the batches back in input order,
//! finishes each event's decoding (the steps that use the session,
//! [`crate::analysis::Decoding::finish`]) and matches rules. While the next batch is
//! not ready the caller decodes one itself. Batches in flight are bounded and lines
//! are cut at [`MAX_LINE`], so memory does not grow with the input.
//! `simulate --logs`, the editor's `L` and `logtest` share it.

use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::analysis::{Decoded, Ruleset};

/// The longest line kept; the rest of a longer line is dropped (as `logtest` does).
pub const MAX_LINE: usize = 1 << 20;
/// Lines sent at once.
const BATCH: usize = 256;
/// Batches read and not yet taken by the caller, at most.
const IN_FLIGHT: usize = 8;
/// The most decoding threads.
const MAX_WORKERS: usize = 4;

/// Reads one line without its `\n`, cut at [`MAX_LINE`]; `false` at the end.
pub fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<bool> {
    line.clear();
    append_line(input, line)
}

/// [`read_line`] appending to `text` (the line is cut at [`MAX_LINE`] on its own).
fn append_line(input: &mut impl BufRead, text: &mut Vec<u8>) -> std::io::Result<bool> {
    let start = text.len();
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
        let room = MAX_LINE.saturating_sub(text.len() - start);
        text.extend_from_slice(&chunk[..chunk.len().min(room)]);
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

/// What the reader, the decoding threads and the caller share.
struct Shared {
    ruleset: Arc<Ruleset>,
    location: Vec<u8>,
    flow: Mutex<Flow>,
    changed: Condvar,
}

/// Batches between the threads, each with its number in input order.
#[derive(Default)]
struct Flow {
    /// Read, not yet taken for decoding (oldest first).
    read: VecDeque<(u64, Result<Lines, ReadFailed>)>,
    /// Being decoded.
    decoding: usize,
    /// Decoded, not yet taken by the caller.
    decoded: HashMap<u64, Sent>,
    /// The number the reader gives its next batch.
    sent: u64,
    /// The reader is done.
    ended: bool,
    /// The caller is gone, or a decoding thread failed: the reader stops.
    stopped: bool,
    /// A decoding thread panicked: the caller gets an error.
    failed: bool,
}

impl Flow {
    fn in_flight(&self) -> usize {
        self.read.len() + self.decoding + self.decoded.len()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Flow> {
        self.flow.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, flow: MutexGuard<'a, Flow>) -> MutexGuard<'a, Flow> {
        self.changed
            .wait(flow)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Decodes a batch taken from `read` and puts it in `decoded`.
    fn decode<'a>(
        &'a self,
        mut flow: MutexGuard<'a, Flow>,
        (at, lines): (u64, Result<Lines, ReadFailed>),
    ) -> MutexGuard<'a, Flow> {
        flow.decoding += 1;
        drop(flow);
        let sent = lines.map(|lines| {
            let mut start = 0;
            let events = lines
                .ends
                .iter()
                .map(|&end| {
                    let line = &lines.text[start..end];
                    start = end;
                    self.ruleset.decode_line(&self.location, line)
                })
                .collect();
            Batch {
                events,
                idle: lines.idle,
            }
        });
        let mut flow = self.lock();
        flow.decoding -= 1;
        flow.decoded.insert(at, sent);
        self.changed.notify_all();
        flow
    }
}

/// The reading end (see [`read_lines`]).
pub struct Feed(Arc<Shared>);

impl Feed {
    /// Hands a batch over once there is room; false once the caller is gone.
    fn send(&mut self, lines: Result<Lines, ReadFailed>) -> bool {
        let mut flow = self.0.lock();
        while !flow.stopped && flow.in_flight() >= IN_FLIGHT {
            flow = self.0.wait(flow);
        }
        if flow.stopped {
            return false;
        }
        let at = flow.sent;
        flow.sent += 1;
        flow.read.push_back((at, lines));
        self.0.changed.notify_all();
        true
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.0.lock().ended = true;
        self.0.changed.notify_all();
    }
}

/// The caller's end: decoded batches in input order, until the input ends or
/// fails. While the next batch is not ready, the caller decodes one itself, so
/// that the cores stay busy when decoding is the slower side.
pub struct DecodedBatches {
    shared: Arc<Shared>,
    next: u64,
}

impl Iterator for DecodedBatches {
    type Item = Sent;

    fn next(&mut self) -> Option<Sent> {
        let shared = &*self.shared;
        let mut flow = shared.lock();
        loop {
            if let Some(sent) = flow.decoded.remove(&self.next) {
                self.next += 1;
                shared.changed.notify_all();
                return Some(sent);
            }
            if let Some(batch) = flow.read.pop_front() {
                flow = shared.decode(flow, batch);
            } else if flow.failed {
                return Some(Err(ReadFailed {
                    lines: 0,
                    source: std::io::Error::other("a decoding thread failed"),
                }));
            } else if flow.ended && flow.decoding == 0 {
                return None;
            } else {
                flow = shared.wait(flow);
            }
        }
    }
}

impl Drop for DecodedBatches {
    fn drop(&mut self) {
        self.shared.lock().stopped = true;
        self.shared.changed.notify_all();
    }
}

/// Marks the flow failed if a decoding thread unwinds.
struct Failing<'a>(&'a Shared);

impl Drop for Failing<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut flow = self.0.lock();
            flow.failed = true;
            flow.stopped = true;
            self.0.changed.notify_all();
        }
    }
}

/// Starts decoding lines received from `location`: one thread per core but one
/// (at least one, up to [`MAX_WORKERS`]), and the caller while it waits. The
/// threads stop when the reader is done with the returned [`Feed`] and their
/// batches are taken, or when the caller drops the returned batches (not scoped
/// threads: a caller that stops early does not wait for them).
pub fn decoders(ruleset: &Arc<Ruleset>, location: &[u8]) -> (Feed, DecodedBatches) {
    let n = std::thread::available_parallelism()
        .map_or(1, |n| n.get() - 1)
        .clamp(1, MAX_WORKERS);
    let shared = Arc::new(Shared {
        ruleset: Arc::clone(ruleset),
        location: location.to_vec(),
        flow: Mutex::new(Flow::default()),
        changed: Condvar::new(),
    });
    for _ in 0..n {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let _failing = Failing(&shared);
            let mut flow = shared.lock();
            loop {
                if flow.stopped {
                    return;
                }
                if let Some(batch) = flow.read.pop_front() {
                    flow = shared.decode(flow, batch);
                } else if flow.ended {
                    return;
                } else {
                    flow = shared.wait(flow);
                }
            }
        });
    }
    (
        Feed(Arc::clone(&shared)),
        DecodedBatches { shared, next: 0 },
    )
}

/// Reads `reader` to its end and sends its non-empty lines, in batches, to the
/// decoding threads. A batch is sent when full, or as soon as `idle` says the
/// input has nothing more waiting (an interactive input). Returns when the input
/// ends, fails, the caller is gone or `cancel` is set.
pub fn read_lines<R: BufRead>(
    mut reader: R,
    cancel: Option<&AtomicBool>,
    mut feed: Feed,
    idle: impl Fn(&R) -> bool,
) {
    let new = |size: usize| Lines {
        text: Vec::with_capacity(size),
        ends: Vec::with_capacity(BATCH),
        idle: false,
    };
    let mut batch = new(0);
    let mut lines = 0u64;
    loop {
        let start = batch.text.len();
        match append_line(&mut reader, &mut batch.text) {
            Ok(true) => {}
            Ok(false) => break,
            Err(source) => {
                // The lines read before the failure are answered first.
                batch.text.truncate(start);
                if !batch.ends.is_empty() && !feed.send(Ok(batch)) {
                    return;
                }
                feed.send(Err(ReadFailed { lines, source }));
                return;
            }
        }
        lines += 1;
        if batch.text.len() > start {
            batch.ends.push(batch.text.len());
        }
        let idle = idle(&reader);
        if batch.ends.len() == BATCH
            || batch.text.len() >= MAX_LINE
            || (idle && !batch.ends.is_empty())
        {
            // The next batch is likely the size of this one.
            let size = batch.text.len().min(2 * MAX_LINE);
            let mut full = std::mem::replace(&mut batch, new(size));
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

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::*;
    use crate::analysis::{Decoding, Settings};

    fn empty_ruleset() -> Arc<Ruleset> {
        Arc::new(Ruleset::build(&[], &[], &[], Settings::default()))
    }

    /// The lines the batches hold, in the order the caller takes them.
    fn logs(ruleset: &Arc<Ruleset>, batches: DecodedBatches) -> Result<Vec<String>, ReadFailed> {
        let mut decoding = Decoding::new(ruleset);
        let mut out = Vec::new();
        for batch in batches {
            for decoded in batch?.events {
                let event = decoding.finish(decoded, |_| 0);
                out.push(String::from_utf8_lossy(&event.full_log).into_owned());
            }
        }
        Ok(out)
    }

    #[test]
    fn events_come_back_in_input_order_whichever_thread_decoded_them() {
        let ruleset = empty_ruleset();
        let lines: Vec<String> = (0..20 * BATCH + 7).map(|i| format!("line {i}")).collect();
        let text = lines.join("\n\n");
        let (feed, batches) = decoders(&ruleset, b"test");
        let reader = std::thread::spawn(move || read_lines(text.as_bytes(), None, feed, |_| false));
        assert_eq!(logs(&ruleset, batches).expect("read"), lines);
        reader.join().expect("reader");
    }

    /// Fails after `ok` bytes.
    struct Broken {
        ok: std::io::Cursor<Vec<u8>>,
    }

    impl Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.ok.read(buf)? {
                0 => Err(std::io::Error::other("disk gone")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn a_read_error_comes_after_the_lines_read_before_it() {
        let ruleset = empty_ruleset();
        let text: String = (0..3 * BATCH + 5).map(|i| format!("l{i}\n")).collect();
        let (feed, batches) = decoders(&ruleset, b"test");
        let input = BufReader::with_capacity(
            64,
            Broken {
                ok: std::io::Cursor::new(text.into_bytes()),
            },
        );
        let reader = std::thread::spawn(move || read_lines(input, None, feed, |_| false));
        let mut decoding = Decoding::new(&ruleset);
        let mut seen = 0;
        let mut failed = None;
        for batch in batches {
            match batch {
                Ok(b) => {
                    assert!(failed.is_none(), "a batch after the error");
                    for d in b.events {
                        let e = decoding.finish(d, |_| 0);
                        assert_eq!(e.full_log, format!("l{seen}").into_bytes());
                        seen += 1;
                    }
                }
                Err(e) => failed = Some(e),
            }
        }
        let failed = failed.expect("the error arrives");
        assert_eq!((seen, failed.lines), (3 * BATCH + 5, 3 * BATCH as u64 + 5));
        assert_eq!(failed.source.to_string(), "disk gone");
        reader.join().expect("reader");
    }

    #[test]
    fn a_caller_that_stops_early_stops_the_reader() {
        let ruleset = empty_ruleset();
        let (feed, mut batches) = decoders(&ruleset, b"test");
        // An endless input: only the caller going away ends the reader.
        let endless = BufReader::new(ReadPattern(0));
        let reader = std::thread::spawn(move || read_lines(endless, None, feed, |_| false));
        assert!(batches.next().expect("a batch").is_ok());
        drop(batches);
        reader.join().expect("the reader returns");
    }

    /// `x\n` forever.
    struct ReadPattern(u8);

    impl Read for ReadPattern {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            for b in buf.iter_mut() {
                *b = if self.0.is_multiple_of(2) {
                    b'x'
                } else {
                    b'\n'
                };
                self.0 = self.0.wrapping_add(1);
            }
            Ok(buf.len())
        }
    }
}
