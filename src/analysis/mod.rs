//! The analysis engine (docs/analysis.md): from a log line to an alert, as
//! `wazuh-analysisd` and `wazuh-logtest` do it, with no manager. Pure: the clock is
//! injected, nothing here reads files or the terminal.

pub mod accumulate;
pub mod decode;
pub mod event;
mod plugins;
pub mod predecode;

#[cfg(test)]
mod tests_decode;

pub use decode::{DecodeState, decode};
pub use event::{Category, DecodedBy, Event, StaticField};
pub mod json;
pub mod output;
pub mod ruletest;
pub(crate) mod context;
pub mod rulematch;
pub mod ruletree;
pub mod state;
pub mod predecode;
pub mod session;

pub use output::Stamp;
pub use session::{Outcome, Ruleset, Session, Settings};
