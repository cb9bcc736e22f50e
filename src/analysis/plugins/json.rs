//! `JSON_Decoder` (`src/analysisd/decoders/plugins/json_decoder.c`, `readJSON`,
//! `fillData`; docs/analysis-decoders.md "JSON").

use super::Offsets;
use super::cjson::{self, Value};
use crate::analysis::event::{Event, StaticField};
use crate::rules::decoders::{Decoder, JsonArray, JsonNull, ORDER_SIZE, Offset};

/// `OS_MAXSTR`: the csv text buffer.
const MAX_STR: usize = 65536;

/// Decodes the JSON object at the decoder's plugin offset into fields. `info` is the
/// event's `decoder_info`: its offset and flags are the ones used.
pub(super) fn decode(info: &Decoder, event: &mut Event, offsets: Offsets) {
    let start = match info.plugin_offset {
        Offset::None => Some(0),
        Offset::AfterParent => offsets.after_parent,
        Offset::AfterPrematch => offsets.after_prematch,
        Offset::AfterRegex => None,
    };
    // The parsed strings borrow `log` while the fields are filled (which leave
    // `log` alone).
    let log = std::mem::take(&mut event.log);
    if let Some(input) = start.and_then(|s| log.get(s..)) {
        // The names and values are about as long as the text they come from: one
        // allocation instead of a series of doublings.
        event.dynamic.reserve(input.len() / 32, input.len());
        let dynamic = event.dynamic.len();
        let mut replaced = Vec::new();
        let parsed = cjson::flatten(input, |key, value| {
            read_value(info, key, &value, event, &mut replaced);
        });
        if parsed.is_none() {
            // Not JSON after all: the daemon fills nothing from a text cJSON refuses.
            event.dynamic.truncate(dynamic);
            for (slot, old) in replaced.into_iter().rev() {
                event.replace(slot, old);
            }
        }
    }
    event.log = log;
}

/// `readJSON` on one member that is not an object, under its dotted `key`. The
/// static fields it overwrites go to `replaced` with their former values.
fn read_value(
    info: &Decoder,
    key: &[u8],
    value: &Value,
    event: &mut Event,
    replaced: &mut Vec<(StaticField, Option<Vec<u8>>)>,
) {
    let mut fill = |value: &[u8]| fill(event, key, value, replaced);
    match value {
        Value::String(s) => fill(s),
        Value::Number(d, i) => fill(number(*d, *i).as_bytes()),
        Value::Array(list) => {
            let text = match info.json_array {
                JsonArray::Csv => csv(list),
                JsonArray::Array => cjson::print(value),
            };
            if !text.is_empty() {
                fill(&text);
            }
        }
        Value::Null => {
            if info.json_null == JsonNull::String {
                fill(b"null");
            }
        }
        Value::True => fill(b"true"),
        Value::False => fill(b"false"),
        // `flatten` walks into objects itself.
        Value::Object(_) => {}
    }
}

/// A number as `readJSON` prints it: `%i` when `valueint` equals the value, else
/// `%f`, in a 64-byte buffer.
fn number(d: f64, i: i32) -> String {
    let mut s = if f64::from(i) == d {
        i.to_string()
    } else {
        format!("{d:.6}")
    };
    s.truncate(63);
    s
}

/// The csv form of an array: scalars joined with `,` (a comma follows every scalar
/// that is not the last item, so nested items may leave a trailing comma).
fn csv(list: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    // The daemon's length counter: a number longer than 63 bytes advances it by its
    // full length although only 63 bytes are copied, which ends the visible text.
    let mut n = 0usize;
    let mut visible = true;
    for (k, item) in list.iter().enumerate() {
        let (text, z) = match item {
            Value::String(s) => (s.to_vec(), s.len()),
            Value::Number(d, i) => {
                let full = if f64::from(*i) == *d {
                    i.to_string()
                } else {
                    format!("{d:.6}")
                };
                let z = full.len();
                let mut t = full.into_bytes();
                t.truncate(63);
                (t, z)
            }
            Value::Null => (b"null".to_vec(), 4),
            Value::True => (b"true".to_vec(), 4),
            Value::False => (b"false".to_vec(), 5),
            Value::Array(_) | Value::Object(_) => continue,
        };
        if n + z >= MAX_STR {
            return Vec::new();
        }
        if visible {
            out.extend_from_slice(&text);
            visible = text.len() == z;
        }
        n += z;
        if n + 1 >= MAX_STR {
            return Vec::new();
        }
        if k + 1 < list.len() {
            if visible {
                out.push(b',');
            }
            n += 1;
        }
    }
    out
}

/// The static slots `fillData` knows, by full key.
fn static_slot(key: &[u8]) -> Option<StaticField> {
    Some(match key {
        b"srcip" => StaticField::SrcIp,
        b"dstip" => StaticField::DstIp,
        b"dstport" => StaticField::DstPort,
        b"srcport" => StaticField::SrcPort,
        b"protocol" => StaticField::Protocol,
        b"action" => StaticField::Action,
        b"srcuser" => StaticField::SrcUser,
        b"dstuser" => StaticField::DstUser,
        b"id" => StaticField::Id,
        b"status" => StaticField::Status,
        b"url" => StaticField::Url,
        b"data" => StaticField::Data,
        b"extra_data" => StaticField::ExtraData,
        b"systemname" => StaticField::SystemName,
        _ => return None,
    })
}

/// `fillData`: a static slot by full key (`user` is dstuser while dstuser is unset
/// or empty), else a dynamic field while fewer than 256 exist.
/// The static field overwritten goes to `replaced` with its former value.
fn fill(
    event: &mut Event,
    key: &[u8],
    value: &[u8],
    replaced: &mut Vec<(StaticField, Option<Vec<u8>>)>,
) {
    let slot = static_slot(key).or_else(|| {
        (key == b"user" && event.get(StaticField::DstUser).is_none_or(<[u8]>::is_empty))
            .then_some(StaticField::DstUser)
    });
    if let Some(slot) = slot {
        let old = event.replace(slot, Some(value.to_vec()));
        replaced.push((slot, old));
        return;
    }
    if event.dynamic.len() < ORDER_SIZE {
        event.dynamic.push(key, value);
    }
}
