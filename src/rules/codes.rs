//! The codes of problems in the ruleset's files (rule, decoder and list files, and the
//! directories that hold them), with their `explain` text (docs/cli.md "Diagnostics",
//! docs/analysis-rules.md "Reading a file"). A [`super::Problem`] carries one of them;
//! [`CODES`] lists them for the registry `ossec-ar explain` reads.

use crate::model::{Code, Severity};

/// A rule, decoder or list file, or a rule or decoder directory, that cannot be read.
pub static UNREADABLE: Code = Code {
    code: "ruleset-unreadable",
    severity: Severity::Error,
    summary: "a ruleset file or directory that cannot be read",
    explain: "analysisd reads every decoder and rule file of its <ruleset> when it starts \
(`Read_Rules` in src/config/rules-config.c lists them; `Rules_OP_ReadRules` in \
src/analysisd/rules.c and `ReadDecodeXML` in src/analysisd/decoders/decode-xml.c open them). \
A rule file it cannot open is logged as `(1103): Could not open file '…'` and its rules are \
missing; a decoder file it cannot read stops it. A directory of <rule_dir> or <decoder_dir> \
that cannot be opened leaves all its files out. ossec-ar also refuses a file that is not \
UTF-8 text, or too big to be a ruleset file (docs/limits.md). Check the path, the \
permissions (the daemon runs as the wazuh user) and the file's encoding.",
};

/// A `<rule_dir>`/`<decoder_dir>` pattern that does not compile.
pub static DIR_PATTERN: Code = Code {
    code: "ruleset-dir-pattern",
    severity: Severity::Warning,
    summary: "a rule_dir or decoder_dir pattern that does not compile",
    explain: "The `pattern` attribute of <rule_dir> and <decoder_dir> is an OSRegex that \
chooses the files of the directory (default `.xml$`; `Read_Rules` in \
src/config/rules-config.c). A pattern that OSRegex cannot compile (an unbalanced `(`, an \
unknown escape such as `\\z`) logs `(1202): Configuration error at 'pattern in rules_dir \
does not compile'` and the daemon refuses its configuration; ossec-ar reads no file of that \
directory. Write the pattern in OSRegex syntax (docs/analysis-patterns.md).",
};

/// A rule file that os_xml cannot read.
pub static FILE_XML: Code = Code {
    code: "rule-file-xml",
    severity: Severity::Error,
    summary: "a rule file that is not XML as Wazuh reads it",
    explain: "`Rules_OP_ReadRules` (src/analysisd/rules.c) parses the whole file with os_xml \
first; a syntax error (an unclosed or mismatched tag, a bad attribute, `<` in text) logs \
`(1226): Error reading XML file '…': … (line N)` and refuses the file: analysisd does not \
start, and a logtest session is not created (docs/analysis-rules.md \"Reading a file\"). \
ossec-ar reads the file as os_xml does (docs/wazuh-config.md §8) and loads none of its rules. \
Fix the XML at the line given; `ossec-ar check` on a copy shows the same reader's errors.",
};

/// A rule file whose elements are not `<group name>` holding `<rule>`s.
pub static FILE_STRUCTURE: Code = Code {
    code: "rule-file-structure",
    severity: Severity::Error,
    summary: "a rule file that is not <group name=\"…\"> elements holding <rule>s",
    explain: "Before reading any rule, `Rules_OP_ReadRules` (src/analysisd/rules.c) checks \
every root: it must be <group> with exactly one attribute, `name` (`rules_op: Invalid root \
element`); a file with no element at all is `(1202): Configuration error`. Then a group with \
no child (`Group '…' without any rule.`) or a child that is not <rule> (`Invalid \
configuration. '…' is not a valid element.`) stops the file there. The daemon refuses to \
start (docs/analysis-rules.md \"Reading a file\"). A decoder file given as rules is refused \
the same way (its root is <decoder>): point --rules at a rules folder and --decoders at the \
decoders.",
};

/// An element inside `<rule>` that analysisd does not know.
pub static UNKNOWN_OPTION: Code = Code {
    code: "rule-unknown-option",
    severity: Severity::Error,
    summary: "an element inside <rule> that analysisd does not know",
    explain: "`Rules_OP_ReadRules` (src/analysisd/rules.c) compares each child of <rule> \
with the options it knows (docs/analysis-rules.md \"Options\"), without case; any other \
name logs `Invalid option '…' for rule '…'.` and refuses the file, so analysisd does not \
start. Inside <mitre>, only <id>, <tacticID> and <techniqueID> are read; another child is \
reported the same way but only the <mitre> block is discarded. Check the spelling against \
the Wazuh rules syntax, or remove the element.",
};

/// A pattern of a rule that does not compile.
pub static BAD_REGEX: Code = Code {
    code: "rule-bad-regex",
    severity: Severity::Error,
    summary: "a rule pattern that does not compile",
    explain: "Each pattern option of a rule (<match>, <regex>, <field>, <srcgeoip>…, \
<if_matched_group>, <if_matched_regex>, a <list> check_value) is compiled when the rule is \
read, with its engine (`type`: osregex, osmatch or pcre2). One that does not compile logs \
`(5107): Syntax error on tag '…' in rule N` or `(1450): Syntax error on regex` \
(src/analysisd/rules.c, src/error_messages/error_messages.h) and refuses the file: \
analysisd does not start. OSRegex has no `(a|b)` inside a group, no `{n}` and few escapes \
(docs/analysis-patterns.md); write the pattern for the engine it is given to.",
};

/// `if_sid`, `if_matched_sid`, `if_group`, `if_level` or `category` naming nothing.
pub static PARENT_NOT_FOUND: Code = Code {
    code: "rule-parent-not-found",
    severity: Severity::Warning,
    summary: "if_sid, if_group, if_level or category naming no loaded rule",
    explain: "A child rule hangs under the rules its `if_sid`, `if_group`, `if_level` or \
`category` names, among the rules loaded before it (`OS_AddChild` in \
src/analysisd/rules_list.c; docs/analysis-rules.md \"Tree\"). An id of `if_sid` that no \
earlier rule has logs `(7617): Signature ID 'N' was not found and will be ignored`; when \
none is found, `(7619)` drops the rule; `(7620)` (if_matched_sid), `(7610)` (if_group), \
`(7608)` (if_level) and `(7611)` (category) drop it too. The daemon starts, and the rule \
never matches. Load the parent's file first (files are read sorted by name), or fix the id.",
};

/// A rule id defined twice without `overwrite`.
pub static DUPLICATE_ID: Code = Code {
    code: "rule-duplicate-id",
    severity: Severity::Warning,
    summary: "a rule id already defined by an earlier rule",
    explain: "analysisd keeps the first rule of each id: a later rule with the same id and \
no `overwrite=\"yes\"` logs `(7612): Rule ID 'N' is duplicated. Only the first occurrence \
will be considered.` (src/analysisd/rules.c) and is skipped, with all its options. To change \
a rule of the shipped ruleset, copy it into a custom file with `overwrite=\"yes\"` \
(docs/analysis-rules.md \"Attributes\"); otherwise give the new rule an id of its own \
(100000-120000 are for local rules).",
};

/// `overwrite="yes"` on an id no earlier rule has.
pub static OVERWRITE_NOTHING: Code = Code {
    code: "rule-overwrite-nothing",
    severity: Severity::Warning,
    summary: "overwrite=\"yes\" on a rule id that no earlier rule has",
    explain: "`overwrite=\"yes\"` replaces the rule of the same id loaded earlier. When there \
is none, analysisd logs `(7613): Rule ID 'N' does not exist but 'overwrite' is set to \
'yes'. The rule will be added as a new rule.` (src/analysisd/rules.c). The rule then loads \
as a new one, which is rarely what was meant: the rule to replace may be in a file loaded \
later (files are read sorted by name), excluded by <rule_exclude>, or the id is mistyped.",
};

/// Any other error in a rule: the daemon refuses the file.
pub static INVALID: Code = Code {
    code: "rule-invalid",
    severity: Severity::Error,
    summary: "a rule that analysisd refuses (attribute, value or option)",
    explain: "`Rules_OP_ReadRules` and `getattributes` (src/analysisd/rules.c) refuse a rule \
with a missing or bad `id` or `level` (`No rule id or level specified for rule.`, a level \
above 16), an unknown attribute (`Invalid attribute for rule.`), a bad value of an option \
(`(1235): Invalid value for element …`, a bad <time>, <weekday>, <srcip>, <list> \
attribute…), no <description>, or no option at all. The error stops the file: analysisd \
does not start, and the rules of that file read before the error stay loaded in ossec-ar \
(docs/analysis-rules.md \"Reading a file\", \"Attributes\" and \"Options\"). Fix the value the \
message names.",
};

/// Any other warning in a rule: analysisd goes on but ignores a value or the rule.
pub static IGNORED: Code = Code {
    code: "rule-ignored",
    severity: Severity::Warning,
    summary: "a rule value (or a whole rule) that analysisd ignores",
    explain: "Some mistakes in a rule only log a warning: the daemon starts, but ignores a \
value (`(7600): Invalid value '…' for attribute 'negate'` or 'type', `(1104): Maximum \
string size reached`, a discarded <mitre> block, `(7605)` a value an overwrite cannot \
change) or the whole rule (`(7618): Invalid 'if_sid' value`, `(7615)`, `(7609)`, `(7616): \
List '…' could not be loaded`). Messages are in src/error_messages/warning_messages.h, read \
in src/analysisd/rules.c and rules_list.c (docs/analysis-rules.md). Fix the value the \
message names: what is ignored does not match what was written.",
};

/// An error in a decoder file: the daemon refuses it.
pub static DECODER_INVALID: Code = Code {
    code: "decoder-invalid",
    severity: Severity::Error,
    summary: "a decoder file that analysisd refuses",
    explain: "`ReadDecodeXML` (src/analysisd/decoders/decode-xml.c) refuses a decoder file \
that is not XML as os_xml reads it, that is empty or holds no element, whose decoder lacks \
a name or has an unknown option, a bad value, a pattern that does not compile, or a \
parent that is not defined before it (docs/analysis-decoders.md \"Files\", \"Options\" and \
\"Validation\"). analysisd does not start, and logtest creates no session. ossec-ar keeps \
none of that file's decoders and loads the other files. Fix what the message names.",
};

/// A warning in a decoder file: analysisd goes on.
pub static DECODER_IGNORED: Code = Code {
    code: "decoder-ignored",
    severity: Severity::Warning,
    summary: "a decoder value that analysisd ignores",
    explain: "Some values of a decoder only log a warning in `ReadDecodeXML` \
(src/analysisd/decoders/decode-xml.c): an unknown `type` or `offset` value of a pattern, \
a deprecated value, a repeated option longer than 1023 bytes in all; the daemon starts, \
uses the default in its place or drops the value (docs/analysis-decoders.md \"Options\"). \
Fix the value the message names.",
};

/// A configured CDB list that cannot be loaded.
pub static LIST_NOT_LOADED: Code = Code {
    code: "list-not-loaded",
    severity: Severity::Warning,
    summary: "a <list> of the ruleset whose file cannot be read",
    explain: "analysisd loads each <list> of <ruleset> from its text file (and the newer \
`.cdb` beside it; `Lists_OP_LoadList` in src/analysisd/lists.c, docs/analysis-lists.md \
\"Loading\"). A text file that does not exist or cannot be opened is logged and the list is \
not loaded; every rule with a <list> naming it is then ignored (`(7616): List '…' could not \
be loaded`). Check the path (a path without `/` is read under ruleset/rules/ of the installation \
directory) and that the file exists.",
};

/// Every code of rule-file problems, in the order `explain --list` shows them.
pub static CODES: &[&Code] = &[
    &UNREADABLE,
    &DIR_PATTERN,
    &FILE_XML,
    &FILE_STRUCTURE,
    &UNKNOWN_OPTION,
    &BAD_REGEX,
    &PARENT_NOT_FOUND,
    &DUPLICATE_ID,
    &OVERWRITE_NOTHING,
    &INVALID,
    &IGNORED,
    &DECODER_INVALID,
    &DECODER_IGNORED,
    &LIST_NOT_LOADED,
];

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::{decoders, lists::Lists, load_texts};

    fn codes_of(text: &str) -> Vec<&'static str> {
        load_texts([("r.xml", text)])
            .problems
            .iter()
            .map(|p| p.code.code)
            .collect()
    }

    #[test]
    fn rule_files_get_the_code_of_their_problem() {
        // An unclosed <rule>: os_xml refuses the file.
        assert_eq!(
            codes_of("<group name=\"a,\"><rule id=\"1\" level=\"3\"></group>")[0],
            "rule-file-xml"
        );
        // A decoder file given as rules, a root that is not <group>.
        assert_eq!(
            codes_of("<decoder name=\"d\"><prematch>x</prematch></decoder>"),
            ["rule-file-structure"]
        );
        assert_eq!(
            codes_of("<rules name=\"a\"></rules>"),
            ["rule-file-structure"]
        );
        // Level 17 is refused; an if_sid of letters makes the rule ignored.
        assert_eq!(
            codes_of(
                "<group name=\"a,\"><rule id=\"100\" level=\"17\"><description>d</description></rule></group>"
            ),
            ["rule-invalid"]
        );
        assert_eq!(
            codes_of(
                "<group name=\"a,\"><rule id=\"100\" level=\"3\"><if_sid>abc</if_sid><description>d</description></rule></group>"
            ),
            ["rule-ignored"]
        );
    }

    #[test]
    fn decoder_and_list_files_get_their_codes() {
        let (_, problems) = decoders::load(&[(PathBuf::from("d.xml"), "<decoder".to_string())]);
        let codes: Vec<_> = problems.iter().map(|p| p.code.code).collect();
        assert_eq!(codes, ["decoder-invalid"]);
        let missing = PathBuf::from("/nonexistent/ossec-ar/list");
        let (_, problems) = Lists::load(&[("list".to_string(), missing)]);
        let codes: Vec<_> = problems.iter().map(|p| p.code.code).collect();
        assert_eq!(codes, ["list-not-loaded"]);
    }
}
