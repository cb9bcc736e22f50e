//! One editor per file: a lock of our own, `.NAME.ossec-ar.lock` beside the file
//! (`docs/ARCHITECTURE.md` "One editor per file"). Not a lock on the file itself:
//! `wazuh-analysisd` and every other program read and write `ossec.conf` as if we were
//! not there. The lock file holds who has it (pid, user, since when), so a second
//! `ossec-ar` can say so at once; `flock` on it ends with its holder, so the file a
//! killed editor leaves behind is stale and simply taken over.
//!
//! Locks held by this process are registered, so that [`release_all`] can remove
//! their files when a signal ends the process without unwinding.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Lock files of this process, removed by [`release_all`].
static HELD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The lock file of `target` (a resolved path): `.NAME.ossec-ar.lock` beside it, hidden
/// like every file ossec-ar makes (files in `etc/shared/<group>/` are pushed to agents).
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.ossec-ar.lock"))
}

/// Who holds a lock, as its file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id.
    pub pid: u32,
    /// Its user name (or `uid N`).
    pub user: String,
    /// When it took the lock, seconds since the epoch.
    pub since: u64,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {}, user {}, since {}",
            self.pid,
            self.user,
            utc(self.since)
        )
    }
}

/// Why a lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another ossec-ar edits the file.
    #[error(
        "{} is being edited by another ossec-ar ({}); wait until it quits, or end it{}: its unsaved changes are then lost (lock: {})",
        file.display(),
        holder.as_ref().map_or_else(|| "holder unknown".to_string(), ToString::to_string),
        holder.as_ref().map_or_else(String::new, |h| format!(" (kill {})", h.pid)),
        lock.display()
    )]
    Held {
        /// The file being edited.
        file: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Who, when the lock file says.
        holder: Option<Holder>,
    },
    /// The lock file could not be used.
    #[error("cannot lock {}: {source}", lock.display())]
    Io {
        /// The lock file.
        lock: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

/// The lock on one file, held until dropped; dropping removes the lock file.
#[derive(Debug)]
pub struct EditLock {
    path: PathBuf,
    _file: File,
}

impl Drop for EditLock {
    fn drop(&mut self) {
        // Unlinked while still locked, so nobody takes the file being removed.
        let _ = fs::remove_file(&self.path);
        if let Ok(mut held) = HELD.lock() {
            held.retain(|p| p != &self.path);
        }
    }
}

/// Does this process hold the lock of `target` already (the editor saving)?
pub fn held_here(target: &Path) -> bool {
    let path = lock_path(target);
    HELD.lock().is_ok_and(|held| held.contains(&path))
}

/// Takes the lock of `target` (a resolved path). `Ok(None)` when no lock file can be
/// made there (a read-only directory: nothing can be saved there either, and reading
/// must still work).
pub fn acquire(target: &Path) -> Result<Option<EditLock>, LockError> {
    let path = lock_path(target);
    let io_err = |source| LockError::Io {
        lock: path.clone(),
        source,
    };
    // A holder that removes its file between our open and our lock leaves us a lock
    // on a file nobody else sees: try again on the new one.
    for _ in 0..8 {
        let mut file = match open(&path) {
            Ok(f) => f,
            Err(e) if cannot_create(&e) => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    file: target.to_path_buf(),
                    lock: path.clone(),
                    holder: read_holder(&mut file),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        if !same_file(&file, &path) {
            continue;
        }
        write_holder(&mut file).map_err(io_err)?;
        if let Ok(mut held) = HELD.lock() {
            held.push(path.clone());
        }
        return Ok(Some(EditLock { path, _file: file }));
    }
    Err(io_err(io::Error::other("the lock file keeps changing")))
}

/// Removes the lock files this process holds: for a signal handler that ends the
/// process without running destructors.
pub fn release_all() {
    if let Ok(held) = HELD.lock() {
        for p in held.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

fn open(path: &Path) -> io::Result<File> {
    // Never through a symlink planted in a directory others can write: checked again
    // by inode once locked.
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other("the lock file is a symbolic link"));
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

fn cannot_create(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Is the open file still the one at `path` (not removed, not replaced)?
fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn write_holder(file: &mut File) -> io::Result<()> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let text = format!(
        "pid={}\nuser={}\nsince={since}\n",
        std::process::id(),
        user()
    );
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    Some(Holder {
        pid: get("pid")?.parse().ok()?,
        user: get("user")?,
        since: get("since")?.parse().ok()?,
    })
}

/// The user running this process: `$USER`/`$LOGNAME`, else the uid.
fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty() && u.chars().all(|c| !c.is_control()))
        .unwrap_or_else(|| {
            fs::metadata("/proc/self")
                .map_or_else(|_| "unknown".into(), |m| format!("uid {}", m.uid()))
        })
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC` (days to civil date after
/// Howard Hinnant's `civil_from_days`).
fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_827_696), "2000-02-29 12:34:56 UTC");
        assert_eq!(utc(1_798_761_599), "2026-12-31 23:59:59 UTC");
    }

    #[test]
    fn a_second_lock_sees_the_holder_and_the_file_goes_with_the_first() {
        let d = tempfile::tempdir().expect("tempdir");
        let target = d.path().join("ossec.conf");
        let first = acquire(&target).expect("free").expect("made");
        assert!(held_here(&target));
        let e = acquire(&target).expect_err("held");
        let LockError::Held { holder, .. } = &e else {
            panic!("{e}");
        };
        assert_eq!(holder.as_ref().map(|h| h.pid), Some(std::process::id()));
        assert!(
            e.to_string()
                .contains(&format!("(kill {})", std::process::id())),
            "{e}"
        );
        drop(first);
        assert!(!lock_path(&target).exists());
        assert!(!held_here(&target));
        let again = acquire(&target).expect("free again");
        assert!(again.is_some());
    }

    #[test]
    fn a_stale_lock_file_is_taken_over() {
        let d = tempfile::tempdir().expect("tempdir");
        let target = d.path().join("ossec.conf");
        fs::write(lock_path(&target), "pid=999999999\nuser=ghost\nsince=0\n").expect("write");
        let lock = acquire(&target).expect("stale: nobody holds the flock");
        assert!(lock.is_some());
        let text = fs::read_to_string(lock_path(&target)).expect("read");
        assert!(
            text.starts_with(&format!("pid={}\n", std::process::id())),
            "{text}"
        );
    }
}
