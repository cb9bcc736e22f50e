//! Newtypes for the values whose reading by the daemon is not obvious.

use std::fmt;

/// C's `atoi` as glibc defines it, `(int) strtol(s, NULL, 10)` (docs/values.md):
/// leading whitespace skipped, optional sign, digits until anything else; garbage
/// gives 0. `strtol` clamps to the 64-bit `long` range, then the cast to `int` keeps
/// the low 32 bits, so `99999999999` reads as 1215752191 and `4294967303` as 7.
pub fn atoi(s: &str) -> i64 {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    // strtol accumulates in the magnitude and clamps to LONG_MAX / LONG_MIN.
    let mut n: i128 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = (n * 10 + i128::from(b - b'0')).min(i128::from(i64::MAX) + 1);
    }
    let long = if neg {
        (-n).max(i128::from(i64::MIN)) as i64
    } else {
        n.min(i128::from(i64::MAX)) as i64
    };
    i64::from(long as i32)
}

/// Does `atoi` lose the written number (more than `int` holds)? `s` is read as the
/// daemon reads it; an overflow is always worth a warning.
pub fn atoi_overflows(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let neg = t.starts_with('-');
    let t = t.strip_prefix(['-', '+']).unwrap_or(t);
    let digits = &t[..t.bytes().take_while(u8::is_ascii_digit).count()];
    let digits = digits.trim_start_matches('0');
    match digits.parse::<i64>() {
        Ok(w) if digits.len() <= 11 => (if neg { -w } else { w }) != atoi(s),
        _ => !digits.is_empty(),
    }
}

/// Is `s` non-empty and all ASCII digits (the shape docs/choices.md shows as an integer)?
pub fn is_plain_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The numbers the daemon's `rules_id` scanner reads (docs/wazuh-config.md §4.3): spaces and
/// repeated commas are skipped; at a digit, `atoi` then a jump past the next comma;
/// any other character stops the scan.
pub fn rules_id_numbers(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        match c {
            ' ' | ',' => rest = &rest[1..],
            '0'..='9' => {
                out.push(atoi(rest));
                match rest.find(',') {
                    Some(i) => rest = &rest[i + 1..],
                    None => break,
                }
            }
            _ => break,
        }
    }
    out
}

/// An `<active-response><level>`: all ASCII digits, 0..=20; empty means 0, "not set"
/// (docs/wazuh-config.md §3.2 `level`, error 1235 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Level(u8);

impl Level {
    /// The highest value analysisd accepts (rules only reach 16).
    pub const MAX_ACCEPTED: u8 = 20;
    /// The highest level a rule can have (docs/wazuh-config.md §4.1).
    pub const MAX_RULE: u8 = 16;

    /// Reads a level as analysisd does; `None` is error 1235.
    pub fn parse(s: &str) -> Option<Level> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = if s.is_empty() { 0 } else { atoi(s) };
        (0..=i64::from(Self::MAX_ACCEPTED))
            .contains(&n)
            .then_some(Level(n as u8))
    }

    /// The numeric value; 0 means "not set".
    pub fn get(self) -> u8 {
        self.0
    }
}

/// An `<active-response><timeout>`: read with `atoi`, never rejected (docs/wazuh-config.md
/// §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub i64);

impl Timeout {
    /// What the daemon makes of the text.
    pub fn read(s: &str) -> Timeout {
        Timeout(atoi(s))
    }
}

/// An `<agent_id>`: kept as written (remoted matches it against client.keys), but
/// analysisd drops a `defined-agent` block whose `atoi` is 0 (docs/wazuh-config.md §3.3, 1306).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentId(pub String);

impl AgentId {
    /// The number analysisd routes to.
    pub fn number(&self) -> i64 {
        atoi(&self.0)
    }

    /// The id as the agent list writes it: three digits at least (`1` → `001`).
    pub fn canonical(&self) -> String {
        format!("{:03}", self.number())
    }
}

/// The flags a `<location>` sets: four case-insensitive, unanchored substring
/// searches (docs/wazuh-config.md §3.3, `src/headers/ar.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location(u8);

impl Location {
    /// `all|any`: every active agent.
    pub const ALL_AGENTS: u8 = 1;
    /// `local`: where the event came from.
    pub const REMOTE_AGENT: u8 = 2;
    /// `defined-agent`: the agent in `agent_id`.
    pub const SPECIFIC_AGENT: u8 = 4;
    /// `AS|analysisd|analysis-server|server`: the manager.
    pub const AS_ONLY: u8 = 8;

    /// The flags the daemon derives from the text.
    pub fn read(s: &str) -> Location {
        let has = |words: &[&str]| words.iter().any(|w| contains_ignore_case(s, w));
        let mut flags = 0;
        if has(&["as", "analysisd", "analysis-server", "server"]) {
            flags |= Self::AS_ONLY;
        }
        if has(&["local"]) {
            flags |= Self::REMOTE_AGENT;
        }
        if has(&["defined-agent"]) {
            flags |= Self::SPECIFIC_AGENT;
        }
        if has(&["all", "any"]) {
            flags |= Self::ALL_AGENTS;
        }
        Location(flags)
    }

    /// The raw flag bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Does it set `flag`?
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    /// No flag at all: error 1302.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Is the text exactly one of the four documented words?
    pub fn is_canonical(s: &str) -> bool {
        matches!(s, "local" | "server" | "defined-agent" | "all")
    }
}

/// ASCII case-insensitive substring search, without allocating (OSRegex literals are
/// case-insensitive).
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Self::AS_ONLY, "server"),
            (Self::REMOTE_AGENT, "local"),
            (Self::SPECIFIC_AGENT, "defined-agent"),
            (Self::ALL_AGENTS, "all"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(b, _)| self.has(*b))
            .map(|(_, n)| *n)
            .collect();
        f.write_str(&set.join("+"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_id_scanner_follows_the_reference_table() {
        // docs/wazuh-config.md §4.3, row by row.
        assert_eq!(rules_id_numbers("5710, 5712"), [5710, 5712]);
        assert_eq!(rules_id_numbers("5710,,5712"), [5710, 5712]);
        assert_eq!(rules_id_numbers("5710abc,5712"), [5710, 5712]);
        assert_eq!(rules_id_numbers("5710|5712"), [5710]);
        assert_eq!(rules_id_numbers("5710;5712"), [5710]);
        assert_eq!(rules_id_numbers("57 10"), [57]);
        assert!(rules_id_numbers("abc,5710").is_empty());
        assert!(rules_id_numbers("+5710").is_empty());
        assert!(rules_id_numbers("\t5710").is_empty());
        assert!(rules_id_numbers("").is_empty());
    }

    #[test]
    fn atoi_reads_like_c() {
        assert_eq!(atoi("600"), 600);
        assert_eq!(atoi(" 30s"), 30);
        assert_eq!(atoi("30m"), 30);
        assert_eq!(atoi("abc"), 0);
        assert_eq!(atoi("-5"), -5);
        assert_eq!(atoi(""), 0);
    }

    #[test]
    fn atoi_keeps_the_low_32_bits_as_glibc_does() {
        // (int) strtol: 99999999999 = 23 * 2^32 + 1215752191.
        assert_eq!(atoi("99999999999"), 1_215_752_191);
        assert_eq!(atoi("4294967303"), 7);
        assert_eq!(atoi("2147483648"), -2_147_483_648);
        assert_eq!(atoi("4294967296"), 0);
        // Beyond LONG_MAX strtol answers LONG_MAX, whose low 32 bits are -1;
        // LONG_MIN's are 0.
        assert_eq!(atoi("99999999999999999999999"), -1);
        assert_eq!(atoi("-99999999999999999999999"), 0);
        assert!(atoi_overflows("99999999999"));
        assert!(atoi_overflows("2147483648"));
        assert!(!atoi_overflows("2147483647"));
        assert!(!atoi_overflows("-2147483648"));
        assert!(!atoi_overflows("0000000000000600"));
        assert!(!atoi_overflows("10m"));
    }

    #[test]
    fn level_accepts_digits_up_to_20_and_empty() {
        assert_eq!(Level::parse("").map(Level::get), Some(0));
        assert_eq!(Level::parse("7").map(Level::get), Some(7));
        assert_eq!(Level::parse("20").map(Level::get), Some(20));
        assert_eq!(Level::parse("21"), None);
        assert_eq!(Level::parse(" 5"), None);
        assert_eq!(Level::parse("-1"), None);
    }

    #[test]
    fn location_substrings_match_as_the_daemon_does() {
        assert_eq!(Location::read("LOCAL").bits(), Location::REMOTE_AGENT);
        assert_eq!(Location::read("localhost").bits(), Location::REMOTE_AGENT);
        assert_eq!(Location::read("alias").bits(), Location::AS_ONLY);
        assert_eq!(Location::read("firewall").bits(), Location::ALL_AGENTS);
        assert_eq!(Location::read("company").bits(), Location::ALL_AGENTS);
        assert_eq!(Location::read("local,server").bits(), 10);
        assert!(Location::read("manager").is_empty());
        assert!(Location::read("").is_empty());
    }

    #[test]
    fn agent_id_canonical_form_is_three_digits() {
        assert_eq!(AgentId("1".into()).canonical(), "001");
        assert_eq!(AgentId("000".into()).number(), 0);
    }
}
