//! Which decoder, rule and list files the analysis engine reads, in the daemon's order
//! (docs/analysis.md "Which files"; Wazuh `src/config/rules-config.c`, `Read_Rules`).
//!
//! Paths in `<ruleset>` are relative to the installation directory (analysisd runs
//! chrooted there). Files of every `decoder_dir` (resp. `rule_dir`) matching the
//! directory's OSRegex `pattern` (default `.xml$`) join the `decoder_include`
//! (`rule_include`) files, minus the excluded ones, and the whole list is sorted by
//! bare file name. Without any `decoder_dir`/`rule_dir`, the defaults
//! `ruleset/decoders`/`ruleset/rules` are read.

use std::path::{Path, PathBuf};

use super::Problem;
use crate::model::{Code, Severity};
use crate::pattern::{Engine, Expression};
use crate::xml::{Document, ElementId};

/// The files of a ruleset, in load order, and the configured lists.
#[derive(Debug, Clone, Default)]
pub struct RulesetFiles {
    /// Decoder files, in load order.
    pub decoders: Vec<PathBuf>,
    /// Rule files, in load order.
    pub rules: Vec<PathBuf>,
    /// Lists: the name rules use (the `<list>` text with `ruleset/rules/` in front
    /// when it has no `/`, cut before `.cdb`) and the text file it names.
    pub lists: Vec<(String, PathBuf)>,
    /// Directories that could not be read, patterns that do not compile.
    pub problems: Vec<Problem>,
}

/// One kind of file (decoders or rules) while the section is read.
#[derive(Default)]
struct Kind {
    includes: Vec<String>,
    dirs: Vec<(String, String)>,
    excludes: Vec<String>,
}

/// The ruleset the config's `<ruleset>` sections name, under `home`.
pub fn ruleset_of(doc: &Document, home: &Path) -> RulesetFiles {
    let mut decoders = Kind::default();
    let mut rules = Kind::default();
    let mut out = RulesetFiles::default();
    for section in sections(doc) {
        for child in doc.children(section) {
            let value = doc.value(child);
            let pattern = || doc.attr(child, "pattern").unwrap_or(".xml$").to_string();
            match doc.name(child) {
                "decoder_include" => decoders.includes.push(include(&value, "ruleset/decoders")),
                "rule_include" => rules.includes.push(include(&value, "ruleset/rules")),
                "decoder_dir" => decoders.dirs.push((value, pattern())),
                "rule_dir" => rules.dirs.push((value, pattern())),
                "decoder_exclude" => decoders.excludes.push(value),
                "rule_exclude" => rules.excludes.push(value),
                "list" => out.lists.push(list_entry(&value, home)),
                _ => {}
            }
        }
    }
    out.decoders = collect(decoders, "ruleset/decoders", home, &mut out.problems);
    out.rules = collect(rules, "ruleset/rules", home, &mut out.problems);
    out
}

/// The ruleset given on the command line: every `*.xml` of the decoder and rule
/// directories (each sorted by bare name across its directories) and the lists
/// (each path as given; its text file, or `PATH.cdb` when only that exists).
pub fn ruleset_of_dirs(
    decoder_dirs: &[PathBuf],
    rule_dirs: &[PathBuf],
    lists: &[PathBuf],
) -> RulesetFiles {
    let mut out = RulesetFiles::default();
    let as_kind = |dirs: &[PathBuf]| Kind {
        dirs: dirs
            .iter()
            .map(|d| (d.to_string_lossy().into_owned(), ".xml$".to_string()))
            .collect(),
        ..Kind::default()
    };
    out.decoders = collect(as_kind(decoder_dirs), "", Path::new(""), &mut out.problems);
    out.rules = collect(as_kind(rule_dirs), "", Path::new(""), &mut out.problems);
    out.lists = lists
        .iter()
        .map(|p| list_entry(&p.to_string_lossy(), Path::new("")))
        .collect();
    out
}

/// `<ruleset>` sections directly under `<ossec_config>` roots.
fn sections(doc: &Document) -> impl Iterator<Item = ElementId> + '_ {
    doc.roots()
        .filter(|&r| doc.name(r) == "ossec_config")
        .flat_map(move |r| doc.children(r))
        .filter(move |&c| doc.name(c) == "ruleset")
}

/// A `*_include` value: a bare name is under the default directory.
fn include(value: &str, default_dir: &str) -> String {
    if value.contains('/') {
        value.to_string()
    } else {
        format!("{default_dir}/{value}")
    }
}

/// A `<list>` value as `Lists_OP_LoadList` names it (`src/analysisd/lists.c`).
fn list_entry(value: &str, home: &Path) -> (String, PathBuf) {
    let mut name = include(value, "ruleset/rules");
    if let Some(at) = name.find(".cdb") {
        name.truncate(at);
    }
    let file = under(home, &name);
    (name, file)
}

fn under(home: &Path, value: &str) -> PathBuf {
    if value.is_empty() {
        return home.to_path_buf();
    }
    home.join(value)
}

/// The included files, then each directory's matching files that are neither
/// excluded nor already listed; sorted by bare name (the daemon's `qsort`; a stable
/// sort here, so equal names keep the order found).
fn collect(
    kind: Kind,
    default_dir: &str,
    home: &Path,
    problems: &mut Vec<Problem>,
) -> Vec<PathBuf> {
    let mut names = kind.includes;
    let dirs = if kind.dirs.is_empty() && !default_dir.is_empty() {
        vec![(default_dir.to_string(), ".xml$".to_string())]
    } else {
        kind.dirs
    };
    for (dir, pattern) in dirs {
        let Ok(regex) = Expression::compile(Engine::OsRegex, &pattern) else {
            problems.push(problem(
                &dir,
                home,
                &super::codes::DIR_PATTERN,
                format!("the pattern {pattern:?} does not compile (analysisd refuses to start)"),
            ));
            continue;
        };
        let mut entries = match std::fs::read_dir(under(home, &dir)) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect::<Vec<_>>(),
            Err(e) => {
                problems.push(problem(
                    &dir,
                    home,
                    &super::codes::UNREADABLE,
                    format!("cannot read the directory: {e}"),
                ));
                continue;
            }
        };
        entries.sort();
        for entry in entries {
            let full = format!("{dir}/{entry}");
            let listed = |list: &[String]| list.iter().any(|x| *x == full || *x == entry);
            if listed(&kind.excludes) || listed(&names) {
                continue;
            }
            if regex.is_match(full.as_bytes()) && !under(home, &full).is_dir() {
                names.push(full);
            }
        }
    }
    names.sort_by(|a, b| bare(a).cmp(bare(b)));
    names.iter().map(|n| under(home, n)).collect()
}

fn bare(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn problem(dir: &str, home: &Path, code: &'static Code, message: String) -> Problem {
    Problem {
        file: under(home, dir),
        position: None,
        severity: Severity::Warning,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(home: &Path, rel: &str) {
        let p = home.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, "").expect("write");
    }

    fn rel(home: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                p.strip_prefix(home)
                    .expect("under home")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn files_of_every_directory_sorted_by_bare_name_with_excludes() {
        let home = tempfile::tempdir().expect("tmp");
        let h = home.path();
        for f in [
            "ruleset/rules/0010-rules_config.xml",
            "ruleset/rules/0215-policy_rules.xml",
            "ruleset/rules/0095-sshd_rules.xml",
            "ruleset/rules/README",
            "etc/rules/local_rules.xml",
            "etc/rules/0000-first_rules.xml",
            "ruleset/decoders/0310-ssh_decoders.xml",
            "etc/decoders/local_decoder.xml",
            "extra/my.xml",
        ] {
            touch(h, f);
        }
        let doc = crate::xml::parse(
            "<ossec_config><ruleset>\
             <decoder_dir>ruleset/decoders</decoder_dir>\
             <rule_dir>ruleset/rules</rule_dir>\
             <rule_exclude>0215-policy_rules.xml</rule_exclude>\
             <list>etc/lists/audit-keys</list>\
             <list>malicious-ip.cdb</list>\
             <decoder_dir>etc/decoders</decoder_dir>\
             <rule_dir>etc/rules</rule_dir>\
             <rule_include>extra/my.xml</rule_include>\
             </ruleset></ossec_config>",
        );
        let got = ruleset_of(&doc, h);
        assert_eq!(
            rel(h, &got.rules),
            [
                "etc/rules/0000-first_rules.xml",
                "ruleset/rules/0010-rules_config.xml",
                "ruleset/rules/0095-sshd_rules.xml",
                "etc/rules/local_rules.xml",
                "extra/my.xml",
            ]
        );
        assert_eq!(
            rel(h, &got.decoders),
            [
                "ruleset/decoders/0310-ssh_decoders.xml",
                "etc/decoders/local_decoder.xml"
            ]
        );
        let lists: Vec<&str> = got.lists.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            lists,
            ["etc/lists/audit-keys", "ruleset/rules/malicious-ip"]
        );
        assert_eq!(got.lists[0].1, h.join("etc/lists/audit-keys"));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
    }

    #[test]
    fn without_directories_the_defaults_are_read_and_patterns_apply() {
        let home = tempfile::tempdir().expect("tmp");
        let h = home.path();
        for f in [
            "ruleset/rules/a_rules.xml",
            "ruleset/decoders/a_decoders.xml",
            "etc/rules/b.xml",
            "etc/rules/b.txt",
        ] {
            touch(h, f);
        }
        let doc = crate::xml::parse("<ossec_config><ruleset/></ossec_config>");
        let got = ruleset_of(&doc, h);
        assert_eq!(rel(h, &got.rules), ["ruleset/rules/a_rules.xml"]);
        assert_eq!(rel(h, &got.decoders), ["ruleset/decoders/a_decoders.xml"]);
        let doc = crate::xml::parse(
            "<ossec_config><ruleset><rule_dir pattern=\".txt$\">etc/rules</rule_dir><decoder_dir>missing</decoder_dir></ruleset></ossec_config>",
        );
        let got = ruleset_of(&doc, h);
        assert_eq!(rel(h, &got.rules), ["etc/rules/b.txt"]);
        assert_eq!(got.problems.len(), 1, "the missing directory");
    }
}
