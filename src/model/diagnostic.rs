//! Findings: problems as data (docs/ARCHITECTURE.md "Habits" 4), shared by every layer that
//! reports.

use serde::Serialize;

/// How bad a finding is (docs/cli.md "Diagnostics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice.
    Note,
    /// The daemon accepts it but ignores, changes or misreads it.
    Warning,
    /// The daemon refuses to start, or the edit is impossible.
    Error,
}

impl Severity {
    /// The word printed in diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which block a finding concerns (docs/cli.md "Diagnostics" JSON `block`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum BlockRef {
    /// The N-th `<command>` (1-based).
    Command(usize),
    /// The N-th `<active-response>` (1-based, the `response:N` selector).
    Response(usize),
}

impl BlockRef {
    /// Which kind of block this is.
    pub fn kind(self) -> BlockKind {
        match self {
            BlockRef::Command(_) => BlockKind::Command,
            BlockRef::Response(_) => BlockKind::Response,
        }
    }

    /// Its 1-based position among the blocks of its kind.
    pub fn index(self) -> usize {
        match self {
            BlockRef::Command(n) | BlockRef::Response(n) => n,
        }
    }
}

/// The kind of a block: what a field belongs to, what a selector names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// `<command>`.
    Command,
    /// `<active-response>`.
    Response,
}

impl BlockKind {
    /// `command` or `response`, as messages and selectors say it.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Command => "command",
            BlockKind::Response => "response",
        }
    }

    /// The block of this kind at 1-based position `n`.
    pub fn at(self, n: usize) -> BlockRef {
        match self {
            BlockKind::Command => BlockRef::Command(n),
            BlockKind::Response => BlockRef::Response(n),
        }
    }
}

/// A diagnostic code with its help: what `ossec-ar explain CODE` prints. Every layer
/// that reports (the validator, the ruleset-aware checks, the rule-file reader) defines
/// its codes as values of this one type; the CLI lists them all in one registry
/// (docs/cli.md "Diagnostics").
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// Stable kebab-case name, printed in brackets (`error[undefined-command]`).
    pub code: &'static str,
    /// The severity of its findings, unless a finding says otherwise.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// What the daemon does, with the Wazuh source file or message number, and how to
    /// fix it.
    pub explain: &'static str,
}

/// One finding: a stable code, a message, and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// Stable kebab-case code (`ossec-ar explain CODE`).
    pub code: &'static str,
    /// One line, naming the values involved.
    pub message: String,
    /// Byte offset the finding points at (docs/choices.md "Where a finding points").
    pub offset: usize,
    /// The block concerned, if any.
    pub block: Option<BlockRef>,
}
