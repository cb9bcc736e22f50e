//! What a save keeps of the file besides its bytes: extended attributes, POSIX ACLs
//! among them (docs/ARCHITECTURE.md "Saving").
//!
//! Through the `xattr` crate: safe wrappers of `flistxattr`/`fgetxattr`/`fsetxattr` on
//! an open file, so this crate keeps no `unsafe` of its own. An ACL is two of these
//! attributes (`system.posix_acl_access`, and `system.posix_acl_default` on
//! directories only), in the kernel's binary form, so copying the attributes copies
//! the ACL without parsing it.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;

use xattr::FileExt;

/// The attribute that holds a file's POSIX access ACL.
const ACL_ACCESS: &str = "system.posix_acl_access";

/// The extended attributes of a file, names and values.
#[derive(Debug, Clone, Default)]
pub(super) struct Xattrs(Vec<(OsString, Vec<u8>)>);

/// Which attributes [`Xattrs::apply`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    /// All of them: the file that replaces the original, or a backup that keeps the
    /// original's owner.
    All,
    /// All but the ACL: a private backup (mode 0600, owned by whoever saves), to which
    /// an ACL would give again the access its mode takes away.
    NoAcl,
}

impl Xattrs {
    /// The attributes of `file` that this process can read. A file system without
    /// extended attributes has none; an attribute that vanishes or cannot be read
    /// meanwhile is left out (the in-place path keeps it anyway when the copy fails).
    pub(super) fn read(file: &File) -> io::Result<Xattrs> {
        let names = match file.list_xattr() {
            Ok(names) => names,
            Err(e) if unsupported(&e) => return Ok(Xattrs::default()),
            Err(e) => return Err(e),
        };
        let mut all = Vec::new();
        for name in names {
            if let Ok(Some(value)) = file.get_xattr(&name) {
                all.push((name, value));
            }
        }
        Ok(Xattrs(all))
    }

    /// Makes the attributes of `to` (a file this process just created) these: removes
    /// what it got on creation and the original lacks (an ACL inherited from the
    /// directory's default ACL), then sets each. Returns the name of the first one
    /// that could not be set (`security.*` or `trusted.*` without the privilege, a
    /// file system that takes no such attribute).
    pub(super) fn apply(&self, to: &File, which: Which) -> Result<(), String> {
        let wanted = |name: &OsStr| which == Which::All || name != ACL_ACCESS;
        if let Ok(present) = to.list_xattr() {
            for name in present {
                let kept = self.0.iter().any(|(n, _)| *n == name) && wanted(&name);
                if !kept {
                    // Best effort: what cannot be removed was not ours to remove.
                    let _ = to.remove_xattr(&name);
                }
            }
        }
        for (name, value) in self.0.iter().filter(|(n, _)| wanted(n)) {
            to.set_xattr(name, value)
                .map_err(|e| format!("{}: {e}", name.to_string_lossy()))?;
        }
        Ok(())
    }
}

/// The file system has no extended attributes at all.
fn unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported || e.raw_os_error() == Some(95) // EOPNOTSUPP / ENOTSUP on Linux
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_attributes_are_copied_and_extra_ones_removed() {
        let d = tempfile::tempdir().expect("tempdir");
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        std::fs::write(&a, "a").expect("write");
        std::fs::write(&b, "b").expect("write");
        let fa = File::open(&a).expect("open");
        let fb = std::fs::OpenOptions::new()
            .write(true)
            .open(&b)
            .expect("open");
        if fa.set_xattr("user.ossec-ar-test", b"kept").is_err() {
            crate::testing::skipped("this file system takes no user attributes");
            return;
        }
        fb.set_xattr("user.stray", b"gone").expect("set");
        let x = Xattrs::read(&fa).expect("read");
        x.apply(&fb, Which::All).expect("apply");
        assert_eq!(
            fb.get_xattr("user.ossec-ar-test").expect("get"),
            Some(b"kept".to_vec())
        );
        assert_eq!(fb.get_xattr("user.stray").expect("get"), None);
    }
}
