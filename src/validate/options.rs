//! Rules about the child elements of a block: unknown names and repeats
//! (docs/wazuh-config.md §2, §3.1; docs/ossec.md §3, §4).

use std::collections::HashMap;

use super::scope::{
    Reader, agent_responses, at, cmd_ref, line, manager_commands, manager_responses, reader,
    resp_ref,
};
use super::{Check, Code, Context, Findings};
use crate::model::{BlockRef, Field, Profile, Severity};
use crate::xml::ElementId;

pub(super) static CHECKS: &[&Check] = &[&UNKNOWN_OPTION, &REPEATED_OPTION];

/// Children analysisd accepts in `<command>` (§2; OSSEC §3 has `expect` but not
/// `extra_args`, which `wazuh-only-option` reports).
const COMMAND_CHILDREN: [Field; 5] = Field::COMMAND;

/// Children analysisd accepts in `<active-response>` (§3.1; OSSEC lacks `ca_store`,
/// reported by `wazuh-only-option`).
const RESPONSE_CHILDREN: [Field; 10] = [
    Field::Command,
    Field::Location,
    Field::AgentId,
    Field::RulesId,
    Field::RulesGroup,
    Field::Level,
    Field::Timeout,
    Field::Disabled,
    Field::RepeatedOffenders,
    Field::CaStore,
];

/// "did you mean" for a name that differs from a known one only by case.
fn case_hint(name: &str, known: &[Field]) -> String {
    known
        .iter()
        .find(|k| k.name().eq_ignore_ascii_case(name))
        .map_or(String::new(), |k| {
            format!(" (names are case-sensitive: did you mean <{k}>?)")
        })
}

fn flag_unknown(
    ctx: &Context<'_>,
    out: &mut Findings<'_>,
    parent: ElementId,
    block: Option<BlockRef>,
    known: &[Field],
) {
    let what = ctx.doc.name(parent).to_string();
    for child in ctx.doc.children(parent) {
        let name = ctx.doc.name(child);
        if known.iter().any(|k| k.name() == name) {
            continue;
        }
        let msg = if name == Field::CaVerification.name() {
            "<ca_verification> is an agent setting: analysisd refuses it in a manager's <active-response> (1230)".to_string()
        } else {
            format!(
                "<{name}> is not an option of <{what}>: analysisd refuses to start (1230){}",
                case_hint(name, known)
            )
        };
        out.push(at(ctx, child), block, msg);
    }
}

/// Unknown children are fatal for analysisd, ignored on agents (§2, §3.1).
static UNKNOWN_OPTION: Check = Check {
    code: Code {
        code: "unknown-option",
        severity: Severity::Error,
        summary: "a child element the daemon does not know",
        explain: "analysisd accepts only known children, compared case-sensitively: in \
<command> name, executable, timeout_allowed, extra_args, expect; in <active-response> \
command, location, agent_id, rules_id, rules_group, level, timeout, disabled, \
repeated_offenders, ca_store. Any other element, `<Name>` included, makes it log \
`(1230): Invalid element in the configuration: '<el>'.` then `(1202)` and refuse to \
start. <ca_verification> belongs to agents only: on a manager it is fatal too. In an \
agent configuration no daemon validates these blocks, so an unknown element is only \
ignored (a warning). Remove or rename the element.",
    },
    check: |ctx, out| {
        for c in manager_commands(ctx) {
            flag_unknown(ctx, out, c.element, Some(cmd_ref(c)), &COMMAND_CHILDREN);
        }
        for r in manager_responses(ctx) {
            flag_unknown(ctx, out, r.element, Some(resp_ref(r)), &RESPONSE_CHILDREN);
        }
        let mut agent_known: Vec<Field> = RESPONSE_CHILDREN.to_vec();
        if ctx.profile == Profile::Wazuh {
            agent_known.push(Field::CaVerification);
        }
        for r in agent_responses(ctx) {
            for child in ctx.doc.children(r.element) {
                let name = ctx.doc.name(child);
                if !agent_known.iter().any(|k| k.name() == name) {
                    out.push_as(
                        Severity::Warning,
                        at(ctx, child),
                        resp_ref(r),
                        format!("<{name}> is not an <active-response> option: no daemon on an agent reads it{}", case_hint(name, &agent_known)),
                    );
                }
            }
        }
    },
};

/// The options some daemon reads on an agent (the others are reported as unread).
const AGENT_READ: [Field; 3] = [
    Field::Disabled,
    Field::RepeatedOffenders,
    Field::CaVerification,
];

/// What a repeat of `name` means for the daemon reading it.
fn repeat_effect(name: &str, who: Reader, last_line: usize) -> String {
    match (name.parse::<Field>().ok(), who) {
        (Some(Field::Disabled), Reader::Analysisd) => {
            "analysisd disables the block if any of them is yes".to_string()
        }
        (Some(Field::Disabled | Field::RepeatedOffenders), _) => {
            "execd reads only the first".to_string()
        }
        (Some(Field::CaVerification), Reader::Agent) => {
            "wazuh-modulesd checks each one".to_string()
        }
        (Some(Field::Level), _) => {
            format!("analysisd checks each one but uses the last (line {last_line})")
        }
        _ => format!("the daemon uses the last one (line {last_line})"),
    }
}

/// A repeated child: the reader overwrites, except `disabled` (any yes) and execd's
/// first match (§2 "Duplicate children", §3.1, §3.4, §3.8).
static REPEATED_OPTION: Check = Check {
    code: Code {
        code: "repeated-option",
        severity: Severity::Warning,
        summary: "the same option twice in one block",
        explain: "When a block repeats an option, analysisd keeps the last value (each \
<level> is still checked), except <disabled>, where any `yes` disables the block. \
wazuh-execd reads the first <disabled> and <repeated_offenders> it finds. <ca_store> may \
repeat: every value is collected. A repeat is usually a leftover of an edit; keep one.",
    },
    check: |ctx, out| {
        let blocks = manager_commands(ctx)
            .map(|c| (c.element, cmd_ref(c), Reader::Analysisd))
            .chain(
                manager_responses(ctx)
                    .chain(agent_responses(ctx))
                    .map(|r| (r.element, resp_ref(r), reader(ctx, r.placement))),
            );
        for (id, block, who) in blocks {
            let mut seen: HashMap<&str, Vec<ElementId>> = HashMap::new();
            for child in ctx.doc.children(id) {
                seen.entry(ctx.doc.name(child)).or_default().push(child);
            }
            let mut repeated: Vec<(&str, Vec<ElementId>)> = seen
                .into_iter()
                .filter(|(n, v)| v.len() > 1 && *n != Field::CaStore.name())
                .filter(|(n, _)| {
                    who == Reader::Analysisd || AGENT_READ.iter().any(|f| f.name() == *n)
                })
                .collect();
            repeated.sort_by_key(|(_, v)| v[1]);
            for (name, all) in repeated {
                let last_line = all.last().map_or(0, |e| line(ctx, *e));
                let effect = repeat_effect(name, who, last_line);
                for dup in &all[1..] {
                    out.push(
                        at(ctx, *dup),
                        block,
                        format!(
                            "<{name}> is given {} times in this block: {effect}",
                            all.len()
                        ),
                    );
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::{Profile, Severity};
    use crate::validate::testing::{fires, run};

    #[test]
    fn unknown_option_in_command_and_response() {
        let d = run(
            "unknown-option",
            "<ossec_config><command><Name>a</Name><executable>b</executable></command></ossec_config>",
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "<Name> is not an option of <command>: analysisd refuses to start (1230) (names are case-sensitive: did you mean <name>?)"
        );
        fires(
            "unknown-option",
            "<ossec_config><active-response><disabled>yes</disabled><ca_verification>yes</ca_verification></active-response></ossec_config>",
            "<ossec_config><active-response><disabled>yes</disabled><ca_store>x.pem</ca_store></active-response></ossec_config>",
        );
    }

    #[test]
    fn unknown_option_on_an_agent_is_a_warning() {
        let d = run(
            "unknown-option",
            "<ossec_config><client/><active-response><disabled>no</disabled><foo>1</foo><ca_verification>yes</ca_verification></active-response></ossec_config>",
            Profile::Wazuh,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn repeated_option() {
        fires(
            "repeated-option",
            "<ossec_config><active-response><disabled>yes</disabled><disabled>no</disabled></active-response></ossec_config>",
            "<ossec_config><active-response><disabled>yes</disabled><ca_store>a</ca_store><ca_store>b</ca_store></active-response></ossec_config>",
        );
        let d = run(
            "repeated-option",
            "<ossec_config>\n<command>\n<name>a</name>\n<executable>b</executable>\n<name>c</name>\n</command>\n</ossec_config>",
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "<name> is given 2 times in this block: the daemon uses the last one (line 5)"
        );
        // On an agent only what execd and modulesd read is reported.
        let agent = |inner: &str| {
            format!(
                "<ossec_config><client/><active-response>{inner}</active-response></ossec_config>"
            )
        };
        let d = run(
            "repeated-option",
            &agent("<disabled>no</disabled><disabled>yes</disabled>"),
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "<disabled> is given 2 times in this block: execd reads only the first"
        );
        assert!(
            run(
                "repeated-option",
                &agent("<level>1</level><level>2</level>"),
                Profile::Wazuh
            )
            .is_empty()
        );
    }
}
