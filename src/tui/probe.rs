//! `l` in the simulator pane (docs/logs.md): one event
//! through the engine in the pane's session, and what it shows: the pre-decoded
//! fields, the decoder and its fields, the rule with its parents, and the responses
//! of the document as edited that would run.
//!
//! The pane's session is its events so far, replayed into a fresh session each time
//! (the engine's session borrows the ruleset, the pane cannot hold one): the same
//! lines in the same order at the same times give the same state.

use crate::analysis::{Decoding, Outcome, Ruleset, Session, StaticField};
use crate::rules::RuleSet;
use crate::simulate::Simulator;
use crate::simulate::logs::responses;
use crate::simulate::logtime::Clock;
use crate::xml::Document;

use super::strings as s;

/// The events kept as the pane's session: the oldest go first beyond these.
const HISTORY: usize = 256;
/// ... or beyond this many bytes.
const HISTORY_BYTES: usize = 1 << 20;
/// An event is cut here (as `simulate --logs` cuts lines).
pub(crate) const MAX_EVENT: usize = crate::simulate::stream::MAX_LINE;
/// Fields shown at most, for a decoder that sets many.
const MAX_FIELDS: usize = 40;

/// How a line of the result is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// A section heading.
    Head,
    /// Plain text.
    Plain,
    /// Secondary text.
    Dim,
    /// Something runs (good news for the question asked).
    Yes,
    /// Nothing runs, or nothing matched.
    No,
}

/// The events of the pane's session.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    lines: std::collections::VecDeque<Vec<u8>>,
    bytes: usize,
}

impl History {
    /// Adds an event (cut at [`MAX_EVENT`]), dropping the oldest beyond the limits.
    pub(crate) fn push(&mut self, line: &str) {
        let mut b = line.as_bytes().to_vec();
        b.truncate(MAX_EVENT);
        self.bytes += b.len();
        self.lines.push_back(b);
        while self.lines.len() > HISTORY || (self.bytes > HISTORY_BYTES && self.lines.len() > 1) {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= old.len();
            }
        }
    }

    /// The number of events.
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }
}

/// What the document and ruleset are, for the responses.
pub(crate) struct Responders<'a> {
    /// The document as edited.
    pub(crate) doc: &'a Document,
    /// Its typed view.
    pub(crate) config: &'a crate::model::Config,
    /// The rules the responses bind to.
    pub(crate) rules: Option<&'a RuleSet>,
    /// Wazuh or OSSEC.
    pub(crate) profile: crate::model::Profile,
    /// The response selected in the pane.
    pub(crate) selected: Option<usize>,
}

/// Runs the history through a fresh session (the last event is the one asked
/// about) and describes the last outcome.
pub(crate) fn probe(
    engine: &Ruleset,
    history: &History,
    now: i64,
    who: &Responders<'_>,
) -> Vec<(Tone, String)> {
    let mut decoding = Decoding::new(engine);
    let mut session = Session::new(engine);
    let mut clock = Clock::new(now);
    let mut last = None;
    for line in &history.lines {
        let event = decoding.event(b"stdin", line, |e| clock.time(e.timestamp.as_deref()));
        last = Some(session.evaluate(event, false));
    }
    let Some(outcome) = last else {
        return Vec::new();
    };
    let mut out = Vec::new();
    predecoded(&outcome, &mut out);
    decoded(&outcome, &mut out);
    matched(engine, &outcome, &mut out);
    ran(engine, &outcome, who, &mut out);
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn predecoded(o: &Outcome, out: &mut Vec<(Tone, String)>) {
    let e = &o.event;
    out.push((Tone::Head, s::PROBE_PREDECODED.into()));
    let mut any = false;
    for (name, v) in [
        ("timestamp", e.timestamp.as_deref()),
        (
            "hostname",
            Some(e.hostname.as_slice()).filter(|h| !h.is_empty()),
        ),
        ("program_name", e.program_name.as_deref()),
    ] {
        if let Some(v) = v {
            out.push((Tone::Plain, format!("  {name}: {}", text(v))));
            any = true;
        }
    }
    if !any {
        out.push((Tone::Dim, s::PROBE_NO_HEADER.into()));
    }
}

fn decoded(o: &Outcome, out: &mut Vec<(Tone, String)>) {
    let e = &o.event;
    let Some(d) = &e.decoder else {
        out.push((Tone::No, s::PROBE_NO_DECODER.into()));
        return;
    };
    out.push((Tone::Head, s::probe_decoder(&d.name, d.parent.as_deref())));
    let statics = StaticField::ALL
        .into_iter()
        .filter_map(|f| e.get(f).map(|v| (f.name().to_string(), text(v))));
    let dynamics = e.dynamic.iter().map(|(n, v)| (text(n), text(v)));
    for (n, v) in statics.chain(dynamics).take(MAX_FIELDS) {
        out.push((Tone::Plain, format!("  {n}: {v}")));
    }
}

fn matched(engine: &Ruleset, o: &Outcome, out: &mut Vec<(Tone, String)>) {
    let Some(f) = &o.fired else {
        out.push((Tone::No, s::PROBE_NO_RULE.into()));
        return;
    };
    let tree = &engine.rules;
    let describe = |i: usize| {
        let r = tree.rule(i);
        s::probe_rule(r.id, r.level, r.description.as_deref().unwrap_or(""))
    };
    out.push((Tone::Head, describe(f.rule)));
    // The path the event took, else the rule's first place in the tree.
    let mut parents: Vec<usize> = f.path.iter().copied().filter(|&p| p != f.rule).collect();
    if parents.is_empty() {
        parents = tree.parents(f.rule);
    }
    for p in parents.iter().rev() {
        out.push((Tone::Dim, format!("  {} {}", s::PROBE_PARENT, describe(*p))));
    }
    let state = if f.suppressed && tree.rule(f.rule).level > 0 {
        (Tone::No, s::PROBE_SUPPRESSED.to_string())
    } else {
        (Tone::Plain, s::probe_alert(o.alert, f.firedtimes))
    };
    out.push(state);
}

fn ran(engine: &Ruleset, o: &Outcome, who: &Responders<'_>, out: &mut Vec<(Tone, String)>) {
    let Some(rules) = who.rules else {
        out.push((Tone::Dim, s::RULE_COUNTS_NEED_RULES.into()));
        return;
    };
    let sim = Simulator::new(who.config, who.doc, rules, who.profile);
    let runs = responses(engine, &sim, o, None, false);
    out.push((Tone::Head, s::PROBE_RESPONSES.into()));
    if let Some(sel) = who.selected {
        let mine = runs.iter().find(|x| x.index == sel);
        match mine {
            Some(x) if !x.runs_on.is_empty() => {
                out.push((Tone::Yes, s::probe_selected_runs(sel, &x.name, &x.runs_on)))
            }
            Some(x) => out.push((
                Tone::No,
                s::probe_selected_gated(sel, x.notes.first().map_or("", String::as_str)),
            )),
            None => out.push((Tone::No, s::probe_selected_not(sel))),
        }
    }
    let others: Vec<_> = runs
        .iter()
        .filter(|x| Some(x.index) != who.selected && !x.runs_on.is_empty())
        .collect();
    for x in &others {
        out.push((
            Tone::Plain,
            s::probe_other_runs(x.index, &x.name, &x.runs_on),
        ));
    }
    if who.selected.is_none() && others.is_empty() {
        out.push((Tone::Dim, s::PROBE_NONE_RUNS.into()));
    }
}
