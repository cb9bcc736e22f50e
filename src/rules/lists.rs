//! CDB lists (docs/analysis-lists.md): the text sources (`key:value` lines), or the
//! compiled `.cdb` when only that exists, and the lookups rules make.
//!
//! INTERFACE STUB: filled in by the lists work; the signatures are the contract.

use std::path::PathBuf;

use super::Problem;

/// The lookup of a rule's `<list lookup="…">`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// `match_key` (the default): the key exists.
    MatchKey,
    /// `not_match_key`.
    NotMatchKey,
    /// `match_key_value`: the key exists and its value OSMatches `check_value`.
    MatchKeyValue,
    /// `address_match_key`: the key or a `.`-ending prefix of it exists.
    AddressMatchKey,
    /// `not_address_match_key`.
    NotAddressMatchKey,
    /// `address_match_key_value` (inverted in the daemon's code).
    AddressMatchKeyValue,
}

/// One loaded list.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// The path as configured in `<list>`.
    pub path: String,
}

/// The configured lists of a ruleset.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    lists: Vec<List>,
}

impl Lists {
    /// Loads the configured lists: each is (the path as written in `<list>`, the file
    /// it names on disk). Problems are reported, the rest is loaded.
    pub fn load(configured: &[(String, PathBuf)]) -> (Lists, Vec<Problem>) {
        let lists = configured
            .iter()
            .map(|(p, _)| List { path: p.clone() })
            .collect();
        (Lists { lists }, Vec::new())
    }

    /// The list a rule's `<list>` text names (byte-equal to a configured path, or that
    /// path plus `.cdb`), as an index.
    pub fn find(&self, rule_path: &str) -> Option<usize> {
        self.lists.iter().position(|l| l.path == rule_path)
    }

    /// Runs a lookup of `key` in list `index`; `check_value` is the rule's
    /// `check_value` (an OSMatch pattern), when given.
    pub fn lookup(
        &self,
        index: usize,
        lookup: Lookup,
        key: &[u8],
        check_value: Option<&crate::pattern::Expression>,
    ) -> bool {
        // Stub: every list is empty until the lists work lands (an empty list's
        // answers, `address_match_key_value` inverted as in the daemon).
        let _ = (index, key, check_value);
        matches!(
            lookup,
            Lookup::NotMatchKey | Lookup::NotAddressMatchKey | Lookup::AddressMatchKeyValue
        )
    }
}
