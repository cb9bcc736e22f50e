//! The one integration-test binary (STYLE habit 9): corpus, dialect, CLI, edits, TUI.

mod architecture;
mod cli_check;
mod corpus;
mod dialect;
mod rules;
mod simulate;
mod simulate_cli;
mod simulate_fire;
mod simulate_replay;
mod support;
