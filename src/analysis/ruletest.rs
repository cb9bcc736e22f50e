//! Wazuh's ruleset test files (`ruleset/testing/tests/*.ini`) read and judged the way
//! `ruleset/testing/runtests.py` and `wazuh-logtest -U` do (docs/analysis.md "The
//! ruleset test suite"; Wazuh `ruleset/testing/runtests.py`,
//! `framework/scripts/wazuh_logtest.py`).
//!
//! The file is read like Python's `RawConfigParser(dict_type=MultiOrderedDict,
//! strict=False)`: a key repeated in a section *extends* its value, so the lines of
//! all `log 1 pass = …` of a section form one case, fed to one session.

/// One case: one `log …` key of one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The section name.
    pub section: String,
    /// The key, lower-cased (`log 1 pass`).
    pub key: String,
    /// The event lines, in file order (empty lines are skipped when run).
    pub lines: Vec<String>,
    /// `[rule, alert, decoder]` as the section gives them (`""` when absent).
    pub expected: [String; 3],
    /// The key ends in `fail`: the case passes when the triple does *not* match.
    pub negate: bool,
}

/// One section while reading: its options in first-seen order, each a list of
/// value lines.
type Section = (String, Vec<(String, Vec<String>)>);

/// Reads a test file into its cases, in file order (sections, then keys).
pub fn parse(text: &str) -> Vec<Case> {
    sections(text).into_iter().flat_map(cases_of).collect()
}

fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<usize> = None;
    // The option being continued by indented lines, and its line's indent.
    let mut option: Option<usize> = None;
    let mut indent = usize::MAX;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let value = line.trim();
        if value.starts_with('#') || value.starts_with(';') {
            continue;
        }
        if value.is_empty() {
            // RawConfigParser keeps empty lines inside a value; they are skipped
            // when the value is run.
            continue;
        }
        let level = line.len() - line.trim_start().len();
        if let (Some(s), Some(o)) = (current, option)
            && level > indent
        {
            out[s].1[o].1.push(value.to_string());
            continue;
        }
        indent = level;
        if let Some(header) = header(value) {
            current = Some(match out.iter().position(|(n, _)| n == header) {
                Some(i) => i,
                None => {
                    out.push((header.to_string(), Vec::new()));
                    out.len() - 1
                }
            });
            option = None;
            continue;
        }
        let (Some(s), Some((key, val))) = (current, split_option(value)) else {
            continue;
        };
        let options = &mut out[s].1;
        option = Some(match options.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                options[i].1.push(val);
                i
            }
            None => {
                options.push((key, vec![val]));
                options.len() - 1
            }
        });
    }
    out
}

/// `[name]`: everything between the first `[` and the last `]` (Python's
/// `\[(?P<header>.+)\]` on the stripped line).
fn header(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('[')?;
    let end = inner.rfind(']')?;
    (end > 0).then(|| &inner[..end])
}

/// `key = value` or `key: value`: the key runs to the first `=` or `:`.
fn split_option(value: &str) -> Option<(String, String)> {
    let at = value.find(['=', ':'])?;
    let key = value[..at].trim_end().to_lowercase();
    (!key.is_empty()).then(|| (key, value[at + 1..].trim().to_string()))
}

fn cases_of((section, options): Section) -> Vec<Case> {
    let get = |name: &str| {
        options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.join("\n").trim_end().to_string())
            .unwrap_or_default()
    };
    let expected = [get("rule"), get("alert"), get("decoder")];
    options
        .iter()
        .filter(|(k, _)| k.starts_with("log "))
        .map(|(key, lines)| Case {
            section: section.clone(),
            key: key.clone(),
            lines: lines.clone(),
            expected: expected.clone(),
            negate: key.ends_with("fail"),
        })
        .collect()
}

/// `wazuh-logtest -U`'s exit code for the last reply's `[rule id, level, decoder
/// name]`: the number of empty strings in the expected triple when equal, else 1.
pub fn exit_code(expected: &[String; 3], got: &[String; 3]) -> usize {
    if expected == got {
        expected.iter().filter(|s| s.is_empty()).count()
    } else {
        1
    }
}

/// The runner's verdict: a `pass` key passes on exit code 0, a `fail` key on any
/// other code.
pub fn passed(case: &Case, got: &[String; 3]) -> bool {
    (exit_code(&case.expected, got) == 0) != case.negate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(a: &str, b: &str, c: &str) -> [String; 3] {
        [a.to_string(), b.to_string(), c.to_string()]
    }

    #[test]
    fn repeated_keys_are_one_case_and_other_keys_another() {
        let text = "; comment\n[Brute force]\nlog 1 pass = one\nlog 1 pass = two\nlog 2 fail = other\nrule = 5712\nalert = 10\ndecoder = sshd\nlog 1 pass = three\n";
        let cases = parse(text);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].lines, ["one", "two", "three"]);
        assert_eq!(cases[0].key, "log 1 pass");
        assert!(!cases[0].negate);
        assert_eq!(cases[1].lines, ["other"]);
        assert!(cases[1].negate);
        assert_eq!(cases[0].expected, triple("5712", "10", "sshd"));
    }

    #[test]
    fn keys_split_at_the_first_equals_or_colon_and_are_lower_cased() {
        let cases = parse("[s]\nLog 1 Pass = Dec 19 17:20:08 a=b\nrule:1\nalert = 2\ndecoder =\n");
        assert_eq!(cases[0].key, "log 1 pass");
        assert_eq!(cases[0].lines, ["Dec 19 17:20:08 a=b"]);
        assert_eq!(cases[0].expected, triple("1", "2", ""));
    }

    #[test]
    fn indented_lines_continue_a_value_and_sections_repeat() {
        let text =
            "[a]\nlog 1 pass = x\n   y\nrule = 1\nalert = 0\ndecoder = d\n[a]\nlog 1 pass = z\n";
        let cases = parse(text);
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].lines, ["x", "y", "z"]);
    }

    #[test]
    fn the_verdict_follows_wazuh_logtest_exit_codes() {
        let pass = &parse("[s]\nlog 1 pass = x\nrule = 1\nalert = 3\ndecoder = d\n")[0];
        assert!(passed(pass, &triple("1", "3", "d")));
        assert!(!passed(pass, &triple("1", "4", "d")));
        let fail = &parse("[s]\nlog 1 fail = x\nrule = 1\nalert = 3\ndecoder = d\n")[0];
        assert!(!passed(fail, &triple("1", "3", "d")));
        assert!(passed(fail, &triple("", "", "d")));
        // An empty expected field: a pass case can never pass (exit code = 1 empty),
        // a fail case passes even when everything matches.
        let empty = &parse("[s]\nlog 1 pass = x\nrule = \nalert = \ndecoder = d\n")[0];
        assert!(!passed(empty, &triple("", "", "d")));
        let empty_fail = &parse("[s]\nlog 1 fail = x\nrule = \nalert = \ndecoder = d\n")[0];
        assert!(passed(empty_fail, &triple("", "", "d")));
    }
}
