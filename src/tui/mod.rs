//! The terminal editor (SPEC §3): a list of blocks, the form of the selected one,
//! validation as you type, undo/redo, save with a diff preview, guided creation.
//!
//! Layout of the code (STYLE habit 6): [`run`] is the only event loop and the only
//! place that touches the terminal or the file system; [`App::handle`] turns an
//! event into effects without I/O, so key scripts need no terminal; [`ui::render`]
//! draws from `&App`. Components (list, form, popups) own their keys and answer with
//! messages that only `App` applies. Keys are data ([`keys`]), so are texts
//! ([`strings`]).

mod app;
mod backend;
mod fields;
mod form;
mod form_view;
mod input;
pub mod keys;
mod list;
mod popup;
mod run;
mod strings;
mod summary;
mod text;
mod theme;
pub mod ui;

use std::path::PathBuf;

pub use app::{App, Effect, Event, Focus, Notice, Options, SaveResult};
pub use backend::Quiet;
pub use run::{Ended, RunOptions, perform, run};
pub use theme::Theme;

use crate::{save, session};

/// The demo configuration, built into the binary so `ossec-ar demo` works anywhere.
const DEMO_CONFIG: &str = include_str!("../../assets/demo/ossec.conf");

/// `ossec-ar demo`: the editor on a copy of the demo config in a new temporary
/// directory, which is kept (and named) on exit so the result can be looked at.
pub fn demo(opts: &RunOptions) -> anyhow::Result<(Ended, PathBuf)> {
    let dir = tempfile::Builder::new()
        .prefix("ossec-ar-demo-")
        .tempdir()?;
    let etc = dir.path().join("etc");
    std::fs::create_dir_all(&etc)?;
    let path = etc.join("ossec.conf");
    std::fs::write(&path, DEMO_CONFIG)?;
    let opts = RunOptions {
        path,
        ..opts.clone()
    };
    let ended = run(&opts)?;
    Ok((ended, dir.keep()))
}
