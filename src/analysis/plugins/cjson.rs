//! The parts of cJSON the JSON decoder relies on: `cJSON_ParseWithOpts` without the
//! null-terminated requirement, and `cJSON_Print` (docs/analysis-decoders.md "JSON").
//!
//! Hand-written rather than serde_json because the daemon's results depend on cJSON's
//! own behaviour: strings are bytes (a Latin-1 or otherwise invalid UTF-8 string is
//! taken as is, which serde_json refuses), duplicate keys are all kept in order,
//! trailing text after the value is accepted, numbers keep cJSON's `valueint`
//! saturation and 63-byte copy, `\u` escapes with bad hex give a NUL, and arrays are
//! printed with cJSON's layout (`, ` between items, tabs and newlines in objects,
//! `%1.15g` numbers).

use std::borrow::Cow;

/// A parsed value (`cJSON`). Strings and keys are cut at their first NUL, as every
/// C consumer sees them; one without escapes borrows the input.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value<'a> {
    Null,
    False,
    True,
    /// `valuedouble` and `valueint` (saturated to `i32`).
    Number(f64, i32),
    String(Cow<'a, [u8]>),
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, [u8]>, Value<'a>)>),
}

/// `CJSON_NESTING_LIMIT`.
const NESTING_LIMIT: usize = 1000;

/// Parses the value at the start of `input` (after whitespace and a UTF-8 BOM);
/// whatever follows it is ignored. `None` when the text is not JSON. The decoder
/// walks objects with [`flatten`]; this tree is what tests compare it with.
#[cfg(test)]
pub(super) fn parse(input: &[u8]) -> Option<Value<'_>> {
    Parser::at_value(input).value()
}

/// Parses the object at the start of `input` as [`parse`] does, and hands each member
/// that is not an object to `leaf`, in order, under its dotted key (`a.b` for member
/// `b` of member `a`): the walk of `readJSON` without the tree (arrays still come
/// whole, as values). Nothing is handed when the value is not an object. `None` when
/// the text is not JSON: members already handed were then handed for nothing, as
/// `cJSON_Parse` would have returned no tree.
pub(super) fn flatten<'a>(input: &'a [u8], mut leaf: impl FnMut(&[u8], Value<'a>)) -> Option<()> {
    let mut p = Parser::at_value(input);
    if p.at(0) != b'{' {
        return Some(());
    }
    p.flatten_object(&mut Vec::new(), false, &mut leaf)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    /// A parser of the C string `input`, at its value: after a UTF-8 BOM and the
    /// bytes up to 32 before it.
    fn at_value(input: &'a [u8]) -> Parser<'a> {
        let input = super::c_str(input);
        let mut p = Parser {
            s: input,
            pos: 0,
            depth: 0,
        };
        if input.starts_with(b"\xEF\xBB\xBF") {
            p.pos = 3;
        }
        p.skip_ws();
        p
    }

    fn at(&self, i: usize) -> u8 {
        self.s.get(self.pos + i).copied().unwrap_or(0)
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos] <= 32 {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<Value<'a>> {
        let rest = &self.s[self.pos.min(self.s.len())..];
        for (word, v) in [
            (&b"null"[..], Value::Null),
            (b"false", Value::False),
            (b"true", Value::True),
        ] {
            if rest.starts_with(word) {
                self.pos += word.len();
                return Some(v);
            }
        }
        match self.at(0) {
            b'"' => self.string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' => self.nested(Self::array),
            b'{' => self.nested(Self::object),
            _ => None,
        }
    }

    /// `f` one nesting level down; None past `CJSON_NESTING_LIMIT`.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= NESTING_LIMIT {
            return None;
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    /// `parse_number`: up to 63 bytes of `0-9 + - e E .`, then the longest prefix
    /// `strtod` reads.
    fn number(&mut self) -> Option<Value<'a>> {
        let rest = &self.s[self.pos..];
        let len = rest
            .iter()
            .take(63)
            .take_while(|b| matches!(b, b'0'..=b'9' | b'+' | b'-' | b'e' | b'E' | b'.'))
            .count();
        let (n, used) = strtod(&rest[..len])?;
        self.pos += used;
        let int = if n >= f64::from(i32::MAX) {
            i32::MAX
        } else if n <= f64::from(i32::MIN) {
            i32::MIN
        } else {
            n as i32
        };
        Some(Value::Number(n, int))
    }

    /// `parse_string`, the opening quote at `pos`: first the end (the first quote
    /// not after a backslash; the byte after a backslash is skipped), then the
    /// escapes up to it.
    fn string(&mut self) -> Option<Cow<'a, [u8]>> {
        let start = self.pos + 1;
        let mut end = start;
        let mut escaped = false;
        loop {
            let at = end + memchr::memchr2(b'"', b'\\', self.s.get(end..)?)?;
            if self.s[at] == b'"' {
                end = at;
                break;
            }
            escaped = true;
            end = at + 2;
        }
        if !escaped {
            // Most keys and values: the bytes as they are (the input has no NUL).
            self.pos = end + 1;
            return Some(Cow::Borrowed(&self.s[start..end]));
        }
        let mut out = Vec::with_capacity(end - start);
        let mut i = start;
        // The input holds no NUL (it is cut at the first): only `\u0000` makes one.
        let mut unicode = false;
        while i < end {
            let plain = memchr::memchr(b'\\', &self.s[i..end]).unwrap_or(end - i);
            out.extend_from_slice(&self.s[i..i + plain]);
            i += plain;
            if i >= end {
                break;
            }
            let c = self.s.get(i + 1).copied().unwrap_or(0);
            let simple = match c {
                b'b' => Some(8),
                b'f' => Some(12),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'"' | b'\\' | b'/' => Some(c),
                b'u' => None,
                _ => return None,
            };
            match simple {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => {
                    unicode = true;
                    i += utf16_escape(&self.s[i..end], &mut out)?;
                }
            }
        }
        self.pos = end + 1;
        if let Some(nul) = memchr::memchr(0, &out).filter(|_| unicode) {
            out.truncate(nul);
        }
        Some(Cow::Owned(out))
    }

    fn array(&mut self) -> Option<Value<'a>> {
        self.pos += 1;
        self.skip_ws();
        let mut items = Vec::new();
        if self.at(0) == b']' {
            self.pos += 1;
            return Some(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            if self.at(0) != b',' {
                break;
            }
            self.pos += 1;
        }
        if self.at(0) != b']' {
            return None;
        }
        self.pos += 1;
        Some(Value::Array(items))
    }

    /// [`Parser::object`] handing its members to `leaf` (see [`flatten`]); `key` is
    /// the object's dotted key (`nested`: it is not the top level).
    fn flatten_object(
        &mut self,
        key: &mut Vec<u8>,
        nested: bool,
        leaf: &mut impl FnMut(&[u8], Value<'a>),
    ) -> Option<()> {
        let base = key.len();
        self.nested(|p| {
            p.members(|p, name| {
                key.truncate(base);
                if nested {
                    key.push(b'.');
                }
                key.extend_from_slice(&name);
                if p.at(0) == b'{' {
                    p.flatten_object(key, true, leaf)
                } else {
                    let value = p.value()?;
                    leaf(key, value);
                    Some(())
                }
            })
        })?;
        key.truncate(base);
        Some(())
    }

    fn object(&mut self) -> Option<Value<'a>> {
        let mut items = Vec::new();
        self.members(|p, key| {
            items.push((key, p.value()?));
            Some(())
        })?;
        Some(Value::Object(items))
    }

    /// `parse_object` from its `{` at `pos`: each member's key to `member`, with
    /// `pos` at the member's value, which `member` reads.
    fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, [u8]>) -> Option<()>,
    ) -> Option<()> {
        self.pos += 1;
        self.skip_ws();
        if self.at(0) == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.skip_ws();
            if self.at(0) != b'"' {
                return None;
            }
            let key = self.string()?;
            self.skip_ws();
            if self.at(0) != b':' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            member(self, key)?;
            self.skip_ws();
            if self.at(0) != b',' {
                break;
            }
            self.pos += 1;
        }
        if self.at(0) != b'}' {
            return None;
        }
        self.pos += 1;
        Some(())
    }
}

/// `parse_hex4`: four hex digits, or 0 when one is not hex.
fn hex4(s: &[u8]) -> u32 {
    let mut h = 0;
    for &b in s.iter().take(4) {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return 0,
        };
        h = (h << 4) | u32::from(d);
    }
    h
}

/// `utf16_literal_to_utf8`: `s` starts at `\u` and ends before the closing quote;
/// returns the bytes consumed, or `None` for a bad sequence.
fn utf16_escape(s: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    if s.len() < 6 {
        return None;
    }
    let first = hex4(&s[2..6]);
    if (0xDC00..=0xDFFF).contains(&first) {
        return None;
    }
    let (code, used) = if (0xD800..=0xDBFF).contains(&first) {
        if s.len() < 12 || s[6] != b'\\' || s[7] != b'u' {
            return None;
        }
        let second = hex4(&s[8..12]);
        if !(0xDC00..=0xDFFF).contains(&second) {
            return None;
        }
        (0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF)), 12)
    } else {
        (first, 6)
    };
    let mut buf = [0u8; 4];
    let c = char::from_u32(code)?;
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    Some(used)
}

/// The longest prefix of `s` that C's `strtod` reads as a decimal number.
fn strtod(s: &[u8]) -> Option<(f64, usize)> {
    let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let digits = |s: &[u8], i: usize| s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let int = digits(s, i);
    i += int;
    let mut frac = 0;
    if s.get(i) == Some(&b'.') {
        frac = digits(s, i + 1);
        if int + frac > 0 {
            i += 1 + frac;
        }
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(s.get(i + 1), Some(b'+' | b'-')));
        let exp = digits(s, i + 1 + sign);
        if exp > 0 {
            i += 1 + sign + exp;
        }
    }
    let text = std::str::from_utf8(&s[..i]).ok()?;
    text.parse::<f64>().ok().map(|n| (n, i))
}

/// `cJSON_Print`: the formatted text of a value.
pub(super) fn print(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    print_value(v, 0, &mut out);
    out
}

fn print_value(v: &Value, depth: usize, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::False => out.extend_from_slice(b"false"),
        Value::True => out.extend_from_slice(b"true"),
        Value::Number(d, _) => out.extend_from_slice(print_number(*d).as_bytes()),
        Value::String(s) => print_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                print_value(item, depth + 1, out);
            }
            out.push(b']');
        }
        Value::Object(items) => {
            out.extend_from_slice(b"{\n");
            for (i, (key, item)) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",\n");
                }
                out.extend(std::iter::repeat_n(b'\t', depth + 1));
                print_string(key, out);
                out.extend_from_slice(b":\t");
                print_value(item, depth + 1, out);
            }
            if !items.is_empty() {
                out.push(b'\n');
            }
            out.extend(std::iter::repeat_n(b'\t', depth));
            out.push(b'}');
        }
    }
}

/// `print_string_ptr`: `"` and `\` escaped, control bytes as `\b \f \n \r \t` or
/// `\u00xx`; every other byte as is.
fn print_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            8 => out.extend_from_slice(b"\\b"),
            12 => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 32 => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            c => out.push(c),
        }
    }
    out.push(b'"');
}

/// `print_number`: `null` for inf/nan, else `%1.15g` when it reads back within
/// `DBL_EPSILON` (cJSON's `compare_double`), otherwise `%1.17g`.
fn print_number(d: f64) -> String {
    if !d.is_finite() {
        return "null".into();
    }
    let short = format_g(d, 15);
    let back: f64 = short.parse().unwrap_or(f64::NAN);
    let max = d.abs().max(back.abs());
    if (back - d).abs() <= max * f64::EPSILON {
        short
    } else {
        format_g(d, 17)
    }
}

/// C's `%1.<precision>g`.
pub(super) fn format_g(x: f64, precision: usize) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{:.*e}", precision - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let p = i32::try_from(precision).unwrap_or(17);
    if exp < -4 || exp >= p {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = usize::try_from(p - 1 - exp).unwrap_or(0);
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g_as_c_prints_it() {
        assert_eq!(format_g(0.1, 15), "0.1");
        assert_eq!(format_g(1e20, 15), "1e+20");
        assert_eq!(format_g(3e9, 15), "3000000000");
        assert_eq!(format_g(1e-7, 15), "1e-07");
        assert_eq!(format_g(-1.5e300, 15), "-1.5e+300");
        assert_eq!(format_g(123456789012.0, 15), "123456789012");
        assert_eq!(format_g(0.30000000000000004, 17), "0.30000000000000004");
    }

    #[test]
    fn parse_keeps_bytes_duplicates_and_ignores_trailing_text() {
        let v = parse(b" {\"a\":\"\xe9\",\"a\":1} tail").expect("json");
        assert_eq!(
            v,
            Value::Object(vec![
                (b"a"[..].into(), Value::String(vec![0xe9].into())),
                (b"a"[..].into(), Value::Number(1.0, 1)),
            ])
        );
        assert_eq!(parse(b"{\"a\":1,}"), None);
        assert_eq!(parse(b"{\"a\":01x}"), None);
        assert_eq!(parse(b"[1,]"), None);
        assert_eq!(parse(b"\"\\ud800\""), None);
        assert_eq!(parse(b"\"\\u00zzab\""), Some(Value::String(vec![].into())));
        assert_eq!(parse(b"nullx"), Some(Value::Null));
    }

    /// The members of a parsed tree as `readJSON` walks them: what [`flatten`]
    /// must hand over without building the tree.
    fn walk<'a>(
        items: &[(Cow<'a, [u8]>, Value<'a>)],
        key: Option<&[u8]>,
        out: &mut Vec<(Vec<u8>, Value<'a>)>,
    ) {
        for (name, value) in items {
            let mut k = Vec::new();
            if let Some(key) = key {
                k.extend_from_slice(key);
                k.push(b'.');
            }
            k.extend_from_slice(name);
            match value {
                Value::Object(inner) => walk(inner, Some(&k), out),
                v => out.push((k, v.clone())),
            }
        }
    }

    fn flattened(input: &[u8]) -> Option<Vec<(Vec<u8>, Value<'_>)>> {
        let mut out = Vec::new();
        flatten(input, |k, v| out.push((k.to_vec(), v)))?;
        Some(out)
    }

    #[test]
    fn flatten_hands_over_the_members_in_order_under_dotted_keys() {
        let got = flattened(b" {\"a\":{\"b\":1,\"c\":{}},\"a\":[{\"x\":1}],\"d\":null} x");
        assert_eq!(
            got,
            Some(vec![
                (b"a.b".to_vec(), Value::Number(1.0, 1)),
                (
                    b"a".to_vec(),
                    Value::Array(vec![Value::Object(vec![(
                        b"x"[..].into(),
                        Value::Number(1.0, 1)
                    )])])
                ),
                (b"d".to_vec(), Value::Null),
            ])
        );
        assert_eq!(flattened(b"{\"a\":1,}"), None);
        assert_eq!(flattened(b"[1,]"), Some(vec![]));
        assert_eq!(flattened(b"\"x\""), Some(vec![]));
        let deep = |n: usize| format!("{}{}", "{\"a\":".repeat(n - 1) + "{", "}".repeat(n));
        assert_eq!(flattened(deep(1000).as_bytes()), Some(vec![]));
        assert_eq!(flattened(deep(1001).as_bytes()), None);
    }

    /// JSON texts of scalars, arrays and objects (keys repeat), nested a few levels.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = proptest::sample::select(vec![
            "1",
            "-2.5e3",
            "null",
            "true",
            "false",
            "\"a\"",
            "\"b\\\"c\"",
            "\"\\u0041\"",
            "\"\u{e9}\"",
        ])
        .prop_map(str::to_string);
        leaf.prop_recursive(4, 32, 4, |inner| {
            let key = proptest::sample::select(vec!["a", "b", "a.b", ""]);
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                proptest::collection::vec((key, inner), 0..4).prop_map(|members| {
                    let members: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\": {v}"))
                        .collect();
                    format!("{{{}}}", members.join(", "))
                }),
            ]
        })
    }

    proptest::proptest! {
        /// On JSON texts, whole or cut anywhere, `flatten` fails exactly when the
        /// parse does, and otherwise hands over what the tree walk finds.
        #[test]
        fn flatten_agrees_with_the_tree(text in json_text(), cut in 0usize..200) {
            let text = text.as_bytes();
            let text = &text[..text.len().min(cut)];
            let tree = parse(text);
            let want = match &tree {
                None => None,
                Some(Value::Object(items)) => {
                    let mut out = Vec::new();
                    walk(items, None, &mut out);
                    Some(out)
                }
                Some(_) => Some(Vec::new()),
            };
            // A text that is not an object is not walked at all, so whether it
            // parses makes no difference.
            if text.first() != Some(&b'{') {
                proptest::prop_assert_eq!(flattened(text), Some(Vec::new()));
            } else {
                proptest::prop_assert_eq!(flattened(text), want);
            }
        }
    }

    #[test]
    fn nesting_is_limited_to_1000() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(deep(1000).as_bytes()).is_some());
        assert!(parse(deep(1001).as_bytes()).is_none());
    }
}
