//! The safe save (docs/ARCHITECTURE.md "Saving"): nothing written when nothing
//! changed; the editor's lock (`lock`, a file of our own); refuse when the file changed
//! since it was read, and a read-only file unless forced; the hidden temporary files
//! of killed saves removed; the backup made complete under a temporary name; a hidden
//! temporary file created exclusively with mode 0600, written and synced, given the
//! original's owner, extended attributes (ACLs) and mode, renamed over the real target
//! of a symlink, then the directory synced; a journalled in-place rewrite (`inplace`)
//! when the file must not be replaced (bind-mounted, hard-linked) or its owner or
//! attributes cannot be given to a new file; an optional verify command that restores
//! the previous content when it fails; and only then the backup put in place.
//!
//! Never creates a visible file beside the target: Wazuh's remoted pushes every
//! non-hidden file of `etc/shared/<group>/` to agents.

mod backup;
mod inplace;
pub mod lock;
mod meta;
mod temp;

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

pub use backup::{backup_generation, backup_path};
pub use inplace::{Recovered, journal_path};
use meta::{Which, Xattrs};
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
    /// Replace a read-only file (no write bit, e.g. 0444) all the same, as an
    /// editor's `:w!` does; without it such a file is refused.
    pub force: bool,
}

/// Backup generations kept unless asked otherwise.
pub const DEFAULT_BACKUPS: usize = 3;

impl Default for SaveOptions {
    fn default() -> SaveOptions {
        SaveOptions {
            no_backup: false,
            verify: None,
            backups: DEFAULT_BACKUPS,
            force: false,
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
    /// The file was rewritten in place rather than replaced, and why.
    pub in_place: Option<InPlace>,
    /// What the verify command printed, when one ran.
    pub verify_output: Option<String>,
}

/// Why a file was rewritten in place (journalled, `inplace`) rather than replaced by a
/// new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InPlace {
    /// It cannot be renamed over (EBUSY, EXDEV): a bind-mounted file.
    Mounted,
    /// It has this many names (hard links); a new file would split them.
    HardLinks(u64),
    /// This process cannot give a new file the original's owner (not root).
    Owner,
    /// This process cannot give a new file this extended attribute (a `security.*`
    /// label without the privilege, say).
    Attribute(String),
}

impl std::fmt::Display for InPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InPlace::Mounted => write!(f, "it cannot be replaced (a bind-mounted file)"),
            InPlace::HardLinks(n) => write!(f, "it has {n} hard links, kept as one file"),
            InPlace::Owner => write!(f, "its owner cannot be given to a new file"),
            InPlace::Attribute(why) => {
                write!(f, "an attribute cannot be given to a new file ({why})")
            }
        }
    }
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
    /// The file has no write bit (e.g. 0444) and the save was not forced.
    #[error(
        "{} is read-only (mode {mode:04o}); nothing was written (--force writes anyway)",
        path.display()
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
    /// The new content is in place, but the previous one could not be kept as the
    /// backup (the older backups are as they were, or moved one generation down).
    #[error(
        "wrote {}, but could not keep its previous content as {}: {source}",
        path.display(),
        backup.display()
    )]
    BackupNotKept {
        /// The file.
        path: PathBuf,
        /// The backup that was to be written.
        backup: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// The file was rewritten in place, but its journal could not be removed: the next
    /// ossec-ar would put the previous content back from it.
    #[error(
        "wrote {} in place, but could not remove {}: {source}; remove it, or the next ossec-ar puts the previous content back from it",
        path.display(),
        journal.display()
    )]
    JournalLeft {
        /// The file.
        path: PathBuf,
        /// The journal.
        journal: PathBuf,
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
    /// Rewriting in place failed once the file was touched: its previous content was
    /// written back (`restored`), or, failing that too, the file may be incomplete and
    /// `copy` holds a complete earlier content.
    #[error(
        "cannot rewrite {} in place: {source}; {}",
        .path.display(),
        after_rewrite(*.restored, .copy)
    )]
    RewriteFailed {
        /// The file.
        path: PathBuf,
        /// Why the write failed.
        #[source]
        source: io::Error,
        /// Was the previous content written back?
        restored: bool,
        /// The hidden copy taken before the rewrite (the journal, `.NAME.ossec-ar.saving`).
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
fn after_rewrite(restored: bool, copy: &Path) -> String {
    if restored {
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

/// The target's identity, for the new file and the backup.
struct Original {
    target: PathBuf,
    dir: PathBuf,
    name: String,
    mode: u32,
    uid: u32,
    gid: u32,
    nlink: u64,
    xattrs: Xattrs,
}

/// Saves `new_text` to `path`, which held `expected_original` when it was read
/// (docs/ARCHITECTURE.md "Saving").
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
            in_place: None,
            verify_output: None,
        });
    }
    let target = fs::canonicalize(path).map_err(io_err("resolve", path))?;
    let mut file = File::open(&target).map_err(io_err("open", &target))?;
    let orig = original(&file, &target)?;
    let _lock = take_lock(&target)?;
    crash_point("locked");
    // A journal left by an interrupted in-place rewrite (even one of this editor's
    // session, whose write-back failed): the file is put back as it was, which the
    // caller did not read, so the re-read below refuses the save; never is a good
    // journal overwritten by a new one. The stale temporary files go too.
    recover(&target)?;
    let mut on_disk = Vec::new();
    file.read_to_end(&mut on_disk)
        .map_err(io_err("re-read", &target))?;
    // Texts stand for the file's bytes (docs/bytes.md): compare and write bytes.
    refusal(&orig, &on_disk, expected_original, opts.force)?;
    // Complete before anything is replaced, put in place only once the save succeeded.
    let pending = match opts.no_backup || opts.backups == 0 {
        true => None,
        false => Some(backup::prepare(&orig, &on_disk, opts.backups)?),
    };
    crash_point("backup");
    let new_bytes = crate::xml::bytes::encode(new_text);
    let in_place = replace(&orig, &new_bytes, &on_disk)?;
    crash_point("replaced");
    let verify_output = match &opts.verify {
        Some(cmd) => Some(verify(cmd, &orig, &on_disk, &new_bytes)?),
        None => None,
    };
    let backup = match pending {
        Some(p) => Some(p.commit(&orig).map_err(|e| backup_not_kept(&orig, e))?),
        None => None,
    };
    crash_point("backup-kept");
    Ok(SaveOutcome {
        written: true,
        target,
        backup,
        in_place,
        verify_output,
    })
}

/// Why the file, as re-read under the lock, is not to be replaced: someone else
/// changed it, or it is read-only and the save is not forced.
fn refusal(orig: &Original, on_disk: &[u8], expected: &str, force: bool) -> Result<(), SaveError> {
    if on_disk[..] != *crate::xml::bytes::encode(expected) {
        return Err(SaveError::ChangedOnDisk {
            path: orig.target.clone(),
        });
    }
    if orig.mode & 0o222 == 0 && !force {
        return Err(SaveError::ReadOnly {
            path: orig.target.clone(),
            mode: orig.mode,
        });
    }
    Ok(())
}

/// A failure to put the backup in place, once the new content is: not "unchanged".
fn backup_not_kept(orig: &Original, e: SaveError) -> SaveError {
    match e {
        SaveError::Io { source, .. } => SaveError::BackupNotKept {
            path: orig.target.clone(),
            backup: backup_path(&orig.target),
            source,
        },
        other => other,
    }
}

/// What the next ossec-ar does to `target` (a resolved path) holding its lock, before
/// reading it: puts back the previous content when an in-place rewrite was
/// interrupted (its journal is there, `inplace`), and removes the hidden temporary
/// files that killed saves left. `Ok(Some(_))` when the file was put back, to say so.
pub fn recover(target: &Path) -> Result<Option<Recovered>, SaveError> {
    let recovered = inplace::recover(target)?;
    if let (Some(dir), Some(name)) = (target.parent(), target.file_name()) {
        temp::remove_stale(dir, &name.to_string_lossy());
    }
    Ok(recovered)
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
        nlink: meta.nlink(),
        xattrs: Xattrs::read(file).map_err(io_err("read the extended attributes of", target))?,
    })
}

/// Puts `bytes` in the target, which holds `previous`: a new file renamed over it, or
/// a journalled rewrite in place when the file must not or cannot be replaced. Returns
/// why it was in place.
fn replace(orig: &Original, bytes: &[u8], previous: &[u8]) -> Result<Option<InPlace>, SaveError> {
    let why = match orig.nlink {
        0 | 1 => replace_by_rename(orig, bytes)?,
        n => Some(InPlace::HardLinks(n)),
    };
    if let Some(why) = why {
        inplace::rewrite_in_place(orig, bytes, previous)?;
        return Ok(Some(why));
    }
    Ok(None)
}

/// A new hidden file with the original's owner, attributes and mode, renamed over the
/// target. `Some(why)` when the target must be rewritten in place instead: the new
/// file (removed) could not get the owner or an attribute, or cannot replace the
/// target (bind-mounted: EBUSY/EXDEV).
fn replace_by_rename(orig: &Original, bytes: &[u8]) -> Result<Option<InPlace>, SaveError> {
    let mut tmp = HiddenTemp::create(&orig.dir, &orig.name)?;
    crash_point("temp-created");
    tmp.write_synced(bytes)?;
    crash_point("temp-written");
    // Owner first (fchown clears set-id bits and file capabilities), then the
    // attributes (an ACL among them), then the mode, which sets the ACL's mask to
    // the original's group bits, as they were.
    if tmp.copy_owner(orig.uid, orig.gid).is_err() {
        return Ok(Some(InPlace::Owner));
    }
    if let Err(why) = orig.xattrs.apply(tmp.file(), Which::All) {
        return Ok(Some(InPlace::Attribute(why)));
    }
    tmp.set_mode(orig.mode)?;
    crash_point("before-rename");
    match tmp.rename_to(&orig.target) {
        Ok(()) => {}
        Err(SaveError::Io { source, .. })
            if matches!(
                source.kind(),
                io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
            ) =>
        {
            return Ok(Some(InPlace::Mounted));
        }
        Err(e) => return Err(e),
    }
    sync_dir(&orig.dir).map_err(|e| match e {
        SaveError::Io { source, .. } => SaveError::NotDurable {
            path: orig.target.clone(),
            source,
        },
        other => other,
    })?;
    crash_point("renamed");
    Ok(None)
}

/// Runs the verify command; on failure puts `previous` back over `written` and reports.
fn verify(
    cmd: &str,
    orig: &Original,
    previous: &[u8],
    written: &[u8],
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
    replace(orig, previous, written)?;
    Err(SaveError::VerifyFailed {
        command: cmd.to_string(),
        status,
        output,
    })
}
