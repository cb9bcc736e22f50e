//! The one integration-test binary (STYLE habit 9): corpus, dialect, CLI, edits, TUI.

mod architecture;
mod check_corpus;
mod cli_check;
mod cli_dist;
mod cli_edit;
mod corpus;
mod dialect;
mod edit;
mod edit_corpus;
mod rules;
mod save;
mod simulate;
mod simulate_cli;
mod simulate_fire;
mod simulate_replay;
mod support;
mod tui_bench;
mod tui_cli;
mod tui_corpus;
mod tui_harness;
mod tui_keys;
mod tui_rules;
mod tui_save;
mod tui_snapshots;
mod tui_tmux;
