//! Rules about the two values wazuh-execd reads from `<active-response>` blocks on
//! every host, `disabled` and `repeated_offenders` (docs/wazuh-config.md
//! §1, §3.8, §5.6; docs/ossec.md §8; docs/choices.md placement rule).

use std::collections::HashSet;

use super::scope::{at, children, execd, execd_responses, manager_responses, resp_ref, shown};
use super::{Check, Code, Context};
use crate::model::execd::{OffenderEntry, offender_entries};
use crate::model::{ConfigKind, Field, Profile, Response, Severity};
use crate::xml::ElementId;

pub(super) static CHECKS: &[&Check] = &[
    &INVALID_DISABLED,
    &DISABLED_NOT_SEEN,
    &DISABLED_STOPS_EXECD,
    &REPEATED_OFFENDERS_IGNORED,
    &REPEATED_OFFENDERS_VALUE,
    &REPEATED_OFFENDERS_ON_MANAGER,
];

/// The `<name>` element execd takes with `OS_GetOneContentforElement`: the first one
/// in the first root whose first block has one (§3.8; `model::execd`).
fn first_seen(ctx: &Context<'_>, field: Field) -> Option<(ElementId, usize)> {
    ctx.config.execd_first_child(ctx.doc, field)
}

/// The `repeated_offenders` element execd uses: Wazuh 4.x takes the first one in any
/// block (§5.6), OSSEC the first-seen one (docs/ossec.md §8 "GOTCHA").
fn repeated_offenders_used(ctx: &Context<'_>) -> Option<(ElementId, usize)> {
    ctx.config.repeated_offenders_used(ctx.doc, ctx.profile)
}

/// Is this block an execd setting (not a response definition)? In an agent config
/// every block is; in a manager config, a block without `<command>`.
fn is_settings_block(ctx: &Context<'_>, r: &Response) -> bool {
    ctx.config.kind == ConfigKind::Agent || r.command.is_none()
}

/// `disabled` is exactly yes/no: analysisd checks every one (§3.2), execd the one it
/// sees (§3.8); either refuses to start with 1235.
static INVALID_DISABLED: Check = Check {
    code: Code {
        code: "invalid-disabled",
        severity: Severity::Error,
        summary: "<disabled> other than exactly 'yes' or 'no'",
        explain: "Both analysisd (every <disabled> of every <active-response>) and wazuh-execd \
(the <disabled> it reads, on agents and managers) compare the value with `yes` and `no` \
exactly, case and whitespace included. Anything else (`Yes`, `true`, ` no`) makes them \
log `(1235): Invalid value for element 'disabled': <v>.` and exit; `wazuh-control start` \
runs `wazuh-execd -t` first, so the whole start aborts. Write `yes` or `no`.",
    },
    check: |ctx, out| {
        let mut done = HashSet::new();
        for r in manager_responses(ctx) {
            for (id, v) in children(ctx, r.element, Field::Disabled) {
                if v != "yes" && v != "no" && done.insert(id) {
                    out.push(at(ctx, id), resp_ref(r), format!("disabled is {}, not exactly 'yes' or 'no': analysisd refuses to start (1235)", shown(&v)));
                }
            }
        }
        if let Some((id, index)) = first_seen(ctx, Field::Disabled) {
            let v = ctx.doc.value(id);
            if v != "yes" && v != "no" && done.insert(id) {
                out.push(
                    at(ctx, id),
                    Some(crate::model::BlockRef::Response(index)),
                    format!(
                        "disabled is {}, not exactly 'yes' or 'no': {} refuses to start (1235)",
                        shown(&v),
                        execd(ctx)
                    ),
                );
            }
        }
    },
};

/// execd reads `disabled` only in the first block of each root (§3.8).
static DISABLED_NOT_SEEN: Check = Check {
    code: Code {
        code: "disabled-not-seen",
        severity: Severity::Warning,
        summary: "an execd <disabled> that wazuh-execd never reads",
        explain: "wazuh-execd reads <disabled> only from the first <active-response> of each \
<ossec_config> root (the first root whose first block has one wins, and in that block \
the first <disabled>). A <disabled> placed in a later block, or repeated in the block, \
is never seen: an agent with `<disabled>yes</disabled>` in its second block keeps \
running responses. Move the setting into the first <active-response> of the root. (In \
a manager's response definitions, <disabled> switches that one response off in \
analysisd; that use is not concerned.)",
    },
    check: |ctx, out| {
        let seen = first_seen(ctx, Field::Disabled).map(|(id, _)| id);
        for r in execd_responses(ctx).filter(|r| is_settings_block(ctx, r)) {
            for (id, v) in children(ctx, r.element, Field::Disabled) {
                if Some(id) == seen {
                    continue;
                }
                out.push(at(ctx, id), resp_ref(r), format!("{} never reads this <disabled>{}</disabled>: it looks only at the first <active-response> of each root, and at the first <disabled> there", execd(ctx), v.escape_debug()));
            }
        }
    },
};

/// On a manager, the `disabled=yes` execd sees may belong to a response definition:
/// it then switches off manager-side execution too (§3.8 "On a manager").
static DISABLED_STOPS_EXECD: Check = Check {
    code: Code {
        code: "disabled-stops-execd",
        severity: Severity::Warning,
        summary: "a disabled response in a root's first block also disables execd on the manager",
        explain: "wazuh-execd on a manager reads the same ossec.conf: the first <disabled> \
it finds in the first <active-response> of a root decides whether it runs at all. When \
that block is a response definition switched off with <disabled>yes</disabled>, execd \
logs `(1350): Active response disabled.` and no response ever runs on the manager \
(location server, or local for the manager's own events); analysisd then fails to \
connect to its queue (1301). Move the disabled response below an enabled block, or \
delete it.",
    },
    check: |ctx, out| {
        if ctx.config.kind != ConfigKind::Manager {
            return;
        }
        let Some((id, index)) = first_seen(ctx, Field::Disabled) else {
            return;
        };
        let Some(r) = ctx.config.responses.iter().find(|r| r.index == index) else {
            return;
        };
        if r.command.is_some() && ctx.doc.value(id) == "yes" {
            out.push(at(ctx, id), resp_ref(r), format!("this response is the first <active-response> of its root, so {} also reads its <disabled>yes</disabled> and stops running active responses on the manager (1350)", execd(ctx)));
        }
    },
};

/// Only one `repeated_offenders` list counts per host (§5.6; OSSEC §8).
static REPEATED_OFFENDERS_IGNORED: Check = Check {
    code: Code {
        code: "repeated-offenders-ignored",
        severity: Severity::Warning,
        summary: "a <repeated_offenders> that wazuh-execd never uses",
        explain: "wazuh-execd keeps one repeated-offenders list per host. Wazuh 4.x takes the \
first <repeated_offenders> found in any <active-response> of the host's own ossec.conf; \
OSSEC looks only in the first <active-response> of each <ossec_config> root. Every \
other <repeated_offenders> is ignored, silently, and a list cannot be set per response. \
Keep one, in the first <active-response> block.",
    },
    check: |ctx, out| {
        let used = repeated_offenders_used(ctx).map(|(id, _)| id);
        for r in execd_responses(ctx) {
            for (id, _) in children(ctx, r.element, Field::RepeatedOffenders) {
                if Some(id) == used {
                    continue;
                }
                let why = match ctx.profile {
                    Profile::Wazuh => {
                        "wazuh-execd uses only the first <repeated_offenders> of the file"
                    }
                    Profile::Ossec => {
                        "ossec-execd looks only at the first <active-response> of each root"
                    }
                };
                out.push(
                    at(ctx, id),
                    resp_ref(r),
                    format!("this <repeated_offenders> is never used: {why}"),
                );
            }
        }
    },
};

/// How execd reads a repeated-offenders list (§5.6): what is wrong with it, if
/// anything.
fn offenders_problem(v: &str, profile: Profile) -> Option<String> {
    let entries: Vec<OffenderEntry<'_>> = offender_entries(v).collect();
    if let Some(fifth) = entries.iter().find(|e| e.holds_more()) {
        let lost = fifth.text.split_once(',').map_or("", |(_, rest)| rest);
        return Some(format!(
            "only 5 entries count: the 5th piece {} reads as {}, so {} is lost",
            shown(fifth.text),
            fifth.minutes(profile).unwrap_or_default(),
            shown(lost)
        ));
    }
    for (i, e) in entries.iter().enumerate() {
        let (p, t) = (e.text, e.value);
        let Some(n) = e.minutes(profile) else {
            continue;
        };
        if n == 0 {
            let rest = if i == 0 {
                "the feature is off"
            } else {
                "the list ends there"
            };
            return Some(format!("entry {} reads as 0: {rest}", shown(p)));
        }
        if n < 0 {
            return Some(format!(
                "entry {} is a negative number of minutes",
                shown(p)
            ));
        }
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            let unit = if n == 1 { "minute" } else { "minutes" };
            return Some(format!("entry {} reads as {n} {unit}", shown(p)));
        }
    }
    None
}

/// Values are minutes, at most 5, read with atoi (§5.6).
static REPEATED_OFFENDERS_VALUE: Check = Check {
    code: Code {
        code: "repeated-offenders-value",
        severity: Severity::Warning,
        summary: "a <repeated_offenders> list execd reads differently than written",
        explain: "wazuh-execd splits <repeated_offenders> at commas into at most 5 pieces \
(a 6th entry stays glued to the 5th and is lost), skips leading spaces and tabs, and \
reads each with atoi as a number of minutes. An entry that reads as 0 (`abc`, `0`, an \
empty entry in Wazuh) ends the list, and a first entry of 0 switches the feature off; \
units and trailing text are ignored. Write up to five positive numbers of minutes, e.g. \
`30,60,120`.",
    },
    check: |ctx, out| {
        let Some((id, index)) = repeated_offenders_used(ctx) else {
            return;
        };
        if let Some(why) = offenders_problem(&ctx.doc.value(id), ctx.profile) {
            out.push(
                at(ctx, id),
                Some(crate::model::BlockRef::Response(index)),
                format!("repeated_offenders: {why}"),
            );
        }
    },
};

/// `repeated_offenders` in a manager's response definition does nothing for agents
/// (§5.6 "configured on the agent"; docs/wazuh-config.md §10 pitfall 4).
static REPEATED_OFFENDERS_ON_MANAGER: Check = Check {
    code: Code {
        code: "manager-repeated-offenders",
        severity: Severity::Warning,
        summary: "<repeated_offenders> in a manager's response definition",
        explain: "analysisd ignores <repeated_offenders>. Only wazuh-execd reads it, from the \
ossec.conf of the host that runs the response, and applies it to every response run \
there. Put in a response definition on the manager, it does not make that response \
escalate on agents; at most the manager's own execd uses it, for responses executed on \
the manager. Set it in the first <active-response> of each agent's ossec.conf (or in \
the manager's settings block for responses run on the manager).",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if r.command.is_none() {
                continue;
            }
            for (id, _) in children(ctx, r.element, Field::RepeatedOffenders) {
                out.push(at(ctx, id), resp_ref(r), "<repeated_offenders> here does not apply to this response on agents: only the execd of the host running a response reads it, from its own ossec.conf");
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::offenders_problem;
    use crate::model::Profile;
    use crate::validate::testing::{fires, fires_in, run};

    const AGENT: &str = "<client><server><address>m</address></server></client>";

    fn agent(blocks: &str) -> String {
        format!("<ossec_config>{AGENT}{blocks}</ossec_config>")
    }

    #[test]
    fn invalid_disabled_in_manager_blocks_and_for_execd() {
        fires(
            "invalid-disabled",
            "<ossec_config><active-response><disabled>Yes</disabled></active-response></ossec_config>",
            "<ossec_config><active-response><disabled>yes</disabled></active-response></ossec_config>",
        );
        // Agent: only the value execd reads is checked (the second block is unread).
        fires(
            "invalid-disabled",
            &agent("<active-response><disabled>no </disabled></active-response>"),
            &agent(
                "<active-response><disabled>no</disabled></active-response><active-response><disabled>off</disabled></active-response>",
            ),
        );
    }

    #[test]
    fn disabled_not_seen_in_a_later_block() {
        let later = agent(
            "<active-response><ca_store>a.pem</ca_store></active-response><active-response><disabled>yes</disabled></active-response>",
        );
        fires(
            "disabled-not-seen",
            &later,
            &agent(
                "<active-response><disabled>yes</disabled><ca_store>a.pem</ca_store></active-response>",
            ),
        );
        // Each root's first block counts: a second root is fine.
        let two_roots = format!(
            "{}<ossec_config><active-response><disabled>yes</disabled></active-response></ossec_config>",
            agent("<active-response><ca_store>a</ca_store></active-response>")
        );
        assert!(run("disabled-not-seen", &two_roots, Profile::Wazuh).is_empty());
    }

    #[test]
    fn disabled_in_a_manager_response_definition_is_not_an_execd_setting() {
        let src = "<ossec_config><command><name>a</name><executable>b</executable></command><active-response><command>a</command><location>local</location><level>3</level></active-response><active-response><command>a</command><location>local</location><disabled>yes</disabled></active-response></ossec_config>";
        assert!(run("disabled-not-seen", src, Profile::Wazuh).is_empty());
    }

    #[test]
    fn an_empty_first_block_hides_a_later_disabled_from_execd() {
        // OS_GetOneContentforElement stops at the first block, whatever it holds (§3.8).
        fires(
            "disabled-not-seen",
            &agent("<active-response/><active-response><disabled>yes</disabled></active-response>"),
            &agent("<active-response><disabled>yes</disabled></active-response><active-response/>"),
        );
    }

    #[test]
    fn disabled_stops_execd() {
        let def = "<command><name>a</name><executable>b</executable></command>";
        fires(
            "disabled-stops-execd",
            &format!(
                "<ossec_config>{def}<active-response><command>a</command><location>local</location><disabled>yes</disabled></active-response></ossec_config>"
            ),
            &format!(
                "<ossec_config>{def}<active-response><command>a</command><location>local</location><level>3</level></active-response><active-response><command>a</command><location>local</location><disabled>yes</disabled></active-response></ossec_config>"
            ),
        );
    }

    #[test]
    fn repeated_offenders_ignored_differs_by_profile() {
        // Second block holds it: Wazuh takes it, OSSEC never sees it.
        let src = agent(
            "<active-response><disabled>no</disabled></active-response><active-response><repeated_offenders>10</repeated_offenders></active-response>",
        );
        assert!(run("repeated-offenders-ignored", &src, Profile::Wazuh).is_empty());
        fires_in(
            Profile::Ossec,
            "repeated-offenders-ignored",
            &src,
            &agent(
                "<active-response><repeated_offenders>10</repeated_offenders></active-response>",
            ),
        );
        fires(
            "repeated-offenders-ignored",
            &agent(
                "<active-response><repeated_offenders>10</repeated_offenders></active-response><active-response><repeated_offenders>20</repeated_offenders></active-response>",
            ),
            &agent(
                "<active-response><repeated_offenders>10,20</repeated_offenders></active-response>",
            ),
        );
    }

    #[test]
    fn repeated_offenders_value_reads_like_execd() {
        assert_eq!(offenders_problem("30,60,120", Profile::Wazuh), None);
        assert_eq!(offenders_problem(" 30,\t60", Profile::Wazuh), None);
        assert_eq!(
            offenders_problem("1,2,3,4,5,6", Profile::Wazuh).as_deref(),
            Some("only 5 entries count: the 5th piece '5,6' reads as 5, so '6' is lost")
        );
        assert_eq!(
            offenders_problem("10,abc,30", Profile::Wazuh).as_deref(),
            Some("entry 'abc' reads as 0: the list ends there")
        );
        assert_eq!(
            offenders_problem("0", Profile::Wazuh).as_deref(),
            Some("entry '0' reads as 0: the feature is off")
        );
        assert_eq!(
            offenders_problem("10m", Profile::Wazuh).as_deref(),
            Some("entry '10m' reads as 10 minutes")
        );
        assert!(offenders_problem("10,,30", Profile::Wazuh).is_some());
        assert_eq!(offenders_problem("10,,30", Profile::Ossec), None);
        fires(
            "repeated-offenders-value",
            &agent(
                "<active-response><repeated_offenders>abc</repeated_offenders></active-response>",
            ),
            &agent(
                "<active-response><repeated_offenders>30,60</repeated_offenders></active-response>",
            ),
        );
    }

    #[test]
    fn repeated_offenders_on_manager() {
        let def = "<command><name>a</name><executable>b</executable><timeout_allowed>yes</timeout_allowed></command>";
        fires(
            "manager-repeated-offenders",
            &format!(
                "<ossec_config>{def}<active-response><command>a</command><location>all</location><level>9</level><timeout>60</timeout><repeated_offenders>30</repeated_offenders></active-response></ossec_config>"
            ),
            &format!(
                "<ossec_config>{def}<active-response><repeated_offenders>30</repeated_offenders></active-response></ossec_config>"
            ),
        );
        assert_eq!(
            run("manager-repeated-offenders", &agent("<active-response><command>a</command><repeated_offenders>3</repeated_offenders></active-response>"), Profile::Wazuh).len(),
            0
        );
    }
}
