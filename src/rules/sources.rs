//! Which rule files are read, in which order (docs/cli.md "simulate",
//! docs/wazuh-config.md §4.6 "Load order"): every file of every directory, sorted by
//! basename across directories, `<rule_exclude>` removed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::Problem;
use crate::model::Severity;
use crate::model::osregex::OsRegex;
use crate::xml::{Document, ElementId};

/// The rule files to read, in load order, and the problems met finding them.
#[derive(Debug, Clone, Default)]
pub struct RuleFiles {
    /// Paths in load order.
    pub files: Vec<PathBuf>,
    /// Directories or files that could not be read.
    pub problems: Vec<Problem>,
}

/// The default `<rule_dir>` pattern: OSRegex `.xml$` (a literal dot; case-insensitive).
const DEFAULT_PATTERN: &str = ".xml$";

/// Where analysisd looks for a bare `<include>` name, under the installation.
const RULEPATH: &str = "ruleset/rules";

/// All `*.xml` files of `dirs` (the `--rules` option), sorted by basename across
/// directories, without the files named in `excludes`.
pub fn files_in_dirs(dirs: &[PathBuf], excludes: &[String]) -> RuleFiles {
    let mut out = RuleFiles::default();
    let pattern = OsRegex::compile(DEFAULT_PATTERN);
    for dir in dirs {
        list_dir(dir, pattern.as_ref(), &mut out);
    }
    finish(out, excludes)
}

/// The files the config's `<ruleset>` (or OSSEC `<rules>`) sections name, resolved
/// against the installation directory `home`: `<rule_dir>` (with its optional
/// `pattern`), `<include>`/`<rule_include>`, minus `<rule_exclude>`.
pub fn files_from_config(doc: &Document, home: &Path) -> RuleFiles {
    let mut out = RuleFiles::default();
    for section in ruleset_sections(doc) {
        for child in doc.children(section) {
            let value = doc.value(child);
            match doc.name(child) {
                "rule_dir" => {
                    let pattern = doc.attr(child, "pattern").unwrap_or(DEFAULT_PATTERN);
                    list_dir(
                        &under(home, &value),
                        OsRegex::compile(pattern).as_ref(),
                        &mut out,
                    );
                }
                "include" | "rule_include" | "rule" => {
                    let path = if value.contains('/') {
                        under(home, &value)
                    } else {
                        home.join(RULEPATH).join(&value)
                    };
                    out.files.push(path);
                }
                _ => {}
            }
        }
    }
    finish(out, &excludes_of(doc))
}

/// The `<rule_exclude>` values of the config, honoured with `--rules` too.
pub fn excludes_of(doc: &Document) -> Vec<String> {
    ruleset_sections(doc)
        .flat_map(|s| doc.children_named(s, "rule_exclude"))
        .map(|e| doc.value(e))
        .collect()
}

/// `<ruleset>` and `<rules>` sections directly under `<ossec_config>` roots.
fn ruleset_sections(doc: &Document) -> impl Iterator<Item = ElementId> + '_ {
    doc.roots()
        .filter(|&r| doc.name(r) == "ossec_config")
        .flat_map(move |r| doc.children(r))
        .filter(move |&c| matches!(doc.name(c), "ruleset" | "rules"))
}

/// A path from the config: absolute as is, otherwise under the installation
/// (analysisd runs from there).
fn under(home: &Path, value: &str) -> PathBuf {
    let p = Path::new(value);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        home.join(p)
    }
}

/// Adds the files of `dir` whose path matches `pattern` (a pattern that does not
/// compile matches nothing, as in the daemon).
fn list_dir(dir: &Path, pattern: Option<&OsRegex>, out: &mut RuleFiles) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.problems.push(Problem {
                file: dir.to_path_buf(),
                position: None,
                severity: Severity::Warning,
                code: &super::codes::UNREADABLE,
                message: format!("cannot read rule directory: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_file = entry.file_type().is_ok_and(|t| !t.is_dir());
        let matches = pattern.is_some_and(|p| p.is_match(&path.to_string_lossy()));
        if is_file && matches {
            out.files.push(path);
        }
    }
}

/// Sorts by basename (stable, so equal names keep the order given), drops repeats of
/// the same path and excluded files.
fn finish(mut out: RuleFiles, excludes: &[String]) -> RuleFiles {
    out.files.sort_by(|a, b| basename(a).cmp(basename(b)));
    let mut seen = std::collections::HashSet::new();
    out.files
        .retain(|p| seen.insert(p.clone()) && !is_excluded(p, excludes));
    out
}

fn basename(p: &Path) -> &OsStr {
    p.file_name().unwrap_or(p.as_os_str())
}

/// Excluded when an entry is the file's basename or the path as written.
fn is_excluded(p: &Path, excludes: &[String]) -> bool {
    excludes
        .iter()
        .any(|x| basename(p) == OsStr::new(x) || p.ends_with(x) || p.as_os_str() == OsStr::new(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), "").expect("write");
    }

    #[test]
    fn sorted_by_basename_across_directories_with_excludes() {
        let a = tempfile::tempdir().expect("tmp");
        let b = tempfile::tempdir().expect("tmp");
        touch(a.path(), "0200-x_rules.xml");
        touch(a.path(), "local_rules.xml");
        touch(a.path(), "notes.txt");
        touch(b.path(), "0100-y_rules.XML");
        touch(b.path(), "0215-policy_rules.xml");
        let dirs = [a.path().to_path_buf(), b.path().to_path_buf()];
        let got = files_in_dirs(&dirs, &["0215-policy_rules.xml".to_string()]);
        let names: Vec<_> = got
            .files
            .iter()
            .map(|p| basename(p).to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["0100-y_rules.XML", "0200-x_rules.xml", "local_rules.xml"]
        );
        assert!(got.problems.is_empty());
    }

    #[test]
    fn config_ruleset_resolves_against_home() {
        let home = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(home.path().join("ruleset/rules")).expect("mkdir");
        std::fs::create_dir_all(home.path().join("etc/rules")).expect("mkdir");
        touch(&home.path().join("ruleset/rules"), "0010-a_rules.xml");
        touch(&home.path().join("ruleset/rules"), "0215-policy_rules.xml");
        touch(&home.path().join("etc/rules"), "local_rules.xml");
        let doc = crate::xml::parse(
            "<ossec_config><ruleset><rule_dir>ruleset/rules</rule_dir><rule_exclude>0215-policy_rules.xml</rule_exclude><rule_dir>etc/rules</rule_dir><rule_dir>missing</rule_dir><rule_include>extra_rules.xml</rule_include></ruleset></ossec_config>",
        );
        let got = files_from_config(&doc, home.path());
        let rel: Vec<_> = got
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(home.path())
                    .expect("under home")
                    .to_path_buf()
            })
            .collect();
        assert_eq!(
            rel,
            [
                PathBuf::from("ruleset/rules/0010-a_rules.xml"),
                PathBuf::from("ruleset/rules/extra_rules.xml"),
                PathBuf::from("etc/rules/local_rules.xml"),
            ]
        );
        assert_eq!(got.problems.len(), 1, "the missing directory");
        assert_eq!(excludes_of(&doc), ["0215-policy_rules.xml"]);
    }
}
