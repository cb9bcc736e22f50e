//! Files are bytes; the reader and the edits work on text. This is the one lossless
//! bridge between the two (docs/bytes.md): Wazuh's reader takes any byte, so a
//! Latin-1 comment or a stray `0xE9` must open, check, take an edit and save with
//! every byte it did not change kept exactly.
//!
//! Valid UTF-8 is text as it is. Every byte that is not part of valid UTF-8 becomes
//! one character of a reserved range, U+10FF80 to U+10FFFF (Supplementary Private Use
//! Area-B: byte `b` is U+10FF00 + `b`), and [`encode`] turns each such character back
//! into its byte. A file that already holds one of those 128 characters as valid
//! UTF-8 has each of its four bytes mapped the same way, so no byte sequence is read
//! ambiguously: `encode(&decode(b)) == b` for every `b`. Text typed by a user may not
//! hold these characters ([`super::edit::check_text`] refuses them), so an edit never
//! writes a raw byte nobody asked for.
//!
//! All the bytes concerned are 0x80 or above, so the reader, which decides on ASCII
//! bytes only, sees the same tags, names and text boundaries as on the raw file.

use std::borrow::Cow;

/// The first character of the reserved range (byte 0x80).
const FIRST: u32 = 0x10_FF80;
/// Byte `b` is `OFFSET + b`.
const OFFSET: u32 = 0x10_FF00;

/// The raw byte a character of the reserved range stands for.
pub fn raw_byte(c: char) -> Option<u8> {
    let n = u32::from(c);
    (n >= FIRST).then(|| (n - OFFSET) as u8)
}

/// The character that stands for a byte that is not valid UTF-8 (`b >= 0x80`).
fn stand_in(b: u8) -> char {
    char::from_u32(OFFSET + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Does `s` hold a character of the reserved range?
pub fn has_raw_bytes(s: &str) -> bool {
    s.chars().any(|c| raw_byte(c).is_some())
}

/// The text of a file's bytes: borrowed when they are UTF-8 without reserved
/// characters (every ordinary file), else with stand-ins for the other bytes.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes)
        && !has_raw_bytes(s)
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if raw_byte(c).is_some() {
                let mut buf = [0; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(stand_in));
            } else {
                out.push(c);
            }
        }
        out.extend(chunk.invalid().iter().copied().map(stand_in));
    }
    Cow::Owned(out)
}

/// The bytes of a text: each stand-in back to its byte, the rest as UTF-8.
pub fn encode(text: &str) -> Cow<'_, [u8]> {
    if !has_raw_bytes(text) {
        return Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Cow::Owned(out)
}

/// The text for a terminal or for JSON: each stand-in shown as `\xNN`.
pub fn escape_raw(text: &str) -> Cow<'_, str> {
    if !has_raw_bytes(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match raw_byte(c) {
            Some(b) => out.push_str(&format!("\\x{b:02X}")),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// How many bytes of the file the text `s` stands for (a stand-in is one byte).
pub fn file_len(s: &str) -> usize {
    s.len() - 3 * s.chars().filter(|&c| raw_byte(c).is_some()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf8_is_borrowed_and_latin1_round_trips() {
        assert!(matches!(
            decode(b"<a>\xc3\xa9</a>"),
            Cow::Borrowed("<a>é</a>")
        ));
        let latin1 = b"<!-- caf\xe9 -->\n<ossec_config/>\n";
        let text = decode(latin1);
        assert_eq!(text.len(), latin1.len() + 3, "one stand-in of 4 bytes");
        assert!(text.starts_with("<!-- caf") && text.ends_with(" -->\n<ossec_config/>\n"));
        assert_eq!(&*encode(&text), latin1);
        assert_eq!(escape_raw(&text), "<!-- caf\\xE9 -->\n<ossec_config/>\n");
        assert_eq!(file_len(&text), latin1.len());
    }

    #[test]
    fn a_reserved_character_already_in_the_file_is_kept_as_its_bytes() {
        let bytes = "x\u{10FFAB}y".as_bytes();
        let text = decode(bytes);
        assert_eq!(text.chars().count(), 6, "x, four stand-ins, y");
        assert_eq!(&*encode(&text), bytes);
    }

    proptest! {
        #[test]
        fn any_bytes_decode_and_encode_back_unchanged(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let text = decode(&bytes);
            prop_assert_eq!(&*encode(&text), &bytes[..]);
            prop_assert_eq!(file_len(&text), bytes.len());
        }

        #[test]
        fn mostly_utf8_with_reserved_characters_round_trips(s in "[a-z<>/\u{e9}\u{10FF80}-\u{10FFFF}]{0,64}", junk in proptest::collection::vec(128u8.., 0..8)) {
            let mut bytes = s.into_bytes();
            bytes.extend(junk);
            let text = decode(&bytes);
            prop_assert_eq!(&*encode(&text), &bytes[..]);
        }
    }
}
