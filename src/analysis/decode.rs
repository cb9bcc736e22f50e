//! Decoding an event (`DecodeEvent`, `src/analysisd/decoders/decoder.c`;
//! docs/analysis-decoders.md "Matching"): one root list, the first root that passes is
//! final, then its children, then the regex phase over a same-name group.

use rustc_hash::FxHashMap;

use super::accumulate::Accumulator;
use super::event::{Category, DecodedBy, Event};
use super::plugins::{self, Offsets, c_str};
use crate::pattern::{Prefilter, Present};
use crate::rules::decoders::{Decoder, DecoderSet, ORDER_SIZE, Offset, OrderField, Plugin, Root};

/// What a logtest session keeps between events for the decoders.
#[derive(Debug, Default)]
pub struct DecodeState {
    /// The accumulator store (`acm_store`, one per session).
    pub accumulator: Accumulator,
    /// Decoder types changed by the SonicWall and OSSEC-alert plugins: they write the
    /// shared decoder's `type`, so the change lasts for the session.
    pub type_changes: FxHashMap<usize, Category>,
}

impl DecodeState {
    /// The current type of a decoder.
    pub(crate) fn category(&self, set: &DecoderSet, index: usize) -> Category {
        self.type_changes
            .get(&index)
            .copied()
            .unwrap_or(set.decoder(index).category)
    }

    /// The steps of decoding that read or write the session: the type a plugin gave
    /// the decoder, the event's category, the accumulator. Run on the events in
    /// input order.
    pub fn finish(&mut self, set: &DecoderSet, event: &mut Event, pending: Pending) {
        let Some(info) = pending.info else {
            return;
        };
        if let Some(category) = pending.type_change {
            self.type_changes.insert(info, category);
        }
        event.category = self.category(set, info);
        let d = set.decoder(info);
        if d.accumulate {
            self.accumulator.accumulate(event, &d.name);
        }
    }
}

/// What [`decode_event`] leaves to [`DecodeState::finish`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Pending {
    /// The `decoder_info` index, when a root decoder matched.
    info: Option<usize>,
    /// The type a plugin set for that decoder (the last one, if several ran).
    type_change: Option<Category>,
}

/// Decodes `event` (its `log`, `program_name`) with `set`: fills `decoder`,
/// `category`, the fields, and runs the accumulator when the decoder has
/// `<accumulate>`.
pub fn decode(set: &DecoderSet, state: &mut DecodeState, event: &mut Event) {
    let pending = decode_event(set, event);
    state.finish(set, event, pending);
}

/// The part of [`decode`] that reads no session state, so that any thread can run
/// it on any line: the decoder tree and its plugins. The category stays syslog
/// until [`DecodeState::finish`].
pub fn decode_event(set: &DecoderSet, event: &mut Event) -> Pending {
    // Every step reads `log` as a C string: cut once here, no step need look for
    // its end again (a plugin that replaces it takes a part of it).
    if let Some(nul) = memchr::memchr(0, &event.log) {
        event.log.truncate(nul);
    }
    let pn = event.program_name.is_some();
    let roots = if pn { set.pn_roots() } else { set.nopn_roots() };
    event.decoder = None;
    event.category = Category::Syslog;
    // The pieces of `log`, for the prefilters of the roots and of the matched
    // root's children, then of the rules: taken in the decoding threads rather
    // than the one that matches rules.
    let present = Present::of(&event.log);
    let (found, pieces) = decode_roots(set, event, roots, set.root_filter(pn), present);
    event.pieces = Some(pieces);
    let Some((info, type_change)) = found else {
        return Pending::default();
    };
    let d = set.decoder(info);
    event.decoder = Some(DecodedBy {
        index: info,
        name: d.name.clone(),
        parent: d.parent.clone(),
        id: d.id,
        fts: d.fts.clone(),
        ftscomment: d.ftscomment.clone(),
        accumulate: d.accumulate,
    });
    Pending {
        info: Some(info),
        type_change,
    }
}

/// Step 1: the roots in order; returns the `decoder_info` index and the type a
/// plugin gave it, and `present`, the pieces of `log` (new ones if a plugin
/// replaced it).
fn decode_roots(
    set: &DecoderSet,
    event: &mut Event,
    roots: &[Root],
    filter: &Prefilter,
    present: Present,
) -> (Option<(usize, Option<Category>)>, Present) {
    // Which prematches certainly miss `log`, from its pieces; which program names
    // certainly miss the event's, from one pass.
    let names = set.program_name_filter();
    let pn = event.program_name.as_deref().map(c_str);
    let pn_present = pn.map(Present::of);
    for (i, root) in roots.iter().enumerate() {
        let d = set.decoder(root.decoder);
        let mut pmatch = None;
        if let Some(pn) = pn {
            if pn_present.as_ref().is_some_and(|p| !names.may_match(i, p))
                || !d.program_name.as_ref().is_some_and(|e| e.is_match_cut(pn))
            {
                continue;
            }
            pmatch = Some(0);
        }
        if let Some(prematch) = &d.prematch {
            let log = &event.log[..];
            if !filter.may_match(i, &present) {
                continue;
            }
            let Some(m) = prematch.exec_cut(log) else {
                continue;
            };
            pmatch = Some(m.next);
        }
        let mut walk = Walk {
            set,
            info: root.decoder,
            pmatch,
            cmatch: None,
            after_parent: None,
            after_prematch: pmatch,
            filter: (!root.children.is_empty()).then_some(&root.filter),
            present,
            type_change: None,
        };
        walk.children_then_regex(event, root);
        return (Some((walk.info, walk.type_change)), walk.present);
    }
    (None, present)
}

/// The pointers of one decoding (`pmatch`, `cmatch`, `log_after_parent`).
struct Walk<'s> {
    set: &'s DecoderSet,
    /// `decoder_info`.
    info: usize,
    pmatch: Option<usize>,
    cmatch: Option<usize>,
    after_parent: Option<usize>,
    /// `log_after_prematch`: the root's pmatch, then the matching child's.
    after_prematch: Option<usize>,
    /// The root's prefilter over its children (prematch `2i`, regex `2i + 1`), and
    /// the pieces of the whole log: a literal absent from the log is absent from
    /// every part of it.
    filter: Option<&'s Prefilter>,
    present: Present,
    /// The type a plugin set for `decoder_info`.
    type_change: Option<Category>,
}

impl Walk<'_> {
    /// Which alternatives of expression `at` of the root's prefilter may match
    /// `log` (see [`Prefilter::alternatives`]); none: it certainly misses.
    fn alternatives(&self, at: usize) -> u64 {
        self.filter
            .map_or(u64::MAX, |filter| filter.alternatives(at, &self.present))
    }

    /// Step 2 (children) then step 3 (regex phase).
    fn children_then_regex(&mut self, event: &mut Event, root: &Root) {
        let root_only = [root.decoder];
        let list: &[usize] = if root.children.is_empty() {
            &root_only
        } else {
            &root.children
        };
        let start = if root.children.is_empty() {
            Some(0)
        } else {
            self.pick_child(event, list)
        };
        if let Some(start) = start {
            self.regex_phase(event, list, start);
        }
    }

    /// The first child taken: a matching prematch, or no prematch at all.
    fn pick_child(&mut self, event: &Event, list: &[usize]) -> Option<usize> {
        let log = &event.log[..];
        let mut i = 0;
        while i < list.len() {
            let d = self.set.decoder(list[i]);
            let Some(prematch) = &d.prematch else {
                self.cmatch = self.pmatch;
                return Some(i);
            };
            let base = match d.prematch_offset {
                Offset::AfterParent => self.pmatch,
                _ => Some(0),
            };
            let may = self.alternatives(2 * i);
            let found = base
                .filter(|&b| b <= log.len() && may != 0)
                .and_then(|b| prematch.exec_cut_in(&log[b..], may).map(|m| b + m.next));
            if let Some(cmatch) = found {
                self.info = list[i];
                self.after_parent = self.pmatch;
                self.cmatch = Some(cmatch);
                self.after_prematch = Some(cmatch);
                return Some(i);
            }
            if d.get_next {
                // Skip the rest of this same-name group.
                i += 1;
                while i < list.len() && self.set.decoder(list[i]).get_next {
                    i += 1;
                }
            }
            i += 1;
        }
        None
    }

    /// Step 3 from `list[i]`: a plugin, or a regex whose captures go to `order`; then
    /// on to the next sibling while `get_next`.
    fn regex_phase(&mut self, event: &mut Event, list: &[usize], mut i: usize) {
        let mut regex_prev: Option<usize> = None;
        while let Some(&index) = list.get(i) {
            let d = self.set.decoder(index);
            if let Some(plugin) = d.plugin {
                let offsets = Offsets {
                    after_parent: self.after_parent,
                    after_prematch: self.after_prematch,
                };
                if let Some(category) = plugins::run(plugin, self.set, self.info, event, offsets) {
                    self.type_change = Some(category);
                }
                if plugin == Plugin::OssecAlert {
                    // It replaces `log` with the alert's own line.
                    self.present = Present::of(&event.log);
                }
            } else if let Some(regex) = &d.regex {
                let base = match d.regex_offset {
                    Offset::AfterParent => self.pmatch,
                    Offset::AfterPrematch => self.cmatch,
                    Offset::AfterRegex => regex_prev.or(self.cmatch),
                    Offset::None => Some(0),
                };
                let log = &event.log[..];
                let may = self.alternatives(2 * i + 1);
                let found = base
                    .filter(|&b| b <= log.len() && may != 0)
                    .and_then(|b| regex.exec_cut_in(&log[b..], may).map(|m| (b, m)));
                let Some((base, m)) = found else {
                    if d.get_next {
                        i += 1;
                        continue;
                    }
                    return;
                };
                regex_prev = Some(base + m.next);
                if event.dynamic.len() >= ORDER_SIZE {
                    return;
                }
                assign(d, event, base, &m.captures);
            } else {
                return;
            }
            if !d.get_next {
                return;
            }
            i += 1;
        }
    }
}

/// Capture *i* (a range of `log` from `base`) goes to `order[i]`; extra captures
/// are dropped, and no dynamic field is added past `decoder_order_size`.
fn assign(d: &Decoder, event: &mut Event, base: usize, values: &[std::ops::Range<usize>]) {
    // Room for the dynamic fields at once, rather than growing at each.
    let (fields, bytes) = d
        .order
        .iter()
        .zip(values)
        .filter_map(|(field, range)| match field {
            OrderField::Dynamic(name) => Some(name.len() + range.len()),
            OrderField::Static(_) => None,
        })
        .fold((0, 0), |(n, b), len| (n + 1, b + len));
    event.dynamic.reserve(fields, bytes);
    for (field, range) in d.order.iter().zip(values) {
        let value = event
            .log
            .get(base + range.start..base + range.end)
            .unwrap_or_default();
        match field {
            OrderField::Static(f) => {
                let value = value.to_vec();
                event.set(*f, value);
            }
            OrderField::Dynamic(name) => {
                if event.dynamic.len() < ORDER_SIZE {
                    event.dynamic.push(name.as_bytes(), value);
                }
            }
        }
    }
}
