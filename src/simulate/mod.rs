//! The dry-run simulator (docs/cli.md "simulate", §3 simulator pane): pure functions over a parsed
//! configuration and a loaded ruleset, with Wazuh 4.x semantics (and OSSEC's where
//! they differ). docs/wazuh-config.md §3–§5.
//!
//! For the TUI's simulator pane, which recomputes on every unsaved edit:
//!
//! - [`bind`]`(&Config, &Document, &RuleSet) -> Vec<Binding>`: for every
//!   `<active-response>` block, whether it yields a response (`enabled`, or
//!   `why_disabled`), the ids of the rules that trigger it (ascending) and notes
//!   (ignored timeout, queue bits erased by a disabled block).
//! - [`fire`]`(&Config, &Document, &RuleSet, &AlertEvent, &Options) -> Fired`: what happens
//!   when one rule fires for an agent, source IP and user: for each bound response,
//!   where it runs (`runs_on`), the message the executing execd receives, the delete
//!   after the timeout, notes on gates, and the repeated-offender `schedule`.
//! - [`count_matches`]`(&RuleSet, level, group, ids) -> usize`: how many rules a
//!   trigger being typed binds (cheap: one pass over the rules).
//! - [`Trigger`]: the binding predicate itself (with [`crate::model::rules_id_numbers`], the daemon's
//!   reading of `rules_id`).
//! - [`Simulator`]: the same, read once (responses, white list, repeated offenders),
//!   for many events; [`replay`] streams an alerts.json through it, and
//!   [`logs::replay_logs`] a raw log through the analysis engine and it.
//! - [`diagnostics`]: ruleset-aware findings for `check --rules`, with their
//!   `explain` texts.

mod bind;
pub mod diagnostics;
mod execution;
mod fire;
pub mod logs;
pub mod logtime;
mod message;
mod offenders;
mod replay;
mod responses;
mod scan;
pub mod stream;
mod tally;
mod whitelist;

pub use bind::{Binding, Trigger, bind_responses, count_matches};
pub use fire::{
    AlertEvent, DEFAULT_AGENT, DEFAULT_SRCIP, Execution, Fired, FiredRule, Gate, Options, Route,
    Simulator, Version, agent_problem, bind, fire, srcip_problem,
};
pub use message::{Alert, ArMessage, Expect, Message, shell_escape};
pub use offenders::timeout_for_hit;
pub use replay::{AlertsError, MAX_ALERT_LINE, Replay, ReplayExecution, open_alerts, replay};
pub use responses::{ActiveResponse, ResponseState, Responses, responses};
pub use tally::{Folded, MAX_KEYS};
pub use whitelist::WhiteList;
