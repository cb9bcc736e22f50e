//! The checks `ReadDecodeXML` makes once a decoder's options are read
//! (`src/analysisd/decoders/decode-xml.c`; docs/analysis-decoders.md "Validation").
//! Compilation and the tree's own checks come later ([`super::tree`]).

use super::Offset;
use super::read::Spec;

/// Refuses a decoder the daemon refuses; turns a root's `after_prematch` regex
/// offset into `after_parent`, as the daemon does.
pub(super) fn validate(spec: &mut Spec) -> Result<(), String> {
    let name = spec.name.clone();
    let fail = |why: &str| Err(format!("{why} (decoder '{name}')"));
    if spec.prematch.is_none() && spec.parent.is_none() && spec.program_name.is_none() {
        return fail("a decoder without parent needs a prematch or a program_name");
    }
    let has_regex = spec.regex.is_some();
    if (!has_regex && (!spec.fts.is_empty() || spec.order.is_some()))
        || (has_regex && spec.order.is_none())
    {
        return fail("regex and order go together, and fts needs a regex");
    }
    let has_parent = spec.parent.is_some();
    match spec.regex_offset {
        Offset::AfterParent if !has_parent => {
            return fail("regex offset after_parent needs a parent");
        }
        Offset::AfterPrematch if !has_parent => spec.regex_offset = Offset::AfterParent,
        Offset::AfterPrematch if spec.prematch.is_none() => {
            return fail("regex offset after_prematch needs a prematch");
        }
        Offset::AfterRegex if !has_parent || !has_regex => {
            return fail("regex offset after_regex needs a parent and a regex");
        }
        _ => {}
    }
    match spec.prematch_offset {
        Offset::None => {}
        Offset::AfterParent if has_parent => {}
        Offset::AfterParent => return fail("prematch offset after_parent needs a parent"),
        _ => return fail("a prematch offset can only be after_parent"),
    }
    match spec.plugin_offset {
        Offset::AfterParent if !has_parent => {
            return fail("plugin offset after_parent needs a parent");
        }
        Offset::AfterPrematch if spec.prematch.is_none() => {
            return fail("plugin offset after_prematch needs a prematch");
        }
        _ => {}
    }
    Ok(())
}
