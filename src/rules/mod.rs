//! The ruleset loader (docs/ARCHITECTURE.md, §2.3): reads Wazuh/OSSEC rule files with the
//! project's own reader, the way `wazuh-analysisd` does for binding active responses
//! (docs/wazuh-config.md §4.5, §4.6, §7).
//!
//! Only what binding and display need is kept: id, level, the raw group string,
//! options (`no_ar`), description, `if_sid` and where the rule was read. Problems in rule
//! files are collected as [`Problem`]s with file, line and column; they never stop the
//! load (the daemon would refuse to start; the simulator reports and goes on).

pub mod codes;
pub mod decoders;
pub mod def;
pub mod fields;
mod file;
pub mod lists;
mod ruleset;
mod sources;
mod vars;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{Code, Severity};

pub use ruleset::{RulesetFiles, ruleset_of, ruleset_of_dirs};
pub use sources::{RuleFiles, excludes_of, files_from_config, files_in_dirs};

/// Where a rule was read: an index into [`RuleSet::files`] and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Index into [`RuleSet::files`].
    pub file: usize,
    /// 1-based line of the `<rule` start tag.
    pub line: usize,
}

/// One loaded rule, as analysisd sees it when it binds responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The `id` attribute.
    pub id: u32,
    /// The `level` attribute, 0..=16.
    pub level: u8,
    /// The level `Rule_AddAR` compares with: the level, or 0 when the rule has
    /// `accuracy="0"` (docs/wazuh-config.md §4.1: such a rule never gets responses).
    pub ar_level: u8,
    /// The group string: `<group name>` then every `<group>` child, concatenated with
    /// no separator, newlines of the children removed (docs/wazuh-config.md §4.5).
    pub group: String,
    /// `<description>` (several are concatenated, the first newline of each turned into
    /// a space, as analysisd does).
    pub description: String,
    /// `<if_sid>`, as written (for display).
    pub if_sid: Option<String>,
    /// `<options>no_ar</options>`: never bound to a response (docs/wazuh-config.md §4.1).
    pub no_ar: bool,
    /// Where the rule in force was read (the overriding rule for `overwrite="yes"`).
    pub origin: Origin,
    /// Where it was first defined, when a later `overwrite="yes"` replaced it.
    pub overwritten_at: Option<Origin>,
}

impl Rule {
    /// Can this rule trigger a response at all (real level ≥ 1 and no `no_ar`)?
    pub fn can_trigger(&self) -> bool {
        self.ar_level > 0 && !self.no_ar
    }

    /// The groups as the alert JSON lists them: the group string split on commas,
    /// empty pieces dropped.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.group.split(',').filter(|g| !g.is_empty())
    }
}

/// A problem in a rule file, with its position when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}[{}]: {message}", self.place(), self.severity.as_str(), self.code.code)]
pub struct Problem {
    /// The file concerned.
    pub file: PathBuf,
    /// 1-based line and column (bytes), when the problem has a position.
    pub position: Option<(usize, usize)>,
    /// Error: analysisd would refuse to start; warning: it goes on.
    pub severity: Severity,
    /// What kind of problem it is ([`codes`]; `ossec-ar explain CODE`).
    pub code: &'static Code,
    /// What is wrong, in the daemon's terms.
    pub message: String,
}

impl Problem {
    fn place(&self) -> String {
        match self.position {
            Some((line, col)) => format!("{}:{line}:{col}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

/// The rules loaded from a list of files, in load order, indexed by id.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    files: Vec<PathBuf>,
    rules: Vec<Rule>,
    by_id: HashMap<u32, usize>,
}

/// A ruleset and the problems met while loading it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The rules.
    pub rules: RuleSet,
    /// Problems, in load order.
    pub problems: Vec<Problem>,
}

impl RuleSet {
    /// Number of rules loaded.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// No rule loaded?
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Rules in load order.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// The rule with this id.
    pub fn get(&self, id: u32) -> Option<&Rule> {
        self.by_id.get(&id).map(|&i| &self.rules[i])
    }

    /// The files read, in load order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The file of an origin.
    pub fn file(&self, origin: Origin) -> &Path {
        &self.files[origin.file]
    }

    /// Adds a rule as analysisd does (docs/wazuh-config.md §4.6): a new id is appended; an
    /// existing id is replaced when `overwrite` (keeping its `if_sid` and position in
    /// the list), otherwise the new rule is skipped. Returns what happened.
    fn add(&mut self, rule: Rule, overwrite: bool) -> Added {
        match self.by_id.get(&rule.id) {
            None => {
                self.by_id.insert(rule.id, self.rules.len());
                self.rules.push(rule);
                if overwrite {
                    Added::OverwroteNothing
                } else {
                    Added::New
                }
            }
            Some(&i) if overwrite => {
                let old = &mut self.rules[i];
                let first = old.overwritten_at.unwrap_or(old.origin);
                let if_sid = old.if_sid.take();
                *old = Rule {
                    if_sid,
                    overwritten_at: Some(first),
                    ..rule
                };
                Added::Replaced
            }
            Some(&i) => Added::Duplicate(self.rules[i].origin),
        }
    }
}

/// The outcome of [`RuleSet::add`].
enum Added {
    New,
    Replaced,
    OverwroteNothing,
    Duplicate(Origin),
}

/// Reads and loads `paths` in the order given (see [`files_in_dirs`] and
/// [`files_from_config`] for Wazuh's order). Unreadable files are problems too.
///
/// Files are read and parsed on a few threads; the rules are then merged in order,
/// so the result is the same as a sequential load.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut loader = Loader::default();
    for (path, result) in paths.iter().zip(read_all(paths)) {
        match result {
            Ok(read) => loader.merge(path, read),
            Err(message) => {
                loader.problem(path, None, Severity::Error, &codes::UNREADABLE, message);
            }
        }
    }
    loader.finish()
}

/// The problem of a decoder file read as a rule file: rules_op refuses its first
/// `<decoder>` root (`Invalid root element "decoder"`); front ends group these.
pub const DECODER_FILE: &str = "a decoder file, not a rule file: analysisd refuses it as rules (rules_op: Invalid root element \"decoder\")";

/// One file read and parsed, or why not.
type FileResult = Result<file::Read, String>;

fn read_one(path: &Path) -> FileResult {
    let bytes =
        crate::input::read(path, crate::input::MAX_XML).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(file::read(&text, 0))
}

/// [`read_one`] over every path, spread round-robin over up to 4 threads.
fn read_all(paths: &[PathBuf]) -> Vec<FileResult> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(paths.len());
    if threads <= 1 {
        return paths.iter().map(PathBuf::as_path).map(read_one).collect();
    }
    let mut out: Vec<Option<FileResult>> = paths.iter().map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                s.spawn(move || {
                    paths
                        .iter()
                        .enumerate()
                        .skip(k)
                        .step_by(threads)
                        .map(|(i, p)| (i, read_one(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().unwrap_or_default() {
                out[i] = Some(r);
            }
        }
    });
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the reader thread failed".to_string())))
        .collect()
}

/// Loads rule files given as text (for tests, and for rules held in memory).
pub fn load_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut loader = Loader::default();
    for (name, text) in files {
        loader.add_text(Path::new(name), text);
    }
    loader.finish()
}

/// Accumulates files into a ruleset.
#[derive(Default)]
struct Loader {
    set: RuleSet,
    problems: Vec<Problem>,
}

impl Loader {
    fn add_text(&mut self, path: &Path, text: &str) {
        self.merge(path, file::read(text, 0));
    }

    /// Adds the rules of one file, after those already loaded.
    fn merge(&mut self, path: &Path, read: file::Read) {
        let file = self.set.files.len();
        self.set.files.push(path.to_path_buf());
        for p in read.problems {
            self.problem(path, p.position, p.severity, p.code, p.message);
        }
        for mut r in read.rules {
            r.rule.origin.file = file;
            let (id, at, overwrite) = (r.rule.id, r.position, r.overwrite);
            match self.set.add(r.rule, overwrite) {
                Added::New | Added::Replaced => {}
                Added::OverwroteNothing => self.problem(
                    path,
                    Some(at),
                    Severity::Warning,
                    &codes::OVERWRITE_NOTHING,
                    format!("rule {id} has overwrite=\"yes\" but no earlier rule has this id; it is added as a new rule"),
                ),
                Added::Duplicate(first) => {
                    let first_file = self.set.file(first).display().to_string();
                    self.problem(
                        path,
                        Some(at),
                        Severity::Warning,
                        &codes::DUPLICATE_ID,
                        format!(
                            "duplicate rule id {id} (first defined at {first_file}:{}); analysisd skips this one",
                            first.line
                        ),
                    );
                }
            }
        }
    }

    fn problem(
        &mut self,
        path: &Path,
        position: Option<(usize, usize)>,
        severity: Severity,
        code: &'static Code,
        message: String,
    ) {
        self.problems.push(Problem {
            file: path.to_path_buf(),
            position,
            severity,
            code,
            message,
        });
    }

    fn finish(self) -> Loaded {
        Loaded {
            rules: self.set,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Loaded {
        load_texts([("t_rules.xml", text)])
    }

    #[test]
    fn duplicate_without_overwrite_keeps_the_first_and_warns() {
        let l = load_texts([
            (
                "a.xml",
                "<group name=\"a,\">\n<rule id=\"100\" level=\"3\">\n<description>first</description>\n</rule>\n</group>\n",
            ),
            (
                "b.xml",
                "<group name=\"b,\">\n<rule id=\"100\" level=\"9\">\n<description>second</description>\n</rule>\n</group>\n",
            ),
        ]);
        assert_eq!(l.rules.len(), 1);
        let r = l.rules.get(100).expect("rule 100");
        assert_eq!((r.level, r.group.as_str()), (3, "a,"));
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].position, Some((2, 1)));
        assert_eq!(l.problems[0].code.code, "rule-duplicate-id");
        assert!(
            l.problems[0].message.contains("a.xml:2"),
            "{:?}",
            l.problems
        );
    }

    #[test]
    fn overwrite_replaces_level_group_options_but_keeps_if_sid() {
        let l = load_texts([
            (
                "a.xml",
                "<group name=\"a,\"><rule id=\"100\" level=\"3\"><if_sid>1</if_sid><description>first</description></rule></group>",
            ),
            (
                "b.xml",
                "<group name=\"b,\"><rule id=\"100\" level=\"9\" overwrite=\"yes\"><if_sid>2</if_sid><description>second</description><options>no_ar</options></rule></group>",
            ),
        ]);
        let r = l.rules.get(100).expect("rule 100");
        assert_eq!(r.level, 9);
        assert_eq!(r.group, "b,");
        assert_eq!(r.description, "second");
        assert!(r.no_ar);
        assert_eq!(r.if_sid.as_deref(), Some("1"));
        assert_eq!(r.origin.file, 1);
        assert_eq!(r.overwritten_at.map(|o| o.file), Some(0));
        assert!(l.problems.is_empty(), "{:?}", l.problems);
    }

    #[test]
    fn overwrite_of_nothing_adds_and_warns() {
        let l = one(
            "<group name=\"a,\"><rule id=\"7\" level=\"3\" overwrite=\"yes\"><description>d</description></rule></group>",
        );
        assert!(l.rules.get(7).is_some());
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].severity, Severity::Warning);
        assert_eq!(l.problems[0].code.code, "rule-overwrite-nothing");
    }

    #[test]
    fn problem_displays_like_a_compiler() {
        let p = Problem {
            file: PathBuf::from("r.xml"),
            position: Some((3, 5)),
            severity: Severity::Error,
            code: &codes::INVALID,
            message: "bad".into(),
        };
        assert_eq!(p.to_string(), "r.xml:3:5: error[rule-invalid]: bad");
    }
}
