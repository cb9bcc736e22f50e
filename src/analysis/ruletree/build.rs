//! Loading rules into the tree (docs/analysis-rules.md "Tree";
//! `src/analysisd/rules_list.c`, end of `Rules_OP_ReadRules` in `rules.c`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{ChildIndex, FieldTest, Links, Node, RuleTree, Search};
use crate::model::Severity;
use crate::pattern::{Prefilter, word_match};
use crate::rules::def::{Cond, FileRules, RuleDef, RuleEnv, Step};
use crate::rules::lists::Lists;
use crate::rules::{Problem, codes};

/// What `_AddtoRule` looks for.
#[derive(Clone, Copy)]
enum Key<'a> {
    /// `if_sid` (one id).
    Sid(u32),
    /// `if_group`.
    Group(&'a str),
    /// `if_level` (scaled).
    Level(u32),
    /// None of them: the first root of the rule's category.
    Category,
}

/// Where a list of sibling nodes lives.
#[derive(Clone, Copy)]
enum Place {
    Roots,
    Children(usize),
}

pub(super) fn build(
    files: &[(PathBuf, String)],
    lists: &Lists,
    decoder_id: &dyn Fn(&str) -> Option<u32>,
    reference: bool,
) -> (RuleTree, Vec<Problem>) {
    let mut tree = RuleTree {
        reference,
        ..RuleTree::default()
    };
    let mut problems = Vec::new();
    for (path, text) in files {
        let mut file = FileRules::open(path, text, &mut problems);
        loop {
            let step = {
                let exists = |id: u32| tree.by_id.contains_key(&id);
                let env = RuleEnv {
                    exists: &exists,
                    decoder_id,
                    lists,
                };
                file.next_rule(&env, &mut problems)
            };
            match step {
                None | Some(Step::Failed) => break,
                Some(Step::Skipped) => {}
                Some(Step::Rule(def)) => tree.add(*def, path, &mut problems),
            }
        }
    }
    tree.child_index = (0..tree.nodes.len())
        .filter(|&n| tree.nodes[n].children.len() >= INDEXED_CHILDREN)
        .map(|n| (n, OnceLock::new()))
        .collect();
    (tree, problems)
}

/// The fewest children worth a [`ChildIndex`].
const INDEXED_CHILDREN: usize = 8;

impl RuleTree {
    /// The [`ChildIndex`] of a node with many children, built the first time.
    pub(crate) fn child_index(&self, node: usize) -> Option<&ChildIndex> {
        let cell = self.child_index.get(&node)?;
        Some(cell.get_or_init(|| {
            let children = &self.nodes[node].children;
            let defs = || children.iter().map(|&n| &self.rules[self.nodes[n].rule]);
            let mut field_names: Vec<String> = Vec::new();
            let needles = |c: &Cond| (!c.negate).then(|| c.expr.required()).flatten();
            let field_tests = defs()
                .map(|d| {
                    if let Some(needles) = d.program_name.as_ref().and_then(needles) {
                        return Some(FieldTest {
                            field: None,
                            needles,
                        });
                    }
                    let (f, needles) =
                        d.fields.iter().find_map(|f| Some((f, needles(&f.cond)?)))?;
                    let name = match field_names.iter().position(|n| *n == f.name) {
                        Some(i) => i,
                        None => {
                            field_names.push(f.name.clone());
                            field_names.len() - 1
                        }
                    };
                    Some(FieldTest {
                        field: Some(name),
                        needles,
                    })
                })
                .collect();
            ChildIndex {
                field_tests,
                field_names,
                decoded_as: defs().map(|d| d.decoded_as).collect(),
                filter: Prefilter::new(defs().map(|d| {
                    [&d.match_, &d.regex]
                        .into_iter()
                        .flatten()
                        .find(|c| !c.negate)
                        .map(|c| &c.expr)
                })),
            }
        }))
    }

    fn list(&self, place: Place) -> &[usize] {
        match place {
            Place::Roots => &self.roots,
            Place::Children(n) => &self.nodes[n].children,
        }
    }

    /// Adds a rule read in full (the end of `Rules_OP_ReadRules`).
    fn add(&mut self, def: RuleDef, path: &Path, problems: &mut Vec<Problem>) {
        self.max_freq = self.max_freq.max(def.frequency);
        let line = def.origin.1;
        // A message citing a parent that is not found is `rule-parent-not-found`;
        // the other warnings of the tree are `rule-ignored` (src/rules/codes.rs).
        let mut warn = |message: String| {
            let parent = ["(7608)", "(7610)", "(7611)", "(7617)", "(7619)", "(7620)"];
            let code = if parent.iter().any(|n| message.starts_with(n)) {
                &codes::PARENT_NOT_FOUND
            } else {
                &codes::IGNORED
            };
            problems.push(Problem {
                file: path.to_path_buf(),
                position: Some((line, 1)),
                severity: Severity::Warning,
                code,
                message,
            });
        };
        // Ids below 10 are always added as roots, even with overwrite (rules.c).
        if def.overwrite
            && def.id >= 10
            && let Some(i) = self.by_id(def.id)
        {
            self.overwrite(i, def, &mut warn);
            return;
        }
        let index = self.rules.len();
        let (id, context) = (def.id, def.ctx.context);
        self.rules.push(def);
        self.links.push(Links {
            sid_list: None,
            group_lists: Vec::new(),
            search: Search::None,
            context,
        });
        let added = if id < 10 {
            self.insert(Place::Roots, index, None);
            true
        } else {
            self.add_child(index, &mut warn)
        };
        if !added {
            self.rules.pop();
            self.links.pop();
            return;
        }
        // The hash keeps the first rule of an id (AddHash_Rule).
        self.by_id.entry(id).or_insert(index);
        self.set_search(index);
    }

    /// `OS_AddChild`: hangs the rule under its parents; false when it is dropped.
    fn add_child(&mut self, index: usize, warn: &mut dyn FnMut(String)) -> bool {
        let def = &self.rules[index];
        let (id, matched_sid) = (def.id, def.ctx.if_matched_sid);
        if let Some(if_sid) = def.if_sid.clone() {
            let mut added = false;
            for sid in if_sid_ids(&if_sid) {
                let key = if sid == 0 {
                    Key::Category
                } else {
                    Key::Sid(sid)
                };
                let hit = match key {
                    Key::Sid(sid) if !self.reference => self.add_to_sid(sid, index),
                    _ => self.add_to(Place::Roots, key, index),
                };
                if hit {
                    added = true;
                } else if matched_sid != 0 {
                    warn(format!(
                        "(7620): Signature ID '{sid}' was not found. Invalid 'if_matched_sid'. Rule '{id}' will be ignored."
                    ));
                    self.unhang(index);
                    return false;
                } else {
                    warn(format!(
                        "(7617): Signature ID '{sid}' was not found and will be ignored in the 'if_sid' option of rule '{id}'."
                    ));
                }
            }
            if !added {
                warn(format!(
                    "(7619): Empty 'if_sid' value. Rule '{id}' will be ignored."
                ));
            }
            return added;
        }
        if let Some(level) = def.if_level.clone() {
            let l = level
                .bytes()
                .take_while(u8::is_ascii_digit)
                .fold(0u32, |n, b| {
                    n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
                });
            if l == 0 {
                warn(format!(
                    "(7609): Invalid 'if_level' value: '{level}'. Rule '{id}' will be ignored."
                ));
                return false;
            }
            let scaled = l.saturating_mul(100);
            let ok = self.add_to(Place::Roots, Key::Level(scaled), index);
            if !ok {
                warn(format!(
                    "(7608): Level ID '{scaled}' was not found. Invalid 'if_level'. Rule '{id}' will be ignored."
                ));
            }
            return ok;
        }
        if let Some(group) = def.if_group.clone() {
            if !self.reference {
                self.group_hits = self.group_cache.remove(&group).unwrap_or_default();
            }
            let ok = self.add_to(Place::Roots, Key::Group(&group), index);
            if !self.reference {
                let hits = std::mem::take(&mut self.group_hits);
                self.group_cache.insert(group.clone(), hits);
            }
            if !ok {
                warn(format!(
                    "(7610): Group '{group}' was not found. Invalid 'if_group'. Rule '{id}' will be ignored."
                ));
            }
            return ok;
        }
        let ok = self.add_to(Place::Roots, Key::Category, index);
        if !ok {
            warn(format!(
                "(7611): Category was not found. Invalid 'category'. Rule '{id}' will be ignored."
            ));
        }
        ok
    }

    /// Removes every node of a rule that is being dropped.
    fn unhang(&mut self, index: usize) {
        let gone: Vec<usize> = (0..self.nodes.len())
            .filter(|&n| self.nodes[n].rule == index)
            .collect();
        for node in &mut self.nodes {
            node.children.retain(|c| !gone.contains(c));
        }
        self.roots.retain(|c| !gone.contains(c));
    }

    /// `_AddtoRule` over one sibling list, depth first.
    fn add_to(&mut self, place: Place, key: Key<'_>, index: usize) -> bool {
        let mut found = false;
        let mut i = 0;
        while let Some(&node) = self.list(place).get(i) {
            i += 1;
            let other = self.nodes[node].rule;
            let same_rule = self.rules[other].id == self.rules[index].id;
            match key {
                Key::Sid(sid) => {
                    if self.rules[other].id == sid {
                        self.rules[index].category = self.rules[other].category;
                        self.insert(Place::Children(node), index, Some(node));
                        return true;
                    }
                }
                Key::Group(g) => {
                    if !same_rule && self.group_matches(g, other) {
                        self.insert(Place::Children(node), index, Some(node));
                        found = true;
                    }
                }
                Key::Level(l) => {
                    if !same_rule && self.rules[other].sort_level >= l {
                        self.insert(Place::Children(node), index, Some(node));
                        found = true;
                    }
                }
                Key::Category => {
                    if self.rules[other].category != self.rules[index].category {
                        continue;
                    }
                    self.insert(Place::Children(node), index, Some(node));
                    return true;
                }
            }
            if !self.nodes[node].children.is_empty()
                && self.add_to(Place::Children(node), key, index)
            {
                found = true;
            }
        }
        found
    }

    /// `_AddtoRule` for one `if_sid` id without walking the tree. The walk stops a
    /// sibling list at its first node with that id (hanging the rule there) and does
    /// not descend into it, but goes on in the lists above. So a node with the id is
    /// hit iff neither it nor any ancestor has an earlier sibling with the id and no
    /// ancestor has the id. Hits are taken in depth-first order, as the walk meets
    /// them (the last one sets the category).
    fn add_to_sid(&mut self, sid: u32, index: usize) -> bool {
        let Some(candidates) = self.nodes_of_id.get(&sid) else {
            return false;
        };
        let mut hits: Vec<(Vec<usize>, usize)> = candidates
            .iter()
            .filter_map(|&n| self.sid_hit_path(n, sid).map(|path| (path, n)))
            .collect();
        // No hit is an ancestor of another, so inserting under one moves no other.
        hits.sort();
        for &(_, node) in &hits {
            self.rules[index].category = self.rules[self.nodes[node].rule].category;
            self.insert(Place::Children(node), index, Some(node));
        }
        !hits.is_empty()
    }

    /// The positions from the roots down to `node` if the `if_sid` walk for `sid`
    /// hits it (see [`RuleTree::add_to_sid`]); None when it does not or the node
    /// was removed from the tree.
    fn sid_hit_path(&self, node: usize, sid: u32) -> Option<Vec<usize>> {
        let id_of = |n: usize| self.rules[self.nodes[n].rule].id;
        let mut path = Vec::new();
        let mut at = node;
        loop {
            let parent = self.nodes[at].parent;
            let list = match parent {
                Some(p) => &self.nodes[p].children,
                None => &self.roots,
            };
            let pos = list.iter().position(|&n| n == at)?;
            if list[..pos].iter().any(|&n| id_of(n) == sid) {
                return None;
            }
            path.push(pos);
            match parent {
                Some(p) if id_of(p) == sid => return None,
                Some(p) => at = p,
                None => break,
            }
        }
        path.reverse();
        Some(path)
    }

    /// `OS_WordMatch(pattern, group of rule)`, remembered per rule in `group_hits`
    /// (the entry of `group_cache` for the pattern being walked).
    fn group_matches(&mut self, pattern: &str, rule: usize) -> bool {
        if self.reference {
            return word_match(pattern, self.rules[rule].group.as_bytes());
        }
        if let Some(Some(hit)) = self.group_hits.get(rule) {
            return *hit;
        }
        let hit = word_match(pattern, self.rules[rule].group.as_bytes());
        if self.group_hits.len() <= rule {
            self.group_hits.resize(rule + 1, None);
        }
        self.group_hits[rule] = Some(hit);
        hit
    }

    /// `_OS_AddRule`: a new node goes before the first sibling with a strictly
    /// lower scaled level.
    fn insert(&mut self, place: Place, index: usize, parent: Option<usize>) {
        let node = self.nodes.len();
        self.nodes.push(Node {
            rule: index,
            children: Vec::new(),
            parent,
        });
        self.nodes_of_id
            .entry(self.rules[index].id)
            .or_default()
            .push(node);
        let level = self.rules[index].sort_level;
        let at = self
            .list(place)
            .iter()
            .position(|&n| level > self.rules[self.nodes[n].rule].sort_level);
        let list = match place {
            Place::Roots => &mut self.roots,
            Place::Children(n) => &mut self.nodes[n].children,
        };
        match at {
            Some(at) => list.insert(at, node),
            None => list.push(node),
        }
    }

    /// Sets `event_search` and marks the lists (`OS_MarkID`, `OS_MarkGroup`).
    fn set_search(&mut self, index: usize) {
        let ctx = &self.rules[index].ctx;
        let search = if ctx.if_matched_sid != 0 {
            Search::Sids(self.mark_id(ctx.if_matched_sid))
        } else if ctx.if_matched_group.is_some() {
            let list = self.new_list();
            self.mark_group(index, list);
            Search::Groups(list)
        } else if ctx.context {
            if ctx.check_diff {
                self.links[index].context = false;
                Search::None
            } else {
                Search::Events
            }
        } else {
            Search::None
        };
        self.links[index].search = search;
    }

    fn new_list(&mut self) -> usize {
        self.list_count += 1;
        self.list_count - 1
    }

    /// `OS_MarkID`: the list of the rule named by `if_matched_sid`, created if
    /// needed; None when that rule is not in the tree.
    fn mark_id(&mut self, sid: u32) -> Option<usize> {
        let target = self.by_id(sid)?;
        if let Some(l) = self.links[target].sid_list {
            return Some(l);
        }
        let list = self.new_list();
        self.links[target].sid_list = Some(list);
        Some(list)
    }

    /// `OS_MarkGroup`: every node whose group string OSMatches the pattern gets the
    /// list (once per node, so a rule in two places gets it twice).
    fn mark_group(&mut self, index: usize, list: usize) {
        let mut hits = Vec::new();
        if let Some(pattern) = &self.rules[index].ctx.if_matched_group {
            for node in self.dfs() {
                let rule = self.nodes[node].rule;
                if pattern.is_match(self.rules[rule].group.as_bytes()) {
                    hits.push(rule);
                }
            }
        }
        for rule in hits {
            self.links[rule].group_lists.push(list);
        }
    }

    /// Every node in depth-first order (siblings in order, children after their
    /// parent).
    fn dfs(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }

    /// `OS_AddRuleInfo`: a rule with `overwrite="yes"` replaces the contents of the
    /// existing one in place; its place, children, parents and searched lists stay.
    fn overwrite(&mut self, i: usize, mut new: RuleDef, warn: &mut dyn FnMut(String)) {
        let id = new.id;
        let old = &mut self.rules[i];
        if new.if_sid.is_some() && new.ctx.if_matched_sid == 0 && old.if_sid != new.if_sid {
            warn(overwrite_warning("if_sid", id));
        }
        // The daemon frees `if_group` once a rule is hung, so any new one warns.
        if new.if_group.is_some() && new.ctx.if_matched_group_raw.is_none() {
            warn(overwrite_warning("if_group", id));
        }
        if new.if_level.is_some() && old.if_level != new.if_level {
            warn(overwrite_warning("if_level", id));
        }
        if new.ctx.if_matched_group_raw.is_some()
            && old.ctx.if_matched_group_raw != new.ctx.if_matched_group_raw
        {
            warn(overwrite_warning("if_matched_group", id));
        }
        if new.ctx.if_matched_sid != 0 && old.ctx.if_matched_sid != new.ctx.if_matched_sid {
            warn(overwrite_warning("if_matched_sid", id));
        }
        new.if_sid = old.if_sid.take();
        new.if_level = old.if_level.take();
        new.if_group = old.if_group.take();
        new.ctx.if_matched_sid = old.ctx.if_matched_sid;
        new.ctx.if_matched_group = old.ctx.if_matched_group.take();
        new.ctx.if_matched_group_raw = old.ctx.if_matched_group_raw.take();
        self.links[i].context = new.ctx.context;
        *old = new;
        for hits in self.group_cache.values_mut() {
            if let Some(hit) = hits.get_mut(i) {
                *hit = None;
            }
        }
    }
}

fn overwrite_warning(what: &str, id: u32) -> String {
    format!(
        "(7605): It is not possible to overwrite '{what}' value in rule '{id}'. The original value is retained."
    )
}

/// The ids of an `if_sid`, as `OS_AddChild` walks it: separated by commas and
/// spaces; a trailing separator yields a final 0 (`atoi("")`), which hangs the rule
/// under the first root of its category too.
fn if_sid_ids(s: &str) -> Vec<u32> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut in_id = false;
    for i in 0..=bytes.len() {
        match bytes.get(i) {
            Some(b',') | Some(b' ') => in_id = false,
            Some(b) if b.is_ascii_digit() && !in_id => {
                in_id = true;
                let n = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .fold(0u32, |n, b| {
                        n.wrapping_mul(10).wrapping_add(u32::from(b - b'0'))
                    });
                out.push(n);
            }
            None if !in_id => out.push(0),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::if_sid_ids;

    #[test]
    fn if_sid_walk_with_trailing_separator() {
        assert_eq!(if_sid_ids("5700"), vec![5700]);
        assert_eq!(if_sid_ids("5700, 5701"), vec![5700, 5701]);
        assert_eq!(if_sid_ids("5700,"), vec![5700, 0]);
        assert_eq!(if_sid_ids(" 1 2"), vec![1, 2]);
    }
}
