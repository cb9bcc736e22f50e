//! The terminal editor (docs/editor.md): a list of blocks, the form of the selected one,
//! validation as you type, undo/redo, save with a diff preview, guided creation.
//!
//! Layout of the code (docs/ARCHITECTURE.md "Habits" 6): [`run`] is the only event loop and
//! the only
//! place that touches the terminal or the file system; [`App::handle`] turns an
//! event into effects without I/O, so key scripts need no terminal; [`ui::render`]
//! draws from `&App`. Components (list, form, popups) own their keys and answer with
//! messages that only `App` applies. Keys are data ([`keys`]), so are texts
//! ([`strings`]).

mod ansi;
mod app;
mod backend;
mod caps;
mod document;
mod fields;
mod form;
mod form_view;
mod input;
mod jobs;
pub mod keys;
mod list;
mod matching;
mod msg;
mod pane;
mod popup;
mod probe;
mod rules_ui;
mod run;
mod shared;
mod sim;
mod sim_logs_view;
mod sim_view;
mod strings;
mod strings_logs;
mod strings_more;
mod summary;
mod text;
mod theme;
pub mod ui;

use std::path::PathBuf;

pub use ansi::Ansi;
pub use app::{App, Options};
pub use backend::Quiet;
pub use caps::{Caps, Colors};
pub use jobs::{JobEvent, pump};
pub use matching::{MatchAnswer, MatchJob, pump_matching};
pub use msg::{AppEvent, Effect, Focus, Notice, SaveResult};
pub(crate) use run::run_with;
pub use run::{Ended, RunOptions, perform, run};
pub(crate) use strings::STOPPED_BY_SIGNAL;
pub use theme::Theme;

use crate::{save, session};

/// The demo configuration, built into the binary so `ossec-ar demo` works anywhere.
const DEMO_CONFIG: &str = include_str!("../../assets/demo/ossec.conf");

/// The demo rules, built in too, under their file names (load order is by name).
const DEMO_RULES: &[(&str, &str)] = &[
    (
        "0010-demo-rules_config.xml",
        include_str!("../../assets/demo/rules/0010-demo-rules_config.xml"),
    ),
    (
        "0015-demo-ossec_rules.xml",
        include_str!("../../assets/demo/rules/0015-demo-ossec_rules.xml"),
    ),
    (
        "0095-demo-sshd_rules.xml",
        include_str!("../../assets/demo/rules/0095-demo-sshd_rules.xml"),
    ),
    (
        "0245-demo-web_rules.xml",
        include_str!("../../assets/demo/rules/0245-demo-web_rules.xml"),
    ),
    (
        "0580-demo-win-security_rules.xml",
        include_str!("../../assets/demo/rules/0580-demo-win-security_rules.xml"),
    ),
    (
        "local_rules.xml",
        include_str!("../../assets/demo/rules/local_rules.xml"),
    ),
];

/// The demo decoders (sshd, web access logs, active-response log), built in.
const DEMO_DECODERS: &str = include_str!("../../assets/demo/decoders/0010-demo-decoders.xml");

/// A short log for `l` and `L` in the demo (docs/logs.md): sshd and nginx lines.
pub const DEMO_SAMPLE_LOG: &str = include_str!("../../assets/demo/sample.log");

/// `ossec-ar demo`: the editor on a copy of the demo config and rules in a new
/// temporary directory, which is kept (and named) on exit so the result can be
/// looked at.
pub fn demo(opts: &RunOptions) -> anyhow::Result<(Ended, PathBuf)> {
    let dir = tempfile::Builder::new()
        .prefix("ossec-ar-demo-")
        .tempdir()?;
    let etc = dir.path().join("etc");
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&etc)?;
    std::fs::create_dir_all(&rules)?;
    let path = etc.join("ossec.conf");
    std::fs::write(&path, DEMO_CONFIG)?;
    for (name, text) in DEMO_RULES {
        std::fs::write(rules.join(name), text)?;
    }
    let decoders = dir.path().join("decoders");
    std::fs::create_dir_all(&decoders)?;
    std::fs::write(decoders.join("0010-demo-decoders.xml"), DEMO_DECODERS)?;
    std::fs::write(dir.path().join("sample.log"), DEMO_SAMPLE_LOG)?;
    let opts = RunOptions {
        path,
        rules: vec![rules],
        decoders: vec![decoders],
        ..opts.clone()
    };
    let greeting = strings::demo_greeting(&dir.path().join("sample.log").display().to_string());
    let ended = run::run_with(&opts, Some(greeting))?;
    Ok((ended, dir.keep()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_rule_file_is_built_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let built_in: Vec<&str> = DEMO_RULES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, built_in);
    }
}
