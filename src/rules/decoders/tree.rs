//! The decoder tree (`decoders_list.c`, `OS_AddOSDecoder`/`_OS_AddOSDecoder`) and the
//! ids (`decode-xml.c`, `os_setdecoderids`); docs/analysis-decoders.md "Tree".

use std::sync::Arc;

use super::read::{PatternSpec, Spec};
use super::{Decoder, DecoderSet, Offset, Root};
use crate::pattern::Expression;

/// Adds the decoders of one file in order; on the first error the set is put back
/// as it was before the file and the error (line, message) returned.
pub(super) fn add_file(
    set: &mut DecoderSet,
    file: usize,
    specs: Vec<Spec>,
) -> Result<(), (usize, String)> {
    let saved = (set.decoders.len(), set.pn.clone(), set.nopn.clone());
    let saved_next: Vec<bool> = set.decoders.iter().map(|d| d.get_next).collect();
    for spec in specs {
        let line = spec.line;
        if let Err(message) = compile(spec, (file, line)).and_then(|d| add(set, d)) {
            set.decoders.truncate(saved.0);
            set.pn = saved.1;
            set.nopn = saved.2;
            for (d, next) in set.decoders.iter_mut().zip(saved_next) {
                d.get_next = next;
            }
            return Err((line, message));
        }
    }
    Ok(())
}

fn compile_one(p: Option<PatternSpec>) -> Result<Option<Expression>, String> {
    p.map(|p| {
        Expression::compile(p.engine, &p.text)
            .map_err(|e| format!("Syntax error on regex: '{}': {e}", p.text))
    })
    .transpose()
}

/// Compiles the patterns (prematch, program_name, regex, in the daemon's order) and
/// refuses a plugin with a regex or order (`DECODE_ADD`).
fn compile(spec: Spec, origin: (usize, usize)) -> Result<Decoder, String> {
    let prematch = compile_one(spec.prematch)?;
    let program_name = compile_one(spec.program_name)?;
    let regex = compile_one(spec.regex)?;
    if spec.plugin.is_some() && (regex.is_some() || spec.order.is_some()) {
        return Err(format!(
            "decoder '{}': a plugin_decoder cannot have a regex or an order",
            spec.name
        ));
    }
    Ok(Decoder {
        name: spec.name.as_str().into(),
        own_name: spec.name,
        parent: spec.parent.map(Into::into),
        id: 0,
        program_name,
        prematch,
        prematch_offset: spec.prematch_offset,
        regex,
        regex_offset: spec.regex_offset,
        order: spec.order.unwrap_or_default(),
        plugin: spec.plugin,
        plugin_offset: spec.plugin_offset,
        category: spec.category,
        use_own_name: spec.use_own_name,
        json_null: spec.json_null,
        json_array: spec.json_array,
        fts: spec.fts.into(),
        ftscomment: spec.ftscomment.map(Into::into),
        accumulate: spec.accumulate,
        get_next: false,
        origin,
    })
}

/// `OS_AddOSDecoder`: a root goes at the end of its list; a child is appended under
/// every root (of both lists, pn first) named by its parent.
fn add(set: &mut DecoderSet, decoder: Decoder) -> Result<(), String> {
    let index = set.decoders.len();
    let parent = decoder.parent.clone();
    let in_pn = decoder.program_name.is_some();
    set.decoders.push(decoder);
    let Some(parent) = parent else {
        if set.decoders[index].regex_offset == Offset::AfterRegex {
            return Err("regex offset after_regex on a root".into());
        }
        let list = if in_pn { &mut set.pn } else { &mut set.nopn };
        list.push(Root {
            decoder: index,
            children: Vec::new(),
            filter: crate::pattern::Prefilter::default(),
        });
        return Ok(());
    };
    let mut added = false;
    for in_pn_list in [true, false] {
        let count = if in_pn_list {
            set.pn.len()
        } else {
            set.nopn.len()
        };
        for r in 0..count {
            let list = if in_pn_list { &set.pn } else { &set.nopn };
            if set.decoders[list[r].decoder].own_name.as_str() != &*parent {
                continue;
            }
            let children = list[r].children.clone();
            add_child(&mut set.decoders, &children, index)?;
            let list = if in_pn_list {
                &mut set.pn
            } else {
                &mut set.nopn
            };
            list[r].children.push(index);
            added = true;
        }
    }
    if added {
        Ok(())
    } else {
        Err(format!(
            "parent decoder '{parent}' not found (it must be a root loaded before)"
        ))
    }
}

/// `_OS_AddOSDecoder` for a child list: the same-name checks and `get_next`.
fn add_child(decoders: &mut [Decoder], children: &[usize], new: usize) -> Result<(), String> {
    let name = decoders[new].own_name.clone();
    let new_matches = decoders[new].regex.is_some() || decoders[new].plugin.is_some();
    let mut offset_ok = false;
    for &c in children {
        if decoders[c].own_name != name {
            continue;
        }
        let sibling = &decoders[c];
        if (sibling.prematch.is_some() || sibling.regex.is_some())
            && decoders[new].regex_offset != Offset::None
        {
            offset_ok = true;
        }
        if decoders[new].prematch.is_some() {
            return Err(format!(
                "decoder '{name}': a later same-name child cannot have a prematch"
            ));
        }
        if !decoders[new].fts.is_empty() {
            return Err(format!(
                "decoder '{name}': a later same-name child cannot have fts"
            ));
        }
        if (sibling.regex.is_some() || sibling.plugin.is_some()) && new_matches {
            decoders[c].get_next = true;
        } else {
            return Err(format!(
                "decoder '{name}': duplicate child without regex or plugin"
            ));
        }
    }
    if !offset_ok && decoders[new].regex_offset == Offset::AfterRegex {
        return Err(format!(
            "decoder '{name}': after_regex needs an earlier same-name sibling with a prematch or regex"
        ));
    }
    Ok(())
}

/// `SetDecodeXML`: the sorted distinct names (internal ones included) give the ids;
/// a child without `use_own_name` takes its parent's name and id.
pub(super) fn set_ids(set: &mut DecoderSet) {
    let mut names: Vec<String> = set.decoders.iter().map(|d| d.own_name.clone()).collect();
    names.extend(super::INTERNAL_NAMES.iter().map(|s| s.to_string()));
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    names.dedup();
    set.names = names;
    let roots: Vec<(usize, Vec<usize>)> = (set.nopn.iter().chain(set.pn.iter()))
        .map(|r| (r.decoder, r.children.clone()))
        .collect();
    for (root, children) in roots {
        let root_name: Arc<str> = set.decoders[root].own_name.as_str().into();
        let root_id = set.id_of(&root_name).unwrap_or(0);
        set.decoders[root].id = root_id;
        for c in children {
            let own_id = set.id_of(&set.decoders[c].own_name).unwrap_or(0);
            let d = &mut set.decoders[c];
            if d.use_own_name {
                d.id = own_id;
                d.name = d.own_name.as_str().into();
            } else {
                d.id = root_id;
                d.name = root_name.clone();
            }
        }
    }
}
