//! One event as `wazuh-analysisd` carries it from pre-decoding to the rule tree
//! (`Eventinfo` in `src/analysisd/eventinfo.h`; docs/analysis.md). Every value is
//! bytes: a log line may hold any byte, and the daemon compares bytes.

use crate::pattern::Present;
pub use crate::rules::fields::{Category, StaticField};

/// Which decoder the event is reported as decoded by (`decoder_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBy {
    /// Index of the decoder node in the loaded decoder set.
    pub index: usize,
    /// The name logtest reports (a child without `use_own_name` reports its
    /// parent's name).
    pub name: String,
    /// The parent's name, for a child decoder.
    pub parent: Option<String>,
    /// The decoder id rules compare for `decoded_as` (1-based position of the name in
    /// the sorted set of distinct decoder names; a renamed child has its parent's).
    pub id: u32,
    /// The decoder's `fts` field names (empty: no `fts`), for a rule's `if_fts`.
    pub fts: Vec<String>,
    /// The decoder's `ftscomment`, reported in the output.
    pub ftscomment: Option<String>,
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
    pub dynamic: Vec<(Vec<u8>, Vec<u8>)>,
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

    /// The first dynamic field with this name, compared without ASCII case
    /// (`FindField`).
    pub fn dynamic(&self, name: &[u8]) -> Option<&[u8]> {
        // Names often share a long prefix (`win.system.…`): the length and the last
        // byte rule most of them out first.
        let last = name.last().map(u8::to_ascii_lowercase);
        self.dynamic
            .iter()
            .find(|(n, _)| {
                n.len() == name.len()
                    && n.last().map(u8::to_ascii_lowercase) == last
                    && n.eq_ignore_ascii_case(name)
            })
            .map(|(_, v)| v.as_slice())
    }
}
