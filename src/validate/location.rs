//! Rules about where a response runs: `<location>` and `<agent_id>`
//! (docs/wazuh-config.md §3.3, §5.2; docs/ossec.md §4, §5, §10).

use super::scope::{Outcome, at, manager_responses, outcome, resp_ref, shown};
use super::{Check, Code, Context};
use crate::model::{Field, Location, Profile, Response, Severity};

pub(super) static CHECKS: &[&Check] = &[
    &INVALID_LOCATION,
    &LOCATION_BY_ACCIDENT,
    &LOCATION_COMBINED,
    &MISSING_AGENT_ID,
    &AGENT_ID_ZERO,
    &AGENT_ID_FORMAT,
    &UNUSED_AGENT_ID,
];

/// The point of a finding about the location: its element, or the block.
fn location_at(ctx: &Context<'_>, r: &Response) -> usize {
    r.location
        .as_ref()
        .map_or(at(ctx, r.element), |f| at(ctx, f.element))
}

/// The location analysisd reads, for blocks that define a response.
fn read_location<'r>(ctx: &Context<'_>, r: &'r Response) -> Option<&'r str> {
    let o = outcome(ctx, r);
    if o.defines() || matches!(o, Outcome::AgentZero) {
        r.value(Field::Location)
    } else {
        None
    }
}

/// No pattern matches: fatal 1302 (docs/wazuh-config.md §3.3 "Nothing matched").
static INVALID_LOCATION: Check = Check {
    code: Code {
        code: "invalid-location",
        severity: Severity::Error,
        summary: "a <location> that matches none of server, local, defined-agent, all",
        explain: "analysisd reads <location> with four case-insensitive substring searches: \
`AS|analysisd|analysis-server|server` (run on the manager), `local` (where the event \
came from), `defined-agent` (the agent in <agent_id>) and `all|any` (every active \
agent). A value that contains none of them, such as `manager`, `agent` or `global`, \
makes it log `(1302): Invalid active response location: '<v>'.` and refuse to start. \
OSSEC also refuses an empty <location>. Write one of local, server, defined-agent, all.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !matches!(outcome(ctx, r), Outcome::BadLocation) {
                continue;
            }
            let v = r.value(Field::Location).unwrap_or_default();
            out.push(
                location_at(ctx, r),
                resp_ref(r),
                format!(
                    "location {} contains none of server, local, defined-agent, all: analysisd refuses to start (1302)",
                    shown(v)
                ),
            );
        }
    },
};

/// Words the location patterns are made of.
const KEYWORDS: [&str; 8] = [
    "as",
    "analysisd",
    "analysis-server",
    "server",
    "local",
    "defined-agent",
    "all",
    "any",
];

/// Is every word of the value one of the pattern words (so no flag comes from inside
/// an unrelated word)?
fn only_keywords(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .all(|w| KEYWORDS.contains(&w))
}

/// Substrings match by accident: `localhost`, `alias`, `company`, `firewall`
/// (docs/wazuh-config.md §3.3 "Substrings count").
static LOCATION_BY_ACCIDENT: Check = Check {
    code: Code {
        code: "location-by-accident",
        severity: Severity::Warning,
        summary: "a <location> read through a substring of another word",
        explain: "The <location> patterns are unanchored substring searches, so a word that \
merely contains one of them is accepted: `localhost` is read as local, `alias` as server \
(it contains \"as\"), `company` as all (\"any\"), `firewall` as all (\"all\"). The \
daemon does not say anything. Write exactly local, server, defined-agent or all.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            let Some(v) = read_location(ctx, r) else {
                continue;
            };
            let flags = Location::read(v);
            if flags.is_empty() || only_keywords(v) {
                continue;
            }
            out.push(
                location_at(ctx, r),
                resp_ref(r),
                format!(
                    "location {} is read as '{flags}' because the daemon looks for substrings; write '{flags}' if that is what you mean",
                    shown(v)
                ),
            );
        }
    },
};

/// Where a response with several flags really runs (docs/wazuh-config.md §5.2 `OS_Exec`).
fn combined_effect(flags: Location) -> &'static str {
    if flags.has(Location::AS_ONLY) {
        "server wins, so it runs only on the manager"
    } else if flags.has(Location::ALL_AGENTS) && flags.has(Location::REMOTE_AGENT) {
        "events from the manager run it on the manager, events from agents on every active agent"
    } else if flags.has(Location::ALL_AGENTS) {
        "all wins, so it runs on every active agent and agent_id is not used"
    } else {
        "events from the manager run it on the manager, events from agents only on the agent in agent_id"
    }
}

/// Several flags at once: one of them wins (docs/wazuh-config.md §3.3 "Combinations", §5.2).
static LOCATION_COMBINED: Check = Check {
    code: Code {
        code: "location-combined",
        severity: Severity::Warning,
        summary: "a <location> that sets several targets at once",
        explain: "A <location> such as `local,server` or `all local` sets several flags, but \
a response runs in one place only: analysisd runs it on the manager when the server flag \
is set (whatever else is set), or when local is set and the event came from the manager \
itself; otherwise it sends it to every active agent (all), else to <agent_id> \
(defined-agent), else to the agent the event came from (local). Use one value, and one \
block per target if you need several.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            let Some(v) = read_location(ctx, r) else {
                continue;
            };
            let flags = Location::read(v);
            if flags.bits().count_ones() < 2 {
                continue;
            }
            out.push(
                location_at(ctx, r),
                resp_ref(r),
                format!(
                    "location {} sets {flags}: {}",
                    shown(v),
                    combined_effect(flags)
                ),
            );
        }
    },
};

/// `defined-agent` without `<agent_id>`: fatal 1304 (docs/wazuh-config.md §3.3).
static MISSING_AGENT_ID: Check = Check {
    code: Code {
        code: "missing-agent-id",
        severity: Severity::Error,
        summary: "location defined-agent without <agent_id>",
        explain: "A response whose <location> contains `defined-agent` runs on the agent \
named in <agent_id>. Without an <agent_id> element analysisd logs `(1304): No agent \
defined for response.` and refuses to start. Add <agent_id> with the agent's id as \
the agent list shows it (three digits, e.g. 001).",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if matches!(outcome(ctx, r), Outcome::NoAgent) {
                out.push(
                    location_at(ctx, r),
                    resp_ref(r),
                    "location is defined-agent but there is no <agent_id>: analysisd refuses to start (1304)",
                );
            }
        }
    },
};

/// The agent id reads as 0: warning 1306, block dropped (Wazuh ≥ 4.3; docs/wazuh-config.md
/// §3.3, §9). OSSEC allows it (docs/ossec.md §10).
static AGENT_ID_ZERO: Check = Check {
    code: Code {
        code: "agent-id-zero",
        severity: Severity::Warning,
        summary: "defined-agent with an <agent_id> that reads as 0 (Wazuh drops the block)",
        explain: "analysisd reads <agent_id> with atoi. When it gives 0 (`000`, `0`, an \
empty value or a name such as `web01`), Wazuh 4.3 and later log `(1306): Invalid agent \
ID. Use location=server to run AR on the manager.` and silently drop the whole response. \
To run on the manager use <location>server</location>; to run on an agent write its \
numeric id (e.g. 001).",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !matches!(outcome(ctx, r), Outcome::AgentZero) {
                continue;
            }
            let Some(f) = &r.agent_id else { continue };
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "agent_id {} is agent 0: analysisd drops this response (1306); use location server to run it on the manager",
                    shown(&f.value)
                ),
            );
        }
    },
};

/// `1` vs `001`, lists of ids (docs/wazuh-config.md §3.3, §5.2 `atoi(agent_id)`; §10 pitfall
/// 6; OSSEC's remoted matches client.keys exactly, docs/ossec.md §4).
static AGENT_ID_FORMAT: Check = Check {
    code: Code {
        code: "agent-id-format",
        severity: Severity::Warning,
        summary: "an <agent_id> not written as one agent id of three digits or more",
        explain: "<agent_id> names exactly one agent. Wazuh 4.x reads it with atoi, so `1` \
reaches agent 001 (a note) but `001,002` reaches only 001 and ` 1a` only 001: anything \
after the first number is ignored, silently. OSSEC's remoted compares the text with \
client.keys, so it must be written exactly as there (`001`, not `1`), or the response \
reaches no agent. Write one id as the agent list shows it, and one block per agent when \
several agents need the response.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !outcome(ctx, r).defines() {
                continue;
            }
            let (Some(loc), Some(f)) = (r.location_flags(), &r.agent_id) else {
                continue;
            };
            if !loc.has(Location::SPECIFIC_AGENT) {
                continue;
            }
            let v = &f.value;
            let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            if digits && v.len() >= 3 {
                continue;
            }
            let n = crate::model::AgentId(v.clone()).canonical();
            let (severity, msg) = match ctx.profile {
                Profile::Ossec => (
                    Severity::Warning,
                    format!(
                        "agent_id {} must match client.keys exactly: OSSEC sends the response to no agent unless one is named {}; write '{n}'",
                        shown(v),
                        shown(v)
                    ),
                ),
                Profile::Wazuh if digits => (
                    Severity::Note,
                    format!(
                        "agent_id {} works in Wazuh 4.x (read as agent {n}), but write '{n}' as the agent list does",
                        shown(v)
                    ),
                ),
                Profile::Wazuh => (
                    Severity::Warning,
                    format!(
                        "agent_id {} is read as agent {n} only: the rest is ignored, and a response reaches one agent; use one block per agent",
                        shown(v)
                    ),
                ),
            };
            out.push_as(severity, at(ctx, f.element), resp_ref(r), msg);
        }
    },
};

/// `agent_id` is used only with `defined-agent` (docs/wazuh-config.md §3.2 `agent_id`).
static UNUSED_AGENT_ID: Check = Check {
    code: Code {
        code: "unused-agent-id",
        severity: Severity::Warning,
        summary: "an <agent_id> in a response whose location is not defined-agent",
        explain: "analysisd stores <agent_id> but uses it only when <location> contains \
`defined-agent`. With local, server or all the response does not go to that agent: it \
runs where the location says. Set <location>defined-agent</location> to target the \
agent, or remove <agent_id>.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !outcome(ctx, r).defines() {
                continue;
            }
            let (Some(loc), Some(f)) = (r.location_flags(), &r.agent_id) else {
                continue;
            };
            if loc.has(Location::SPECIFIC_AGENT) || loc.is_empty() {
                continue;
            }
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "agent_id {} is ignored: location {} is not defined-agent, so the response runs as '{loc}' says",
                    shown(&f.value),
                    shown(r.value(Field::Location).unwrap_or_default())
                ),
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::{Profile, Severity};
    use crate::validate::testing::{fires, run};

    fn conf(inner: &str) -> String {
        format!(
            "<ossec_config><command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command><active-response><command>fd</command><level>5</level>{inner}</active-response></ossec_config>"
        )
    }

    #[test]
    fn invalid_location() {
        fires(
            "invalid-location",
            &conf("<location>manager</location>"),
            &conf("<location>Server</location>"),
        );
        // OSSEC reads an empty location (1302); Wazuh counts it as missing (1281).
        let empty = conf("<location></location>");
        assert!(run("invalid-location", &empty, Profile::Wazuh).is_empty());
        assert_eq!(run("invalid-location", &empty, Profile::Ossec).len(), 1);
    }

    #[test]
    fn location_by_accident() {
        fires(
            "location-by-accident",
            &conf("<location>localhost</location>"),
            &conf("<location> LOCAL\n</location>"),
        );
        let d = run(
            "location-by-accident",
            &conf("<location>company</location>"),
            Profile::Wazuh,
        );
        assert!(d[0].message.contains("read as 'all'"), "{}", d[0].message);
        let d = run(
            "location-by-accident",
            &conf("<location>alias</location>"),
            Profile::Wazuh,
        );
        assert!(
            d[0].message.contains("read as 'server'"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn location_combined() {
        fires(
            "location-combined",
            &conf("<location>local,server</location>"),
            &conf("<location>all</location>"),
        );
        let d = run(
            "location-combined",
            &conf("<location>server,all</location>"),
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "location 'server,all' sets server+all: server wins, so it runs only on the manager"
        );
    }

    #[test]
    fn missing_agent_id() {
        fires(
            "missing-agent-id",
            &conf("<location>defined-agent</location>"),
            &conf("<location>defined-agent</location><agent_id>001</agent_id>"),
        );
    }

    #[test]
    fn agent_id_zero_is_wazuh_only() {
        let zero = conf("<location>defined-agent</location><agent_id>000</agent_id>");
        fires(
            "agent-id-zero",
            &zero,
            &conf("<location>defined-agent</location><agent_id>002</agent_id>"),
        );
        assert!(run("agent-id-zero", &zero, Profile::Ossec).is_empty());
        // An empty id is 0 as well, and is not a missing id.
        let empty = conf("<location>defined-agent</location><agent_id></agent_id>");
        assert_eq!(run("agent-id-zero", &empty, Profile::Wazuh).len(), 1);
        assert!(run("missing-agent-id", &empty, Profile::Wazuh).is_empty());
    }

    #[test]
    fn agent_id_format() {
        let short = conf("<location>defined-agent</location><agent_id>1</agent_id>");
        fires(
            "agent-id-format",
            &short,
            &conf("<location>defined-agent</location><agent_id>001</agent_id>"),
        );
        assert_eq!(
            run("agent-id-format", &short, Profile::Wazuh)[0].severity,
            Severity::Note
        );
        assert_eq!(
            run("agent-id-format", &short, Profile::Ossec)[0].severity,
            Severity::Warning
        );
        let list = run(
            "agent-id-format",
            &conf("<location>defined-agent</location><agent_id>001,002</agent_id>"),
            Profile::Wazuh,
        );
        assert_eq!(list[0].severity, Severity::Warning);
        assert!(
            list[0].message.contains("read as agent 001 only"),
            "{}",
            list[0].message
        );
    }

    #[test]
    fn unused_agent_id() {
        fires(
            "unused-agent-id",
            &conf("<location>local</location><agent_id>001</agent_id>"),
            &conf("<location>local</location>"),
        );
    }
}
