//! What the editor shows from the loaded rules: how many rules a trigger binds (the
//! docs/editor.md "Fields"'s counts), and the choices of the group and rule-id pickers.

use std::cell::RefCell;
use std::collections::HashMap;

use super::popup::Choice;
use super::strings as s;
use crate::model::{Field, Level};
use crate::rules::RuleSet;
use crate::simulate::{Binding, count_matches};

/// How many loaded rules a trigger binds (Wazuh's `(level AND group) OR ids`,
/// docs/wazuh-config.md §4.2); values as typed, `None` or empty for "not set".
pub(crate) fn bound(
    rules: &RuleSet,
    level: Option<&str>,
    group: Option<&str>,
    ids: Option<&str>,
) -> usize {
    let level = level
        .and_then(Level::parse)
        .map(Level::get)
        .filter(|l| *l > 0);
    count_matches(rules, level, group, ids)
}

/// A trigger as typed: level, `rules_group`, `rules_id` (`None`: not set).
pub(crate) type CountKey = [Option<String>; 3];

/// The counts [`bound`] made, by trigger values: drawing asks for the same counts on
/// every key. A count whose `rules_group` is costly to match
/// ([`super::matching::costly`]) is not made on the frame: it is noted as wanted
/// and a background job makes it (docs/editor.md "Matching"). Only the editor's
/// loaded rules are counted, and they never change in a session.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    memo: RefCell<HashMap<CountKey, usize>>,
    wanted: RefCell<Vec<CountKey>>,
    /// The simulator pane's last costly binding, by revision and response index.
    binding: RefCell<Option<(BindKey, Binding)>>,
    /// The costly binding the simulator pane asked for.
    wanted_binding: RefCell<Option<BindKey>>,
}

/// A document revision and the index of a response, whose binding a job made.
pub(crate) type BindKey = (u64, usize);

impl Counts {
    /// [`bound`], remembered; `None` while a costly count waits for its job.
    pub(crate) fn bound(
        &self,
        rules: &RuleSet,
        level: Option<&str>,
        group: Option<&str>,
        ids: Option<&str>,
    ) -> Option<usize> {
        let key = [level, group, ids].map(|v| v.map(str::to_owned));
        if let Some(&n) = self.memo.borrow().get(&key) {
            return Some(n);
        }
        if group.is_some_and(|g| super::matching::costly(rules, g)) {
            let mut wanted = self.wanted.borrow_mut();
            if !wanted.contains(&key) {
                wanted.push(key);
            }
            return None;
        }
        let n = bound(rules, level, group, ids);
        self.insert(key, n);
        Some(n)
    }

    /// Remembers a count (made here or by a job).
    pub(crate) fn insert(&self, key: CountKey, n: usize) {
        let mut memo = self.memo.borrow_mut();
        // Typing makes a new value per key: keep the memo small.
        if memo.len() >= 256 {
            memo.clear();
        }
        memo.insert(key, n);
    }

    /// The costly counts drawing asked for since the last call.
    pub(crate) fn take_wanted(&self) -> Vec<CountKey> {
        std::mem::take(&mut *self.wanted.borrow_mut())
    }

    /// Are costly counts or a binding waiting to be asked for?
    pub(crate) fn any_wanted(&self) -> bool {
        !self.wanted.borrow().is_empty() || self.wanted_binding.borrow().is_some()
    }

    /// The binding a job made for `key`, or `None` (then noted as wanted).
    pub(crate) fn binding(&self, key: BindKey) -> Option<Binding> {
        match &*self.binding.borrow() {
            Some((k, b)) if *k == key => return Some(b.clone()),
            _ => {}
        }
        *self.wanted_binding.borrow_mut() = Some(key);
        None
    }

    /// Keeps a binding a job made.
    pub(crate) fn set_binding(&self, key: BindKey, binding: Binding) {
        *self.binding.borrow_mut() = Some((key, binding));
    }

    /// The binding the simulator pane asked for since the last call.
    pub(crate) fn take_wanted_binding(&self) -> Option<BindKey> {
        self.wanted_binding.borrow_mut().take()
    }
}

/// One field's own count, shown beside its value: the rules a level reaches, the
/// rules a group pattern matches, or the ids that are not loaded.
pub(crate) fn field_count(
    rules: &RuleSet,
    counts: &Counts,
    field: Field,
    value: &str,
) -> Option<String> {
    match field {
        Field::Level => Some(counted(counts.bound(rules, Some(value), None, None))),
        Field::RulesGroup => Some(counted(counts.bound(rules, None, Some(value), None))),
        Field::RulesId => {
            let unknown: Vec<i64> = crate::model::rules_id_numbers(value)
                .into_iter()
                .filter(|id| {
                    u32::try_from(*id)
                        .ok()
                        .and_then(|id| rules.get(id))
                        .is_none()
                })
                .collect();
            Some(if unknown.is_empty() {
                s::ALL_IDS_KNOWN.to_string()
            } else {
                s::unknown_ids(&unknown)
            })
        }
        _ => None,
    }
}

/// "N rules", or "matching…" while a job counts them.
fn counted(n: Option<usize>) -> String {
    n.map_or_else(|| s::MATCHING.to_string(), s::rules_count)
}

/// Every group of the loaded rules that can trigger a response, with how many rules
/// carry it, most used first (the wizard's and form's group picker).
pub(crate) fn group_choices(rules: &RuleSet) -> Vec<Choice> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in rules.iter().filter(|r| r.can_trigger()) {
        for g in r.groups() {
            *counts.entry(g.trim()).or_default() += 1;
        }
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().filter(|(g, _)| !g.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .map(|(g, n)| Choice::new(g, &s::rules_count(n)))
        .collect()
}

/// Every loaded rule that can trigger a response, by id, with its level and
/// description (the rule-id picker searches both).
pub(crate) fn id_choices(rules: &RuleSet) -> Vec<Choice> {
    let mut v: Vec<Choice> = rules
        .iter()
        .filter(|r| r.can_trigger())
        .map(|r| Choice::new(&r.id.to_string(), &s::rule_line(r.level, &r.description)))
        .collect();
    v.sort_by_key(|c| c.value.parse::<u32>().unwrap_or(u32::MAX));
    v
}

/// Appends a picked group or id to what is typed, with the separator the daemon
/// reads: `|` between groups (alternation), `,` between ids.
pub(crate) fn append(field: Field, typed: &str, picked: &str) -> String {
    let sep = if field == Field::RulesGroup { "|" } else { "," };
    // A separator typed already is not doubled (an empty alternative matches all).
    if typed.is_empty() || typed.trim_end().ends_with(sep) {
        format!("{typed}{picked}")
    } else {
        format!("{typed}{sep}{picked}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        crate::rules::load_texts([(
            "0100-test_rules.xml",
            "<group name=\"syslog,sshd,\">\n<rule id=\"100\" level=\"0\"><description>parent</description></rule>\n<rule id=\"101\" level=\"5\"><if_sid>100</if_sid><description>failed password</description><group>authentication_failed,</group></rule>\n<rule id=\"102\" level=\"10\"><if_sid>100</if_sid><description>brute force</description><group>authentication_failures,</group></rule>\n</group>\n",
        )])
        .rules
    }

    #[test]
    fn counts_follow_the_binding_rules() {
        let r = rules();
        assert_eq!(
            bound(&r, Some("5"), None, None),
            2,
            "101 and 102; 100 is level 0"
        );
        assert_eq!(bound(&r, Some("10"), Some("sshd"), None), 1);
        assert_eq!(
            bound(&r, None, None, Some("100,101")),
            1,
            "100 never triggers"
        );
        assert_eq!(
            field_count(&r, &Counts::default(), Field::RulesId, "101,999").as_deref(),
            Some("not loaded: 999")
        );
    }

    #[test]
    fn pickers_offer_groups_by_use_and_rules_by_id() {
        let r = rules();
        let groups: Vec<String> = group_choices(&r).into_iter().map(|c| c.value).collect();
        assert_eq!(
            groups,
            [
                "sshd",
                "syslog",
                "authentication_failed",
                "authentication_failures"
            ]
        );
        let ids: Vec<String> = id_choices(&r).into_iter().map(|c| c.value).collect();
        assert_eq!(ids, ["101", "102"]);
        assert_eq!(append(Field::RulesGroup, "sshd", "web"), "sshd|web");
        assert_eq!(append(Field::RulesId, "", "101"), "101");
        assert_eq!(append(Field::RulesId, "100,", "101"), "100,101");
        assert_eq!(append(Field::RulesGroup, "sshd|", "web"), "sshd|web");
    }
}
