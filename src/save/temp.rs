//! Hidden temporary files beside the target, and the fault-injection points used by
//! the crash tests.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{SaveError, io_err};

/// A hidden file `.NAME.ossec-ar.<unique>.tmp`, created exclusively with mode 0600,
/// removed when dropped unless it was renamed.
pub(super) struct HiddenTemp {
    path: PathBuf,
    file: File,
    armed: bool,
}

impl HiddenTemp {
    /// Creates a new hidden file in `dir` (`O_EXCL`: never opens an existing file, so a
    /// planted symlink cannot redirect the write).
    pub(super) fn create(dir: &Path, name: &str) -> Result<HiddenTemp, SaveError> {
        let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
        for attempt in 0..64 {
            let path = dir.join(format!(".{name}.ossec-ar.{}.tmp", unique(attempt)));
            let opened = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path);
            match opened {
                Ok(file) => {
                    return Ok(HiddenTemp {
                        path,
                        file,
                        armed: true,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
                Err(e) => return Err(io_err("create a temporary file in", dir)(e)),
            }
        }
        Err(io_err("create a temporary file in", dir)(last))
    }

    /// Writes everything and waits until it is on disk.
    pub(super) fn write_synced(&mut self, bytes: &[u8]) -> Result<(), SaveError> {
        self.file
            .write_all(bytes)
            .and_then(|()| self.file.sync_all())
            .map_err(io_err("write", &self.path))
    }

    /// The open file, for its extended attributes.
    pub(super) fn file(&self) -> &File {
        &self.file
    }

    /// Gives the file this owner and group (`fchown`); fails when not permitted.
    pub(super) fn copy_owner(&self, uid: u32, gid: u32) -> io::Result<()> {
        std::os::unix::fs::fchown(&self.file, Some(uid), Some(gid))
    }

    /// Gives the file this mode (`fchmod`, after `fchown`, which may clear set-id bits).
    pub(super) fn set_mode(&self, mode: u32) -> Result<(), SaveError> {
        self.file
            .set_permissions(Permissions::from_mode(mode))
            .and_then(|()| self.file.sync_all())
            .map_err(io_err("set the mode of", &self.path))
    }

    /// Renames the file to `to` (atomic replacement in the same directory).
    pub(super) fn rename_to(&mut self, to: &Path) -> Result<(), SaveError> {
        fs::rename(&self.path, to).map_err(io_err("replace", to))?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for HiddenTemp {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A name part no other process or attempt uses: `PID-NANOS-ATTEMPT`, so that a later
/// save can tell a temporary file whose writer is dead ([`remove_stale`]).
fn unique(attempt: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{nanos:09}-{attempt}", std::process::id())
}

/// Removes the hidden temporary files of `name` in `dir` that a killed save left
/// (`.NAME.ossec-ar.PID-NANOS-N.tmp` whose PID is not a live process), and returns how
/// many. Called under the file's lock, so no live ossec-ar is writing one; a file whose
/// PID is alive (reused by another program, or this process) is left alone, and so is
/// everything when `/proc` cannot tell. Best effort: a file that cannot be removed
/// stays, and the save goes on.
pub(super) fn remove_stale(dir: &Path, name: &str) -> usize {
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let prefix = format!(".{name}.ossec-ar.");
    let me = std::process::id();
    let stale = entries.filter_map(Result::ok).filter(|e| {
        let file_name = e.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(temp_pid)
        else {
            return false;
        };
        let regular = e.file_type().is_ok_and(|t| t.is_file());
        regular && pid != me && !Path::new(&format!("/proc/{pid}")).exists()
    });
    stale.filter(|e| fs::remove_file(e.path()).is_ok()).count()
}

/// The PID of a temporary file's name part `PID-NANOS-ATTEMPT`; `None` for any other
/// shape (not one of ours).
fn temp_pid(part: &str) -> Option<u32> {
    let mut fields = part.split('-');
    let pid = fields.next()?.parse().ok()?;
    let nanos = fields.next()?;
    let attempt = fields.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(nanos) && digits(attempt) && fields.next().is_none()).then_some(pid)
}

/// Makes a rename in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> Result<(), SaveError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("sync the directory", dir))
}

/// Debug builds only: aborts the process at `step` when `OSSEC_AR_CRASH_AT=<step>`, so
/// tests can check what a crash (kill -9, power loss) leaves at each step. Steps:
/// `locked`, `backup`, `temp-created`, `temp-written`, `before-rename`, `renamed`,
/// `replaced`, `backup-kept`; on the in-place path `in-place-journal`,
/// `in-place-half` (half of the new content written over the old), `in-place-written`,
/// `in-place-synced`; and `recover-half` in the recovery of an interrupted one.
#[cfg(debug_assertions)]
pub(super) fn crash_point(step: &str) {
    if crash_at(step) {
        std::process::abort();
    }
}

/// Release builds have no fault injection.
#[cfg(not(debug_assertions))]
pub(super) fn crash_point(_step: &str) {}

/// Debug builds only: is `OSSEC_AR_CRASH_AT` this step? (For steps that do part of a
/// write before aborting.)
#[cfg(debug_assertions)]
pub(super) fn crash_at(step: &str) -> bool {
    std::env::var("OSSEC_AR_CRASH_AT").is_ok_and(|s| s == step)
}

/// Release builds have no fault injection.
#[cfg(not(debug_assertions))]
pub(super) fn crash_at(_step: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_temporary_names_give_a_pid() {
        assert_eq!(temp_pid("4242-000001234-0"), Some(4242));
        assert_eq!(temp_pid("4242-000001234"), None);
        assert_eq!(temp_pid("4242-12-3-4"), None);
        assert_eq!(temp_pid("abc-1-2"), None);
        assert_eq!(temp_pid("bak"), None);
    }

    #[test]
    fn stale_temporary_files_of_dead_writers_are_removed_and_nothing_else() {
        let d = tempfile::tempdir().expect("tempdir");
        // A pid above the kernel's pid_max (4194304) is never alive.
        let dead = d
            .path()
            .join(".ossec.conf.ossec-ar.99999999-000000001-0.tmp");
        let alive = d.path().join(format!(
            ".ossec.conf.ossec-ar.{}-000000001-0.tmp",
            std::process::id()
        ));
        let other_file = d
            .path()
            .join(".other.conf.ossec-ar.99999999-000000001-0.tmp");
        let backup = d.path().join(".ossec.conf.ossec-ar.bak");
        for p in [&dead, &alive, &other_file, &backup] {
            fs::write(p, "x").expect("write");
        }
        assert_eq!(remove_stale(d.path(), "ossec.conf"), 1);
        assert!(!dead.exists());
        assert!(alive.exists() && other_file.exists() && backup.exists());
    }
}
