//! The registry of diagnostic codes: every code of every layer that reports, in the
//! order `ossec-ar explain --list` shows them (docs/cli.md "Diagnostics"). Each layer
//! defines its codes beside what reports them, as [`Code`] values: the validator's
//! checks (`validate`), the ruleset-aware checks (`simulate::diagnostics`) and the
//! problems of rule, decoder and list files (`rules::codes`). This is the one place
//! that joins them.

use crate::model::Code;
use crate::{rules, simulate, validate};

/// Every code: the validator's first, then the ruleset-aware checks, then rule files.
pub(super) fn all() -> impl Iterator<Item = &'static Code> {
    let checks = validate::checks().map(|c| &c.code);
    let ruleset = simulate::diagnostics::CODES.iter().copied();
    let files = rules::codes::CODES.iter().copied();
    checks.chain(ruleset).chain(files)
}

/// The code named `code`.
pub(super) fn find(code: &str) -> Option<&'static Code> {
    all().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_is_unique_kebab_case_with_an_explanation() {
        let mut seen = HashSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            let kebab = c.code.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
            assert!(kebab, "{} is not kebab-case", c.code);
            assert!(!c.summary.is_empty(), "{} has no summary", c.code);
            assert!(c.explain.len() > 80, "{} needs a real explanation", c.code);
        }
    }

    #[test]
    fn every_layer_is_in_the_registry() {
        // One code of each layer, by name: the validator, the ruleset-aware checks,
        // rule files, decoder files, list files.
        for code in [
            "undefined-command",
            "rules-id-unknown",
            "rule-duplicate-id",
            "decoder-invalid",
            "list-not-loaded",
        ] {
            assert!(find(code).is_some(), "{code} is missing");
        }
        let count = validate::checks().count()
            + simulate::diagnostics::CODES.len()
            + rules::codes::CODES.len();
        assert_eq!(all().count(), count);
        assert_eq!(find("no-such-code"), None);
    }
}
