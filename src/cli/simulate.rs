//! `simulate` (docs/cli.md "simulate"): binding, fired and replay modes, as text or JSON; and the
//! ruleset-aware findings `check` appends when rules are available.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::args::{Common, Format, SimulateArgs};
use super::output::{self, Loaded, escape_controls};
use super::{EXIT_OK, Failure};
use crate::load;
use crate::model::Diagnostic;
use crate::model::Field;
use crate::rules::{self, RuleSet};
use crate::simulate::{
    self, AlertEvent, Binding, Fired, Message, Options, Replay, ResponseState, Simulator, Version,
};

/// How many rule-file problems are printed before a count.
const MAX_PROBLEMS_SHOWN: usize = 20;
/// How many rule ids a text line shows.
const MAX_IDS_SHOWN: usize = 12;

/// `simulate FILE …`.
pub(super) fn simulate(common: &Common, args: &SimulateArgs) -> anyhow::Result<i32> {
    let loaded = output::load(common, &args.file)?;
    if let Some(e) = loaded.doc.errors().first() {
        let (line, col) = loaded.doc.line_col(e.offset);
        let _ = writeln!(
            std::io::stderr(),
            "ossec-ar: warning: {}:{line}:{col}: {}: the daemons would not start with this file (see `ossec-ar check`); simulating what was read",
            args.file.display(),
            escape_controls(&e.message)
        );
    }
    if let Some(log) = &args.logs {
        return super::logs::logs_mode(common, args, &loaded, log);
    }
    let (rules, _) = load_rules(common, &loaded, true)?
        .ok_or_else(|| Failure::usage("no rules: give --rules DIR"))?;
    let sim = Simulator::new(&loaded.config, &loaded.doc, &rules, loaded.profile);
    let mut out = std::io::stdout().lock();
    if let Some(alerts) = &args.alerts {
        replay_mode(common, &sim, alerts, &mut out)
    } else if let Some(rule) = args.rule {
        fired_mode(common, &sim, args, rule, &mut out)
    } else {
        binding_mode(common, &loaded, &sim, &mut out)
    }
}

/// What `check` adds when a ruleset is loaded (docs/cli.md "Diagnostics").
pub(super) struct RulesetCheck {
    /// The findings of `simulate::diagnostics` on the config.
    pub(super) findings: Vec<Diagnostic>,
    /// The problems of the rule files (already reported on stderr).
    pub(super) problems: Vec<rules::Problem>,
}

/// The ruleset-aware findings and the rule files' problems when rules are given
/// (`--rules`) or found under a readable `--ossec-home`; `None` otherwise
/// (docs/choices.md).
pub(super) fn ruleset_findings(
    common: &Common,
    loaded: &Loaded,
) -> anyhow::Result<Option<RulesetCheck>> {
    let Some((rules, problems)) = load_rules(common, loaded, false)? else {
        return Ok(None);
    };
    let findings =
        simulate::diagnostics::check(&loaded.config, &loaded.doc, &rules, loaded.profile);
    Ok(Some(RulesetCheck { findings, problems }))
}

/// Loads `--rules` (with the config's `<rule_exclude>`), else the config's
/// `<ruleset>` under a readable `--ossec-home`. Problems go to stderr. `None` when
/// there is nothing to load and `required` is false; else the rules and the problems
/// met loading them.
fn load_rules(
    common: &Common,
    loaded: &Loaded,
    required: bool,
) -> Result<Option<(RuleSet, Vec<rules::Problem>)>, Failure> {
    let Some(found) = load::rule_files(&common.rules, loaded.home.as_deref(), &loaded.doc) else {
        if required {
            return Err(Failure::usage(format!(
                "no rules: give --rules DIR, or --ossec-home DIR with a readable installation ({} is not readable)",
                common.ossec_home.display()
            )));
        }
        return Ok(None);
    };
    if found.files.is_empty() {
        if required {
            let mut msg = "no rule files found".to_string();
            for p in &found.problems {
                msg.push_str(&format!("\n  {p}"));
            }
            return Err(Failure::usage(msg));
        }
        return Ok(None);
    }
    let mut result = rules::load(&found.files);
    let mut problems = found.problems;
    problems.append(&mut result.problems);
    report_problems(&problems);
    Ok(Some((result.rules, problems)))
}

fn report_problems(problems: &[rules::Problem]) {
    let mut err = std::io::stderr().lock();
    let (decoders, problems): (Vec<&rules::Problem>, Vec<&rules::Problem>) = problems
        .iter()
        .partition(|p| p.message == rules::DECODER_FILE);
    if let Some(first) = decoders.first() {
        let what = match decoders.len() {
            1 => "1 file is a decoder file, not a rule file".to_string(),
            n => format!("{n} files are decoder files, not rule files"),
        };
        let _ = writeln!(
            err,
            "ossec-ar: rules: {what} (e.g. {}): point --rules at a rules folder (decoders go to --decoders of logtest)",
            escape_controls(&first.file.display().to_string())
        );
    }
    for p in problems.iter().take(MAX_PROBLEMS_SHOWN) {
        let _ = writeln!(err, "ossec-ar: rules: {}", escape_controls(&p.to_string()));
    }
    if problems.len() > MAX_PROBLEMS_SHOWN {
        let _ = writeln!(
            err,
            "ossec-ar: rules: … and {} more problems",
            problems.len() - MAX_PROBLEMS_SHOWN
        );
    }
}

/// One response of binding mode's JSON (docs/cli.md "simulate").
#[derive(Serialize)]
struct BindingJson<'a> {
    index: usize,
    command: Option<&'a str>,
    location: Option<&'a str>,
    enabled: bool,
    rules: &'a [u32],
}

#[derive(Serialize)]
struct BindingsJson<'a> {
    rules_loaded: usize,
    responses: Vec<BindingJson<'a>>,
}

fn binding_mode(
    common: &Common,
    loaded: &Loaded,
    sim: &Simulator<'_>,
    out: &mut impl Write,
) -> anyhow::Result<i32> {
    let bindings = sim.bindings();
    let block = |b: &Binding| loaded.config.responses.iter().find(|r| r.index == b.index);
    match common.format {
        Format::Json => {
            let responses = bindings
                .iter()
                .map(|b| BindingJson {
                    index: b.index,
                    command: block(b).and_then(|r| r.value(Field::Command)),
                    location: block(b).and_then(|r| r.value(Field::Location)),
                    enabled: b.enabled,
                    rules: &b.rules,
                })
                .collect();
            let v = BindingsJson {
                rules_loaded: sim.rules.len(),
                responses,
            };
            writeln!(out, "{}", serde_json::to_string(&v)?)?;
        }
        Format::Text => {
            header(out, sim)?;
            for b in &bindings {
                let location = block(b)
                    .and_then(|r| r.value(Field::Location))
                    .unwrap_or("-");
                binding_line(out, sim, b, location)?;
            }
            if bindings.is_empty() {
                writeln!(out, "no <active-response> block")?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn header(out: &mut impl Write, sim: &Simulator<'_>) -> std::io::Result<()> {
    writeln!(
        out,
        "{} rules loaded from {} files ({} profile)",
        sim.rules.len(),
        sim.rules.files().len(),
        sim.responses.profile.as_str()
    )?;
    if let Some((i, why)) = sim.responses.fatal() {
        writeln!(
            out,
            "warning: analysisd would not start: response #{i}: {}",
            escape_controls(why)
        )?;
    }
    Ok(())
}

fn binding_line(
    out: &mut impl Write,
    sim: &Simulator<'_>,
    b: &Binding,
    location: &str,
) -> std::io::Result<()> {
    let name = match sim.responses.block(b.index) {
        Some(ResponseState::Active(a)) => a.name.as_str(),
        _ => "-",
    };
    let head = format!("#{:<3} {:<22} {:<14}", b.index, name, location);
    match &b.why_disabled {
        Some(why) => writeln!(
            out,
            "{} no response: {}",
            escape_controls(&head),
            escape_controls(why)
        )?,
        None => writeln!(
            out,
            "{} {:>5} rule{} {}",
            escape_controls(&head),
            b.rules.len(),
            if b.rules.len() == 1 { " " } else { "s" },
            id_list(&b.rules)
        )?,
    }
    for n in &b.notes {
        writeln!(out, "      note: {}", escape_controls(n))?;
    }
    Ok(())
}

fn id_list(ids: &[u32]) -> String {
    let shown: Vec<String> = ids.iter().take(MAX_IDS_SHOWN).map(u32::to_string).collect();
    let more = ids.len().saturating_sub(MAX_IDS_SHOWN);
    if more > 0 {
        format!("{} … (+{more})", shown.join(" "))
    } else {
        shown.join(" ")
    }
}

fn fired_mode(
    common: &Common,
    sim: &Simulator<'_>,
    args: &SimulateArgs,
    rule: u32,
    out: &mut impl Write,
) -> anyhow::Result<i32> {
    let agent_version = match &args.agent_version {
        None => None,
        Some(v) => Some(Version::parse(v).ok_or_else(|| {
            Failure::usage(format!(
                "--agent-version '{v}': expected a version such as 4.1.5"
            ))
        })?),
    };
    let event = event_of(args, rule)?;
    let options = Options {
        profile: sim.responses.profile,
        agent_version,
        hit: 1,
        messages: true,
    };
    let fired = sim.fire(&event, &options);
    if fired.rule.is_none() {
        return Err(Failure::refused(format!(
            "rule {rule} is not in the {} loaded rules",
            sim.rules.len()
        ))
        .into());
    }
    match common.format {
        Format::Json => {
            let mut v = serde_json::to_value(&fired)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("event".into(), event_json(args, &event));
            }
            writeln!(out, "{v}")?
        }
        Format::Text => {
            writeln!(out, "{}", event_words(args, &event))?;
            fired_text(out, sim, &fired)?
        }
    }
    Ok(EXIT_OK)
}

/// The event of `--rule`: the options given, checked, else the example event the
/// editor's simulator pane starts from too (`simulate::DEFAULT_AGENT`, `DEFAULT_SRCIP`).
fn event_of(args: &SimulateArgs, rule: u32) -> Result<AlertEvent, Failure> {
    let problem = args
        .agent
        .as_deref()
        .and_then(simulate::agent_problem)
        .map(|p| format!("--agent: {p}"))
        .or_else(|| {
            let p = args.srcip.as_deref().and_then(simulate::srcip_problem)?;
            Some(format!("--srcip: {p}"))
        });
    if let Some(p) = problem {
        return Err(Failure::usage(p));
    }
    Ok(AlertEvent {
        rule,
        agent: Some(
            args.agent
                .clone()
                .unwrap_or_else(|| simulate::DEFAULT_AGENT.into()),
        ),
        srcip: Some(
            args.srcip
                .clone()
                .unwrap_or_else(|| simulate::DEFAULT_SRCIP.into()),
        ),
        user: args.user.clone(),
    })
}

/// The event as JSON: each value and whether it is the default.
fn event_json(args: &SimulateArgs, e: &AlertEvent) -> serde_json::Value {
    let defaults: Vec<&str> = [
        args.agent.is_none().then_some("agent"),
        args.srcip.is_none().then_some("srcip"),
    ]
    .into_iter()
    .flatten()
    .collect();
    serde_json::json!({
        "rule": e.rule,
        "agent": e.agent_id(),
        "srcip": e.srcip,
        "user": e.user,
        "defaults": defaults,
    })
}

/// `event: rule 5712 on agent 001, srcip 192.0.2.10, no user (agent and srcip are
/// the defaults: --agent, --srcip, --user change them)`.
fn event_words(args: &SimulateArgs, e: &AlertEvent) -> String {
    let mut defaults = Vec::new();
    if args.agent.is_none() {
        defaults.push("agent");
    }
    if args.srcip.is_none() {
        defaults.push("srcip");
    }
    let note = match defaults.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one} is the default: --{one} changes it)"),
        _ => {
            " (agent and srcip are the defaults: --agent, --srcip, --user change them)".to_string()
        }
    };
    escape_controls(&format!(
        "event: rule {} on agent {}, srcip {}, {}{note}",
        e.rule,
        e.agent_id(),
        e.srcip.as_deref().unwrap_or("none"),
        e.user
            .as_deref()
            .map_or("no user".to_string(), |u| format!("user {u}")),
    ))
}

fn fired_text(out: &mut impl Write, sim: &Simulator<'_>, fired: &Fired) -> std::io::Result<()> {
    let Some(r) = &fired.rule else { return Ok(()) };
    writeln!(
        out,
        "rule {} (level {}): {}",
        r.id,
        r.level,
        escape_controls(&r.description)
    )?;
    writeln!(out, "  groups: {}", escape_controls(&r.groups))?;
    if fired.fired.is_empty() {
        let why = match sim.rules.get(r.id) {
            Some(rule) if rule.no_ar => ": it has <options>no_ar</options>",
            Some(rule) if rule.ar_level == 0 => ": its level is 0",
            _ => "",
        };
        writeln!(out, "no response is bound to this rule{why}")?;
    }
    for x in &fired.fired {
        writeln!(
            out,
            "#{} {} (command {})",
            x.index,
            x.name,
            escape_controls(&x.command)
        )?;
        let runs = if x.runs_on.is_empty() {
            "nowhere".to_string()
        } else {
            x.runs_on.join(", ")
        };
        writeln!(out, "   runs on: {}", escape_controls(&runs))?;
        if let Some(d) = x.delete_after {
            writeln!(out, "   delete after: {d} s")?;
        }
        for n in &x.notes {
            writeln!(out, "   note: {}", escape_controls(n))?;
        }
        match &x.message {
            Some(Message::Text(t)) => writeln!(out, "   message: {}", escape_controls(t))?,
            Some(m) => writeln!(
                out,
                "   message: {}",
                escape_controls(&serde_json::to_string(m).unwrap_or_default())
            )?,
            None => {}
        }
    }
    Ok(())
}

fn replay_mode(
    common: &Common,
    sim: &Simulator<'_>,
    alerts: &Path,
    out: &mut impl Write,
) -> anyhow::Result<i32> {
    let reader = simulate::open_alerts(alerts).map_err(|e| Failure::usage(e.to_string()))?;
    let counts = simulate::replay(reader, sim).map_err(|e| Failure::usage(e.to_string()))?;
    if counts.alerts == 0 {
        let why = match counts.first_malformed {
            Some(line) => format!(
                "{} of its lines {} a Wazuh alert (a JSON object with rule.id), the first at line {line}",
                counts.malformed,
                if counts.malformed == 1 {
                    "is not"
                } else {
                    "are not"
                }
            ),
            None => "it is empty".to_string(),
        };
        return Err(Failure::usage(format!(
            "no alert read from {}: {why}; give Wazuh's alerts.json (or .json.gz)",
            alerts.display()
        ))
        .into());
    }
    if counts.malformed > 0 {
        let _ = writeln!(std::io::stderr(), "{}", not_alerts(&counts, alerts));
    }
    match common.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&counts)?)?,
        Format::Text => replay_text(out, sim, &counts)?,
    }
    Ok(EXIT_OK)
}

/// The warning for lines that are not alerts: "1 line of F is not an alert", "2 lines
/// of F are not alerts", and how many were too long to read.
fn not_alerts(counts: &Replay, alerts: &Path) -> String {
    let (n, file) = (counts.malformed, alerts.display());
    let what = if n == 1 {
        format!("1 line of {file} is not an alert")
    } else {
        format!("{n} lines of {file} are not alerts")
    };
    let long = match counts.overlong {
        0 => String::new(),
        k => format!(
            "; {k} longer than {} MiB, skipped unread",
            simulate::MAX_ALERT_LINE >> 20
        ),
    };
    format!(
        "ossec-ar: warning: {what} (first at line {}){long}",
        counts.first_malformed.unwrap_or(0)
    )
}

fn replay_text(out: &mut impl Write, sim: &Simulator<'_>, r: &Replay) -> std::io::Result<()> {
    header(out, sim)?;
    writeln!(out, "alerts: {}", r.alerts)?;
    if r.unknown_rules > 0 {
        let ids: Vec<u32> = r.unknown_rule_ids.clone();
        writeln!(
            out,
            "alerts of rules not in the loaded rules: {} (rule ids {})",
            r.unknown_rules,
            id_list(&ids)
        )?;
    }
    if r.skipped > 0 {
        writeln!(
            out,
            "alerts whose responses analysisd would not run: {} (the source IP is white-listed, \
             or the source IP or user holds characters analysisd refuses)",
            r.skipped
        )?;
    }
    for e in &r.executions {
        let mut by: Vec<String> = e
            .by_agent
            .iter()
            .map(|(agent, n)| format!("{agent}={n}"))
            .collect();
        if !e.other_agents.is_empty() {
            // Past the cap (docs/limits.md "Memory"): the number of targets is an
            // estimate, their executions exact.
            by.push(format!(
                "and about {} other targets ({} executions)",
                e.other_agents.distinct, e.other_agents.executions
            ));
        }
        writeln!(
            out,
            "#{:<3} {:<22} {:>9}   {}",
            e.index,
            e.name,
            e.count,
            escape_controls(&by.join(" "))
        )?;
    }
    Ok(())
}
