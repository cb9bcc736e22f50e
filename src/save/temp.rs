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

/// A name part no other process or attempt uses.
fn unique(attempt: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{nanos:09}-{attempt}", std::process::id())
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
/// `replaced`, `in-place-truncated`.
#[cfg(debug_assertions)]
pub(super) fn crash_point(step: &str) {
    if std::env::var("OSSEC_AR_CRASH_AT").is_ok_and(|s| s == step) {
        std::process::abort();
    }
}

/// Release builds have no fault injection.
#[cfg(not(debug_assertions))]
pub(super) fn crash_point(_step: &str) {}
