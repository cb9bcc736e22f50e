//! Rules about `<active-response>` blocks as analysisd reads them: required options,
//! the command they use, level and timeout values (docs/wazuh-config.md
//! §3.2, §3.4–§3.6; docs/ossec.md §4).

use super::scope::{
    Outcome, at, bound_command, children, manager_responses, outcome, resp_ref, shown,
};
use super::{Check, Code, Context};
use crate::model::analysisd::LOCAL_AR;
use crate::model::{Field, Profile, Response, Severity, judge};

pub(super) static CHECKS: &[&Check] = &[
    &MISSING_RESPONSE_OPTION,
    &UNDEFINED_COMMAND,
    &INVALID_LEVEL,
    &TIMEOUT_NOT_ALLOWED,
    &TIMEOUT_VALUE,
    &DISABLED_RESETS_FLAGS,
];

/// A block with neither command+location, nor `disabled=yes`, nor
/// `repeated_offenders`: fatal 1281 on a manager (docs/wazuh-config.md §3.5).
static MISSING_RESPONSE_OPTION: Check = Check {
    code: Code {
        code: "missing-response-option",
        severity: Severity::Error,
        summary: "an <active-response> without <command> or <location> on a manager",
        explain: "analysisd needs a <command> and a <location> in every <active-response> \
(Wazuh counts an empty one as missing). Without them it logs `(1281): Missing options \
in the active response configuration.` and refuses to start, unless the block says \
<disabled>yes</disabled> (then it is skipped) or holds <repeated_offenders> (then it is \
dropped silently, as an execd setting). This is why an agent's \
`<active-response><disabled>no</disabled></active-response>` stops a manager. In an \
agent configuration (a root with <client>) such blocks are execd settings and are \
fine. Add the missing options, or move the block to the agent's ossec.conf.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            let Outcome::Incomplete { settings } = outcome(ctx, r) else {
                continue;
            };
            let missing = missing_names(ctx, r);
            if settings {
                // Quietly dropped: say so only when it looks like a half-written response.
                if r.command.is_some() || r.location.is_some() {
                    out.push_as(
                        Severity::Warning,
                        at(ctx, r.element),
                        resp_ref(r),
                        format!(
                            "<active-response> has no {missing}: because it holds <repeated_offenders>, analysisd drops it without a word"
                        ),
                    );
                }
                continue;
            }
            out.push(
                at(ctx, r.element),
                resp_ref(r),
                format!("<active-response> has no {missing}: analysisd refuses to start (1281)"),
            );
        }
    },
};

/// "<command> and <location>", or one of them, naming empty ones as such.
fn missing_names(ctx: &Context<'_>, r: &Response) -> String {
    let describe = |name: Field| match r.value(name) {
        None => Some(format!("<{name}>")),
        Some("") if ctx.profile == Profile::Wazuh => Some(format!("<{name}> (it is empty)")),
        Some(_) => None,
    };
    let parts: Vec<String> = [Field::Command, Field::Location]
        .into_iter()
        .filter_map(describe)
        .collect();
    parts.join(" and no ")
}

/// The command must be defined earlier in document order: fatal 1303 (docs/wazuh-config.md
/// §3.2,
/// docs/ossec.md §2 "Order matters"). Message per docs/cli.md "Diagnostics".
static UNDEFINED_COMMAND: Check = Check {
    code: Code {
        code: "undefined-command",
        severity: Severity::Error,
        summary: "a response uses a command not defined before it",
        explain: "analysisd reads the file in document order (across all <ossec_config> \
roots) and looks up an <active-response><command> among the <command> blocks read so \
far, by exact, case-sensitive name (a trailing space counts). A name defined nowhere, \
or only further down, makes it log `(1303): Invalid command 'NAME' in the active \
response.` and refuse to start. Move the <command> block above the response, or fix \
the name.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !matches!(outcome(ctx, r), Outcome::Undefined) {
                continue;
            }
            let Some(f) = &r.command else { continue };
            out.push(
                at(ctx, f.element),
                resp_ref(r),
                format!(
                    "active response uses command '{}', which is not defined before it",
                    f.value
                ),
            );
        }
    },
};

/// `level` is all digits and its `atoi` within 0..=20, every repeat checked: else
/// 1235 (docs/values.md "level"; `src/config/active-response.c`).
static INVALID_LEVEL: Check = Check {
    code: Code {
        code: "invalid-level",
        severity: Severity::Error,
        summary: "<level> not made of digits, or read as a number outside 0 to 20",
        explain: "analysisd checks every <level> of an <active-response>: it must be ASCII \
digits only (no sign, no space: ` 5` and `-1` fail), and the number C's atoi reads from \
it must be from 0 to 20. Otherwise it logs `(1235): Invalid value for element 'level': \
<v>.` and refuses to start. atoi keeps only 32 bits, so 99999999999 is read as \
1215752191 (refused) and 4294967303 as 7 (accepted: a number-overflow warning). An \
empty <level></level> or 0 is accepted and means \"no level condition\". 17 to 20 are \
accepted but no rule reaches them (a level-never-matches warning). `set` and the editor \
refuse the errors and the warnings alike unless --force. Use 1 to 16.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            for (id, v) in children(ctx, r.element, Field::Level) {
                if let Some(f) = judge::level(&v).filter(|f| f.code == "invalid-level") {
                    out.push(at(ctx, id), resp_ref(r), f.message);
                }
            }
        }
    },
};

/// A timeout on a command without `timeout_allowed yes`: Wazuh forces it to 0 (INFO
/// 1305, docs/wazuh-config.md §3.6); OSSEC refuses to start (docs/ossec.md §4).
static TIMEOUT_NOT_ALLOWED: Check = Check {
    code: Code {
        code: "timeout-not-allowed",
        severity: Severity::Warning,
        summary: "a <timeout> on a command that does not allow one",
        explain: "When an <active-response> has a non-zero <timeout> but its command lacks \
<timeout_allowed>yes</timeout_allowed> (the default is no), Wazuh logs `INFO (1305): \
Timeout not allowed for command: '<name>'.` and uses 0: the action is never undone. The \
response's name (command + timeout, as in ar.conf) then ends in 0. OSSEC treats the same \
case as fatal: `(1305): ERROR: Timeout not allowed for command`, and ossec-analysisd \
does not start (an error under --profile ossec). Add <timeout_allowed>yes</timeout_allowed> \
to the command if its script supports `delete`, or remove the <timeout>.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            let Some(c) = bound_command(ctx, r) else {
                continue;
            };
            let (Some(f), t) = (&r.timeout, r.timeout_value().0) else {
                continue;
            };
            if t == 0 || c.allows_timeout() {
                continue;
            }
            let name = shown(c.name().unwrap_or_default());
            if ctx.profile == Profile::Ossec {
                out.push_as(
                    Severity::Error,
                    at(ctx, f.element),
                    resp_ref(r),
                    format!("timeout {t} on command {name}, which does not allow a timeout: ossec-analysisd refuses to start (1305)"),
                );
            } else {
                out.push(
                    at(ctx, f.element),
                    resp_ref(r),
                    format!("timeout {t} on command {name}, which does not allow a timeout: analysisd uses 0 and the action is never undone (1305)"),
                );
            }
        }
    },
};

/// The timeout is read with `atoi`: units, words and signs are silently changed
/// (docs/wazuh-config.md §3.2 `timeout`, §5.5).
static TIMEOUT_VALUE: Check = Check {
    code: Code {
        code: "timeout-value",
        severity: Severity::Warning,
        summary: "a <timeout> that is not a plain number of seconds",
        explain: "analysisd reads <timeout> with C's atoi and never rejects it: leading \
whitespace is skipped, a unit is ignored (`30m` is 30 seconds, not 30 minutes), a word \
gives 0 (no timeout: the action is never undone), an empty value gives 0, and a \
negative number is kept, which makes execd undo the action about a second later. \
Write the number of seconds with digits only, e.g. 600 for ten minutes.",
    },
    check: |ctx, out| {
        for r in manager_responses(ctx) {
            if !outcome(ctx, r).defines() {
                continue;
            }
            let Some(f) = &r.timeout else { continue };
            if let Some(w) = judge::timeout(&f.value).filter(|w| w.code == "timeout-value") {
                out.push(at(ctx, f.element), resp_ref(r), w.message);
            }
        }
    },
};

/// A `disabled=yes` block resets the global `ar_flag`, erasing the queue bits of the
/// enabled blocks before it (docs/wazuh-config.md §3.4 quirk; docs/ossec.md §4).
static DISABLED_RESETS_FLAGS: Check = Check {
    code: Code {
        code: "disabled-resets-flags",
        severity: Severity::Warning,
        summary: "a disabled block after enabled ones switches their responses off",
        explain: "analysisd marks a <disabled>yes</disabled> block by setting a global flag \
to -1 and then resets that flag to 0. The same flag holds the queue bits (local and \
remote) that the enabled responses before it have set, so they are erased: the earlier \
responses stay bound to their rules but analysisd opens no queue for them. When nothing \
enabled follows, no active response runs at all; otherwise the earlier ones run only \
where a later block happens to set the same bit. The daemon logs nothing about it. \
Delete the disabled block, or move it before every enabled one.",
    },
    check: |ctx, out| {
        let read: Vec<&Response> = manager_responses(ctx).collect();
        let Some(last_disabled) = read.iter().rposition(|r| r.is_disabled()) else {
            return;
        };
        // Queue bits (docs/wazuh-config.md §3.7) are 0 for a block that is not bound.
        let analysis = ctx.analysis();
        let final_bits: u8 = read[last_disabled + 1..]
            .iter()
            .fold(0, |b, r| b | analysis.queue_bits(r));
        let mut enabled_before = Vec::new();
        for r in &read {
            if r.is_disabled() {
                if !enabled_before.is_empty() {
                    out.push(
                        disabled_at(ctx, r),
                        resp_ref(r),
                        reset_message(&enabled_before, final_bits),
                    );
                }
            } else if analysis.outcome(r).is_bound() {
                enabled_before.push((r.index, analysis.queue_bits(r)));
            }
        }
    },
};

/// The `<disabled>yes</disabled>` that disables the block.
fn disabled_at(ctx: &Context<'_>, r: &Response) -> usize {
    r.disabled
        .as_ref()
        .map_or(at(ctx, r.element), |f| at(ctx, f.element))
}

fn reset_message(enabled_before: &[(usize, u8)], final_bits: u8) -> String {
    let list = |v: Vec<usize>| {
        v.iter()
            .map(|i| format!("#{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if final_bits == 0 {
        let all: Vec<usize> = enabled_before.iter().map(|(i, _)| *i).collect();
        return format!(
            "this disabled block resets analysisd's active-response flags after response {}: no active response runs at all",
            list(all)
        );
    }
    let hurt: Vec<usize> = enabled_before
        .iter()
        .filter(|(_, bits)| bits & !final_bits != 0)
        .map(|(i, _)| *i)
        .collect();
    if hurt.is_empty() {
        "this disabled block resets analysisd's active-response flags; the enabled blocks after it happen to set them again".to_string()
    } else {
        let lost = if final_bits & LOCAL_AR == 0 {
            "on the manager"
        } else {
            "on agents"
        };
        format!(
            "this disabled block resets analysisd's active-response flags: response {} no longer runs {lost}",
            list(hurt)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Profile, Severity};
    use crate::validate::testing::{fires, fires_in, run};

    const CMDS: &str = "<command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command><command><name>rw</name><executable>restart-wazuh</executable></command>";

    fn conf(ars: &str) -> String {
        format!("<ossec_config>{CMDS}{ars}</ossec_config>")
    }

    fn ar(inner: &str) -> String {
        format!("<active-response>{inner}</active-response>")
    }

    #[test]
    fn missing_response_option() {
        fires(
            "missing-response-option",
            &conf(&ar("<disabled>no</disabled>")),
            &conf(&ar("<disabled>yes</disabled>")),
        );
        fires(
            "missing-response-option",
            &conf(&ar(
                "<command>fd</command><location></location><level>5</level>",
            )),
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level>",
            )),
        );
        // repeated_offenders excuses it: an execd setting, dropped quietly.
        assert!(
            run(
                "missing-response-option",
                &conf(&ar("<repeated_offenders>10</repeated_offenders>")),
                Profile::Wazuh
            )
            .is_empty()
        );
        let half = run(
            "missing-response-option",
            &conf(&ar(
                "<command>fd</command><repeated_offenders>10</repeated_offenders>",
            )),
            Profile::Wazuh,
        );
        assert_eq!(half[0].severity, Severity::Warning);
    }

    #[test]
    fn missing_response_option_not_in_agent_configs() {
        let agent = "<ossec_config><client/><active-response><disabled>no</disabled></active-response></ossec_config>";
        assert!(run("missing-response-option", agent, Profile::Wazuh).is_empty());
    }

    #[test]
    fn undefined_command_message_of_spec_2_1() {
        let later = "<ossec_config><active-response><command>fw-drop</command><location>local</location><level>5</level></active-response><command><name>fw-drop</name><executable>x</executable></command></ossec_config>";
        fires(
            "undefined-command",
            later,
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level>",
            )),
        );
        let d = run("undefined-command", later, Profile::Wazuh);
        assert_eq!(
            d[0].message,
            "active response uses command 'fw-drop', which is not defined before it"
        );
        // Points at the <command> child: "<ossec_config><active-response>" is 31 bytes.
        assert_eq!(d[0].offset, 31);
        // A trailing space breaks the match; a disabled block is never resolved.
        fires(
            "undefined-command",
            &conf(&ar("<command>fd </command><location>local</location>")),
            &conf(&ar(
                "<command>nope</command><location>local</location><disabled>yes</disabled>",
            )),
        );
    }

    #[test]
    fn commands_in_an_earlier_root_count() {
        let two_roots = format!(
            "<ossec_config>{CMDS}</ossec_config><ossec_config>{}</ossec_config>",
            ar("<command>fd</command><location>local</location><level>3</level>")
        );
        assert!(run("undefined-command", &two_roots, Profile::Wazuh).is_empty());
    }

    #[test]
    fn invalid_level() {
        fires(
            "invalid-level",
            &conf(&ar(
                "<command>fd</command><location>local</location><level> 5</level>",
            )),
            &conf(&ar(
                "<command>fd</command><location>local</location><level>20</level>",
            )),
        );
        fires(
            "invalid-level",
            &conf(&ar(
                "<command>fd</command><location>local</location><level>21</level><level>5</level>",
            )),
            &conf(&ar(
                "<command>fd</command><location>local</location><level></level><rules_id>1</rules_id>",
            )),
        );
    }

    #[test]
    fn timeout_not_allowed_warns_in_wazuh_and_is_fatal_in_ossec() {
        let bad = conf(&ar(
            "<command>rw</command><location>local</location><level>5</level><timeout>600</timeout>",
        ));
        fires(
            "timeout-not-allowed",
            &bad,
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level><timeout>600</timeout>",
            )),
        );
        assert_eq!(
            run("timeout-not-allowed", &bad, Profile::Wazuh)[0].severity,
            Severity::Warning
        );
        assert_eq!(
            run("timeout-not-allowed", &bad, Profile::Ossec)[0].severity,
            Severity::Error
        );
        fires_in(
            Profile::Ossec,
            "timeout-not-allowed",
            &bad,
            &conf(&ar(
                "<command>rw</command><location>local</location><level>5</level><timeout>0</timeout>",
            )),
        );
    }

    #[test]
    fn timeout_value() {
        let d = run(
            "timeout-value",
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level><timeout>10m</timeout>",
            )),
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "timeout '10m' is read as 10 seconds (for 10 minutes write 600)"
        );
        fires(
            "timeout-value",
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level><timeout>-5</timeout>",
            )),
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level><timeout>600</timeout>",
            )),
        );
        fires(
            "timeout-value",
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level><timeout>abc</timeout>",
            )),
            &conf(&ar(
                "<command>fd</command><location>local</location><level>5</level>",
            )),
        );
    }

    #[test]
    fn disabled_after_enabled_resets_flags() {
        let enabled = ar("<command>fd</command><location>local</location><level>5</level>");
        let disabled =
            ar("<command>fd</command><location>local</location><disabled>yes</disabled>");
        let bad = conf(&format!("{enabled}{disabled}"));
        fires(
            "disabled-resets-flags",
            &bad,
            &conf(&format!("{disabled}{enabled}")),
        );
        let d = run("disabled-resets-flags", &bad, Profile::Wazuh);
        assert!(
            d[0].message.ends_with("no active response runs at all"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn disabled_between_local_and_all_cripples_the_first_on_the_manager() {
        let local = ar("<command>fd</command><location>local</location><level>5</level>");
        let off = ar("<disabled>yes</disabled>");
        let all = ar("<command>fd</command><location>all</location><level>9</level>");
        let d = run(
            "disabled-resets-flags",
            &conf(&format!("{local}{off}{all}")),
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "this disabled block resets analysisd's active-response flags: response #1 no longer runs on the manager"
        );
    }
}
