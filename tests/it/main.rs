//! The one integration-test binary (STYLE habit 9): corpus, dialect, CLI, edits, TUI.

mod architecture;
mod cli_check;
mod corpus;
mod dialect;
mod support;
mod tui_bench;
mod tui_harness;
mod tui_keys;
mod tui_save;
mod tui_snapshots;
mod tui_tmux;
