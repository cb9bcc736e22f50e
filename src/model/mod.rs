//! Typed view of commands and responses with back-links into the document (docs/ARCHITECTURE.md
//! `model/`).

pub mod analysisd;
mod config;
mod diagnostic;
pub mod execd;
mod field;
pub mod judge;
mod layout;
pub mod osregex;
mod values;

pub use analysisd::{Analysis, Outcome, Reader, Verdict};
pub use config::{Command, Config, ConfigKind, FieldValue, Placement, Response, Root, RootKind};
pub use diagnostic::{BlockKind, BlockRef, Code, Diagnostic, Severity};
pub use field::{Field, NoSuchField, UnknownField, ValueKind, names as field_names};
pub use layout::Layout;
pub use values::{
    AgentId, Level, Location, Timeout, atoi, atoi_overflows, is_plain_number, rules_id_numbers,
};

/// Which daemon family's rules apply (`--profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Wazuh 4.x (the default).
    #[default]
    Wazuh,
    /// OSSEC-HIDS.
    Ossec,
}

impl Profile {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Wazuh => "wazuh",
            Profile::Ossec => "ossec",
        }
    }
}
