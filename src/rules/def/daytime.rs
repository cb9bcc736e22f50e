//! `<time>` and `<weekday>` of a rule (`src/shared/validate_op.c`: `OS_IsValidTime`,
//! `OS_IsonTime`, `OS_IsValidDay`, `OS_IsonDay`; docs/analysis-rules.md
//! "Options"). Ported byte for byte, including what the daemon accepts by accident.

/// The days a `<weekday>` names (index 0 = Sunday) and whether it is negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays {
    /// Days set, Sunday first.
    pub days: [bool; 7],
    /// Negated (the daemon cannot actually read a `!`; kept for the stored form).
    pub negate: bool,
}

/// The byte at `i`, or NUL past the end (C string reading).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while at(s, i) == b' ' {
        i += 1;
    }
    i
}

/// C `atoi` on the bytes from `i` (leading digits only; no sign handling needed).
fn atoi(s: &[u8], i: usize) -> i64 {
    let mut n: i64 = 0;
    let mut j = i;
    while at(s, j).is_ascii_digit() {
        n = n
            .saturating_mul(10)
            .saturating_add(i64::from(at(s, j) - b'0'));
        j += 1;
    }
    n
}

/// `__gethour`: reads one `hh[:mm][ ][am|pm]`; returns the `HH:MM` text and where
/// reading stopped.
fn get_hour(s: &[u8], mut i: usize) -> Option<(String, usize)> {
    let mut hour = atoi(s, i);
    if !(0..24).contains(&hour) {
        return None;
    }
    let start = i;
    while at(s, i).is_ascii_digit() {
        i += 1;
    }
    if i - start > 2 {
        return None;
    }
    let mut min = 0;
    if at(s, i) == b':' {
        i += 1;
        let (d0, d1, d2) = (at(s, i), at(s, i + 1), at(s, i + 2));
        if (!d0.is_ascii_digit() || !d1.is_ascii_digit()) && d2.is_ascii_digit() {
            return None;
        }
        min = atoi(s, i);
        i = (i + 2).min(s.len());
    }
    i = skip_spaces(s, i);
    let fmt = |h: i64, m: i64| format!("{h:02}:{m:02}");
    match at(s, i).to_ascii_lowercase() {
        b'a' if at(s, i + 1).eq_ignore_ascii_case(&b'm') => {
            if hour == 12 {
                hour = 0;
            }
            Some((fmt(hour, min), i + 2))
        }
        b'p' if at(s, i + 1).eq_ignore_ascii_case(&b'm') => {
            if hour == 12 {
                hour = 0;
            }
            hour += 12;
            (hour < 24).then(|| (fmt(hour, min), i + 2))
        }
        b'a' | b'p' => None,
        _ => Some((fmt(hour, min), i)),
    }
}

/// `OS_IsValidTime`: the stored form `.HH:MMHH:MM` (or `!…` when negated or when the
/// start is after the end, which the daemon stores swapped and negated), or `None`.
pub fn valid_time(text: &str) -> Option<String> {
    let s = text.as_bytes();
    let mut i = skip_spaces(s, 0);
    let mut negate = false;
    if at(s, i) == b'!' {
        negate = true;
        i = skip_spaces(s, i + 1);
    }
    let (first, next) = get_hour(s, i)?;
    i = skip_spaces(s, next);
    if at(s, i) != b'-' {
        return None;
    }
    i = skip_spaces(s, i + 1);
    let (second, next) = get_hour(s, i)?;
    i = skip_spaces(s, next);
    if i < s.len() {
        return None;
    }
    if first > second {
        return Some(format!("!{second}{first}"));
    }
    Some(format!("{}{first}{second}", if negate { '!' } else { '.' }))
}

/// `OS_IsonTime`: is `hhmmss` (`HH:MM:SS`) inside the stored range? Only the first
/// 5 bytes are compared; both ends are included.
pub fn is_on_time(hhmmss: &str, stored: &str) -> bool {
    let truth = !stored.starts_with('!');
    let now = hhmmss.as_bytes();
    let now = &now[..now.len().min(5)];
    let range = stored.as_bytes();
    let start = range.get(1..6).unwrap_or_default();
    let end = range.get(6..11).unwrap_or_default();
    if now >= start && now <= end {
        truth
    } else {
        !truth
    }
}

/// `OS_IsValidDay`: day names (full or 3 letters, any case), `weekdays`, `weekends`,
/// separated by spaces or commas. A `!` is not skipped, so it fails.
pub fn valid_day(text: &str) -> Option<Weekdays> {
    const DAYS: [(&str, usize); 16] = [
        ("sunday", 0),
        ("sun", 0),
        ("monday", 1),
        ("mon", 1),
        ("tuesday", 2),
        ("tue", 2),
        ("wednesday", 3),
        ("wed", 3),
        ("thursday", 4),
        ("thu", 4),
        ("friday", 5),
        ("fri", 5),
        ("saturday", 6),
        ("sat", 6),
        ("weekdays", 7),
        ("weekends", 8),
    ];
    let s = text.as_bytes();
    let mut i = skip_spaces(s, 0);
    let negate = at(s, i) == b'!';
    let mut days = [false; 7];
    while i < s.len() {
        let rest = &s[i..];
        let (name, n) = DAYS.iter().find(|(name, _)| {
            rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        })?;
        match n {
            7 => days[1..6].iter_mut().for_each(|d| *d = true),
            8 => {
                days[0] = true;
                days[6] = true;
            }
            &d => days[d] = true,
        }
        i += name.len();
        match at(s, i) {
            b' ' | b',' => {
                while matches!(at(s, i), b' ' | b',') {
                    i += 1;
                }
            }
            0 if i >= s.len() => break,
            _ => return None,
        }
    }
    days.iter().any(|&d| d).then_some(Weekdays { days, negate })
}

/// `OS_IsonDay`: is `wday` (0 = Sunday) one of the days?
pub fn is_on_day(wday: usize, days: &Weekdays) -> bool {
    let truth = !days.negate;
    match days.days.get(wday) {
        Some(true) => truth,
        Some(false) => !truth,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_stored_form() {
        assert_eq!(valid_time("6 pm - 8:30 am").as_deref(), Some("!08:3018:00"));
        assert_eq!(valid_time("10:00-12:00").as_deref(), Some(".10:0012:00"));
        assert_eq!(valid_time("!10 - 11").as_deref(), Some("!10:0011:00"));
        assert_eq!(valid_time("12 am - 12 pm").as_deref(), Some(".00:0012:00"));
        assert_eq!(valid_time("25:00 - 1"), None);
        assert_eq!(valid_time("10:00"), None);
        assert_eq!(valid_time("10 - 11 x"), None);
    }

    #[test]
    fn on_time_includes_both_ends() {
        let r = valid_time("10:00-12:00").expect("valid");
        assert!(is_on_time("10:00:00", &r));
        assert!(is_on_time("12:00:59", &r));
        assert!(!is_on_time("12:01:00", &r));
        let night = valid_time("6 pm - 8:30 am").expect("valid");
        assert!(!is_on_time("12:00:00", &night));
        assert!(is_on_time("23:00:00", &night));
    }

    #[test]
    fn days() {
        let d = valid_day("weekends").expect("valid");
        assert!(is_on_day(0, &d) && is_on_day(6, &d) && !is_on_day(3, &d));
        let d = valid_day("Mon, tue wednesday").expect("valid");
        assert_eq!(d.days, [false, true, true, true, false, false, false]);
        assert_eq!(valid_day("!monday"), None);
        assert_eq!(valid_day("funday"), None);
        assert_eq!(valid_day("monx"), None);
    }
}
