//! What `Rules_OP_ReadRules` does after the options of a rule are read
//! (`src/analysisd/rules.c`; docs/analysis-rules.md "Options"): the
//! `if_sid` syntax check, the required description, context checks, the
//! `if_matched_*` defaults, and the compilation of every text option.

use super::file::Cx;
use super::{Cond, RuleDef, Step};
use crate::pattern::{Engine, Expression};
use crate::rules::codes;
use crate::xml::ElementId;

/// The text options, in the order `Rules_OP_ReadRules` compiles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Text {
    Regex,
    Match,
    Id,
    SrcPort,
    DstPort,
    Status,
    Hostname,
    Data,
    ExtraData,
    ProgramName,
    User,
    SrcGeoip,
    DstGeoip,
    Url,
    Location,
    Action,
    Protocol,
    SystemName,
}

const TEXTS: [(Text, &str); 18] = [
    (Text::Regex, "regex"),
    (Text::Match, "match"),
    (Text::Id, "id"),
    (Text::SrcPort, "srcport"),
    (Text::DstPort, "dstport"),
    (Text::Status, "status"),
    (Text::Hostname, "hostname"),
    (Text::Data, "data"),
    (Text::ExtraData, "extra_data"),
    (Text::ProgramName, "program_name"),
    (Text::User, "user"),
    (Text::SrcGeoip, "srcgeoip"),
    (Text::DstGeoip, "dstgeoip"),
    (Text::Url, "url"),
    (Text::Location, "location"),
    (Text::Action, "action"),
    (Text::Protocol, "protocol"),
    (Text::SystemName, "system_name"),
];

impl Text {
    /// The text option an element name (lowercased) names.
    pub(super) fn by_name(lower: &str) -> Option<Text> {
        TEXTS.iter().find(|(_, n)| *n == lower).map(|(t, _)| *t)
    }

    /// Its engine when no `type` is given.
    pub(super) fn default_engine(self) -> Engine {
        match self {
            Text::Regex => Engine::OsRegex,
            Text::Action => Engine::String,
            _ => Engine::OsMatch,
        }
    }
}

/// One text option being read.
#[derive(Debug)]
pub(super) struct TextOpt {
    pub(super) text: Option<String>,
    pub(super) negate: bool,
    pub(super) engine: Engine,
}

/// What is read before compilation (`rules_tmp_params_t`).
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) text: [TextOpt; 18],
    pub(super) if_matched_group: Option<String>,
    pub(super) if_matched_regex: Option<String>,
    pub(super) skip: bool,
}

impl Default for Pending {
    fn default() -> Pending {
        Pending {
            text: TEXTS.map(|(t, _)| TextOpt {
                text: None,
                negate: false,
                engine: t.default_engine(),
            }),
            if_matched_group: None,
            if_matched_regex: None,
            skip: false,
        }
    }
}

/// The `if_sid` syntax: PCRE2 `^[\d, ]+$`.
fn valid_if_sid(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b' ')
}

/// The checks and compilation after the options.
pub(super) fn finish(cx: &mut Cx<'_>, at: ElementId, mut def: RuleDef, mut p: Pending) -> Step {
    if let Some(s) = def.if_sid.as_deref().filter(|s| !valid_if_sid(s)) {
        cx.warn(
            at,
            format!(
                "(7618): Invalid 'if_sid' value: '{s}'. Rule '{}' will be ignored.",
                def.id
            ),
        );
        p.skip = true;
    }
    if p.skip {
        return Step::Skipped;
    }
    if def.description.is_none() {
        cx.error(at, format!("No such description at rule '{}'.", def.id));
        return Step::Failed;
    }
    let c = &def.ctx;
    let context_opts = c.check_diff || c.global_frequency;
    let same = c.same != 0 || !c.same_fields.is_empty();
    let different = c.different != 0 || !c.different_fields.is_empty();
    if (context_opts || same || different || def.frequency != 0) && !c.context {
        cx.error(
            at,
            format!(
                "Invalid use of frequency/context options. Missing if_matched on rule '{}'.",
                def.id
            ),
        );
        return Step::Failed;
    }
    if !def.overwrite && def.if_sid.is_none() && def.if_group.is_none() {
        if let Some(g) = &p.if_matched_group {
            def.if_group = Some(g.clone());
        } else if def.ctx.if_matched_sid != 0 {
            def.if_sid = Some(def.ctx.if_matched_sid.to_string());
        }
    }
    if compile_all(cx, at, &mut def, p) {
        Step::Rule(Box::new(def))
    } else {
        Step::Failed
    }
}

/// Compiles the text options and the `if_matched_*` patterns; false on the first
/// error (which fails the file).
fn compile_all(cx: &mut Cx<'_>, at: ElementId, def: &mut RuleDef, p: Pending) -> bool {
    for (opt, (key, name)) in p.text.into_iter().zip(TEXTS) {
        let Some(text) = opt.text else { continue };
        let Ok(expr) = Expression::compile_without_captures(opt.engine, &text) else {
            cx.error_as(
                &codes::BAD_REGEX,
                at,
                format!("(5107): Syntax error on tag '{name}' in rule {}", def.id),
            );
            return false;
        };
        *slot(def, key) = Some(Cond {
            expr,
            negate: opt.negate,
        });
    }
    if let Some(g) = p.if_matched_group {
        match Expression::compile_without_captures(Engine::OsMatch, &g) {
            Ok(e) => def.ctx.if_matched_group = Some(e),
            Err(e) => {
                cx.error_as(
                    &codes::BAD_REGEX,
                    at,
                    format!("(1450): Syntax error on regex: '{g}': {e}."),
                );
                return false;
            }
        }
        def.ctx.if_matched_group_raw = Some(g);
    }
    if let Some(r) = p.if_matched_regex {
        match Expression::compile_without_captures(Engine::OsRegex, &r) {
            Ok(e) => def.ctx.if_matched_regex = Some(e),
            Err(e) => {
                cx.error_as(
                    &codes::BAD_REGEX,
                    at,
                    format!("(1450): Syntax error on regex: '{r}': {e}."),
                );
                return false;
            }
        }
    }
    true
}

fn slot(def: &mut RuleDef, key: Text) -> &mut Option<Cond> {
    match key {
        Text::Regex => &mut def.regex,
        Text::Match => &mut def.match_,
        Text::Id => &mut def.id_cond,
        Text::SrcPort => &mut def.srcport,
        Text::DstPort => &mut def.dstport,
        Text::Status => &mut def.status,
        Text::Hostname => &mut def.hostname,
        Text::Data => &mut def.data,
        Text::ExtraData => &mut def.extra_data,
        Text::ProgramName => &mut def.program_name,
        Text::User => &mut def.user,
        Text::SrcGeoip => &mut def.srcgeoip,
        Text::DstGeoip => &mut def.dstgeoip,
        Text::Url => &mut def.url,
        Text::Location => &mut def.location,
        Text::Action => &mut def.action,
        Text::Protocol => &mut def.protocol,
        Text::SystemName => &mut def.system_name,
    }
}

/// `<mitre>`: either old-style `<id>`s or one `<tacticID>` with one `<techniqueID>`
/// per block; mixing them, or an empty id, drops the block with a warning.
pub(super) fn read_mitre(cx: &mut Cx<'_>, el: ElementId, def: &mut RuleDef) {
    let children: Vec<ElementId> = cx.doc.children(el).collect();
    if children.is_empty() {
        cx.warn(el, format!("Empty Mitre information for rule '{}'", def.id));
        return;
    }
    let (mut ids, mut tactics, mut techniques) = (Vec::new(), Vec::new(), Vec::new());
    let mut failure = false;
    for c in children {
        let name = cx.doc.name(c).to_ascii_lowercase();
        let value = cx.value(c);
        let list = match name.as_str() {
            "id" => &mut ids,
            "tacticid" => &mut tactics,
            "techniqueid" => &mut techniques,
            _ => {
                cx.warn_as(
                    &codes::UNKNOWN_OPTION,
                    c,
                    format!("Invalid option '{}' for rule '{}'", cx.doc.name(c), def.id),
                );
                failure = true;
                continue;
            }
        };
        if value.is_empty() {
            failure = true;
        } else {
            list.push(value);
        }
    }
    if failure {
        return;
    }
    mitre_merge(cx, el, def, ids, &tactics, &techniques);
}

fn mitre_merge(
    cx: &mut Cx<'_>,
    el: ElementId,
    def: &mut RuleDef,
    ids: Vec<String>,
    tactics: &[String],
    techniques: &[String],
) {
    let id = def.id;
    let new_format = !def.mitre.tactics.is_empty();
    if !ids.is_empty() {
        if !tactics.is_empty() || !techniques.is_empty() {
            cx.warn(el, format!("Rule '{id}' combined old and new Mitre formats in the same block. The Mitre block will be discarded."));
        } else if new_format {
            cx.warn(el, format!("Rule '{id}' combined old and new Mitre formats, the old Mitre Technique format will be discarded."));
            def.mitre.ids.clear();
        } else {
            for i in ids {
                if !def.mitre.ids.contains(&i) {
                    def.mitre.ids.push(i);
                }
            }
        }
        return;
    }
    match (tactics, techniques) {
        ([t], [q]) => {
            if !def.mitre.ids.is_empty() {
                cx.warn(el, format!("Rule '{id}' combined old and new Mitre formats, the old Mitre Technique format will be discarded."));
                def.mitre.ids.clear();
            }
            let m = &mut def.mitre;
            if !m.tactics.iter().zip(&m.techniques).any(|(a, b)| a == t && b == q) {
                m.tactics.push(t.clone());
                m.techniques.push(q.clone());
            }
        }
        ([], []) => {}
        ([_, ..], [_, ..]) => cx.warn(el, format!("In rule '{id}' is not allowed to join more than one Mitre techniqueID or tacticID in the same block. The Mitre block will be discarded.")),
        ([], _) => cx.warn(el, format!("Mitre tacticID should be defined in rule '{id}'")),
        (_, []) => cx.warn(el, format!("Mitre techniqueID should be defined in rule '{id}'")),
    }
}
