//! The form fields of docs/editor.md: which widget each field has, and the check a value
//! must pass before it is committed. The refusals are the session's
//! (`session::field_problem`, the same messages as the CLI); this module adds the
//! advice that does not block (docs/wazuh-config.md §2, §3.6, §4.4, §5.6).

use std::path::Path;

use super::session::field_problem;
use super::strings as s;
use crate::model::{Config, Field, Profile, ValueKind};

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

/// One field of a form.
#[derive(Debug)]
pub(crate) struct FieldSpec {
    /// The field (its element name is the label).
    pub(crate) field: Field,
    /// Can the field be removed from the block?
    pub(crate) optional: bool,
    /// One line shown under the form when the field is focused.
    pub(crate) about: &'static str,
}

impl FieldSpec {
    /// How it is edited: by the kind of value the field holds.
    pub(crate) fn widget(&self) -> Widget {
        match self.field.kind() {
            ValueKind::YesNo => Widget::Toggle,
            ValueKind::Location => Widget::Location,
            ValueKind::CommandName => Widget::CommandPicker,
            ValueKind::Text => Widget::Text,
        }
    }
}

const fn f(field: Field, optional: bool, about: &'static str) -> FieldSpec {
    FieldSpec {
        field,
        optional,
        about,
    }
}

/// The `<command>` form, in the order of docs/cli.md.
pub(crate) static COMMAND_FORM: &[FieldSpec] = &[
    f(Field::Name, false, s::ABOUT_NAME),
    f(Field::Executable, false, s::ABOUT_EXECUTABLE),
    f(Field::TimeoutAllowed, true, s::ABOUT_TIMEOUT_ALLOWED),
    f(Field::ExtraArgs, true, s::ABOUT_EXTRA_ARGS),
    f(Field::Expect, true, s::ABOUT_EXPECT),
];

/// The `<active-response>` form, in the order of docs/cli.md.
pub(crate) static RESPONSE_FORM: &[FieldSpec] = &[
    f(Field::Disabled, true, s::ABOUT_DISABLED),
    f(Field::Command, false, s::ABOUT_COMMAND),
    f(Field::Location, false, s::ABOUT_LOCATION),
    f(Field::AgentId, true, s::ABOUT_AGENT_ID),
    f(Field::Level, true, s::ABOUT_LEVEL),
    f(Field::RulesGroup, true, s::ABOUT_RULES_GROUP),
    f(Field::RulesId, true, s::ABOUT_RULES_ID),
    f(Field::Timeout, true, s::ABOUT_TIMEOUT),
    f(Field::RepeatedOffenders, true, s::ABOUT_REPEATED_OFFENDERS),
];

/// The `<active-response>` form in an agent's own ossec.conf: what execd and
/// modulesd read there, nothing else (docs/agent-files.md).
pub(crate) static AGENT_RESPONSE_FORM: &[FieldSpec] = &[
    f(Field::Disabled, true, s::ABOUT_AGENT_DISABLED),
    f(
        Field::RepeatedOffenders,
        true,
        s::ABOUT_AGENT_REPEATED_OFFENDERS,
    ),
    f(Field::CaStore, true, s::ABOUT_CA_STORE),
    f(Field::CaVerification, true, s::ABOUT_CA_VERIFICATION),
];

/// The four locations, each with its one-line meaning (docs/wazuh-config.md §3.3, §5.2).
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

const fn builtin(
    name: &'static str,
    exe: &'static str,
    stateful: bool,
    about: &'static str,
) -> Builtin {
    Builtin {
        name,
        executable: exe,
        timeout_allowed: stateful,
        about,
    }
}

/// The built-in scripts, as the shipped templates define them (docs/wazuh-config.md §6).
pub(crate) static BUILTINS: &[Builtin] = &[
    builtin(
        "firewall-drop",
        "firewall-drop",
        true,
        s::BUILTIN_FIREWALL_DROP,
    ),
    builtin("host-deny", "host-deny", true, s::BUILTIN_HOST_DENY),
    builtin("route-null", "route-null", true, s::BUILTIN_ROUTE_NULL),
    builtin(
        "disable-account",
        "disable-account",
        true,
        s::BUILTIN_DISABLE_ACCOUNT,
    ),
    builtin(
        "restart-wazuh",
        "restart-wazuh",
        false,
        s::BUILTIN_RESTART_WAZUH,
    ),
    builtin(
        "firewalld-drop",
        "firewalld-drop",
        true,
        s::BUILTIN_FIREWALLD_DROP,
    ),
    builtin("netsh", "netsh.exe", true, s::BUILTIN_NETSH),
    builtin(
        "win_route-null",
        "route-null.exe",
        true,
        s::BUILTIN_WIN_ROUTE_NULL,
    ),
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

/// Checks a value for a field before it is committed: the session's refusal (the
/// uniqueness of a command name included), then advice.
pub(crate) fn check(field: Field, value: &str, ctx: &CheckCtx<'_>) -> Verdict {
    if let Some(why) = field_problem(ctx.config, field, value, ctx.command) {
        return Err(why);
    }
    Ok(advice(field, value, ctx))
}

/// The check of a value that is not written as a field (the simulator's event):
/// only that the reader could take it back.
pub(crate) fn check_text(value: &str) -> Verdict {
    match crate::xml::edit::check_text(value) {
        Ok(()) => Ok(None),
        Err(e) => Err(format!("cannot be written: {}", e.reason)),
    }
}

/// What is accepted but worth knowing.
fn advice(field: Field, v: &str, ctx: &CheckCtx<'_>) -> Option<String> {
    match field {
        Field::Executable => executable(v, ctx),
        Field::Expect => (ctx.profile == Profile::Wazuh).then(|| s::EXPECT_IGNORED.into()),
        Field::AgentId => (v.len() < 3).then(|| s::agent_short(v)),
        Field::Level => v
            .parse::<u8>()
            .is_ok_and(|n| n <= 2)
            .then(|| s::LEVEL_LOW.into()),
        Field::RulesGroup if v.contains('(') && v.contains('|') => Some(s::GROUPS_PARENS.into()),
        Field::RulesGroup => v.contains(',').then(|| s::GROUPS_COMMA.into()),
        Field::Timeout => timeout(v, ctx),
        Field::RepeatedOffenders => Some(s::MINUTES_WHERE.into()),
        _ => None,
    }
}

fn executable(v: &str, ctx: &CheckCtx<'_>) -> Option<String> {
    if v.trim().is_empty() {
        return Some(s::EXECUTABLE_EMPTY.into());
    }
    let bin = ctx.home?.join("active-response/bin");
    (bin.is_dir() && !bin.join(v).exists())
        .then(|| s::executable_missing(&bin.display().to_string()))
}

/// A timeout on a command without `timeout_allowed` is forced to 0 (§3.6).
fn timeout(v: &str, ctx: &CheckCtx<'_>) -> Option<String> {
    let name = ctx.response_command?;
    let allowed = ctx.config.command(name).is_none_or(|c| c.allows_timeout());
    (!allowed && v.bytes().any(|b| b != b'0')).then(|| s::timeout_not_allowed(name))
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

    fn response(field: Field, v: &str) -> Verdict {
        with(|c| check(field, v, c))
    }

    fn command(field: Field, v: &str) -> Verdict {
        with(|c| check(field, v, c))
    }

    #[test]
    fn refusals_are_the_sessions() {
        assert!(response(Field::Level, "16").is_ok() && response(Field::Level, "99").is_err());
        assert!(
            response(Field::Timeout, "10m").is_err() && response(Field::AgentId, "000").is_err()
        );
        assert!(response(Field::Location, "nowhere").is_err());
    }

    #[test]
    fn timeout_advice_names_the_command_without_timeout_allowed() {
        assert!(matches!(response(Field::Timeout, "600"), Ok(Some(m)) if m.contains("'rw'")));
        assert_eq!(response(Field::Timeout, "0"), Ok(None));
    }

    #[test]
    fn advice_does_not_block() {
        assert!(matches!(response(Field::AgentId, "1"), Ok(Some(m)) if m.contains("001")));
        assert!(
            matches!(response(Field::RulesGroup, "web,attack"), Ok(Some(m)) if m.contains('|'))
        );
        assert!(matches!(response(Field::Level, "1"), Ok(Some(_))));
        assert_eq!(response(Field::RulesGroup, "web|attack"), Ok(None));
        assert!(matches!(command(Field::Expect, "srcip"), Ok(Some(_))));
    }

    #[test]
    fn command_names_are_unique_but_may_stay_the_same() {
        assert_eq!(command(Field::Name, "fd"), Ok(None), "its own name");
        assert!(command(Field::Name, "rw").is_err());
        assert!(command(Field::Name, "!x").is_err());
    }
}
