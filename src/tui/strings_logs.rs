//! The texts of `l` and `L` in the simulator pane (docs/logs.md "In the editor"),
//! re-exported by `strings` so that every text is reached the same way.

/// Heading of the pre-decoded fields.
pub(crate) const PROBE_PREDECODED: &str = "pre-decoding";
/// A line with no syslog header.
pub(crate) const PROBE_NO_HEADER: &str = "  no timestamp, host or program name read";
/// No decoder read the line.
pub(crate) const PROBE_NO_DECODER: &str = "no decoder read this line";
/// No rule matched.
pub(crate) const PROBE_NO_RULE: &str = "no rule matched";
/// Before a parent rule.
pub(crate) const PROBE_PARENT: &str = "under";
/// An alert suppressed by `ignore` (docs/logs.md "What is counted").
pub(crate) const PROBE_SUPPRESSED: &str =
    "suppressed: inside the rule's ignore time, no alert and no response";
/// Heading of the responses.
pub(crate) const PROBE_RESPONSES: &str = "responses of the file as edited";
/// Nothing runs.
pub(crate) const PROBE_NONE_RUNS: &str = "  no response runs";
/// The input's label for `l`.
pub(crate) const PROBE_PROMPT: &str = "event: ";
/// The input's label for `L`.
pub(crate) const LOGS_PROMPT: &str = "log file: ";
/// `l` or `L` without decoders and rules for the engine.
pub(crate) const NO_ENGINE: &str =
    "no decoders loaded: give --ossec-home with a readable installation (or run ossec-ar demo)";
/// `l` with an empty line.
pub(crate) const EMPTY_EVENT: &str = "an empty line is not an event";
/// The hint under a result.
pub(crate) const PROBE_KEYS: &str = "l another event  L a log file  Esc the rules";
/// Above the rules of the alerts.
pub(crate) const LOGS_TOP_RULES: &str = "rules that fired most";
/// A replay was cancelled.
pub(crate) const LOGS_CANCELLED: &str = "log replay cancelled";

/// The decoder line.
pub(crate) fn probe_decoder(name: &str, parent: Option<&str>) -> String {
    match parent {
        Some(p) if p != name => format!("decoder {name} (parent {p})"),
        _ => format!("decoder {name}"),
    }
}

/// A rule line.
pub(crate) fn probe_rule(id: u32, level: u32, description: &str) -> String {
    format!("rule {id} (level {level}): {description}")
}

/// Whether an alert is stored.
pub(crate) fn probe_alert(alert: bool, firedtimes: u32) -> String {
    let stored = if alert {
        "alert stored"
    } else {
        "no alert (level below log_alert_level)"
    };
    format!("  {stored} (firedtimes {firedtimes} in this session)")
}

fn targets(on: &[String]) -> String {
    on.join(", ")
}

/// The selected response runs.
pub(crate) fn probe_selected_runs(index: usize, name: &str, on: &[String]) -> String {
    format!("  #{index} {name} (selected) runs on {}", targets(on))
}

/// The selected response is bound but a gate stops it.
pub(crate) fn probe_selected_gated(index: usize, why: &str) -> String {
    format!("  #{index} (selected) does not run: {why}")
}

/// The selected response is not bound to the rule.
pub(crate) fn probe_selected_not(index: usize) -> String {
    format!("  #{index} (selected) does not run for this event")
}

/// Another response runs.
pub(crate) fn probe_other_runs(index: usize, name: &str, on: &[String]) -> String {
    format!("  #{index} {name} runs on {}", targets(on))
}

/// The replay's progress line (under the file's name).
pub(crate) fn logs_progress(lines: u64, percent: u64) -> String {
    format!("replaying: {lines} lines, {percent}% read (Esc cancels)")
}

/// The replay's totals.
pub(crate) fn logs_totals(lines: u64, undecoded: u64, alerts: u64) -> String {
    format!("{lines} lines, {undecoded} undecoded, {alerts} alerts")
}

/// The selected response's count.
pub(crate) fn logs_count(index: usize, name: &str, count: u64) -> String {
    let runs = if count == 1 { "run" } else { "runs" };
    format!("#{index} {name}: {count} {runs} in this log")
}

/// The selected response is not one the daemon loads.
pub(crate) fn logs_not_loaded(index: usize) -> String {
    format!("#{index} yields no response: it never runs")
}

/// A replay failed.
pub(crate) fn logs_failed(why: &str) -> String {
    format!("log replay failed: {why}")
}

/// The demo's first notice.
pub(crate) fn demo_greeting(sample: &str) -> String {
    format!("demo: p opens the simulator; there l runs a log line, L replays {sample}")
}
