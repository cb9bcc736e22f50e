//! One bound response for one event: gates, route, message, delete and notes
//! (docs/wazuh-config.md §5.1–§5.6).

use super::fire::{AlertEvent, Execution, Gate, Options, Route, Simulator, Version, strip_mapped};
use super::message::{self, Expect, Fields, Message};
use super::offenders;
use super::responses::ActiveResponse;
use crate::model::Profile;
use crate::rules::Rule;

/// First agent version that takes JSON (§5.2).
const JSON_SINCE: Version = Version(4, 2, 0);
/// First agent version that takes the JSON unescaped.
const PLAIN_JSON_SINCE: Version = Version(4, 2, 5);

/// Builds the execution of `ar` for `event`: gates, route, message, then timing.
pub(super) fn execute(
    sim: &Simulator<'_>,
    ar: &ActiveResponse,
    rule: &Rule,
    event: &AlertEvent,
    options: &Options,
) -> Execution {
    let profile = sim.responses.profile;
    let mut x = started(ar);
    let expect =
        (profile == Profile::Ossec).then(|| Expect::read(ar.expect.as_deref().unwrap_or("")));
    if let Some(why) = gated(sim, event, expect) {
        x.notes.push(why);
        return x;
    }
    let agent = event.agent_id();
    let Some(on_manager) = place(&sim.route(ar, &agent), profile, &mut x) else {
        return x;
    };
    let fields = Fields {
        agent: &agent,
        srcip: event.srcip.as_deref().map(strip_mapped),
        user: event.user.as_deref(),
    };
    let cx = Cx {
        sim,
        ar,
        rule,
        fields: &fields,
        on_manager,
        options,
    };
    if options.messages {
        x.message = Some(build_message(&cx, expect, &mut x.notes));
    }
    let timeout = timing(&cx, &mut x);
    if timeout != 0 {
        x.delete_after = Some(timeout);
        x.notes.push(delete_note(timeout));
    }
    x
}

/// The execution before anything is decided, with the note on an ignored timeout.
fn started(ar: &ActiveResponse) -> Execution {
    let mut x = Execution {
        index: ar.index,
        name: ar.name.clone(),
        command: ar.command.clone(),
        runs_on: Vec::new(),
        message: None,
        delete_after: None,
        notes: Vec::new(),
        schedule: Vec::new(),
    };
    if let Some(t) = ar.timeout_ignored {
        x.notes.push(format!(
            "timeout {t} ignored: command '{}' lacks <timeout_allowed>yes</timeout_allowed> (INFO 1305), so the name is {} and nothing is undone",
            ar.command, ar.name
        ));
    }
    x
}

/// Records where the response runs (§5.2); whether on the manager, or `None` when it
/// runs nowhere (the note says why).
fn place(route: &Route, profile: Profile, x: &mut Execution) -> Option<bool> {
    match route {
        Route::Manager => {
            x.runs_on.push("000".to_string());
            Some(true)
        }
        Route::Agent(a) => {
            x.runs_on.push(a.clone());
            Some(false)
        }
        Route::AllAgents => {
            x.runs_on.push(match profile {
                Profile::Wazuh => "all active agents".to_string(),
                Profile::Ossec => "all agents".to_string(),
            });
            x.notes.push(match profile {
                Profile::Wazuh => "one message to each agent whose connection status is active; never the manager, and disconnected agents are skipped".to_string(),
                Profile::Ossec => "forwarded to every agent key; the manager itself does not run it".to_string(),
            });
            Some(false)
        }
        Route::Nowhere(why) => {
            x.notes.push(why.clone());
            None
        }
    }
}

/// When execd runs the delete for a timeout (§5.5): at its first check after it.
fn delete_note(timeout: i64) -> String {
    if timeout < 0 {
        "negative timeout: execd runs the delete at its next check, about 1 s after the add"
            .to_string()
    } else {
        format!(
            "execd runs the delete at its first check more than {timeout} s after the add (about {} s)",
            timeout + 1
        )
    }
}

/// The analysisd gates, as a note when they stop the response.
fn gated(sim: &Simulator<'_>, event: &AlertEvent, expect: Option<Expect>) -> Option<String> {
    if let Some(e) = expect {
        if e.user && event.user.is_none() {
            return Some(
                "the command expects a user and the event has none: OSSEC skips it".into(),
            );
        }
        if e.srcip && event.srcip.is_none() {
            return Some("the command expects srcip and the event has none: OSSEC skips it".into());
        }
    }
    match sim.gate(event, expect) {
        Gate::Open => None,
        Gate::CraftedUser(u) => Some(format!(
            "(1272): Invalid username '{u}'. Possible logging attack. No response runs"
        )),
        Gate::CraftedIp(ip) => Some(format!(
            "(1271): Invalid IP Address '{ip}'. Possible logging attack. No response runs"
        )),
        Gate::WhiteListed { ip, entry } => Some(format!(
            "source IP {ip} is white-listed by <white_list>{entry}</white_list>: analysisd runs no response at all for this event"
        )),
    }
}

/// What the message and timing steps look at.
struct Cx<'a> {
    sim: &'a Simulator<'a>,
    ar: &'a ActiveResponse,
    rule: &'a Rule,
    fields: &'a Fields<'a>,
    on_manager: bool,
    options: &'a Options,
}

/// The message for the target: JSON for 4.2+ (escaped for 4.2.0–4.2.4), the
/// legacy string for older agents and OSSEC.
fn build_message(cx: &Cx<'_>, expect: Option<Expect>, notes: &mut Vec<String>) -> Message {
    let (ar, rule, fields) = (cx.ar, cx.rule, cx.fields);
    if let Some(e) = expect {
        notes.push(format!(
            "OSSEC passes arguments, not JSON; fields the command does not expect are sent as '-' ({} and {} are filled in by analysisd)",
            message::TIME_ALERT_ID,
            message::LOCATION
        ));
        return Message::Text(message::legacy_ossec(ar, rule, fields, e));
    }
    let json = message::json(ar, rule, fields, &cx.sim.node);
    let version = cx.options.agent_version.filter(|_| !cx.on_manager);
    match version {
        Some(v) if v < JSON_SINCE => {
            notes.push(format!(
                "agent version {}.{}.{} is below 4.2: it gets the legacy argument string, not JSON ({} and {} are filled in by analysisd)",
                v.0, v.1, v.2,
                message::TIME_ALERT_ID,
                message::LOCATION
            ));
            Message::Text(message::legacy_wazuh(ar, rule, fields))
        }
        Some(v) if v < PLAIN_JSON_SINCE => {
            notes.push(format!(
                "agent version {}.{}.{} (4.2.0 to 4.2.4) gets the JSON with ! $ ' ` escaped as \\xNN",
                v.0, v.1, v.2
            ));
            Message::Text(message::escaped_json(&json))
        }
        _ => Message::Json(Box::new(json)),
    }
}

/// What the executing script does with the key it needs, and the timeout of this hit
/// (0: no delete). Fills the repeated-offender schedule when it is known.
fn timing(cx: &Cx<'_>, x: &mut Execution) -> i64 {
    let (sim, ar) = (cx.sim, cx.ar);
    if ar.timeout == 0 {
        return 0;
    }
    if sim.responses.profile == Profile::Wazuh && !keeps_state(ar, cx.fields, &mut x.notes) {
        return 0;
    }
    if !cx.on_manager {
        // Only worth saying when this file has a list, or a repeat is asked about.
        if !sim.offenders.is_empty() || cx.options.hit > 1 {
            x.notes.push(
                "repeated offenders are read from the executing agent's own ossec.conf; this file's value applies to manager-side runs only".to_string(),
            );
        }
        return ar.timeout;
    }
    if sim.offenders.is_empty() {
        return ar.timeout;
    }
    x.schedule = std::iter::once(ar.timeout)
        .chain(sim.offenders.iter().map(|m| m * 60))
        .collect();
    let hit = cx.options.hit.max(1);
    let this = offenders::timeout_for_hit(ar.timeout, &sim.offenders, hit);
    let minutes: Vec<String> = sim.offenders.iter().map(i64::to_string).collect();
    x.notes.push(format!(
        "repeated offenders on this host ({} min): hit {} of the same key lasts {this} s",
        minutes.join(", "),
        hit
    ));
    this
}

/// Does the script register a delete (Wazuh 4.2+ `check_keys`, §5.3)? Adds a note
/// when it does not, or may not.
fn keeps_state(ar: &ActiveResponse, fields: &Fields<'_>, notes: &mut Vec<String>) -> bool {
    let exe = script_name(&ar.executable);
    match exe {
        "firewall-drop" | "firewalld-drop" | "host-deny" | "ip-customblock" | "ipfw" | "npf"
        | "pf" | "route-null" | "netsh" => {
            if fields.srcip.is_none() {
                notes.push(format!(
                    "{exe} reads alert.data.srcip, which this event lacks: the script exits without acting and no delete is scheduled"
                ));
                return false;
            }
            true
        }
        "disable-account" => match fields.user {
            None => {
                notes.push("disable-account reads alert.data.dstuser, which this event lacks: it exits without acting".to_string());
                false
            }
            Some(u) if u == "root" || u.starts_with(['-', '+', '~']) || u.len() > 256 => {
                notes.push(format!(
                    "disable-account refuses the user '{u}': nothing is done"
                ));
                false
            }
            Some(_) => true,
        },
        "restart-wazuh" | "restart" | "restart-ossec" | "kaspersky" | "wazuh-slack" => {
            notes.push(format!(
                "{exe} answers nothing to execd, so it is never put in the timeout list: no delete"
            ));
            false
        }
        _ => {
            notes.push(format!(
                "custom script '{}': the delete happens only if it answers check_keys like the built-in stateful scripts",
                ar.executable
            ));
            true
        }
    }
}

/// The script's base name without `.sh`, `.cmd` or `.exe`.
fn script_name(executable: &str) -> &str {
    let base = executable.rsplit(['/', '\\']).next().unwrap_or(executable);
    [".sh", ".cmd", ".exe"]
        .iter()
        .find_map(|ext| base.strip_suffix(ext))
        .unwrap_or(base)
}
