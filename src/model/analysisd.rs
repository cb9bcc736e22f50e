//! What analysisd makes of each `<active-response>` block, decided in the order
//! `ReadActiveResponses` decides (docs/wazuh-config.md §3.2–§3.7,
//! docs/ossec.md §4, §10): the one reading that the validator, the simulator
//! and the editor share, so they never disagree about a response.

use std::borrow::Cow;

use super::Profile;
use super::config::{Command, Config, ConfigKind, Placement, Response};
use super::field::Field;
use super::values::Location;
use crate::xml::Document;

/// `Config.ar` bit: analysisd opens the queue to remote agents (docs/wazuh-config.md §3.7).
pub const REMOTE_AR: u8 = 1;
/// `Config.ar` bit: analysisd opens the manager's own execd queue (docs/wazuh-config.md §3.7).
pub const LOCAL_AR: u8 = 2;

/// Who reads a block's options (docs/choices.md "Which blocks", docs/wazuh-config.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// wazuh-analysisd (ossec-analysisd): a manager config, or a root-less fragment,
    /// which is read as if it were pasted into a manager's `<ossec_config>`.
    Analysisd,
    /// An agent config: only execd and modulesd read `<active-response>` there.
    Agent,
    /// Inside `<agent_config>`: no daemon reads it (docs/wazuh-config.md §1).
    Nobody,
}

impl Config {
    /// Who reads a block at `placement`.
    pub fn reader(&self, placement: Placement) -> Reader {
        match placement {
            Placement::OssecConfig(_) if self.kind == ConfigKind::Manager => Reader::Analysisd,
            Placement::OssecConfig(_) => Reader::Agent,
            Placement::TopLevel(_) => Reader::Analysisd,
            Placement::AgentConfig(_) => Reader::Nobody,
        }
    }
}

/// What analysisd does with a response block (docs/wazuh-config.md §3.2–§3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `disabled` is `yes`: dropped before anything else is checked (§3.4).
    Disabled,
    /// No usable `command` or `location`: dropped silently when the block holds
    /// `repeated_offenders`, fatal 1281 otherwise (§3.5).
    Incomplete {
        /// `repeated_offenders` is present, so the daemon drops the block quietly.
        settings: bool,
    },
    /// `defined-agent` without `agent_id`: fatal 1304.
    NoAgent,
    /// `defined-agent` whose id reads as 0: warning 1306, block dropped (Wazuh only).
    AgentZero,
    /// The location sets no flag: fatal 1302.
    BadLocation,
    /// The command is not defined earlier in the file: fatal 1303.
    Undefined,
    /// Accepted: bound to the command at this position of [`Config::commands`] (the
    /// command's own checks and, for OSSEC, a refused timeout may still stop the
    /// daemon, §3.6).
    Bound(usize),
}

impl Outcome {
    /// Does the block define a response (it has a command and a location, and is
    /// neither disabled nor dropped)? Checks of triggers and targets look only at
    /// these.
    pub fn defines(self) -> bool {
        matches!(
            self,
            Outcome::NoAgent | Outcome::BadLocation | Outcome::Undefined | Outcome::Bound(_)
        )
    }

    /// Is the block accepted and bound to a command?
    pub fn is_bound(self) -> bool {
        matches!(self, Outcome::Bound(_))
    }
}

/// The reading of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// What analysisd does with the block.
    pub outcome: Outcome,
    /// The timeout in force when bound: the written one read with `atoi`, or 0 when
    /// Wazuh forces it because the command lacks `timeout_allowed` (§3.6; OSSEC
    /// refuses the file instead, so the written value stands).
    pub timeout: i64,
    /// The `Config.ar` bits it sets when bound: [`LOCAL_AR`] | [`REMOTE_AR`].
    pub bits: u8,
}

/// The verdict on every response of `config` (lowered from `doc`) under `profile`, in
/// document order: what [`Analysis`] answers from (callers that cache it, such as the
/// validator's context, keep this and borrow it with [`Analysis::with_verdicts`]).
pub fn verdicts(config: &Config, doc: &Document, profile: Profile) -> Vec<Verdict> {
    config
        .responses
        .iter()
        .map(|r| verdict(config, doc, profile, r))
        .collect()
}

/// What analysisd makes of every response of a file, for one profile, in document
/// order; computed once and asked many times.
#[derive(Debug, Clone)]
pub struct Analysis<'c> {
    config: &'c Config,
    doc: &'c Document,
    profile: Profile,
    verdicts: Cow<'c, [Verdict]>,
}

impl<'c> Analysis<'c> {
    /// Reads every response of `config` (lowered from `doc`) under `profile`.
    pub fn new(config: &'c Config, doc: &'c Document, profile: Profile) -> Analysis<'c> {
        let verdicts = Cow::Owned(verdicts(config, doc, profile));
        Analysis {
            config,
            doc,
            profile,
            verdicts,
        }
    }

    /// An analysis that reads each response only when asked: for a caller that asks
    /// about one response of a large file (the form of the selected block).
    pub fn on_demand(config: &'c Config, doc: &'c Document, profile: Profile) -> Analysis<'c> {
        Analysis::with_verdicts(config, doc, profile, &[])
    }

    /// An analysis over verdicts already made by [`verdicts`] for the same config,
    /// document and profile.
    pub fn with_verdicts(
        config: &'c Config,
        doc: &'c Document,
        profile: Profile,
        verdicts: &'c [Verdict],
    ) -> Analysis<'c> {
        Analysis {
            config,
            doc,
            profile,
            verdicts: Cow::Borrowed(verdicts),
        }
    }

    /// The profile the responses were read with.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The verdict on response `r` (a response of this analysis' config).
    pub fn verdict(&self, r: &Response) -> Verdict {
        let i = r.index.checked_sub(1);
        let ours = i
            .and_then(|i| self.config.responses.get(i))
            .is_some_and(|x| x.element == r.element);
        match i.and_then(|i| self.verdicts.get(i)) {
            Some(v) if ours => *v,
            // Not read yet (on demand), or a response from elsewhere: read it now
            // rather than answer wrongly.
            _ => verdict(self.config, self.doc, self.profile, r),
        }
    }

    /// What analysisd does with response `r`.
    pub fn outcome(&self, r: &Response) -> Outcome {
        self.verdict(r).outcome
    }

    /// The command `r` is bound to, when analysisd accepts it.
    pub fn command(&self, r: &Response) -> Option<&'c Command> {
        match self.outcome(r) {
            Outcome::Bound(i) => self.config.commands.get(i),
            _ => None,
        }
    }

    /// The timeout in force for `r`, when it is bound.
    pub fn timeout(&self, r: &Response) -> Option<i64> {
        let v = self.verdict(r);
        v.outcome.is_bound().then_some(v.timeout)
    }

    /// The active-response name analysisd builds, when `r` is bound: the command
    /// name, then the timeout in force as `%d` (§3.7), e.g. `firewall-drop600`.
    pub fn ar_name(&self, r: &Response) -> Option<String> {
        let c = self.command(r)?;
        let t = self.verdict(r).timeout;
        Some(format!("{}{t}", c.name().unwrap_or_default()))
    }

    /// The `Config.ar` bits `r` sets (0 unless bound).
    pub fn queue_bits(&self, r: &Response) -> u8 {
        self.verdict(r).bits
    }
}

/// The queue bits a location needs (§3.7): server → local; all, defined-agent →
/// remote; local → both.
pub fn queue_bits(l: Location) -> u8 {
    let mut bits = 0;
    if l.has(Location::AS_ONLY) {
        bits |= LOCAL_AR;
    }
    if l.has(Location::ALL_AGENTS) || l.has(Location::SPECIFIC_AGENT) {
        bits |= REMOTE_AR;
    }
    if l.has(Location::REMOTE_AGENT) {
        bits |= LOCAL_AR | REMOTE_AR;
    }
    bits
}

/// A value the reader treats as given: Wazuh counts an empty `<command>` or
/// `<location>` as missing, OSSEC reads it (docs/ossec.md §10).
fn given(profile: Profile, r: &Response, field: Field) -> Option<&str> {
    let v = r.value(field)?;
    (profile == Profile::Ossec || !v.is_empty()).then_some(v)
}

fn verdict(config: &Config, doc: &Document, profile: Profile, r: &Response) -> Verdict {
    let outcome = decide(config, doc, profile, r);
    let Outcome::Bound(i) = outcome else {
        return Verdict {
            outcome,
            timeout: 0,
            bits: 0,
        };
    };
    let written = r.timeout_value().0;
    let allowed = config.commands.get(i).is_some_and(Command::allows_timeout);
    let location = Location::read(r.value(Field::Location).unwrap_or_default());
    Verdict {
        outcome,
        timeout: if profile == Profile::Wazuh && !allowed {
            0
        } else {
            written
        },
        bits: queue_bits(location),
    }
}

fn decide(config: &Config, doc: &Document, profile: Profile, r: &Response) -> Outcome {
    if r.is_disabled() {
        return Outcome::Disabled;
    }
    let (Some(command), Some(location)) = (
        given(profile, r, Field::Command),
        given(profile, r, Field::Location),
    ) else {
        return Outcome::Incomplete {
            settings: r.repeated_offenders.is_some(),
        };
    };
    let flags = Location::read(location);
    if flags.has(Location::SPECIFIC_AGENT) {
        match r.agent() {
            None => return Outcome::NoAgent,
            Some(id) if id.number() == 0 && profile == Profile::Wazuh => {
                return Outcome::AgentZero;
            }
            Some(_) => {}
        }
    }
    if flags.is_empty() {
        return Outcome::BadLocation;
    }
    defined_before(config, doc, r, command).map_or(Outcome::Undefined, Outcome::Bound)
}

/// The position of the first command named `name` that analysisd has read before
/// block `r`: it resolves names as it reads, in document order (§3.2).
fn defined_before(config: &Config, doc: &Document, r: &Response, name: &str) -> Option<usize> {
    let start = doc.element(r.element).span().start;
    config.commands.iter().position(|c| {
        config.reader(c.placement) == Reader::Analysisd
            && doc.element(c.element).span().start < start
            && c.name() == Some(name)
    })
}

/// What tells one response from another for analysisd: two blocks with the same
/// identity are bound to the same command, sent to the same place and triggered by the
/// same rules, so the daemon runs both (`add --if-absent`, `apply` and the
/// `duplicate-response` check use it; docs/active-responses.md).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    /// The command name (Wazuh counts an empty one as missing).
    pub command: Option<String>,
    /// The location flags the four substring searches set.
    pub location: u8,
    /// The agent routed to, as `atoi` reads it; only for a `defined-agent` location,
    /// since no other location reads it.
    pub agent_id: Option<i64>,
    /// The level (0: not set, missing or empty), or the text error 1235 refuses.
    pub level: Result<u8, String>,
    /// The group string as written (matched as it stands).
    pub rules_group: Option<String>,
    /// The rule ids the scanner reads, sorted and each once (the daemon only asks
    /// whether a rule's id is among them).
    pub rules_id: Vec<i64>,
}

/// The identity of a response whose field values `get` gives by element name (a
/// block of the file, or the fields of a block about to be added).
pub fn identity<'a>(profile: Profile, get: impl Fn(Field) -> Option<&'a str>) -> Identity {
    let given = |field: Field| get(field).filter(|v| profile == Profile::Ossec || !v.is_empty());
    let location = Location::read(given(Field::Location).unwrap_or_default());
    let level = get(Field::Level).unwrap_or_default();
    let mut rules_id = crate::model::rules_id_numbers(get(Field::RulesId).unwrap_or_default());
    rules_id.sort_unstable();
    rules_id.dedup();
    Identity {
        command: given(Field::Command).map(str::to_string),
        location: location.bits(),
        agent_id: location
            .has(Location::SPECIFIC_AGENT)
            .then(|| get(Field::AgentId).map(crate::model::atoi))
            .flatten(),
        level: crate::model::Level::parse(level)
            .map(|l| l.get())
            .ok_or_else(|| level.to_string()),
        rules_group: get(Field::RulesGroup).map(str::to_string),
        rules_id,
    }
}

impl Response {
    /// This block's [`Identity`] under `profile`.
    pub fn identity(&self, profile: Profile) -> Identity {
        identity(profile, |name| self.value(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    const CMDS: &str = "<command><name>fw</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command><command><name>rs</name><executable>restart-wazuh</executable></command>";

    fn outcomes(blocks: &str, profile: Profile) -> Vec<Outcome> {
        let doc = parse(&format!("<ossec_config>{CMDS}{blocks}</ossec_config>"));
        let cfg = Config::from_document(&doc);
        let a = Analysis::new(&cfg, &doc, profile);
        cfg.responses.iter().map(|r| a.outcome(r)).collect()
    }

    #[test]
    fn each_way_of_dropping_a_block_in_the_daemons_order() {
        let got = outcomes(
            "<active-response><disabled>yes</disabled></active-response>\
             <active-response><repeated_offenders>10</repeated_offenders></active-response>\
             <active-response><command>fw</command></active-response>\
             <active-response><command>fw</command><location>defined-agent</location></active-response>\
             <active-response><command>fw</command><location>defined-agent</location><agent_id>000</agent_id></active-response>\
             <active-response><command>fw</command><location>manager</location></active-response>\
             <active-response><command>nope</command><location>local</location></active-response>\
             <active-response><command>rs</command><location>server</location></active-response>",
            Profile::Wazuh,
        );
        assert_eq!(
            got,
            [
                Outcome::Disabled,
                Outcome::Incomplete { settings: true },
                Outcome::Incomplete { settings: false },
                Outcome::NoAgent,
                Outcome::AgentZero,
                Outcome::BadLocation,
                Outcome::Undefined,
                Outcome::Bound(1),
            ]
        );
    }

    #[test]
    fn empty_command_and_location_are_missing_for_wazuh_read_by_ossec() {
        // docs/ossec.md §10: OSSEC reads the empty location and refuses it (1302).
        let block = "<active-response><command>fw</command><location></location></active-response>";
        assert_eq!(
            outcomes(block, Profile::Wazuh),
            [Outcome::Incomplete { settings: false }]
        );
        assert_eq!(outcomes(block, Profile::Ossec), [Outcome::BadLocation]);
        // Agent 000 is dropped by Wazuh only (1306, added in 4.3).
        let zero = "<active-response><command>fw</command><location>defined-agent</location><agent_id>000</agent_id></active-response>";
        assert_eq!(outcomes(zero, Profile::Ossec), [Outcome::Bound(0)]);
    }

    #[test]
    fn command_defined_after_its_user_is_not_found_before_it() {
        let doc = parse(
            "<ossec_config><active-response><command>x</command><location>local</location></active-response><command><name>x</name><executable>y</executable></command></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        let a = Analysis::new(&cfg, &doc, Profile::Wazuh);
        assert_eq!(a.outcome(&cfg.responses[0]), Outcome::Undefined);
        assert_eq!(a.ar_name(&cfg.responses[0]), None);
        assert!(cfg.command("x").is_some());
    }

    #[test]
    fn the_first_of_two_commands_with_one_name_is_used() {
        let doc = parse(
            "<ossec_config><command><name>x</name><executable>a</executable></command><command><name>x</name><executable>b</executable><timeout_allowed>yes</timeout_allowed></command><active-response><command>x</command><location>local</location><timeout>60</timeout></active-response></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        let a = Analysis::new(&cfg, &doc, Profile::Wazuh);
        let r = &cfg.responses[0];
        assert_eq!(a.command(r).map(|c| c.index), Some(1));
        // The first one has no timeout_allowed: Wazuh forces 0 (§3.6).
        assert_eq!(a.ar_name(r).as_deref(), Some("x0"));
    }

    #[test]
    fn timeout_and_name_follow_the_profile() {
        let doc = parse(&format!(
            "<ossec_config>{CMDS}<active-response><command>rs</command><location>server</location><timeout>30</timeout></active-response><active-response><command>fw</command><location>local</location><timeout>600</timeout></active-response></ossec_config>"
        ));
        let cfg = Config::from_document(&doc);
        let (rs, fw) = (&cfg.responses[0], &cfg.responses[1]);
        let wazuh = Analysis::new(&cfg, &doc, Profile::Wazuh);
        assert_eq!(wazuh.ar_name(rs).as_deref(), Some("rs0"));
        assert_eq!(wazuh.ar_name(fw).as_deref(), Some("fw600"));
        // OSSEC keeps the written value (and refuses the file, 1305).
        let ossec = Analysis::new(&cfg, &doc, Profile::Ossec);
        assert_eq!(ossec.timeout(rs), Some(30));
        assert_eq!(ossec.ar_name(rs).as_deref(), Some("rs30"));
        // Read on demand, the answers are the same.
        let lazy = Analysis::on_demand(&cfg, &doc, Profile::Wazuh);
        assert_eq!(lazy.ar_name(rs).as_deref(), Some("rs0"));
        assert_eq!(lazy.ar_name(fw).as_deref(), Some("fw600"));
    }

    #[test]
    fn queue_bits_of_each_location() {
        let bits = |l: &str| queue_bits(Location::read(l));
        assert_eq!(bits("server"), LOCAL_AR);
        assert_eq!(bits("all"), REMOTE_AR);
        assert_eq!(bits("defined-agent"), REMOTE_AR);
        assert_eq!(bits("local"), LOCAL_AR | REMOTE_AR);
        assert_eq!(bits("manager"), 0);
        let doc = parse(&format!(
            "<ossec_config>{CMDS}<active-response><command>fw</command><location>all</location></active-response><active-response><command>nope</command><location>server</location></active-response></ossec_config>"
        ));
        let cfg = Config::from_document(&doc);
        let a = Analysis::new(&cfg, &doc, Profile::Wazuh);
        assert_eq!(a.queue_bits(&cfg.responses[0]), REMOTE_AR);
        // Not bound: it sets nothing.
        assert_eq!(a.queue_bits(&cfg.responses[1]), 0);
    }

    #[test]
    fn blocks_in_agent_config_and_fragments_have_their_readers() {
        let doc = parse(
            "<command><name>x</name></command><agent_config><active-response/></agent_config>",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.reader(cfg.commands[0].placement), Reader::Analysisd);
        assert_eq!(cfg.reader(cfg.responses[0].placement), Reader::Nobody);
    }
}

#[cfg(test)]
mod identity_tests {
    use super::*;
    use crate::xml::parse;

    fn ids(blocks: &str) -> Vec<Identity> {
        let doc = parse(&format!("<ossec_config>{blocks}</ossec_config>"));
        let cfg = Config::from_document(&doc);
        cfg.responses
            .iter()
            .map(|r| r.identity(Profile::Wazuh))
            .collect()
    }

    #[test]
    fn identity_is_what_the_daemon_reads_not_the_spelling() {
        let got = ids(
            "<active-response><command>fw</command><location>local</location><rules_id>5712,5720</rules_id><timeout>60</timeout></active-response>\
             <active-response><command>fw</command><location>Local</location><rules_id>5720, 5712</rules_id><level>0</level><agent_id>7</agent_id></active-response>\
             <active-response><command>fw</command><location>local</location><rules_id>5712</rules_id></active-response>\
             <active-response><command>fw</command><location>defined-agent</location><agent_id>007</agent_id></active-response>\
             <active-response><command>fw</command><location>defined-agent</location><agent_id>8</agent_id></active-response>",
        );
        assert_eq!(got[0], got[1], "case, order, level 0, an unread agent_id");
        assert_ne!(got[0], got[2]);
        assert_eq!(got[3].agent_id, Some(7));
        assert_ne!(got[3], got[4]);
        assert_eq!(got[0].level, Ok(0));
    }
}
