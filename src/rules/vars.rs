//! The `<var name="X">value</var>` definitions of a rule or decoder file
//! (`OS_ApplyVariables`, `src/os_xml/os_xml_variables.c`; docs/analysis-decoders.md
//! "Variables"): `$X` in element text and attribute values is replaced by the value;
//! names compare case-insensitively and the first definition wins.

use std::borrow::Cow;

use crate::xml::Document;

/// The variables of one file, in document order.
pub(super) struct Vars(Vec<Var>);

struct Var {
    name: String,
    value: String,
    /// Where the definition ends: only text after it sees the variable.
    end: usize,
}

/// The bytes that end a variable name (`os_xml_variables.c`).
const NAME_END: [char; 5] = ['$', '.', '|', ',', ' '];

impl Vars {
    /// Every top-level or nested `<var name=…>` of the document (any case).
    pub(super) fn of(doc: &Document) -> Vars {
        let defs = doc
            .elements()
            .filter(|(id, _)| doc.name(*id).eq_ignore_ascii_case("var"))
            .filter_map(|(id, e)| {
                let name = doc
                    .attrs(id)
                    .iter()
                    .find(|a| doc.text(&a.name).eq_ignore_ascii_case("name"))?;
                Some(Var {
                    name: doc.text(&name.value).to_string(),
                    value: doc.value(id),
                    end: e.span().end,
                })
            })
            .collect();
        Vars(defs)
    }

    /// Replaces each `$NAME` (ended by `$`, `.`, `|`, `,`, a space or the end) that
    /// names a variable. Unknown names are left as written: the rule reader keeps
    /// `$(field)` placeholders of descriptions.
    pub(super) fn apply<'a>(&self, s: &'a str) -> Cow<'a, str> {
        match self.expand(s, usize::MAX, false) {
            Ok(c) => c,
            Err(_) => Cow::Borrowed(s),
        }
    }

    /// `OS_ApplyVariables` exactly, for text at byte offset `at` of the file: only
    /// variables defined before `at` exist; once one exists, an unknown `$NAME` (not
    /// starting with `(`) is an error, and the file is refused. Text of at most 2
    /// bytes is left alone.
    pub(super) fn expand_strict<'a>(&self, s: &'a str, at: usize) -> Result<Cow<'a, str>, String> {
        self.expand(s, at, true)
    }

    fn expand<'a>(&self, s: &'a str, at: usize, strict: bool) -> Result<Cow<'a, str>, String> {
        let known: Vec<&Var> = self.0.iter().filter(|v| v.end <= at).collect();
        if known.is_empty() || s.len() <= 2 || !s.contains('$') {
            return Ok(Cow::Borrowed(s));
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(pos) = rest.find('$') {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            let len = after.find(NAME_END).unwrap_or(after.len());
            let name = &after[..len];
            match known.iter().find(|v| v.name.eq_ignore_ascii_case(name)) {
                Some(v) if !name.is_empty() => out.push_str(&v.value),
                _ if strict && !name.is_empty() && !name.starts_with('(') => {
                    return Err(format!("XMLERR: Unknown variable: '{name}'."));
                }
                _ => {
                    out.push('$');
                    out.push_str(name);
                }
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml;

    #[test]
    fn strict_expansion_sees_only_earlier_variables_and_refuses_unknown_names() {
        let text = "<var name=\"A\">x</var><decoder name=\"$a.b\"/><var name=\"B\">y</var>";
        let doc = xml::parse(text);
        let vars = Vars::of(&doc);
        let at = text.find("<decoder").expect("decoder");
        assert_eq!(vars.expand_strict("$a.b", at).expect("ok"), "x.b");
        assert!(vars.expand_strict("$B,", at).is_err());
        assert_eq!(vars.expand_strict("$(field)", at).expect("ok"), "$(field)");
        assert_eq!(vars.expand_strict("$b", at).expect("short text"), "$b");
        // Before any definition, nothing is replaced and nothing is an error.
        assert_eq!(vars.expand_strict("$zz $a", 0).expect("ok"), "$zz $a");
    }
}
