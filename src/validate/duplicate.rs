//! Two responses analysisd cannot tell apart (docs/active-responses.md
//! "Response identity"): each is bound and triggered on its own, so both run.

use std::collections::HashMap;

use super::scope::{at, manager_responses, resp_ref};
use super::{Check, Code};
use crate::model::Severity;
use crate::model::analysisd::Identity;

pub(super) static CHECKS: &[&Check] = &[&DUPLICATE_RESPONSE];

/// Same command, location, agent, level, groups and rule ids as an earlier block.
static DUPLICATE_RESPONSE: Check = Check {
    code: Code {
        code: "duplicate-response",
        severity: Severity::Warning,
        summary: "a response with the same command, target and trigger as an earlier one",
        explain: "analysisd keeps every <active-response> block as a response of its own: it \
does not merge blocks that say the same thing. Two enabled blocks with the same command, \
location (and agent_id for defined-agent), level, rules_group and rules_id are both \
triggered by every alert that triggers one, so the daemon runs both: the command is sent \
twice (and, with different timeouts, undone twice at different times). Usually a block \
was pasted twice or a scripted `add` ran twice. Remove one of them (`ossec-ar rm FILE \
response:N`), or use `add --if-absent` and `apply`, which never add a block whose identity \
is already there.",
    },
    check: |ctx, out| {
        let analysis = ctx.analysis();
        let mut first: HashMap<Identity, usize> = HashMap::new();
        for r in manager_responses(ctx).filter(|r| analysis.outcome(r).is_bound()) {
            match first.get(&r.identity(ctx.profile)) {
                Some(&earlier) => out.push(
                    at(ctx, r.element),
                    resp_ref(r),
                    format!(
                        "response #{} has the same command, location and trigger as response #{earlier}: analysisd keeps both, so each alert that triggers them runs the command twice",
                        r.index
                    ),
                ),
                None => {
                    first.insert(r.identity(ctx.profile), r.index);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires, run};

    const CMD: &str = "<command><name>fw</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command>";

    fn conf(blocks: &str) -> String {
        format!("<ossec_config>{CMD}{blocks}</ossec_config>")
    }

    #[test]
    fn duplicate_response() {
        let a = "<active-response><command>fw</command><location>local</location><rules_id>5712,5720</rules_id><timeout>60</timeout></active-response>";
        let same = "<active-response><command>fw</command><location>Local</location><rules_id>5720,5712</rules_id><timeout>600</timeout></active-response>";
        let other = "<active-response><command>fw</command><location>local</location><rules_id>5712</rules_id></active-response>";
        let disabled = "<active-response><disabled>yes</disabled><command>fw</command><location>local</location><rules_id>5712,5720</rules_id></active-response>";
        fires(
            "duplicate-response",
            &conf(&format!("{a}{same}")),
            &conf(&format!("{a}{other}{disabled}")),
        );
        let found = run(
            "duplicate-response",
            &conf(&format!("{a}{other}{same}")),
            Profile::Wazuh,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "response #3 has the same command, location and trigger as response #1: analysisd keeps both, so each alert that triggers them runs the command twice"
        );
    }
}
