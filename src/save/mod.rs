//! The safe save of SPEC §4 (reference `ecosystem.md` §5.2): nothing written when
//! nothing changed; an advisory lock; refuse when the file changed since it was read;
//! a hidden backup; a hidden temporary file created exclusively with mode 0600,
//! written and synced, given the original's owner and mode, renamed over the real
//! target of a symlink, then the directory synced; an in-place rewrite after the
//! backup when the file cannot be replaced (a bind-mounted file); an optional verify
//! command that restores the previous content when it fails.
//!
//! Never creates a visible file beside the target: Wazuh's remoted pushes every
//! non-hidden file of `etc/shared/<group>/` to agents.

mod temp;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use temp::{HiddenTemp, crash_point, sync_dir};

/// How to save.
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    /// Do not keep the previous content as `.NAME.ossec-ar.bak`.
    pub no_backup: bool,
    /// A shell command run after the write (e.g. `/var/ossec/bin/wazuh-analysisd -t`);
    /// when it fails, the previous content is put back.
    pub verify: Option<String>,
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
/// content.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file is not what was read: someone else wrote it meanwhile.
    #[error("{} changed on disk since it was read; nothing was written", path.display())]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// Another ossec-ar holds the lock.
    #[error("{} is being saved by another ossec-ar; try again later", path.display())]
    Busy {
        /// The file.
        path: PathBuf,
    },
    /// A directory, a device…
    #[error("{} is not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
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
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Err(SaveError::Busy { path: target }),
        Err(fs::TryLockError::Error(e)) => return Err(io_err("lock", &target)(e)),
    }
    crash_point("locked");
    let mut on_disk = Vec::new();
    file.read_to_end(&mut on_disk)
        .map_err(io_err("re-read", &target))?;
    if on_disk != expected_original.as_bytes() {
        return Err(SaveError::ChangedOnDisk { path: target });
    }
    let backup = match opts.no_backup {
        true => None,
        false => Some(write_backup(&orig, &on_disk)?),
    };
    crash_point("backup");
    let in_place = replace(&orig, new_text.as_bytes(), opts.no_backup)?;
    crash_point("replaced");
    let verify_output = match &opts.verify {
        Some(cmd) => Some(verify(cmd, &orig, &on_disk, opts.no_backup)?),
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

/// Writes the previous content to the hidden backup, atomically, with the original's
/// owner and mode.
fn write_backup(orig: &Original, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    let path = backup_path(&orig.target);
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
                sync_dir(&orig.dir)?;
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
/// kept for the time of the write (an earlier backup is left alone).
fn in_place(orig: &Original, bytes: &[u8], no_backup: bool) -> Result<(), SaveError> {
    let safety = orig.dir.join(format!(".{}.ossec-ar.saving", orig.name));
    if no_backup {
        let previous = fs::read(&orig.target).map_err(io_err("re-read", &orig.target))?;
        write_hidden_copy(orig, &previous, &safety)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&orig.target)
        .map_err(io_err("rewrite", &orig.target))?;
    crash_point("in-place-truncated");
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(io_err("rewrite", &orig.target))?;
    if no_backup {
        fs::remove_file(&safety).map_err(io_err("remove", &safety))?;
        sync_dir(&orig.dir)?;
    }
    Ok(())
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
