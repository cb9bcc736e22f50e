//! The context options of a `<rule>`: `if_matched_*`, `check_diff`,
//! `global_frequency`, `if_fts` and the `same_*`/`different_*` family
//! (`Rules_OP_ReadRules` in `src/analysisd/rules.c`; docs/analysis-rules.md
//! "Options").

use super::file::Cx;
use super::options::{Flow, load};
use super::post::Pending;
use super::{RuleDef, field_bits as fb};
use crate::xml::ElementId;

/// The context options and the `same_*`/`different_*` family. Some of these names
/// are compared case-sensitively by the daemon (`strcmp`), the others not.
pub(super) fn read_context(
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
