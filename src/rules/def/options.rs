//! The options of a `<rule>`, read in document order as the big `if`/`else` chain
//! of `Rules_OP_ReadRules` does (`src/analysisd/rules.c`; docs/analysis-rules.md
//! "Options"). Text options are concatenated; the last `negate`/`type` wins.

use super::file::Cx;
use super::post::{Pending, Text, finish};
use super::{
    CompiledRule, FieldCond, InfoDetail, InfoKind, IpCond, ListCond, ListField, MAX_FIELDS,
    RuleDef, RuleEnv, Step, daytime, field_bits as fb,
};
use crate::analysis::event::{Category, StaticField};
use crate::pattern::{Engine, Expression, IpList};
use crate::rules::lists::Lookup;
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
    let children: Vec<ElementId> = cx.doc.element(rule_el).children().collect();
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
    if let Some(flow) = read_context(cx, el, &name, &lower, &content, def, p) {
        return flow;
    }
    match lower.as_str() {
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
        "srcip" | "dstip" => return read_ip(cx, el, &lower, &content, def),
        "field" => return read_field(cx, el, &content, def),
        "list" => return read_list(cx, el, &content, def, env),
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
        "ignore" | "check_if_ignored" => return read_ignore(cx, el, &lower, &content, def),
        "mitre" => super::post::read_mitre(cx, el, def),
        _ => {
            cx.error(
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

/// The context options and the `same_*`/`different_*` family. Some of these names
/// are compared case-sensitively by the daemon (`strcmp`), the others not.
fn read_context(
    cx: &mut Cx<'_>,
    el: ElementId,
    name: &str,
    lower: &str,
    content: &str,
    def: &mut RuleDef,
    p: &mut Pending,
) -> Option<Flow> {
    let c = &mut def.ctx;
    match lower {
        "if_matched_regex" => {
            c.context = true;
            load(cx, el, &mut p.if_matched_regex, content);
        }
        "if_matched_group" => {
            c.context = true;
            load(cx, el, &mut p.if_matched_group, content);
        }
        "if_matched_sid" => {
            c.context = true;
            if !super::attrs::is_num(content) {
                cx.warn(el, format!("(7615): Invalid 'if_matched_sid' value: '{content}'. Rule '{}' will be ignored.", def.id));
                return Some(Flow::Skip);
            }
            c.if_matched_sid = super::attrs::atoi(content).min(u64::from(u32::MAX)) as u32;
        }
        "check_diff" => {
            c.context = true;
            c.check_diff = true;
        }
        "global_frequency" => c.global_frequency = true,
        "if_fts" => def.if_fts = true,
        "same_field" => c.same_fields.push(content.to_string()),
        "not_same_field" | "different_field" => c.different_fields.push(content.to_string()),
        "same_agent" | "not_same_agent" => cx.warn(
            el,
            format!(
                "Detected a deprecated field option for rule, {lower} is not longer available."
            ),
        ),
        _ => {
            let (same, bit) = same_bit(name, lower)?;
            if same {
                c.same |= bit;
            } else {
                c.different |= bit;
            }
        }
    }
    Some(Flow::Next)
}

/// The bit of a `same_*` (true) or `different_*` (false) option.
fn same_bit(name: &str, lower: &str) -> Option<(bool, u32)> {
    // Compared with strcasecmp in rules.c.
    let any_case = match lower {
        "same_source_ip" | "same_srcip" => Some((true, fb::SRCIP)),
        "same_dstip" => Some((true, fb::DSTIP)),
        "same_src_port" | "same_srcport" => Some((true, fb::SRCPORT)),
        "same_dst_port" | "same_dstport" => Some((true, fb::DSTPORT)),
        "same_protocol" => Some((true, fb::PROTOCOL)),
        "same_action" => Some((true, fb::ACTION)),
        "same_location" => Some((true, fb::LOCATION)),
        "same_srcuser" => Some((true, fb::SRCUSER)),
        "same_user" => Some((true, fb::USER)),
        "different_dstip" => Some((false, fb::DSTIP)),
        "different_src_port" | "different_srcport" => Some((false, fb::SRCPORT)),
        "different_dst_port" | "different_dstport" => Some((false, fb::DSTPORT)),
        "different_srcuser" => Some((false, fb::SRCUSER)),
        "different_user" | "not_same_user" => Some((false, fb::USER)),
        "different_location" => Some((false, fb::LOCATION)),
        _ => None,
    };
    // Compared with strcmp in rules.c: only the lowercase spelling counts.
    any_case.or(match name {
        "same_id" => Some((true, fb::ID)),
        "same_url" => Some((true, fb::URL)),
        "same_data" => Some((true, fb::DATA)),
        "same_extra_data" => Some((true, fb::EXTRADATA)),
        "same_status" => Some((true, fb::STATUS)),
        "same_system_name" => Some((true, fb::SYSTEMNAME)),
        "same_srcgeoip" => Some((true, fb::SRCGEOIP)),
        "same_dstgeoip" => Some((true, fb::DSTGEOIP)),
        "different_srcip" | "not_same_source_ip" => Some((false, fb::SRCIP)),
        "different_protocol" => Some((false, fb::PROTOCOL)),
        "different_action" => Some((false, fb::ACTION)),
        "different_id" | "not_same_id" => Some((false, fb::ID)),
        "different_url" => Some((false, fb::URL)),
        "different_data" => Some((false, fb::DATA)),
        "different_extra_data" => Some((false, fb::EXTRADATA)),
        "different_status" => Some((false, fb::STATUS)),
        "different_system_name" => Some((false, fb::SYSTEMNAME)),
        "different_srcgeoip" => Some((false, fb::SRCGEOIP)),
        "different_dstgeoip" => Some((false, fb::DSTGEOIP)),
        _ => None,
    })
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
            cx.error(
                el,
                format!("(5107): Syntax error on tag '{name}' in rule {}", def.id),
            );
            Flow::Fail
        }
    }
}

fn list_lookup(value: &str) -> Option<Lookup> {
    Some(match value.to_ascii_lowercase().as_str() {
        "match_key" => Lookup::MatchKey,
        "not_match_key" => Lookup::NotMatchKey,
        "match_key_value" => Lookup::MatchKeyValue,
        "address_match_key" => Lookup::AddressMatchKey,
        "not_address_match_key" => Lookup::NotAddressMatchKey,
        "address_match_key_value" => Lookup::AddressMatchKeyValue,
        _ => return None,
    })
}

fn list_field(value: &str) -> ListField {
    let s = |f| ListField::Static(f);
    match value.to_ascii_lowercase().as_str() {
        "srcip" => s(StaticField::SrcIp),
        "srcport" => s(StaticField::SrcPort),
        "dstip" => s(StaticField::DstIp),
        "dstport" => s(StaticField::DstPort),
        "user" => ListField::User,
        "url" => s(StaticField::Url),
        "id" => s(StaticField::Id),
        "hostname" => ListField::Hostname,
        "program_name" => ListField::ProgramName,
        "status" => s(StaticField::Status),
        "action" => s(StaticField::Action),
        "protocol" => s(StaticField::Protocol),
        "system_name" => s(StaticField::SystemName),
        "data" => s(StaticField::Data),
        "extra_data" => s(StaticField::ExtraData),
        _ => {
            let trimmed = value.trim_start_matches(' ');
            let end = trimmed.find(' ').unwrap_or(trimmed.len());
            ListField::Dynamic(trimmed[..end].to_string())
        }
    }
}

fn read_list(
    cx: &mut Cx<'_>,
    el: ElementId,
    content: &str,
    def: &mut RuleDef,
    env: &RuleEnv<'_>,
) -> Flow {
    let attrs = cx.attrs(el);
    let invalid = format!("(1274): Invalid configuration. Element 'list': {content}.");
    if attrs.is_empty() {
        cx.error(
            el,
            "List must have a correctly formatted field attribute".to_string(),
        );
        cx.error(el, invalid);
        return Flow::Fail;
    }
    let (mut lookup, mut field, mut check_value) = (Lookup::MatchKey, None, None);
    for (a, v) in attrs {
        if a.eq_ignore_ascii_case("lookup") {
            let Some(l) = list_lookup(&v) else {
                cx.error(el, invalid);
                cx.error(el, format!("List match lookup=\"{v}\" is not valid."));
                return Flow::Fail;
            };
            lookup = l;
        } else if a.eq_ignore_ascii_case("field") {
            field = Some(list_field(&v));
        } else if a.eq_ignore_ascii_case("check_value") {
            match Expression::compile_without_captures(Engine::OsMatch, &v) {
                Ok(e) => check_value = Some(e),
                Err(e) => {
                    cx.error(el, invalid);
                    cx.error(el, format!("(1450): Syntax error on regex: '{v}': {e}."));
                    return Flow::Fail;
                }
            }
        } else {
            cx.error(el, format!("List field=\"{v}\" is not valid"));
            cx.error(el, invalid);
            return Flow::Fail;
        }
    }
    let Some(field) = field else {
        cx.error(el, "List requires the field=\"\" attribute".to_string());
        cx.error(el, invalid);
        return Flow::Fail;
    };
    let Some(list) = env.lists.find(content) else {
        cx.warn(
            el,
            format!(
                "(7616): List '{content}' could not be loaded. Rule '{}' will be ignored.",
                def.id
            ),
        );
        return Flow::Skip;
    };
    def.lists.push(ListCond {
        field,
        list,
        path: content.to_string(),
        lookup,
        check_value,
    });
    Flow::Next
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
