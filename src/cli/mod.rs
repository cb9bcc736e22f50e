//! The command line (docs/cli.md): argument parsing with clap, output, exit codes.
//!
//! Exit codes: 0 success (or warnings only), 1 errors found / edit refused, 2 I/O or
//! usage error. A closed pipe (`| head`) is not an error.

mod apply;
mod args;
mod check;
mod codes;
mod dist;
mod edit;
mod engine;
mod logs;
mod logtest;
mod output;
mod restore;
mod ruletest;
mod simulate;

use std::io::Write;

use clap::Parser;

use crate::model::BlockKind;

pub use args::{
    AddWhat, Args, Cmd, Common, EditArgs, EngineArgs, Format, LogtestArgs, RuletestArgs,
    SimulateArgs,
};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: errors found, or the edit was refused.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: unreadable input, I/O or usage error.
pub const EXIT_USAGE: i32 = 2;

/// An error that ends the command with a given exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// What went wrong, for stderr.
    pub message: String,
    /// The exit code.
    pub code: i32,
}

impl Failure {
    /// An I/O or usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }

    /// A refusal (exit 1).
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: EXIT_FINDINGS,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return EXIT_OK;
            }
            let code = e.downcast_ref::<Failure>().map_or(EXIT_USAGE, |f| f.code);
            let _ = writeln!(std::io::stderr(), "ossec-ar: {e:#}");
            code
        }
    }
}

fn run(args: &Args) -> anyhow::Result<i32> {
    let common = &args.common;
    match &args.command {
        Some(Cmd::Check { file }) => check::check(common, file),
        Some(Cmd::List { file }) => check::list(common, file),
        Some(Cmd::Explain { code }) => check::explain(common, code.as_deref()),
        Some(Cmd::Set {
            file,
            sel,
            assignments,
            edit,
        }) => edit::set(common, file, sel, assignments, edit),
        Some(Cmd::Unset {
            file,
            sel,
            fields,
            edit,
        }) => edit::unset(common, file, sel, fields, edit),
        Some(Cmd::Add { what }) => match what {
            AddWhat::Command {
                file,
                fields,
                edit,
                if_absent,
            } => edit::add(common, file, fields, edit, BlockKind::Command, *if_absent),
            AddWhat::Response {
                file,
                fields,
                edit,
                if_absent,
            } => edit::add(common, file, fields, edit, BlockKind::Response, *if_absent),
        },
        Some(Cmd::Rm { file, sel, edit }) => edit::rm(common, file, sel, edit),
        Some(Cmd::Simulate(sim)) => simulate::simulate(common, sim),
        Some(Cmd::Logtest(lt)) => logtest::logtest(common, lt),
        Some(Cmd::Ruletest(rt)) => ruletest::ruletest(common, rt),
        Some(Cmd::Apply { file, state, edit }) => apply::apply(common, file, state, edit),
        Some(Cmd::Restore {
            file,
            generation,
            edit,
        }) => restore::restore(common, file, *generation, edit),
        Some(Cmd::Completions { shell }) => dist::completions(*shell),
        Some(Cmd::Manpage) => dist::manpage(),
        Some(Cmd::Demo) => editor(common, None),
        Some(Cmd::Edit(words)) => match words.as_slice() {
            [file] => editor(common, Some(std::path::Path::new(file))),
            _ => Err(Failure::usage(format!(
                "unexpected arguments after the file: {}; put options before it (ossec-ar [OPTIONS] [FILE])",
                words[1..].iter().map(|w| w.to_string_lossy()).collect::<Vec<_>>().join(" ")
            ))
            .into()),
        },
        None => editor(common, Some(std::path::Path::new(DEFAULT_FILE))),
    }
}

/// The file the editor opens without a FILE argument (docs/cli.md).
const DEFAULT_FILE: &str = "/var/ossec/etc/ossec.conf";

/// The TUI on `file`, or on a copy of the demo config (docs/cli.md `ossec-ar [FILE]`,
/// `ossec-ar demo`).
fn editor(common: &Common, file: Option<&std::path::Path>) -> anyhow::Result<i32> {
    let opts = crate::tui::RunOptions {
        path: file.map(std::path::Path::to_path_buf).unwrap_or_default(),
        profile: output::profile(common),
        home: crate::load::readable_dir(&common.ossec_home),
        color: output::use_color(common.color),
        backup: true,
        rules: common.rules.clone(),
        decoders: Vec::new(),
    };
    if let Some(f) = file.filter(|f| !f.exists()) {
        // `ossec-ar chek` reaches here too: a bare word may be a mistyped command.
        let word = f.components().count() == 1 && f.extension().is_none();
        let hint = if word {
            " (nor a command: `ossec-ar --help` lists them)"
        } else {
            ""
        };
        return Err(
            Failure::usage(format!("cannot read {}: no such file{hint}", f.display())).into(),
        );
    }
    let ended = match file {
        Some(f) => {
            // One editor per file, for the whole session (released when it ends); what
            // the recovery of a killed save did is the editor's first notice.
            let (_lock, recovered) = output::edit_lock_recovering(f)?;
            crate::tui::run_with(&opts, recovered.map(|r| r.to_string()))?
        }
        None => {
            let (ended, dir) = crate::tui::demo(&opts)?;
            println!(
                "The demo copy is in {} with a sample log for l and L in the simulator, {} (remove it with: rm -r {})",
                dir.join("etc/ossec.conf").display(),
                dir.join("sample.log").display(),
                dir.display()
            );
            ended
        }
    };
    if ended == crate::tui::Ended::Signal {
        let _ = writeln!(std::io::stderr(), "{}", crate::tui::STOPPED_BY_SIGNAL);
        return Ok(EXIT_USAGE);
    }
    Ok(EXIT_OK)
}
