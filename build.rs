//! Puts the commit into `ossec-ar --version` when the crate is built from its own git
//! checkout: `OSSEC_AR_VERSION` is `0.1.0 (git 1a2b3c4d 2026-12-03)` there, and the
//! plain package version everywhere else (a crates.io tarball, a copy without `.git`,
//! no git installed, git refusing the directory): never an error, never a warning.
//! `OSSEC_AR_DATE` is the commit date (empty without git), for the man page header.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    match commit(&manifest) {
        Some((hash, date)) => {
            println!("cargo:rustc-env=OSSEC_AR_VERSION={version} (git {hash} {date})");
            println!("cargo:rustc-env=OSSEC_AR_DATE={date}");
            watch_head(&manifest);
        }
        None => {
            println!("cargo:rustc-env=OSSEC_AR_VERSION={version}");
            println!("cargo:rustc-env=OSSEC_AR_DATE=");
        }
    }
}

/// The abbreviated hash and the commit date (YYYY-MM-DD) of HEAD, if `dir` is the top
/// of a git work tree. A crate unpacked inside some other repository (a vendored copy)
/// must not report that repository's commit, hence the top-level check.
fn commit(dir: &Path) -> Option<(String, String)> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let out = git(dir, &["log", "-1", "--format=%h %cs", "--abbrev=8"])?;
    let (hash, date) = out.split_once(' ')?;
    Some((hash.to_owned(), date.to_owned()))
}

/// Reruns this script when HEAD moves: a commit, a checkout, a fetch that repacks refs.
/// Only existing files are named (cargo reruns every build for a missing one); a
/// worktree keeps HEAD in its own git dir and the branch refs in the common one.
fn watch_head(dir: &Path) {
    let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) else {
        return;
    };
    let common = git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )
    .unwrap_or_else(|| git_dir.clone());
    let mut files = vec![
        Path::new(&git_dir).join("HEAD"),
        Path::new(&common).join("packed-refs"),
    ];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        files.push(Path::new(&common).join(branch));
    }
    for f in files.iter().filter(|f| f.is_file()) {
        println!("cargo:rerun-if-changed={}", f.display());
    }
}

/// The trimmed stdout of a successful `git ARGS` run in `dir`, or `None` (no git, not
/// a repository, any failure), with git's own messages silenced.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
