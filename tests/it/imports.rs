//! Which top-level modules of the crate a source file refers to, read from its tokens
//! (not by substring): `use crate::{a, b::c}` groups, nested groups, `super::` paths
//! that climb out of a layer, and paths in expressions (`crate::x::f()`), with
//! comments, strings and character literals skipped.

/// A token that matters for paths; everything else is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Open,
    Close,
    Comma,
    /// `;`, `*`, `=`, `(`, `)`, … : anything that ends a path.
    Other,
}

/// Skips a string body after its opening quote; `raw` is the number of `#`s of a
/// raw string (`None` for an ordinary string with escapes). Returns the next index.
fn skip_string(c: &[char], mut i: usize, raw: Option<usize>) -> usize {
    while i < c.len() {
        match (c[i], raw) {
            ('\\', None) => i += 2,
            ('"', None) => return i + 1,
            ('"', Some(n)) if c[i + 1..].iter().take(n).filter(|&&h| h == '#').count() == n => {
                return i + 1 + n;
            }
            _ => i += 1,
        }
    }
    i
}

/// After `/*` at `i`: the index past the matching `*/` (block comments nest).
fn skip_block_comment(c: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < c.len() {
        if c[i] == '/' && c[i + 1] == '*' {
            depth += 1;
            i += 2;
        } else if c[i] == '*' && c[i + 1] == '/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    c.len()
}

/// After a `'` at `i`: past a character literal, or past the quote of a lifetime.
fn skip_quote(c: &[char], i: usize) -> usize {
    if c.get(i + 1) == Some(&'\\') {
        // `'\''`, `'\\'`, `'\n'`, `'\u{…}'`: the escaped character is never the end.
        let mut j = i + 3;
        while j < c.len() && c[j] != '\'' {
            j += 1;
        }
        j + 1
    } else if c.get(i + 2) == Some(&'\'') {
        i + 3
    } else {
        i + 1
    }
}

/// The tokens of Rust source text `src`.
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            i = skip_block_comment(&c, i);
        } else if ch == '"' {
            i = skip_string(&c, i + 1, None);
        } else if ch == '\'' {
            i = skip_quote(&c, i);
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // String prefixes: b"", c"", r"", r#""#, br"", cr#""#; and raw identifiers.
            let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if raw && c.get(i + hashes) == Some(&'"') {
                i = skip_string(&c, i + hashes + 1, Some(hashes));
            } else if matches!(word.as_str(), "b" | "c") && c.get(i) == Some(&'"') {
                i = skip_string(&c, i + 1, None);
            } else if word == "b" && c.get(i) == Some(&'\'') {
                i = skip_quote(&c, i);
            } else if word == "r" && hashes == 1 {
                i += 1; // `r#ident`: the identifier follows the `#`
            } else {
                out.push(Tok::Ident(word));
            }
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else if ch == ':' && next == Some(':') {
            out.push(Tok::Sep);
            i += 2;
        } else {
            out.push(match ch {
                '{' => Tok::Open,
                '}' => Tok::Close,
                ',' => Tok::Comma,
                c if c.is_whitespace() => {
                    i += 1;
                    continue;
                }
                '#' if next == Some('[') || next == Some('!') => {
                    i += 1;
                    continue;
                }
                _ => Tok::Other,
            });
            i += 1;
        }
    }
    out
}

/// The first segments of a use tree at `t[i]` (an identifier, or a `{…}` group whose
/// items each start with one), with the index past it.
fn first_segments(t: &[Tok], i: usize) -> (Vec<String>, usize) {
    match t.get(i) {
        Some(Tok::Ident(name)) => (vec![name.clone()], i + 1),
        Some(Tok::Open) => {
            let mut names = Vec::new();
            let mut j = i + 1;
            let mut item_start = true;
            let mut depth = 0;
            while j < t.len() {
                match &t[j] {
                    Tok::Open => depth += 1,
                    Tok::Close if depth == 0 => return (names, j + 1),
                    Tok::Close => depth -= 1,
                    Tok::Comma if depth == 0 => {
                        item_start = true;
                        j += 1;
                        continue;
                    }
                    Tok::Ident(name) if item_start => names.push(name.clone()),
                    _ => {}
                }
                item_start = false;
                j += 1;
            }
            (names, j)
        }
        _ => (Vec::new(), i),
    }
}

/// The top-level modules of the crate that the file of module path `module` (e.g.
/// `["tui", "popup"]` for `src/tui/popup/mod.rs`) refers to, in order of appearance,
/// with repeats. `self` and the file's own layer are included as they appear.
pub(crate) fn crate_refs(module: &[&str], src: &str) -> Vec<String> {
    let t = tokens(src);
    let mut refs = Vec::new();
    // The inline modules (`mod tests { … }`) around the current token, with the brace
    // depth their body opened at.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < t.len() {
        let after_sep = i > 0 && t[i - 1] == Tok::Sep;
        match &t[i] {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some(Tok::Ident(_)), Some(Tok::Open)) = (t.get(i + 1), t.get(i + 2)) {
                    inline.push(depth);
                }
            }
            Tok::Ident(w) if w == "crate" && !after_sep && t.get(i + 1) == Some(&Tok::Sep) => {
                let (names, next) = first_segments(&t, i + 2);
                refs.extend(names);
                i = next;
                continue;
            }
            Tok::Ident(w) if w == "super" && !after_sep => {
                let mut ups = 0;
                let mut j = i;
                while t.get(j) == Some(&Tok::Ident("super".into()))
                    && t.get(j + 1) == Some(&Tok::Sep)
                {
                    ups += 1;
                    j += 2;
                }
                // Where `super` climbs from: the file's module, then its inline modules.
                let here = module.len() + inline.len();
                if ups > 0 && ups >= here {
                    let (names, next) = first_segments(&t, j);
                    refs.extend(names);
                    i = next;
                    continue;
                } else if let (true, Some(layer)) = (ups > 0, module.first()) {
                    refs.push((*layer).to_string());
                }
                i = j.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

#[test]
fn grouped_nested_and_expression_paths_are_seen() {
    let src = r#"
        use crate::{model::Config, simulate::{fire, bind::Binding}};
        use crate::{
            xml,
            // crate::tui in a comment is not an import
            rules::{self, Rule},
        };
        fn f() { let s = "crate::cli::main"; crate::save::save(); let c = '{'; let q = '\''; }
        fn g<'a>(x: &'a str) -> crate::session::Session { todo!() }
    "#;
    assert_eq!(
        crate_refs(&["validate", "x"], src),
        ["model", "simulate", "xml", "rules", "save", "session"]
    );
}

#[test]
fn super_paths_count_only_when_they_leave_the_layer() {
    let src = "use super::super::tui::App; use super::x; mod tests { use super::super::y; }";
    // From src/cli/edit.rs: `super::super` is the crate root; `super` is `cli`; inside
    // `mod tests`, `super::super` is `cli` again.
    assert_eq!(crate_refs(&["cli", "edit"], src), ["tui", "cli", "cli"]);
}

#[test]
fn raw_strings_and_byte_literals_hide_nothing_real() {
    let src = r####"
        const A: &str = r#"use crate::tui;"#;
        const B: &[u8] = b"crate::cli";
        const C: u8 = b'"';
        use crate::r#model::X;
    "####;
    assert_eq!(crate_refs(&["save"], src), ["model"]);
}
