//! What a value means to the daemon that reads it, judged once: `check` reports these
//! findings, `set`/`add` and the editor's form refuse the errors and the warnings
//! (unless `--force`) with the same words, and `explain` describes the same limits
//! (docs/values.md; `src/config/active-response.c: ReadActiveResponses`).

use super::diagnostic::Severity;
use super::values::{Level, atoi, atoi_overflows, is_plain_number};

/// The longest value a message quotes in full; longer ones are cut (a refused
/// 25,000-byte value would otherwise fill the terminal).
pub const QUOTE_MAX: usize = 60;

/// A finding about one value as the daemon reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueFinding {
    /// Error: the daemon refuses to start. Warning: it reads something else than
    /// what is written, or the value can never take effect.
    pub severity: Severity,
    /// The diagnostic code `check` reports it under (`explain CODE`).
    pub code: &'static str,
    /// One line, naming the value and what the daemon makes of it.
    pub message: String,
}

impl ValueFinding {
    fn new(severity: Severity, code: &'static str, message: String) -> ValueFinding {
        ValueFinding {
            severity,
            code,
            message,
        }
    }
}

/// `v` in quotes with control characters escaped, cut after [`QUOTE_MAX`]
/// characters with the full length said.
pub fn quoted(v: &str) -> String {
    let mut s = String::from("'");
    for ch in v.chars().take(QUOTE_MAX) {
        match ch {
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => s.push(c),
        }
    }
    if v.chars().nth(QUOTE_MAX).is_some() {
        s.push_str(&format!("…' ({} bytes)", v.len()));
    } else {
        s.push('\'');
    }
    s
}

/// "read as N (C's atoi keeps 32 bits)" when `atoi` loses the written number.
fn overflow_words(v: &str) -> Option<String> {
    atoi_overflows(v).then(|| {
        format!(
            "is read as {} (the daemon's atoi keeps only 32 bits)",
            atoi(v)
        )
    })
}

/// An `<active-response><level>` (docs/values.md "level"): analysisd refuses a
/// value that is not all digits or whose `atoi` is outside 0..=20 (1235); 17 to 20
/// bind no rule; a number too big for `int` is read as another one.
pub fn level(v: &str) -> Option<ValueFinding> {
    let q = quoted(v);
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(ValueFinding::new(
            Severity::Error,
            "invalid-level",
            format!(
                "level {q} is not a number from 0 to 20 written with digits only: analysisd refuses to start (1235)"
            ),
        ));
    }
    let n = if v.is_empty() { 0 } else { atoi(v) };
    let over = overflow_words(v);
    if !(0..=i64::from(Level::MAX_ACCEPTED)).contains(&n) {
        let how = over.map_or(String::new(), |w| format!(" {w}, which"));
        return Some(ValueFinding::new(
            Severity::Error,
            "invalid-level",
            format!("level {q}{how} is outside 0 to 20: analysisd refuses to start (1235)"),
        ));
    }
    if let Some(w) = over {
        return Some(ValueFinding::new(
            Severity::Warning,
            "number-overflow",
            format!("level {q} {w}"),
        ));
    }
    (n > i64::from(Level::MAX_RULE)).then(|| {
        ValueFinding::new(
            Severity::Warning,
            "level-never-matches",
            format!(
                "level {n} is above {}, the highest rule level: this condition never matches",
                Level::MAX_RULE
            ),
        )
    })
}

/// An `<active-response><timeout>` (docs/values.md "timeout"): read with `atoi`,
/// never refused, so anything but plain digits, and any number too big for `int`,
/// is silently read as another number.
pub fn timeout(v: &str) -> Option<ValueFinding> {
    if is_plain_number(v) {
        let w = overflow_words(v)?;
        return Some(ValueFinding::new(
            Severity::Warning,
            "number-overflow",
            format!(
                "timeout {} {w}: that is the timeout in force and the end of the response's name",
                quoted(v)
            ),
        ));
    }
    Some(ValueFinding::new(
        Severity::Warning,
        "timeout-value",
        timeout_message(v),
    ))
}

fn timeout_message(v: &str) -> String {
    let n = atoi(v);
    let what = if n < 0 {
        format!("{n}, a negative timeout: execd undoes the action about a second later")
    } else if n == 0 {
        "0: no timeout, the action is never undone".to_string()
    } else {
        seconds(n)
    };
    let hint = match v.trim().trim_start_matches(|c: char| c.is_ascii_digit()) {
        "m" | "min" => format!(" (for {n} minutes write {})", n.saturating_mul(60)),
        "h" => format!(" (for {n} hours write {})", n.saturating_mul(3600)),
        _ => String::new(),
    };
    format!("timeout {} is read as {what}{hint}", quoted(v))
}

/// "1 second", "600 seconds".
pub fn seconds(n: i64) -> String {
    if n == 1 {
        "1 second".to_string()
    } else {
        format!("{n} seconds")
    }
}

/// A number the daemon reads with `atoi` in any other field (`agent_id`, each id of
/// `rules_id`, each entry of `repeated_offenders`): a warning when it is too big for
/// `int`, since the daemon then reads another number.
pub fn number(field: &str, v: &str) -> Option<ValueFinding> {
    let w = overflow_words(v)?;
    Some(ValueFinding::new(
        Severity::Warning,
        "number-overflow",
        format!("{field} {} {w}", quoted(v.trim_matches(' '))),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(f: Option<ValueFinding>) -> Option<(Severity, &'static str)> {
        f.map(|f| (f.severity, f.code))
    }

    #[test]
    fn level_follows_read_active_responses() {
        use Severity::*;
        // Digits only and atoi within 0..=20, else 1235.
        assert_eq!(judged(level("99")), Some((Error, "invalid-level")));
        assert_eq!(judged(level("21")), Some((Error, "invalid-level")));
        assert_eq!(judged(level(" 5")), Some((Error, "invalid-level")));
        assert_eq!(judged(level("-1")), Some((Error, "invalid-level")));
        assert_eq!(judged(level("99999999999")), Some((Error, "invalid-level")));
        // Accepted, but no rule reaches it.
        assert_eq!(judged(level("17")), Some((Warning, "level-never-matches")));
        assert_eq!(judged(level("20")), Some((Warning, "level-never-matches")));
        // 2^32 + 7: atoi reads 7.
        assert_eq!(
            judged(level("4294967303")),
            Some((Warning, "number-overflow"))
        );
        for ok in ["", "0", "1", "16", "007"] {
            assert_eq!(level(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn timeout_overflow_names_what_the_daemon_reads() {
        let f = timeout("99999999999").expect("a warning");
        assert_eq!(f.code, "number-overflow");
        assert!(f.message.contains("read as 1215752191"), "{}", f.message);
        assert_eq!(
            judged(timeout("10m")),
            Some((Severity::Warning, "timeout-value"))
        );
        assert_eq!(timeout("600"), None);
        assert_eq!(
            timeout("1s").map(|f| f.message),
            Some("timeout '1s' is read as 1 second".to_string())
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "9".repeat(25_000);
        let q = quoted(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("…' (25000 bytes)"), "{q}");
        assert_eq!(quoted("a\tb"), "'a\\tb'");
    }
}
