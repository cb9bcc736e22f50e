//! What an edit says (selectors, operations) and what can go wrong (docs/cli.md).

use std::fmt;
use std::str::FromStr;

use crate::model::{BlockKind, Field, UnknownField};

/// Which block an edit is about (docs/cli.md "Selectors").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `response:N`: the N-th `<active-response>`, 1-based, in document order across
    /// all roots.
    Response(usize),
    /// `command:NAME`: the `<command>` whose `<name>` is NAME.
    Command(String),
    /// `command#N`: the N-th `<command>`, 1-based, in document order (reaches either
    /// of two commands with the same name).
    CommandAt(usize),
    /// `response[FIELD=VALUE,...]` or `command[FIELD=VALUE,...]`: the blocks whose
    /// every listed field reads exactly as given (several only with `--all`).
    Match(super::select::Pattern),
}

impl Selector {
    /// The kind of block the selector names.
    pub fn kind(&self) -> BlockKind {
        match self {
            Selector::Response(_) => BlockKind::Response,
            Selector::Command(_) | Selector::CommandAt(_) => BlockKind::Command,
            Selector::Match(p) => p.kind,
        }
    }

    /// The selector of one block by position: `command#N` or `response:N`.
    pub fn at(block: crate::model::BlockRef) -> Selector {
        match block {
            crate::model::BlockRef::Command(n) => Selector::CommandAt(n),
            crate::model::BlockRef::Response(n) => Selector::Response(n),
        }
    }
}

impl FromStr for Selector {
    type Err = EditError;

    fn from_str(s: &str) -> Result<Selector, EditError> {
        if let Some(p) = super::select::Pattern::parse(s) {
            return p.map(Selector::Match);
        }
        let bad = || EditError::BadSelector(s.to_string());
        if let Some(n) = s.strip_prefix("command#") {
            return match n.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Selector::CommandAt(n)),
                _ => Err(bad()),
            };
        }
        match s.split_once(':') {
            Some(("response", n)) => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Selector::Response(n)),
                _ => Err(bad()),
            },
            Some(("command", name)) if !name.is_empty() => Ok(Selector::Command(name.to_string())),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Response(n) => write!(f, "response:{n}"),
            Selector::Command(name) => write!(f, "command:{name}"),
            Selector::CommandAt(n) => write!(f, "command#{n}"),
            Selector::Match(p) => write!(f, "{p}"),
        }
    }
}

/// One edit, as the CLI subcommands and the TUI express it (docs/cli.md, §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOp {
    /// Give a field a value (inserting the field where it belongs when missing; an
    /// empty value keeps an empty element). Renaming a command renames its users.
    Set {
        /// The block.
        sel: Selector,
        /// The field.
        field: Field,
        /// The value, written as is.
        value: String,
    },
    /// Remove a field (every repeat of it).
    Unset {
        /// The block.
        sel: Selector,
        /// The field.
        field: Field,
    },
    /// A new `<command>` with these fields, in the order given.
    AddCommand(Vec<(Field, String)>),
    /// A new `<active-response>` with these fields, in the order given.
    AddResponse(Vec<(Field, String)>),
    /// An empty `<ossec_config>` root at the end of a file that has nowhere to add a
    /// block (an empty or plain-text file); nothing when it has one.
    AddRoot,
    /// Remove a block; a command still used by a response only with `force`.
    Remove {
        /// The block.
        sel: Selector,
        /// Remove a command even while responses use it.
        force: bool,
    },
}

/// What an applied edit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Did the text change? (`false`: nothing to do, and no undo step was added.)
    pub changed: bool,
    /// Responses (1-based) whose `<command>` followed a command's rename.
    pub renamed_responses: Vec<usize>,
    /// The block an `add` created.
    pub inserted: Option<Selector>,
    /// How the edit moved block numbers (an added or removed block).
    pub shift: Option<super::Shift>,
}

/// Why an edit was refused; the document is then unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Not `response:N` or `command:NAME`.
    #[error(
        "invalid selector '{0}': expected response:N (N from 1), command:NAME, command#N, response[FIELD=VALUE,...] or command[FIELD=VALUE,...]"
    )]
    BadSelector(String),
    /// The selector names no block.
    #[error("no block matches '{sel}': {found}")]
    NoMatch {
        /// The selector.
        sel: Selector,
        /// What the file has instead.
        found: String,
    },
    /// A content selector that matches several blocks, without `--all`.
    #[error(
        "'{sel}' matches {} blocks ({kind} {}); name one, or pass --all",
        indexes.len(),
        join(indexes)
    )]
    Several {
        /// The selector.
        sel: Selector,
        /// `command` or `response`.
        kind: &'static str,
        /// The 1-based indexes of the blocks it matches.
        indexes: Vec<usize>,
    },
    /// `command:NAME` with NAME defined more than once.
    #[error(
        "command '{name}' is defined {} times, at lines {}: Wazuh uses the first one; rename or remove the others first",
        lines.len(),
        join(lines)
    )]
    Ambiguous {
        /// The name.
        name: String,
        /// Lines of every definition.
        lines: Vec<usize>,
    },
    /// Not a field of this kind of block.
    #[error("{0}")]
    UnknownField(#[from] UnknownField),
    /// The same field twice in one `add`.
    #[error("field '{0}' is given twice")]
    DuplicateField(Field),
    /// An `add` without a field it needs.
    #[error("a new {kind} needs the field '{field}'")]
    MissingField {
        /// `command` or `response`.
        kind: &'static str,
        /// The field needed.
        field: Field,
    },
    /// A value no bytes can express for Wazuh's reader.
    #[error(
        "cannot write {field}={}: {reason}",
        crate::model::judge::quoted(value)
    )]
    Unrepresentable {
        /// The field.
        field: Field,
        /// The value asked for.
        value: String,
        /// Why.
        reason: String,
    },
    /// A command name that another command already has.
    #[error(
        "a command named '{0}' already exists (line {1}); names must be unique, since Wazuh uses the first"
    )]
    NameTaken(String, usize),
    /// Removing a command that responses still use.
    #[error(
        "command '{name}' is used by {}; change or remove {} first, or force",
        responses_words(users),
        if users.len() == 1 { "it" } else { "them" }
    )]
    InUse {
        /// The command.
        name: String,
        /// The responses (1-based) that use it.
        users: Vec<usize>,
    },
    /// Nowhere to put a new block.
    #[error("the file has no <ossec_config> root (nor top-level blocks) to add a block to")]
    NoRoot,
    /// The file is broken where the edit should go.
    #[error("cannot edit there: {0}")]
    Xml(#[from] crate::xml::edit::EditError),
    /// The result would not read back as intended (a safety net: never expected).
    #[error("the edit was not made: {0}")]
    NotReadBack(String),
}

/// The fields of an `add` as the user gave them, by element name, as fields of a
/// block of `kind`: each must be one of its fields, and given once.
pub fn parse_fields(
    kind: BlockKind,
    given: &[(String, String)],
) -> Result<Vec<(Field, String)>, EditError> {
    let mut out: Vec<(Field, String)> = Vec::with_capacity(given.len());
    for (name, value) in given {
        let field = Field::parse(kind, name)?;
        if out.iter().any(|(f, _)| *f == field) {
            return Err(EditError::DuplicateField(field));
        }
        out.push((field, value.clone()));
    }
    Ok(out)
}

fn join(v: &[usize]) -> String {
    let parts: Vec<String> = v.iter().map(ToString::to_string).collect();
    parts.join(", ")
}

/// "response #1", "responses #1, #4": how messages name responses.
fn responses_words(v: &[usize]) -> String {
    let parts: Vec<String> = v.iter().map(|i| format!("#{i}")).collect();
    let word = if v.len() == 1 {
        "response"
    } else {
        "responses"
    };
    format!("{word} {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_and_print() {
        assert_eq!("response:3".parse(), Ok(Selector::Response(3)));
        assert_eq!(
            "command:firewall-drop".parse(),
            Ok(Selector::Command("firewall-drop".into()))
        );
        assert_eq!("command:a:b".parse(), Ok(Selector::Command("a:b".into())));
        for bad in ["response:0", "response:x", "command:", "rule:1", "response"] {
            assert_eq!(
                bad.parse::<Selector>(),
                Err(EditError::BadSelector(bad.into()))
            );
        }
        assert_eq!(Selector::Response(2).to_string(), "response:2");
        assert_eq!("command#2".parse(), Ok(Selector::CommandAt(2)));
        assert_eq!(Selector::CommandAt(2).to_string(), "command#2");
        for bad in ["command#0", "command#", "command#x"] {
            assert_eq!(
                bad.parse::<Selector>(),
                Err(EditError::BadSelector(bad.into()))
            );
        }
    }

    #[test]
    fn messages_list_the_lines_and_users() {
        let e = EditError::Ambiguous {
            name: "fw".into(),
            lines: vec![3, 9],
        };
        assert_eq!(
            e.to_string(),
            "command 'fw' is defined 2 times, at lines 3, 9: Wazuh uses the first one; rename or remove the others first"
        );
        let e = EditError::InUse {
            name: "fw".into(),
            users: vec![1, 4],
        };
        assert_eq!(
            e.to_string(),
            "command 'fw' is used by responses #1, #4; change or remove them first, or force"
        );
    }
}
