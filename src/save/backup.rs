//! Hidden backups in generations (`.NAME.ossec-ar.bak`, `.bak.2`, …), written in two
//! steps: the new backup is made complete under a temporary name first, and only once
//! the save has succeeded are the generations moved and it put in place
//! (docs/ARCHITECTURE.md "Saving"). A save that fails leaves every backup as it was.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::meta::Which;
use super::temp::{HiddenTemp, sync_dir};
use super::{Original, SaveError, io_err};

/// The hidden backup path of a file: `.NAME.ossec-ar.bak` beside it.
pub fn backup_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.ossec-ar.bak"))
}

/// The hidden backup of generation `n` (1: the newest, `.NAME.ossec-ar.bak`; then
/// `.NAME.ossec-ar.bak.2`, …).
pub fn backup_generation(target: &Path, n: usize) -> PathBuf {
    let newest = backup_path(target);
    if n <= 1 {
        return newest;
    }
    let mut name = newest.into_os_string();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// A backup written and synced under a hidden temporary name, not yet in place:
/// dropping it (the save failed) removes it and leaves the older backups alone.
pub(super) struct PendingBackup {
    tmp: HiddenTemp,
    keep: usize,
}

/// Writes the previous content to a hidden temporary file. Root gives it the
/// original's owner, group, mode and all its extended attributes (ACL included);
/// anyone else keeps it private: owned by whoever saves, mode 0600, no ACL (the other
/// attributes are kept where permitted), whatever the original's group and mode.
pub(super) fn prepare(
    orig: &Original,
    bytes: &[u8],
    keep: usize,
) -> Result<PendingBackup, SaveError> {
    let mut tmp = HiddenTemp::create(&orig.dir, &orig.name)?;
    tmp.write_synced(bytes)?;
    // A new file is owned by whoever creates it: uid 0 is root.
    let root = tmp.file().metadata().is_ok_and(|m| m.uid() == 0);
    let owner_kept = root && tmp.copy_owner(orig.uid, orig.gid).is_ok();
    let (which, mode) = match owner_kept {
        true => (Which::All, orig.mode),
        false => (Which::NoAcl, 0o600),
    };
    // Best effort: a backup without a `security.*` label is still the content.
    let _ = orig.xattrs.apply(tmp.file(), which);
    tmp.set_mode(mode)?;
    Ok(PendingBackup { tmp, keep })
}

impl PendingBackup {
    /// Puts the backup in place once the save succeeded: the older generations move
    /// one step down (`.bak` to `.bak.2`, …), those beyond `keep` are dropped, and the
    /// new one becomes `.bak`.
    pub(super) fn commit(mut self, orig: &Original) -> Result<PathBuf, SaveError> {
        let generation = |n| backup_generation(&orig.target, n);
        // Generations beyond `keep` (left by a run that kept more): the oldest go first.
        let mut extra = self.keep;
        while generation(extra + 1).exists() {
            extra += 1;
        }
        for n in (self.keep..=extra).rev().filter(|n| *n >= 1) {
            let _ = fs::remove_file(generation(n));
        }
        for n in (1..self.keep).rev() {
            let from = generation(n);
            if from.exists() {
                fs::rename(&from, generation(n + 1)).map_err(io_err("rotate the backup", &from))?;
            }
        }
        let path = generation(1);
        self.tmp.rename_to(&path)?;
        sync_dir(&orig.dir)?;
        Ok(path)
    }
}
