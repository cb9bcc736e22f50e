//! The checks of the form fields (docs/editor.md "Fields"): a value that fails one can be typed
//! but not committed in the TUI, and is refused by the CLI unless `--force`. Same
//! messages in both.

use std::fmt;

use super::{EditOp, Selector, Session};
use crate::model::judge::{self, ValueFinding};
use crate::model::{Config, Field, Location, Severity, is_plain_number};

/// A value (or a removal) that fails its field's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field.
    pub field: Field,
    /// The value given; `None` for a removal.
    pub value: Option<String>,
    /// What is wrong and what the daemon would do.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={}: {}", self.field, cut(v), self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// A value as a refusal echoes it: control characters escaped, and a long one cut
/// after [`judge::QUOTE_MAX`] characters with its length (a 25,000-byte value would
/// fill the terminal).
fn cut(v: &str) -> String {
    let shown: String = v.chars().take(judge::QUOTE_MAX).collect();
    let mut out = shown.escape_debug().to_string();
    if v.chars().nth(judge::QUOTE_MAX).is_some() {
        out.push_str(&format!("… ({} bytes)", v.len()));
    }
    out
}

/// What is wrong with `value` for `field`, if anything
/// (docs/wazuh-config.md §2, §3.2–§3.3, §4.3–§4.4, §5.6 for what the daemons accept).
/// `own` is the command being edited (1-based), which may keep its own name; `None`
/// for a new block or a response.
pub fn field_problem(
    config: &Config,
    field: Field,
    value: &str,
    own: Option<usize>,
) -> Option<String> {
    if let Err(e) = crate::xml::edit::check_text(value) {
        return Some(format!("cannot be written: {}", e.reason));
    }
    match field {
        Field::Name => name_problem(value).or_else(|| name_taken_problem(config, value, own)),
        Field::TimeoutAllowed | Field::Disabled => (value != "yes" && value != "no").then(|| {
            "must be exactly yes or no (lower case, no spaces): Wazuh refuses anything else (1235)"
                .to_string()
        }),
        Field::Command => command_problem(config, value),
        Field::Location => location_problem(value),
        Field::AgentId => agent_problem(value),
        Field::Level => level_problem(value),
        Field::RulesGroup => group_problem(value),
        Field::RulesId => ids_problem(value),
        Field::Timeout => timeout_problem(value),
        Field::RepeatedOffenders => offenders_problem(value),
        Field::CaVerification => ca_verification_problem(config, value),
        Field::Executable | Field::ExtraArgs | Field::Expect | Field::CaStore => None,
    }
}

/// The severity `check` gives a problem of [`field_problem`], for a front end's mark:
/// `warning` for a value the daemon accepts but misreads or never uses (`level` 17,
/// `timeout` 10m, a number past `int`: messages that start with `warning[`), `error`
/// for the rest. Both are refused alike until fixed or forced.
pub fn problem_severity(message: &str) -> Severity {
    if message.starts_with("warning[") {
        Severity::Warning
    } else {
        Severity::Error
    }
}

/// What is wrong with removing `field`, if anything.
pub fn unset_problem(field: Field) -> Option<String> {
    matches!(field, Field::Name | Field::Executable).then(|| {
        "a command needs a name and an executable: Wazuh refuses it without them (1280)".to_string()
    })
}

/// modulesd reads an agent's `ca_verification` as yes or no in any case; analysisd
/// refuses the element on a manager (src/config/active-response.c,
/// src/config/wmodules-agent-upgrade.c; docs/agent-files.md).
fn ca_verification_problem(config: &Config, value: &str) -> Option<String> {
    if config.kind != crate::model::ConfigKind::Agent {
        return Some(
            "ca_verification is an agent setting: in a manager's <active-response> Wazuh refuses the configuration (1230)"
                .into(),
        );
    }
    (!value.eq_ignore_ascii_case("yes") && !value.eq_ignore_ascii_case("no")).then(|| {
        "must be yes or no: wazuh-modulesd rejects its configuration otherwise".to_string()
    })
}

/// `defined-agent` without an agent id (docs/wazuh-config.md §3.3, fatal 1304).
pub fn defined_agent_problem(location: Option<&str>, agent_id: Option<&str>) -> Option<String> {
    let defined = location.is_some_and(|l| Location::read(l).has(Location::SPECIFIC_AGENT));
    (defined && agent_id.is_none()).then(|| {
        "location defined-agent needs an agent_id: Wazuh refuses the block without one (1304)"
            .to_string()
    })
}

/// The problems of every value `op` writes, and of what it removes (each field on its
/// own; see [`block_problems`] for checks across fields).
pub(super) fn problems(session: &Session, op: &EditOp) -> Vec<FieldProblem> {
    let cfg = session.config();
    // A renamed command may keep its own name.
    let own = match op {
        EditOp::Set {
            sel: Selector::Command(name),
            ..
        } => cfg.command(name).map(|c| c.index),
        EditOp::Set {
            sel: Selector::CommandAt(n),
            ..
        } => Some(*n),
        _ => None,
    };
    let problem = |field: Field, value: &str| {
        field_problem(cfg, field, value, own).map(|message| FieldProblem {
            field,
            value: Some(value.to_string()),
            message,
        })
    };
    match op {
        EditOp::Set { field, value, .. } => problem(*field, value).into_iter().collect(),
        EditOp::Unset { field, .. } => unset_problem(*field)
            .map(|message| FieldProblem {
                field: *field,
                value: None,
                message,
            })
            .into_iter()
            .collect(),
        EditOp::AddCommand(fields) | EditOp::AddResponse(fields) => {
            fields.iter().filter_map(|(f, v)| problem(*f, v)).collect()
        }
        EditOp::Remove { .. } | EditOp::AddRoot => Vec::new(),
    }
}

/// The problems across the fields of one block as it stands (a `defined-agent`
/// location without an agent id).
pub(super) fn block_problems(session: &Session, sel: &Selector) -> Vec<FieldProblem> {
    let Selector::Response(n) = sel else {
        return Vec::new();
    };
    let Some(r) = session.config().response(*n) else {
        return Vec::new();
    };
    defined_agent_problem(r.value(Field::Location), r.value(Field::AgentId))
        .map(|message| FieldProblem {
            field: Field::AgentId,
            value: None,
            message,
        })
        .into_iter()
        .collect()
}

fn name_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        Some("a command name cannot be empty: no response could use it".into())
    } else if value.starts_with('!') {
        Some("a command name cannot start with '!': Wazuh refuses it (1235)".into())
    } else if value.trim() != value {
        Some("a command name cannot start or end with spaces: Wazuh keeps them, so responses would not match it".into())
    } else {
        None
    }
}

/// Wazuh uses the first command of a name (docs/wazuh-config.md §2): a second one is dead.
fn name_taken_problem(config: &Config, value: &str, own: Option<usize>) -> Option<String> {
    let other = config
        .commands
        .iter()
        .find(|c| c.name() == Some(value) && Some(c.index) != own)?;
    Some(format!(
        "command #{} is already named '{value}': names must be unique, since Wazuh uses the first",
        other.index
    ))
}

fn command_problem(config: &Config, value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("a response needs a command: an empty one counts as missing (1281)".into());
    }
    if config.command(value).is_some() {
        return None;
    }
    let names: Vec<&str> = config.commands.iter().filter_map(|c| c.name()).collect();
    let defined = if names.is_empty() {
        "none is defined".to_string()
    } else {
        format!("defined: {}", names.join(", "))
    };
    Some(format!(
        "no command named {} ({defined}): Wazuh refuses the response (1303)",
        judge::quoted(value)
    ))
}

fn location_problem(value: &str) -> Option<String> {
    if Location::is_canonical(value) {
        return None;
    }
    let read = Location::read(value);
    Some(if read.is_empty() {
        format!(
            "{} matches no location: Wazuh refuses it (1302); use local, server, defined-agent or all",
            judge::quoted(value)
        )
    } else {
        format!(
            "use local, server, defined-agent or all; Wazuh would read {} by substring as {read}",
            judge::quoted(value)
        )
    })
}

fn agent_problem(value: &str) -> Option<String> {
    if !is_plain_number(value) {
        Some("an agent id is digits only, like 001".into())
    } else if value.bytes().all(|b| b == b'0') {
        Some("agent 000 is the manager: use location server (Wazuh drops this block, 1306)".into())
    } else {
        judged(judge::number(Field::AgentId.name(), value))
    }
}

/// A judged value as a refusal: the words of `check`, with its severity and code
/// (the one definition in `model::judge`).
fn judged(f: Option<ValueFinding>) -> Option<String> {
    f.map(|f| format!("{}[{}]: {}", f.severity.as_str(), f.code, f.message))
}

fn level_problem(value: &str) -> Option<String> {
    judged(judge::level(value))
}

fn group_problem(value: &str) -> Option<String> {
    (value.is_empty() || value.split('|').any(str::is_empty)).then(|| {
        "an empty group, or an empty alternative around '|', matches every rule".to_string()
    })
}

fn ids_problem(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value
            .split(',')
            .all(|id| is_plain_number(id.trim_matches(' ')));
    if !ok {
        return Some(
            "rules_id is a list of rule ids separated by commas, like 5712,5720: Wazuh stops \
             reading at any other character"
                .to_string(),
        );
    }
    judged(
        value
            .split(',')
            .find_map(|id| judge::number(Field::RulesId.name(), id)),
    )
}

fn timeout_problem(value: &str) -> Option<String> {
    judged(judge::timeout(value))
}

fn offenders_problem(value: &str) -> Option<String> {
    let parts: Vec<&str> = crate::model::execd::offender_entries(value)
        .map(|e| e.value.trim_end_matches(' '))
        .collect();
    let numbers = parts
        .iter()
        .all(|p| is_plain_number(p) && p.bytes().any(|b| b != b'0'));
    if !numbers || parts.len() > 5 {
        return Some(
            "repeated_offenders is up to 5 numbers of minutes above 0, separated by commas, \
             like 10,30,60 (execd reads at most 5, and stops at the first 0)"
                .to_string(),
        );
    }
    judged(
        parts
            .iter()
            .find_map(|p| judge::number(Field::RepeatedOffenders.name(), p)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    fn cfg() -> Config {
        Config::from_document(&parse(
            "<ossec_config><command><name>fd</name><executable>x</executable></command></ossec_config>",
        ))
    }

    fn bad(field: Field, value: &str) -> bool {
        field_problem(&cfg(), field, value, None).is_some()
    }

    #[test]
    fn response_fields_follow_the_form_table() {
        for (field, value) in [
            (Field::Level, "99"),
            (Field::Level, " 5"),
            (Field::Level, "17"),
            (Field::Level, "99999999999"),
            (Field::Timeout, "99999999999"),
            (Field::AgentId, "4294967297"),
            (Field::RulesId, "5712,4294967296"),
            (Field::Timeout, "abc"),
            (Field::Timeout, "10m"),
            (Field::Location, "nowhere"),
            (Field::Location, "LOCAL"),
            (Field::AgentId, "a1"),
            (Field::AgentId, "000"),
            (Field::RepeatedOffenders, "1,2,3,4,5,6"),
            (Field::RepeatedOffenders, "10,abc"),
            (Field::RulesGroup, "a||b"),
            (Field::RulesId, "5710|5712"),
            (Field::Disabled, "Yes"),
            (Field::Command, "nope"),
        ] {
            assert!(bad(field, value), "{field}={value} should be refused");
        }
        for (field, value) in [
            (Field::Level, "16"),
            (Field::Level, "0"),
            (Field::Level, ""),
            (Field::Timeout, "0"),
            (Field::Location, "defined-agent"),
            (Field::AgentId, "003"),
            (Field::RepeatedOffenders, "10, 30,60"),
            (Field::RulesGroup, "sshd|authentication_failed"),
            (Field::RulesId, "5710, 5712"),
            (Field::Disabled, "no"),
            (Field::Command, "fd"),
        ] {
            assert!(!bad(field, value), "{field}={value} should pass");
        }
    }

    #[test]
    fn command_fields_follow_the_form_table() {
        assert!(bad(Field::Name, "!custom"));
        assert!(bad(Field::Name, ""));
        assert!(bad(Field::TimeoutAllowed, "true"));
        assert!(!bad(Field::Name, "fw-drop"));
        assert!(bad(Field::Name, "fd"), "taken by command #1");
        let own = field_problem(&cfg(), Field::Name, "fd", Some(1));
        assert_eq!(own, None, "command #1 may keep its name");
        assert!(
            bad(Field::ExtraArgs, "-v <x>"),
            "no bytes write it for Wazuh's reader"
        );
        assert!(!bad(Field::ExtraArgs, "-v x"));
        assert!(unset_problem(Field::Executable).is_some());
        assert!(unset_problem(Field::ExtraArgs).is_none());
    }

    #[test]
    fn refusals_carry_the_severity_check_gives_them() {
        let sev =
            |field, value| field_problem(&cfg(), field, value, None).map(|m| problem_severity(&m));
        assert_eq!(sev(Field::Level, "17"), Some(Severity::Warning));
        assert_eq!(sev(Field::Level, "99"), Some(Severity::Error));
        assert_eq!(sev(Field::Timeout, "10m"), Some(Severity::Warning));
        assert_eq!(sev(Field::Location, "nowhere"), Some(Severity::Error));
        assert_eq!(sev(Field::Level, "12"), None);
    }

    #[test]
    fn a_long_refused_value_is_cut_in_the_message() {
        let long = "x".repeat(25_000);
        let p = FieldProblem {
            field: Field::Location,
            value: Some(long.clone()),
            message: location_problem(&long).expect("refused"),
        };
        let shown = p.to_string();
        assert!(shown.len() < 400, "{} bytes", shown.len());
        assert!(shown.starts_with(&format!("location={}… (25000 bytes): ", "x".repeat(60))));
    }

    #[test]
    fn defined_agent_needs_an_id() {
        assert!(defined_agent_problem(Some("defined-agent"), None).is_some());
        assert!(defined_agent_problem(Some("defined-agent"), Some("001")).is_none());
        assert!(defined_agent_problem(Some("local"), None).is_none());
    }
}
