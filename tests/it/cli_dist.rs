//! What the packages ship besides the binary, through the real binary: `--version`
//! with the commit, `completions SHELL`, and the man page from the hidden `manpage`
//! command, checked against the clap definitions they are generated from.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;
use ossec_ar::cli::Args;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("spawn ossec-ar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every visible subcommand with the names that lead to it: `["check"]`,
/// `["add", "command"]`...
fn subcommands(
    cmd: &clap::Command,
    parents: &[String],
    out: &mut Vec<(Vec<String>, clap::Command)>,
) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut path = parents.to_vec();
        path.push(sub.get_name().to_owned());
        subcommands(sub, &path, out);
        out.push((path, sub.clone()));
    }
}

fn all_subcommands() -> Vec<(Vec<String>, clap::Command)> {
    let mut out = Vec::new();
    subcommands(&Args::command(), &[], &mut out);
    out
}

/// The page with roff's escaped hyphens read back as hyphens.
fn man_page() -> String {
    let o = run(&["manpage"]);
    assert_eq!(o.status.code(), Some(0));
    stdout(&o).replace("\\-", "-")
}

#[test]
fn the_man_page_has_a_section_and_the_flags_of_every_subcommand() {
    let page = man_page();
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    assert!(page.contains(".TH OSSEC-AR 1 "), "{page}");
    let subs = all_subcommands();
    assert!(subs.len() >= 11, "{}", subs.len());
    for (path, _) in &subs {
        let heading = format!(".SS \"ossec-ar {}\"", path.join(" "));
        assert!(page.contains(&heading), "no {heading} in the page");
    }
    let mut flags = 0;
    for cmd in std::iter::once(Args::command()).chain(subs.into_iter().map(|(_, c)| c)) {
        for long in cmd.get_arguments().filter_map(|a| a.get_long()) {
            assert!(
                page.contains(&format!("--{long}")),
                "--{long} not in the page"
            );
            flags += 1;
        }
    }
    assert!(flags >= 10, "{flags}");
    for code in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "NO_COLOR",
        "/var/ossec/etc/ossec.conf",
    ] {
        assert!(page.contains(code), "{code} not in the page");
    }
}

#[test]
fn the_manpage_command_is_hidden_from_help_and_from_the_page() {
    let help = stdout(&run(&["--help"]));
    assert!(help.contains("completions"), "{help}");
    assert!(!help.contains("manpage"), "{help}");
    assert!(!man_page().contains("ossec-ar manpage"));
}

#[test]
fn bash_completion_is_valid_bash_and_knows_every_subcommand() {
    let o = run(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    let script = stdout(&o);
    let mut bash = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn bash");
    bash.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write to bash");
    assert!(bash.wait().expect("bash -n").success());
    for (path, _) in all_subcommands() {
        let word = path.last().expect("a name");
        assert!(script.contains(word.as_str()), "{word} not completed");
    }
    assert!(script.contains("--dry-run") && script.contains("--ossec-home"));
    assert!(
        script.contains("complete -F _ossec__ar"),
        "no complete line"
    );
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_shell_is_a_usage_error() {
    for (shell, marker) in [
        ("zsh", "#compdef ossec-ar"),
        ("fish", "complete -c ossec-ar"),
        ("elvish", "ossec-ar"),
        ("powershell", "ossec-ar"),
    ] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        assert!(stdout(&o).contains(marker), "{shell}: {}", stdout(&o));
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

/// The commit HEAD names, when this is the project's own git checkout.
fn head_commit() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()?;
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    (Path::new(&top).canonicalize().ok()? == dir.canonicalize().ok()?)
        .then(|| git(&["rev-parse", "HEAD"]))
        .flatten()
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let line = stdout(&o);
    let plain = format!("ossec-ar {}", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&plain), "{line}");
    match head_commit() {
        Some(hash) => assert!(line.contains(&format!("(git {} ", &hash[..8])), "{line}"),
        None => {
            // CI runs on a clone: there the commit must be in the version.
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but no git checkout"
            );
            assert_eq!(line.trim(), plain);
        }
    }
}
