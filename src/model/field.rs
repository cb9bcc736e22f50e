//! The fields of `<command>` and `<active-response>` as one type: a misspelt field is
//! a compile error, and the element name is written in one place ([`Field::name`]).
//! Text becomes a [`Field`] only where input is read: the file's element names, the
//! command line (`set F response:1 timeout=60`, `response[rules_id=5712]`) and
//! `apply`'s JSON.

use std::fmt;
use std::str::FromStr;

use super::diagnostic::BlockKind;

/// A child element of a block that carries a value.
///
/// A misspelt field does not compile:
///
/// ```compile_fail,E0599
/// let _ = ossec_ar::model::Field::RulesGrup;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `<command><name>`.
    Name,
    /// `<command><executable>`.
    Executable,
    /// `<command><timeout_allowed>`.
    TimeoutAllowed,
    /// `<command><extra_args>`.
    ExtraArgs,
    /// `<command><expect>`.
    Expect,
    /// `<active-response><disabled>`.
    Disabled,
    /// `<active-response><command>`.
    Command,
    /// `<active-response><location>`.
    Location,
    /// `<active-response><agent_id>`.
    AgentId,
    /// `<active-response><level>`.
    Level,
    /// `<active-response><rules_group>`.
    RulesGroup,
    /// `<active-response><rules_id>`.
    RulesId,
    /// `<active-response><timeout>`.
    Timeout,
    /// `<active-response><repeated_offenders>`.
    RepeatedOffenders,
    /// `<active-response><ca_store>` (agent side: modulesd's WPK upgrade).
    CaStore,
    /// `<active-response><ca_verification>` (agent side: modulesd's WPK upgrade).
    CaVerification,
}

/// What kind of value a field holds: how a form edits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `yes` or `no`.
    YesNo,
    /// One of the four locations.
    Location,
    /// The name of a defined command.
    CommandName,
    /// Anything else: free text (numbers and lists included).
    Text,
}

/// Text that names no field of the kind of block expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown field '{field}' for a {}; fields: {}", kind.as_str(), names(expected))]
pub struct UnknownField {
    /// `command` or `response`.
    pub kind: BlockKind,
    /// The text given.
    pub field: String,
    /// The fields there are.
    pub expected: &'static [Field],
}

/// The field names, comma-separated, for messages.
pub fn names(fields: &[Field]) -> String {
    let v: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    v.join(", ")
}

impl Field {
    /// The command fields docs/cli.md "Fields" lets the user set, in their canonical order.
    pub const COMMAND: [Field; 5] = [
        Field::Name,
        Field::Executable,
        Field::TimeoutAllowed,
        Field::ExtraArgs,
        Field::Expect,
    ];

    /// The response fields docs/cli.md "Fields" lets the user set, in their canonical order.
    pub const RESPONSE: [Field; 9] = [
        Field::Disabled,
        Field::Command,
        Field::Location,
        Field::AgentId,
        Field::Level,
        Field::RulesGroup,
        Field::RulesId,
        Field::Timeout,
        Field::RepeatedOffenders,
    ];

    /// The options only agents read in an `<active-response>`, beyond docs/cli.md "Fields"
    /// fields: modulesd's WPK-upgrade certificate settings (docs/agent-files.md).
    pub const AGENT_RESPONSE: [Field; 2] = [Field::CaStore, Field::CaVerification];

    /// The response fields that can be set: docs/cli.md "Fields", then the agents' own.
    pub const RESPONSE_EDIT: [Field; 11] = [
        Field::Disabled,
        Field::Command,
        Field::Location,
        Field::AgentId,
        Field::Level,
        Field::RulesGroup,
        Field::RulesId,
        Field::Timeout,
        Field::RepeatedOffenders,
        Field::CaStore,
        Field::CaVerification,
    ];

    /// The element name, as written in the file and on the command line (and the
    /// form's label).
    pub const fn name(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Executable => "executable",
            Field::TimeoutAllowed => "timeout_allowed",
            Field::ExtraArgs => "extra_args",
            Field::Expect => "expect",
            Field::Disabled => "disabled",
            Field::Command => "command",
            Field::Location => "location",
            Field::AgentId => "agent_id",
            Field::Level => "level",
            Field::RulesGroup => "rules_group",
            Field::RulesId => "rules_id",
            Field::Timeout => "timeout",
            Field::RepeatedOffenders => "repeated_offenders",
            Field::CaStore => "ca_store",
            Field::CaVerification => "ca_verification",
        }
    }

    /// The kind of block the field belongs to.
    pub const fn block(self) -> BlockKind {
        match self {
            Field::Name
            | Field::Executable
            | Field::TimeoutAllowed
            | Field::ExtraArgs
            | Field::Expect => BlockKind::Command,
            _ => BlockKind::Response,
        }
    }

    /// What kind of value it holds.
    pub const fn kind(self) -> ValueKind {
        match self {
            Field::TimeoutAllowed | Field::Disabled | Field::CaVerification => ValueKind::YesNo,
            Field::Location => ValueKind::Location,
            Field::Command => ValueKind::CommandName,
            _ => ValueKind::Text,
        }
    }

    /// The fields a block of this kind can be given, in their canonical order.
    pub fn of(kind: BlockKind) -> &'static [Field] {
        match kind {
            BlockKind::Command => &Field::COMMAND,
            BlockKind::Response => &Field::RESPONSE_EDIT,
        }
    }

    /// The field of a block of this kind named `name` (an element name read from the
    /// file, or typed by the user).
    pub fn parse(kind: BlockKind, name: &str) -> Result<Field, UnknownField> {
        Field::parse_among(kind, Field::of(kind), name)
    }

    /// Like [`Field::parse`], among `fields` only (a selector tests those of docs/cli.md "Fields").
    pub fn parse_among(
        kind: BlockKind,
        fields: &'static [Field],
        name: &str,
    ) -> Result<Field, UnknownField> {
        fields
            .iter()
            .copied()
            .find(|f| f.name() == name)
            .ok_or_else(|| UnknownField {
                kind,
                field: name.to_string(),
                expected: fields,
            })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Every field, of either block.
const ALL: [Field; 16] = [
    Field::Name,
    Field::Executable,
    Field::TimeoutAllowed,
    Field::ExtraArgs,
    Field::Expect,
    Field::Disabled,
    Field::Command,
    Field::Location,
    Field::AgentId,
    Field::Level,
    Field::RulesGroup,
    Field::RulesId,
    Field::Timeout,
    Field::RepeatedOffenders,
    Field::CaStore,
    Field::CaVerification,
];

/// Text that names no field of either block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown field '{}'; fields: {}", .0, names(&ALL))]
pub struct NoSuchField(pub String);

impl FromStr for Field {
    type Err = NoSuchField;

    /// A field of either block by its element name; [`Field::parse`] when the kind
    /// of block is known.
    fn from_str(s: &str) -> Result<Field, NoSuchField> {
        ALL.iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| NoSuchField(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_belong_to_their_block() {
        for f in ALL {
            assert_eq!(f.name().parse::<Field>(), Ok(f));
            assert_eq!(Field::parse(f.block(), f.name()), Ok(f));
            assert!(Field::of(f.block()).contains(&f), "{f}");
        }
    }

    #[test]
    fn unknown_names_list_the_fields_there_are() {
        let e = Field::parse(BlockKind::Command, "level").expect_err("a response field");
        assert_eq!(
            e.to_string(),
            "unknown field 'level' for a command; fields: name, executable, timeout_allowed, extra_args, expect"
        );
        let e = "colour".parse::<Field>().expect_err("no field");
        assert!(
            e.to_string()
                .starts_with("unknown field 'colour'; fields: name, ")
        );
    }
}
