//! Matching `rules_group` patterns against the loaded rules off the frame
//! (docs/editor.md "Matching"). A pattern whose matching would cost more than a key
//! may spend is matched by a background job, as `L`'s replay is (`jobs.rs`): the
//! editor shows "matching…" where the answer goes and keeps taking keys; the answer
//! comes back as [`AppEvent::Matched`] and is dropped when the document moved on.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::app::{App, AppEvent};
use super::rules_ui::{self, BindKey, CountKey};
use crate::model::{Config, Diagnostic, Profile};
use crate::rules::RuleSet;
use crate::simulate::{self, Binding};

/// Group strings times pattern bytes one frame may match. Matching costs about
/// that product (in a debug build, against the 3,840 rules of the Wazuh ruleset
/// that can trigger a response: `sshd` 12 ms a pass, 20 alternatives 130 ms,
/// 1,000 alternatives 5.7 s; a key makes several passes), and the matcher's step
/// budget does not count a plain scan; 2^18 keeps a pass short: a pattern of up to
/// 58 bytes against the 4,500 rules of the Wazuh ruleset, anything against a small
/// ruleset.
pub(crate) const INLINE_WORK: usize = 1 << 18;

/// Would matching `pattern` against every loaded rule cost more than a frame may
/// spend?
pub(crate) fn costly(rules: &RuleSet, pattern: &str) -> bool {
    rules.len().saturating_mul(pattern.len()) > INLINE_WORK
}

/// Would matching all these patterns against every loaded rule cost more than a
/// frame may spend (the findings of every response match each of them)?
pub(crate) fn costly_together<'a>(
    rules: &RuleSet,
    patterns: impl Iterator<Item = &'a str>,
) -> bool {
    let bytes = patterns.fold(0usize, |sum, p| sum.saturating_add(p.len()));
    rules.len().saturating_mul(bytes) > INLINE_WORK
}

/// A document revision and the scope of its ruleset-aware findings (every
/// response, or the one with this index).
pub(crate) type FindingsKey = (u64, Option<usize>);

/// What a matching job is asked: the ruleset-aware findings of one state of the
/// document, and rule counts of triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchJob {
    /// The document's text as it stands.
    pub(crate) text: String,
    /// The revision and scope (all responses, or one) of the findings wanted, if any.
    pub(crate) findings: Option<FindingsKey>,
    /// The triggers to count.
    pub(crate) counts: Vec<CountKey>,
    /// The response whose binding the simulator pane shows, if wanted.
    pub(crate) bind: Option<BindKey>,
}

/// A matching job's answer.
#[derive(Debug, Clone)]
pub struct MatchAnswer {
    /// The revision and scope the findings were made for, and the findings.
    pub(crate) findings: Option<(FindingsKey, Vec<Diagnostic>)>,
    /// The counts asked for.
    pub(crate) counts: Vec<(CountKey, usize)>,
    /// The binding asked for.
    pub(crate) bind: Option<(BindKey, Binding)>,
}

/// A job running: where its answer comes.
pub(crate) struct MatchRun {
    rx: Receiver<MatchAnswer>,
}

/// The ruleset-aware findings of `cfg`: every response, or the one of `scope`.
pub(crate) fn rule_findings(
    cfg: &Config,
    doc: &crate::xml::Document,
    rules: &RuleSet,
    profile: Profile,
    scope: Option<usize>,
) -> Vec<Diagnostic> {
    match scope {
        None => simulate::diagnostics::check(cfg, doc, rules, profile),
        Some(n) => {
            let one = Config {
                responses: cfg
                    .responses
                    .iter()
                    .filter(|r| r.index == n)
                    .cloned()
                    .collect(),
                ..cfg.clone()
            };
            simulate::diagnostics::check(&one, doc, rules, profile)
        }
    }
}

/// Does the job's work (in the job's thread).
fn answer(job: &MatchJob, rules: &RuleSet, profile: Profile) -> MatchAnswer {
    let findings = job.findings.map(|(revision, scope)| {
        let doc = crate::xml::parse(&job.text);
        let cfg = Config::from_document(&doc);
        let found = rule_findings(&cfg, &doc, rules, profile, scope);
        ((revision, scope), found)
    });
    let counts = job
        .counts
        .iter()
        .map(|k| {
            let n = rules_ui::bound(rules, k[0].as_deref(), k[1].as_deref(), k[2].as_deref());
            (k.clone(), n)
        })
        .collect();
    let bind = job.bind.map(|(revision, index)| {
        let doc = crate::xml::parse(&job.text);
        let cfg = Config::from_document(&doc);
        let all = simulate::responses(&cfg, &doc, profile);
        // A response gone since is bound to nothing.
        let binding = super::sim::binding_of(&all, index, rules).unwrap_or(Binding {
            index,
            enabled: false,
            rules: Vec::new(),
            why_disabled: None,
            notes: Vec::new(),
        });
        ((revision, index), binding)
    });
    MatchAnswer {
        findings,
        counts,
        bind,
    }
}

/// Starts a job in a new thread.
pub(crate) fn start(job: MatchJob, rules: Arc<RuleSet>, profile: Profile) -> MatchRun {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let _ = tx.send(answer(&job, &rules, profile));
    });
    MatchRun { rx }
}

/// Hands the running job's answer to the app, if it came; true when it did. The
/// event loop calls it between keys; key-script tests call it to wait for one.
pub fn pump_matching(app: &mut App) -> bool {
    let Some(run) = &app.matching else {
        return false;
    };
    let answer = match run.rx.try_recv() {
        Ok(a) => a,
        Err(TryRecvError::Empty) => return false,
        // The thread ended without a word (it panicked): ask again later.
        Err(TryRecvError::Disconnected) => MatchAnswer {
            findings: None,
            counts: Vec::new(),
            bind: None,
        },
    };
    app.matching = None;
    let _ = app.handle(AppEvent::Matched(answer));
    true
}
