//! The search of a context rule through earlier events (docs/analysis-rules.md
//! "Context rules"; `Search_LastSids`, `Search_LastGroups`, `Search_LastEvents`,
//! `same_loop`, `different_loop` in `src/analysisd/eventinfo.c`).

use super::event::{Event, StaticField};
use super::ruletree::{RuleTree, Search};
use super::state::RuleState;
use crate::rules::def::{RuleDef, field_bits as fb};

/// The static field behind each `field_bits` position (`field_offset` in
/// `eventinfo.c`): srcip, id, dstip, srcport, dstport, srcuser, user (dstuser),
/// protocol, action, url, data, extra_data, status, system_name, srcgeoip,
/// dstgeoip, location.
fn field_at(event: &Event, bit: usize) -> Option<&[u8]> {
    use StaticField as F;
    let f = match bit {
        0 => F::SrcIp,
        1 => F::Id,
        2 => F::DstIp,
        3 => F::SrcPort,
        4 => F::DstPort,
        5 => F::SrcUser,
        6 => F::DstUser,
        7 => F::Protocol,
        8 => F::Action,
        9 => F::Url,
        10 => F::Data,
        11 => F::ExtraData,
        12 => F::Status,
        13 => F::SystemName,
        16 => return Some(&event.location),
        // No GeoIP: srcgeoip and dstgeoip are never set.
        _ => return None,
    };
    event.get(f)
}

/// `same_loop`: every `same_*` static field (srcip and id are checked apart) must be
/// present in both and equal.
fn same_loop(rule: &RuleDef, old: &Event, now: &Event) -> bool {
    (2..fb::N_FIELDS)
        .filter(|&i| rule.ctx.same & (1 << i) != 0)
        .all(|i| matches!((field_at(old, i), field_at(now, i)), (Some(a), Some(b)) if a == b))
}

/// `different_loop`: no `different_*` field (srcip and id included) may be present
/// in both and equal.
fn different_loop(rule: &RuleDef, old: &Event, now: &Event) -> bool {
    (0..fb::N_FIELDS)
        .filter(|&i| rule.ctx.different & (1 << i) != 0)
        .all(|i| !matches!((field_at(old, i), field_at(now, i)), (Some(a), Some(b)) if a == b))
}

/// Both events have the field and it is equal (`strcmp`).
fn same_static(old: &Event, now: &Event, f: StaticField) -> bool {
    matches!((old.get(f), now.get(f)), (Some(a), Some(b)) if a == b)
}

/// The dynamic `same_field` / `different_field` checks.
fn dynamic_ok(rule: &RuleDef, old: &Event, now: &Event) -> bool {
    let equal = |name: &str| matches!((now.dynamic(name.as_bytes()), old.dynamic(name.as_bytes())), (Some(a), Some(b)) if a == b);
    if !rule.ctx.same_fields.is_empty() {
        if now.dynamic.is_empty() || old.dynamic.is_empty() {
            return false;
        }
        if !rule.ctx.same_fields.iter().all(|n| equal(n)) {
            return false;
        }
    }
    if !rule.ctx.different_fields.is_empty() {
        if now.dynamic.is_empty() && old.dynamic.is_empty() {
            return false;
        }
        if rule.ctx.different_fields.iter().any(|n| equal(n)) {
            return false;
        }
    }
    true
}

/// Whether an earlier event may be counted (every "skip it" test).
fn candidate(rule: &RuleDef, search: Search, old: &Event, now: &Event) -> bool {
    if !rule.ctx.global_frequency && old.agent_id != now.agent_id {
        return false;
    }
    if search == Search::Events {
        if old.category != now.category {
            return false;
        }
        if let Some(re) = &rule.ctx.if_matched_regex
            && !re.is_match_cut(cstr(&old.log))
        {
            return false;
        }
    }
    if rule.ctx.same & fb::ID != 0 && !same_static(old, now, StaticField::Id) {
        return false;
    }
    if rule.ctx.same & fb::SRCIP != 0 && !same_static(old, now, StaticField::SrcIp) {
        return false;
    }
    same_loop(rule, old, now) && different_loop(rule, old, now) && dynamic_ok(rule, old, now)
}

/// A C string: the bytes before the first NUL.
pub(crate) use super::plugins::c_str as cstr;

/// What a search needs from the evaluation in progress.
pub(crate) struct Current<'a> {
    pub(crate) event: &'a Event,
    /// The current event's `matched` stamp.
    pub(crate) matched: &'a mut u32,
    /// `last_events`: full logs of counted events, for `previous_output`.
    pub(crate) previous: &'a mut Vec<Vec<u8>>,
}

/// Runs the search of a context rule; true when enough earlier events were found.
/// On success the current event and the newest counted one are stamped with the
/// rule's level.
pub(crate) fn search(
    tree: &RuleTree,
    state: &mut RuleState,
    rule: usize,
    cur: &mut Current<'_>,
) -> bool {
    let def = tree.rule(rule);
    let search = tree.links[rule].search;
    let ids: Vec<u64> = match search {
        Search::None | Search::Sids(None) => return false,
        Search::Sids(Some(list)) | Search::Groups(list) => state
            .lists
            .get(list)
            .map(|l| l.iter().rev().copied().collect())
            .unwrap_or_default(),
        Search::Events => state.newest_first(),
    };
    let now = cur.event.time;
    let mut count = 0u32;
    let mut first: Option<u64> = None;
    let mut previous = Vec::new();
    for id in ids {
        let Some(old) = state.get(id) else { continue };
        if now - old.event.time > i64::from(def.timeframe) {
            return false;
        }
        if !candidate(def, search, &old.event, cur.event) {
            continue;
        }
        if old.matched >= def.level {
            return false;
        }
        let counting = count < def.frequency;
        // Sids/Groups record every counted event; Events only those not final.
        if (counting || search != Search::Events) && count <= 10 && previous.len() == count as usize
        {
            previous.push(old.event.full_log.clone());
        }
        if counting {
            count += 1;
            first.get_or_insert(id);
            continue;
        }
        *cur.matched = def.level;
        if let Some(s) = first.and_then(|f| state.get_mut(f)) {
            s.matched = def.level;
        }
        if cur.previous.is_empty() {
            *cur.previous = previous;
        }
        return true;
    }
    false
}
