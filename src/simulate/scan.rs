//! A scanner for alerts.json lines that reads `rule.id`, `agent.id`, `data.srcip` and
//! `data.dstuser` and skips everything else without decoding it.
//!
//! serde_json decodes and UTF-8-checks every key and string it meets, even for
//! ignored fields; alert lines are mostly text the simulator never looks at
//! (`full_log`, decoded fields), so skipping them by structure is several times
//! faster. The structure is checked (objects, arrays, strings and escapes must be
//! well-formed, members separated by commas); the four fields read are decoded
//! exactly, escapes included (by serde_json). Scalars that are skipped are not
//! checked character by character.

use std::borrow::Cow;

/// The fields replay needs from one alert.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct AlertFields<'a> {
    /// `rule.id` (a string in alerts.json, a number accepted too).
    pub(super) rule_id: Option<u32>,
    /// `agent.id`.
    pub(super) agent_id: Option<Cow<'a, str>>,
    /// `data.srcip`.
    pub(super) srcip: Option<Cow<'a, str>>,
    /// `data.dstuser`.
    pub(super) dstuser: Option<Cow<'a, str>>,
}

/// Reads one line; `None` when it is not a well-formed JSON object.
pub(super) fn scan(line: &[u8]) -> Option<AlertFields<'_>> {
    let mut s = Scanner {
        b: line,
        i: 0,
        depth: 0,
    };
    let mut out = AlertFields::default();
    s.object(|s, key| match key {
        b"rule" => s.nested(|s, k| {
            if k == b"id" {
                out.rule_id = s.id();
                return Some(());
            }
            s.skip_value()
        }),
        b"agent" => s.nested(|s, k| match k {
            b"id" => s.string_field(&mut out.agent_id),
            _ => s.skip_value(),
        }),
        b"data" => s.nested(|s, k| match k {
            b"srcip" => s.string_field(&mut out.srcip),
            b"dstuser" => s.string_field(&mut out.dstuser),
            _ => s.skip_value(),
        }),
        _ => s.skip_value(),
    })?;
    s.ws();
    (s.i == s.b.len()).then_some(out)
}

/// Deepest nesting of objects and arrays read: deeper lines are not alerts. Wazuh's
/// JSON (cJSON) refuses more than 1000 levels (`CJSON_NESTING_LIMIT`), so no alert it
/// wrote is deeper; the scanner recurses per level, and a line nested 70,000 deep
/// would overflow the stack (docs/limits.md).
const MAX_DEPTH: usize = 1024;

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    /// Objects and arrays open around the position.
    depth: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// The raw bytes of a string (escapes kept), the scanner after its closing quote.
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let rest = self.b.get(self.i..)?;
            let at = quote_or_backslash(rest)?;
            self.i += at;
            if self.b[self.i] == b'"' {
                self.i += 1;
                return Some(&self.b[start..self.i - 1]);
            }
            self.i += 2;
        }
    }

    /// Reads a string value into `slot` (decoded; `null` reads as absent). `None`:
    /// the line is malformed.
    fn string_field(&mut self, slot: &mut Option<Cow<'a, str>>) -> Option<()> {
        self.ws();
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            *slot = None;
            return Some(());
        }
        let start = self.i;
        let raw = self.raw_string()?;
        *slot = Some(if raw.contains(&b'\\') {
            Cow::Owned(serde_json::from_slice(&self.b[start..self.i]).ok()?)
        } else {
            Cow::Borrowed(std::str::from_utf8(raw).ok()?)
        });
        Some(())
    }

    /// `rule.id`: `"5712"` or `5712`; anything else reads as no id.
    fn id(&mut self) -> Option<u32> {
        self.ws();
        if self.peek() == Some(b'"') {
            let raw = self.raw_string()?;
            return std::str::from_utf8(raw).ok()?.parse().ok();
        }
        let start = self.i;
        self.skip_value()?;
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Runs `inside` one nesting level deeper; `None` past [`MAX_DEPTH`].
    fn deeper(&mut self, inside: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = inside(self);
        self.depth -= 1;
        out
    }

    /// An object, calling `member` with each key; `member` consumes the value.
    fn object(&mut self, member: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.deeper(|s| s.object_body(member))
    }

    fn object_body(
        &mut self,
        mut member: impl FnMut(&mut Self, &[u8]) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.raw_string()?;
            self.eat(b':')?;
            member(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A member whose value should be an object: read it with `member`, or skip a
    /// value of another kind.
    fn nested(&mut self, member: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.ws();
        if self.peek() == Some(b'{') {
            self.object(member)
        } else {
            self.skip_value()
        }
    }

    /// Skips any value: strings and nested brackets by structure, scalars up to the
    /// next delimiter.
    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.raw_string().map(|_| ()),
            b'{' => self.object(|s, _| s.skip_value()),
            b'[' => self.array(),
            _ => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                (self.i > start).then_some(())
            }
        }
    }

    fn array(&mut self) -> Option<()> {
        self.deeper(Self::array_body)
    }

    fn array_body(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.skip_value()?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The first `"` or `\\` in `b` (string bodies are most of an alert line).
fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    find_either(b, b'"', b'\\')
}

/// The first newline in `b`.
pub(super) fn newline(b: &[u8]) -> Option<usize> {
    find_either(b, b'\n', b'\n')
}

/// The first byte equal to `c1` or `c2`, eight bytes at a time.
fn find_either(b: &[u8], c1: u8, c2: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero ⇔ the matching byte of the result has its high bit set
    // (the classic "has zero byte" test; exact for the first zero byte).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (m1, m2) = (ONES * u64::from(c1), ONES * u64::from(c2));
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let hits = zero(x ^ m1) | zero(x ^ m2);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == c1 || c == c2)
        .map(|p| at + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rule id, agent id, srcip, dstuser.
    type Fields = (Option<u32>, Option<String>, Option<String>, Option<String>);

    fn fields(line: &str) -> Option<Fields> {
        scan(line.as_bytes()).map(|f| {
            (
                f.rule_id,
                f.agent_id.map(Cow::into_owned),
                f.srcip.map(Cow::into_owned),
                f.dstuser.map(Cow::into_owned),
            )
        })
    }

    #[test]
    fn reads_the_four_fields_and_skips_the_rest() {
        let line = r#"{"timestamp":"t","rule":{"level":10,"groups":["a","b"],"id":"5712","x":{"y":[1,{"z":"}"}]}},"agent":{"id":"003","name":"n"},"full_log":"a \"quoted\" } ] text","data":{"srcip":"1.2.3.4","dstuser":"b\u00f6b"},"location":"/var/log/secure"}"#;
        assert_eq!(
            fields(line),
            Some((
                Some(5712),
                Some("003".into()),
                Some("1.2.3.4".into()),
                Some("böb".into())
            ))
        );
    }

    #[test]
    fn numbers_nulls_and_absent_fields() {
        assert_eq!(
            fields(r#"{"rule":{"id":31151}}"#),
            Some((Some(31151), None, None, None))
        );
        assert_eq!(
            fields(r#"{"rule":{"id":"x"},"data":{"srcip":null}}"#),
            Some((None, None, None, None))
        );
        assert_eq!(fields(r#" { } "#), Some((None, None, None, None)));
        assert_eq!(fields(r#"{"rule":"5712"}"#), Some((None, None, None, None)));
    }

    #[test]
    fn word_search_finds_the_first_quote_or_backslash() {
        let text = b"abcdefghij\\klmnop\"qrstuvwxyz";
        for start in 0..text.len() {
            let slow = text[start..].iter().position(|&c| c == b'"' || c == b'\\');
            assert_eq!(quote_or_backslash(&text[start..]), slow, "from {start}");
        }
        assert_eq!(quote_or_backslash(b"no special bytes here at all"), None);
        assert_eq!(quote_or_backslash("é\"".as_bytes()), Some(2));
    }

    #[test]
    fn malformed_lines_are_refused() {
        for bad in [
            "{not json",
            "[1,2]",
            r#"{"rule":{"id":"1"}"#,
            r#"{"rule":{"id":"1"}} trailing"#,
            r#"{"a":"unterminated}"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
            "",
        ] {
            assert_eq!(fields(bad), None, "{bad}");
        }
    }

    /// A line nested 70,000 deep overflowed the stack (issue: exit 134); 1,024
    /// levels are read, one more is not an alert.
    #[test]
    fn nesting_is_bounded() {
        let nest = |n: usize, open: &str, close: &str| {
            format!(
                "{{\"rule\":{{\"id\":\"1\"}},\"x\":{}{}}}",
                open.repeat(n),
                close.repeat(n)
            )
        };
        // The root object is one level: 1,023 more arrays reach the limit.
        assert!(fields(&nest(1023, "[", "]")).is_some());
        assert_eq!(fields(&nest(1024, "[", "]")), None);
        assert_eq!(fields(&nest(70_000, "[", "]")), None);
        assert_eq!(fields(&nest(70_000, "{\"a\":", "}")), None);
    }
}
