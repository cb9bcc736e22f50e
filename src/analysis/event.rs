//! One event as `wazuh-analysisd` carries it from pre-decoding to the rule tree
//! (`Eventinfo` in `src/analysisd/eventinfo.h`; docs/analysis.md). Every value is
//! bytes: a log line may hold any byte, and the daemon compares bytes.

use std::sync::Arc;

use crate::pattern::Present;
pub use crate::rules::fields::{Category, StaticField};

/// Which decoder the event is reported as decoded by (`decoder_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBy {
    /// Index of the decoder node in the loaded decoder set.
    pub index: usize,
    /// The name logtest reports (a child without `use_own_name` reports its
    /// parent's name).
    pub name: Arc<str>,
    /// The parent's name, for a child decoder.
    pub parent: Option<Arc<str>>,
    /// The decoder id rules compare for `decoded_as` (1-based position of the name in
    /// the sorted set of distinct decoder names; a renamed child has its parent's).
    pub id: u32,
    /// The decoder's `fts` field names (empty: no `fts`), for a rule's `if_fts`.
    pub fts: Arc<[String]>,
    /// The decoder's `ftscomment`, reported in the output.
    pub ftscomment: Option<Arc<str>>,
    /// The decoder has `<accumulate>`, reported in the output.
    pub accumulate: bool,
}

/// One event.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// Where the line came from (`stdin` for logtest).
    pub location: Vec<u8>,
    /// The line as received, after the location.
    pub full_log: Vec<u8>,
    /// What decoders and rules match: the line after the pre-decoded header.
    pub log: Vec<u8>,
    /// The pre-decoded timestamp (`dec_timestamp`), when a header format matched.
    pub timestamp: Option<Vec<u8>>,
    /// The pre-decoded program name.
    pub program_name: Option<Vec<u8>>,
    /// The pre-decoded host name, else the manager's short host name.
    pub hostname: Vec<u8>,
    /// The agent id (`000` for the manager and logtest).
    pub agent_id: String,
    /// Seconds since the epoch at processing time (the injected clock).
    pub time: i64,
    /// The decoder the event is reported as decoded by, if any.
    pub decoder: Option<DecodedBy>,
    /// The decoder `type` (syslog by default); picks the rule-tree root.
    pub category: Category,
    /// The static fields; `Some(empty)` is present.
    pub fields: [Option<Vec<u8>>; 14],
    /// The dynamic fields, in the order they were set; duplicates allowed.
    pub dynamic: Fields,
    /// The rule id an `OSSECAlert_Decoder` read from an OSSEC alert: rule matching is
    /// skipped and this rule is the result (no `firedtimes`).
    pub generated_rule: Option<u32>,
    /// The pieces of `log` (`Present`), taken while decoding and handed on to the
    /// rules' prefilters; not part of what the event says, and dropped before
    /// the event is kept. Whoever changes `log` afterwards sets it to None.
    pub pieces: Option<Present>,
}

impl Event {
    /// A static field's value.
    pub fn get(&self, field: StaticField) -> Option<&[u8]> {
        self.fields[field.index()].as_deref()
    }

    /// Sets a static field (a later value overwrites an earlier one).
    pub fn set(&mut self, field: StaticField, value: Vec<u8>) {
        self.fields[field.index()] = Some(value);
    }

    /// Sets or unsets a static field; returns what it held.
    pub fn replace(&mut self, field: StaticField, value: Option<Vec<u8>>) -> Option<Vec<u8>> {
        std::mem::replace(&mut self.fields[field.index()], value)
    }

    /// The first dynamic field with this name, compared without ASCII case
    /// (`FindField`).
    pub fn dynamic(&self, name: &[u8]) -> Option<&[u8]> {
        self.dynamic.get(name)
    }
}

/// The dynamic fields of an event, in the order they were set, duplicates allowed.
/// Names and values share one buffer: a JSON event sets dozens of fields, and two
/// allocations per field, made in a decoding thread and freed in another, cost more
/// than decoding them (docs/limits.md "Speed").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    text: Vec<u8>,
    /// Per field, where its name ends (its value starts) and where its value ends in
    /// `text`; its name starts where the field before it ends.
    ends: Vec<(usize, usize)>,
}

impl Fields {
    /// Adds a field after the others.
    pub fn push(&mut self, name: &[u8], value: &[u8]) {
        self.text.extend_from_slice(name);
        let name_end = self.text.len();
        self.text.extend_from_slice(value);
        self.ends.push((name_end, self.text.len()));
    }

    /// Makes room for `fields` more fields of about `bytes` of names and values.
    pub fn reserve(&mut self, fields: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(fields);
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Keeps the first `len` fields.
    pub fn truncate(&mut self, len: usize) {
        if len < self.ends.len() {
            let start = len.checked_sub(1).map_or(0, |i| self.ends[i].1);
            self.text.truncate(start);
            self.ends.truncate(len);
        }
    }

    /// Removes them all.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// The fields, name and value, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(name_end, end)| {
            let field = (&self.text[start..name_end], &self.text[name_end..end]);
            start = end;
            field
        })
    }

    /// The value of the first field with this name, compared without ASCII case.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        // Names often share a long prefix (`win.system.…`): the length and the last
        // byte rule most of them out first.
        let last = name.last().map(u8::to_ascii_lowercase);
        let mut start = 0;
        for &(name_end, end) in &self.ends {
            let this = start;
            start = end;
            if name_end - this != name.len()
                || last.is_some_and(|l| self.text[name_end - 1].to_ascii_lowercase() != l)
            {
                continue;
            }
            if self.text[this..name_end].eq_ignore_ascii_case(name) {
                return Some(&self.text[name_end..end]);
            }
        }
        None
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(N, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Fields {
        let mut fields = Fields::default();
        for (n, v) in iter {
            fields.push(n.as_ref(), v.as_ref());
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn fields_keep_order_and_duplicates_and_find_the_first_without_case() {
        let f: Fields = [
            (&b"win.system.eventID"[..], &b"4625"[..]),
            (b"win.system.channel", b"Security"),
            (b"", b"empty name"),
            (b"WIN.SYSTEM.EVENTID", b"second"),
            (b"x", b""),
        ]
        .into_iter()
        .collect();
        assert_eq!(f.len(), 5);
        assert_eq!(f.get(b"win.system.eventid"), Some(&b"4625"[..]));
        assert_eq!(f.get(b"Win.System.Channel"), Some(&b"Security"[..]));
        assert_eq!(f.get(b""), Some(&b"empty name"[..]));
        assert_eq!(f.get(b"x"), Some(&b""[..]));
        assert_eq!(f.get(b"win.system.eventid2"), None);
        assert_eq!(f.get(b"win.system.eventIE"), None);
        let names: Vec<&[u8]> = f.iter().map(|(n, _)| n).collect();
        assert_eq!(names[3], b"WIN.SYSTEM.EVENTID");
        assert_eq!(f.iter().nth(3).map(|(_, v)| v), Some(&b"second"[..]));
        let mut f = f;
        f.clear();
        assert!(f.is_empty() && f.get(b"x").is_none());
    }
}
