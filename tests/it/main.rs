//! The one integration-test binary (STYLE habit 9): corpus, dialect, CLI, edits, TUI.

mod architecture;
mod check_corpus;
mod cli_check;
mod corpus;
mod dialect;
mod support;
