//! The form fields of SPEC §3: which widget each field has, and the check a value
//! must pass before it is committed to the document. The messages say what the
//! daemon would do (reference `wazuh-semantics.md` §2, §3, §4.3, §4.4, §5.6).

use std::path::Path;

use super::strings as s;
use crate::model::{Config, Profile};

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Widget {
    /// `yes`/`no`, toggled by Enter.
    Toggle,
    /// The four locations, each with its meaning.
    Location,
    /// The defined commands, type to filter.
    CommandPicker,
    /// Free text.
    Text,
}

/// What a value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Anything.
    Any,
    /// A command name: non-empty, no `!` first, no blanks around, unique.
    CommandName,
    /// An executable: non-empty; looked up under the home when readable.
    Executable,
    /// Exactly `yes` or `no`.
    YesNo,
    /// The name of a defined command.
    DefinedCommand,
    /// One of `local`, `server`, `defined-agent`, `all`.
    Location,
    /// Digits, at least three (`001`), not `000`.
    AgentId,
    /// A rule level 1–16.
    Level,
    /// An OSRegex on the rule's group string, no empty alternative.
    Groups,
    /// Rule ids separated by commas.
    IdList,
    /// Seconds, digits only.
    Seconds,
    /// Up to five comma-separated minute values.
    Minutes,
    /// `expect`: anything, deprecated under Wazuh.
    Expect,
}

/// One field of a form.
#[derive(Debug)]
pub(crate) struct FieldSpec {
    /// The element name.
    pub(crate) name: &'static str,
    /// How it is edited.
    pub(crate) widget: Widget,
    /// What its value must be.
    pub(crate) rule: Rule,
    /// Can the field be removed from the block?
    pub(crate) optional: bool,
    /// One line shown under the form when the field is focused.
    pub(crate) about: &'static str,
}

const fn f(
    name: &'static str,
    widget: Widget,
    rule: Rule,
    optional: bool,
    about: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        widget,
        rule,
        optional,
        about,
    }
}

/// The `<command>` form, in the order of SPEC §2.
pub(crate) static COMMAND_FORM: &[FieldSpec] = &[
    f(
        "name",
        Widget::Text,
        Rule::CommandName,
        false,
        s::ABOUT_NAME,
    ),
    f(
        "executable",
        Widget::Text,
        Rule::Executable,
        false,
        s::ABOUT_EXECUTABLE,
    ),
    f(
        "timeout_allowed",
        Widget::Toggle,
        Rule::YesNo,
        true,
        s::ABOUT_TIMEOUT_ALLOWED,
    ),
    f(
        "extra_args",
        Widget::Text,
        Rule::Any,
        true,
        s::ABOUT_EXTRA_ARGS,
    ),
    f("expect", Widget::Text, Rule::Expect, true, s::ABOUT_EXPECT),
];

/// The `<active-response>` form, in the order of SPEC §2.
pub(crate) static RESPONSE_FORM: &[FieldSpec] = &[
    f(
        "disabled",
        Widget::Toggle,
        Rule::YesNo,
        true,
        s::ABOUT_DISABLED,
    ),
    f(
        "command",
        Widget::CommandPicker,
        Rule::DefinedCommand,
        false,
        s::ABOUT_COMMAND,
    ),
    f(
        "location",
        Widget::Location,
        Rule::Location,
        false,
        s::ABOUT_LOCATION,
    ),
    f(
        "agent_id",
        Widget::Text,
        Rule::AgentId,
        true,
        s::ABOUT_AGENT_ID,
    ),
    f("level", Widget::Text, Rule::Level, true, s::ABOUT_LEVEL),
    f(
        "rules_group",
        Widget::Text,
        Rule::Groups,
        true,
        s::ABOUT_RULES_GROUP,
    ),
    f(
        "rules_id",
        Widget::Text,
        Rule::IdList,
        true,
        s::ABOUT_RULES_ID,
    ),
    f(
        "timeout",
        Widget::Text,
        Rule::Seconds,
        true,
        s::ABOUT_TIMEOUT,
    ),
    f(
        "repeated_offenders",
        Widget::Text,
        Rule::Minutes,
        true,
        s::ABOUT_REPEATED_OFFENDERS,
    ),
];

/// The four locations, each with its one-line meaning (reference §3.3, §5.2).
pub(crate) static LOCATIONS: &[(&str, &str)] = &[
    ("local", s::LOCATION_LOCAL),
    ("server", s::LOCATION_SERVER),
    ("defined-agent", s::LOCATION_DEFINED_AGENT),
    ("all", s::LOCATION_ALL),
];

/// A script shipped with Wazuh (`active-response/bin`), offered by guided creation.
#[derive(Debug)]
pub(crate) struct Builtin {
    /// The command name the templates use.
    pub(crate) name: &'static str,
    /// The executable.
    pub(crate) executable: &'static str,
    /// Is it stateful (undone after the timeout)?
    pub(crate) timeout_allowed: bool,
    /// What it does.
    pub(crate) about: &'static str,
}

/// The built-in scripts, as the shipped templates define them (reference §6).
pub(crate) static BUILTINS: &[Builtin] = &[
    Builtin {
        name: "firewall-drop",
        executable: "firewall-drop",
        timeout_allowed: true,
        about: s::BUILTIN_FIREWALL_DROP,
    },
    Builtin {
        name: "host-deny",
        executable: "host-deny",
        timeout_allowed: true,
        about: s::BUILTIN_HOST_DENY,
    },
    Builtin {
        name: "route-null",
        executable: "route-null",
        timeout_allowed: true,
        about: s::BUILTIN_ROUTE_NULL,
    },
    Builtin {
        name: "disable-account",
        executable: "disable-account",
        timeout_allowed: true,
        about: s::BUILTIN_DISABLE_ACCOUNT,
    },
    Builtin {
        name: "restart-wazuh",
        executable: "restart-wazuh",
        timeout_allowed: false,
        about: s::BUILTIN_RESTART_WAZUH,
    },
    Builtin {
        name: "firewalld-drop",
        executable: "firewalld-drop",
        timeout_allowed: true,
        about: s::BUILTIN_FIREWALLD_DROP,
    },
    Builtin {
        name: "netsh",
        executable: "netsh.exe",
        timeout_allowed: true,
        about: s::BUILTIN_NETSH,
    },
    Builtin {
        name: "win_route-null",
        executable: "route-null.exe",
        timeout_allowed: true,
        about: s::BUILTIN_WIN_ROUTE_NULL,
    },
];

/// What a check may look at besides the value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckCtx<'a> {
    /// The document's typed view.
    pub(crate) config: &'a Config,
    /// The command being edited (1-based index), to skip it in the uniqueness check.
    pub(crate) command: Option<usize>,
    /// The command the response uses, for the timeout advice.
    pub(crate) response_command: Option<&'a str>,
    /// Wazuh or OSSEC.
    pub(crate) profile: Profile,
    /// The install directory, when readable.
    pub(crate) home: Option<&'a Path>,
}

/// A value's check: `Err` refuses it (with why), `Ok(Some)` accepts it with advice.
pub(crate) type Verdict = Result<Option<String>, String>;

/// Checks a value for a field before it is committed.
pub(crate) fn check(rule: Rule, value: &str, ctx: &CheckCtx<'_>) -> Verdict {
    match rule {
        Rule::Any => Ok(None),
        Rule::CommandName => command_name(value, ctx),
        Rule::Executable => executable(value, ctx),
        Rule::YesNo => matches!(value, "yes" | "no")
            .then_some(None)
            .ok_or_else(|| s::bad_yes_no(value)),
        Rule::DefinedCommand => match ctx.config.command(value) {
            Some(_) => Ok(None),
            None => Err(s::undefined_command(value)),
        },
        Rule::Location => LOCATIONS
            .iter()
            .any(|(l, _)| *l == value)
            .then_some(None)
            .ok_or_else(|| s::bad_location(value)),
        Rule::AgentId => agent_id(value),
        Rule::Level => level(value),
        Rule::Groups => groups(value),
        Rule::IdList => rule_ids(value),
        Rule::Seconds => seconds(value, ctx),
        Rule::Minutes => minutes(value),
        Rule::Expect => Ok((ctx.profile == Profile::Wazuh).then(|| s::EXPECT_IGNORED.to_string())),
    }
}

fn command_name(v: &str, ctx: &CheckCtx<'_>) -> Verdict {
    if v.is_empty() {
        return Err(s::NAME_EMPTY.into());
    }
    if v.starts_with('!') {
        return Err(s::NAME_BANG.into());
    }
    if v.trim() != v {
        return Err(s::NAME_BLANKS.into());
    }
    let other = ctx
        .config
        .commands
        .iter()
        .find(|c| c.name() == Some(v) && Some(c.index) != ctx.command);
    match other {
        Some(c) => Err(s::name_taken(v, c.index)),
        None => Ok(None),
    }
}

fn executable(v: &str, ctx: &CheckCtx<'_>) -> Verdict {
    if v.trim().is_empty() {
        return Err(s::EXECUTABLE_EMPTY.into());
    }
    let Some(home) = ctx.home else {
        return Ok(None);
    };
    let bin = home.join("active-response/bin");
    if bin.is_dir() && !bin.join(v).exists() {
        return Ok(Some(s::executable_missing(&bin.display().to_string())));
    }
    Ok(None)
}

fn digits(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
}

fn agent_id(v: &str) -> Verdict {
    if !digits(v) {
        return Err(s::AGENT_DIGITS.into());
    }
    if v.bytes().all(|b| b == b'0') {
        return Err(s::AGENT_ZERO.into());
    }
    if v.len() < 3 {
        return Err(s::agent_short(v));
    }
    Ok(None)
}

fn level(v: &str) -> Verdict {
    match v.parse::<u8>() {
        Ok(n @ 1..=16) if digits(v) => Ok(n.le(&2).then(|| s::LEVEL_LOW.to_string())),
        _ => Err(s::LEVEL_RANGE.into()),
    }
}

fn groups(v: &str) -> Verdict {
    if v.is_empty() || v.split('|').any(str::is_empty) {
        return Err(s::GROUPS_EMPTY_ALTERNATIVE.into());
    }
    if v.contains('(') && v.contains('|') {
        return Err(s::GROUPS_PARENS.into());
    }
    Ok(v.contains(',').then(|| s::GROUPS_COMMA.to_string()))
}

fn rule_ids(v: &str) -> Verdict {
    let pieces: Vec<&str> = v.split(',').map(str::trim).collect();
    if let Some(bad) = pieces.iter().find(|p| !digits(p)) {
        return Err(s::bad_rule_id(bad));
    }
    Ok(None)
}

fn seconds(v: &str, ctx: &CheckCtx<'_>) -> Verdict {
    if !digits(v) || v.parse::<u64>().is_err() {
        return Err(s::SECONDS.into());
    }
    let allowed = ctx
        .response_command
        .and_then(|c| ctx.config.command(c))
        .is_none_or(|c| c.allows_timeout());
    Ok((!allowed && v.bytes().any(|b| b != b'0'))
        .then(|| s::timeout_not_allowed(ctx.response_command.unwrap_or(""))))
}

fn minutes(v: &str) -> Verdict {
    let pieces: Vec<&str> = v.split(',').map(str::trim).collect();
    if pieces.len() > 5 {
        return Err(s::MINUTES_TOO_MANY.into());
    }
    if let Some(bad) = pieces
        .iter()
        .find(|p| !digits(p) || p.bytes().all(|b| b == b'0'))
    {
        return Err(s::bad_minutes(bad));
    }
    Ok(Some(s::MINUTES_WHERE.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    const CONF: &str = "<ossec_config>\n<command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command>\n<command><name>rw</name><executable>restart-wazuh</executable></command>\n</ossec_config>\n";

    fn with<T>(f: impl FnOnce(&CheckCtx<'_>) -> T) -> T {
        let doc = parse(CONF);
        let config = Config::from_document(&doc);
        f(&CheckCtx {
            config: &config,
            command: Some(1),
            response_command: Some("rw"),
            profile: Profile::Wazuh,
            home: None,
        })
    }

    fn ok(rule: Rule, v: &str) -> bool {
        with(|c| check(rule, v, c).is_ok())
    }

    #[test]
    fn level_is_1_to_16_digits_only() {
        assert!(ok(Rule::Level, "1") && ok(Rule::Level, "16"));
        for bad in ["0", "17", "99", " 5", "+5", "", "abc"] {
            assert!(!ok(Rule::Level, bad), "{bad:?}");
        }
    }

    #[test]
    fn timeout_is_seconds_and_warns_without_timeout_allowed() {
        assert!(!ok(Rule::Seconds, "10m") && !ok(Rule::Seconds, "-5"));
        let advice = with(|c| check(Rule::Seconds, "600", c));
        assert!(matches!(advice, Ok(Some(m)) if m.contains("rw")));
        assert_eq!(with(|c| check(Rule::Seconds, "0", c)), Ok(None));
    }

    #[test]
    fn agent_id_must_be_written_as_the_agent_list_does() {
        assert!(ok(Rule::AgentId, "001") && ok(Rule::AgentId, "1024"));
        for bad in ["1", "000", "0", "abc", "001,002", ""] {
            assert!(!ok(Rule::AgentId, bad), "{bad:?}");
        }
    }

    #[test]
    fn groups_refuse_empty_alternatives_and_explain_commas() {
        assert!(!ok(Rule::Groups, "sshd|") && !ok(Rule::Groups, "a||b") && !ok(Rule::Groups, ""));
        let comma = with(|c| check(Rule::Groups, "web,attack", c));
        assert!(matches!(comma, Ok(Some(m)) if m.contains('|')));
        assert_eq!(with(|c| check(Rule::Groups, "web|attack", c)), Ok(None));
    }

    #[test]
    fn rule_ids_and_minutes_are_number_lists() {
        assert!(ok(Rule::IdList, "5710, 5712") && !ok(Rule::IdList, "5710|5712"));
        assert!(ok(Rule::Minutes, "10,30,60") && !ok(Rule::Minutes, "1,2,3,4,5,6"));
        assert!(!ok(Rule::Minutes, "10,abc") && !ok(Rule::Minutes, "0"));
    }

    #[test]
    fn command_names_are_unique_and_never_start_with_a_bang() {
        assert!(ok(Rule::CommandName, "fd"), "its own name");
        assert!(!ok(Rule::CommandName, "rw") && !ok(Rule::CommandName, "!x"));
        assert!(!ok(Rule::CommandName, "fw ") && !ok(Rule::CommandName, ""));
        assert!(ok(Rule::DefinedCommand, "rw") && !ok(Rule::DefinedCommand, "nope"));
        assert!(ok(Rule::Location, "defined-agent") && !ok(Rule::Location, "nowhere"));
        assert!(!ok(Rule::YesNo, "Yes"));
    }
}
