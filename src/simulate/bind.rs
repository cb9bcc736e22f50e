//! Binding responses to rules, as `Rule_AddAR` does when the rules load
//! (docs/wazuh-config.md §4.1–§4.4, docs/ossec.md §6).

use super::responses::{ActiveResponse, ResponseState, Responses};
use crate::model::analysisd::{LOCAL_AR, REMOTE_AR};
use crate::model::osregex::OsRegex;
use crate::model::{Location, Profile, rules_id_numbers};
use crate::rules::{Rule, RuleSet};

/// A response's `rules_group`, as the binding reads it.
#[derive(Debug, Clone)]
enum Group {
    /// No `rules_group`.
    Unset,
    /// A pattern the daemon cannot compile: it is set, and matches nothing.
    Broken,
    /// A compiled pattern.
    Pattern(OsRegex),
}

impl Group {
    fn new(source: Option<&str>) -> Group {
        match source.map(OsRegex::compile) {
            None => Group::Unset,
            Some(None) => Group::Broken,
            Some(Some(re)) => Group::Pattern(re),
        }
    }
}

/// What a response is bound by: its `level`, `rules_group` and `rules_id`.
#[derive(Debug, Clone)]
pub struct Trigger {
    level: u8,
    group: Group,
    ids: Vec<i64>,
    profile: Profile,
}

impl Trigger {
    /// A trigger from the three values as written (`level` 0 = not set).
    pub fn new(level: u8, group: Option<&str>, ids: Option<&str>, profile: Profile) -> Trigger {
        Trigger {
            level,
            group: Group::new(group),
            ids: ids.map(rules_id_numbers).unwrap_or_default(),
            profile,
        }
    }

    /// The trigger of an accepted response.
    pub fn of(ar: &ActiveResponse, profile: Profile) -> Trigger {
        Trigger::new(
            ar.level,
            ar.rules_group.as_deref(),
            ar.rules_id.as_deref(),
            profile,
        )
    }

    /// Is `rule` bound? Wazuh: `(level AND group) OR id` when both level and group
    /// are set, `level OR group OR id` otherwise; OSSEC ORs all three. A rule whose
    /// real level is 0 or that has `no_ar` is never bound (§4.1).
    pub fn binds(&self, rule: &Rule) -> bool {
        if !rule.can_trigger() {
            return false;
        }
        let by_level = self.level != 0 && rule.ar_level >= self.level;
        // Evaluated only when needed: the regex is the costly part.
        let by_group = || match &self.group {
            Group::Pattern(re) => re.is_match(&rule.group),
            Group::Unset | Group::Broken => false,
        };
        let both_set = self.level != 0 && !matches!(self.group, Group::Unset);
        let by_both = if both_set && self.profile == Profile::Wazuh {
            by_level && by_group()
        } else {
            by_level || by_group()
        };
        by_both || self.ids.contains(&i64::from(rule.id))
    }

    /// The ids of the loaded rules it binds, ascending.
    pub fn bound_rules(&self, rules: &RuleSet) -> Vec<u32> {
        let mut ids: Vec<u32> = rules
            .iter()
            .filter(|r| self.binds(r))
            .map(|r| r.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The rule ids `rules_id` names, as the daemon's scanner reads them.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }
}

/// How many loaded rules a trigger being typed would bind (Wazuh semantics): for a
/// live count under a form field. `level` `None` or 0 means not set.
pub fn count_matches(
    rules: &RuleSet,
    level: Option<u8>,
    group: Option<&str>,
    ids: Option<&str>,
) -> usize {
    let t = Trigger::new(level.unwrap_or(0), group, ids, Profile::Wazuh);
    rules.iter().filter(|r| t.binds(r)).count()
}

/// One block's binding (docs/cli.md "simulate" binding mode; the TUI's simulator pane).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// 1-based block index.
    pub index: usize,
    /// Does the block yield a response at all?
    pub enabled: bool,
    /// The rules that trigger it, ascending (empty when not enabled).
    pub rules: Vec<u32>,
    /// Why it yields nothing, when not enabled.
    pub why_disabled: Option<String>,
    /// What else decides whether it runs (ignored timeout, missing queue bits).
    pub notes: Vec<String>,
}

/// Binds every block of `responses` against `rules`.
pub fn bind_responses(responses: &Responses, rules: &RuleSet) -> Vec<Binding> {
    responses
        .blocks
        .iter()
        .map(|b| match b {
            ResponseState::Active(ar) => Binding {
                index: ar.index,
                enabled: true,
                rules: Trigger::of(ar, responses.profile).bound_rules(rules),
                why_disabled: None,
                notes: binding_notes(ar, responses),
            },
            ResponseState::Inactive { index, reason, .. } => Binding {
                index: *index,
                enabled: false,
                rules: Vec::new(),
                why_disabled: Some(reason.clone()),
                notes: Vec::new(),
            },
        })
        .collect()
}

/// Notes on an accepted response that change what its binding means.
pub(super) fn binding_notes(ar: &ActiveResponse, responses: &Responses) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(t) = ar.timeout_ignored {
        notes.push(format!(
            "timeout {t} ignored: command '{}' lacks <timeout_allowed>yes</timeout_allowed> (INFO 1305); it runs as {}",
            ar.command, ar.name
        ));
    }
    if ar.level == 0 && ar.rules_group.is_none() && ar.rules_id.is_none() {
        notes.push("no level, rules_group or rules_id: it binds no rule".to_string());
    }
    if ar.level > crate::model::Level::MAX_RULE {
        notes.push(format!(
            "level {} is above 16, the highest rule level: it binds by level nothing",
            ar.level
        ));
    }
    let l = ar.location;
    let needs_local = l.has(Location::AS_ONLY) || l.has(Location::REMOTE_AGENT);
    let needs_remote = !l.has(Location::AS_ONLY);
    let cut_by = responses.reset_by.map_or(String::new(), |i| {
        format!(" (erased by the disabled block #{i})")
    });
    if needs_local && responses.ar_bits & LOCAL_AR == 0 {
        notes.push(format!(
            "Config.ar lacks LOCAL_AR{cut_by}: it never runs on the manager"
        ));
    }
    if needs_remote && responses.ar_bits & REMOTE_AR == 0 {
        notes.push(format!(
            "Config.ar lacks REMOTE_AR{cut_by}: it never runs on agents"
        ));
    }
    notes
}
