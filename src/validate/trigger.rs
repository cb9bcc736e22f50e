//! Rules about what triggers a response: `<level>`, `<rules_group>`, `<rules_id>`
//! (docs/wazuh-config.md §4.1–§4.4; docs/ossec.md §6).

use super::scope::{at, manager_responses, outcome, resp_ref, shown};
use super::{Check, Code, Context};
use crate::model::osregex::OsRegex;
use crate::model::{Field, Response, Severity, atoi, judge, rules_id_numbers};

pub(super) static CHECKS: &[&Check] = &[
    &BINDS_NOTHING,
    &LEVEL_NEVER_MATCHES,
    &SELF_TRIGGERING,
    &RULES_GROUP_COMMA,
    &RULES_GROUP_MATCHES_ALL,
    &RULES_GROUP_INVALID,
    &RULES_ID_SEPARATOR,
];

/// The responses whose triggers analysisd binds: read, not disabled, with a command
/// and a location.
fn defining<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Response> {
    manager_responses(ctx).filter(move |r| outcome(ctx, r).defines())
}

/// Every run of digits in the text: the ids a reader of the file sees.
fn written_ids(s: &str) -> Vec<i64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(atoi)
        .collect()
}

/// Does the level bind anything (set and not 0)?
fn has_level(r: &Response) -> bool {
    r.level_value().is_some_and(|l| l.get() > 0)
}

/// No level, no group, no id: never bound (docs/wazuh-config.md §4.2 item 4).
static BINDS_NOTHING: Check = Check {
    code: Code {
        code: "binds-nothing",
        severity: Severity::Warning,
        summary: "a response with no <level>, <rules_group> or <rules_id> binds to no rule",
        explain: "analysisd binds a response to a rule when the rule's level is at least \
<level>, when <rules_group> matches the rule's groups, or when <rules_id> lists the \
rule (level AND group when both are set, OR the ids). A response with none of the three \
(or only `<level>0</level>`, or a <rules_id> without a readable id) is accepted but \
never fires. Add the trigger you meant.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let ids = r
                .value(Field::RulesId)
                .map(rules_id_numbers)
                .unwrap_or_default();
            if has_level(r) || r.rules_group.is_some() || !ids.is_empty() {
                continue;
            }
            out.push(
                at(ctx, r.element),
                resp_ref(r),
                "this response has no level, rules_group or readable rules_id: it is bound to no rule and never runs",
            );
        }
    },
};

/// Rule levels stop at 16; 17–20 are accepted and match nothing (docs/wazuh-config.md §3.2
/// `level`, §4.1).
static LEVEL_NEVER_MATCHES: Check = Check {
    code: Code {
        code: "level-never-matches",
        severity: Severity::Warning,
        summary: "a <level> of 17 to 20, which no rule reaches",
        explain: "analysisd accepts <level> up to 20, but rule levels go only up to 16 (and \
the shipped ruleset has none at 16), so `rule level >= 17` never holds: a response with \
such a level, alone or together with <rules_group>, fires only through <rules_id>. Use \
a level from 1 to 16.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let Some(f) = &r.level else { continue };
            if let Some(w) = judge::level(&f.value).filter(|w| w.code == "level-never-matches") {
                out.push(at(ctx, f.element), resp_ref(r), w.message);
            }
        }
    },
};

/// The level of the shipped rules that report active-response actions (rules 651 to
/// 657 of `0015-ossec_rules.xml`, group `active_response`).
const AR_NOTIFICATION_LEVEL: u8 = 3;

/// A low level alone also binds the rules that report the response's own action
/// (docs/wazuh-config.md §10 pitfall 16; binding per §4.2).
static SELF_TRIGGERING: Check = Check {
    code: Code {
        code: "self-triggering",
        severity: Severity::Warning,
        summary: "a <level> of 3 or less without <rules_group> also fires on active-response reports",
        explain: "When an agent runs a response, it logs the action in active-responses.log, \
which the default agent configuration forwards; the shipped rules 651 to 657 (level 3, \
group active_response) turn those lines into alerts. A response bound by <level> 3 or \
less without a <rules_group> to narrow it (level AND group) is bound to those rules too, \
so its own action raises an alert that can run it again, in a loop. Raise the level \
above 3, or add a <rules_group> (or use <rules_id>). Checked under the Wazuh profile, \
whose ruleset these rules belong to.",
    },
    check: |ctx, out| {
        if ctx.profile != crate::model::Profile::Wazuh {
            return;
        }
        for r in defining(ctx) {
            let (Some(f), Some(l)) = (&r.level, r.level_value()) else {
                continue;
            };
            if l.get() == 0 || l.get() > AR_NOTIFICATION_LEVEL || r.rules_group.is_some() {
                continue;
            }
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "level {} without rules_group also binds the level-3 rules that report active-response actions (651-657): this response can trigger itself again and again",
                    l.get()
                ),
            );
        }
    },
};

/// A comma between two words: the pattern wants them adjacent (docs/wazuh-config.md §4.4).
fn comma_between_words(v: &str) -> bool {
    let b = v.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    b.iter().enumerate().any(|(i, &c)| {
        c == b','
            && b[..i]
                .iter()
                .rev()
                .find(|c| **c != b' ')
                .is_some_and(|&c| word(c))
            && b[i + 1..]
                .iter()
                .find(|c| **c != b' ')
                .is_some_and(|&c| word(c))
    })
}

/// `a,b` is not a list (docs/wazuh-config.md §4.4, §10 pitfall 3).
static RULES_GROUP_COMMA: Check = Check {
    code: Code {
        code: "rules-group-comma",
        severity: Severity::Warning,
        summary: "a comma between two groups in <rules_group> (did you mean '|'?)",
        explain: "<rules_group> is a regular expression (OSRegex) matched against the \
rule's group string, e.g. `syslog,sshd,authentication_failed,`. `|` separates \
alternatives; a comma is a literal comma. So `authentication_failed,authentication_failures` \
matches only rules whose group string holds those two groups next to each other in that \
order, not rules in either group, although the option pages show commas. Write \
`authentication_failed|authentication_failures`. A comma at the end of a single group \
(`sshd,`) is fine: it stops `sshd` from matching `sshd_custom`.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let Some(f) = &r.rules_group else { continue };
            if !comma_between_words(&f.value) {
                continue;
            }
            let fixed = f.value.replace(", ", "|").replace(',', "|");
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "rules_group {} matches only rules whose groups contain that exact text, commas included; did you mean '{}'?",
                    shown(&f.value),
                    fixed
                ),
            );
        }
    },
};

/// Empty pattern or empty alternative: binds every rule (docs/wazuh-config.md §4.4).
static RULES_GROUP_MATCHES_ALL: Check = Check {
    code: Code {
        code: "rules-group-matches-all",
        severity: Severity::Warning,
        summary: "an empty <rules_group>, or an empty alternative in it, matches every rule",
        explain: "An empty regular expression matches any text, so `<rules_group></rules_group>`, \
`|sshd`, `sshd|` and `a||b` bind the response to every rule of level 1 or more (and of \
at least <level> when a level is set). A stray `|` is enough to block every source IP \
that triggers any alert. Remove the empty alternative.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let Some(f) = &r.rules_group else { continue };
            if !OsRegex::compile(&f.value).is_some_and(|re| re.matches_everything()) {
                continue;
            }
            let scope = match r.level_value().filter(|l| l.get() > 0) {
                Some(l) => format!("every rule of level {} or more", l.get()),
                None => "every rule of level 1 or more".to_string(),
            };
            let what = if f.value.is_empty() {
                "is empty".to_string()
            } else {
                format!("{} has an empty alternative", shown(&f.value))
            };
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!("rules_group {what}, which matches {scope}"),
            );
        }
    },
};

/// A pattern OSRegex cannot compile never matches, silently (docs/wazuh-config.md §4.4).
static RULES_GROUP_INVALID: Check = Check {
    code: Code {
        code: "rules-group-invalid",
        severity: Severity::Warning,
        summary: "a <rules_group> that OSRegex cannot compile (it never matches)",
        explain: "<rules_group> is compiled as an OSRegex when rules are bound. OSRegex allows \
one level of parentheses, no `|` inside parentheses, and only the escapes \\d \\w \\s \\p \
\\D \\W \\S \\. \\t \\$ \\( \\) \\\\ \\| \\<. A pattern such as `(ssh|web)`, `a(b` or `\\z` \
does not compile, and the daemon then treats it as matching nothing, without a message. \
Rewrite it as plain alternatives: `ssh|web`.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let Some(f) = &r.rules_group else { continue };
            if let Err(why) = OsRegex::try_compile(&f.value) {
                out.push(
                    at(ctx, f.element),
                    resp_ref(r),
                    format!(
                        "rules_group {} is not a valid OSRegex ({why}): it never matches",
                        shown(&f.value)
                    ),
                );
            }
        }
    },
};

/// The `rules_id` scanner stops at the first character it does not expect (docs/wazuh-config.md
/// §4.3).
static RULES_ID_SEPARATOR: Check = Check {
    code: Code {
        code: "rules-id-separator",
        severity: Severity::Warning,
        summary: "a <rules_id> whose scan stops before some of the ids",
        explain: "analysisd reads <rules_id> with a small scanner: it skips spaces and \
commas, reads a number, jumps past the next comma, and stops at any other character. \
So `5710|5712`, `5710;5712`, `5710-5720` and `57 10` bind only the first id, and \
`+5710` or a tab first binds none; ranges are not supported. Separate ids with \
commas: `5710,5712`.",
    },
    check: |ctx, out| {
        for r in defining(ctx) {
            let Some(f) = &r.rules_id else { continue };
            let read = rules_id_numbers(&f.value);
            let written = written_ids(&f.value);
            if read == written {
                continue;
            }
            let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let bound = if read.is_empty() {
                "no rule".to_string()
            } else {
                format!("only {}", list(&read))
            };
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "rules_id {} binds {bound}: the scanner stops at a character other than a digit, space or comma; separate ids with commas",
                    shown(&f.value)
                ),
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires, run};

    fn conf(inner: &str) -> String {
        format!(
            "<ossec_config><command><name>fd</name><executable>firewall-drop</executable></command><active-response><command>fd</command><location>local</location>{inner}</active-response></ossec_config>"
        )
    }

    #[test]
    fn binds_nothing() {
        fires("binds-nothing", &conf(""), &conf("<level>7</level>"));
        fires(
            "binds-nothing",
            &conf("<level>0</level><rules_id>abc</rules_id>"),
            &conf("<rules_id>100</rules_id>"),
        );
        // A disabled block is not a response at all.
        assert!(
            run(
                "binds-nothing",
                &conf("<disabled>yes</disabled>"),
                Profile::Wazuh
            )
            .is_empty()
        );
    }

    #[test]
    fn level_never_matches() {
        fires(
            "level-never-matches",
            &conf("<level>17</level>"),
            &conf("<level>16</level>"),
        );
    }

    #[test]
    fn self_triggering() {
        fires(
            "self-triggering",
            &conf("<level>3</level>"),
            &conf("<level>4</level>"),
        );
        fires(
            "self-triggering",
            &conf("<level>1</level><rules_id>5712</rules_id>"),
            &conf("<level>1</level><rules_group>sshd</rules_group>"),
        );
        assert!(run("self-triggering", &conf("<level>3</level>"), Profile::Ossec).is_empty());
    }

    #[test]
    fn rules_group_comma() {
        let d = run(
            "rules-group-comma",
            &conf("<rules_group>authentication_failed,authentication_failures</rules_group>"),
            Profile::Wazuh,
        );
        assert!(
            d[0].message
                .ends_with("did you mean 'authentication_failed|authentication_failures'?"),
            "{}",
            d[0].message
        );
        fires(
            "rules-group-comma",
            &conf("<rules_group>web, attack</rules_group>"),
            &conf("<rules_group>sshd,</rules_group>"),
        );
    }

    #[test]
    fn rules_group_matches_all() {
        for bad in ["", "|sshd", "sshd|", "a||b", "^|x"] {
            let src = conf(&format!("<rules_group>{bad}</rules_group>"));
            assert_eq!(
                run("rules-group-matches-all", &src, Profile::Wazuh).len(),
                1,
                "{bad}"
            );
        }
        fires(
            "rules-group-matches-all",
            &conf("<level>10</level><rules_group>web|</rules_group>"),
            &conf("<rules_group>web\\|</rules_group>"),
        );
        let d = run(
            "rules-group-matches-all",
            &conf("<level>10</level><rules_group>web|</rules_group>"),
            Profile::Wazuh,
        );
        assert!(
            d[0].message.ends_with("every rule of level 10 or more"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn rules_group_invalid() {
        fires(
            "rules-group-invalid",
            &conf("<rules_group>(ssh|web)</rules_group>"),
            &conf("<rules_group>ssh|web</rules_group>"),
        );
    }

    #[test]
    fn rules_id_separator() {
        fires(
            "rules-id-separator",
            &conf("<rules_id>5710|5712</rules_id>"),
            &conf("<rules_id>5710, 5712</rules_id>"),
        );
        let d = run(
            "rules-id-separator",
            &conf("<rules_id>100,abc,200</rules_id>"),
            Profile::Wazuh,
        );
        assert!(
            d[0].message
                .starts_with("rules_id '100,abc,200' binds only 100:"),
            "{}",
            d[0].message
        );
    }
}
