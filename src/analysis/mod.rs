//! The analysis engine (docs/analysis.md): from a log line to an alert, as
//! `wazuh-analysisd` and `wazuh-logtest` do it, with no manager. Pure: the clock is
//! injected, nothing here reads files or the terminal.

pub mod event;
pub mod predecode;

pub use event::{Category, DecodedBy, Event, StaticField};
