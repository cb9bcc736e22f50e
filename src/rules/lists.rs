//! CDB lists (docs/analysis-lists.md): the text sources (`key:value` lines), or the
//! compiled `.cdb` when the daemon would use it, and the lookups rules make
//! (`src/analysisd/lists.c`, `lists_make.c`, `lists_list.c`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Problem;
use crate::model::Severity;
use crate::pattern::Expression;

mod cdb;
#[cfg(test)]
mod tests;

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
    /// The name rules compare with (`txt_filename`): the configured path with
    /// `ruleset/rules/` in front when it has no `/`, cut at its first `.cdb`.
    pub name: String,
    /// Key to value; the first line of a key wins.
    entries: HashMap<Vec<u8>, Vec<u8>>,
}

/// The configured lists of a ruleset.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    lists: Vec<List>,
}

/// The names `Lists_OP_LoadList` gives a configured path: (text, cdb).
pub fn list_names(configured: &str) -> (String, String) {
    let mut name = if configured.contains('/') {
        configured.to_string()
    } else {
        format!("ruleset/rules/{configured}")
    };
    if let Some(at) = name.find(".cdb") {
        name.truncate(at);
    }
    let cdb = format!("{name}.cdb");
    (name, cdb)
}

impl Lists {
    /// Loads the configured lists: each is (the path as written in `<list>`, the file
    /// it names on disk). Problems are reported, the rest is loaded.
    pub fn load(configured: &[(String, PathBuf)]) -> (Lists, Vec<Problem>) {
        let mut lists = Lists::default();
        let mut problems = Vec::new();
        for (path, file) in configured {
            match read_list(path, file) {
                Ok(entries) => lists.lists.push(List {
                    path: path.clone(),
                    name: list_names(path).0,
                    entries,
                }),
                Err(message) => problems.push(Problem {
                    file: file.clone(),
                    position: None,
                    severity: Severity::Warning,
                    code: &super::codes::LIST_NOT_LOADED,
                    message,
                }),
            }
        }
        (lists, problems)
    }

    /// The list a rule's `<list>` text names (`OS_FindList`: byte-equal to a loaded
    /// list's name or that name plus `.cdb`), as an index; the first one wins.
    pub fn find(&self, rule_path: &str) -> Option<usize> {
        self.lists.iter().position(|l| {
            rule_path == l.name
                || rule_path
                    .strip_suffix(".cdb")
                    .is_some_and(|stem| stem == l.name)
        })
    }

    /// The loaded lists, in configuration order.
    pub fn lists(&self) -> &[List] {
        &self.lists
    }

    /// Runs a lookup of `key` in list `index` (`OS_DBSearch`); `check_value` is the
    /// rule's `check_value` (an OSMatch pattern), when given.
    pub fn lookup(
        &self,
        index: usize,
        lookup: Lookup,
        key: &[u8],
        check_value: Option<&Expression>,
    ) -> bool {
        let Some(list) = self.lists.get(index) else {
            return false;
        };
        // The key is a C string.
        let key = &key[..memchr::memchr(0, key).unwrap_or(key.len())];
        let value_matches = |v: &[u8]| check_value.is_some_and(|m| m.is_match(v));
        match lookup {
            Lookup::MatchKey => list.entries.contains_key(key),
            Lookup::NotMatchKey => !list.entries.contains_key(key),
            Lookup::MatchKeyValue => list.entries.get(key).is_some_and(|v| value_matches(v)),
            Lookup::AddressMatchKey => list.address(key).is_some(),
            Lookup::NotAddressMatchKey => list.address(key).is_none(),
            // `OS_DBSearchKeyAddressValue(…) == 0`: true unless found *and* matching.
            Lookup::AddressMatchKeyValue => !list.address(key).is_some_and(value_matches),
        }
    }
}

impl List {
    /// `OS_DBSeachKeyAddress`: the key itself, then every prefix that ends in `.`,
    /// longest first. Returns the value found.
    fn address(&self, key: &[u8]) -> Option<&[u8]> {
        if let Some(v) = self.entries.get(key) {
            return Some(v);
        }
        (1..=key.len())
            .rev()
            .filter(|&n| key[n - 1] == b'.')
            .find_map(|n| self.entries.get(&key[..n]))
            .map(Vec::as_slice)
    }
}

/// Reads one list as the daemon would use it: the text file must exist; its cdb is
/// used instead when that is newer (the daemon only rebuilds an older one).
fn read_list(configured: &str, file: &Path) -> Result<HashMap<Vec<u8>, Vec<u8>>, String> {
    let text_path = text_path(configured, file);
    let cdb_path = PathBuf::from(format!("{}.cdb", text_path.display()));
    let text = crate::input::read(&text_path, crate::input::MAX_OTHER).map_err(|e| {
        format!(
            "Could not open file '{}' due to [({}) - {e}]: the list is not loaded",
            text_path.display(),
            e.raw_os_error().unwrap_or(0)
        )
    })?;
    // `File_DateofChange` compares whole seconds.
    let modified = |p: &Path| {
        let t = std::fs::metadata(p).and_then(|m| m.modified()).ok()?;
        t.duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs())
    };
    if let (Some(t), Some(c)) = (modified(&text_path), modified(&cdb_path))
        && c >= t
        && let Ok(data) = crate::input::read(&cdb_path, crate::input::MAX_OTHER)
        && let Some(records) = cdb::records(&data)
    {
        return Ok(first_wins(records));
    }
    Ok(first_wins(parse_text(&text)))
}

/// The text file: the daemon cuts the configured path at its first `.cdb`
/// (`Lists_OP_LoadList`); the same tail comes off the file on disk.
fn text_path(configured: &str, file: &Path) -> PathBuf {
    let Some(at) = configured.find(".cdb") else {
        return file.to_path_buf();
    };
    let s = file.to_string_lossy();
    match s.strip_suffix(&configured[at..]) {
        Some(stem) => PathBuf::from(stem),
        None => file.to_path_buf(),
    }
}

fn first_wins(records: Vec<(Vec<u8>, Vec<u8>)>) -> HashMap<Vec<u8>, Vec<u8>> {
    let mut map = HashMap::with_capacity(records.len());
    for (k, v) in records {
        map.entry(k).or_insert(v);
    }
    map
}

/// `fgets(str, OS_MAXSTR - 1, …)`: lines of at most 65534 bytes (a longer one is read
/// in pieces).
const LINE_CHUNK: usize = 65534;

/// The text format (`Lists_OP_MakeCDB`), line by line, in file order.
pub(crate) fn parse_text(text: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let nl = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let take = nl.min(LINE_CHUNK);
        let (line, tail) = rest.split_at(take);
        rest = tail;
        if let Some(record) = parse_line(line) {
            out.push(record);
        }
    }
    out
}

/// One line: cut at the first CR and the first LF (and a NUL ends it, as a C string);
/// then the quoted-key, `:` and quoted-value rules.
fn parse_line(line: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let end = line
        .iter()
        .position(|&b| b == b'\r' || b == b'\n' || b == 0)
        .unwrap_or(line.len());
    let line = &line[..end];
    let colon = memchr::memchr(b':', line);
    let quote = memchr::memchr(b'"', line);
    let (key, after_key) = match (quote, colon) {
        (Some(q), Some(c)) if c > q => {
            let close = q + 1 + memchr::memchr(b'"', &line[q + 1..])?;
            (&line[q + 1..close], close + 1)
        }
        _ => (&[][..], 0),
    };
    let quoted_key = after_key > 0;
    let colon = after_key + memchr::memchr(b':', &line[after_key..])?;
    let key = if quoted_key { key } else { &line[..colon] };
    let mut value = &line[colon + 1..];
    if let Some(q) = memchr::memchr(b'"', value) {
        let close = q + 1 + memchr::memchr(b'"', &value[q + 1..])?;
        value = &value[q + 1..close];
    }
    Some((key.to_vec(), value.to_vec()))
}
