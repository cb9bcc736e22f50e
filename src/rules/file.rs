//! One rule file: `<group name="…">` roots holding `<rule>` elements, read as
//! `Rules_OP_ReadRules` does for what binding needs (docs/wazuh-config.md
//! §4.1, §4.5, §7.1, §7.2).

use std::borrow::Cow;

use super::codes;
use super::vars::Vars;
use super::{Origin, Rule};
use crate::model::{Code, Severity};
use crate::xml::{self, Document, ElementId};

/// A rule read from the file, before it meets the rules of earlier files.
pub(super) struct ReadRule {
    pub(super) rule: Rule,
    /// `overwrite="yes"`.
    pub(super) overwrite: bool,
    /// Line and column of its start tag.
    pub(super) position: (usize, usize),
}

/// A problem in this file.
pub(super) struct FileProblem {
    pub(super) position: Option<(usize, usize)>,
    pub(super) severity: Severity,
    pub(super) code: &'static Code,
    pub(super) message: String,
}

/// What a file yields.
#[derive(Default)]
pub(super) struct Read {
    pub(super) rules: Vec<ReadRule>,
    pub(super) problems: Vec<FileProblem>,
}

/// Reads the rules of one file; `file` is its index in the ruleset's file list.
pub(super) fn read(text: &str, file: usize) -> Read {
    let doc = xml::parse(text);
    let mut out = Read::default();
    for e in doc.errors() {
        let at = doc.line_col(e.offset);
        out.error_as(
            &codes::FILE_XML,
            Some(at),
            format!("{} (analysisd refuses this file)", e.message),
        );
    }
    let cx = Cx {
        vars: Vars::of(&doc),
        doc: &doc,
        file,
    };
    // A decoder file given as rules (`--rules` at a decoders folder): one problem for
    // the file, not one per <decoder> (rules_op stops at the first).
    let first = doc
        .roots()
        .find(|&r| !doc.name(r).eq_ignore_ascii_case("var"));
    if first.is_some_and(|r| doc.name(r).eq_ignore_ascii_case("decoder")) {
        out.error_as(
            &codes::FILE_STRUCTURE,
            first.map(|r| position(&doc, r)),
            super::DECODER_FILE.to_string(),
        );
        return out;
    }
    for root in doc.roots() {
        read_root(&cx, root, &mut out);
    }
    out
}

/// What every reading step needs.
struct Cx<'d> {
    doc: &'d Document,
    vars: Vars,
    file: usize,
}

impl Cx<'_> {
    /// An element's value with the file's variables applied.
    fn value(&self, id: ElementId) -> String {
        let v = self.doc.value(id);
        match self.vars.apply(&v) {
            Cow::Borrowed(_) => v,
            Cow::Owned(o) => o,
        }
    }
}

impl Read {
    /// An error of a rule ([`codes::INVALID`]).
    fn error(&mut self, position: Option<(usize, usize)>, message: String) {
        self.error_as(&codes::INVALID, position, message);
    }

    /// An error with its own code.
    fn error_as(&mut self, code: &'static Code, at: Option<(usize, usize)>, message: String) {
        self.push(at, Severity::Error, code, message);
    }

    /// A warning about a value or a rule that analysisd ignores ([`codes::IGNORED`]).
    fn warn(&mut self, position: Option<(usize, usize)>, message: String) {
        self.push(position, Severity::Warning, &codes::IGNORED, message);
    }

    fn push(
        &mut self,
        position: Option<(usize, usize)>,
        severity: Severity,
        code: &'static Code,
        message: String,
    ) {
        self.problems.push(FileProblem {
            position,
            severity,
            code,
            message,
        });
    }
}

fn position(doc: &Document, id: ElementId) -> (usize, usize) {
    doc.line_col(doc.element(id).span().start)
}

/// A top-level element: a `<group name>` (any case), or a `<var>` definition, which
/// os_xml keeps out of the element tree (docs/wazuh-config.md §7.1).
fn read_root(cx: &Cx<'_>, root: ElementId, out: &mut Read) {
    let doc = cx.doc;
    let name = doc.name(root);
    if name.eq_ignore_ascii_case("var") {
        return;
    }
    let at = Some(position(doc, root));
    if !name.eq_ignore_ascii_case("group") {
        out.error_as(
            &codes::FILE_STRUCTURE,
            at,
            format!("rules_op: Invalid root element \"{name}\". Only \"group\" is allowed"),
        );
        return;
    }
    let attrs = doc.attrs(root);
    let group_name = match attrs {
        [a] if doc.text(&a.name).eq_ignore_ascii_case("name") => cx.vars.apply(doc.text(&a.value)),
        _ => {
            out.error_as(
                &codes::FILE_STRUCTURE,
                at,
                format!("rules_op: Invalid root element '{name}'. Only the group name is allowed"),
            );
            return;
        }
    };
    let mut any = false;
    for child in doc.children(root) {
        any = true;
        let child_name = doc.name(child);
        if !child_name.eq_ignore_ascii_case("rule") {
            out.error_as(
                &codes::FILE_STRUCTURE,
                Some(position(doc, child)),
                format!("Invalid configuration. '{child_name}' is not a valid element."),
            );
            continue;
        }
        if let Some(r) = read_rule(cx, child, &group_name, out) {
            out.rules.push(r);
        }
    }
    if !any {
        out.error_as(
            &codes::FILE_STRUCTURE,
            at,
            format!("Group '{group_name}' without any rule."),
        );
    }
}

/// The attributes analysisd reads on `<rule>` (`getattributes`).
#[derive(Default)]
struct Attrs {
    id: Option<u32>,
    level: Option<u8>,
    accuracy: Option<u32>,
    overwrite: bool,
}

/// Reads a `<rule>`; `None` when analysisd would not load it.
fn read_rule(cx: &Cx<'_>, id: ElementId, group_name: &str, out: &mut Read) -> Option<ReadRule> {
    let doc = cx.doc;
    let position = position(doc, id);
    let attrs = read_attrs(cx, id, position, out)?;
    let (Some(rule_id), Some(level)) = (attrs.id, attrs.level) else {
        out.error(
            Some(position),
            "No rule id or level specified for rule.".to_string(),
        );
        return None;
    };
    if doc.children(id).next().is_none() {
        out.error(
            Some(position),
            format!("Rule '{rule_id}' without any option. It may lead to false positives and some other problems for the system. Exiting."),
        );
        return None;
    }
    let mut rule = Rule {
        id: rule_id,
        level,
        ar_level: if attrs.accuracy == Some(0) { 0 } else { level },
        group: group_name.to_string(),
        description: String::new(),
        if_sid: None,
        no_ar: false,
        origin: Origin {
            file: cx.file,
            line: position.0,
        },
        overwritten_at: None,
    };
    let mut has_description = false;
    for child in doc.children(id) {
        read_option(cx, child, &mut rule, &mut has_description, out);
    }
    if let Some(s) = rule.if_sid.as_deref().filter(|s| !is_valid_if_sid(s)) {
        out.warn(
            Some(position),
            format!("Invalid 'if_sid' value: '{s}'. Rule '{rule_id}' will be ignored."),
        );
        return None;
    }
    if !has_description {
        out.error(
            Some(position),
            format!("No such description at rule '{rule_id}'."),
        );
    }
    Some(ReadRule {
        rule,
        overwrite: attrs.overwrite,
        position,
    })
}

/// One child of `<rule>`: only the ones binding and display need are read.
fn read_option(
    cx: &Cx<'_>,
    child: ElementId,
    rule: &mut Rule,
    has_description: &mut bool,
    out: &mut Read,
) {
    let name = cx.doc.name(child);
    if name.eq_ignore_ascii_case("group") {
        // Concatenated with no separator; newlines removed (docs/wazuh-config.md §4.5).
        let value = cx.value(child);
        if value.contains('\n') {
            rule.group.extend(value.chars().filter(|&c| c != '\n'));
        } else {
            rule.group.push_str(&value);
        }
    } else if name.eq_ignore_ascii_case("description") {
        // analysisd turns the first newline into a space, then concatenates.
        *has_description = true;
        rule.description
            .push_str(&cx.value(child).replacen('\n', " ", 1));
    } else if name.eq_ignore_ascii_case("if_sid") {
        rule.if_sid
            .get_or_insert_with(String::new)
            .push_str(&cx.value(child));
    } else if name.eq_ignore_ascii_case("options") {
        let value = cx.value(child);
        match value.as_str() {
            "no_ar" => rule.no_ar = true,
            "alert_by_email" | "no_email_alert" | "log_alert" | "no_log" | "no_full_log"
            | "no_counter" => {}
            other => out.error(
                Some(position(cx.doc, child)),
                format!("Invalid option '{other}' for rule '{}'.", rule.id),
            ),
        }
    }
}

/// analysisd skips a rule whose `if_sid` is not made of digits, commas and spaces
/// only (PCRE2 `^[\d, ]+$`).
fn is_valid_if_sid(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b' ')
}

/// The attributes, checked as `getattributes` does (the one reading of them, shared
/// with the engine's rule definitions); `None` when one is fatal.
fn read_attrs(
    cx: &Cx<'_>,
    id: ElementId,
    position: (usize, usize),
    out: &mut Read,
) -> Option<Attrs> {
    let pairs: Vec<(String, String)> = cx
        .doc
        .attrs(id)
        .iter()
        .map(|a| {
            let value = cx.vars.apply(cx.doc.text(&a.value)).into_owned();
            (cx.doc.text(&a.name).to_string(), value)
        })
        .collect();
    match super::def::read_attributes(&pairs) {
        Err(message) => {
            out.error(Some(position), message);
            None
        }
        Ok(a) => {
            for w in a.warnings {
                out.warn(Some(position), w);
            }
            Some(Attrs {
                id: a.id,
                level: a.level.and_then(|l| u8::try_from(l).ok()),
                accuracy: Some(a.accuracy),
                overwrite: a.overwrite,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Read {
        read(text, 0)
    }

    #[test]
    fn group_string_is_the_raw_concatenation() {
        // docs/wazuh-config.md §4.5: name "syslog,sshd," + "authentication_failed," with no
        // separator added; a name without a trailing comma is kept as written.
        let r = rules(
            "<group name=\"syslog,sshd,\">\n  <rule id=\"5710\" level=\"5\">\n    <description>d</description>\n    <group>authentication_failed,</group>\n    <group>invalid_login,</group>\n  </rule>\n</group>\n<group name=\"WAF, Cloudflare\">\n  <rule id=\"92508\" level=\"7\">\n    <description>d</description>\n    <group>gpg13_4.3</group>\n  </rule>\n</group>\n",
        );
        assert_eq!(
            r.rules[0].rule.group,
            "syslog,sshd,authentication_failed,invalid_login,"
        );
        assert_eq!(r.rules[1].rule.group, "WAF, Cloudflaregpg13_4.3");
        assert!(r.problems.is_empty());
    }

    #[test]
    fn newlines_inside_a_group_child_are_removed() {
        let r = rules(
            "<group name=\"a,\"><rule id=\"1\" level=\"3\"><description>d</description><group>x,\ny,\n</group></rule></group>",
        );
        assert_eq!(r.rules[0].rule.group, "a,x,y,");
    }

    #[test]
    fn var_roots_are_skipped_and_other_roots_are_errors() {
        let r = rules(
            "<var name=\"X\">a|b</var>\n<Group name=\"g,\"><Rule id=\"1\" level=\"3\"><description>d</description></Rule></Group>\n<rules><rule id=\"2\" level=\"3\"/></rules>\n",
        );
        assert_eq!(r.rules.len(), 1);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].position, Some((3, 1)));
        assert!(r.problems[0].message.contains("Only \"group\""));
    }

    #[test]
    fn bad_attributes_skip_the_rule_with_a_positioned_error() {
        let r = rules(
            "<group name=\"g,\">\n<rule id=\"1\" level=\"17\"><description>d</description></rule>\n<rule id=\"1234567\" level=\"3\"><description>d</description></rule>\n<rule id=\"3\" level=\"x\"><description>d</description></rule>\n<rule id=\"4\" level=\"3\" color=\"red\"><description>d</description></rule>\n<rule id=\"5\" level=\"3\"><description>ok</description></rule>\n</group>",
        );
        let ids: Vec<u32> = r.rules.iter().map(|r| r.rule.id).collect();
        assert_eq!(ids, vec![5]);
        let lines: Vec<usize> = r
            .problems
            .iter()
            .filter_map(|p| p.position.map(|p| p.0))
            .collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
    }

    #[test]
    fn options_no_ar_and_accuracy_zero_stop_binding() {
        let r = rules(
            "<group name=\"g,\"><rule id=\"1\" level=\"9\"><description>d</description><options>no_ar</options></rule><rule id=\"2\" level=\"9\" accuracy=\"0\"><description>d</description></rule><rule id=\"3\" level=\"9\"><description>d</description><options>no_full_log</options></rule></group>",
        );
        assert!(r.rules[0].rule.no_ar && !r.rules[0].rule.can_trigger());
        assert_eq!((r.rules[1].rule.level, r.rules[1].rule.ar_level), (9, 0));
        assert!(r.rules[2].rule.can_trigger());
    }

    #[test]
    fn variables_apply_to_attributes_and_text() {
        let r = rules(
            "<var name=\"FREQ\">8</var>\n<var name=\"G\">from_var</var>\n<group name=\"g,\"><rule id=\"1\" level=\"3\" frequency=\"$freq\"><description>Field $(srcip) kept</description><group>$G,</group></rule></group>",
        );
        assert!(
            r.problems.is_empty(),
            "{:?}",
            r.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
        );
        assert_eq!(r.rules[0].rule.group, "g,from_var,");
        assert_eq!(r.rules[0].rule.description, "Field $(srcip) kept");
    }

    #[test]
    fn invalid_if_sid_skips_the_rule_with_a_warning() {
        let r = rules(
            "<group name=\"g,\"><rule id=\"1\" level=\"3\"><if_sid>100|200</if_sid><description>d</description></rule><rule id=\"2\" level=\"3\"><if_sid>100, 200</if_sid><description>d</description></rule></group>",
        );
        assert_eq!(r.rules.len(), 1);
        assert_eq!(r.rules[0].rule.if_sid.as_deref(), Some("100, 200"));
        assert_eq!(r.problems[0].severity, Severity::Warning);
    }

    #[test]
    fn empty_group_and_xml_errors_are_reported() {
        let r = rules(
            "<group name=\"g,\">\n</group>\n<group name=\"h,\"><rule id=\"1\" level=\"3\"></group>",
        );
        assert!(
            r.problems
                .iter()
                .any(|p| p.message.contains("without any rule"))
        );
        assert!(r.problems.iter().any(|p| p.message.starts_with("XMLERR")));
    }
}
