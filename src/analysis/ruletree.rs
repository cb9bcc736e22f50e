//! The rule tree (docs/analysis-rules.md "Tree"): rules read file by file and hung
//! under their parents the way `OS_AddChild`, `_AddtoRule`, `_OS_AddRule`,
//! `OS_AddRuleInfo`, `OS_MarkID` and `OS_MarkGroup` do (`src/analysisd/rules_list.c`,
//! `src/analysisd/rules.c`).
//!
//! A rule may hang under several parents (`if_group`, `if_level`, several `if_sid`
//! ids): each place is a separate node with its own children, as in the daemon.

mod build;

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::pattern::Prefilter;
use crate::rules::Problem;
use crate::rules::def::RuleDef;
use crate::rules::lists::Lists;

/// One place of a rule in the tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The rule, an index into [`RuleTree::rule`].
    pub(crate) rule: usize,
    /// Children in evaluation order.
    pub(crate) children: Vec<usize>,
    /// The parent node (None for a root).
    pub(crate) parent: Option<usize>,
}

/// How a context rule finds its earlier events (`event_search`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Search {
    /// Not a context rule.
    None,
    /// `if_matched_sid`: the list of the named rule (None when that rule was not
    /// loaded before this one: the search always fails).
    Sids(Option<usize>),
    /// `if_matched_group`: this rule's own list.
    Groups(usize),
    /// Any other context rule: the last-events list.
    Events,
}

/// What the tree adds to a rule: where its firings are stored and how it searches.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// `sid_prev_matched`: the list this rule's firings go to (some later rule has
    /// `if_matched_sid` naming it).
    pub(crate) sid_list: Option<usize>,
    /// `group_prev_matched`: lists of `if_matched_group` rules whose pattern
    /// matched this rule's groups (one entry per node matched, duplicates kept).
    pub(crate) group_lists: Vec<usize>,
    /// The search.
    pub(crate) search: Search,
    /// The daemon's `context` flag after loading (`check_diff` alone clears it).
    pub(crate) context: bool,
}

/// The loaded rules and their tree.
#[derive(Debug, Default)]
pub struct RuleTree {
    pub(crate) rules: Vec<RuleDef>,
    pub(crate) links: Vec<Links>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) roots: Vec<usize>,
    pub(crate) by_id: HashMap<u32, usize>,
    /// Every node of every rule id, detached ones included (loading only: the
    /// `if_sid` lookup of `build.rs`).
    pub(crate) nodes_of_id: HashMap<u32, Vec<usize>>,
    /// Loading takes no shortcut: it walks the whole tree for `if_sid` as
    /// `_AddtoRule` does instead of using `nodes_of_id`, and does not use
    /// `group_cache` (tests compare both).
    pub(crate) reference: bool,
    /// `OS_WordMatch(if_group, group)` by pattern, then by rule index (loading only:
    /// each `if_group` rule walks the whole tree; cleared for a rule overwritten).
    pub(crate) group_cache: HashMap<String, Vec<Option<bool>>>,
    /// The `group_cache` entry of the `if_group` being walked, taken out of the map
    /// so that the walk does not hash the pattern at every node.
    pub(crate) group_hits: Vec<Option<bool>>,
    /// Number of event lists the rules use (`if_matched_sid`/`if_matched_group`).
    pub(crate) list_count: usize,
    /// The largest stored `frequency` of any rule read (`_max_freq`).
    pub(crate) max_freq: u32,
    /// Per node with many children, what evaluation reads of them to skip those
    /// that cannot match; each built when an event first reaches the node, so that
    /// loading does not pay for nodes no event reaches.
    pub(crate) child_index: FxHashMap<usize, OnceLock<ChildIndex>>,
}

/// The children of one node as evaluation first tests them, kept apart from the
/// rule definitions: a child's `decoded_as` decides most events without reading the
/// rest of the rule, and the literals its `<match>` or `<regex>` needs decide most
/// of the others (docs/analysis-rules.md "Skipping children"). Position `i` is
/// `children[i]`.
#[derive(Debug, Default)]
pub(crate) struct ChildIndex {
    /// Per child: its `decoded_as` id.
    pub(crate) decoded_as: Vec<Option<u32>>,
    /// Per child: a `<match>` or `<regex>` it tests on `log` and that is not
    /// negated: a `log` without any of its needles fails the child at that option,
    /// after options that only read the event.
    pub(crate) filter: Prefilter,
    /// Per child: its `<program_name>`, else a `<field>` condition it has, whose
    /// pattern needs one of some literals: a value holding none of them, or none
    /// at all, fails the child (many siblings test the same field, say
    /// `win.system.eventID`, or the program name, each for other values).
    pub(crate) field_tests: Vec<Option<FieldTest>>,
    /// The field names `field_tests` read, each once.
    pub(crate) field_names: Vec<String>,
}

/// See [`ChildIndex::field_tests`].
#[derive(Debug)]
pub(crate) struct FieldTest {
    /// Index into [`ChildIndex::field_names`]; None: the program name.
    pub(crate) field: Option<usize>,
    /// The literals (lower case) of which every match holds one, ASCII case folded.
    pub(crate) needles: Vec<Vec<u8>>,
}

/// Builds the tree from rule files given in the daemon's order (sorted by bare file
/// name). `decoder_id` resolves `decoded_as`; a name it does not know fails the file,
/// as in the daemon. Problems are returned; the tree holds what could be read.
pub fn build(
    files: &[(PathBuf, String)],
    lists: &Lists,
    decoder_id: &dyn Fn(&str) -> Option<u32>,
) -> (RuleTree, Vec<Problem>) {
    build::build(files, lists, decoder_id, false)
}

/// [`build`] without shortcuts, walking the whole tree for every `if_sid` id as the
/// daemon does (the reference the indexed lookup and the cache are tested against).
#[cfg(test)]
pub(crate) fn build_walking(
    files: &[(PathBuf, String)],
    lists: &Lists,
    decoder_id: &dyn Fn(&str) -> Option<u32>,
) -> (RuleTree, Vec<Problem>) {
    build::build(files, lists, decoder_id, true)
}

impl RuleTree {
    /// The rule at an index.
    pub fn rule(&self, index: usize) -> &RuleDef {
        &self.rules[index]
    }

    /// The index of the rule with this id.
    pub fn by_id(&self, id: u32) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// Number of rules loaded.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// No rule loaded?
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Number of nodes: what analysisd logs as "Total rules enabled" (a rule hung
    /// under several parents counts once per place).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The root rules, in evaluation order.
    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        self.roots.iter().map(|&n| self.nodes[n].rule)
    }

    /// The children of a rule's first place in the tree, in evaluation order.
    pub fn children(&self, index: usize) -> Vec<usize> {
        self.first_node(index)
            .map(|n| {
                self.nodes[n]
                    .children
                    .iter()
                    .map(|&c| self.nodes[c].rule)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The parent chain of a rule's first place in the tree, from the root down to
    /// its parent (for display: the `if_sid`/`if_group` path that reaches it).
    pub fn parents(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.first_node(index).and_then(|n| self.nodes[n].parent);
        while let Some(n) = at {
            out.push(self.nodes[n].rule);
            at = self.nodes[n].parent;
        }
        out.reverse();
        out
    }

    /// Every parent rule under which this rule hangs (one per place).
    pub fn all_parents(&self, index: usize) -> Vec<Option<usize>> {
        self.nodes
            .iter()
            .filter(|n| n.rule == index)
            .map(|n| n.parent.map(|p| self.nodes[p].rule))
            .collect()
    }

    /// The `frequency` the output prints for this rule: the attribute (2 when
    /// absent), only for rules that search earlier events (`event_search`).
    pub fn output_frequency(&self, index: usize) -> Option<u32> {
        (self.links[index].search != Search::None).then(|| self.rules[index].frequency + 2)
    }

    fn first_node(&self, index: usize) -> Option<usize> {
        self.nodes.iter().position(|n| n.rule == index)
    }
}

#[cfg(test)]
mod def_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_index;
