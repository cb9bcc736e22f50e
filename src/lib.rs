//! ossec-ar: editor, validator and dry-run simulator for the `<command>` and
//! `<active-response>` blocks of Wazuh and OSSEC `ossec.conf` files.
//!
//! Layers (`docs/ARCHITECTURE.md`, whose table `tests/it/architecture.rs` checks):
//! `xml` and `pattern` at the bottom, then `model`; `validate`, `session`, and `rules`
//! → `analysis` → `simulate` above it; `save` uses only `xml`; `load` (reading a
//! config and finding its rules) serves both front ends, `cli` and `tui`.

pub mod analysis;
pub mod cli;
pub mod input;
pub mod load;
pub mod model;
pub mod pattern;
pub mod rules;
pub mod save;
pub mod session;
pub mod simulate;
pub mod tui;
pub mod validate;
pub mod xml;

#[cfg(test)]
mod testing;
