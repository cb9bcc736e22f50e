//! The options of a `<rule>`, read in document order as the big `if`/`else` chain
//! of `Rules_OP_ReadRules` does (`src/analysisd/rules.c`; docs/analysis-rules.md
//! "Options"). Text options are concatenated; the last `negate`/`type` wins.

use super::file::Cx;
use super::post::{Pending, Text, finish};
use super::{
    CompiledRule, FieldCond, InfoDetail, InfoKind, IpCond, MAX_FIELDS, RuleDef, RuleEnv, Step,
    daytime,
};
use crate::pattern::{Engine, Expression, IpList};
use crate::rules::codes;
use crate::rules::fields::Category;
use crate::xml::ElementId;

/// What one option did.
pub(super) enum Flow {
    Next,
    /// Stop reading options; the rule is skipped with a warning already given.
    Skip,
    /// The file fails; the error is already given.
    Fail,
}

/// `loadmemory`: concatenates, refusing pieces past 2048 bytes (the value is then
/// lost and an error logged, but the file goes on).
pub(super) fn load(cx: &mut Cx<'_>, at_el: ElementId, at: &mut Option<String>, s: &str) {
    let too_big = match at {
        None => s.len() >= 2048,
        Some(a) => a.len() > 2048 || s.len() > 2048,
    };
    if too_big {
        *at = None;
        cx.warn(
            at_el,
            format!("(1104): Maximum string size reached for: {s}."),
        );
        return;
    }
    at.get_or_insert_with(String::new).push_str(s);
}

/// Reads every option of the rule, then checks and compiles it.
pub(super) fn read_options(
    cx: &mut Cx<'_>,
    rule_el: ElementId,
    mut def: RuleDef,
    env: &RuleEnv<'_>,
) -> Step {
    let children: Vec<ElementId> = cx.doc.children(rule_el).collect();
    if children.is_empty() {
        cx.error(
            rule_el,
            format!("Rule '{}' without any option. It may lead to false positives and some other problems for the system. Exiting.", def.id),
        );
        return Step::Failed;
    }
    let mut p = Pending::default();
    for el in children {
        match read_option(cx, el, &mut def, &mut p, env) {
            Flow::Next => {}
            Flow::Skip => {
                p.skip = true;
                break;
            }
            Flow::Fail => return Step::Failed,
        }
    }
    finish(cx, rule_el, def, p)
}

/// `w_check_attr_negate`.
fn negate(cx: &mut Cx<'_>, el: ElementId, rule: u32) -> bool {
    match cx.attr(el, "negate") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("yes") => true,
        Some(v) if v.eq_ignore_ascii_case("no") => false,
        Some(v) => {
            cx.warn(
                el,
                format!("(7600): Invalid value '{v}' for attribute 'negate' in rule {rule}."),
            );
            false
        }
    }
}

/// `w_check_attr_type`.
fn engine(cx: &mut Cx<'_>, el: ElementId, default: Engine, rule: u32) -> Engine {
    match cx.attr(el, "type") {
        None => default,
        Some(v) if v.eq_ignore_ascii_case("osregex") => Engine::OsRegex,
        Some(v) if v.eq_ignore_ascii_case("osmatch") => Engine::OsMatch,
        Some(v) if v.eq_ignore_ascii_case("pcre2") => Engine::Pcre2,
        Some(v) => {
            cx.warn(
                el,
                format!("(7600): Invalid value '{v}' for attribute 'type' in rule {rule}."),
            );
            default
        }
    }
}

fn read_option(
    cx: &mut Cx<'_>,
    el: ElementId,
    def: &mut RuleDef,
    p: &mut Pending,
    env: &RuleEnv<'_>,
) -> Flow {
    let name = cx.doc.name(el).to_string();
    let lower = name.to_ascii_lowercase();
    let content = cx.value(el);
    if let Some(key) = Text::by_name(&lower) {
        let neg = negate(cx, el, def.id);
        let eng = engine(cx, el, key.default_engine(), def.id);
        let slot = &mut p.text[key as usize];
        let mut text = slot.text.take();
        load(cx, el, &mut text, &content);
        let slot = &mut p.text[key as usize];
        slot.text = text;
        slot.negate = neg;
        slot.engine = eng;
        return Flow::Next;
    }
    if let Some(flow) = super::context_opts::read_context(cx, el, &name, &lower, &content, def, p) {
        return flow;
    }
    read_plain(cx, el, &name, &lower, &content, def, env)
}

/// Every option that is neither a text pattern nor a context option.
fn read_plain(
    cx: &mut Cx<'_>,
    el: ElementId,
    name: &str,
    lower: &str,
    content: &str,
    def: &mut RuleDef,
    env: &RuleEnv<'_>,
) -> Flow {
    let content = content.to_string();
    match lower {
        "decoded_as" => match (env.decoder_id)(&content) {
            Some(id) => def.decoded_as = Some(id),
            None => {
                cx.error(el, format!("Invalid decoder name: '{content}'."));
                return Flow::Fail;
            }
        },
        "cve" => {
            def.info_details.push(InfoDetail {
                kind: InfoKind::Cve,
                text: content.clone(),
            });
            load(cx, el, &mut def.cve, &content);
        }
        "info" => {
            let kind = info_kind(cx, el);
            def.info_details.push(InfoDetail {
                kind,
                text: content.clone(),
            });
            load(cx, el, &mut def.info, &content);
        }
        "time" => match daytime::valid_time(&content) {
            Some(t) => def.time = Some(t),
            None => {
                cx.error(
                    el,
                    format!("(1274): Invalid configuration. Element '{name}': {content}."),
                );
                return Flow::Fail;
            }
        },
        "weekday" => match daytime::valid_day(&content) {
            Some(d) => def.weekday = Some(d),
            None => {
                cx.error(el, format!("(1241): Invalid day format: '{content}'."));
                return Flow::Fail;
            }
        },
        "group" => {
            let mut g = Some(std::mem::take(&mut def.group));
            load(cx, el, &mut g, &content);
            def.group = g.unwrap_or_default().replace('\n', "");
        }
        "description" => {
            let piece = content.replacen('\n', " ", 1);
            load(cx, el, &mut def.description, &piece);
        }
        "srcip" | "dstip" => return read_ip(cx, el, lower, &content, def),
        "field" => return read_field(cx, el, &content, def),
        "list" => return super::list_opt::read_list(cx, el, &content, def, env),
        "compiled_rule" => match CompiledRule::parse(&content) {
            Some(c) => def.compiled = Some(c),
            None => {
                cx.error(el, format!("Compiled rule not found: '{content}'"));
                return Flow::Fail;
            }
        },
        "category" => match Category::parse(&content).filter(|c| *c != Category::HostInformation) {
            Some(c) => def.category = c,
            None => {
                cx.error(el, format!("(1273): Invalid category '{content}' chosen."));
                return Flow::Fail;
            }
        },
        "if_sid" => load(cx, el, &mut def.if_sid, &content),
        "if_level" => {
            if !super::attrs::is_num(&content) {
                cx.warn(
                    el,
                    format!(
                        "(7609): Invalid 'if_level' value: '{content}'. Rule '{}' will be ignored.",
                        def.id
                    ),
                );
                return Flow::Skip;
            }
            load(cx, el, &mut def.if_level, &content);
        }
        "if_group" => load(cx, el, &mut def.if_group, &content),
        "options" => return read_flag(cx, el, &content, def),
        "ignore" | "check_if_ignored" => return read_ignore(cx, el, lower, &content, def),
        "mitre" => super::post::read_mitre(cx, el, def),
        _ => {
            cx.error_as(
                &codes::UNKNOWN_OPTION,
                el,
                format!("Invalid option '{name}' for rule '{}'.", def.id),
            );
            return Flow::Fail;
        }
    }
    Flow::Next
}

/// `get_info_attributes`: the `type` of an `<info>`.
fn info_kind(cx: &mut Cx<'_>, el: ElementId) -> InfoKind {
    let Some((attr, value)) = cx.attrs(el).into_iter().next() else {
        return InfoKind::Text;
    };
    if !attr.eq_ignore_ascii_case("type") {
        cx.warn(
            el,
            format!("rules_op: Element info has invalid attribute \"{attr}\""),
        );
        return InfoKind::Invalid;
    }
    match value.as_str() {
        "text" => InfoKind::Text,
        "link" => InfoKind::Link,
        "cve" => InfoKind::Cve,
        "osvdb" => InfoKind::Osvdb,
        _ => {
            cx.warn(
                el,
                format!(
                    "rules_op: Element info attribute \"{attr}\" has invalid value \"{value}\""
                ),
            );
            InfoKind::Invalid
        }
    }
}

fn read_ip(cx: &mut Cx<'_>, el: ElementId, which: &str, content: &str, def: &mut RuleDef) -> Flow {
    let neg = negate(cx, el, def.id);
    let slot = if which == "srcip" {
        &mut def.srcip
    } else {
        &mut def.dstip
    };
    let cond = slot.get_or_insert_with(|| IpCond {
        list: IpList::default(),
        negate: false,
    });
    if cond.list.push(content).is_err() {
        *slot = None;
        cx.error(el, format!("(1237): Invalid ip address: '{content}'."));
        return Flow::Fail;
    }
    cond.negate = neg;
    Flow::Next
}

/// The static names a `<field name>` may not use (`w_check_attr_field_name`).
const STATIC_NAMES: [&str; 17] = [
    "srcip",
    "dstip",
    "srcgeoip",
    "dstgeoip",
    "srcport",
    "dstport",
    "user",
    "srcuser",
    "dstuser",
    "url",
    "id",
    "data",
    "extra_data",
    "status",
    "protocol",
    "system_name",
    "action",
];

fn read_field(cx: &mut Cx<'_>, el: ElementId, content: &str, def: &mut RuleDef) -> Flow {
    if def.fields.len() >= MAX_FIELDS {
        cx.error(
            el,
            format!(
                "Rule {} has exceeded the maximum number of allowed fields",
                def.id
            ),
        );
        return Flow::Fail;
    }
    let Some(name) = cx.attr(el, "name") else {
        cx.error(
            el,
            format!(
                "Failure to read rule {}. No such attribute 'name' for field.",
                def.id
            ),
        );
        return Flow::Fail;
    };
    if STATIC_NAMES.iter().any(|s| s.eq_ignore_ascii_case(&name)) {
        cx.error(
            el,
            format!("Failure to read rule {}. Field '{name}' is static.", def.id),
        );
        return Flow::Fail;
    }
    let eng = engine(cx, el, Engine::OsRegex, def.id);
    let neg = negate(cx, el, def.id);
    match Expression::compile_without_captures(eng, content) {
        Ok(expr) => {
            def.fields.push(FieldCond {
                name,
                cond: super::Cond { expr, negate: neg },
            });
            Flow::Next
        }
        Err(_) => {
            cx.error_as(
                &codes::BAD_REGEX,
                el,
                format!("(5107): Syntax error on tag '{name}' in rule {}", def.id),
            );
            Flow::Fail
        }
    }
}

fn read_flag(cx: &mut Cx<'_>, el: ElementId, content: &str, def: &mut RuleDef) -> Flow {
    let o = &mut def.options;
    match content {
        "alert_by_email" => o.email = Some(true),
        "no_email_alert" => o.email = Some(false),
        "log_alert" => o.log = Some(true),
        "no_log" => o.log = Some(false),
        "no_ar" => o.no_ar = true,
        "no_full_log" => o.no_full_log = true,
        "no_counter" => o.no_counter = true,
        _ => {
            cx.error(
                el,
                format!("(1235): Invalid value for element 'options': {content}."),
            );
            cx.error(
                el,
                format!("Invalid option 'options' for rule '{}'.", def.id),
            );
            return Flow::Fail;
        }
    }
    Flow::Next
}

/// `ignore` / `check_if_ignored`: comma-separated field names, each trimmed of
/// spaces and cut at the first space.
fn read_ignore(
    cx: &mut Cx<'_>,
    el: ElementId,
    which: &str,
    content: &str,
    def: &mut RuleDef,
) -> Flow {
    let mut words = Vec::new();
    for piece in content.split(',') {
        let w = piece.trim_start_matches(' ');
        let w = &w[..w.find(' ').unwrap_or(w.len())];
        if w.is_empty() {
            cx.error(el, format!("Wrong {which} option: '{content}'"));
            return Flow::Fail;
        }
        words.push(w.to_string());
    }
    if which == "ignore" {
        def.ignore_fields = words;
    } else {
        def.check_if_ignored = words;
    }
    Flow::Next
}
