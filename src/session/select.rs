//! Selectors by content (`response[command=firewall-drop,rules_id=5712]`,
//! `command[name=host-deny]`): the blocks whose every listed field reads, as written,
//! exactly as given. Unlike `response:N`, such a selector keeps naming the same block
//! when others are added or removed, so scripted edits stay idempotent.

use std::fmt;

use crate::model::{BlockKind, Config, Field, Profile, analysisd};

use super::op::{EditError, EditOp, Selector};

/// The block already in `cfg` that an `add` would duplicate: for a command, the one
/// with its name; for a response, the first with the same
/// [`analysisd::Identity`]. `None` for other edits.
pub(super) fn existing(cfg: &Config, op: &EditOp, profile: Profile) -> Option<Selector> {
    let value = |fields: &[(Field, String)], field: Field| {
        fields
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
    };
    match op {
        EditOp::AddCommand(fields) => {
            let name = value(fields, Field::Name)?;
            cfg.command(&name).map(|c| Selector::CommandAt(c.index))
        }
        EditOp::AddResponse(fields) => {
            let wanted = analysisd::identity(profile, |field| {
                fields
                    .iter()
                    .rev()
                    .find(|(f, _)| *f == field)
                    .map(|(_, v)| v.as_str())
            });
            cfg.responses
                .iter()
                .find(|r| r.identity(profile) == wanted)
                .map(|r| Selector::Response(r.index))
        }
        _ => None,
    }
}

/// `KIND[FIELD=VALUE,...]`: which kind of block, and the fields it must have.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// Commands or responses.
    pub kind: BlockKind,
    /// Each field and the value it must read as, in the order given.
    pub fields: Vec<(Field, String)>,
}

/// The fields a [`Pattern`] of this kind may test.
fn pattern_fields(kind: BlockKind) -> &'static [Field] {
    match kind {
        BlockKind::Command => &Field::COMMAND,
        BlockKind::Response => &Field::RESPONSE,
    }
}

impl Pattern {
    /// Parses `response[...]` or `command[...]`; `None` when `s` has neither form
    /// (another selector syntax), `Err` when it has one but is malformed.
    pub(super) fn parse(s: &str) -> Option<Result<Pattern, EditError>> {
        let (kind, rest) = if let Some(r) = s.strip_prefix("response[") {
            (BlockKind::Response, r)
        } else if let Some(r) = s.strip_prefix("command[") {
            (BlockKind::Command, r)
        } else {
            return None;
        };
        let bad = || EditError::BadSelector(s.to_string());
        Some(parse_fields(rest).ok_or_else(bad).and_then(|given| {
            let fields: Vec<(Field, String)> = given
                .into_iter()
                .map(|(f, v)| Some((Field::parse_among(kind, pattern_fields(kind), &f).ok()?, v)))
                .collect::<Option<_>>()
                .ok_or_else(bad)?;
            (!fields.is_empty())
                .then_some(Pattern { kind, fields })
                .ok_or_else(bad)
        }))
    }

    /// The 1-based indexes (among commands, or among responses) of the blocks that
    /// have every listed field with exactly this value, in document order.
    pub fn matches(&self, cfg: &Config) -> Vec<usize> {
        let all = |get: &dyn Fn(Field) -> Option<String>| {
            self.fields
                .iter()
                .all(|(f, v)| get(*f).as_deref() == Some(v.as_str()))
        };
        match self.kind {
            BlockKind::Response => cfg
                .responses
                .iter()
                .filter(|r| all(&|f| r.value(f).map(str::to_string)))
                .map(|r| r.index)
                .collect(),
            BlockKind::Command => cfg
                .commands
                .iter()
                .filter(|c| all(&|f| c.value(f).map(str::to_string)))
                .map(|c| c.index)
                .collect(),
        }
    }
}

/// `FIELD=VALUE,...]` up to the closing bracket, which must end the text. A value in
/// double quotes may hold `,` and `]`; inside quotes `\"` is a quote and `\\` a
/// backslash.
fn parse_fields(rest: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        let mut field = String::new();
        loop {
            match chars.next()? {
                '=' => break,
                c @ ('a'..='z' | '_') => field.push(c),
                _ => return None,
            }
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => value.push(chars.next()?),
                    c => value.push(c),
                }
            }
        }
        let end = loop {
            match chars.next()? {
                ',' => break false,
                ']' => break true,
                '"' => return None,
                c => value.push(c),
            }
        };
        out.push((field, value));
        if end {
            return chars.next().is_none().then_some(out);
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.as_str();
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{k}={}", quoted(v)))
            .collect();
        write!(f, "{kind}[{}]", fields.join(","))
    }
}

/// A value as the selector syntax needs it written: quoted when it holds `,`, `]`,
/// `"` or `\` (so that it reads back the same).
fn quoted(v: &str) -> String {
    if !v.contains([',', ']', '"', '\\']) {
        return v.to_string();
    }
    let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Selector;

    fn pat(s: &str) -> Pattern {
        match s.parse::<Selector>() {
            Ok(Selector::Match(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn fields_and_quoted_values_parse_and_print_back() {
        let p = pat("response[command=firewall-drop,rules_id=5712]");
        assert_eq!(p.kind, BlockKind::Response);
        assert_eq!(
            p.fields,
            [
                (Field::Command, "firewall-drop".to_string()),
                (Field::RulesId, "5712".to_string())
            ]
        );
        assert_eq!(
            p.to_string(),
            "response[command=firewall-drop,rules_id=5712]"
        );
        let p = pat(r#"response[rules_id="5712,5720",rules_group="a]b\"c"]"#);
        assert_eq!(p.fields[0].1, "5712,5720");
        assert_eq!(p.fields[1].1, "a]b\"c");
        assert_eq!(pat(&p.to_string()), p);
        assert_eq!(pat("command[name=]").fields[0].1, "");
    }

    #[test]
    fn malformed_patterns_are_bad_selectors() {
        for bad in [
            "response[]",
            "response[command=x",
            "response[colour=red]",
            "command[level=3]",
            "response[command=x]y",
            "response[command=\"x]",
            "response[command=a\"b]",
            "response[=x]",
        ] {
            assert_eq!(
                bad.parse::<Selector>(),
                Err(EditError::BadSelector(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_listed_field_must_read_as_given() {
        let doc = crate::xml::parse(
            "<ossec_config><command><name>fd</name><executable>x</executable></command>\
             <active-response><command>fd</command><location>local</location><rules_id>5712</rules_id></active-response>\
             <active-response><command>fd</command><location>all</location></active-response>\
             </ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(pat("response[command=fd]").matches(&cfg), [1, 2]);
        assert_eq!(pat("response[command=fd,rules_id=5712]").matches(&cfg), [1]);
        assert_eq!(
            pat("response[command=fd,rules_id=571]").matches(&cfg),
            [0; 0]
        );
        assert_eq!(pat("response[location=all]").matches(&cfg), [2]);
        assert_eq!(pat("command[name=fd]").matches(&cfg), [1]);
        assert_eq!(pat("command[name=fd,extra_args=]").matches(&cfg), [0; 0]);
    }
}
