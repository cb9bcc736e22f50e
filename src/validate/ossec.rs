//! Rules of the OSSEC profile: what OSSEC-HIDS refuses that Wazuh accepts
//! (docs/ossec.md §2, §3, §4, §10). The other OSSEC differences
//! (`expect` required, fatal 1305, `!` names and agent 000 allowed, empty location)
//! live in the rule each one changes.

use super::scope::{at, cmd_ref, manager_commands, manager_responses, ossec_roots, resp_ref};
use super::{Check, Code, Context};
use crate::model::{Field, Profile, Severity};

pub(super) static CHECKS: &[&Check] = &[&WAZUH_ONLY_SECTION, &WAZUH_ONLY_OPTION];

/// The 15 children of a root that OSSEC's `read_main_elements` knows (§2).
const OSSEC_SECTIONS: [&str; 15] = [
    "global",
    "rules",
    "syscheck",
    "rootcheck",
    "alerts",
    "email_alerts",
    "database_output",
    "syslog_output",
    "agentless",
    "localfile",
    "remote",
    "client",
    "command",
    "active-response",
    "reports",
];

/// Any other root child is fatal in every OSSEC daemon (§2 "Allowed children").
static WAZUH_ONLY_SECTION: Check = Check {
    code: Code {
        code: "wazuh-only-section",
        severity: Severity::Error,
        summary: "a section OSSEC does not know (<wodle>, <sca>, <logging>, ...)",
        explain: "OSSEC-HIDS accepts 15 sections inside <ossec_config>: global, rules, \
syscheck, rootcheck, alerts, email_alerts, database_output, syslog_output, agentless, \
localfile, remote, client, command, active-response, reports. Any other one, such as \
Wazuh's <wodle>, <sca>, <logging>, <client_buffer>, <auth>, <cluster>, <integration>, \
<labels> or <vulnerability-detection>, makes every OSSEC daemon, on agents and servers, \
log `(1230): Invalid element in the configuration: '<name>'.` and `(1202)` and exit. \
Names are case-sensitive. Remove the section, or check the file with --profile wazuh \
if it is for Wazuh.",
    },
    check: |ctx, out| {
        if ctx.profile != Profile::Ossec {
            return;
        }
        for root in ossec_roots(ctx) {
            for child in ctx.doc.children(root.element) {
                let name = ctx.doc.name(child);
                if !OSSEC_SECTIONS.contains(&name) {
                    out.push(
                        at(ctx, child),
                        None,
                        format!("<{name}> is not an OSSEC section: every OSSEC daemon refuses to start (1230)"),
                    );
                }
            }
        }
    },
};

/// `extra_args` (command) and `ca_store` (response) are Wazuh options: fatal 1230 in
/// OSSEC (§3, §4, §10).
static WAZUH_ONLY_OPTION: Check = Check {
    code: Code {
        code: "wazuh-only-option",
        severity: Severity::Error,
        summary: "a Wazuh option OSSEC refuses (<extra_args>, <ca_store>)",
        explain: "<command><extra_args> (Wazuh 3.5+) and <active-response><ca_store> (Wazuh \
3.0+) do not exist in OSSEC: ossec-analysisd logs `(1230): Invalid element in the \
configuration: 'extra_args'.` and refuses to start. Remove them for OSSEC; OSSEC scripts \
get their arguments from the alert (user, srcip, ...) instead.",
    },
    check: |ctx, out| {
        if ctx.profile != Profile::Ossec {
            return;
        }
        push_each(ctx, out, Field::ExtraArgs, "command", true);
        push_each(ctx, out, Field::CaStore, "active-response", false);
    },
};

fn push_each(
    ctx: &Context<'_>,
    out: &mut super::Findings<'_>,
    option: Field,
    block: &str,
    in_commands: bool,
) {
    let msg = format!(
        "<{option}> is a Wazuh option of <{block}>: ossec-analysisd refuses to start (1230)"
    );
    if in_commands {
        for c in manager_commands(ctx) {
            for id in ctx.doc.children_named(c.element, option.name()) {
                out.push(at(ctx, id), cmd_ref(c), msg.clone());
            }
        }
    } else {
        for r in manager_responses(ctx) {
            for id in ctx.doc.children_named(r.element, option.name()) {
                out.push(at(ctx, id), resp_ref(r), msg.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires_in, run};

    #[test]
    fn wazuh_only_section() {
        fires_in(
            Profile::Ossec,
            "wazuh-only-section",
            "<ossec_config><global/><wodle name=\"syscollector\"><disabled>no</disabled></wodle></ossec_config>",
            "<ossec_config><global><email_notification>no</email_notification></global><reports/></ossec_config>",
        );
        let src = "<ossec_config><logging><log_format>plain</log_format></logging></ossec_config>";
        assert!(run("wazuh-only-section", src, Profile::Wazuh).is_empty());
    }

    #[test]
    fn wazuh_only_option() {
        fires_in(
            Profile::Ossec,
            "wazuh-only-option",
            "<ossec_config><command><name>a</name><executable>b</executable><expect/><extra_args>-x</extra_args></command></ossec_config>",
            "<ossec_config><command><name>a</name><executable>b</executable><expect/></command></ossec_config>",
        );
        fires_in(
            Profile::Ossec,
            "wazuh-only-option",
            "<ossec_config><active-response><disabled>yes</disabled><ca_store>a.pem</ca_store></active-response></ossec_config>",
            "<ossec_config><client/><active-response><disabled>yes</disabled><ca_store>a.pem</ca_store></active-response></ossec_config>",
        );
    }
}
