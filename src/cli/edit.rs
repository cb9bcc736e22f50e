//! `set`, `unset`, `add command`, `add response`, `rm` (SPEC §2): edits through a
//! [`Session`], the result validated against the file as read (SPEC §7: only errors
//! the edit adds block it), then the save pipeline of SPEC §4.
//!
//! stdout carries data (the diff, the JSON object); stderr carries messages.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::args::{Common, EditArgs, Format};
use super::output::{self, Loaded};
use super::{EXIT_OK, Failure};
use crate::model::{Diagnostic, Severity};
use crate::save::{self, SaveError, SaveOptions};
use crate::session::{EditError, EditOp, FieldProblem, Selector, Session};
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
    let mut ops = assignments
        .iter()
        .map(|a| {
            let (field, value) = assignment(a)?;
            Ok(EditOp::Set {
                sel: sel.clone(),
                field,
                value,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    // `command:NAME` selects by name: a rename must come after the other fields, or
    // they would look for a command that no longer exists.
    ops.sort_by_key(|op| matches!(op, EditOp::Set { field, .. } if field == "name"));
    run(common, file, ops, edit)
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
    let ops = fields
        .iter()
        .map(|f| EditOp::Unset {
            sel: sel.clone(),
            field: f.clone(),
        })
        .collect();
    run(common, file, ops, edit)
}

/// `add command|response FILE FIELD=VALUE...`: `op` builds the operation
/// (`EditOp::AddCommand` or `EditOp::AddResponse`) from the fields in order.
pub(super) fn add(
    common: &Common,
    file: &Path,
    fields: &[String],
    edit: &EditArgs,
    op: fn(Vec<(String, String)>) -> EditOp,
) -> anyhow::Result<i32> {
    let fields = fields
        .iter()
        .map(|a| assignment(a))
        .collect::<Result<_, _>>()?;
    run(common, file, vec![op(fields)], edit)
}

/// `rm FILE SEL`
pub(super) fn rm(common: &Common, file: &Path, sel: &str, edit: &EditArgs) -> anyhow::Result<i32> {
    let op = EditOp::Remove {
        sel: selector(sel)?,
        force: edit.force,
    };
    run(common, file, vec![op], edit)
}

fn selector(s: &str) -> Result<Selector, Failure> {
    s.parse()
        .map_err(|e: EditError| Failure::usage(e.to_string()))
}

fn assignment(a: &str) -> Result<(String, String), Failure> {
    a.split_once('=')
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .ok_or_else(|| Failure::usage(format!("expected FIELD=VALUE, got '{a}'")))
}

/// Refusals are exit 1; mistakes in the command line are exit 2 (SPEC §2).
fn edit_failure(e: EditError) -> Failure {
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
        let change = session.apply(op.clone()).map_err(edit_failure)?;
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

fn run(common: &Common, file: &Path, ops: Vec<EditOp>, edit: &EditArgs) -> anyhow::Result<i32> {
    let loaded = output::load(common, file)?;
    let original = Session::new(loaded.doc.source().to_string());
    let mut session = original.clone();
    let applied = match apply_all(&mut session, ops) {
        Ok(a) => a,
        Err(f) => {
            if common.format == Format::Json && f.code != super::EXIT_USAGE {
                print_json(json!({"changed": false, "written": false, "refused": f.message}))?;
            }
            return Err(f.into());
        }
    };
    if !session.is_modified() {
        return unchanged(common, file, &loaded);
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
    report.finish(common, &loaded, edit)
}

fn unchanged(common: &Common, file: &Path, loaded: &Loaded) -> anyhow::Result<i32> {
    match common.format {
        Format::Json => {
            let diags: Vec<Value> = loaded
                .diagnostics()
                .iter()
                .map(|d| output::diagnostic_json(&loaded.doc, d))
                .collect();
            print_json(
                json!({"changed": false, "written": false, "diff": "", "diagnostics": diags}),
            )?;
        }
        Format::Text => eprintln!("{}: nothing to change", file.display()),
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

fn print_json(v: Value) -> std::io::Result<()> {
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
    fn finish(&self, common: &Common, loaded: &Loaded, edit: &EditArgs) -> anyhow::Result<i32> {
        let diff = self.session.diff(&self.file.display().to_string());
        let blocked = !self.added.is_empty() || !self.problems.is_empty();
        let refusal = (blocked && !edit.force).then(|| self.refusal());
        if common.format == Format::Text {
            self.print_text(common, edit, &diff)?;
        }
        let result = match (&refusal, edit.dry_run) {
            (Some(msg), _) => Err(Failure::refused(msg.clone())),
            (None, true) => Ok(None),
            (None, false) => self.save(loaded, edit).map(Some),
        };
        if common.format == Format::Json {
            self.print_json(&diff, &result)?;
        } else if let Ok(done) = &result {
            self.print_done(done.as_ref());
            self.print_other(common)?;
        }
        result.map(|_| EXIT_OK).map_err(Into::into)
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
            write!(std::io::stdout().lock(), "{}", printable_diff(diff))?;
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

    fn save(&self, loaded: &Loaded, edit: &EditArgs) -> Result<save::SaveOutcome, Failure> {
        let opts = SaveOptions {
            no_backup: edit.no_backup,
            verify: edit.verify.clone(),
        };
        save::save(self.file, loaded.doc.source(), self.session.source(), &opts).map_err(
            |e| match e {
                SaveError::ChangedOnDisk { .. }
                | SaveError::Busy { .. }
                | SaveError::VerifyFailed { .. } => Failure::refused(format!("refused: {e}")),
                _ => Failure::usage(e.to_string()),
            },
        )
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
                let how = if o.in_place { " in place" } else { "" };
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
        let written = matches!(result, Ok(Some(_)));
        let backup = match result {
            Ok(Some(o)) => o.backup.as_ref().map(|b| b.display().to_string()),
            _ => None,
        };
        print_json(json!({
            "changed": result.is_ok(),
            "written": written,
            "diff": diff,
            "diagnostics": diags,
            "new_errors": added,
            "invalid_values": problems,
            "renamed_responses": self.renamed,
            "backup": backup,
            "refused": result.as_ref().err().map(|f| f.message.clone()),
        }))
    }
}
