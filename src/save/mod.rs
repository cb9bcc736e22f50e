//! The safe save of SPEC §4 (reference `ecosystem.md` §5.2): nothing written when
//! nothing changed; the editor's lock (`lock`, a file of our own); refuse when the file changed since it was read;
//! a hidden backup; a hidden temporary file created exclusively with mode 0600,
//! written and synced, given the original's owner and mode, renamed over the real
//! target of a symlink, then the directory synced; an in-place rewrite after the
//! backup when the file cannot be replaced (a bind-mounted file), which writes the
//! previous content back when it fails half-way; an optional verify
//! command that restores the previous content when it fails.
//!
//! Never creates a visible file beside the target: Wazuh's remoted pushes every
//! non-hidden file of `etc/shared/<group>/` to agents.

pub mod lock;
mod temp;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use temp::{HiddenTemp, crash_point, sync_dir};

/// How to save.
#[derive(Debug, Clone)]
pub struct SaveOptions {
    /// Do not keep the previous content as `.NAME.ossec-ar.bak`.
    pub no_backup: bool,
    /// A shell command run after the write (e.g. `/var/ossec/bin/wazuh-analysisd -t`);
    /// when it fails, the previous content is put back.
    pub verify: Option<String>,
    /// How many generations of backups to keep (`.NAME.ossec-ar.bak` the newest, then
    /// `.bak.2`, `.bak.3`…); 0 keeps none, like `no_backup`.
    pub backups: usize,
}

/// Backup generations kept unless asked otherwise.
pub const DEFAULT_BACKUPS: usize = 3;

impl Default for SaveOptions {
    fn default() -> SaveOptions {
        SaveOptions {
            no_backup: false,
            verify: None,
            backups: DEFAULT_BACKUPS,
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    /// Was anything written? (`false`: the text was unchanged, the file untouched.)
    pub written: bool,
    /// The file written: the target of the path, symlinks resolved.
    pub target: PathBuf,
    /// The backup of the previous content, when one was kept.
    pub backup: Option<PathBuf>,
    /// The file was rewritten in place because it could not be replaced.
    pub in_place: bool,
    /// What the verify command printed, when one ran.
    pub verify_output: Option<String>,
}

/// Why a save did not happen (or was undone); the file then holds its previous
/// content, except after a [`SaveError::RewriteFailed`] whose write-back failed too.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file is not what was read: someone else wrote it meanwhile.
    #[error("{} changed on disk since it was read; nothing was written", path.display())]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// Another ossec-ar holds the lock of the file (`lock`).
    #[error("{why}")]
    Busy {
        /// The file.
        path: PathBuf,
        /// Who holds it and what to do, as [`lock::LockError`] says it.
        why: String,
    },
    /// A directory, a device…
    #[error("{} is not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The new content replaced the file, but the directory could not be synced: it is
    /// in place now and may not survive a power loss.
    #[error(
        "wrote {}, but could not sync its directory: {source}; the new content is in place but may not survive a power loss",
        path.display()
    )]
    NotDurable {
        /// The file.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// A step failed; nothing was changed by it.
    #[error("cannot {action} {}: {source}; the file is unchanged", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// Rewriting in place failed once the file was emptied: its previous content was
    /// written back (`restored`), or, failing that too, the file may be incomplete and
    /// `copy` holds a complete earlier content.
    #[error(
        "cannot rewrite {} in place: {source}; {}",
        .path.display(),
        after_rewrite(.restored, .copy)
    )]
    RewriteFailed {
        /// The file.
        path: PathBuf,
        /// Why the write failed.
        #[source]
        source: io::Error,
        /// Was the previous content written back?
        restored: bool,
        /// The hidden copy taken before the rewrite (the backup, or the temporary copy
        /// kept when no backup was asked for).
        copy: PathBuf,
    },
    /// The verify command failed after the write; the previous content was put back.
    #[error(
        "verify command `{command}` failed ({status}); the previous content was put back\n{output}"
    )]
    VerifyFailed {
        /// The command.
        command: String,
        /// How it ended.
        status: String,
        /// What it printed (stdout then stderr).
        output: String,
    },
}

/// What became of the file after a failed in-place rewrite, for the message.
fn after_rewrite(restored: &bool, copy: &Path) -> String {
    if *restored {
        "its previous content was written back, so the file is unchanged".to_string()
    } else {
        format!(
            "writing its previous content back failed too, so the file may be incomplete: restore it from {}",
            copy.display()
        )
    }
}

/// An I/O step's error, naming the step and the path.
fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> SaveError + use<> {
    let path = path.to_path_buf();
    move |source| SaveError::Io {
        action,
        path,
        source,
    }
}

/// The target's identity, for the new file.
struct Original {
    target: PathBuf,
    dir: PathBuf,
    name: String,
    mode: u32,
    uid: u32,
    gid: u32,
}

/// Saves `new_text` to `path`, which held `expected_original` when it was read
/// (SPEC §4).
pub fn save(
    path: &Path,
    expected_original: &str,
    new_text: &str,
    opts: &SaveOptions,
) -> Result<SaveOutcome, SaveError> {
    if new_text == expected_original {
        return Ok(SaveOutcome {
            written: false,
            target: path.to_path_buf(),
            backup: None,
            in_place: false,
            verify_output: None,
        });
    }
    let target = fs::canonicalize(path).map_err(io_err("resolve", path))?;
    let mut file = File::open(&target).map_err(io_err("open", &target))?;
    let orig = original(&file, &target)?;
    let _lock = take_lock(&target)?;
    crash_point("locked");
    let mut on_disk = Vec::new();
    file.read_to_end(&mut on_disk)
        .map_err(io_err("re-read", &target))?;
    // Texts stand for the file's bytes (docs/bytes.md): compare and write bytes.
    if on_disk[..] != *crate::xml::bytes::encode(expected_original) {
        return Err(SaveError::ChangedOnDisk { path: target });
    }
    let no_backup = opts.no_backup || opts.backups == 0;
    let backup = match no_backup {
        true => None,
        false => Some(write_backup(&orig, &on_disk, opts.backups)?),
    };
    crash_point("backup");
    let in_place = replace(&orig, &crate::xml::bytes::encode(new_text), no_backup)?;
    crash_point("replaced");
    let verify_output = match &opts.verify {
        Some(cmd) => Some(verify(cmd, &orig, &on_disk, no_backup)?),
        None => None,
    };
    Ok(SaveOutcome {
        written: true,
        target,
        backup,
        in_place,
        verify_output,
    })
}

/// The editor's lock of `target` for the time of the save, unless this process holds
/// it already (the editor saving): our own lock file, never a lock on the target that
/// other programs would meet.
fn take_lock(target: &Path) -> Result<Option<lock::EditLock>, SaveError> {
    if lock::held_here(target) {
        return Ok(None);
    }
    lock::acquire(target).map_err(|e| match e {
        lock::LockError::Held { .. } => SaveError::Busy {
            path: target.to_path_buf(),
            why: e.to_string(),
        },
        lock::LockError::Io { source, .. } => io_err("lock", target)(source),
    })
}

fn original(file: &File, target: &Path) -> Result<Original, SaveError> {
    let meta = file.metadata().map_err(io_err("stat", target))?;
    if !meta.is_file() {
        return Err(SaveError::NotAFile {
            path: target.to_path_buf(),
        });
    }
    let dir = target.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Original {
        target: target.to_path_buf(),
        dir,
        name,
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
    })
}

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

/// Writes the previous content to the hidden backup, atomically, with the original's
/// owner and mode, after moving the older generations one step down (`.bak` to
/// `.bak.2`, …) and dropping those beyond `keep`.
fn write_backup(orig: &Original, bytes: &[u8], keep: usize) -> Result<PathBuf, SaveError> {
    let generation = |n| backup_generation(&orig.target, n);
    // Generations beyond `keep` (left by a run that kept more): the oldest go first.
    let mut extra = keep;
    while generation(extra + 1).exists() {
        extra += 1;
    }
    for n in (keep..=extra).rev().filter(|n| *n >= 1) {
        let _ = fs::remove_file(generation(n));
    }
    for n in (1..keep).rev() {
        let from = generation(n);
        if from.exists() {
            fs::rename(&from, generation(n + 1)).map_err(io_err("rotate the backup", &from))?;
        }
    }
    let path = generation(1);
    write_hidden_copy(orig, bytes, &path)?;
    Ok(path)
}

/// Writes `bytes` to the hidden `path` beside the target, atomically.
fn write_hidden_copy(orig: &Original, bytes: &[u8], path: &Path) -> Result<(), SaveError> {
    let mut tmp = HiddenTemp::create(&orig.dir, &orig.name)?;
    tmp.write_synced(bytes)?;
    // The owner may not be ours to give (not root): the backup then stays ours, 0600.
    let _ = tmp.copy_owner(orig.uid, orig.gid);
    tmp.set_mode(orig.mode)?;
    tmp.rename_to(path)?;
    sync_dir(&orig.dir)
}

/// Puts `bytes` in the target: a new file renamed over it, or, when it cannot be
/// replaced (bind-mounted: EBUSY/EXDEV) or the owner cannot be kept, an in-place
/// rewrite after making sure a backup exists. Returns whether it was in place.
fn replace(orig: &Original, bytes: &[u8], no_backup: bool) -> Result<bool, SaveError> {
    let mut tmp = HiddenTemp::create(&orig.dir, &orig.name)?;
    crash_point("temp-created");
    tmp.write_synced(bytes)?;
    crash_point("temp-written");
    let owner_kept = tmp.copy_owner(orig.uid, orig.gid).is_ok();
    tmp.set_mode(orig.mode)?;
    if owner_kept {
        crash_point("before-rename");
        match tmp.rename_to(&orig.target) {
            Ok(()) => {
                sync_dir(&orig.dir).map_err(|e| match e {
                    SaveError::Io { source, .. } => SaveError::NotDurable {
                        path: orig.target.clone(),
                        source,
                    },
                    other => other,
                })?;
                crash_point("renamed");
                return Ok(false);
            }
            Err(SaveError::Io { source, .. })
                if matches!(
                    source.kind(),
                    io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
                ) => {}
            Err(e) => return Err(e),
        }
    }
    drop(tmp);
    in_place(orig, bytes, no_backup)?;
    Ok(true)
}

/// Rewrites the target in place. Not atomic, so a copy of the previous content must
/// exist first: when the user asked for no backup, a hidden `.NAME.ossec-ar.saving` is
/// kept for the time of the write (an earlier backup is left alone), and kept after
/// it when the file could not be made whole again.
fn in_place(orig: &Original, bytes: &[u8], no_backup: bool) -> Result<(), SaveError> {
    let previous = fs::read(&orig.target).map_err(io_err("re-read", &orig.target))?;
    let copy = if no_backup {
        let safety = orig.dir.join(format!(".{}.ossec-ar.saving", orig.name));
        write_hidden_copy(orig, &previous, &safety)?;
        safety
    } else {
        backup_path(&orig.target)
    };
    let result = rewrite(&orig.target, bytes, &previous, &copy, write_synced);
    let incomplete = matches!(
        result,
        Err(SaveError::RewriteFailed {
            restored: false,
            ..
        })
    );
    if no_backup && !incomplete {
        // Best effort: the file is whole either way, and a hidden copy left behind is
        // harmless (the next in-place save replaces it).
        let _ = fs::remove_file(&copy);
        let _ = sync_dir(&orig.dir);
    }
    result
}

/// How many times the previous content is written back after a failed rewrite.
const RESTORE_ATTEMPTS: u32 = 3;

/// Truncates `target` and writes `bytes` with `write`; when that fails, writes
/// `previous` back (retried: a full disk has room again once the file is emptied) and
/// reports whether it worked. `copy` is named in the error as the way back.
fn rewrite(
    target: &Path,
    bytes: &[u8],
    previous: &[u8],
    copy: &Path,
    write: impl Fn(&mut File, &[u8]) -> io::Result<()>,
) -> Result<(), SaveError> {
    // O_TRUNC empties the file only when the open succeeds: an error here changed nothing.
    let mut f = truncated(target).map_err(io_err("rewrite", target))?;
    crash_point("in-place-truncated");
    let Err(source) = write(&mut f, bytes) else {
        return Ok(());
    };
    drop(f);
    let restored = (0..RESTORE_ATTEMPTS).any(|attempt| {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        truncated(target)
            .and_then(|mut f| write(&mut f, previous))
            .is_ok()
    });
    Err(SaveError::RewriteFailed {
        path: target.to_path_buf(),
        source,
        restored,
        copy: copy.to_path_buf(),
    })
}

/// The file opened for writing, emptied.
fn truncated(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new().write(true).truncate(true).open(path)
}

/// Writes everything and waits until it is on disk.
fn write_synced(f: &mut File, bytes: &[u8]) -> io::Result<()> {
    f.write_all(bytes)?;
    f.sync_all()
}

/// Runs the verify command; on failure puts `previous` back and reports.
fn verify(
    cmd: &str,
    orig: &Original,
    previous: &[u8],
    no_backup: bool,
) -> Result<String, SaveError> {
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .output();
    let (ok, status, output) = match run {
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            (out.status.success(), out.status.to_string(), text)
        }
        Err(e) => (false, "could not run".to_string(), e.to_string()),
    };
    if ok {
        return Ok(output);
    }
    replace(orig, previous, no_backup)?;
    Err(SaveError::VerifyFailed {
        command: cmd.to_string(),
        status,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails on `bad` after writing half of it, as a full disk does.
    fn failing_on(bad: &'static [u8]) -> impl Fn(&mut File, &[u8]) -> io::Result<()> {
        move |f, bytes| {
            if bytes == bad {
                f.write_all(&bytes[..bytes.len() / 2])?;
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
            write_synced(f, bytes)
        }
    }

    #[test]
    fn a_failed_rewrite_writes_the_previous_content_back_and_says_so() {
        let d = tempfile::tempdir().expect("tempdir");
        let (p, copy) = (d.path().join("ossec.conf"), d.path().join(".copy"));
        fs::write(&p, "old content\n").expect("write");
        let e = rewrite(
            &p,
            b"new content!\n",
            b"old content\n",
            &copy,
            failing_on(b"new content!\n"),
        )
        .expect_err("the write fails");
        assert_eq!(fs::read_to_string(&p).expect("read"), "old content\n");
        assert!(matches!(e, SaveError::RewriteFailed { restored: true, .. }));
        assert_eq!(
            e.to_string(),
            format!(
                "cannot rewrite {} in place: {}; its previous content was written back, so the file is unchanged",
                p.display(),
                io::Error::from(io::ErrorKind::StorageFull)
            )
        );
    }

    #[test]
    fn when_writing_back_fails_too_the_message_says_where_the_copy_is() {
        let d = tempfile::tempdir().expect("tempdir");
        let (p, copy) = (d.path().join("ossec.conf"), d.path().join(".copy"));
        fs::write(&p, "old\n").expect("write");
        let never = |f: &mut File, b: &[u8]| {
            f.write_all(&b[..1])?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        };
        let e = rewrite(&p, b"new\n", b"old\n", &copy, never).expect_err("fails");
        assert!(matches!(
            e,
            SaveError::RewriteFailed {
                restored: false,
                ..
            }
        ));
        let msg = e.to_string();
        assert!(
            msg.ends_with(&format!(
                "the file may be incomplete: restore it from {}",
                copy.display()
            )),
            "{msg}"
        );
        assert!(!msg.contains("unchanged"), "{msg}");
    }

    #[test]
    fn a_rewrite_that_works_leaves_the_new_content() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("ossec.conf");
        fs::write(&p, "a much longer old content\n").expect("write");
        rewrite(&p, b"new\n", b"unused", &p, write_synced).expect("rewrite");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new\n");
    }
}
