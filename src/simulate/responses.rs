//! Which `<active-response>` blocks become responses, read in document order as
//! `ReadActiveResponses` does (docs/wazuh-config.md §3, docs/ossec.md
//! §4), with the `Config.ar` queue bits and the global `disabled` reset quirk (§3.4).

use crate::model::analysisd::{Analysis, Outcome};
use crate::model::{Command, Config, ConfigKind, Field, Location, Placement, Profile, Response};
use crate::xml::Document;

/// A block that analysisd accepted as a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveResponse {
    /// 1-based index among the `<active-response>` blocks (`response:N`).
    pub index: usize,
    /// The name analysisd gives it: command name + effective timeout (§3.7).
    pub name: String,
    /// The command's name.
    pub command: String,
    /// The command's executable.
    pub executable: String,
    /// The command's `extra_args`.
    pub extra_args: Option<String>,
    /// The command's `expect` (read by OSSEC and Wazuh before 4.2 only).
    pub expect: Option<String>,
    /// The location flags.
    pub location: Location,
    /// `agent_id` as written.
    pub agent_id: Option<String>,
    /// `level` (0 = not set).
    pub level: u8,
    /// `rules_group` as written (`Some("")` when present and empty).
    pub rules_group: Option<String>,
    /// `rules_id` as written.
    pub rules_id: Option<String>,
    /// The timeout in force (seconds).
    pub timeout: i64,
    /// A configured timeout that analysisd forced to 0 because the command lacks
    /// `timeout_allowed` (§3.6).
    pub timeout_ignored: Option<i64>,
}

/// What became of one `<active-response>` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseState {
    /// Accepted: it can be bound to rules.
    Active(ActiveResponse),
    /// Yields no response; why, in a sentence.
    Inactive {
        /// 1-based block index.
        index: usize,
        /// Why no response comes from it.
        reason: String,
        /// Does analysisd refuse to start because of it?
        fatal: bool,
    },
}

impl ResponseState {
    /// The block's 1-based index.
    pub fn index(&self) -> usize {
        match self {
            ResponseState::Active(a) => a.index,
            ResponseState::Inactive { index, .. } => *index,
        }
    }
}

/// Every block's fate, and the queue bits that decide where responses can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responses {
    /// One entry per `<active-response>` block, in document order.
    pub blocks: Vec<ResponseState>,
    /// `Config.ar`: `REMOTE_AR` | `LOCAL_AR` (`model::analysisd`) as left after the
    /// last block.
    pub ar_bits: u8,
    /// The last block with `disabled=yes` that erased bits set by earlier blocks.
    pub reset_by: Option<usize>,
    /// The profile the blocks were read with.
    pub profile: Profile,
}

impl Responses {
    /// The accepted responses, in order.
    pub fn active(&self) -> impl Iterator<Item = &ActiveResponse> {
        self.blocks.iter().filter_map(|b| match b {
            ResponseState::Active(a) => Some(a),
            ResponseState::Inactive { .. } => None,
        })
    }

    /// The block with this 1-based index.
    pub fn block(&self, index: usize) -> Option<&ResponseState> {
        self.blocks.iter().find(|b| b.index() == index)
    }

    /// The first block that stops analysisd, with its reason.
    pub fn fatal(&self) -> Option<(usize, &str)> {
        self.blocks.iter().find_map(|b| match b {
            ResponseState::Inactive {
                index,
                reason,
                fatal: true,
            } => Some((*index, reason.as_str())),
            _ => None,
        })
    }
}

/// Reads every block of `config` as analysisd would.
pub fn responses(config: &Config, doc: &Document, profile: Profile) -> Responses {
    let analysis = Analysis::new(config, doc, profile);
    let mut out = Responses {
        blocks: Vec::new(),
        ar_bits: 0,
        reset_by: None,
        profile,
    };
    for r in &config.responses {
        let block = read_block(config, doc, &analysis, r, &mut out);
        out.blocks.push(block);
    }
    out
}

fn inactive(r: &Response, reason: impl Into<String>, fatal: bool) -> ResponseState {
    ResponseState::Inactive {
        index: r.index,
        reason: reason.into(),
        fatal,
    }
}

fn read_block(
    config: &Config,
    doc: &Document,
    analysis: &Analysis<'_>,
    r: &Response,
    out: &mut Responses,
) -> ResponseState {
    if let Some(reason) = not_read(config, r) {
        return inactive(r, reason, false);
    }
    if let Some(reason) = invalid_child(doc, r, analysis.profile()) {
        return inactive(r, reason, true);
    }
    match analysis.outcome(r) {
        Outcome::Disabled => {
            // The quirk of §3.4: the global flag that signals "disabled" is reset to 0,
            // erasing the queue bits of every earlier block.
            if out.ar_bits != 0 {
                out.reset_by = Some(r.index);
            }
            out.ar_bits = 0;
            let (reason, fatal) = why_dropped(Outcome::Disabled, r);
            inactive(r, reason, fatal)
        }
        Outcome::Bound(_) => match accept(analysis, r) {
            Ok(ar) => {
                out.ar_bits |= analysis.queue_bits(r);
                ResponseState::Active(ar)
            }
            Err((reason, fatal)) => inactive(r, reason, fatal),
        },
        dropped => {
            let (reason, fatal) = why_dropped(dropped, r);
            inactive(r, reason, fatal)
        }
    }
}

/// Blocks no analysisd reads (docs/choices.md "Which blocks", docs/wazuh-config.md §1).
fn not_read(config: &Config, r: &Response) -> Option<&'static str> {
    match r.placement {
        _ if config.kind == ConfigKind::Agent => Some(
            "agent configuration (it has a <client> section): analysisd does not read responses here",
        ),
        Placement::AgentConfig(_) => {
            Some("inside <agent_config>: no daemon reads responses from a shared agent.conf")
        }
        Placement::TopLevel(_) => {
            Some("outside <ossec_config>: the daemons refuse this root element (1230)")
        }
        Placement::OssecConfig(_) => None,
    }
}

/// Children analysisd refuses, or values it refuses, whatever the block does.
fn invalid_child(doc: &Document, r: &Response, profile: Profile) -> Option<String> {
    if let Some(&u) = r.unknown.first() {
        return Some(format!(
            "unknown element <{}> (1230): analysisd refuses to start",
            doc.name(u)
        ));
    }
    let extra = match profile {
        Profile::Wazuh => r.ca_verification.as_ref().map(|_| Field::CaVerification),
        Profile::Ossec => r
            .ca_store
            .as_ref()
            .map(|_| Field::CaStore)
            .or(r.ca_verification.as_ref().map(|_| Field::CaVerification)),
    };
    if let Some(name) = extra {
        return Some(format!(
            "<{name}> is not accepted here (1230): analysisd refuses to start"
        ));
    }
    for name in [Field::Disabled, Field::Level] {
        for &e in r.field(name).map_or(&[][..], |f| &f.all[..]) {
            let v = doc.value(e);
            let ok = match name {
                Field::Disabled => v == "yes" || v == "no",
                _ => crate::model::Level::parse(&v).is_some(),
            };
            if !ok {
                return Some(format!(
                    "(1235): Invalid value for element '{name}': {v}: analysisd refuses to start"
                ));
            }
        }
    }
    None
}

/// Why a block that is neither disabled nor bound yields no response, and whether
/// analysisd refuses to start because of it (docs/wazuh-config.md §3.2, §3.3, §3.5).
fn why_dropped(outcome: Outcome, r: &Response) -> (String, bool) {
    let value = |name| r.value(name).unwrap_or_default();
    match outcome {
        Outcome::Incomplete { settings: true } => (
            "no command or location: an execd setting (repeated_offenders), not a response"
                .to_string(),
            false,
        ),
        Outcome::NoAgent => (
            "defined-agent without <agent_id> (1304): analysisd refuses to start".to_string(),
            true,
        ),
        Outcome::AgentZero => (
            format!(
                "defined-agent with agent_id '{}', which reads as 0: dropped with warning 1306 (use location server for the manager)",
                value(Field::AgentId)
            ),
            false,
        ),
        Outcome::BadLocation => (
            format!(
                "(1302): Invalid active response location: '{}': analysisd refuses to start",
                value(Field::Location)
            ),
            true,
        ),
        Outcome::Undefined => (
            format!(
                "(1303): Invalid command '{}' in the active response (not defined before this block): analysisd refuses to start",
                value(Field::Command)
            ),
            true,
        ),
        Outcome::Disabled => ("disabled (<disabled>yes</disabled>)".to_string(), false),
        // A bound block is not dropped; it is never asked about.
        Outcome::Incomplete { settings: false } | Outcome::Bound(_) => (
            "missing command or location (1281): analysisd refuses to start".to_string(),
            true,
        ),
    }
}

/// A bound block: the checks of its command that may still stop analysisd, then the
/// response it becomes; `Err` is the reason and whether it is fatal.
fn accept(analysis: &Analysis<'_>, r: &Response) -> Result<ActiveResponse, (String, bool)> {
    let missing = || ("missing command (1281)".to_string(), true);
    let command = analysis.command(r).ok_or_else(missing)?;
    let name = command.name().unwrap_or_default();
    let executable = command_checks(command, analysis.profile())?;
    let configured = r.timeout_value().0;
    let allowed = command.allows_timeout();
    if configured != 0 && !allowed && analysis.profile() == Profile::Ossec {
        return Err((
            format!("(1305): Timeout not allowed for command: '{name}': fatal for OSSEC"),
            true,
        ));
    }
    Ok(ActiveResponse {
        index: r.index,
        name: analysis.ar_name(r).ok_or_else(missing)?,
        command: name.to_string(),
        executable,
        extra_args: command.extra_args.as_ref().map(|f| f.value.clone()),
        expect: command.expect.as_ref().map(|f| f.value.clone()),
        location: Location::read(r.value(Field::Location).unwrap_or_default()),
        agent_id: r.value(Field::AgentId).map(str::to_string),
        level: r.level_value().map_or(0, |l| l.get()),
        rules_group: r.value(Field::RulesGroup).map(str::to_string),
        rules_id: r.value(Field::RulesId).map(str::to_string),
        timeout: analysis.timeout(r).unwrap_or_default(),
        timeout_ignored: (configured != 0 && !allowed).then_some(configured),
    })
}

/// What analysisd requires of the command itself (1280): an executable, and for
/// OSSEC an `<expect>`; the executable on success.
fn command_checks(command: &Command, profile: Profile) -> Result<String, (String, bool)> {
    let name = command.name().unwrap_or_default();
    let Some(executable) = &command.executable else {
        return Err((
            format!("its command '{name}' has no <executable> (1280): analysisd refuses to start"),
            true,
        ));
    };
    if profile == Profile::Ossec && command.expect.is_none() {
        return Err((
            format!(
                "its command '{name}' has no <expect>, required by OSSEC (1280): analysisd refuses to start"
            ),
            true,
        ));
    }
    Ok(executable.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::analysisd::{LOCAL_AR, REMOTE_AR};
    use crate::xml::parse;

    const CMDS: &str = "<command><name>fw</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command><command><name>rs</name><executable>restart-wazuh</executable></command>";

    fn read(blocks: &str) -> Responses {
        let doc = parse(&format!("<ossec_config>{CMDS}{blocks}</ossec_config>"));
        responses(&Config::from_document(&doc), &doc, Profile::Wazuh)
    }

    #[test]
    fn accepted_response_name_and_bits() {
        let r = read(
            "<active-response><command>fw</command><location>local</location><level>7</level><timeout>600</timeout></active-response>",
        );
        let a = r.active().next().expect("active");
        assert_eq!(a.name, "fw600");
        assert_eq!(r.ar_bits, LOCAL_AR | REMOTE_AR);
    }

    #[test]
    fn timeout_without_timeout_allowed_is_forced_to_zero() {
        // docs/wazuh-config.md §3.6: INFO 1305, timeout 0, the name becomes rs0.
        let r = read(
            "<active-response><command>rs</command><location>server</location><level>7</level><timeout>30</timeout></active-response>",
        );
        let a = r.active().next().expect("active");
        assert_eq!(
            (a.name.as_str(), a.timeout, a.timeout_ignored),
            ("rs0", 0, Some(30))
        );
        assert_eq!(r.ar_bits, LOCAL_AR);
    }

    #[test]
    fn disabled_block_after_enabled_ones_erases_the_bits() {
        // docs/wazuh-config.md §3.4 (the daemon run with both orders).
        let r = read(
            "<active-response><command>fw</command><location>local</location><level>7</level></active-response><active-response><disabled>yes</disabled></active-response>",
        );
        assert_eq!((r.ar_bits, r.reset_by), (0, Some(2)));
        let r = read(
            "<active-response><command>fw</command><location>local</location><level>7</level></active-response><active-response><disabled>yes</disabled></active-response><active-response><command>fw</command><location>all</location><level>9</level></active-response>",
        );
        assert_eq!(r.ar_bits, REMOTE_AR);
        assert_eq!(r.active().count(), 2);
    }

    #[test]
    fn blocks_that_yield_nothing_say_why() {
        let r = read(
            "<active-response><repeated_offenders>10</repeated_offenders></active-response><active-response><command>fw</command><location>defined-agent</location><agent_id>000</agent_id><level>7</level></active-response><active-response><command>nope</command><location>local</location></active-response><active-response><command>fw</command><location>manager</location></active-response><active-response><command>fw</command><location>local</location><ca_verification>yes</ca_verification></active-response>",
        );
        let fatal: Vec<bool> = r
            .blocks
            .iter()
            .map(|b| matches!(b, ResponseState::Inactive { fatal: true, .. }))
            .collect();
        assert_eq!(fatal, [false, false, true, true, true]);
        assert_eq!(r.active().count(), 0);
        assert_eq!(r.fatal().map(|f| f.0), Some(3));
    }

    #[test]
    fn command_defined_after_the_block_is_not_found() {
        let doc = parse(
            "<ossec_config><active-response><command>late</command><location>local</location><level>3</level></active-response><command><name>late</name><executable>x</executable></command></ossec_config>",
        );
        let r = responses(&Config::from_document(&doc), &doc, Profile::Wazuh);
        assert!(
            matches!(&r.blocks[0], ResponseState::Inactive { reason, .. } if reason.contains("1303"))
        );
    }

    #[test]
    fn ossec_refuses_a_timeout_on_a_command_without_timeout_allowed() {
        let doc = parse(&format!(
            "<ossec_config>{CMDS}<active-response><command>rs</command><location>server</location><level>7</level><timeout>30</timeout></active-response></ossec_config>"
        ));
        let r = responses(&Config::from_document(&doc), &doc, Profile::Ossec);
        assert_eq!(r.fatal().map(|f| f.0), Some(1));
    }
}
