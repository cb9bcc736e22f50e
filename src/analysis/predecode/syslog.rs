//! Host name and program name after a syslog timestamp (rows A of
//! docs/analysis-predecode.md; `OS_CleanMSG` in `src/analysisd/cleanevent.c`).

use super::{Clean, valid};

impl Clean<'_> {
    /// After the timestamp: an optional space, then the host name and program name
    /// forms, then the `[ID x y]` of Solaris.
    pub(super) fn syslog_header(&mut self) {
        if self.at(self.log) == b' ' {
            self.log += 1;
        }
        self.host = Some(self.log);
        let mut p = self.log;
        while valid(self.at(p)) {
            p += 1;
        }
        let pieces = if self.at(p) == b':' && self.at(p + 1) == b' ' {
            // Solaris: no host name, the run is the program.
            self.prog = self.host.take();
            self.cut(p);
            self.log = p + 2;
            Some(p + 2)
        } else if self.at(p) != b' ' {
            self.host = None;
            None
        } else {
            self.cut(p);
            self.log = p + 1;
            self.prog = Some(p + 1);
            self.program(p + 1)
        };
        if let Some(p) = pieces {
            self.log = p;
            // Two bytes after the `]`; past the end the daemon reads beyond its
            // string, here that is an empty log.
            if self.cstr(p).starts_with(b"[ID ")
                && let Some(e) = self.find(p + 4, b']')
            {
                self.log = e + 2;
            }
        }
    }

    /// The program forms after the host name: `p:`, `p[pid]:`, `p[pid] `, AIX.
    /// Returns where the log continues, or `None` (no program; `log` stays).
    fn program(&mut self, mut p: usize) -> Option<usize> {
        while valid(self.at(p)) {
            p += 1;
        }
        if self.at(p) == b':' {
            self.cut(p);
            p += 1;
            return Some(p + usize::from(self.at(p) == b' '));
        }
        if self.at(p) == b'[' && self.at(p + 1).is_ascii_digit() {
            return self.program_pid(p);
        }
        if self.at(p) == b'|' && self.at(p + 1).is_ascii_lowercase() {
            return self.aix(p);
        }
        self.prog = None;
        None
    }

    /// `p[pid]:` or `p[pid] `; anything else puts the `[` back and drops the program.
    fn program_pid(&mut self, open: usize) -> Option<usize> {
        self.cut(open);
        let mut p = open + 2;
        while self.at(p).is_ascii_digit() {
            p += 1;
        }
        if self.at(p) == b']' && self.at(p + 1) == b':' {
            p += 2;
            return Some(p + usize::from(self.at(p) == b' '));
        }
        if self.at(p) == b']' && self.at(p + 1) == b' ' {
            return Some(p + 2);
        }
        self.buf[open] = b'[';
        self.prog = None;
        None
    }

    /// AIX: `host auth|security:info prog: msg`.
    fn aix(&mut self, mut p: usize) -> Option<usize> {
        p += 2;
        while self.at(p).is_ascii_alphanumeric() {
            p += 1;
        }
        if self.at(p) != b':' {
            self.prog = None;
            return None;
        }
        p += 1;
        while self.at(p).is_ascii_alphanumeric() {
            p += 1;
        }
        if self.at(p) != b' ' {
            self.prog = None;
            return None;
        }
        p += 1;
        self.prog = Some(p);
        while valid(self.at(p)) {
            p += 1;
        }
        if self.at(p) == b':' && self.at(p + 1) == b' ' {
            self.cut(p);
            return Some(p + 2);
        }
        if self.at(p) == b'[' && self.at(p + 1).is_ascii_digit() {
            self.cut(p);
            p += 2;
            while self.at(p).is_ascii_digit() {
                p += 1;
            }
            // The program keeps its cut even when the pid form fails.
            let ok = self.at(p) == b']' && self.at(p + 1) == b':' && self.at(p + 2) == b' ';
            return ok.then_some(p + 3);
        }
        // Neither form: the program runs to the end of the line.
        Some(p)
    }
}
