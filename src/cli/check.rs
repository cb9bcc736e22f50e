//! `check`, `list` and `explain` (docs/cli.md, §2.1, §2.2).

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::args::{Common, Format};
use super::output::{self, Loaded, counts, plural};
use super::{EXIT_FINDINGS, EXIT_OK, Failure, codes};
use crate::model::{Code, Command, Field, FieldValue, Response, atoi_overflows, is_plain_number};

/// `check FILE`: diagnostics with source lines; exit 1 when there is an error.
/// Diagnostics of one code shown per file in text output; the rest are counted (a
/// file of 100,000 mismatched tags gave 100,000 diagnostics).
const SHOWN_PER_CODE: usize = 20;

pub(super) fn check(common: &Common, file: &Path) -> anyhow::Result<i32> {
    let loaded = load(common, file)?;
    let mut diags = loaded.diagnostics();
    let ruleset = super::simulate::ruleset_findings(common, &loaded)?;
    if let Some(r) = &ruleset {
        diags.extend(r.findings.iter().cloned());
    }
    diags.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
    let (errors, warnings, notes) = counts(&diags);
    let mut out = std::io::stdout().lock();
    match common.format {
        Format::Json => {
            let mut v = json!({
                "file": file.display().to_string(),
                "profile": loaded.profile,
                "kind": loaded.config.kind,
                "layout": loaded.config.layout(),
                "diagnostics": diags.iter().map(|d| output::diagnostic_json(&loaded.doc, d)).collect::<Vec<_>>(),
            });
            if let Some(r) = &ruleset {
                v["ruleset_problems"] = r.problems.iter().map(output::problem_json).collect();
            }
            writeln!(out, "{v}")?;
        }
        Format::Text => {
            let color = output::use_color(common.color);
            let mut shown = std::collections::BTreeMap::<&str, usize>::new();
            for d in &diags {
                let n = shown.entry(d.code).or_default();
                *n += 1;
                if *n <= SHOWN_PER_CODE {
                    output::write_diagnostic(&mut out, file, &loaded.doc, d, true, color)?;
                }
            }
            for (code, n) in shown.into_iter().filter(|(_, n)| *n > SHOWN_PER_CODE) {
                writeln!(
                    out,
                    "{}: {} more [{code}] not shown (--format json lists them all)",
                    file.display(),
                    n - SHOWN_PER_CODE
                )?;
            }
            writeln!(
                out,
                "{}: {}, {}, {} ({}, {} profile)",
                file.display(),
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(notes, "note"),
                kind_word(&loaded),
                loaded.profile.as_str()
            )?;
        }
    }
    Ok(if errors > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

/// Reads the file; with `--format json`, an unreadable file is also reported on stdout
/// as `{"file": …, "error": …}`, so that a consumer of the JSON sees why (exit 2).
fn load(common: &Common, file: &Path) -> Result<Loaded, Failure> {
    output::load(common, file).inspect_err(|e| {
        if common.format == Format::Json {
            println!(
                "{}",
                json!({"file": file.display().to_string(), "error": e.message})
            );
        }
    })
}

/// `manager config`, `centralized agent configuration`, … (`Config::describe`).
fn kind_word(loaded: &Loaded) -> &'static str {
    loaded.config.describe()
}

/// `list FILE`: one line per command and response, diagnostics without source lines.
pub(super) fn list(common: &Common, file: &Path) -> anyhow::Result<i32> {
    let loaded = load(common, file)?;
    let mut out = std::io::stdout().lock();
    let doc = &loaded.doc;
    let cfg = &loaded.config;
    match common.format {
        Format::Json => {
            let v = json!({
                "kind": cfg.kind,
                "layout": cfg.layout(),
                "commands": cfg.commands.iter().map(|c| command_json(&loaded, c)).collect::<Vec<_>>(),
                "responses": cfg.responses.iter().map(|r| response_json(&loaded, r)).collect::<Vec<_>>(),
            });
            writeln!(out, "{v}")?;
        }
        Format::Text => {
            writeln!(out, "# {} ({})", file.display(), kind_word(&loaded))?;
            for c in &cfg.commands {
                writeln!(
                    out,
                    "{}",
                    output::escape_controls(&command_line(&loaded, c))
                )?;
            }
            for r in &cfg.responses {
                writeln!(
                    out,
                    "{}",
                    output::escape_controls(&response_line(&loaded, r))
                )?;
            }
            let color = output::use_color(common.color);
            for d in loaded.diagnostics() {
                output::write_diagnostic(&mut out, file, doc, &d, false, color)?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn line_of(loaded: &Loaded, id: crate::xml::ElementId) -> usize {
    loaded.doc.line_col(loaded.doc.element(id).span().start).0
}

/// `  [agent.conf: agents named 'web01']` for a block inside `<agent_config>`.
fn target_words(loaded: &Loaded, placement: crate::model::Placement) -> String {
    loaded
        .config
        .target(&loaded.doc, placement)
        .map_or(String::new(), |t| {
            format!("  [agent.conf, for {t}: read by no daemon]")
        })
}

fn command_line(loaded: &Loaded, c: &Command) -> String {
    let v = |f: &Option<FieldValue>| f.as_ref().map_or("-".to_string(), |f| f.value.clone());
    format!(
        "command  {:<20} executable={} timeout_allowed={}{}  (line {}){}",
        v(&c.name),
        v(&c.executable),
        v(&c.timeout_allowed),
        c.extra_args
            .as_ref()
            .map_or(String::new(), |f| format!(" extra_args={}", f.value)),
        line_of(loaded, c.element),
        target_words(loaded, c.placement)
    )
}

fn response_line(loaded: &Loaded, r: &Response) -> String {
    if r.command.is_none() && r.location.is_none() {
        return settings_line(loaded, r);
    }
    let v = |name| r.value(name).unwrap_or("-").to_string();
    let mut trigger = Vec::new();
    for (name, label) in [
        (Field::Level, "level>="),
        (Field::RulesGroup, "group~"),
        (Field::RulesId, "ids="),
    ] {
        if let Some(x) = r.value(name) {
            trigger.push(format!("{label}{x}"));
        }
    }
    let state = if r.is_disabled() { " [disabled]" } else { "" };
    format!(
        "response #{:<3} {} -> {}{} {} timeout={}{}  (line {}){}",
        r.index,
        v(Field::Command),
        v(Field::Location),
        r.value(Field::AgentId)
            .map_or(String::new(), |a| format!(":{a}")),
        if trigger.is_empty() {
            "(no trigger)".to_string()
        } else {
            trigger.join(" ")
        },
        v(Field::Timeout),
        state,
        line_of(loaded, r.element),
        target_words(loaded, r.placement)
    )
}

/// A block without command and location: the agent-side settings execd and modulesd
/// read (docs/choices.md), e.g. `response #1   execd settings: disabled=no`.
fn settings_line(loaded: &Loaded, r: &Response) -> String {
    let set: Vec<String> = [
        Field::Disabled,
        Field::RepeatedOffenders,
        Field::CaStore,
        Field::CaVerification,
    ]
    .iter()
    .filter_map(|n| r.value(*n).map(|v| format!("{n}={v}")))
    .collect();
    format!(
        "response #{:<3} execd settings: {}  (line {}){}",
        r.index,
        if set.is_empty() {
            "none".to_string()
        } else {
            set.join(" ")
        },
        line_of(loaded, r.element),
        target_words(loaded, r.placement)
    )
}

/// `yes`/`no` → booleans, missing → null, anything else → the raw string (docs/choices.md).
fn yes_no(f: Option<&FieldValue>) -> Value {
    match f.map(|f| f.value.as_str()) {
        None => Value::Null,
        Some("yes") => Value::Bool(true),
        Some("no") => Value::Bool(false),
        Some(other) => Value::String(other.to_string()),
    }
}

/// Integers only when all ASCII digits and read by the daemon as written, otherwise
/// the raw string (README, `list --format json`): `"10m"`, `" 600"` and `"99999999999"`
/// (which atoi reads as 1215752191) stay strings.
fn number(f: Option<&FieldValue>) -> Value {
    match f.map(|f| f.value.as_str()) {
        None => Value::Null,
        Some(s) if is_plain_number(s) && !atoi_overflows(s) => s
            .parse::<u64>()
            .map_or_else(|_| Value::String(s.to_string()), Value::from),
        Some(s) => Value::String(s.to_string()),
    }
}

fn text(f: Option<&FieldValue>) -> Value {
    f.map_or(Value::Null, |f| Value::String(f.value.clone()))
}

/// A field in the `list` JSON: yes/no as a boolean, level and timeout as numbers,
/// the rest as text; `null` when absent.
fn field_json(field: Field, f: Option<&FieldValue>) -> Value {
    match field {
        Field::TimeoutAllowed | Field::Disabled => yes_no(f),
        Field::Level | Field::Timeout => number(f),
        _ => text(f),
    }
}

fn command_json(loaded: &Loaded, c: &Command) -> Value {
    let mut v = json!({
        "line": line_of(loaded, c.element),
        "target": loaded.config.target(&loaded.doc, c.placement),
    });
    for f in Field::COMMAND {
        v[f.name()] = field_json(f, c.field(f));
    }
    v
}

fn response_json(loaded: &Loaded, r: &Response) -> Value {
    let mut v = json!({
        "index": r.index,
        "line": line_of(loaded, r.element),
        "target": loaded.config.target(&loaded.doc, r.placement),
    });
    for f in Field::RESPONSE {
        v[f.name()] = field_json(f, r.field(f));
    }
    v
}

/// `explain CODE`, or every code with its summary.
pub(super) fn explain(common: &Common, code: Option<&str>) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    let Some(code) = code else {
        for c in codes::all() {
            writeln!(
                out,
                "{:<28} {:<8} {}",
                c.code,
                c.severity.as_str(),
                c.summary
            )?;
        }
        return Ok(EXIT_OK);
    };
    if let Some(number) = wazuh_number(code) {
        return explain_number(common, number);
    }
    let c = codes::find(code).ok_or_else(|| {
        Failure::usage(format!(
            "unknown code '{code}'; `ossec-ar explain` lists them all (Wazuh's message \
             numbers, like 1235, are accepted too)"
        ))
    })?;
    match common.format {
        Format::Json => writeln!(
            out,
            "{}",
            json!({"code": c.code, "severity": c.severity, "summary": c.summary, "explain": c.explain})
        )?,
        Format::Text => writeln!(
            out,
            "{} ({}): {}\n\n{}",
            c.code,
            c.severity.as_str(),
            c.summary,
            c.explain
        )?,
    }
    Ok(EXIT_OK)
}

/// `1235` or `(1235)`: the number of a Wazuh log message, which diagnostics cite.
fn wazuh_number(code: &str) -> Option<&str> {
    let n = code.trim_start_matches('(').trim_end_matches(')');
    (n.len() == 4 && crate::model::is_plain_number(n)).then_some(n)
}

/// Does `text` cite the message number `n` (as `(1235)`, `1235)` or `(1235:`)?
fn cites(text: &str, n: &str) -> bool {
    text.match_indices(n).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + n.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// `explain 1235`: the codes whose explanation cites Wazuh's message number.
fn explain_number(common: &Common, n: &str) -> anyhow::Result<i32> {
    let found: Vec<&Code> = codes::all().filter(|c| cites(c.explain, n)).collect();
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "no diagnostic cites Wazuh message {n}; `ossec-ar explain` lists the codes"
        ))
        .into());
    }
    let mut out = std::io::stdout().lock();
    match common.format {
        Format::Json => {
            let codes: Vec<Value> = found
                .iter()
                .map(|c| json!({"code": c.code, "severity": c.severity, "summary": c.summary}))
                .collect();
            writeln!(out, "{}", json!({"wazuh_message": n, "codes": codes}))?;
        }
        Format::Text => {
            writeln!(
                out,
                "Wazuh message ({n}) is reported under {}:",
                plural(found.len(), "code")
            )?;
            for c in &found {
                writeln!(
                    out,
                    "  {:<28} {:<8} {}",
                    c.code,
                    c.severity.as_str(),
                    c.summary
                )?;
            }
            writeln!(out, "\n`ossec-ar explain CODE` tells more about each.")?;
        }
    }
    Ok(EXIT_OK)
}
