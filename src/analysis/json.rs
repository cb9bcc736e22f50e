//! An ordered JSON value for the logtest output: Wazuh builds its reply with cJSON,
//! whose objects keep insertion order, and `serde_json`'s map sorts keys unless a
//! crate-wide feature changes every other output of the program. This small type
//! keeps the daemon's order for this one output.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep insertion order. Its strings borrow from the
/// event, the rule and the names they are built from where they can: one is built
/// per event, so copies would cost more than the matching.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An array.
    Arr(Vec<Json<'a>>),
    /// An object, in insertion order.
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
    /// A value parsed from the event (`W_JSON_AddField` inserts a value that starts
    /// with `[` and parses as JSON as JSON).
    Raw(serde_json::Value),
}

impl<'a> Json<'a> {
    /// An empty object.
    pub fn obj() -> Json<'a> {
        Json::Obj(Vec::new())
    }

    /// A string value.
    pub fn str(value: impl Into<Cow<'a, str>>) -> Json<'a> {
        Json::Str(value.into())
    }

    /// Appends `key` to an object (no effect on other values).
    pub fn push(&mut self, key: impl Into<Cow<'a, str>>, value: Json<'a>) {
        if let Json::Obj(items) = self {
            items.push((key.into(), value));
        }
    }

    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(items) => items.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of `key` in an object, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json<'a>> {
        match self {
            Json::Obj(items) => items.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether this is an object with no members.
    pub fn is_empty_obj(&self) -> bool {
        matches!(self, Json::Obj(items) if items.is_empty())
    }

    /// The value as `serde_json` sees it (objects lose their order).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Str(v) => s.serialize_str(v),
            Json::Int(v) => s.serialize_i64(*v),
            Json::Bool(v) => s.serialize_bool(*v),
            Json::Raw(v) => v.serialize(s),
            Json::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(items) => {
                let mut map = s.serialize_map(Some(items.len()))?;
                for (k, v) in items {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl Json<'_> {
    /// The compact JSON text, byte for byte what `serde_json::to_writer` writes
    /// (the same escapes), appended to `out`. Written by hand: the generic
    /// serializer costs a call per token, and this runs for every event.
    pub fn write_compact(&self, out: &mut Vec<u8>) {
        match self {
            Json::Str(v) => write_str(out, v),
            Json::Int(v) => {
                // Writing into a Vec cannot fail.
                let _ = std::io::Write::write_fmt(out, format_args!("{v}"));
            }
            Json::Bool(v) => out.extend_from_slice(if *v { b"true" } else { b"false" }),
            Json::Raw(v) => {
                // Writing into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, v);
            }
            Json::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_compact(out);
                }
                out.push(b']');
            }
            Json::Obj(items) => {
                out.push(b'{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(out, k);
                    out.push(b':');
                    v.write_compact(out);
                }
                out.push(b'}');
            }
        }
    }
}

/// A JSON string as `serde_json` escapes it: `"` and `\\`, the control characters
/// with a short form (`\b \t \n \f \r`), the others as `\u00XX`; nothing else.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Eight bytes at a time: copied whole (a store of a known length, not a
        // call), then cut back to the first that needs an escape, if one does.
        if let Some(chunk) = bytes[i..].first_chunk::<8>() {
            out.extend_from_slice(chunk);
            let marks = escape_marks(u64::from_le_bytes(*chunk));
            if marks == 0 {
                i += 8;
                continue;
            }
            let first = (marks.trailing_zeros() / 8) as usize;
            out.truncate(out.len() - (8 - first));
            escape(out, chunk[first]);
            i += first + 1;
            continue;
        }
        if b < 0x20 || b == b'"' || b == b'\\' {
            escape(out, b);
        } else {
            out.push(b);
        }
        i += 1;
    }
    out.push(b'"');
}

/// The high bit of each of eight bytes that is below 0x20, a quote or a backslash,
/// and maybe of bytes after such a one (the word tests of "Bit Twiddling Hacks",
/// `hasless` and `haszero`, whose lowest mark is always right).
const fn escape_marks(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn less(x: u64, n: u64) -> u64 {
        x.wrapping_sub(ONES * n) & !x & HIGH
    }
    less(x, 0x20) | less(x ^ (ONES * 0x22), 1) | less(x ^ (ONES * 0x5c), 1)
}

fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        b'\t' => out.extend_from_slice(b"\\t"),
        b'\n' => out.extend_from_slice(b"\\n"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\r' => out.extend_from_slice(b"\\r"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

/// Bytes of an event as text: valid UTF-8 as is (borrowed), every other byte as
/// `\xNN` (the daemon prints raw bytes; JSON and terminals need text).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(escaped(bytes)),
    }
}

/// [`text`] of bytes the caller owns.
pub fn text_owned(bytes: Vec<u8>) -> Cow<'static, str> {
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(escaped(e.as_bytes())),
    }
}

fn escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_insertion_order() {
        let mut o = Json::obj();
        o.push("b", Json::Int(1));
        o.push("a", Json::Str("x".into()));
        assert_eq!(
            serde_json::to_string(&o).ok().as_deref(),
            Some(r#"{"b":1,"a":"x"}"#)
        );
    }

    /// The hand-written writer and `serde_json` agree on every escape.
    #[test]
    fn the_compact_writer_is_serde_jsons() {
        let mut o = Json::obj();
        let all: String = (0u8..0x80).map(char::from).collect();
        o.push("all ascii", Json::str(all));
        o.push("k\"\\", Json::str("caf\u{e9} \u{1F600} /"));
        o.push("n", Json::Int(-42));
        o.push("b", Json::Bool(false));
        o.push("raw", Json::Raw(serde_json::json!([1, "x\n", {"a": null}])));
        o.push("arr", Json::Arr(vec![Json::obj(), Json::Arr(Vec::new())]));
        let mut mine = Vec::new();
        o.write_compact(&mut mine);
        let theirs = serde_json::to_vec(&o).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&mine),
            String::from_utf8_lossy(&theirs)
        );
    }

    /// Every byte value at every place of a word, among plain bytes: escaped as
    /// `serde_json` escapes it.
    #[test]
    fn each_byte_is_escaped_wherever_it_falls() {
        for b in 0u8..0x80 {
            for at in 0..20 {
                let mut s = "abcdefghijklmnopqrst".to_string();
                s.replace_range(at..=at, &char::from(b).to_string());
                let mut mine = Vec::new();
                Json::str(s.as_str()).write_compact(&mut mine);
                let theirs = serde_json::to_vec(&s).unwrap_or_default();
                assert_eq!(mine, theirs, "byte {b:#x} at {at}");
            }
        }
    }

    proptest::proptest! {
        /// Escapes close together, in one block of eight and across two.
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in "[a\"\\\\\x00-\x1f é😀/]{0,40}") {
            let mut mine = Vec::new();
            Json::str(s.as_str()).write_compact(&mut mine);
            proptest::prop_assert_eq!(mine, serde_json::to_vec(&s).unwrap_or_default());
        }
    }

    #[test]
    fn invalid_utf8_is_escaped() {
        assert_eq!(text(b"caf\xe9 ok \xc3\xa9"), "caf\\xE9 ok \u{e9}");
    }
}
