//! The names rules and decoders share with events: the static field slots and the
//! decoder type / rule category (`Eventinfo` and `OSDecoderInfo` in Wazuh's
//! `src/analysisd/eventinfo.h`, `decoders/decoder.h`; docs/analysis-decoders.md).
//! They live here, below `analysis`, because decoder and rule files name them.

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

    /// The slot's position in an event's field array.
    pub fn index(self) -> usize {
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
