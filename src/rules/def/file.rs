//! One rule file read rule by rule, the way `Rules_OP_ReadRules` walks it
//! (`src/analysisd/rules.c`; docs/analysis-rules.md "Reading a file"): the roots are
//! checked first, then each `<rule>` is read and handed to the tree before the next
//! one is read, because a duplicate id is judged against the rules already added.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::super::vars::Vars;
use super::{RuleDef, RuleEnv, attrs, options};
use crate::model::{Code, Severity};
use crate::rules::{Problem, codes};
use crate::xml::{self, Document, ElementId};

/// One step of a file.
#[derive(Debug)]
pub enum Step {
    /// A rule read in full, to be added to the tree.
    Rule(Box<RuleDef>),
    /// A rule skipped with a warning (duplicate id, invalid `if_sid`, unknown list…).
    Skipped,
    /// An error: the daemon refuses the file (and the logtest session) here.
    Failed,
}

/// Work items, in document order.
enum Item {
    Rule(ElementId, String),
    Fail(ElementId, String),
}

/// The rules of one file, read on demand.
pub struct FileRules {
    path: PathBuf,
    doc: Document,
    vars: Vars,
    items: Vec<Item>,
    next: usize,
    done: bool,
}

/// The context a reading step needs.
pub(super) struct Cx<'a> {
    pub(super) path: &'a Path,
    pub(super) doc: &'a Document,
    vars: &'a Vars,
    pub(super) problems: &'a mut Vec<Problem>,
}

impl Cx<'_> {
    /// An element's text with the file's variables applied.
    pub(super) fn value(&self, id: ElementId) -> String {
        let v = self.doc.value(id);
        match self.vars.apply(&v) {
            Cow::Borrowed(_) => v,
            Cow::Owned(o) => o,
        }
    }

    /// The attributes of an element (name, value with variables applied).
    pub(super) fn attrs(&self, id: ElementId) -> Vec<(String, String)> {
        self.doc
            .attrs(id)
            .iter()
            .map(|a| {
                let value = self.vars.apply(self.doc.text(&a.value)).into_owned();
                (self.doc.text(&a.name).to_string(), value)
            })
            .collect()
    }

    /// An attribute value by name, compared without ASCII case.
    pub(super) fn attr(&self, id: ElementId, name: &str) -> Option<String> {
        self.attrs(id)
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// 1-based line and column of an element.
    pub(super) fn position(&self, id: ElementId) -> (usize, usize) {
        self.doc.line_col(self.doc.element(id).span().start)
    }

    /// Records a problem at an element.
    fn problem(&mut self, at: ElementId, severity: Severity, code: &'static Code, message: String) {
        let position = Some(self.position(at));
        self.problems.push(Problem {
            file: self.path.to_path_buf(),
            position,
            severity,
            code,
            message,
        });
    }

    /// An error of a rule: the daemon refuses the file ([`codes::INVALID`]).
    pub(super) fn error(&mut self, at: ElementId, message: String) {
        self.error_as(&codes::INVALID, at, message);
    }

    /// An error with a code of its own ([`codes`]).
    pub(super) fn error_as(&mut self, code: &'static Code, at: ElementId, message: String) {
        self.problem(at, Severity::Error, code, message);
    }

    /// A warning: the daemon goes on, ignoring a value or the rule ([`codes::IGNORED`]).
    pub(super) fn warn(&mut self, at: ElementId, message: String) {
        self.warn_as(&codes::IGNORED, at, message);
    }

    /// A warning with a code of its own ([`codes`]).
    pub(super) fn warn_as(&mut self, code: &'static Code, at: ElementId, message: String) {
        self.problem(at, Severity::Warning, code, message);
    }
}

impl FileRules {
    /// Parses a file and checks its roots. Problems that refuse the whole file (XML
    /// errors, a root that is not `<group name>`) are pushed and leave no rule.
    pub fn open(path: &Path, text: &str, problems: &mut Vec<Problem>) -> FileRules {
        let doc = xml::parse(text);
        let vars = Vars::of(&doc);
        let mut out = FileRules {
            path: path.to_path_buf(),
            doc,
            vars,
            items: Vec::new(),
            next: 0,
            done: false,
        };
        if let Some(e) = out.doc.errors().first() {
            let at = out.doc.line_col(e.offset);
            problems.push(Problem {
                file: path.to_path_buf(),
                position: Some(at),
                severity: Severity::Error,
                code: &codes::FILE_XML,
                message: format!("{} (analysisd refuses this file)", e.message),
            });
            out.done = true;
            return out;
        }
        let has_root = out
            .doc
            .roots()
            .any(|r| !out.doc.name(r).eq_ignore_ascii_case("var"));
        if !text.is_empty() && !has_root {
            // A file with no element at all (only comments, say) is refused.
            problems.push(Problem {
                file: path.to_path_buf(),
                position: None,
                severity: Severity::Error,
                code: &codes::FILE_STRUCTURE,
                message: format!("(1202): Configuration error at '{}'.", path.display()),
            });
            out.done = true;
            return out;
        }
        out.done = !out.check_roots(problems);
        if !out.done {
            out.items = out.collect_items();
        }
        out
    }

    /// The roots must all be `<group>` with exactly one attribute, `name`.
    fn check_roots(&self, problems: &mut Vec<Problem>) -> bool {
        let doc = &self.doc;
        for root in doc.roots() {
            let name = doc.name(root);
            if name.eq_ignore_ascii_case("var") {
                continue;
            }
            let message = if !name.eq_ignore_ascii_case("group") {
                format!("rules_op: Invalid root element \"{name}\".Only \"group\" is allowed")
            } else {
                match doc.attrs(root) {
                    [a] if doc.text(&a.name).eq_ignore_ascii_case("name") => continue,
                    _ => format!(
                        "rules_op: Invalid root element '{name}'.Only the group name is allowed"
                    ),
                }
            };
            problems.push(Problem {
                file: self.path.clone(),
                position: Some(doc.line_col(doc.element(root).span().start)),
                severity: Severity::Error,
                code: &codes::FILE_STRUCTURE,
                message,
            });
            return false;
        }
        true
    }

    fn collect_items(&self) -> Vec<Item> {
        let doc = &self.doc;
        let mut items = Vec::new();
        for root in doc.roots() {
            if doc.name(root).eq_ignore_ascii_case("var") {
                continue;
            }
            let group = doc
                .attrs(root)
                .first()
                .map(|a| self.vars.apply(doc.text(&a.value)).into_owned())
                .unwrap_or_default();
            let children: Vec<ElementId> = doc.children(root).collect();
            if children.is_empty() {
                items.push(Item::Fail(
                    root,
                    format!("Group '{group}' without any rule."),
                ));
                break;
            }
            for child in children {
                let name = doc.name(child);
                if !name.eq_ignore_ascii_case("rule") {
                    items.push(Item::Fail(
                        child,
                        format!("Invalid configuration. '{name}' is not a valid element."),
                    ));
                    return items;
                }
                items.push(Item::Rule(child, group.clone()));
            }
        }
        items
    }

    /// Reads the next rule; `None` when the file is done (or failed earlier).
    pub fn next_rule(&mut self, env: &RuleEnv<'_>, problems: &mut Vec<Problem>) -> Option<Step> {
        if self.done {
            return None;
        }
        let item = self.items.get(self.next)?;
        self.next += 1;
        let mut cx = Cx {
            path: &self.path,
            doc: &self.doc,
            vars: &self.vars,
            problems,
        };
        let step = match item {
            Item::Fail(at, message) => {
                cx.error_as(&codes::FILE_STRUCTURE, *at, message.clone());
                Step::Failed
            }
            Item::Rule(id, group) => read_rule(&mut cx, *id, group, env),
        };
        if matches!(step, Step::Failed) {
            self.done = true;
        }
        Some(step)
    }
}

/// Reads one `<rule>`: attributes, duplicate check, then every option.
fn read_rule(cx: &mut Cx<'_>, id: ElementId, group: &str, env: &RuleEnv<'_>) -> Step {
    let list = cx.attrs(id);
    if list.is_empty() {
        cx.error(
            id,
            "Invalid rule. You must specify an ID and a level at least.".to_string(),
        );
        return Step::Failed;
    }
    let a = match attrs::read(&list) {
        Ok(a) => a,
        Err(message) => {
            cx.error(id, message);
            cx.error(id, "Invalid attribute for rule.".to_string());
            return Step::Failed;
        }
    };
    for w in &a.warnings {
        cx.warn(id, w.clone());
    }
    let (Some(rule_id), Some(level)) = (a.id, a.level) else {
        cx.error(id, "No rule id or level specified for rule.".to_string());
        return Step::Failed;
    };
    let mut overwrite = a.overwrite;
    if (env.exists)(rule_id) {
        if !overwrite {
            cx.warn_as(
                &codes::DUPLICATE_ID,
                id,
                format!("(7612): Rule ID '{rule_id}' is duplicated. Only the first occurrence will be considered."),
            );
            return Step::Skipped;
        }
    } else if overwrite {
        cx.warn_as(
            &codes::OVERWRITE_NOTHING,
            id,
            format!("(7613): Rule ID '{rule_id}' does not exist but 'overwrite' is set to 'yes'. The rule will be added as a new rule."),
        );
        overwrite = false;
    }
    let line = cx.position(id).0;
    let mut def = RuleDef::new(rule_id, (cx.path.to_path_buf(), line));
    def.sort_level = sort_level(level, a.accuracy);
    def.level = final_level(def.sort_level);
    def.written_level = level;
    def.maxsize = a.maxsize;
    def.frequency = a.frequency;
    def.timeframe = a.timeframe.unwrap_or(super::DEFAULT_TIMEFRAME);
    def.ignore_time = a.ignore_time;
    def.overwrite = overwrite;
    def.options.noalert = a.noalert;
    def.group = group.to_string();
    options::read_options(cx, id, def, env)
}

/// The level that orders siblings while loading: 0 becomes 99, then ×100 unless
/// `accuracy` is 0.
pub(crate) fn sort_level(level: u32, accuracy: u32) -> u32 {
    let l = if level == 0 { 99 } else { level };
    if accuracy != 0 { l * 100 } else { l }
}

/// `_setlevels`: 9900 becomes 0 and values of 100 or more are divided by 100.
pub(crate) fn final_level(sort_level: u32) -> u32 {
    match sort_level {
        9900 => 0,
        l if l >= 100 => l / 100,
        l => l,
    }
}
