//! ossec-ar: editor, validator and dry-run simulator for the `<command>` and
//! `<active-response>` blocks of Wazuh and OSSEC `ossec.conf` files.
//!
//! Layers (SPEC §5, `docs/ARCHITECTURE.md`): `xml` → `model` → `validate`, `rules`,
//! `simulate` → `session` → `cli`, `tui`; `save` uses `xml` and `validate`; `load`
//! (reading a config and finding its rules) serves both front ends.

pub mod analysis;
pub mod cli;
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
