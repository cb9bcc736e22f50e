//! Opening the files the tool reads: regular files only, and whole-file reads capped
//! in size (docs/limits.md).
//!
//! A FIFO blocks `open` until a writer comes and a device such as `/dev/zero` never
//! ends, so a config, a rule file or an alerts file that is one of them would hang the
//! tool or fill the memory. Files are opened with `O_NONBLOCK` (so opening a FIFO
//! returns at once; it changes nothing for a regular file) and refused unless the
//! opened file is a regular one. A leaf module: it imports nothing of the crate.

use std::fs::File;
use std::io::{Error, ErrorKind, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Largest XML file (a configuration, a rule or decoder file) read whole: 4 MiB.
/// Real ones are tens of kilobytes (the largest shipped rule file is 120 KB); memory
/// is at most about 50 times the input (a file made only of `<a/>`), so the cap
/// keeps a hostile file under about 250 MB (docs/limits.md).
pub const MAX_XML: u64 = 4 << 20;

/// Largest other file read whole (a CDB list's text, a desired-state JSON): 256 MiB.
pub const MAX_OTHER: u64 = 256 << 20;

/// Opens `path` for reading, refusing anything but a regular file with an error
/// that says what it is (kind `InvalidInput`).
pub fn open(path: &Path) -> std::io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    let what = if kind.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, "is a directory"));
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!("is {what}, not a regular file"),
    ))
}

/// Reads a whole regular file of at most `max` bytes; a larger one is refused
/// (kind `FileTooLarge`) before anything is read.
pub fn read(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let file = open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Err(too_large(size, max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow while it is read: never past the cap.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// The error for a file over the cap, in words.
fn too_large(size: u64, max: u64) -> Error {
    Error::new(
        ErrorKind::FileTooLarge,
        format!("is too large ({size} bytes; the limit is {})", human(max)),
    )
}

/// A size in MiB when it is a whole number of them, else in bytes.
fn human(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("f");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let err = open(&fifo).expect_err("a FIFO");
        assert_eq!(
            err.to_string(),
            "is a named pipe (FIFO), not a regular file"
        );
    }

    #[test]
    fn a_device_and_a_directory_are_refused() {
        let err = read(Path::new("/dev/zero"), MAX_XML).expect_err("a device");
        assert_eq!(err.to_string(), "is a character device, not a regular file");
        let err = read(Path::new("/"), MAX_XML).expect_err("a directory");
        assert_eq!(err.kind(), ErrorKind::IsADirectory);
    }

    #[test]
    fn a_file_over_the_cap_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'x'; 2048]).expect("write");
        let err = read(&p, 1024).expect_err("too large");
        assert_eq!(
            err.to_string(),
            "is too large (2048 bytes; the limit is 1024 bytes)"
        );
        assert_eq!(read(&p, 2048).expect("at the cap").len(), 2048);
    }
}
