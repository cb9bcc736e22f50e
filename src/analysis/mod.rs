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
