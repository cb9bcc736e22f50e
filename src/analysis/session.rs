//! One logtest session: the loaded ruleset and the state that lines of one session
//! share (docs/analysis.md "Sessions"; Wazuh `src/analysisd/logtest.c`
//! `w_logtest_process_log`): pre-decoding, decoding, rule matching, in that order.
//! Pure: the caller gives each line its time.

use std::path::PathBuf;
use std::sync::Arc;

use super::decode::{DecodeState, Pending, decode_event};
use super::event::Event;
use super::json::Json;
use super::output::{RuleView, Stamp, output};
use super::predecode::predecode;
use super::rulematch::{Fired, TraceStep, evaluate_with};
use super::ruletree::{self, RuleTree};
use super::state::RuleState;
use crate::rules::Problem;
use crate::rules::decoders::{self, DecoderSet};
use crate::rules::lists::Lists;

/// The settings of `<global>`/`<alerts>` that change what logtest reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The manager's short host name (`hostname` when the line has none).
    pub manager: String,
    /// `<log_alert_level>` (3): the lowest level that makes an alert.
    pub log_alert_level: u32,
    /// `<email_alert_level>` (12): the lowest level that sends an e-mail.
    pub email_alert_level: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            manager: "localhost".to_string(),
            log_alert_level: 3,
            email_alert_level: 12,
        }
    }
}

/// A loaded ruleset: decoders, rules, lists, and the problems met loading them.
pub struct Ruleset {
    /// The decoder tree.
    pub decoders: DecoderSet,
    /// The rule tree.
    pub rules: RuleTree,
    /// The CDB lists.
    pub lists: Lists,
    /// Problems in decoder, rule and list files, in load order.
    pub problems: Vec<Problem>,
    /// What logtest reports depends on these.
    pub settings: Settings,
}

impl Ruleset {
    /// Builds the ruleset from file texts in load order (decoders, then lists, then
    /// rules, as `w_logtest_initialize_session` does).
    pub fn build(
        decoder_files: &[(PathBuf, String)],
        rule_files: &[(PathBuf, String)],
        lists: &[(String, PathBuf)],
        settings: Settings,
    ) -> Ruleset {
        let (decoders, mut problems) = decoders::load(decoder_files);
        let (lists, list_problems) = Lists::load(lists);
        problems.extend(list_problems);
        let id_of = |name: &str| decoders.id_of(name);
        let (rules, rule_problems) = ruletree::build(rule_files, &lists, &id_of);
        problems.extend(rule_problems);
        Ruleset {
            decoders,
            rules,
            lists,
            problems,
            settings,
        }
    }
}

/// What one line gave.
#[derive(Debug)]
pub struct Outcome {
    /// The event after decoding.
    pub event: Arc<Event>,
    /// The rule it fired, if any.
    pub fired: Option<Fired>,
    /// logtest's `alert`: the event was stored and its level reaches
    /// `log_alert_level`.
    pub alert: bool,
    /// The rules tried, when asked for.
    pub trace: Vec<TraceStep>,
}

/// The decoding half of a session: pre-decoding and decoding, whose only state is
/// the decoders' (the accumulator, the plugins' type changes). It can run in another
/// thread than rule matching, a line ahead, with the same results
/// (docs/analysis.md "Sessions").
pub struct Decoding<'r> {
    ruleset: &'r Ruleset,
    state: DecodeState,
}

impl<'r> Decoding<'r> {
    /// A fresh decoding state.
    pub fn new(ruleset: &'r Ruleset) -> Decoding<'r> {
        Decoding {
            ruleset,
            state: DecodeState::default(),
        }
    }

    /// Pre-decodes and decodes a line received from `location`; `time` (seconds
    /// since the epoch) may depend on the pre-decoded timestamp.
    pub fn event(
        &mut self,
        location: &[u8],
        line: &[u8],
        time: impl FnOnce(&Event) -> i64,
    ) -> Event {
        let decoded = self.ruleset.decode_line(location, line);
        self.finish(decoded, time)
    }

    /// Ends the decoding of a line [`Ruleset::decode_line`] began (on the lines in
    /// input order): its time, then the steps that use the session's decoding
    /// state.
    pub fn finish(&mut self, decoded: Decoded, time: impl FnOnce(&Event) -> i64) -> Event {
        let Decoded { mut event, pending } = decoded;
        event.time = time(&event);
        self.state
            .finish(&self.ruleset.decoders, &mut event, pending);
        event
    }
}

/// A line pre-decoded and decoded as far as no session state is involved
/// ([`Ruleset::decode_line`]); [`Decoding::finish`] ends it.
#[derive(Debug)]
pub struct Decoded {
    event: Event,
    pending: Pending,
}

impl Ruleset {
    /// Pre-decodes a line received from `location` and runs the decoder tree on
    /// it; reads nothing but the ruleset, so lines may be decoded in several
    /// threads at once (docs/limits.md "Speed").
    pub fn decode_line(&self, location: &[u8], line: &[u8]) -> Decoded {
        let mut event = predecode(location, line, self.settings.manager.as_bytes());
        let pending = decode_event(&self.decoders, &mut event);
        Decoded { event, pending }
    }
}

/// One session.
pub struct Session<'r> {
    ruleset: &'r Ruleset,
    decode: Decoding<'r>,
    state: RuleState,
}

impl<'r> Session<'r> {
    /// A fresh session (no correlation state).
    pub fn new(ruleset: &'r Ruleset) -> Session<'r> {
        Session {
            ruleset,
            decode: Decoding::new(ruleset),
            state: RuleState::new(&ruleset.rules),
        }
    }

    /// Runs one line received from `location` at `time` (seconds since the epoch).
    pub fn process(&mut self, location: &[u8], line: &[u8], time: i64, trace: bool) -> Outcome {
        let event = self.decode.event(location, line, |_| time);
        self.evaluate(event, trace)
    }

    /// Matches the rules against an event decoded by this session's [`Decoding`] or
    /// by another one that saw the same lines in the same order.
    pub fn evaluate(&mut self, mut event: Event, trace: bool) -> Outcome {
        let rs = self.ruleset;
        let pieces = event.pieces.take();
        let event = Arc::new(event);
        let mut steps = Vec::new();
        let fired = evaluate_with(
            &rs.rules,
            &rs.lists,
            &mut self.state,
            &event,
            trace.then_some(&mut steps),
            pieces,
        );
        let alert = fired.as_ref().is_some_and(|f| {
            let level = rs.rules.rule(f.rule).level;
            !f.suppressed && level > 0 && rs.settings.log_alert_level <= level
        });
        Outcome {
            event,
            fired,
            alert,
            trace: steps,
        }
    }

    /// The ruleset of this session.
    pub fn ruleset(&self) -> &'r Ruleset {
        self.ruleset
    }
}

impl Ruleset {
    /// What the output shows of the rule an outcome fired.
    pub fn rule_view(&self, fired: &Fired) -> RuleView<'_> {
        let r = self.rules.rule(fired.rule);
        RuleView {
            id: r.id,
            level: u8::try_from(r.level).unwrap_or(u8::MAX),
            description: r.description.as_deref().unwrap_or(""),
            group: &r.group,
            cve: r.cve.as_deref(),
            info: r.info.as_deref(),
            // `frequency` is printed for rules with a context search, stored − 2.
            frequency: r.ctx.context.then_some(r.frequency + 2),
            // A rule named by an OSSEC alert has no count (`r_firedtimes` is -1).
            firedtimes: (!r.options.no_counter && fired.firedtimes > 0).then_some(fired.firedtimes),
            mail: r.mail(self.settings.email_alert_level),
            no_full_log: r.options.no_full_log,
        }
    }

    /// The logtest `output` object of an outcome.
    pub fn output<'a>(&'a self, outcome: &'a Outcome, stamp: &'a Stamp) -> Json<'a> {
        let view = outcome.fired.as_ref().map(|f| self.rule_view(f));
        output(&outcome.event, view.as_ref(), stamp)
    }

    /// The rules tried, as logtest's rules debug words them (`RULES_DEBUG_MSG_*` in
    /// `src/analysisd/rules.h`), with the option that failed first.
    pub fn trace_lines(&self, outcome: &Outcome) -> Vec<String> {
        let mut out = Vec::new();
        for step in &outcome.trace {
            let r = self.rules.rule(step.rule);
            out.push(format!(
                "Trying rule: {} - {}",
                r.id,
                r.description.as_deref().unwrap_or("")
            ));
            match step.failed {
                None => out.push(format!("*Rule {} matched", r.id)),
                Some(option) => out.push(format!("*Not matched: <{option}>")),
            }
        }
        out
    }

    /// `[rule id, level, decoder name]` as `wazuh-logtest -U` reads them from a reply
    /// (`""` when absent).
    pub fn triple(&self, outcome: &Outcome) -> [String; 3] {
        let (id, level) = match &outcome.fired {
            Some(f) => {
                let r = self.rules.rule(f.rule);
                (r.id.to_string(), r.level.to_string())
            }
            None => (String::new(), String::new()),
        };
        let decoder = outcome
            .event
            .decoder
            .as_ref()
            .map(|d| d.name.to_string())
            .unwrap_or_default();
        [id, level, decoder]
    }
}
