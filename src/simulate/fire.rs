//! Fired mode: what happens when one rule fires on one agent
//! (docs/wazuh-config.md §5.1 gating, §5.2 routing, §5.3 message, §5.5 delete, §5.6
//! repeated offenders; docs/ossec.md §5, §7 for the OSSEC profile).

use serde::Serialize;

use super::bind::{Binding, Trigger, bind_responses};
use super::message::{self, Expect, Message};

use super::responses::{ActiveResponse, Responses, responses};
use super::whitelist::WhiteList;
use crate::model::analysisd::{LOCAL_AR, REMOTE_AR};
use crate::model::execd::offender_minutes;
use crate::model::{Config, Location, Profile, atoi};
use crate::rules::{Rule, RuleSet};
use crate::xml::Document;

/// A hypothetical event: the rule that fired and what the alert carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertEvent {
    /// The rule that fired (the deepest child: only its responses run, §4.6).
    pub rule: u32,
    /// The agent the event came from; `None` is the manager (`000`).
    pub agent: Option<String>,
    /// `data.srcip`.
    pub srcip: Option<String>,
    /// `data.dstuser`.
    pub user: Option<String>,
}

/// The agent of the example event when none is given (the manager): the CLI's `simulate --rule`
/// and the editor's simulator pane start from the same event.
pub const DEFAULT_AGENT: &str = "000";
/// The source IP of the example event when none is given: a documentation address
/// (RFC 5737), so that responses that act on an IP show what they would do.
pub const DEFAULT_SRCIP: &str = "192.0.2.10";

/// Why an `--agent` is not an agent id, if it is not one: digits only, like `001`
/// (`000` is the manager).
pub fn agent_problem(agent: &str) -> Option<String> {
    (agent.is_empty() || !agent.bytes().all(|b| b.is_ascii_digit())).then(|| {
        format!(
            "agent '{}' is not an agent id: digits only, like 001 (000 is the manager)",
            agent.escape_debug()
        )
    })
}

/// Why a source IP is not one, if it is not: an IPv4 or IPv6 address.
pub fn srcip_problem(srcip: &str) -> Option<String> {
    srcip.parse::<std::net::IpAddr>().is_err().then(|| {
        format!(
            "'{}' is not an IP address (IPv4 like 192.0.2.10, or IPv6)",
            srcip.escape_debug()
        )
    })
}

impl AlertEvent {
    /// The agent id as analysisd writes it: three digits when numeric, `000` for the
    /// manager.
    pub fn agent_id(&self) -> String {
        match self.agent.as_deref() {
            None => "000".to_string(),
            Some(a) if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) => {
                format!("{:03}", atoi(a))
            }
            Some(a) => a.to_string(),
        }
    }
}

/// An agent version `major.minor.patch` (a leading `v` or `Wazuh v` is skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// Reads `4.1.5`, `v4.2.0`, `Wazuh v4.7.3`; `None` when there is no number.
    pub fn parse(s: &str) -> Option<Version> {
        let start = s.find(|c: char| c.is_ascii_digit())?;
        let mut parts = s[start..].split('.').map(|p| {
            p.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<u32>()
                .ok()
        });
        let major = parts.next().flatten()?;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Version(major, minor, patch))
    }
}

/// Options of fired mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Daemon semantics.
    pub profile: Profile,
    /// The version of the target agents (`None`: 4.2.5 or later, plain JSON).
    pub agent_version: Option<Version>,
    /// Which execution this is for the same key on the same host (1 = first), for
    /// the repeated-offender timeout.
    pub hit: u32,
    /// Build each execution's message; without, only where it runs and why not
    /// (for counting executions).
    pub messages: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            profile: Profile::Wazuh,
            agent_version: None,
            hit: 1,
            messages: true,
        }
    }
}

/// The rule that fired, as docs/cli.md "simulate" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredRule {
    /// Rule id.
    pub id: u32,
    /// Rule level.
    pub level: u8,
    /// Description.
    pub description: String,
    /// The group string, raw.
    pub groups: String,
}

/// One bound response and what it does for this event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Execution {
    /// 1-based block index.
    pub index: usize,
    /// The response name (command + timeout).
    pub name: String,
    /// The command.
    pub command: String,
    /// Agent ids, `000` for the manager, `all active agents`; empty when it runs
    /// nowhere (see `notes`).
    pub runs_on: Vec<String>,
    /// What the executing execd receives; `None` when it runs nowhere.
    pub message: Option<Message>,
    /// Seconds until execd runs the `delete` (strictly after), when there is one.
    pub delete_after: Option<i64>,
    /// Gates, routing and timing explained.
    pub notes: Vec<String>,
    /// Timeouts (seconds) of the 1st, 2nd, … hits with repeated offenders, when
    /// known for the executing host (the last one repeats forever).
    #[serde(skip)]
    pub schedule: Vec<i64>,
}

/// The outcome of fired mode (docs/cli.md "simulate").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fired {
    /// The rule, when loaded.
    pub rule: Option<FiredRule>,
    /// Every response bound to it, in block order.
    pub fired: Vec<Execution>,
}

/// Why analysisd runs nothing for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Passes.
    Open,
    /// `(1272)`: the user is not `^[a-zA-Z._0-9@?-]*$`.
    CraftedUser(String),
    /// `(1271)`: the source IP is not `^[a-zA-Z.:_0-9-]*$`.
    CraftedIp(String),
    /// The source IP is white-listed by this entry.
    WhiteListed {
        /// The source IP, `::ffff:` removed.
        ip: String,
        /// The `<white_list>` entry that matched.
        entry: String,
    },
}

/// Where one response runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The manager's execd (`000`).
    Manager,
    /// One agent.
    Agent(String),
    /// Every active agent (never the manager); OSSEC: every agent key.
    AllAgents,
    /// Nowhere, and why.
    Nowhere(String),
}

/// Everything a simulation needs, read once from a config and a ruleset.
#[derive(Debug, Clone)]
pub struct Simulator<'r> {
    /// The blocks and queue bits.
    pub responses: Responses,
    /// The loaded rules.
    pub rules: &'r RuleSet,
    /// `<global><white_list>`.
    pub white_list: WhiteList,
    /// `repeated_offenders` of this file (minutes), for responses run here.
    pub offenders: Vec<i64>,
    /// The cluster node name for `origin.name`.
    pub node: String,
    triggers: Vec<(usize, Trigger)>,
}

impl<'r> Simulator<'r> {
    /// Reads the config's responses, white list and repeated offenders.
    pub fn new(config: &Config, doc: &Document, rules: &'r RuleSet, profile: Profile) -> Self {
        let responses = responses(config, doc, profile);
        let triggers = responses
            .active()
            .enumerate()
            .map(|(i, ar)| (i, Trigger::of(ar, profile)))
            .collect();
        Simulator {
            white_list: WhiteList::from_config(doc, profile),
            offenders: config
                .repeated_offenders_used(doc, profile)
                .map(|(e, _)| offender_minutes(&doc.value(e), profile))
                .unwrap_or_default(),
            node: message::node_name(doc),
            responses,
            rules,
            triggers,
        }
    }

    /// The binding of every block.
    pub fn bindings(&self) -> Vec<Binding> {
        bind_responses(&self.responses, self.rules)
    }

    /// The accepted responses bound to `rule`, in block order.
    pub fn bound(&self, rule: &Rule) -> Vec<&ActiveResponse> {
        let active: Vec<&ActiveResponse> = self.responses.active().collect();
        self.triggers
            .iter()
            .filter(|(_, t)| t.binds(rule))
            .map(|&(i, _)| active[i])
            .collect()
    }

    /// The gates of analysisd (§5.1) for an event; OSSEC applies them only to the
    /// fields the command expects.
    pub fn gate(&self, event: &AlertEvent, expect: Option<Expect>) -> Gate {
        self.gate_fields(event.user.as_deref(), event.srcip.as_deref(), expect)
    }

    /// [`Simulator::gate`] on borrowed fields (replay).
    pub fn gate_fields(
        &self,
        user: Option<&str>,
        srcip: Option<&str>,
        expect: Option<Expect>,
    ) -> Gate {
        let wants = expect.unwrap_or(Expect {
            user: true,
            srcip: true,
        });
        let user_ok = |u: &str| {
            u.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@?-".contains(&b))
        };
        if let Some(u) = user.filter(|u| wants.user && !user_ok(u)) {
            return Gate::CraftedUser(u.to_string());
        }
        if let Some(ip) = srcip.filter(|_| wants.srcip) {
            if !ip
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b))
            {
                return Gate::CraftedIp(ip.to_string());
            }
            let ip = strip_mapped(ip);
            if let Some(entry) = self.white_list.find(ip) {
                return Gate::WhiteListed {
                    ip: ip.to_string(),
                    entry: entry.to_string(),
                };
            }
        }
        Gate::Open
    }

    /// Where a response runs for an event from `agent` (§5.2; OSSEC §5).
    pub fn route(&self, ar: &ActiveResponse, agent: &str) -> Route {
        let l = ar.location;
        let bits = self.responses.ar_bits;
        if l.has(Location::AS_ONLY) || (l.has(Location::REMOTE_AGENT) && agent == "000") {
            return if bits & LOCAL_AR != 0 {
                Route::Manager
            } else {
                Route::Nowhere(self.missing_bit("LOCAL_AR", "the manager's execd queue"))
            };
        }
        if bits & REMOTE_AR == 0 {
            return Route::Nowhere(self.missing_bit("REMOTE_AR", "the queue to agents"));
        }
        let specific =
            || Route::Agent(format!("{:03}", atoi(ar.agent_id.as_deref().unwrap_or(""))));
        match self.responses.profile {
            // analysisd: all, then defined-agent, then the event's agent.
            Profile::Wazuh if l.has(Location::ALL_AGENTS) => Route::AllAgents,
            Profile::Wazuh if l.has(Location::SPECIFIC_AGENT) => specific(),
            // OSSEC's remoted: all, then the event's agent, then defined-agent.
            Profile::Ossec if l.has(Location::ALL_AGENTS) => Route::AllAgents,
            Profile::Ossec if l.has(Location::REMOTE_AGENT) => Route::Agent(agent.to_string()),
            Profile::Ossec if l.has(Location::SPECIFIC_AGENT) => specific(),
            _ => Route::Agent(agent.to_string()),
        }
    }

    fn missing_bit(&self, bit: &str, queue: &str) -> String {
        let why = self.responses.reset_by.map_or_else(
            || "no enabled response needs it".to_string(),
            |i| format!("the disabled block #{i} erased it (docs/wazuh-config.md §3.4 in the ossec-ar repository)"),
        );
        format!("Config.ar lacks {bit}, so analysisd never opened {queue}: {why}; dropped silently")
    }

    /// What happens when `event.rule` fires.
    pub fn fire(&self, event: &AlertEvent, options: &Options) -> Fired {
        let Some(rule) = self.rules.get(event.rule) else {
            return Fired {
                rule: None,
                fired: Vec::new(),
            };
        };
        let fired = self
            .bound(rule)
            .into_iter()
            .map(|ar| super::execution::execute(self, ar, rule, event, options))
            .collect();
        Fired {
            rule: Some(FiredRule {
                id: rule.id,
                level: rule.level,
                description: rule.description.clone(),
                groups: rule.group.clone(),
            }),
            fired,
        }
    }
}

/// `::ffff:` in front of an IPv4 address is removed before the white list (§5.1).
pub(super) fn strip_mapped(ip: &str) -> &str {
    ip.strip_prefix("::ffff:").unwrap_or(ip)
}

/// Binding mode with Wazuh semantics, from the parsed file (for the TUI pane).
pub fn bind(config: &Config, doc: &Document, rules: &RuleSet) -> Vec<Binding> {
    bind_responses(&responses(config, doc, Profile::Wazuh), rules)
}

/// Fired mode from the parsed file (for the TUI pane).
pub fn fire(
    config: &Config,
    doc: &Document,
    rules: &RuleSet,
    event: &AlertEvent,
    options: &Options,
) -> Fired {
    Simulator::new(config, doc, rules, options.profile).fire(event, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(Version::parse("4.1.5"), Some(Version(4, 1, 5)));
        assert_eq!(Version::parse("Wazuh v4.2.0"), Some(Version(4, 2, 0)));
        assert_eq!(Version::parse("v4"), Some(Version(4, 0, 0)));
        assert_eq!(Version::parse("new"), None);
        assert!(Version(4, 1, 9) < Version(4, 2, 0));
    }

    #[test]
    fn agent_ids_are_three_digits() {
        let e = |a: Option<&str>| AlertEvent {
            agent: a.map(str::to_string),
            ..AlertEvent::default()
        };
        assert_eq!(e(None).agent_id(), "000");
        assert_eq!(e(Some("3")).agent_id(), "003");
        assert_eq!(e(Some("0042")).agent_id(), "042");
    }
}
