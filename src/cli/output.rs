//! Shared output: loading a file, compiler-style diagnostics, colour, JSON.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::Failure;
use super::args::{ColorArg, Common, ProfileArg};
use crate::model::{Config, Diagnostic, Profile, Severity};
use crate::validate::{self, Context};
use crate::xml::{self, Document};

/// A file read, parsed and lowered, with the options that apply to it.
pub(crate) struct Loaded {
    /// The parsed document.
    pub(crate) doc: Document,
    /// The typed view.
    pub(crate) config: Config,
    /// The profile in force.
    pub(crate) profile: Profile,
    /// `--ossec-home`, when it is a readable directory.
    pub(crate) home: Option<PathBuf>,
}

impl Loaded {
    /// Runs the validator.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        validate::check(&Context::new(
            &self.doc,
            &self.config,
            self.profile,
            self.home.as_deref(),
        ))
    }
}

/// Reads a configuration file as UTF-8 text; unreadable input is a usage failure
/// (exit 2) with a message that names the file and the reason.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    crate::load::read_text(path).map_err(|e| Failure::usage(e.to_string()))
}

/// Takes the editor's lock of `file` (a separate hidden lock file, `save::lock`) for
/// a read-modify-write or an editing session: another ossec-ar editing the file is a
/// refusal (exit 1) that says who and what to do. `None` when there is no lock to take
/// (the file cannot be resolved, which reading then reports, or no lock file can be
/// made beside it). Holding it, puts back a file that a killed in-place save left
/// half-written, and says so on stderr.
/// While it is held, SIGTERM, SIGHUP and SIGINT remove the lock file before the
/// process ends (saves are atomic, journalled in place: a kill leaves no half-written
/// file, and the lock file would only be stale).
pub(crate) fn edit_lock(file: &Path) -> Result<Option<crate::save::lock::EditLock>, Failure> {
    let (lock, recovered) = edit_lock_recovering(file)?;
    if let Some(done) = recovered {
        eprintln!("ossec-ar: {done}");
    }
    if lock.is_some() {
        release_lock_on_signals();
    }
    Ok(lock)
}

/// Once per process: a thread that waits for SIGTERM, SIGHUP or SIGINT, removes the
/// lock files held (`exit` runs no destructors) and ends with exit code 2.
fn release_lock_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
            return;
        };
        std::thread::spawn(move || {
            if signals.forever().next().is_some() {
                crate::save::lock::release_all();
                let _ = writeln!(std::io::stderr(), "ossec-ar: stopped by a signal");
                std::process::exit(super::EXIT_USAGE);
            }
        });
    });
}

/// [`edit_lock`], returning what the recovery did instead of printing it (the editor
/// shows it in its status line).
pub(crate) fn edit_lock_recovering(
    file: &Path,
) -> Result<
    (
        Option<crate::save::lock::EditLock>,
        Option<crate::save::Recovered>,
    ),
    Failure,
> {
    let Ok(target) = std::fs::canonicalize(file) else {
        return Ok((None, None));
    };
    let lock = crate::save::lock::acquire(&target).map_err(|e| match e {
        crate::save::lock::LockError::Held { .. } => Failure::refused(format!("refused: {e}")),
        crate::save::lock::LockError::Io { .. } => Failure::usage(e.to_string()),
    })?;
    // Under the lock, before the read: a save killed while rewriting the file in place
    // left a journal, and the file goes back to its previous content (save::recover).
    let recovered = match lock {
        Some(_) => crate::save::recover(&target).map_err(|e| Failure::usage(e.to_string()))?,
        None => None,
    };
    Ok((lock, recovered))
}

/// Reads, parses and lowers `path` with the common options.
pub(crate) fn load(common: &Common, path: &Path) -> Result<Loaded, Failure> {
    let text = read_text(path)?;
    let doc = xml::parse(&text);
    let config = Config::from_document(&doc);
    let home = crate::load::readable_dir(&common.ossec_home);
    Ok(Loaded {
        doc,
        config,
        profile: profile(common),
        home,
    })
}

/// `--profile`, or `ossec` when `--ossec-home` holds an OSSEC install (docs/cli.md).
pub(crate) fn profile(common: &Common) -> Profile {
    match common.profile {
        Some(ProfileArg::Wazuh) => Profile::Wazuh,
        Some(ProfileArg::Ossec) => Profile::Ossec,
        None => {
            let bin = common.ossec_home.join("bin");
            if bin.join("ossec-analysisd").exists() && !bin.join("wazuh-analysisd").exists() {
                Profile::Ossec
            } else {
                Profile::Wazuh
            }
        }
    }
}

/// Should stdout be coloured?
pub(crate) fn use_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Replaces control characters so that file contents never drive the terminal, and
/// shows a byte that is not UTF-8 as `\xNN` (docs/bytes.md).
pub(crate) fn escape_controls(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => "\t".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => match crate::xml::bytes::raw_byte(c) {
                Some(b) => format!("\\x{b:02X}"),
                None => c.to_string(),
            },
        })
        .collect()
}

/// The blanks under `text` up to file column `col` (1-based, in the file's bytes),
/// as wide as [`escape_controls`] shows each character.
fn caret_prefix(text: &str, col: usize) -> String {
    let mut width = 0;
    let mut out = String::new();
    for c in text.chars() {
        if width + 1 >= col {
            break;
        }
        match (c, crate::xml::bytes::raw_byte(c)) {
            ('\t', _) => out.push('\t'),
            (_, Some(_)) => out.push_str("    "),
            (c, None) if c.is_control() => out.push_str(&" ".repeat(c.escape_default().count())),
            _ => out.push(' '),
        }
        width += crate::xml::bytes::raw_byte(c).map_or(c.len_utf8(), |_| 1);
    }
    out
}

/// `file:line:col: severity[code]: message`, optionally followed by the source line
/// and a caret (docs/cli.md "Diagnostics").
pub(crate) fn write_diagnostic(
    w: &mut impl Write,
    file: &Path,
    doc: &Document,
    d: &Diagnostic,
    with_source: bool,
    color: bool,
) -> std::io::Result<()> {
    let (line, col) = doc.line_col(d.offset);
    let sev = match d.severity {
        Severity::Error => paint(color, "1;31", "error"),
        Severity::Warning => paint(color, "1;33", "warning"),
        Severity::Note => paint(color, "1;36", "note"),
    };
    let head = paint(color, "1", &format!("{}:{line}:{col}:", file.display()));
    writeln!(
        w,
        "{head} {sev}[{}]: {}",
        d.code,
        escape_controls(&d.message)
    )?;
    if with_source {
        let text = doc.line_text(line).trim_start_matches('\u{feff}');
        let (shown, col) = source_window(text, col);
        let prefix = caret_prefix(&shown, col);
        let gutter = line.to_string().len();
        writeln!(w, "{:gutter$} |", "")?;
        writeln!(w, "{line} | {}", escape_controls(&shown))?;
        writeln!(w, "{:gutter$} | {prefix}{}", "", paint(color, "1;32", "^"))?;
    }
    Ok(())
}

/// Widest source line shown under a diagnostic, in bytes: a longer one is cut around
/// the column with `...` at each cut end, as compilers do (a whole 4 MB line under
/// each of its diagnostics made `check` output quadratic).
const SOURCE_WIDTH: usize = 120;

/// The part of `text` shown for 1-based byte column `col`, and the column in it.
fn source_window(text: &str, col: usize) -> (String, usize) {
    if text.len() <= SOURCE_WIDTH {
        return (text.to_string(), col);
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let at = col.saturating_sub(1).min(text.len());
    let start = floor(at.saturating_sub(SOURCE_WIDTH / 2));
    let end = floor(start + SOURCE_WIDTH);
    let (lead, tail) = (
        if start > 0 { "..." } else { "" },
        if end < text.len() { "..." } else { "" },
    );
    let shown = format!("{lead}{}{tail}", &text[start..end]);
    (shown, at - start + lead.len() + 1)
}

/// A diagnostic as the JSON object of docs/cli.md "Diagnostics".
pub(crate) fn diagnostic_json(doc: &Document, d: &Diagnostic) -> Value {
    let (line, column) = doc.line_col(d.offset);
    json!({
        "severity": d.severity,
        "code": d.code,
        "message": crate::xml::bytes::escape_raw(&d.message),
        "line": line,
        "column": column,
        "block": d.block,
    })
}

/// A problem of a rule, decoder or list file in JSON (docs/cli.md "Diagnostics"): the
/// keys of a diagnostic, with the file it is in and no block; `line` and `column` are
/// null when the problem concerns the whole file.
pub(crate) fn problem_json(p: &crate::rules::Problem) -> Value {
    let (line, column) = p.position.unzip();
    json!({
        "file": p.file.display().to_string(),
        "severity": p.severity,
        "code": p.code.code,
        "message": crate::xml::bytes::escape_raw(&p.message),
        "line": line,
        "column": column,
    })
}

/// Counts of errors, warnings and notes.
pub(crate) fn counts(diags: &[Diagnostic]) -> (usize, usize, usize) {
    let n = |s| diags.iter().filter(|d| d.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Note))
}

/// "2 errors, 1 warning" style.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
