//! The time of a log line for `simulate --logs` (docs/logs.md "Time"): its
//! pre-decoded timestamp read as UTC, else the previous line's. A syslog timestamp
//! has no year: [`Clock`] supplies one.

/// Seconds since the epoch of a civil UTC date and time.
fn epoch(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    // Howard Hinnant's `days_from_civil`.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(mo);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// The year of a time (seconds since the epoch, UTC).
pub fn year_of(secs: i64) -> i64 {
    // 365.2425 days a year; refined against the epoch of the guess.
    let mut y = 1970 + secs.div_euclid(31_556_952);
    while epoch(y, 1, 1, 0, 0, 0) > secs {
        y -= 1;
    }
    while epoch(y + 1, 1, 1, 0, 0, 0) <= secs {
        y += 1;
    }
    y
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A date and time read from a timestamp; `year` is `None` when the text has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    year: Option<i64>,
    month: u32,
    day: u32,
    secs_of_day: u32,
    /// Seconds to subtract to get UTC (`+01:00` is 3600).
    offset: i64,
}

/// A cursor over the timestamp's bytes.
struct Cur<'a>(&'a [u8]);

impl Cur<'_> {
    fn num(&mut self, width: usize) -> Option<u32> {
        let digits = self.0.get(..width)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[width..];
        Some(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }
    fn lit(&mut self, c: u8) -> Option<()> {
        (self.0.first() == Some(&c)).then(|| self.0 = &self.0[1..])
    }
    fn one_of(&mut self, cs: &[u8]) -> Option<()> {
        let c = *self.0.first()?;
        cs.contains(&c).then(|| self.0 = &self.0[1..])
    }
    fn month(&mut self) -> Option<u32> {
        let w = self.0.get(..3)?;
        let m = MONTHS.iter().position(|m| m.as_slice() == w)?;
        self.0 = &self.0[3..];
        u32::try_from(m + 1).ok()
    }
    /// `hh:mm:ss`.
    fn clock(&mut self) -> Option<u32> {
        let h = self.num(2)?;
        self.lit(b':')?;
        let m = self.num(2)?;
        self.lit(b':')?;
        let s = self.num(2)?;
        (h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s.min(59))
    }
    /// A day written `dd` or ` d`.
    fn day(&mut self) -> Option<u32> {
        if self.0.first() == Some(&b' ') {
            self.0 = &self.0[1..];
            return self.num(1);
        }
        self.num(2)
    }
    /// `Z`, `±hh:mm` or `±hhmm` after optional fractional seconds.
    fn zone(&mut self) -> i64 {
        if self.lit(b'.').is_some() || self.lit(b',').is_some() {
            while self.0.first().is_some_and(u8::is_ascii_digit) {
                self.0 = &self.0[1..];
            }
        }
        let sign = match self.0.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return 0,
        };
        self.0 = &self.0[1..];
        let Some(h) = self.num(2) else { return 0 };
        let _ = self.lit(b':');
        let m = self.num(2).unwrap_or(0);
        sign * (i64::from(h) * 3600 + i64::from(m) * 60)
    }
}

impl Stamp {
    /// Reads the timestamp formats the pre-decoder recognises (docs/logs.md "Time");
    /// `None` for any other text.
    pub fn parse(ts: &[u8]) -> Option<Stamp> {
        iso(ts)
            .or_else(|| bsd(ts))
            .or_else(|| year_first(ts))
            .or_else(|| weekday_first(ts))
            .or_else(|| slashed(ts))
            .filter(|s| (1..=12).contains(&s.month) && (1..=31).contains(&s.day))
    }

    fn at(&self, year: i64) -> i64 {
        let (h, rest) = (self.secs_of_day / 3600, self.secs_of_day % 3600);
        epoch(year, self.month, self.day, h, rest / 60, rest % 60) - self.offset
    }
}

/// `2016-01-07T14:13:36.000+01:00`, `2015-12-15 14:02:46,123`.
fn iso(ts: &[u8]) -> Option<Stamp> {
    let mut c = Cur(ts);
    let year = c.num(4)?;
    c.lit(b'-')?;
    let month = c.num(2)?;
    c.lit(b'-')?;
    let day = c.num(2)?;
    c.one_of(b"T ")?;
    let secs_of_day = c.clock()?;
    let offset = c.zone();
    Some(Stamp {
        year: Some(i64::from(year)),
        month,
        day,
        secs_of_day,
        offset,
    })
}

/// `Dec  3 10:01:56` (syslog: no year), `Dec  3 10:01:56 2026`.
fn bsd(ts: &[u8]) -> Option<Stamp> {
    let mut c = Cur(ts);
    let month = c.month()?;
    c.lit(b' ')?;
    let day = c.day()?;
    c.lit(b' ')?;
    let secs_of_day = c.clock()?;
    let year = c.lit(b' ').and_then(|()| c.num(4)).map(i64::from);
    Some(Stamp {
        year,
        month,
        day,
        secs_of_day,
        offset: 0,
    })
}

/// `2007 Oct 12 10:00:00`.
fn year_first(ts: &[u8]) -> Option<Stamp> {
    let mut c = Cur(ts);
    let year = c.num(4)?;
    c.lit(b' ')?;
    let mut s = bsd(c.0)?;
    s.year = Some(i64::from(year));
    Some(s)
}

/// `Mon Apr 17 18:27:14 2006` (xferlog, Apache's error log).
fn weekday_first(ts: &[u8]) -> Option<Stamp> {
    let rest = ts.get(4..).filter(|_| ts.get(3) == Some(&b' '))?;
    bsd(rest)
}

/// `01/28/1979-09:13:16.240702` (Suricata), `01/28-09:13:16.240702` (Snort, no year).
fn slashed(ts: &[u8]) -> Option<Stamp> {
    let mut c = Cur(ts);
    let month = c.num(2)?;
    c.lit(b'/')?;
    let day = c.num(2)?;
    let year = c.lit(b'/').and_then(|()| c.num(4)).map(i64::from);
    c.lit(b'-')?;
    let secs_of_day = c.clock()?;
    Some(Stamp {
        year,
        month,
        day,
        secs_of_day,
        offset: 0,
    })
}

/// Squid's `1140804070.368`: seconds since the epoch.
fn epoch_seconds(ts: &[u8]) -> Option<i64> {
    let whole = ts.split(|&b| b == b'.').next()?;
    if whole.len() != 10 || !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(whole).ok()?.parse().ok()
}

/// Gives each line its time (docs/logs.md "Time"): the pre-decoded timestamp when it
/// reads as one, else the previous line's time; before any, `now`. A timestamp
/// without a year takes the year of `now`, or the year before when that would put
/// the first such line more than a day after `now` (December logs read in January);
/// then the year goes up by one whenever such a timestamp is more than half a year
/// earlier than the previous one (the log went past New Year); one more than half a
/// year later is a line out of order from the year before.
#[derive(Debug, Clone)]
pub struct Clock {
    now: i64,
    last: i64,
    year: Option<i64>,
    /// The time of the last yearless timestamp, for the New Year rule.
    last_yearless: Option<i64>,
}

impl Clock {
    /// A clock for a run that starts at `now` (seconds since the epoch).
    pub fn new(now: i64) -> Clock {
        Clock {
            now,
            last: now,
            year: None,
            last_yearless: None,
        }
    }

    /// The time of a line with this pre-decoded timestamp (if any).
    pub fn time(&mut self, timestamp: Option<&[u8]>) -> i64 {
        let Some(ts) = timestamp else {
            return self.last;
        };
        if let Some(t) = epoch_seconds(ts) {
            self.last = t;
        } else if let Some(stamp) = Stamp::parse(ts) {
            self.last = match stamp.year {
                Some(y) => stamp.at(y),
                None => self.yearless(&stamp),
            };
        }
        self.last
    }

    fn yearless(&mut self, stamp: &Stamp) -> i64 {
        const HALF_YEAR: i64 = 183 * 86_400;
        let year = *self.year.get_or_insert_with(|| {
            let y = year_of(self.now);
            if stamp.at(y) > self.now + 86_400 {
                y - 1
            } else {
                y
            }
        });
        let mut t = stamp.at(year);
        match self.last_yearless {
            Some(prev) if t < prev - HALF_YEAR => {
                self.year = Some(year + 1);
                t = stamp.at(year + 1);
            }
            // A line a little out of order just after New Year.
            Some(prev) if t > prev + HALF_YEAR => t = stamp.at(year - 1),
            _ => {}
        }
        self.last_yearless = Some(t);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_288_701; // 2026-12-03T09:05:01Z

    #[test]
    fn formats_of_the_predecoder_read_as_utc() {
        let t = |s: &str| Clock::new(NOW).time(Some(s.as_bytes()));
        assert_eq!(t("2026-12-03T09:05:01Z"), NOW);
        assert_eq!(t("2026-12-03T10:05:01.123+01:00"), NOW);
        assert_eq!(t("2026-12-03 09:05:01,123"), NOW);
        assert_eq!(t("2026 Dec  3 09:05:01"), NOW);
        assert_eq!(t("Thu Dec  3 09:05:01 2026"), NOW);
        assert_eq!(t("12/03/2026-09:05:01.240702"), NOW);
        assert_eq!(t("Dec  3 09:05:01"), NOW);
        assert_eq!(t("12/03-09:05:01.5"), NOW);
        assert_eq!(t("1796288701.368"), NOW);
        assert_eq!(t("2000-02-29T00:00:00Z"), 951_782_400);
    }

    #[test]
    fn a_line_without_a_timestamp_takes_the_previous_lines_time() {
        let mut c = Clock::new(NOW);
        assert_eq!(c.time(None), NOW);
        let t = c.time(Some(b"Dec  1 00:00:00"));
        assert_eq!(c.time(None), t);
        assert_eq!(c.time(Some(b"not a time")), t);
    }

    #[test]
    fn december_logs_read_in_january_are_last_years() {
        let jan_2 = epoch(2027, 1, 2, 0, 0, 0);
        let mut c = Clock::new(jan_2);
        assert_eq!(
            c.time(Some(b"Dec 31 23:59:59")),
            epoch(2026, 12, 31, 23, 59, 59)
        );
        // Past New Year, the year goes up.
        assert_eq!(c.time(Some(b"Jan  1 00:00:01")), epoch(2027, 1, 1, 0, 0, 1));
        // A line a few seconds out of order stays in its year.
        assert_eq!(
            c.time(Some(b"Dec 31 23:59:58")),
            epoch(2026, 12, 31, 23, 59, 58)
        );
        assert_eq!(c.time(Some(b"Jan  1 00:00:02")), epoch(2027, 1, 1, 0, 0, 2));
    }

    #[test]
    fn years_of_times() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(NOW), 2026);
        assert_eq!(year_of(epoch(2024, 12, 31, 23, 59, 59)), 2024);
        assert_eq!(year_of(epoch(2025, 1, 1, 0, 0, 0)), 2025);
    }
}
