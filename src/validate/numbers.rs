//! Numbers the daemons read with C's `atoi`, which keeps only 32 bits: a value too
//! big for `int` is silently read as another number (docs/values.md "atoi").

use super::scope::{at, children, execd_responses, manager_responses, resp_ref};
use super::{Check, Code};
use crate::model::{Field, Severity, judge};

pub(super) static CHECKS: &[&Check] = &[&NUMBER_OVERFLOW];

/// `atoi` overflow in `level`, `timeout`, `agent_id`, `rules_id` and
/// `repeated_offenders` (docs/values.md "atoi").
static NUMBER_OVERFLOW: Check = Check {
    code: Code {
        code: "number-overflow",
        severity: Severity::Warning,
        summary: "a number too big for the daemon's int, read as another number",
        explain: "analysisd and execd read <level>, <timeout>, <agent_id>, the ids of \
<rules_id> and the entries of <repeated_offenders> with C's atoi, which (in glibc) is \
strtol cut to a 32-bit int: only the low 32 bits of the number are kept. So \
<timeout>99999999999</timeout> is read as 1215752191 seconds and the response is named \
host-deny1215752191 in ar.conf, 2147483648 becomes -2147483648, and 4294967296 becomes 0. \
Nothing is logged. Write a number below 2147483648 (a level above 20 is refused outright: \
see invalid-level).",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            for field in [Field::Level, Field::Timeout, Field::AgentId] {
                for (id, v) in children(ctx, r.element, field) {
                    let f = match field {
                        Field::Level => judge::level(&v),
                        Field::Timeout => judge::timeout(&v),
                        _ => judge::number(field.name(), &v),
                    };
                    if let Some(f) = f.filter(|f| f.code == "number-overflow") {
                        out.push(at(ctx, id), resp_ref(r), f.message);
                    }
                }
            }
            for (id, v) in children(ctx, r.element, Field::RulesId) {
                // Each id the scanner reads starts at a digit and ends at a comma.
                let bad = v
                    .split(',')
                    .map(|p| p.trim_start_matches(' '))
                    .filter(|p| p.starts_with(|c: char| c.is_ascii_digit()))
                    .find_map(|p| judge::number(Field::RulesId.name(), p));
                if let Some(f) = bad {
                    out.push(at(ctx, id), resp_ref(r), f.message);
                }
            }
        }
        for r in execd_responses(ctx) {
            for (id, v) in children(ctx, r.element, Field::RepeatedOffenders) {
                let bad = crate::model::execd::offender_entries(&v)
                    .find_map(|e| judge::number(Field::RepeatedOffenders.name(), e.value));
                if let Some(f) = bad {
                    out.push(at(ctx, id), resp_ref(r), f.message);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires, run};

    fn conf(inner: &str) -> String {
        format!(
            "<ossec_config><command><name>host-deny</name><executable>host-deny</executable>\
             <timeout_allowed>yes</timeout_allowed></command>\
             <active-response><command>host-deny</command><location>local</location>{inner}\
             </active-response></ossec_config>"
        )
    }

    #[test]
    fn timeout_overflow_is_read_as_the_low_32_bits() {
        let bad = conf("<level>5</level><timeout>99999999999</timeout>");
        fires(
            "number-overflow",
            &bad,
            &conf("<level>5</level><timeout>2147483647</timeout>"),
        );
        let d = run("number-overflow", &bad, Profile::Wazuh);
        assert_eq!(
            d[0].message,
            "timeout '99999999999' is read as 1215752191 (the daemon's atoi keeps only 32 bits): \
             that is the timeout in force and the end of the response's name"
        );
    }

    #[test]
    fn overflow_in_ids_agents_levels_and_offenders() {
        for inner in [
            "<rules_id>5712, 4294967296</rules_id>",
            "<level>4294967303</level>",
            "<level>5</level><repeated_offenders>10,99999999999</repeated_offenders>",
        ] {
            fires(
                "number-overflow",
                &conf(inner),
                &conf("<rules_id>5712</rules_id>"),
            );
        }
        let agent = "<ossec_config><command><name>c</name><executable>c</executable></command>\
            <active-response><command>c</command><location>defined-agent</location>\
            <agent_id>4294967297</agent_id><level>5</level></active-response></ossec_config>";
        assert_eq!(run("number-overflow", agent, Profile::Wazuh).len(), 1);
    }
}
