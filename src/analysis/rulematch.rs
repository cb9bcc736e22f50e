//! Matching an event against the rule tree (docs/analysis-rules.md "Matching";
//! `OS_CheckIfRuleMatch` in `src/analysisd/rules.c`, `w_logtest_rulesmatching_phase`
//! in `src/analysisd/logtest.c`).

mod checks;

use std::sync::Arc;

use super::context::{self, Current, cstr};
use super::event::Event;
use super::ruletree::{ChildIndex, FieldTest, RuleTree, Search};
use super::state::RuleState;
use crate::pattern::{Present, contains_ignore_case};
use crate::rules::lists::Lists;

/// The rule an event ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// The rule, an index into [`RuleTree::rule`].
    pub rule: usize,
    /// Its firing count in this session after this event (0 for a rule named by an
    /// OSSEC alert, which the output then leaves out).
    pub firedtimes: u32,
    /// The event was not stored (level 0, a repeat inside the `ignore` window, or a
    /// rule named by an OSSEC alert): logtest's `alert` is false.
    pub suppressed: bool,
    /// Full logs of the earlier events a context rule counted (`last_events`, the
    /// output's `previous_output`), or `check_diff`'s previous text.
    pub previous: Vec<Vec<u8>>,
    /// The previous `log` a `check_diff` rule compared with (`previous_log`).
    pub previous_log: Option<Vec<u8>>,
    /// The rules from the root down to the fired one, as they were passed.
    pub path: Vec<usize>,
}

/// One rule tried, for `logtest -v` (`rules_debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    /// The rule tried.
    pub rule: usize,
    /// The first option that failed, or None when the rule matched.
    pub failed: Option<&'static str>,
}

/// The evaluation in progress.
pub(crate) struct Eval<'a> {
    pub(crate) tree: &'a RuleTree,
    pub(crate) lists: &'a Lists,
    pub(crate) state: &'a mut RuleState,
    pub(crate) event: &'a Arc<Event>,
    /// The event's `log` up to its first NUL, as the conditions read it (cut once).
    pub(crate) log: &'a [u8],
    pub(crate) trace: Option<&'a mut Vec<TraceStep>>,
    pub(crate) matched: u32,
    pub(crate) previous: Vec<Vec<u8>>,
    pub(crate) previous_log: Option<Vec<u8>>,
    /// The pieces of `log` for the children prefilters, once one needs them.
    pub(crate) present: Option<Present>,
}

/// Runs the rules on a decoded event, as logtest does, and updates the session
/// state. None: no rule matched.
pub fn evaluate(
    tree: &RuleTree,
    lists: &Lists,
    state: &mut RuleState,
    event: &Arc<Event>,
    trace: Option<&mut Vec<TraceStep>>,
) -> Option<Fired> {
    evaluate_with(tree, lists, state, event, trace, None)
}

/// [`evaluate`] with the pieces of the event's `log` when decoding took them
/// (`Present`; they must be those of the `log` as it is now).
pub(crate) fn evaluate_with(
    tree: &RuleTree,
    lists: &Lists,
    state: &mut RuleState,
    event: &Arc<Event>,
    trace: Option<&mut Vec<TraceStep>>,
    pieces: Option<Present>,
) -> Option<Fired> {
    if let Some(id) = event.generated_rule {
        return tree.by_id(id).map(|rule| Fired {
            rule,
            firedtimes: 0,
            suppressed: true,
            previous: Vec::new(),
            previous_log: None,
            path: vec![rule],
        });
    }
    state.fit(tree);
    let mut ev = Eval {
        tree,
        lists,
        state,
        event,
        log: cstr(&event.log),
        trace,
        matched: 0,
        previous: Vec::new(),
        previous_log: None,
        present: pieces,
    };
    for &root in &tree.roots {
        if tree.rule(tree.nodes[root].rule).category != event.category {
            continue;
        }
        let mut path = Vec::new();
        if let Some(rule) = ev.check(root, &mut path) {
            path.reverse();
            return Some(ev.finish(rule, path));
        }
    }
    None
}

/// A field of the event, looked up once per node.
#[derive(Debug, Clone, Copy)]
enum Lookup<'e> {
    Pending,
    Done(Option<&'e [u8]>),
}

/// False when child `at` of `index` certainly fails its [`FieldTest`] on `event`.
/// `values` keeps the fields looked up, by name index.
fn field_may_match<'e>(
    event: &'e Event,
    index: &ChildIndex,
    at: usize,
    values: &mut [Lookup<'e>; 8],
) -> bool {
    let Some(Some(test)) = index.field_tests.get(at) else {
        return true;
    };
    let Some(field) = test.field else {
        return passes(test, event.program_name.as_deref());
    };
    let name = index.field_names[field].as_bytes();
    let value = match values.get_mut(field) {
        Some(Lookup::Done(value)) => *value,
        Some(slot) => {
            let value = event.dynamic(name);
            *slot = Lookup::Done(value);
            value
        }
        None => event.dynamic(name),
    };
    passes(test, value)
}

/// Whether `value` may pass `test`: a missing value fails the condition, negated or
/// not.
fn passes(test: &FieldTest, value: Option<&[u8]>) -> bool {
    value.is_some_and(|v| {
        let v = cstr(v);
        test.needles.iter().any(|n| contains_ignore_case(v, n))
    })
}

impl Eval<'_> {
    /// `OS_CheckIfRuleMatch` on one node: its conditions, then its children in
    /// order; the first child subtree that yields a rule wins.
    fn check(&mut self, node: usize, path: &mut Vec<usize>) -> Option<usize> {
        let rule = self.tree.nodes[node].rule;
        let failed = self.conditions(rule).err();
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(TraceStep { rule, failed });
        }
        if failed.is_some() {
            return None;
        }
        let tree = self.tree;
        let children = &tree.nodes[node].children;
        let decoder = self.event.decoder.as_ref().map(|d| d.id);
        // The trace names every child tried, so then none is skipped unread.
        let index = match self.trace {
            None => tree.child_index(node),
            Some(_) => None,
        };
        let open = index.map(|index| self.state.open_children(index, node, decoder));
        let tried = open.as_ref().map_or(children.len(), |open| open.len());
        // The values of the fields the children test, looked up once per name.
        let event: &Event = self.event;
        let mut values = [Lookup::Pending; 8];
        for k in 0..tried {
            let at = open.as_ref().map_or(k, |open| open[k]);
            // A child that fails a test fails whichever of its options is tested
            // first: skipping it only changes the trace, which has no index.
            if index.is_some_and(|i| !field_may_match(event, i, at, &mut values)) {
                continue;
            }
            // Decided on the literals alone: every option tested before `<match>` and
            // `<regex>` only reads the event.
            if index.is_some_and(|i| !i.filter.may_match_lazy(at, self.log, &mut self.present)) {
                continue;
            }
            if let Some(r) = self.check(children[at], path) {
                path.push(rule);
                return Some(r);
            }
        }
        if tree.rule(rule).options.noalert {
            return None;
        }
        self.state.firedtimes[rule] += 1;
        path.push(rule);
        Some(rule)
    }

    /// The context search of a rule, if it has one.
    fn context(&mut self, rule: usize) -> bool {
        let links = &self.tree.links[rule];
        // No search function (a rule that became a context rule by overwrite keeps
        // the old, absent one): nothing to check.
        if !links.context || self.tree.rule(rule).ctx.check_diff || links.search == Search::None {
            return true;
        }
        let mut previous = std::mem::take(&mut self.previous);
        let mut cur = Current {
            event: self.event,
            matched: &mut self.matched,
            previous: &mut previous,
        };
        let ok = context::search(self.tree, self.state, rule, &mut cur);
        self.previous = previous;
        ok
    }

    /// After a rule is chosen (`w_logtest_rulesmatching_phase`): level 0 and the
    /// ignore window store nothing; otherwise the event is kept for context rules.
    fn finish(self, rule: usize, path: Vec<usize>) -> Fired {
        let def = self.tree.rule(rule);
        let mut fired = Fired {
            rule,
            firedtimes: self.state.firedtimes[rule],
            suppressed: true,
            previous: self.previous,
            previous_log: self.previous_log,
            path,
        };
        if def.level == 0 {
            return fired;
        }
        let now = self.event.time;
        if def.ignore_time != 0 {
            let t = &mut self.state.time_ignored[rule];
            if *t == 0 {
                *t = now;
            } else if now - *t < i64::from(def.ignore_time) {
                return fired;
            } else {
                *t = 0;
            }
        }
        let id = self.state.push(Arc::clone(self.event), self.matched);
        let links = &self.tree.links[rule];
        if let Some(list) = links.sid_list {
            self.state.lists[list].push_back(id);
        } else {
            for &list in &links.group_lists {
                self.state.lists[list].push_back(id);
            }
        }
        fired.suppressed = false;
        fired
    }
}

#[cfg(test)]
mod tests;
