//! What both front ends read from disk before they start: a configuration file as
//! text (any bytes, docs/bytes.md), the install directory when it is readable, and where the
//! rules come
//! from (docs/cli.md "Commands", §2.3, §7 "The machine's own Wazuh"). It sits below
//! `cli` and `tui` and above `rules` and `xml`; each front end keeps its own policy
//! (the CLI reports rule problems and may require rules, the editor goes on without).

use std::path::{Path, PathBuf};

use crate::rules::{self, RuleFiles};
use crate::xml::Document;

/// Why a configuration file cannot be read as text; the message names the file and
/// says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be read (missing, not allowed, a directory, …).
    #[error("cannot read {}: {why}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason, in words.
        why: String,
    },
    /// Binary data: not UTF-8 and holding a NUL byte, so no configuration file
    /// (other bytes that are not UTF-8, such as a Latin-1 comment, are read:
    /// docs/bytes.md).
    #[error(
        "cannot read {}: not a text file (not UTF-8, and a NUL byte at offset {at}); is it a configuration file?",
        path.display()
    )]
    NotText {
        /// The file.
        path: PathBuf,
        /// Offset of the first NUL byte.
        at: usize,
    },
}

/// Reads a configuration file as text: UTF-8 as it is, any other byte as the
/// stand-in that `xml::bytes::encode` writes back unchanged (docs/bytes.md).
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = crate::input::read(path, crate::input::MAX_XML).map_err(|e| ReadError::Io {
        path: path.to_path_buf(),
        why: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied (run as root?)".to_string(),
            std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
            _ => e.to_string(),
        },
    })?;
    match String::from_utf8(bytes) {
        Ok(text) if !crate::xml::bytes::has_raw_bytes(&text) => Ok(text),
        Ok(text) => Ok(crate::xml::bytes::decode(text.as_bytes()).into_owned()),
        Err(e) => {
            let bytes = e.into_bytes();
            match memchr::memchr(0, &bytes) {
                Some(at) => Err(ReadError::NotText {
                    path: path.to_path_buf(),
                    at,
                }),
                None => Ok(crate::xml::bytes::decode(&bytes).into_owned()),
            }
        }
    }
}

/// `dir` when it is a directory that can be listed: checks that read the install
/// (`--ossec-home`) run only then (docs/choices.md).
pub fn readable_dir(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir).ok().map(|_| dir.to_path_buf())
}

/// The rule files for the config `doc` (docs/cli.md "simulate"): every `*.xml` of the `--rules`
/// directories without the config's `<rule_exclude>`, else the config's `<ruleset>`
/// resolved under a readable `home`; `None` when neither is given.
pub fn rule_files(dirs: &[PathBuf], home: Option<&Path>, doc: &Document) -> Option<RuleFiles> {
    if !dirs.is_empty() {
        Some(rules::files_in_dirs(dirs, &rules::excludes_of(doc)))
    } else {
        home.map(|h| rules::files_from_config(doc, h))
    }
}

/// The files of the analysis engine (docs/analysis.md "Which files"): the given decoder and rule
/// directories and lists when any is given, else the config's `<ruleset>` under a
/// readable `home`; `None` when neither is there.
pub fn engine_files(
    decoder_dirs: &[PathBuf],
    rule_dirs: &[PathBuf],
    lists: &[PathBuf],
    home: Option<&Path>,
    doc: &Document,
) -> Option<rules::RulesetFiles> {
    if !decoder_dirs.is_empty() || !rule_dirs.is_empty() || !lists.is_empty() {
        Some(rules::ruleset_of_dirs(decoder_dirs, rule_dirs, lists))
    } else {
        home.map(|h| rules::ruleset_of(doc, h))
    }
}

/// The decoder and rule files of a ruleset read as text, in load order; a file that
/// cannot be read is a problem (the daemon would not start) and is left out.
#[derive(Debug, Clone, Default)]
pub struct RulesetTexts {
    /// Decoder files and their text.
    pub decoders: Vec<(PathBuf, String)>,
    /// Rule files and their text.
    pub rules: Vec<(PathBuf, String)>,
    /// Files that could not be read, and the problems of finding them.
    pub problems: Vec<rules::Problem>,
}

/// Reads the decoder and rule files of `files`.
pub fn read_ruleset(files: &rules::RulesetFiles) -> RulesetTexts {
    let mut out = RulesetTexts {
        problems: files.problems.clone(),
        ..RulesetTexts::default()
    };
    let mut read = |paths: &[PathBuf], into: &mut Vec<(PathBuf, String)>| {
        for p in paths {
            match read_text(p) {
                Ok(text) => into.push((p.clone(), text)),
                Err(e) => out.problems.push(rules::Problem {
                    file: p.clone(),
                    position: None,
                    severity: crate::model::Severity::Error,
                    code: &rules::codes::UNREADABLE,
                    message: format!("{e} (analysisd would not start)"),
                }),
            }
        }
    };
    let (mut decoders, mut rules) = (Vec::new(), Vec::new());
    read(&files.decoders, &mut decoders);
    read(&files.rules, &mut rules);
    out.decoders = decoders;
    out.rules = rules;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_and_binary_files_say_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope.conf");
        assert_eq!(
            read_text(&missing).map_err(|e| e.to_string()),
            Err(format!("cannot read {}: no such file", missing.display()))
        );
        let binary = dir.path().join("bin.conf");
        std::fs::write(&binary, b"<a>\xff\x00</a>").expect("write");
        assert_eq!(
            read_text(&binary),
            Err(ReadError::NotText {
                path: binary.clone(),
                at: 4
            })
        );
        // Not UTF-8 but no NUL: read, the 0xFF kept for the save (docs/bytes.md).
        let latin1 = dir.path().join("latin1.conf");
        std::fs::write(&latin1, b"<a>\xff</a>").expect("write");
        let t = read_text(&latin1).expect("read");
        assert_eq!(&*crate::xml::bytes::encode(&t), b"<a>\xff</a>");
        assert!(
            matches!(read_text(dir.path()), Err(ReadError::Io { why, .. }) if why == "is a directory")
        );
        let text = dir.path().join("ok.conf");
        std::fs::write(&text, "<ossec_config/>\r\n").expect("write");
        assert_eq!(read_text(&text).as_deref(), Ok("<ossec_config/>\r\n"));
    }

    #[test]
    fn rules_come_from_the_given_dirs_else_from_a_readable_home() {
        let dir = tempfile::tempdir().expect("temp dir");
        let doc = crate::xml::parse(
            "<ossec_config><ruleset><rule_exclude>b.xml</rule_exclude></ruleset></ossec_config>",
        );
        for name in ["a.xml", "b.xml"] {
            std::fs::write(dir.path().join(name), "<group/>").expect("write");
        }
        let given = rule_files(&[dir.path().to_path_buf()], None, &doc).expect("given");
        let names: Vec<_> = given.files.iter().filter_map(|p| p.file_name()).collect();
        assert_eq!(names, ["a.xml"]);
        assert!(rule_files(&[], None, &doc).is_none());
        assert!(rule_files(&[], Some(dir.path()), &doc).is_some());
        assert_eq!(readable_dir(dir.path()), Some(dir.path().to_path_buf()));
        assert_eq!(readable_dir(&dir.path().join("absent")), None);
    }
}
