//! Pre-decoding: `OS_CleanMSG` of `src/analysisd/cleanevent.c`, ported on a byte
//! buffer the way the C code works on its copy of the line (it writes NUL bytes into
//! it and reads C strings back), so its quirks come out the same
//! (docs/analysis-predecode.md).

use super::event::Event;

mod syslog;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_oracle;

/// The longest request `wazuh-logtest` accepts (`OS_MAXSTR - 1` in
/// `src/analysisd/logtest.c`, `w_logtest_clients_handler`): a longer one gets an
/// error reply and is not decoded at all. `predecode` itself never cuts a line.
pub const LOGTEST_MAX_REQUEST: usize = 65535;

/// `OS_BUFFER_SIZE + 1`: the buffer `w_logtest_preprocessing_phase` escapes the
/// location into (`src/analysisd/logtest.c`).
const LOCATION_BUFFER: usize = 2049;

/// Why the daemon refuses a line at pre-decoding (logtest answers `FORMAT_ERROR`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the location starts with '[' but has no ']' (agent form expected)")]
pub struct PredecodeError;

/// Pre-decodes one line as `w_logtest_preprocessing_phase` and `OS_CleanMSG` do:
/// location, `full_log`, `log`, timestamp, program name, host name (the manager's
/// short name, `manager_host` cut at its first `.`, when the line has none) and
/// agent id. `time` stays 0: the caller sets it. A location the daemon refuses is
/// kept as it is, with agent `000` (use [`try_predecode`] to see the refusal).
pub fn predecode(location: &[u8], message: &[u8], manager_host: &[u8]) -> Event {
    try_predecode(location, message, manager_host).unwrap_or_else(|_| Event {
        location: c_str(location).to_vec(),
        full_log: c_str(message).to_vec(),
        log: c_str(message).to_vec(),
        hostname: short_host(manager_host).to_vec(),
        agent_id: "000".to_string(),
        ..Event::default()
    })
}

/// [`predecode`], or the daemon's refusal.
pub fn try_predecode(
    location: &[u8],
    message: &[u8],
    manager_host: &[u8],
) -> Result<Event, PredecodeError> {
    let location = clean_location(c_str(location));
    let message = c_str(message);
    let mut c = Clean::new(message);
    c.headers();
    let mut ev = Event {
        full_log: message.to_vec(),
        log: c.cstr(c.log).to_vec(),
        timestamp: c.ts.map(|t| c.cstr(t).to_vec()),
        program_name: c.prog.map(|p| c.cstr(p).to_vec()),
        ..Event::default()
    };
    if location.first() == Some(&b'[') {
        let close = memchr::memchr(b']', &location).ok_or(PredecodeError)?;
        ev.agent_id = String::from_utf8_lossy(&location[1..close]).into_owned();
        let rest = &location[close..];
        ev.location = if rest.len() > 1 {
            rest[2.min(rest.len())..].to_vec()
        } else {
            Vec::new()
        };
        ev.hostname = match ev.location.split_first() {
            Some((b'(', name)) => match memchr::memchr(b')', name) {
                Some(end) => name[..end].to_vec(),
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
    } else {
        ev.location = location;
        ev.hostname = match c.host {
            Some(h) => c.cstr(h).to_vec(),
            None => short_host(manager_host).to_vec(),
        };
        ev.agent_id = "000".to_string();
    }
    Ok(ev)
}

/// Whether the byte before `log` in the daemon's buffer is a NUL: the copy starts
/// right after `full_log`'s terminator, and pre-decoding writes NULs before the parts
/// it skips. A decoder whose pattern points one before `log` (`Match::before_start`)
/// keeps that pointer when this is true, so the next input is `""`
/// (`src/analysisd/decoders/decoder.c`, "Next character"; docs/analysis-predecode.md).
pub fn log_follows_nul(message: &[u8]) -> bool {
    let mut c = Clean::new(c_str(message));
    c.headers();
    c.log == 0 || c.at(c.log - 1) == 0
}

/// `predecoder.hostname` of the logtest output (`src/analysisd/format/json_extended.c`):
/// the ERE `^[A-Z][a-z][a-z] [ 0123][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] ([^ ]+)`
/// on `full_log`, matched by hand.
pub fn predecoder_hostname(full_log: &[u8]) -> Option<&[u8]> {
    let b = c_str(full_log);
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let digit = |i: usize| at(i).is_ascii_digit();
    let ok = at(0).is_ascii_uppercase()
        && at(1).is_ascii_lowercase()
        && at(2).is_ascii_lowercase()
        && at(3) == b' '
        && matches!(at(4), b' ' | b'0' | b'1' | b'2' | b'3')
        && digit(5)
        && at(6) == b' '
        && digit(7)
        && digit(8)
        && at(9) == b':'
        && digit(10)
        && digit(11)
        && at(12) == b':'
        && digit(13)
        && digit(14)
        && at(15) == b' ';
    if !ok {
        return None;
    }
    let rest = &b[16..];
    let len = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// A C string: the bytes before the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..memchr::memchr(0, b).unwrap_or(b.len())]
}

/// `__shost`: the host name cut at its first `.` (`src/analysisd/analysisd.c`).
fn short_host(host: &[u8]) -> &[u8] {
    let host = c_str(host);
    &host[..memchr::memchr(b'.', host).unwrap_or(host.len())]
}

/// The location as the daemon keeps it: escaped into its buffer, then unescaped
/// when the message is split. Without a `|` or `:` the round trip only cuts it to
/// the buffer, and costs no copies.
fn clean_location(s: &[u8]) -> Vec<u8> {
    if memchr::memchr2(b'|', b':', s).is_none() {
        return s[..s.len().min(LOCATION_BUFFER - 1)].to_vec();
    }
    unescape(&escape(s))
}

/// `wstr_escape(buf, 2049, location, '|', ':')` (`src/shared/string_op.c`): `|` and
/// `:` get a `|` in front; the result is cut to fit the buffer.
fn escape(s: &[u8]) -> Vec<u8> {
    let size = LOCATION_BUFFER;
    let mut out = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    loop {
        let z = s[i..]
            .iter()
            .position(|&b| b == b'|' || b == b':')
            .unwrap_or(s.len() - i);
        let j = out.len();
        if i + z == s.len() || j + z >= size - 2 {
            let z = if z + j < size { z } else { size - j - 1 };
            out.extend_from_slice(&s[i..i + z]);
            i += z;
        } else {
            out.extend_from_slice(&s[i..i + z]);
            out.extend_from_slice(&[b'|', s[i + z]]);
            i += z + 1;
        }
        if i >= s.len() || out.len() >= size - 2 {
            return out;
        }
    }
}

/// `wstr_unescape(…, '|')` after `OS_CleanMSG` split at the first unescaped `:`
/// (none is left in an escaped location): `|x` becomes `x`, `||` becomes `|`.
fn unescape(escaped: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(escaped.len());
    let mut i = 0;
    while i < escaped.len() {
        if escaped[i] == b'|' && i + 1 < escaped.len() {
            i += 1;
        }
        out.push(escaped[i]);
        i += 1;
    }
    out
}

/// The working copy of the line (`lf->log`'s buffer) and the pointers into it.
struct Clean<'a> {
    /// The untouched line, read for format detection (`pieces`).
    line: &'a [u8],
    /// The copy, with room past its end so a pointer beyond it reads NULs.
    buf: Vec<u8>,
    log: usize,
    ts: Option<usize>,
    host: Option<usize>,
    prog: Option<usize>,
}

/// `isValidChar()`: `hostname_map` entries equal to 1 (`os_regex_maps.c`).
fn valid(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/' | b'@' | b'(' | b')')
}

impl<'a> Clean<'a> {
    fn new(line: &'a [u8]) -> Clean<'a> {
        let mut buf = Vec::with_capacity(line.len() + 4);
        buf.extend_from_slice(line);
        buf.extend_from_slice(&[0, 0, 0, 0]);
        Clean {
            line,
            buf,
            log: 0,
            ts: None,
            host: None,
            prog: None,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.buf.get(i).copied().unwrap_or(0)
    }

    fn cstr(&self, i: usize) -> &[u8] {
        c_str(self.buf.get(i..).unwrap_or_default())
    }

    /// NUL-terminates the copy at `i`.
    fn cut(&mut self, i: usize) {
        if let Some(b) = self.buf.get_mut(i) {
            *b = 0;
        }
    }

    /// `strchr(from, c)` on the copy.
    fn find(&self, from: usize, c: u8) -> Option<usize> {
        memchr::memchr(c, self.cstr(from)).map(|k| from + k)
    }

    /// The header formats, in the daemon's order.
    fn headers(&mut self) {
        let loglen = self.line.len() + 1;
        let view = Pieces::new(self.line);
        if let Some(skip) = view.syslog_skip(loglen) {
            self.log = skip;
            self.ts = Some(0);
            self.cut(skip - 1);
            self.syslog_header();
        } else if let Some((skip, ts, cut)) = view.other_skip(loglen) {
            self.log = skip;
            self.ts = ts;
            if ts.is_some() {
                self.cut(skip - cut);
            }
        } else if view.is_asl(loglen) {
            self.asl();
        } else if view.is_squid(loglen) {
            self.log = 14;
            while self.at(self.log) == b' ' {
                self.log += 1;
            }
            self.ts = Some(0);
            self.cut(self.log - 1);
        }
    }

    /// The OS X ASL format: `[Sender x]`, `[Message x]`, `[Host x]`.
    fn asl(&mut self) {
        self.log = 25;
        let mut done_message = false;
        let mut next = self.find(self.log, b'[');
        while let Some(mut q) = next {
            q += 1;
            let rest = self.cstr(q);
            if rest.starts_with(b"Sender ") && self.prog.is_none() {
                q += 7;
                self.prog = Some(q);
                let Some(e) = self.find(q, b']') else {
                    self.prog = None;
                    break;
                };
                self.cut(e);
                q = e + 1;
            } else if rest.starts_with(b"Message ") && !done_message {
                q += 8;
                done_message = true;
                self.log = q;
                let Some(e) = self.find(q, b']') else { break };
                self.cut(e);
                q = e + 1;
            } else if rest.starts_with(b"Host ") {
                q += 5;
                self.host = Some(q);
                match self.find(q, b']') {
                    Some(e) => self.cut(e),
                    None => self.host = None,
                }
                break;
            }
            next = self.find(q, b'[');
        }
    }
}

/// The line as the format detection reads it: with the umlaut repair of `Mä…`
/// (bytes 1–2 `C3 A4`), which shifts the view by one byte and reads `Ma`.
struct Pieces<'a> {
    line: &'a [u8],
    umlaut: bool,
}

impl<'a> Pieces<'a> {
    fn new(line: &'a [u8]) -> Pieces<'a> {
        let umlaut =
            line.len() + 1 >= 3 && line.get(1) == Some(&0xC3) && line.get(2) == Some(&0xA4);
        Pieces { line, umlaut }
    }

    fn p(&self, i: usize) -> u8 {
        if !self.umlaut {
            return self.line.get(i).copied().unwrap_or(0);
        }
        match i {
            0 => b'M',
            1 => b'a',
            _ => self.line.get(i + 1).copied().unwrap_or(0),
        }
    }

    fn all(&self, at: &[(usize, u8)]) -> bool {
        at.iter().all(|&(i, c)| self.p(i) == c)
    }

    fn digit(&self, i: usize) -> bool {
        self.p(i).is_ascii_digit()
    }

    /// Rows A1–A5: how far `log` moves.
    fn syslog_skip(&self, loglen: usize) -> Option<usize> {
        if loglen > 17 && self.all(&[(3, b' '), (6, b' '), (9, b':'), (12, b':'), (15, b' ')]) {
            return Some(16);
        }
        if loglen > 24
            && self.all(&[
                (4, b'-'),
                (7, b'-'),
                (10, b' '),
                (13, b':'),
                (16, b':'),
                (19, b','),
            ])
        {
            return Some(24);
        }
        if loglen > 33 && self.all(&[(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')]) {
            if self.p(22) == b':' && self.p(25) == b' ' {
                return Some(26);
            }
            if self.p(19) == b'.' {
                return Some(if self.p(26) == b':' {
                    30
                } else if self.p(29) == b':' {
                    33
                } else {
                    32
                });
            }
        }
        if loglen > 21
            && self.digit(0)
            && self.all(&[
                (4, b' '),
                (8, b' '),
                (11, b' '),
                (14, b':'),
                (17, b':'),
                (20, b' '),
            ])
        {
            return Some(21);
        }
        if loglen > 33
            && self.digit(0)
            && self.all(&[
                (4, b'-'),
                (7, b'-'),
                (10, b' '),
                (13, b':'),
                (16, b':'),
                (19, b'.'),
            ])
            && matches!(self.p(26), b'-' | b'+')
            && self.p(31) == b' '
        {
            return Some(32);
        }
        None
    }

    /// Rows B–E: (skip, timestamp start, how far before `log` the NUL goes).
    fn other_skip(&self, loglen: usize) -> Option<(usize, Option<usize>, usize)> {
        let xferlog = [
            (3, b' '),
            (7, b' '),
            (10, b' '),
            (13, b':'),
            (16, b':'),
            (19, b' '),
        ];
        if loglen > 28 && self.all(&xferlog) && self.all(&[(24, b' '), (26, b' ')]) {
            return Some((25, Some(0), 1));
        }
        let snort = [
            (2, b'/'),
            (5, b'-'),
            (8, b':'),
            (11, b':'),
            (14, b'.'),
            (21, b' '),
        ];
        if loglen > 24 && self.all(&snort) {
            return Some((23, Some(0), 2));
        }
        let suricata = [
            (2, b'/'),
            (5, b'/'),
            (10, b'-'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ];
        if loglen > 28 && self.all(&suricata) && self.p(26) == b' ' {
            return Some((28, Some(0), 2));
        }
        let apache = [
            (0, b'['),
            (4, b' '),
            (8, b' '),
            (11, b' '),
            (14, b':'),
            (17, b':'),
        ];
        if loglen > 27 && self.all(&apache) && self.all(&[(20, b' '), (25, b']')]) {
            return Some((27, Some(1), 2));
        }
        None
    }

    /// Row F: `[Time 2006.12.28 15:53:55 UTC] …`.
    fn is_asl(&self, loglen: usize) -> bool {
        loglen > 26
            && self.all(&[
                (0, b'['),
                (1, b'T'),
                (5, b' '),
                (10, b'.'),
                (13, b'.'),
                (16, b' '),
            ])
            && self.p(19) == b':'
    }

    /// Row G: squid's `1140804070.368  11623 …`.
    fn is_squid(&self, loglen: usize) -> bool {
        loglen > 32
            && self.p(0) == b'1'
            && self.digit(1)
            && self.digit(2)
            && self.digit(3)
            && self.p(10) == b'.'
            && self.digit(13)
            && self.p(14) == b' '
            && (self.p(21) == b' ' || self.p(22) == b' ')
    }
}
