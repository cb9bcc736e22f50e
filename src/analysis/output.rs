//! The `output` object of Wazuh's logtest reply, built the way `Eventinfo_to_jsonstr`
//! and `W_ParseJSON` build it, key for key and in the same order (docs/analysis.md
//! "Output"; Wazuh `src/analysisd/format/to_json.c`, `format/json_extended.c`,
//! `eventinfo.c` `ParseRuleComment`, `logtest.c`).

use std::borrow::Cow;

use super::event::{Event, StaticField};
use super::json::{Json, text, text_owned};

/// What the output needs of the rule an event fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleView<'a> {
    /// The rule id.
    pub id: u32,
    /// Its level.
    pub level: u8,
    /// `<description>` before `$(field)` expansion.
    pub description: &'a str,
    /// The group string (comma separated).
    pub group: &'a str,
    /// `<cve>`.
    pub cve: Option<&'a str>,
    /// `<info>`.
    pub info: Option<&'a str>,
    /// The `frequency` attribute of a context rule (2 when the rule has context
    /// options and no attribute); `None` for other rules.
    pub frequency: Option<u32>,
    /// The session's count, `None` with `<options>no_counter</options>`.
    pub firedtimes: Option<u32>,
    /// Whether an e-mail would be sent (`alert_by_email`, or the level reaching
    /// `email_alert_level`).
    pub mail: bool,
    /// `<options>no_full_log</options>`.
    pub no_full_log: bool,
}

/// Where the output says the event was processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// `timestamp`: processing time, `2026-01-31T10:00:00.000+0000`.
    pub timestamp: String,
    /// The manager's host name (`agent.name` and `manager.name`).
    pub manager: String,
    /// The alert id, `SECONDS.N`.
    pub id: String,
}

/// The static fields in the order `Eventinfo_to_jsonstr` writes them under `data`.
const DATA_ORDER: [StaticField; 14] = [
    StaticField::Protocol,
    StaticField::Action,
    StaticField::SrcIp,
    StaticField::SrcPort,
    StaticField::SrcUser,
    StaticField::DstIp,
    StaticField::DstPort,
    StaticField::DstUser,
    StaticField::Id,
    StaticField::Status,
    StaticField::Url,
    StaticField::Data,
    StaticField::ExtraData,
    StaticField::SystemName,
];

/// The compliance prefixes that move a group into its own array, in the order
/// `W_JSON_ParseGroups` tries them.
const COMPLIANCE: [(&str, &str); 7] = [
    ("pci_dss_", "pci_dss"),
    ("cis_", "cis"),
    ("gdpr_", "gdpr"),
    ("gpg13_", "gpg13"),
    ("hipaa_", "hipaa"),
    ("nist_800_53_", "nist_800_53"),
    ("tsc_", "tsc"),
];

/// The logtest `output` object for an event and the rule it fired.
pub fn output<'a>(event: &'a Event, rule: Option<&RuleView<'a>>, stamp: &'a Stamp) -> Json<'a> {
    let mut root = Json::obj();
    root.push("timestamp", Json::str(&stamp.timestamp));
    if let Some(r) = rule {
        root.push("rule", rule_object(event, r));
    }
    let mut agent = Json::obj();
    agent.push("id", Json::str(&event.agent_id));
    agent.push("name", Json::str(&stamp.manager));
    root.push("agent", agent);
    let mut manager = Json::obj();
    manager.push("name", Json::str(&stamp.manager));
    root.push("manager", manager);
    root.push("id", Json::str(&stamp.id));
    if !rule.is_some_and(|r| r.no_full_log) {
        root.push("full_log", Json::Str(text(&event.full_log)));
    }
    if let Some(p) = predecoder(event) {
        root.push("predecoder", p);
    }
    root.push("decoder", decoder(event));
    let data = data(event);
    if !data.is_empty_obj() {
        root.push("data", data);
    }
    root.push("location", Json::Str(text(&event.location)));
    root
}

fn rule_object<'a>(event: &Event, r: &RuleView<'a>) -> Json<'a> {
    let mut o = Json::obj();
    if r.level > 0 {
        o.push("level", Json::Int(i64::from(r.level)));
    }
    o.push(
        "description",
        Json::Str(text_owned(expand(r.description, event))),
    );
    o.push("id", Json::str(r.id.to_string()));
    if let Some(cve) = r.cve {
        o.push("cve", Json::str(cve));
    }
    if let Some(info) = r.info {
        o.push("info", Json::str(info));
    }
    if let Some(f) = r.frequency {
        o.push("frequency", Json::Int(i64::from(f)));
    }
    if let Some(n) = r.firedtimes {
        o.push("firedtimes", Json::Int(i64::from(n)));
    }
    o.push("mail", Json::Bool(r.mail));
    push_groups(&mut o, r.group);
    if r.level == 0 {
        // logtest appends the level a level-0 rule's JSON leaves out (`logtest.c`).
        o.push("level", Json::Int(0));
    }
    o
}

/// `groups` and the compliance arrays, in order of first appearance
/// (`W_JSON_ParseGroups`, which reads at most 1023 bytes of the group string).
fn push_groups<'a>(o: &mut Json<'a>, group: &'a str) {
    let group = &group.as_bytes()[..group.len().min(1023)];
    let mut groups = Vec::new();
    let mut compliance: Vec<(&str, Vec<Json>)> = Vec::new();
    for token in group.split(|&b| b == b',').filter(|t| !t.is_empty()) {
        let hit = COMPLIANCE
            .iter()
            .find(|(prefix, _)| token.starts_with(prefix.as_bytes()));
        match hit {
            Some((prefix, key)) => {
                let value = Json::Str(text(&token[prefix.len()..]));
                match compliance.iter_mut().find(|(k, _)| k == key) {
                    Some((_, list)) => list.push(value),
                    None => compliance.push((key, vec![value])),
                }
            }
            None => groups.push(Json::Str(text(token))),
        }
    }
    o.push("groups", Json::Arr(groups));
    for (key, list) in compliance {
        o.push(key, Json::Arr(list));
    }
}

/// `predecoder`: program name and timestamp when pre-decoding found them, and the
/// host name after a BSD timestamp at the start of `full_log`.
fn predecoder(event: &Event) -> Option<Json<'_>> {
    let host = bsd_hostname(&event.full_log);
    if event.program_name.is_none() && event.timestamp.is_none() && host.is_none() {
        return None;
    }
    let mut p = Json::obj();
    if let Some(prog) = &event.program_name {
        p.push("program_name", Json::Str(text(prog)));
    }
    if let Some(ts) = &event.timestamp {
        p.push("timestamp", Json::Str(text(ts)));
    }
    if let Some(h) = host {
        p.push("hostname", Json::Str(text(h)));
    }
    Some(p)
}

/// The word after `Mmm dd hh:mm:ss ` at the start of the line: the ERE
/// `^[A-Z][a-z][a-z] [ 0123][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] ([^ ]+)` of
/// `W_JSON_ParseHostname`, by hand (a fixed shape needs no regex engine).
pub fn bsd_hostname(line: &[u8]) -> Option<&[u8]> {
    let shape: &[fn(u8) -> bool] = &[
        |b| b.is_ascii_uppercase(),
        |b| b.is_ascii_lowercase(),
        |b| b.is_ascii_lowercase(),
        |b| b == b' ',
        |b| matches!(b, b' ' | b'0'..=b'3'),
        |b| b.is_ascii_digit(),
        |b| b == b' ',
        |b| b.is_ascii_digit(),
        |b| b.is_ascii_digit(),
        |b| b == b':',
        |b| b.is_ascii_digit(),
        |b| b.is_ascii_digit(),
        |b| b == b':',
        |b| b.is_ascii_digit(),
        |b| b.is_ascii_digit(),
        |b| b == b' ',
    ];
    if line.len() <= shape.len() || !shape.iter().zip(line).all(|(ok, &b)| ok(b)) {
        return None;
    }
    let rest = &line[shape.len()..];
    let end = rest
        .iter()
        .position(|&b| b == b' ' || b == 0)
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn decoder(event: &Event) -> Json<'_> {
    let mut d = Json::obj();
    if let Some(by) = &event.decoder {
        if by.accumulate {
            d.push("accumulate", Json::Int(1));
        }
        if let Some(parent) = &by.parent {
            d.push("parent", Json::str(&**parent));
        }
        d.push("name", Json::str(&*by.name));
        if let Some(c) = &by.ftscomment {
            d.push("ftscomment", Json::str(&**c));
        }
    }
    d
}

/// `data`: the static fields that are set (even empty), then the non-empty dynamic
/// fields, dotted names nested, the first of duplicates kept (`W_JSON_AddField`).
fn data(event: &Event) -> Json<'_> {
    let mut data = Json::obj();
    for f in DATA_ORDER {
        if let Some(v) = event.get(f) {
            data.push(f.name(), Json::Str(text(v)));
        }
    }
    if event.decoder.is_some() {
        for (name, value) in event.dynamic.iter().filter(|(_, v)| !v.is_empty()) {
            add_field(&mut data, text(name), value);
        }
    }
    data
}

/// `W_JSON_AddField` (`src/shared/string_op.c`... `json_extended.c`): a dotted key
/// is a path of objects; an existing key keeps its value; a value that starts with
/// `[` and parses as JSON is inserted as JSON.
fn add_field<'a>(root: &mut Json<'a>, key: Cow<'a, str>, value: &'a [u8]) {
    match key {
        Cow::Borrowed(k) => add_path(root, k.split('.').map(Cow::Borrowed), value),
        Cow::Owned(k) => add_path(root, k.split('.').map(|p| Cow::Owned(p.to_string())), value),
    }
}

/// [`add_field`] along the parts of the key.
fn add_path<'a>(root: &mut Json<'a>, parts: impl Iterator<Item = Cow<'a, str>>, value: &'a [u8]) {
    let mut node = root;
    let mut parts = parts.peekable();
    while let Some(part) = parts.next() {
        let Json::Obj(items) = node else {
            return;
        };
        let found = items.iter().position(|(k, _)| *k == part);
        if parts.peek().is_none() {
            if found.is_none() {
                items.push((part, field_value(value)));
            }
            return;
        }
        let at = found.unwrap_or_else(|| {
            items.push((part, Json::obj()));
            items.len() - 1
        });
        node = &mut items[at].1;
    }
}

fn field_value(value: &[u8]) -> Json<'_> {
    if value.first() == Some(&b'[')
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(value)
    {
        return Json::Raw(v);
    }
    Json::Str(text(value))
}

/// `ParseRuleComment`: `$(field)` in a description is replaced by the event's value
/// (static, `program_name`, `hostname`, else the dynamic field); a missing field
/// leaves nothing; a result of 1024 bytes or more keeps the description as written.
pub fn expand(description: &str, event: &Event) -> Vec<u8> {
    const MAX: usize = 1024;
    let mut out = Vec::new();
    let mut rest = description.as_bytes();
    while let Some(at) = find(rest, b"$(") {
        out.extend_from_slice(&rest[..at]);
        let var = &rest[at + 2..];
        let Some(close) = var.iter().position(|&b| b == b')') else {
            out.extend_from_slice(&rest[at..]);
            rest = &[];
            break;
        };
        if let Some(v) = lookup(event, &var[..close]) {
            out.extend_from_slice(v);
        }
        if out.len() >= MAX {
            return description.as_bytes().to_vec();
        }
        rest = &var[close + 1..];
    }
    out.extend_from_slice(rest);
    if out.len() >= MAX {
        return description.as_bytes().to_vec();
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn lookup<'e>(event: &'e Event, var: &[u8]) -> Option<&'e [u8]> {
    match var {
        b"program_name" => event.program_name.as_deref(),
        b"hostname" => Some(&event.hostname),
        b"user" => event.dynamic(var),
        _ => match StaticField::ALL.iter().find(|f| f.name().as_bytes() == var) {
            Some(&f) => event.get(f),
            None => event.dynamic(var),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::event::DecodedBy;

    fn stamp() -> Stamp {
        Stamp {
            timestamp: "T".into(),
            manager: "vm".into(),
            id: "1.0".into(),
        }
    }

    fn sshd_event() -> Event {
        let mut e = Event {
            location: b"stdin".to_vec(),
            full_log: b"Dec 29 10:00:01 myhost sshd[1234]: Connection closed by 1.2.3.4 port 22"
                .to_vec(),
            timestamp: Some(b"Dec 29 10:00:01".to_vec()),
            program_name: Some(b"sshd".to_vec()),
            agent_id: "000".into(),
            decoder: Some(DecodedBy {
                index: 0,
                name: "sshd".into(),
                parent: Some("sshd".into()),
                id: 1,
                fts: Vec::new().into(),
                ftscomment: None,
                accumulate: false,
            }),
            ..Event::default()
        };
        e.set(StaticField::SrcPort, b"22".to_vec());
        e.set(StaticField::SrcIp, b"1.2.3.4".to_vec());
        e
    }

    /// The oracle's reply for this line (rule 5722, level 0), volatile fields
    /// masked: `"level": 0` last, compliance arrays after `groups`.
    #[test]
    fn a_level_zero_rule_matches_the_daemons_reply() {
        let rule = RuleView {
            id: 5722,
            level: 0,
            description: "sshd: ssh connection closed.",
            // As 0095-sshd_rules.xml writes it: the group name, then `<group>`.
            group: "syslog,sshd,gdpr_IV_32.2,hipaa_164.312.b,nist_800_53_AU.14,nist_800_53_AC.7,pci_dss_10.2.5,tsc_CC6.8,tsc_CC7.2,tsc_CC7.3,",
            cve: None,
            info: None,
            frequency: None,
            firedtimes: Some(1),
            mail: false,
            no_full_log: false,
        };
        let got = serde_json::to_string(&output(&sshd_event(), Some(&rule), &stamp()))
            .unwrap_or_default();
        let want = r#"{"timestamp":"T","rule":{"description":"sshd: ssh connection closed.","id":"5722","firedtimes":1,"mail":false,"groups":["syslog","sshd"],"gdpr":["IV_32.2"],"hipaa":["164.312.b"],"nist_800_53":["AU.14","AC.7"],"pci_dss":["10.2.5"],"tsc":["CC6.8","CC7.2","CC7.3"],"level":0},"agent":{"id":"000","name":"vm"},"manager":{"name":"vm"},"id":"1.0","full_log":"Dec 29 10:00:01 myhost sshd[1234]: Connection closed by 1.2.3.4 port 22","predecoder":{"program_name":"sshd","timestamp":"Dec 29 10:00:01","hostname":"myhost"},"decoder":{"parent":"sshd","name":"sshd"},"data":{"srcip":"1.2.3.4","srcport":"22"},"location":"stdin"}"#;
        assert_eq!(got, want);
    }

    #[test]
    fn no_decoder_gives_an_empty_decoder_and_no_data() {
        let e = Event {
            location: b"stdin".to_vec(),
            full_log: b"hello world".to_vec(),
            agent_id: "000".into(),
            ..Event::default()
        };
        let got = serde_json::to_string(&output(&e, None, &stamp())).unwrap_or_default();
        assert_eq!(
            got,
            r#"{"timestamp":"T","agent":{"id":"000","name":"vm"},"manager":{"name":"vm"},"id":"1.0","full_log":"hello world","decoder":{},"location":"stdin"}"#
        );
    }

    #[test]
    fn dotted_dynamic_fields_nest_and_arrays_stay_json() {
        let mut e = sshd_event();
        e.dynamic = [
            (&b"a.b"[..], &b"c"[..]),
            (b"a.b", b"second"),
            (b"list", b"[\"x\",1]"),
            (b"empty", b""),
        ]
        .into_iter()
        .collect();
        let d = data(&e).to_value();
        assert_eq!(d["a"]["b"], "c");
        assert_eq!(d["list"], serde_json::json!(["x", 1]));
        assert!(d.get("empty").is_none());
    }

    #[test]
    fn descriptions_expand_fields() {
        let mut e = sshd_event();
        e.dynamic.push(b"Win.User", b"bob");
        assert_eq!(
            expand("from $(srcip) on $(hostname)$(nope)!", &e),
            b"from 1.2.3.4 on !".to_vec()
        );
        assert_eq!(
            expand("user $(win.user) $(open", &e),
            b"user bob $(open".to_vec()
        );
    }

    #[test]
    fn the_bsd_hostname_needs_the_exact_shape() {
        assert_eq!(
            bsd_hostname(b"Dec 29 10:00:01 myhost sshd: x"),
            Some(&b"myhost"[..])
        );
        assert_eq!(bsd_hostname(b"Dec  9 10:00:01 h"), Some(&b"h"[..]));
        assert_eq!(bsd_hostname(b"dec 29 10:00:01 myhost"), None);
        assert_eq!(bsd_hostname(b"Dec 29 10:00:01 "), None);
    }
}
