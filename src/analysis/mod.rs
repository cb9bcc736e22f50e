//! The analysis engine (docs/analysis.md): from a log line to an alert, as
//! `wazuh-analysisd` and `wazuh-logtest` do it, with no manager. Pure: the clock is
//! injected, nothing here reads files or the terminal.
//!
//! The steps, in the order an event takes them: `predecode` (the syslog header),
//! `decode` (the decoder tree, `plugins`, `accumulate`), `rulematch` (the rule tree
//! of `ruletree`, with `context` and the session's `state`), `output` (logtest's
//! JSON). `session` ties them together; `ruletest` reads Wazuh's test files.

pub mod accumulate;
pub(crate) mod context;
pub mod decode;
pub mod event;
pub mod json;
pub mod output;
mod plugins;
pub mod predecode;
pub mod rulematch;
pub mod ruletest;
pub mod ruletree;
pub mod session;
pub mod state;

#[cfg(test)]
mod tests_decode;

pub use decode::{DecodeState, decode};
pub use event::{Category, DecodedBy, Event, StaticField};
pub use output::Stamp;
pub use session::{Decoded, Decoding, Outcome, Ruleset, Session, Settings};
