//! Ruleset-aware findings for `check --rules` (docs/cli.md "Diagnostics"): what the daemons
//! accept but
//! what, given the loaded rules, cannot be what the author meant. Each code has its
//! `explain` text here, listed in [`CODES`] for the registry `ossec-ar explain` reads.

use super::bind::Trigger;
use super::responses::{ActiveResponse, responses};
use crate::model::osregex::{GROUP_STEPS, OsRegex, PATTERN_STEPS};
use crate::model::rules_id_numbers;
use crate::model::{BlockRef, Code, Config, Diagnostic, Field, Profile, Response, Severity};
use crate::rules::{Rule, RuleSet};
use crate::xml::Document;

/// A response that binds no loaded rule (docs/wazuh-config.md §4.2 item 4).
pub static BINDS_NOTHING: Code = Code {
    code: "response-binds-nothing",
    severity: Severity::Warning,
    summary: "a response that no loaded rule triggers",
    explain: "analysisd attaches a response to a rule when the rule loads: by `level` (the rule's \
level is at least the response's), by `rules_group` (an OSRegex on the rule's group string) and by \
`rules_id`; with both level and rules_group set, a rule must pass both, and rules_id is OR-ed \
(docs/wazuh-config.md §4.2 in the ossec-ar repository). A response with none of the three binds nothing; a response whose criteria match \
none of the loaded rules never runs either, and no daemon says so. Check the values against the \
rules (`ossec-ar simulate FILE --rules DIR` lists what each response binds).",
};

/// `rules_id` naming a rule that is not loaded (§4.3).
pub static ID_UNKNOWN: Code = Code {
    code: "rules-id-unknown",
    severity: Severity::Warning,
    summary: "rules_id names a rule id that is not in the loaded rules",
    explain: "analysisd compares each number of `rules_id` with the id of every rule it loads \
(docs/wazuh-config.md §4.3 in the ossec-ar repository); an id that no rule has binds nothing, silently. Typical causes: a typo, a rule \
of a file excluded by <rule_exclude>, or a custom rule that lives in another directory. Fix the \
id, or load the directory that defines it.",
};

/// `rules_id` naming a rule that never triggers responses (§4.1).
pub static ID_NEVER_FIRES: Code = Code {
    code: "rules-id-never-fires",
    severity: Severity::Warning,
    summary: "rules_id names a level-0 or no_ar rule, which never triggers a response",
    explain: "`Rule_AddAR` gives no response to a rule whose real level is 0 (level=\"0\", or \
accuracy=\"0\"), nor to a rule with <options>no_ar</options>, even when `rules_id` names it \
(docs/wazuh-config.md §4.1 in the ossec-ar repository). Level-0 rules are usually parents that group events; name the child rule that \
raises the alert instead (`if_sid` of the children points at it).",
};

/// A `rules_group` that matches no rule's group string (§4.4).
pub static GROUP_MATCHES_NOTHING: Code = Code {
    code: "rules-group-matches-nothing",
    severity: Severity::Warning,
    summary: "rules_group matches no loaded rule's group string",
    explain: "`rules_group` is an OSRegex tested against each rule's group string (its <group \
name> followed by its <group> children, concatenated). `|` separates alternatives; a comma is a \
literal comma, so `a,b` only matches where `a,b` appears in that order; a pattern that does not \
compile (`(a|b)`, `\\z`) matches nothing, silently (docs/wazuh-config.md §4.4 in the ossec-ar repository). Use the group names the rules \
carry, separated by `|`.",
};

/// A `rules_group` too costly to match (a match over [`GROUP_STEPS`] turns).
pub static GROUP_TOO_COSTLY: Code = Code {
    code: "rules-group-too-costly",
    severity: Severity::Warning,
    summary: "rules_group takes too many steps to match some rules",
    explain: "OSRegex matching goes back over the group string for each quantified element \
(`\\.*`, `\\w+`), so a pattern of many of them (`\\.*\\.*\\.*!` repeated) costs millions of \
steps per rule: the daemon spends minutes binding it when it starts. ossec-ar stops a match \
after 16,384 steps, and a pattern after 8,388,608 steps over all rules, and counts the rules \
left as not matching, so the rules shown for this response may be too few. Write the group names the rules carry, separated by `|`.",
};

/// A `level` alone binding a large part of the ruleset (docs/wazuh-config.md §4.2: without a
/// group, level binds every rule at or above it).
pub static LEVEL_BINDS_MANY: Code = Code {
    code: "level-binds-many",
    severity: Severity::Warning,
    summary: "a level alone binds thousands of rules",
    explain: "Without `rules_group`, `level` binds every rule at or above it, and `rules_id` \
only adds to that (docs/wazuh-config.md §4.2 in the ossec-ar repository): a low level runs the response on a large part of the \
ruleset, including routine events. Raise the level, or add `rules_group` (with both set, a rule \
must pass both).",
};

/// A response triggered by the alerts that responses themselves raise
/// (docs/wazuh-config.md §10 pitfall 16; the rules are 600–607 and 650–658 of the ruleset).
pub static SELF_TRIGGER: Code = Code {
    code: "response-self-trigger",
    severity: Severity::Warning,
    summary: "a response bound to the rules that active responses raise (a loop)",
    explain: "Every execution is logged to active-responses.log, which the manager reads: rules \
600-607 and 650-658 (group active_response) raise an alert for each one. A response bound to \
those rules runs again on its own notification, forever (wazuh#14997), \
typically with a low `level` and nothing else. Raise the level above theirs (3), or restrict it \
with `rules_group` or `rules_id`.",
};

/// The codes of this module.
pub static CODES: &[&Code] = &[
    &BINDS_NOTHING,
    &ID_UNKNOWN,
    &ID_NEVER_FIRES,
    &GROUP_MATCHES_NOTHING,
    &GROUP_TOO_COSTLY,
    &LEVEL_BINDS_MANY,
    &SELF_TRIGGER,
];

/// How many rules a level alone must bind for [`LEVEL_BINDS_MANY`].
pub const MANY_RULES: usize = 1000;

/// The ruleset-aware findings for every accepted response.
pub fn check(
    config: &Config,
    doc: &Document,
    rules: &RuleSet,
    profile: Profile,
) -> Vec<Diagnostic> {
    let responses = responses(config, doc, profile);
    let mut out = Vec::new();
    for ar in responses.active() {
        let Some(r) = config.responses.iter().find(|r| r.index == ar.index) else {
            continue;
        };
        let cx = Cx {
            doc,
            rules,
            r,
            ar,
            trigger: Trigger::of(ar, profile),
            profile,
        };
        cx.check(&mut out);
    }
    out
}

struct Cx<'a> {
    doc: &'a Document,
    rules: &'a RuleSet,
    r: &'a Response,
    ar: &'a ActiveResponse,
    trigger: Trigger,
    profile: Profile,
}

impl Cx<'_> {
    fn push(&self, out: &mut Vec<Diagnostic>, code: &Code, field: Option<Field>, message: String) {
        let element = field
            .and_then(|f| self.r.field(f))
            .map_or(self.r.element, |f| f.element);
        out.push(Diagnostic {
            severity: code.severity,
            code: code.code,
            message,
            offset: self.doc.element(element).span().start,
            block: Some(BlockRef::Response(self.ar.index)),
        });
    }

    fn check(&self, out: &mut Vec<Diagnostic>) {
        let bound = self.trigger.bound_rules(self.rules);
        if bound.is_empty() {
            self.push(out, &BINDS_NOTHING, None, self.binds_nothing_message());
        }
        self.check_ids(out);
        self.check_group(out);
        self.check_level(out);
        self.check_self_trigger(out, &bound);
    }

    fn binds_nothing_message(&self) -> String {
        let ar = self.ar;
        if ar.level == 0 && ar.rules_group.is_none() && ar.rules_id.is_none() {
            "response has no level, rules_group or rules_id: it binds no rule".to_string()
        } else {
            format!(
                "response binds none of the {} loaded rules: it never runs",
                self.rules.len()
            )
        }
    }

    fn check_ids(&self, out: &mut Vec<Diagnostic>) {
        let Some(ids) = self.ar.rules_id.as_deref() else {
            return;
        };
        let numbers = rules_id_numbers(ids);
        let rule_of = |id: i64| u32::try_from(id).ok().and_then(|i| self.rules.get(i));
        // One finding for all unknown ids: twenty of them are one problem of the field.
        let unknown: Vec<i64> = numbers
            .iter()
            .copied()
            .filter(|&id| rule_of(id).is_none())
            .collect();
        if let Some(message) = unknown_message(&unknown, self.rules.len()) {
            self.push(out, &ID_UNKNOWN, Some(Field::RulesId), message);
        }
        for id in numbers {
            if let Some(rule) = rule_of(id).filter(|r| !r.can_trigger()) {
                self.push(
                    out,
                    &ID_NEVER_FIRES,
                    Some(Field::RulesId),
                    format!(
                        "rules_id names rule {id}, {}: analysisd never attaches a response to it",
                        never_why(rule)
                    ),
                );
            }
        }
    }

    fn check_group(&self, out: &mut Vec<Diagnostic>) {
        let Some(pattern) = self.ar.rules_group.as_deref() else {
            return;
        };
        let message = match OsRegex::compile(pattern) {
            None => format!(
                "rules_group '{pattern}' does not compile as an OSRegex: it matches nothing"
            ),
            Some(re) => {
                let live: Vec<&Rule> = self.rules.iter().filter(|r| r.can_trigger()).collect();
                let some = re.matches_everything() || live.iter().any(|r| re.is_match(&r.group));
                if re.gave_up() {
                    let m = format!(
                        "rules_group '{pattern}' is too costly to match (over {GROUP_STEPS} steps for one rule, or {PATTERN_STEPS} in all): the rules left count as not matching (the daemon would take minutes to bind it)"
                    );
                    self.push(out, &GROUP_TOO_COSTLY, Some(Field::RulesGroup), m);
                }
                if some {
                    return;
                }
                let hint = if pattern.contains(',') {
                    " (a comma is literal: did you mean `|`?)"
                } else {
                    ""
                };
                format!(
                    "rules_group '{pattern}' matches the group string of none of the {} loaded rules that can trigger a response{hint}",
                    live.len()
                )
            }
        };
        self.push(
            out,
            &GROUP_MATCHES_NOTHING,
            Some(Field::RulesGroup),
            message,
        );
    }

    fn check_level(&self, out: &mut Vec<Diagnostic>) {
        let level = self.ar.level;
        let with_group = self.ar.rules_group.is_some() && self.profile == Profile::Wazuh;
        if level == 0 || with_group {
            return;
        }
        let n = self
            .rules
            .iter()
            .filter(|r| r.can_trigger() && r.ar_level >= level)
            .count();
        if n >= MANY_RULES {
            self.push(
                out,
                &LEVEL_BINDS_MANY,
                Some(Field::Level),
                format!(
                    "level {level} alone binds {n} of the {} loaded rules",
                    self.rules.len()
                ),
            );
        }
    }

    fn check_self_trigger(&self, out: &mut Vec<Diagnostic>, bound: &[u32]) {
        let loops: Vec<&Rule> = bound
            .iter()
            .filter_map(|&id| self.rules.get(id))
            .filter(|r| is_ar_notification(r))
            .collect();
        let Some(first) = loops.first() else { return };
        let others = match loops.len() {
            1 => String::new(),
            n => format!(
                " and {} other active_response rule{}",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        self.push(
            out,
            &SELF_TRIGGER,
            None,
            format!(
                "response binds rule {} ('{}'){others}, raised when a response runs: each execution triggers the next",
                first.id,
                first.description.trim()
            ),
        );
    }
}

/// The rules that the manager raises for the active-responses.log of every
/// execution: their group string holds the `active_response` group.
fn is_ar_notification(rule: &Rule) -> bool {
    rule.groups().any(|g| g.trim() == "active_response")
}

/// How many unknown ids a finding names before a count.
const MAX_IDS_NAMED: usize = 10;

/// `rules_id names rule 9, which is not in the 28 loaded rules`, or for several:
/// `rules_id names 20 rules that are not in the 28 loaded rules: 1, 2, … (+10 more)`.
fn unknown_message(ids: &[i64], loaded: usize) -> Option<String> {
    match ids {
        [] => None,
        [id] => Some(format!(
            "rules_id names rule {id}, which is not in the {loaded} loaded rules"
        )),
        _ => {
            let named: Vec<String> = ids.iter().take(MAX_IDS_NAMED).map(i64::to_string).collect();
            let more = match ids.len().saturating_sub(MAX_IDS_NAMED) {
                0 => String::new(),
                n => format!(", … (+{n} more)"),
            };
            Some(format!(
                "rules_id names {} rules that are not in the {loaded} loaded rules: {}{more}",
                ids.len(),
                named.join(", ")
            ))
        }
    }
}

fn never_why(rule: &Rule) -> &'static str {
    if rule.no_ar {
        "which has <options>no_ar</options>"
    } else if rule.level == 0 {
        "which has level 0"
    } else {
        "which has accuracy=\"0\" (real level 0)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::load_texts;

    /// Rules: 1 (level 0, `a,`), 2 (level 5, `a,`), 3 (level 7, `c,`, no_ar), 4
    /// (level 3, `ossec,active_response,`), 5 (level 12, `b,`).
    const RULES: &str = "<group name=\"a,\"><rule id=\"1\" level=\"0\"><description>parent</description></rule><rule id=\"2\" level=\"5\"><description>two</description></rule></group><group name=\"c,\"><rule id=\"3\" level=\"7\"><description>three</description><options>no_ar</options></rule></group><group name=\"ossec,\"><rule id=\"4\" level=\"3\"><description>Active response ran</description><group>active_response,</group></rule></group><group name=\"b,\"><rule id=\"5\" level=\"12\"><description>five</description></rule></group>";

    /// The codes found for one response with these trigger children.
    fn codes(trigger: &str, many: bool) -> Vec<&'static str> {
        let mut text = RULES.to_string();
        if many {
            // 1,000 more level-9 rules, enough for level-binds-many.
            text.push_str("<group name=\"bulk,\">");
            for id in 1000..2000 {
                text.push_str(&format!(
                    "<rule id=\"{id}\" level=\"9\"><description>d</description></rule>"
                ));
            }
            text.push_str("</group>");
        }
        let rules = load_texts([("r.xml", text.as_str())]).rules;
        let doc = crate::xml::parse(&format!(
            "<ossec_config><command><name>c</name><executable>x</executable></command><active-response><command>c</command><location>local</location>{trigger}</active-response></ossec_config>"
        ));
        let config = Config::from_document(&doc);
        check(&config, &doc, &rules, Profile::Wazuh)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn binds_nothing_fires_and_passes() {
        assert_eq!(
            codes("<level>13</level>", false),
            ["response-binds-nothing"]
        );
        assert!(codes("<level>12</level>", false).is_empty());
    }

    #[test]
    fn rules_id_unknown_and_never_fires() {
        assert_eq!(
            codes("<rules_id>2,99,1,3</rules_id>", false),
            [
                "rules-id-unknown",
                "rules-id-never-fires",
                "rules-id-never-fires"
            ]
        );
        assert!(codes("<rules_id>2,5</rules_id>", false).is_empty());
    }

    #[test]
    fn twenty_unknown_ids_are_one_finding() {
        let ids: Vec<String> = (90001..=90020).map(|i| i.to_string()).collect();
        let found = codes(&format!("<rules_id>2,{}</rules_id>", ids.join(",")), false);
        assert_eq!(found, ["rules-id-unknown"]);
        assert_eq!(
            unknown_message(&(1..=12).collect::<Vec<i64>>(), 28).as_deref(),
            Some(
                "rules_id names 12 rules that are not in the 28 loaded rules: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (+2 more)"
            )
        );
    }

    #[test]
    fn group_matching_nothing_or_not_compiling() {
        assert_eq!(
            codes(
                "<rules_id>5</rules_id><rules_group>a,b</rules_group>",
                false
            ),
            ["rules-group-matches-nothing"]
        );
        assert_eq!(
            codes(
                "<rules_id>5</rules_id><rules_group>(a|b)</rules_group>",
                false
            ),
            ["rules-group-matches-nothing"]
        );
        assert!(codes("<rules_group>^a,|^b,</rules_group>", false).is_empty());
        // Matching only a no_ar rule counts as matching nothing that can trigger.
        assert_eq!(
            codes(
                "<rules_id>5</rules_id><rules_group>^c,$</rules_group>",
                false
            ),
            ["rules-group-matches-nothing"]
        );
    }

    #[test]
    fn level_binding_many_rules() {
        assert_eq!(codes("<level>9</level>", true), ["level-binds-many"]);
        assert!(codes("<level>9</level><rules_group>bulk</rules_group>", true).is_empty());
        assert!(codes("<level>10</level>", true).is_empty());
    }

    #[test]
    fn self_trigger_on_the_notification_rules() {
        assert_eq!(codes("<level>3</level>", false), ["response-self-trigger"]);
        assert!(codes("<level>4</level>", false).is_empty());
        assert_eq!(
            codes("<rules_group>ossec</rules_group>", false),
            ["response-self-trigger"]
        );
    }
}
