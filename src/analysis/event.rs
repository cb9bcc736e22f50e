//! One event as `wazuh-analysisd` carries it from pre-decoding to the rule tree
//! (`Eventinfo` in `src/analysisd/eventinfo.h`; docs/analysis.md). Every value is
//! bytes: a log line may hold any byte, and the daemon compares bytes.

/// The fixed field slots of an event (`Eventinfo`'s static fields), in the order the
/// logtest output lists them under `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StaticField {
    /// `srcip`.
    SrcIp,
    /// `dstip`.
    DstIp,
    /// `srcport`.
    SrcPort,
    /// `dstport`.
    DstPort,
    /// `protocol`.
    Protocol,
    /// `action`.
    Action,
    /// `srcuser`.
    SrcUser,
    /// `dstuser` (`user` in a decoder `order` and in JSON when dstuser is empty).
    DstUser,
    /// `id`.
    Id,
    /// `status`.
    Status,
    /// `url`.
    Url,
    /// `data`.
    Data,
    /// `extra_data`.
    ExtraData,
    /// `system_name` (`systemname` in JSON input).
    SystemName,
}

impl StaticField {
    /// Every slot, in output order.
    pub const ALL: [StaticField; 14] = [
        StaticField::SrcIp,
        StaticField::DstIp,
        StaticField::SrcPort,
        StaticField::DstPort,
        StaticField::Protocol,
        StaticField::Action,
        StaticField::SrcUser,
        StaticField::DstUser,
        StaticField::Id,
        StaticField::Status,
        StaticField::Url,
        StaticField::Data,
        StaticField::ExtraData,
        StaticField::SystemName,
    ];

    /// The key under `data` in the logtest output.
    pub fn name(self) -> &'static str {
        match self {
            StaticField::SrcIp => "srcip",
            StaticField::DstIp => "dstip",
            StaticField::SrcPort => "srcport",
            StaticField::DstPort => "dstport",
            StaticField::Protocol => "protocol",
            StaticField::Action => "action",
            StaticField::SrcUser => "srcuser",
            StaticField::DstUser => "dstuser",
            StaticField::Id => "id",
            StaticField::Status => "status",
            StaticField::Url => "url",
            StaticField::Data => "data",
            StaticField::ExtraData => "extra_data",
            StaticField::SystemName => "system_name",
        }
    }

    /// The slot a decoder `<order>` word names (exact bytes; `user` is dstuser), or
    /// `None` for a dynamic field.
    pub fn from_order_word(word: &[u8]) -> Option<StaticField> {
        if word == b"user" {
            return Some(StaticField::DstUser);
        }
        StaticField::ALL
            .into_iter()
            .find(|f| f.name().as_bytes() == word)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The decoder `type` of an event, which picks the root of the rule tree (a rule's
/// `category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Category {
    /// `firewall`.
    Firewall,
    /// `ids`.
    Ids,
    /// `web-log`.
    WebLog,
    /// `syslog`, the default.
    #[default]
    Syslog,
    /// `squid`.
    Squid,
    /// `windows`.
    Windows,
    /// `host-information`.
    HostInformation,
    /// `ossec` (`OSSEC_RL`, 11): a decoder `type` and a rule `category`.
    Ossec,
    /// `OSSEC_ALERT` (12), set only by `OSSECAlert_Decoder`
    /// (`src/analysisd/decoders/plugins/ossecalert_decoder.c`): no rule has this
    /// category, and without a generated rule the rule phase stops at once
    /// (`logtest.c`, `w_logtest_rulesmatching_phase`).
    OssecAlert,
}

impl Category {
    /// Reads a decoder `type` / rule `category` word (case-sensitive, as the daemon).
    pub fn parse(word: &str) -> Option<Category> {
        Some(match word {
            "firewall" => Category::Firewall,
            "ids" => Category::Ids,
            "web-log" => Category::WebLog,
            "syslog" => Category::Syslog,
            "squid" => Category::Squid,
            "windows" => Category::Windows,
            "host-information" => Category::HostInformation,
            "ossec" => Category::Ossec,
            _ => return None,
        })
    }
}

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
        self.dynamic
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}
