//! A root for a file that has none (an empty or plain-text file): guided creation
//! needs somewhere to add a block.

use crate::xml::Splice;

use super::apply::{Txn, container_end};
use super::op::{Change, EditError};

/// An empty `<ossec_config>` root after everything else, in the file's line ending;
/// the text before it is kept byte for byte.
pub(super) fn add_root(txn: &mut Txn) -> Result<Change, EditError> {
    if container_end(&txn.config()).is_ok() {
        return Ok(Change::default());
    }
    let src = txn.doc.source();
    let nl = if src.contains("\r\n") { "\r\n" } else { "\n" };
    let sep = if src.is_empty() || src.ends_with('\n') {
        ""
    } else {
        nl
    };
    let end = src.len();
    let text = format!("{sep}<ossec_config>{nl}</ossec_config>{nl}");
    txn.splice(vec![Splice {
        range: end..end,
        text,
    }])?;
    if container_end(&txn.config()).is_err() {
        return Err(EditError::NotReadBack(
            "the new <ossec_config> root is not read as one".into(),
        ));
    }
    Ok(Change {
        changed: true,
        ..Change::default()
    })
}
