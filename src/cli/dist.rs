//! What the packages ship besides the binary: shell completions and the man page, both
//! generated from the clap definitions in `args.rs`, so a flag is written down once.
//!
//! The man page comes from a hidden `ossec-ar manpage` subcommand rather than a build
//! step: build.rs cannot see `args.rs` without `include!`-ing the CLI into the build
//! script (and compiling clap twice), while the binary always describes exactly the
//! flags it parses. `scripts/release` asks the binary it is about to package.

use std::io::{self, Write};

use clap::{Command, CommandFactory};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::{Args, DEFAULT_FILE, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

/// `ossec-ar completions SHELL`: the script on stdout.
pub(super) fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    // Into a buffer first: clap_complete panics on a failed write, and `| head` must
    // end quietly.
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "ossec-ar", &mut out);
    io::stdout().write_all(&out)?;
    Ok(EXIT_OK)
}

/// `ossec-ar manpage`: the roff source of ossec-ar(1) on stdout.
pub(super) fn manpage() -> anyhow::Result<i32> {
    io::stdout().write_all(&man_page()?)?;
    Ok(EXIT_OK)
}

/// One page for everything: the global options, then every visible subcommand (and
/// `add`'s own) with its synopsis and arguments, exit status, environment and files.
/// One page rather than one per subcommand because a server's user types
/// `man ossec-ar` and searches it.
fn man_page() -> io::Result<Vec<u8>> {
    // clap's `help` subcommand only repeats the page itself.
    let mut cmd = Args::command().disable_help_subcommand(true);
    cmd.build();
    let man = Man::new(cmd.clone())
        .title("OSSEC-AR")
        .source(concat!("ossec-ar ", env!("CARGO_PKG_VERSION")))
        .date(env!("OSSEC_AR_DATE"))
        .manual("User Commands");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.control("SS", ["ossec-ar [FILE]"]);
    roff.text([roman(format!(
        "The terminal editor on FILE (default {DEFAULT_FILE}). \
         Press ? in the editor for its keys."
    ))]);
    roff.to_writer(&mut out)?;
    commands(&mut out, &cmd)?;
    trailer().to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// A `.SS` subsection per visible subcommand of `parent`, recursively, with the
/// synopsis, description and arguments that clap_mangen renders for it (their `.SH`
/// headings become paragraph breaks, since they sit inside COMMANDS).
fn commands(out: &mut Vec<u8>, parent: &Command) -> io::Result<()> {
    for sub in parent.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        Roff::new().control("SS", [name]).to_writer(out)?;
        let man = Man::new(own_args_only(sub));
        let mut body = Vec::new();
        man.render_synopsis_section(&mut body)?;
        man.render_description_section(&mut body)?;
        man.render_options_section(&mut body)?;
        for line in body.split_inclusive(|&b| b == b'\n') {
            let heading = line.starts_with(b".SH ");
            out.extend_from_slice(if heading { b".PP\n" } else { line });
        }
        commands(out, sub)?;
    }
    Ok(())
}

/// `sub` with the global options (listed once, under OPTIONS) and `--help` hidden.
fn own_args_only(sub: &Command) -> Command {
    let inherited: Vec<String> = sub
        .get_arguments()
        .filter(|a| a.is_global_set() || a.get_id() == "help")
        .map(|a| a.get_id().to_string())
        .collect();
    inherited
        .iter()
        .fold(sub.clone(), |c, id| c.mut_arg(id, |a| a.hide(true)))
}

/// EXIT STATUS, ENVIRONMENT and FILES.
fn trailer() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (EXIT_OK, "success (warnings allowed)"),
        (EXIT_FINDINGS, "errors found, or the edit was refused"),
        (EXIT_USAGE, "unreadable input, I/O or usage error"),
    ] {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("NO_COLOR")]);
    roff.text([roman(
        "When set and not empty, --color auto prints no colour.",
    )]);
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([italic(DEFAULT_FILE)]);
    roff.text([roman("The configuration the editor opens without FILE.")]);
    roff.control("TP", []);
    roff.text([italic(".NAME.ossec-ar.bak")]);
    roff.text([roman(
        "The previous content of an edited file NAME, beside it (unless --no-backup).",
    )]);
    roff
}
