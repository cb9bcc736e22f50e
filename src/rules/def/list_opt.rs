//! `<list>` of a rule (`Rules_OP_ReadRules` in `src/analysisd/rules.c`;
//! docs/analysis-rules.md "Options"): lookup, field and check_value attributes, and
//! the list the path names.

use super::file::Cx;
use super::options::Flow;
use super::{ListCond, ListField, RuleDef, RuleEnv};
use crate::pattern::{Engine, Expression};
use crate::rules::codes;
use crate::rules::fields::StaticField;
use crate::rules::lists::Lookup;
use crate::xml::ElementId;

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

pub(super) fn read_list(
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
                    cx.error_as(
                        &codes::BAD_REGEX,
                        el,
                        format!("(1450): Syntax error on regex: '{v}': {e}."),
                    );
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
