//! The validator: one check per diagnostic code, each with its explanation and tests
//! beside it (docs/ARCHITECTURE.md, docs/ARCHITECTURE.md "Habits" 8). Returns findings, never
//! errors.

use std::path::Path;

use crate::model::analysisd::{self, Analysis, Verdict};
use crate::model::{BlockRef, Code, Config, Diagnostic, Profile, Severity};
use crate::xml::Document;

mod agent;
mod command;
mod dialect;
mod duplicate;
mod execd;
mod location;
mod naming;
mod numbers;
mod options;
mod ossec;
mod response;
mod scope;
mod trigger;

/// Everything a check may look at.
pub struct Context<'a> {
    /// The parsed file.
    pub doc: &'a Document,
    /// Its typed view.
    pub config: &'a Config,
    /// Wazuh or OSSEC semantics.
    pub profile: Profile,
    /// `--ossec-home` when it exists and is readable (docs/choices.md "The machine's own
    /// Wazuh"); `None` skips the checks that read it.
    pub home: Option<&'a Path>,
    /// What analysisd makes of each response, computed once per check (most checks
    /// ask; see [`Context::analysis`]).
    verdicts: std::cell::OnceCell<Vec<Verdict>>,
}

impl<'a> Context<'a> {
    /// Everything the checks look at; `home` is `--ossec-home` when readable.
    pub fn new(
        doc: &'a Document,
        config: &'a Config,
        profile: Profile,
        home: Option<&'a Path>,
    ) -> Context<'a> {
        Context {
            doc,
            config,
            profile,
            home,
            verdicts: std::cell::OnceCell::new(),
        }
    }

    /// What analysisd makes of each response of the file, read on first use.
    pub fn analysis(&self) -> Analysis<'_> {
        let verdicts = self
            .verdicts
            .get_or_init(|| analysisd::verdicts(self.config, self.doc, self.profile));
        Analysis::with_verdicts(self.config, self.doc, self.profile, verdicts)
    }
}

/// A validation check: its code (name, default severity, summary, `explain` text) and
/// the check itself.
pub struct Check {
    /// The code and its help.
    pub code: Code,
    /// Adds this check's findings.
    pub check: fn(&Context<'_>, &mut Findings<'_>),
}

/// Collects the findings of one check, stamping its code and severity.
pub struct Findings<'r> {
    check: &'r Check,
    out: Vec<Diagnostic>,
    /// Findings past [`MAX_PER_CHECK`], counted only.
    dropped: usize,
}

/// Findings one check keeps per file: a hostile file (250,000 unknown roots in 1 MB)
/// made one each, and memory grew a hundredfold with the input. The rest are
/// counted in one last finding (docs/limits.md).
const MAX_PER_CHECK: usize = 1000;

impl Findings<'_> {
    /// Adds a finding at `offset` (a start tag, per docs/choices.md), about `block`
    /// (a [`BlockRef`], or `None` for the file as a whole).
    pub fn push(
        &mut self,
        offset: usize,
        block: impl Into<Option<BlockRef>>,
        message: impl Into<String>,
    ) {
        self.push_as(self.check.code.severity, offset, block, message);
    }

    /// Adds a finding with a severity other than the check's default.
    pub fn push_as(
        &mut self,
        severity: Severity,
        offset: usize,
        block: impl Into<Option<BlockRef>>,
        message: impl Into<String>,
    ) {
        if self.out.len() >= MAX_PER_CHECK {
            self.dropped += 1;
            return;
        }
        self.out.push(Diagnostic {
            severity,
            code: self.check.code.code,
            message: message.into(),
            offset,
            block: block.into(),
        });
    }
}

/// Every check, in the order `explain` lists them: file structure first, then
/// commands, responses, targets, triggers, names, execd and agent settings, OSSEC.
pub fn checks() -> impl Iterator<Item = &'static Check> {
    [
        dialect::CHECKS,
        options::CHECKS,
        command::CHECKS,
        response::CHECKS,
        location::CHECKS,
        trigger::CHECKS,
        numbers::CHECKS,
        naming::CHECKS,
        duplicate::CHECKS,
        execd::CHECKS,
        agent::CHECKS,
        ossec::CHECKS,
    ]
    .into_iter()
    .flat_map(|r| r.iter().copied())
}

/// Runs every check; findings sorted by position, then severity (errors first).
pub fn check(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for check in checks() {
        let mut f = Findings {
            check,
            out: Vec::new(),
            dropped: 0,
        };
        (check.check)(ctx, &mut f);
        if let (Some(last), true) = (f.out.last(), f.dropped > 0) {
            let more = Diagnostic {
                message: format!("{} more like this, not listed", f.dropped),
                ..last.clone()
            };
            f.out.push(more);
        }
        all.extend(f.out);
    }
    all.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.severity.cmp(&a.severity)));
    all
}

/// Parses, lowers and checks a source text in one call (used by tests and edits).
pub fn check_source(source: &str, profile: Profile, home: Option<&Path>) -> Vec<Diagnostic> {
    let doc = crate::xml::parse(source);
    let config = Config::from_document(&doc);
    check(&Context::new(&doc, &config, profile, home))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the check tests: run one check on a text.

    use super::*;

    /// The findings of check `code` on `source`.
    pub(crate) fn run(code: &str, source: &str, profile: Profile) -> Vec<Diagnostic> {
        check_source(source, profile, None)
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }

    /// Asserts check `code` fires on `bad` and not on `good` (Wazuh profile).
    pub(crate) fn fires(code: &str, bad: &str, good: &str) {
        fires_in(Profile::Wazuh, code, bad, good);
    }

    /// Asserts check `code` fires on `bad` and not on `good` under `profile`.
    pub(crate) fn fires_in(profile: Profile, code: &str, bad: &str, good: &str) {
        assert!(
            !run(code, bad, profile).is_empty(),
            "{code} should fire on {bad:?}"
        );
        let g = run(code, good, profile);
        assert!(g.is_empty(), "{code} should not fire on {good:?}: {g:?}");
    }
}
