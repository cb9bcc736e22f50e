//! `set`, `unset`, `add command`, `add response`, `rm` (docs/cli.md): edits through a
//! [`Session`], the result validated against the file as read (docs/choices.md: only errors
//! the edit adds block it), then the save pipeline of docs/editor.md "Saving".
//!
//! stdout carries data (the diff, the JSON object); stderr carries messages.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::args::{Common, EditArgs, Format};
use super::output::{self, Loaded};
use super::{EXIT_OK, Failure};
use crate::model::{BlockKind, Diagnostic, Field, Profile, Severity};
use crate::save::{self, SaveError, SaveOptions};
use crate::session::{EditError, EditOp, FieldProblem, Selector, Session, parse_fields};
use crate::validate;

/// `set FILE SEL FIELD=VALUE...`
pub(super) fn set(
    common: &Common,
    file: &Path,
    sel: &str,
    assignments: &[String],
    edit: &EditArgs,
) -> anyhow::Result<i32> {
    let sel = selector(sel)?;
    let assignments = assignments
        .iter()
        .map(|a| assignment(a))
        .collect::<Result<Vec<_>, Failure>>()?;
    run(common, file, edit, |session, _| {
        let mut ops = Vec::new();
        for target in targets(session, &sel, edit.all)? {
            for (name, value) in &assignments {
                ops.push(EditOp::Set {
                    sel: target.clone(),
                    field: field(&sel, name)?,
                    value: value.clone(),
                });
            }
        }
        Ok(Plan::Ops(ops))
    })
}

/// `unset FILE SEL FIELD...`
pub(super) fn unset(
    common: &Common,
    file: &Path,
    sel: &str,
    fields: &[String],
    edit: &EditArgs,
) -> anyhow::Result<i32> {
    let sel = selector(sel)?;
    run(common, file, edit, |session, _| {
        let mut ops = Vec::new();
        for target in targets(session, &sel, edit.all)? {
            for name in fields {
                ops.push(EditOp::Unset {
                    sel: target.clone(),
                    field: field(&sel, name)?,
                });
            }
        }
        Ok(Plan::Ops(ops))
    })
}

/// `add command|response FILE FIELD=VALUE...`: `op` builds the operation
/// (`EditOp::AddCommand` or `EditOp::AddResponse`) from the fields in order. With
/// `if_absent`, nothing changes when a block with the same identity exists.
pub(super) fn add(
    common: &Common,
    file: &Path,
    fields: &[String],
    edit: &EditArgs,
    kind: BlockKind,
    if_absent: bool,
) -> anyhow::Result<i32> {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|a| assignment(a))
        .collect::<Result<_, _>>()?;
    run(common, file, edit, |session, profile| {
        let fields = parse_fields(kind, &fields).map_err(|e| edit_failure(&e))?;
        let op = match kind {
            BlockKind::Command => EditOp::AddCommand(fields),
            BlockKind::Response => EditOp::AddResponse(fields),
        };
        if if_absent && let Some(sel) = session.existing(&op, profile) {
            return Ok(Plan::Nothing(format!(
                "{} already exists: nothing to add",
                shown(&sel)
            )));
        }
        Ok(Plan::Ops(vec![op]))
    })
}

/// `rm FILE SEL`: a content or name selector that matches nothing has nothing to
/// remove (exit 0), so that running the same `rm` twice succeeds twice.
pub(super) fn rm(common: &Common, file: &Path, sel: &str, edit: &EditArgs) -> anyhow::Result<i32> {
    let sel = selector(sel)?;
    run(common, file, edit, |session, _| {
        let by_content = matches!(sel, Selector::Match(_) | Selector::Command(_));
        let mut found = match session.select(&sel) {
            Err(EditError::NoMatch { .. }) if by_content => Vec::new(),
            other => several(&sel, other, edit.all)?,
        };
        if found.is_empty() {
            return Ok(Plan::Nothing("nothing to remove".to_string()));
        }
        // Last first: removing a block renumbers the blocks after it.
        found.reverse();
        Ok(Plan::Ops(
            found
                .into_iter()
                .map(|sel| EditOp::Remove {
                    sel,
                    force: edit.force,
                })
                .collect(),
        ))
    })
}

/// A block by position as messages show it: `response #2`, `command #1`.
fn shown(sel: &Selector) -> String {
    match sel {
        Selector::Response(i) => format!("response #{i}"),
        Selector::CommandAt(i) => format!("command #{i}"),
        other => other.to_string(),
    }
}

/// What an edit command will do, decided on the file as read.
pub(super) enum Plan {
    /// These edits, in order.
    Ops(Vec<EditOp>),
    /// Nothing (the file already is as asked); the reason, for stderr.
    Nothing(String),
}

/// The blocks `sel` names, by position: one, or with `all` every block a content
/// selector matches; none is a refusal.
fn targets(session: &Session, sel: &Selector, all: bool) -> Result<Vec<Selector>, Failure> {
    let found = several(sel, session.select(sel), all)?;
    if found.is_empty() {
        return Err(edit_failure(&EditError::NoMatch {
            sel: sel.clone(),
            found: "no block has these values".to_string(),
        }));
    }
    Ok(found)
}

/// Refuses a selection of several blocks unless `all`.
fn several(
    sel: &Selector,
    found: Result<Vec<Selector>, EditError>,
    all: bool,
) -> Result<Vec<Selector>, Failure> {
    let found = found.map_err(|e| edit_failure(&e))?;
    if found.len() > 1 && !all {
        let indexes = found
            .iter()
            .map(|s| match s {
                Selector::Response(i) | Selector::CommandAt(i) => *i,
                _ => 0,
            })
            .collect();
        let kind = match found.first() {
            Some(Selector::Response(_)) => "response",
            _ => "command",
        };
        return Err(edit_failure(&EditError::Several {
            sel: sel.clone(),
            kind,
            indexes,
        }));
    }
    Ok(found)
}

fn selector(s: &str) -> Result<Selector, Failure> {
    s.parse()
        .map_err(|e: EditError| Failure::usage(e.to_string()))
}

/// A field the user names, of the kind of block `sel` selects.
fn field(sel: &Selector, name: &str) -> Result<Field, Failure> {
    Field::parse(sel.kind(), name).map_err(|e| edit_failure(&e.into()))
}

fn assignment(a: &str) -> Result<(String, String), Failure> {
    a.split_once('=')
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .ok_or_else(|| Failure::usage(format!("expected FIELD=VALUE, got '{a}'")))
}

/// Refusals are exit 1; mistakes in the command line are exit 2 (docs/cli.md).
pub(super) fn edit_failure(e: &EditError) -> Failure {
    match e {
        EditError::BadSelector(_)
        | EditError::UnknownField { .. }
        | EditError::DuplicateField(_)
        | EditError::MissingField { .. } => Failure::usage(e.to_string()),
        _ => Failure::refused(format!("refused: {e}")),
    }
}

/// What the edits did, before validation.
#[derive(Default)]
struct Applied {
    problems: Vec<FieldProblem>,
    touched: Vec<Selector>,
    renamed: Vec<usize>,
}

fn apply_all(session: &mut Session, ops: Vec<EditOp>) -> Result<Applied, Failure> {
    let mut done = Applied::default();
    for op in ops {
        done.problems.extend(session.problems(&op));
        let change = session.apply(op.clone()).map_err(|e| edit_failure(&e))?;
        done.renamed.extend(change.renamed_responses);
        match (&op, change.inserted) {
            (EditOp::Set { sel, .. } | EditOp::Unset { sel, .. }, _) => {
                done.touched.push(sel.clone())
            }
            (_, Some(Selector::Response(at))) => done.touched.push(Selector::Response(at)),
            _ => {}
        }
    }
    Ok(done)
}

/// Cross-field problems of the blocks the edit touched that the file did not have.
fn new_block_problems(
    original: &Session,
    session: &Session,
    touched: &[Selector],
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    for sel in touched {
        let had = original.block_problems(sel);
        out.extend(
            session
                .block_problems(sel)
                .into_iter()
                .filter(|p| !had.contains(p)),
        );
    }
    out
}

/// How many times an edit is done again when another program changed the file
/// between its read and its write (docs/ARCHITECTURE.md "Two writers").
const ATTEMPTS: u32 = 5;

/// Loads the file, asks `plan` what to do on it, applies, validates and saves. When
/// the file changed on disk between the read and the write, the edit (a function of
/// the content) is done again on the new content, up to [`ATTEMPTS`] times, so the
/// other writer's change is never lost nor overwritten.
pub(super) fn run(
    common: &Common,
    file: &Path,
    edit: &EditArgs,
    plan: impl Fn(&Session, Profile) -> Result<Plan, Failure>,
) -> anyhow::Result<i32> {
    // Held from the read to the write: no other ossec-ar edits in between. A dry run
    // writes nothing and needs none.
    let _lock = match edit.dry_run {
        true => None,
        false => output::edit_lock(file).or_else(|f| refused(common, f))?,
    };
    let mut attempt = 1;
    loop {
        if let Some(code) = run_once(common, file, edit, &plan, attempt)? {
            return Ok(code);
        }
        eprintln!(
            "{}: changed on disk since it was read; doing the edit again on the new content",
            file.display()
        );
        attempt += 1;
    }
}

/// One read-modify-write; `None` when the file changed on disk before the write and
/// another attempt is allowed (nothing was written or printed).
fn run_once(
    common: &Common,
    file: &Path,
    edit: &EditArgs,
    plan: &impl Fn(&Session, Profile) -> Result<Plan, Failure>,
    attempt: u32,
) -> anyhow::Result<Option<i32>> {
    let loaded = output::load(common, file)?;
    let original = Session::new(loaded.doc.source().to_string());
    let mut session = original.clone();
    let planned = plan(&original, loaded.profile).and_then(|p| match p {
        Plan::Ops(ops) => apply_all(&mut session, ops).map(Ok),
        Plan::Nothing(why) => Ok(Err(why)),
    });
    let applied = match planned {
        Ok(Ok(a)) => a,
        Ok(Err(why)) => return unchanged(common, file, &loaded, Some(&why)).map(Some),
        Err(f) => return refused(common, f),
    };
    if !session.is_modified() {
        return unchanged(common, file, &loaded, None).map(Some);
    }
    let mut problems = applied.problems;
    problems.extend(new_block_problems(&original, &session, &applied.touched));
    let before = loaded.diagnostics();
    let after = validate::check_source(session.source(), loaded.profile, loaded.home.as_deref());
    let added = session.new_errors(&before, &after);
    let other: Vec<&Diagnostic> = session
        .new_findings(&before, &after)
        .into_iter()
        .filter(|d| d.severity != Severity::Error)
        .collect();
    let report = Report {
        file,
        session: &session,
        after: &after,
        added: &added,
        other: &other,
        problems: &problems,
        renamed: &applied.renamed,
    };
    report.finish(common, &loaded, edit, attempt < ATTEMPTS)
}

/// Ends with a refusal (or a usage error), which JSON output reports on stdout too.
fn refused<T>(common: &Common, f: Failure) -> anyhow::Result<T> {
    if common.format == Format::Json && f.code != super::EXIT_USAGE {
        print_json(&result_json(&EditResult {
            refused: Some(f.message.clone()),
            ..EditResult::default()
        }))?;
    }
    Err(f.into())
}

/// Nothing to write: the file is left alone (not even opened for writing).
fn unchanged(
    common: &Common,
    file: &Path,
    loaded: &Loaded,
    why: Option<&str>,
) -> anyhow::Result<i32> {
    match common.format {
        Format::Json => {
            let diags: Vec<Value> = loaded
                .diagnostics()
                .iter()
                .map(|d| output::diagnostic_json(&loaded.doc, d))
                .collect();
            print_json(&result_json(&EditResult {
                diagnostics: diags,
                ..EditResult::default()
            }))?;
        }
        Format::Text => eprintln!("{}: {}", file.display(), why.unwrap_or("nothing to change")),
    }
    Ok(EXIT_OK)
}

/// The diff as is (so that `patch` can apply it), except control characters other
/// than line ends and tabs, which could drive the terminal.
fn printable_diff(diff: &str) -> String {
    diff.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn print_json(v: &Value) -> std::io::Result<()> {
    writeln!(std::io::stdout().lock(), "{v}")
}

/// The result of an edit, ready to be refused, shown or written.
struct Report<'a> {
    file: &'a Path,
    session: &'a Session,
    after: &'a [Diagnostic],
    added: &'a [&'a Diagnostic],
    /// The warnings and notes the edits add, shown after the outcome.
    other: &'a [&'a Diagnostic],
    problems: &'a [FieldProblem],
    renamed: &'a [usize],
}

impl Report<'_> {
    /// Saves (unless refused or a dry run), then prints; `None` when the file changed
    /// on disk and `may_retry`: nothing written, nothing printed, the caller redoes it.
    fn finish(
        &self,
        common: &Common,
        loaded: &Loaded,
        edit: &EditArgs,
        may_retry: bool,
    ) -> anyhow::Result<Option<i32>> {
        let diff = self.session.diff(&self.file.display().to_string());
        let blocked = !self.added.is_empty() || !self.problems.is_empty();
        let refusal = (blocked && !edit.force).then(|| self.refusal());
        let result = match (&refusal, edit.dry_run) {
            (Some(msg), _) => Err(Failure::refused(msg.clone())),
            (None, true) => Ok(None),
            (None, false) => match self.save(loaded, edit) {
                Err(SaveError::ChangedOnDisk { .. }) if may_retry => return Ok(None),
                other => other.map(Some).map_err(|e| save_failure(&e)),
            },
        };
        if common.format == Format::Text {
            self.print_text(common, edit, &diff)?;
        }
        if common.format == Format::Json {
            self.print_json(&diff, &result)?;
        } else if let Ok(done) = &result {
            self.print_done(done.as_ref());
            self.print_other(common)?;
        }
        result.map(|_| Some(EXIT_OK)).map_err(Into::into)
    }

    fn refusal(&self) -> String {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(output::plural(self.added.len(), "new error"));
        }
        if !self.problems.is_empty() {
            parts.push(output::plural(self.problems.len(), "invalid value"));
        }
        format!(
            "refused: the edit would add {}; nothing written (--force writes anyway)",
            parts.join(" and ")
        )
    }

    fn print_text(&self, common: &Common, edit: &EditArgs, diff: &str) -> std::io::Result<()> {
        if edit.diff {
            // The file's own bytes, so that `patch` applies it (docs/bytes.md).
            let text = printable_diff(diff);
            std::io::stdout()
                .lock()
                .write_all(&crate::xml::bytes::encode(&text))?;
        }
        let mut err = std::io::stderr().lock();
        let color = output::use_color(common.color);
        for d in self.added {
            output::write_diagnostic(&mut err, self.file, self.session.doc(), d, true, color)?;
        }
        for p in self.problems {
            let shown = output::escape_controls(&p.to_string());
            writeln!(err, "{}: invalid value: {shown}", self.file.display())?;
        }
        Ok(())
    }

    /// The warnings and notes the edit adds, compiler style without the source line.
    fn print_other(&self, common: &Common) -> std::io::Result<()> {
        let mut err = std::io::stderr().lock();
        let color = output::use_color(common.color);
        for d in self.other {
            output::write_diagnostic(&mut err, self.file, self.session.doc(), d, false, color)?;
        }
        Ok(())
    }

    fn save(&self, loaded: &Loaded, edit: &EditArgs) -> Result<save::SaveOutcome, SaveError> {
        let opts = SaveOptions {
            no_backup: edit.no_backup,
            verify: edit.verify.clone(),
            backups: edit.backups,
            force: edit.force,
        };
        before_save_hook(self.file);
        save::save(self.file, loaded.doc.source(), self.session.source(), &opts)
    }

    fn print_done(&self, done: Option<&save::SaveOutcome>) {
        let name = self.file.display();
        if !self.renamed.is_empty() {
            let list: Vec<String> = self.renamed.iter().map(|i| format!("#{i}")).collect();
            eprintln!(
                "{name}: renamed the command in response {}",
                list.join(", ")
            );
        }
        match done {
            None => eprintln!("{name}: would change (dry run: nothing written)"),
            Some(o) => {
                let how = o
                    .in_place
                    .as_ref()
                    .map_or(String::new(), |why| format!(" in place ({why})"));
                let backup = o.backup.as_ref().map_or(String::new(), |b| {
                    format!(" (previous content in {})", b.display())
                });
                eprintln!("{name}: written{how}{backup}");
            }
        }
    }

    fn print_json(
        &self,
        diff: &str,
        result: &Result<Option<save::SaveOutcome>, Failure>,
    ) -> std::io::Result<()> {
        let doc = self.session.doc();
        let diags: Vec<Value> = self
            .after
            .iter()
            .map(|d| output::diagnostic_json(doc, d))
            .collect();
        let added: Vec<Value> = self
            .added
            .iter()
            .map(|d| output::diagnostic_json(doc, d))
            .collect();
        let problems: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        print_json(&result_json(&EditResult {
            changed: result.is_ok(),
            written: matches!(result, Ok(Some(_))),
            diff: crate::xml::bytes::escape_raw(diff).into_owned(),
            diagnostics: diags,
            new_errors: added,
            invalid_values: problems,
            renamed_responses: self.renamed.to_vec(),
            backup: match result {
                Ok(Some(o)) => o.backup.as_ref().map(|b| b.display().to_string()),
                _ => None,
            },
            in_place: match result {
                Ok(Some(o)) => o.in_place.as_ref().map(ToString::to_string),
                _ => None,
            },
            refused: result.as_ref().err().map(|f| f.message.clone()),
        }))
    }
}

/// A save that failed: refused (exit 1: another writer, read-only, a failed verify)
/// or an I/O error (exit 2).
pub(super) fn save_failure(e: &SaveError) -> Failure {
    match e {
        SaveError::ChangedOnDisk { .. }
        | SaveError::Busy { .. }
        | SaveError::ReadOnly { .. }
        | SaveError::VerifyFailed { .. } => Failure::refused(format!("refused: {e}")),
        _ => Failure::usage(e.to_string()),
    }
}

/// Debug builds only: runs `OSSEC_AR_BEFORE_SAVE` (a shell command) just before each
/// save, with `OSSEC_AR_FILE` set to the file, so tests can play another program that
/// writes the file between the CLI's read and its write.
#[cfg(debug_assertions)]
fn before_save_hook(file: &Path) {
    if let Ok(cmd) = std::env::var("OSSEC_AR_BEFORE_SAVE") {
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .env("OSSEC_AR_FILE", file)
            .status();
    }
}

/// Release builds have no test hook.
#[cfg(not(debug_assertions))]
fn before_save_hook(_file: &Path) {}

/// Everything an edit reports in JSON. Every edit prints all of these keys, whether
/// it changed something, changed nothing or was refused (README "JSON"), so that a
/// consumer can index them without checking.
#[derive(Default)]
struct EditResult {
    changed: bool,
    written: bool,
    diff: String,
    diagnostics: Vec<Value>,
    new_errors: Vec<Value>,
    invalid_values: Vec<String>,
    renamed_responses: Vec<usize>,
    backup: Option<String>,
    in_place: Option<String>,
    refused: Option<String>,
}

fn result_json(r: &EditResult) -> Value {
    json!({
        "changed": r.changed,
        "written": r.written,
        "diff": r.diff,
        "diagnostics": r.diagnostics,
        "new_errors": r.new_errors,
        "invalid_values": r.invalid_values,
        "renamed_responses": r.renamed_responses,
        "backup": r.backup,
        "in_place": r.in_place,
        "refused": r.refused,
    })
}
