//! `restore FILE [N]`: puts backup generation N (1, the newest, by default) back
//! through the save pipeline (docs/ARCHITECTURE.md), so the content it replaces becomes the newest
//! backup in turn and the restore itself can be undone the same way.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::args::{Common, EditArgs, Format};
use super::{EXIT_OK, Failure};
use crate::save::{self, SaveOptions};

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
    let (from, old) = read_generation(file, generation)?;
    let opts = SaveOptions {
        no_backup: edit.no_backup,
        verify: edit.verify.clone(),
        backups: edit.backups,
        force: edit.force,
    };
    let outcome = match edit.dry_run {
        true => None,
        false => Some(
            save::save(file, &current, &old, &opts).map_err(|e| super::edit::save_failure(&e))?,
        ),
    };
    let done = Done {
        changed: old != current,
        written: outcome.as_ref().is_some_and(|o| o.written),
        from,
        backup: outcome.and_then(|o| o.backup),
    };
    done.print(common, file)?;
    Ok(EXIT_OK)
}

/// The path and text of backup `generation` of `file`.
fn read_generation(file: &Path, generation: usize) -> Result<(PathBuf, String), Failure> {
    let target = std::fs::canonicalize(file)
        .map_err(|e| Failure::usage(format!("cannot resolve {}: {e}", file.display())))?;
    let from = save::backup_generation(&target, generation);
    let old = crate::input::read(&from, crate::input::MAX_XML).map_err(|e| {
        Failure::usage(format!(
            "no backup {generation} of {}: cannot read {}: {e}",
            file.display(),
            from.display()
        ))
    })?;
    // Any bytes, as the configuration itself (docs/bytes.md).
    let old = crate::xml::bytes::decode(&old).into_owned();
    Ok((from, old))
}

/// What a restore did.
struct Done {
    changed: bool,
    written: bool,
    from: PathBuf,
    backup: Option<PathBuf>,
}

impl Done {
    fn print(&self, common: &Common, file: &Path) -> std::io::Result<()> {
        let from = self.from.display();
        let backup = self.backup.as_ref().map(|b| b.display().to_string());
        if common.format == Format::Json {
            let v = json!({"changed": self.changed, "written": self.written,
                           "restored_from": from.to_string(), "backup": backup});
            return writeln!(std::io::stdout().lock(), "{v}");
        }
        let name = file.display();
        if !self.changed {
            eprintln!("{name}: already holds {from}");
        } else if self.written {
            let kept = backup.map_or(String::new(), |b| format!(" (previous content in {b})"));
            eprintln!("{name}: restored from {from}{kept}");
        } else {
            eprintln!("{name}: would restore from {from} (dry run: nothing written)");
        }
        Ok(())
    }
}
