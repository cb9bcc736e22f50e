//! Rules about the active-response names analysisd writes to `etc/shared/ar.conf`
//! and execd looks up (docs/wazuh-config.md §3.7, §5.4;
//! docs/ossec.md §4, §8).

use std::collections::{HashMap, HashSet};

use super::scope::{at, manager_responses, resp_ref};
use super::{Check, Code, Context};
use crate::model::{Command, Response, Severity};

pub(super) static CHECKS: &[&Check] = &[&AR_NAME_COLLISION, &TOO_MANY_AR_NAMES];

/// An accepted response, with its command, the timeout in force and its AR name.
struct Accepted<'a> {
    r: &'a Response,
    c: &'a Command,
    timeout: i64,
    name: String,
}

/// Accepted responses, in document order.
fn accepted<'a>(ctx: &'a Context<'a>) -> Vec<Accepted<'a>> {
    let analysis = ctx.analysis();
    manager_responses(ctx)
        .filter_map(|r| {
            Some(Accepted {
                r,
                c: analysis.command(r)?,
                timeout: analysis.timeout(r)?,
                name: analysis.ar_name(r)?,
            })
        })
        .collect()
}

/// `foo1`+0 and `foo`+10 both become `foo10` (docs/wazuh-config.md §3.7 "Name collision").
static AR_NAME_COLLISION: Check = Check {
    code: Code {
        code: "ar-name-collision",
        severity: Severity::Warning,
        summary: "two responses whose command+timeout names are the same string",
        explain: "analysisd names each response by gluing the command name and the timeout \
(`firewall-drop` + 600 = `firewall-drop600`) and writes `name - executable - timeout` to \
etc/shared/ar.conf, which execd on every host uses to find the program. Different \
commands can produce the same name: `foo1` with timeout 0 and `foo` with timeout 10 are \
both `foo10`. execd then uses the first ar.conf line for both, so one response runs the \
other's program with the other's timeout. Rename one of the commands (avoid names that \
end in a digit).",
    },
    check: |ctx, out| {
        let mut first: HashMap<String, (&str, i64, usize)> = HashMap::new();
        for Accepted {
            r,
            c,
            timeout,
            name,
        } in accepted(ctx)
        {
            let cmd = c.name().unwrap_or_default();
            match first.get(&name) {
                Some(&(other_cmd, other_t, other)) if (other_cmd, other_t) != (cmd, timeout) => {
                    out.push(
                        at(ctx, r.element),
                        resp_ref(r),
                        format!(
                            "this response is named '{name}' (command '{cmd}', timeout {timeout}), like response #{other} (command '{other_cmd}', timeout {other_t}): execd runs the first ar.conf line for both"
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    first.insert(name, (cmd, timeout, r.index));
                }
            }
        }
    },
};

/// execd's ar.conf table holds 64 entries, two of which analysisd always writes
/// (`restart-ossec0`, `restart-wazuh0`); docs/wazuh-config.md §3.7, §5.4 (`MAX_AR`).
const MAX_USER_NAMES: usize = 62;

/// Past ~62 distinct names the table overflows (docs/wazuh-config.md §5.4).
static TOO_MANY_AR_NAMES: Check = Check {
    code: Code {
        code: "too-many-ar-names",
        severity: Severity::Warning,
        summary: "more distinct active-response names than execd's table holds",
        explain: "execd loads etc/shared/ar.conf into a table of 64 entries (MAX_AR). \
analysisd always writes the names restart-ossec0 and restart-wazuh0, then one line per \
accepted response. With more than about 62 distinct response names (command + timeout), \
Wazuh 4.14.7 writes past the table (no bounds check; behaviour unverified) and 4.14.9 \
ignores the rest with `(1319): Reached the maximum of 64 active response commands.` \
Reuse commands and timeouts so that fewer distinct names are needed.",
    },
    check: |ctx, out| {
        let mut names: HashSet<String> = HashSet::new();
        for Accepted { r, name, .. } in accepted(ctx) {
            if names.contains(&name) {
                continue;
            }
            if names.len() == MAX_USER_NAMES {
                let n = names.len() + 1;
                out.push(
                    at(ctx, r.element),
                    resp_ref(r),
                    format!(
                        "this is distinct active-response name number {n} ('{name}'): with the 2 names analysisd always writes, execd's table of 64 entries overflows"
                    ),
                );
            }
            names.insert(name);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Profile;
    use crate::validate::testing::{fires, run};

    fn cmd(name: &str) -> String {
        format!(
            "<command><name>{name}</name><executable>{name}</executable><timeout_allowed>yes</timeout_allowed></command>"
        )
    }

    fn ar(command: &str, timeout: u32) -> String {
        format!(
            "<active-response><command>{command}</command><location>local</location><level>5</level><timeout>{timeout}</timeout></active-response>"
        )
    }

    #[test]
    fn ar_name_collision() {
        let both = format!(
            "<ossec_config>{}{}{}{}</ossec_config>",
            cmd("foo1"),
            cmd("foo"),
            ar("foo1", 0),
            ar("foo", 10)
        );
        fires(
            "ar-name-collision",
            &both,
            &format!(
                "<ossec_config>{}{}{}</ossec_config>",
                cmd("foo"),
                ar("foo", 10),
                ar("foo", 10)
            ),
        );
        let d = run("ar-name-collision", &both, Profile::Wazuh);
        assert_eq!(
            d[0].message,
            "this response is named 'foo10' (command 'foo', timeout 10), like response #1 (command 'foo1', timeout 0): execd runs the first ar.conf line for both"
        );
    }

    #[test]
    fn too_many_ar_names() {
        let many = |n: u32| {
            let ars: String = (1..=n).map(|t| ar("fd", t)).collect();
            format!("<ossec_config>{}{ars}</ossec_config>", cmd("fd"))
        };
        fires("too-many-ar-names", &many(63), &many(62));
    }
}
