//! The in-place rewrite, for a file that must not be replaced by another (bind-mounted,
//! hard-linked, or whose owner or attributes this process cannot give a new file), and
//! the recovery of one that was interrupted (docs/ARCHITECTURE.md "Saving").
//!
//! A rewrite in place cannot be atomic, so it is journalled: the previous content is
//! written and synced to the hidden `.NAME.ossec-ar.saving` before the file is touched,
//! the new content is written over the old from offset 0 without truncating first,
//! the length is set last, the file synced, and only then the journal removed. A kill
//! at any point leaves either the previous content, or the new one, or a journal; the
//! next ossec-ar that takes the file's lock finds the journal and puts the previous
//! content back from it (`recover`), saying so.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::temp::{HiddenTemp, crash_at, crash_point, sync_dir};
use super::{Original, SaveError, io_err};

/// The journal of an in-place rewrite of `target`: its previous content, beside it.
pub fn journal_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.ossec-ar.saving"))
}

/// Rewrites the target in place with `bytes`; `previous` is what it holds.
pub(super) fn rewrite_in_place(
    orig: &Original,
    bytes: &[u8],
    previous: &[u8],
) -> Result<(), SaveError> {
    let journal = journal_path(&orig.target);
    write_journal(orig, previous, &journal)?;
    crash_point("in-place-journal");
    let result = rewrite(&orig.target, bytes, previous, &journal, overwrite);
    if matches!(
        result,
        Err(SaveError::RewriteFailed {
            restored: false,
            ..
        })
    ) {
        // The file may be incomplete: the journal is the way back, and the next
        // ossec-ar puts it back.
        return result;
    }
    // The file is whole (new, or previous again): the journal must go, or the next
    // ossec-ar would put the previous content back over a good save.
    let removed =
        fs::remove_file(&journal).and_then(|()| File::open(&orig.dir).and_then(|d| d.sync_all()));
    match (result, removed) {
        (Err(e), _) => Err(e),
        (Ok(()), Ok(())) => Ok(()),
        (Ok(()), Err(source)) => Err(SaveError::JournalLeft {
            path: orig.target.clone(),
            journal,
            source,
        }),
    }
}

/// Writes the journal: complete and synced before the file is touched, private (mode
/// 0600, owned by whoever saves), renamed into place so that it is never partial.
fn write_journal(orig: &Original, previous: &[u8], journal: &Path) -> Result<(), SaveError> {
    let mut tmp = HiddenTemp::create(&orig.dir, &orig.name)?;
    tmp.write_synced(previous)?;
    tmp.rename_to(journal)?;
    sync_dir(&orig.dir)
}

/// How many times the previous content is written back after a failed rewrite.
const RESTORE_ATTEMPTS: u32 = 3;

/// Writes `bytes` over `target` with `write`; when that fails, writes `previous` back
/// (retried: a full disk may have room again) and reports whether it worked. `copy` is
/// named in the error as the way back.
pub(super) fn rewrite(
    target: &Path,
    bytes: &[u8],
    previous: &[u8],
    copy: &Path,
    write: impl Fn(&mut File, &[u8]) -> io::Result<()>,
) -> Result<(), SaveError> {
    // Opening changes nothing (no O_TRUNC): an error here leaves the file as it was.
    let mut f = for_writing(target).map_err(io_err("rewrite", target))?;
    let Err(source) = write(&mut f, bytes) else {
        return Ok(());
    };
    drop(f);
    let restored = (0..RESTORE_ATTEMPTS).any(|attempt| {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        for_writing(target)
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

/// The file opened for writing at offset 0, not emptied.
fn for_writing(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).open(path)
}

/// Writes `bytes` from offset 0 over what the file holds, then sets its length and
/// waits until it is on disk: until the length is set, a longer previous content
/// keeps its tail (a kill there leaves a mix, which the journal undoes).
pub(super) fn overwrite(f: &mut File, bytes: &[u8]) -> io::Result<()> {
    if crash_at("in-place-half") {
        f.write_all(&bytes[..bytes.len() / 2])?;
        f.sync_all()?;
        crash_point("in-place-half");
    }
    f.write_all(bytes)?;
    crash_point("in-place-written");
    f.set_len(bytes.len() as u64)?;
    f.sync_all()?;
    crash_point("in-place-synced");
    Ok(())
}

/// What [`recover`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// The file.
    pub path: PathBuf,
    /// The journal its previous content came from (now removed).
    pub journal: PathBuf,
}

impl std::fmt::Display for Recovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: an earlier save was interrupted while rewriting it in place; its previous content was put back from {}",
            self.path.display(),
            self.journal.display()
        )
    }
}

/// Puts back the previous content of `target` (a resolved path) when an in-place
/// rewrite was interrupted (its journal is there). Call it holding the file's lock
/// (`lock::acquire`), before reading the file: no other ossec-ar is saving it then.
/// `Ok(None)` when there was nothing to do, or the file already held that content.
pub(super) fn recover(target: &Path) -> Result<Option<Recovered>, SaveError> {
    let journal = journal_path(target);
    let previous = match fs::read(&journal) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("read the journal", &journal)(e)),
    };
    let now = fs::read(target).map_err(io_err("re-read", target))?;
    let changed = now != previous;
    if changed {
        let put_back = |f: &mut File, b: &[u8]| {
            if crash_at("recover-half") {
                f.write_all(&b[..b.len() / 2])?;
                f.sync_all()?;
                crash_point("recover-half");
            }
            overwrite(f, b)
        };
        rewrite(target, &previous, &now, &journal, put_back)?;
    }
    fs::remove_file(&journal).map_err(io_err("remove the journal", &journal))?;
    if let Some(dir) = target.parent() {
        sync_dir(dir)?;
    }
    Ok(changed.then(|| Recovered {
        path: target.to_path_buf(),
        journal,
    }))
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
            overwrite(f, bytes)
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
    fn a_shorter_content_written_over_a_longer_one_leaves_no_tail() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("ossec.conf");
        fs::write(&p, "a much longer old content\n").expect("write");
        rewrite(&p, b"new\n", b"unused", &p, overwrite).expect("rewrite");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new\n");
    }

    #[test]
    fn recovery_puts_the_journal_back_and_removes_it() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("ossec.conf");
        fs::write(&p, "new hal").expect("a torn file");
        fs::write(journal_path(&p), "old content\n").expect("journal");
        let r = recover(&p).expect("recover").expect("something done");
        assert_eq!(fs::read_to_string(&p).expect("read"), "old content\n");
        assert!(!journal_path(&p).exists());
        assert!(r.to_string().contains("put back from"), "{r}");
        assert_eq!(recover(&p).expect("again"), None, "nothing left to do");
    }
}
