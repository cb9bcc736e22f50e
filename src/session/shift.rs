//! Block numbers move when a block is added or removed: a finding about response 3
//! before deleting response 1 is about response 2 after. These shifts let the CLI and
//! the TUI tell the errors an edit added from the ones the file had (docs/choices.md).

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::model::{BlockRef, Diagnostic, Severity};

/// One change of numbering: a block of one kind added or removed at a 1-based index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// Among commands (`true`) or responses.
    pub command: bool,
    /// The index of the added or removed block.
    pub at: usize,
    /// Removed (`true`) or added.
    pub removed: bool,
}

impl Shift {
    /// The shift that undoes this one.
    pub fn inverse(self) -> Shift {
        Shift {
            removed: !self.removed,
            ..self
        }
    }
}

/// Pushes `s` on a path of shifts, cancelling it against the last one when it undoes
/// it (an undo brings the same block back, so its old findings stay old).
pub(super) fn push(path: &mut Vec<Shift>, s: Shift) {
    if path.last() == Some(&s.inverse()) {
        path.pop();
    } else {
        path.push(s);
    }
}

/// A finding's block in the numbering after the shifts; `None` when the block is gone.
pub fn renumber(block: Option<BlockRef>, shifts: &[Shift]) -> Option<Option<BlockRef>> {
    let mut b = block;
    for s in shifts {
        let (i, is_command) = match b {
            Some(BlockRef::Command(i)) => (i, true),
            Some(BlockRef::Response(i)) => (i, false),
            None => return Some(None),
        };
        if is_command != s.command {
            continue;
        }
        let j = match (s.removed, i.cmp(&s.at)) {
            (true, Ordering::Equal) => return None,
            (true, Ordering::Greater) => i - 1,
            (false, Ordering::Greater | Ordering::Equal) => i + 1,
            _ => i,
        };
        b = Some(if is_command {
            BlockRef::Command(j)
        } else {
            BlockRef::Response(j)
        });
    }
    Some(b)
}

/// Errors of `after` that `before` did not have, compared by code and block once the
/// blocks of `before` are renumbered by `shifts` (docs/choices.md: old errors do not block).
pub fn new_errors<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
    shifts: &[Shift],
) -> Vec<&'a Diagnostic> {
    new_findings(before, after, shifts)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// Findings of `after`, of any severity, that `before` did not have, compared by
/// severity, code and block once the blocks of `before` are renumbered by `shifts`.
pub fn new_findings<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
    shifts: &[Shift],
) -> Vec<&'a Diagnostic> {
    let mut had: HashMap<(Severity, &str, Option<BlockRef>), usize> = HashMap::new();
    for d in before {
        if let Some(block) = renumber(d.block, shifts) {
            *had.entry((d.severity, d.code, block)).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for d in after {
        match had.get_mut(&(d.severity, d.code, d.block)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(d),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rm(command: bool, at: usize) -> Shift {
        Shift {
            command,
            at,
            removed: true,
        }
    }

    #[test]
    fn findings_follow_their_block_across_adds_and_removes() {
        let rm2 = [rm(false, 2)];
        assert_eq!(
            renumber(Some(BlockRef::Response(3)), &rm2),
            Some(Some(BlockRef::Response(2)))
        );
        assert_eq!(renumber(Some(BlockRef::Response(2)), &rm2), None);
        assert_eq!(
            renumber(Some(BlockRef::Command(3)), &rm2),
            Some(Some(BlockRef::Command(3)))
        );
        let add1 = [rm(true, 1).inverse()];
        assert_eq!(
            renumber(Some(BlockRef::Command(1)), &add1),
            Some(Some(BlockRef::Command(2)))
        );
        assert_eq!(renumber(None, &add1), Some(None));
    }

    #[test]
    fn only_errors_the_edit_adds_count() {
        let d = |code, block| Diagnostic {
            severity: Severity::Error,
            code,
            message: String::new(),
            offset: 0,
            block,
        };
        let before = [d("a", Some(BlockRef::Response(3)))];
        let after = [
            d("a", Some(BlockRef::Response(2))),
            d("b", Some(BlockRef::Response(1))),
        ];
        let added = new_errors(&before, &after, &[rm(false, 1)]);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].code, "b");
    }

    #[test]
    fn an_undo_cancels_its_shift() {
        let mut path = vec![rm(false, 2)];
        push(&mut path, rm(false, 2).inverse());
        assert!(path.is_empty());
        push(&mut path, rm(false, 1));
        push(&mut path, rm(false, 1));
        assert_eq!(path.len(), 2);
    }
}
