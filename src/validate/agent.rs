//! Rules for blocks no manager daemon reads: agent configs and shared `agent.conf`
//! (docs/choices.md "Agent or manager file"; docs/wazuh-config.md §1, §3.5,
//! docs/ossec.md §1).

use super::scope::{agent_responses, at, cmd_ref, resp_ref, shown};
use super::{Check, Code};
use crate::model::{ConfigKind, Field, Placement, Profile, Severity};

pub(super) static CHECKS: &[&Check] = &[
    &NO_EFFECT_IN_AGENT_CONFIG,
    &UNREAD_IN_AGENT_CONFIG,
    &INVALID_CA_VERIFICATION,
];

/// `<command>`/`<active-response>` inside `<agent_config>`: read by nobody
/// (docs/wazuh-config.md
/// §1 "AR sections inside a shared agent.conf"; docs/wazuh-config.md §10 pitfall 7).
static NO_EFFECT_IN_AGENT_CONFIG: Check = Check {
    code: Code {
        code: "no-effect-in-agent-config",
        severity: Severity::Warning,
        summary: "a <command> or <active-response> inside <agent_config>",
        explain: "Blocks in a shared agent.conf (<agent_config> roots, pushed to agent \
groups) are read only by the agent-side modules that support centralized \
configuration; none of them reads <command> or <active-response>. analysisd never \
combines the active-response reader with agent.conf, and execd reads only the agent's \
local ossec.conf, so these blocks have no effect at all: active responses cannot be \
scoped to agent groups this way. Define responses in the manager's ossec.conf (with \
location defined-agent per agent, or rule filters), and execd settings in each agent's \
ossec.conf.",
    },
    check: |ctx, out| {
        for c in &ctx.config.commands {
            if matches!(c.placement, Placement::AgentConfig(_)) {
                out.push(at(ctx, c.element), cmd_ref(c), "<command> inside <agent_config> has no effect: no daemon reads it from agent.conf");
            }
        }
        for r in &ctx.config.responses {
            if matches!(r.placement, Placement::AgentConfig(_)) {
                out.push(at(ctx, r.element), resp_ref(r), "<active-response> inside <agent_config> has no effect: no daemon reads it from agent.conf");
            }
        }
    },
};

/// The options agents read in an `<active-response>` (execd, modulesd;
/// docs/wazuh-config.md §1);
/// the other response fields are definitions, read by no daemon there.
const AGENT_OPTIONS: [Field; 2] = [Field::Disabled, Field::RepeatedOffenders];

/// Definitions in an agent config are read by no daemon (docs/choices.md;
/// docs/wazuh-config.md §1: only
/// analysisd, which runs on managers, reads them).
static UNREAD_IN_AGENT_CONFIG: Check = Check {
    code: Code {
        code: "unread-in-agent-config",
        severity: Severity::Warning,
        summary: "a command or response definition in an agent's ossec.conf",
        explain: "This file is an agent configuration (an <ossec_config> root has a \
<client>). On an agent no daemon reads <command> blocks or the <command>, <location>, \
<level>, <rules_group>, <rules_id>, <agent_id> and <timeout> of an <active-response>: \
analysisd, which binds responses to rules, runs only on the manager. An agent reads \
only <disabled> and <repeated_offenders> (execd) and <ca_store>/<ca_verification> \
(modulesd, for WPK upgrades). Define the response in the manager's ossec.conf; the \
script itself must be in the agent's active-response/bin.",
    },
    check: |ctx, out| {
        if ctx.config.kind != ConfigKind::Agent {
            return;
        }
        for c in &ctx.config.commands {
            if matches!(c.placement, Placement::OssecConfig(_)) {
                out.push(at(ctx, c.element), cmd_ref(c), "<command> in an agent configuration is read by no daemon: commands are defined on the manager");
            }
        }
        for r in agent_responses(ctx) {
            let found: Vec<String> = Field::RESPONSE
                .iter()
                .filter(|n| !AGENT_OPTIONS.contains(n) && r.field(**n).is_some())
                .map(|n| format!("<{n}>"))
                .collect();
            if !found.is_empty() {
                out.push(at(ctx, r.element), resp_ref(r), format!("{} in an agent configuration: read by no daemon (responses are defined on the manager; an agent reads only disabled, repeated_offenders, ca_store, ca_verification)", found.join(", ")));
            }
        }
    },
};

/// modulesd compares `ca_verification` case-insensitively with yes/no and fails on
/// anything else (docs/wazuh-config.md §1 "wazuh-modulesd on agents").
static INVALID_CA_VERIFICATION: Check = Check {
    code: Code {
        code: "invalid-ca-verification",
        severity: Severity::Error,
        summary: "an agent's <ca_verification> other than yes or no",
        explain: "On a Wazuh agent, wazuh-modulesd reads the deprecated \
<active-response><ca_verification> for WPK upgrade signature checks. It accepts `yes` \
and `no` in any case; anything else logs `Invalid content for tag <ca_verification>: \
'<v>'` and fails the module's configuration. (On a manager the element is not allowed \
at all: see unknown-option.) Write yes or no.",
    },
    check: |ctx, out| {
        if ctx.profile != Profile::Wazuh {
            return;
        }
        for r in agent_responses(ctx) {
            for id in ctx
                .doc
                .children_named(r.element, Field::CaVerification.name())
            {
                let v = ctx.doc.value(id);
                if !v.eq_ignore_ascii_case("yes") && !v.eq_ignore_ascii_case("no") {
                    out.push(at(ctx, id), resp_ref(r), format!("ca_verification is {}, not yes or no: wazuh-modulesd rejects its configuration", shown(&v)));
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires, run};

    const CLIENT: &str = "<client><server><address>10.0.0.1</address></server></client>";

    #[test]
    fn no_effect_in_agent_config() {
        fires(
            "no-effect-in-agent-config",
            "<agent_config><active-response><disabled>yes</disabled></active-response></agent_config>",
            "<agent_config><localfile><location>/var/log/x</location></localfile></agent_config>",
        );
    }

    #[test]
    fn unread_in_agent_config() {
        fires(
            "unread-in-agent-config",
            &format!(
                "<ossec_config>{CLIENT}<active-response><command>fd</command><location>local</location></active-response></ossec_config>"
            ),
            &format!(
                "<ossec_config>{CLIENT}<active-response><disabled>no</disabled><ca_store>wpk_root.pem</ca_store></active-response></ossec_config>"
            ),
        );
        fires(
            "unread-in-agent-config",
            &format!(
                "<ossec_config>{CLIENT}<command><name>a</name><executable>b</executable></command></ossec_config>"
            ),
            "<ossec_config><command><name>a</name><executable>b</executable></command></ossec_config>",
        );
    }

    #[test]
    fn ca_verification_is_case_insensitive_on_agents() {
        fires(
            "invalid-ca-verification",
            &format!(
                "<ossec_config>{CLIENT}<active-response><ca_verification>true</ca_verification></active-response></ossec_config>"
            ),
            &format!(
                "<ossec_config>{CLIENT}<active-response><ca_verification>YES</ca_verification></active-response></ossec_config>"
            ),
        );
        // On a manager it is an unknown option instead.
        let manager = "<ossec_config><active-response><ca_verification>true</ca_verification></active-response></ossec_config>";
        assert!(run("invalid-ca-verification", manager, Profile::Wazuh).is_empty());
        assert_eq!(run("unknown-option", manager, Profile::Wazuh).len(), 1);
    }
}
