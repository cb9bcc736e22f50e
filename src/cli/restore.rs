//! `restore FILE [N]`: puts backup generation N (1, the newest, by default) back
//! through the save pipeline of SPEC §4, so the content it replaces becomes the newest
//! backup in turn and the restore itself can be undone the same way.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::args::{Common, EditArgs, Format};
use super::{EXIT_OK, Failure};
use crate::save::{self, SaveError, SaveOptions};

/// `restore FILE [N]`
pub(super) fn restore(
    common: &Common,
    file: &Path,
    generation: usize,
    edit: &EditArgs,
) -> anyhow::Result<i32> {
    if generation == 0 {
        return Err(Failure::usage("backup generations count from 1 (the newest)").into());
    }
    let _lock = match edit.dry_run {
        true => None,
        false => super::output::edit_lock(file)?,
    };
    let current = super::output::read_text(file)?;
    let target = std::fs::canonicalize(file)
        .map_err(|e| Failure::usage(format!("cannot resolve {}: {e}", file.display())))?;
    let from = save::backup_generation(&target, generation);
    let old = std::fs::read(&from).map_err(|e| {
        Failure::usage(format!(
            "no backup {generation} of {}: cannot read {}: {e}",
            file.display(),
            from.display()
        ))
    })?;
    let old = String::from_utf8(old)
        .map_err(|_| Failure::usage(format!("{} is not UTF-8 text", from.display())))?;
    let opts = SaveOptions {
        no_backup: edit.no_backup,
        verify: edit.verify.clone(),
        backups: edit.backups,
    };
    let outcome = if edit.dry_run {
        None
    } else {
        Some(
            save::save(file, &current, &old, &opts).map_err(|e| match e {
                SaveError::ChangedOnDisk { .. }
                | SaveError::Busy { .. }
                | SaveError::VerifyFailed { .. } => Failure::refused(format!("refused: {e}")),
                _ => Failure::usage(e.to_string()),
            })?,
        )
    };
    let changed = old != current;
    let written = outcome.as_ref().is_some_and(|o| o.written);
    let backup = outcome
        .and_then(|o| o.backup)
        .map(|b| b.display().to_string());
    match common.format {
        Format::Json => writeln!(
            std::io::stdout().lock(),
            "{}",
            json!({"changed": changed, "written": written, "restored_from": from.display().to_string(), "backup": backup})
        )?,
        Format::Text if !changed => {
            eprintln!("{}: already holds {}", file.display(), from.display())
        }
        Format::Text => {
            let kept = backup.map_or(String::new(), |b| format!(" (previous content in {b})"));
            let how = if written {
                "restored"
            } else {
                "would restore (dry run: nothing written)"
            };
            eprintln!("{}: {how} from {}{kept}", file.display(), from.display());
        }
    }
    Ok(EXIT_OK)
}
