//! What the executing execd receives: the 4.2+ JSON object
//! (docs/wazuh-config.md §5.3) or the legacy argument string of older agents and OSSEC
//! (§5.8, docs/ossec.md §7).

use serde::Serialize;

use super::responses::ActiveResponse;
use crate::rules::Rule;
use crate::xml::Document;

/// The message, in the form the target execd takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// The JSON object analysisd builds (`getActiveResponseInJSON`).
    Json(Box<ArMessage>),
    /// A one-line string: the legacy arguments, or JSON escaped for 4.2.0–4.2.4.
    Text(String),
}

/// The 4.2+ message, fields in the daemon's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArMessage {
    /// Always 1.
    pub version: u8,
    /// Who sent it.
    pub origin: Origin,
    /// The response name (`firewall-drop600`); execd turns it into `add`.
    pub command: String,
    /// Arguments and the alert.
    pub parameters: Parameters,
}

/// `origin` of the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Origin {
    /// The cluster node name, or empty.
    pub name: String,
    /// `wazuh-analysisd`.
    pub module: &'static str,
}

/// `parameters` of the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    /// The command's `extra_args`, split on spaces (no shell quoting).
    pub extra_args: Vec<String>,
    /// The alert (here: the fields the simulator knows).
    pub alert: Alert,
}

/// The alert as alerts.json writes it, reduced to what a simulated event has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The rule.
    pub rule: AlertRule,
    /// The agent the event came from.
    pub agent: AlertAgent,
    /// Decoded fields, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<AlertData>,
}

/// `alert.rule`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRule {
    /// Rule level.
    pub level: u8,
    /// Rule description.
    pub description: String,
    /// Rule id, a string as in alerts.json.
    pub id: String,
    /// The group string split on commas.
    pub groups: Vec<String>,
}

/// `alert.agent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertAgent {
    /// Agent id, `000` for the manager.
    pub id: String,
}

/// `alert.data`: the fields the built-in scripts read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertData {
    /// Source IP (`::ffff:` removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srcip: Option<String>,
    /// Destination user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dstuser: Option<String>,
}

/// The event fields a message carries.
pub(super) struct Fields<'a> {
    /// The event's agent id.
    pub(super) agent: &'a str,
    /// Source IP, `::ffff:` removed.
    pub(super) srcip: Option<&'a str>,
    /// Destination user.
    pub(super) user: Option<&'a str>,
}

/// The 4.2+ JSON message.
pub(super) fn json(ar: &ActiveResponse, rule: &Rule, f: &Fields<'_>, node: &str) -> ArMessage {
    let data = (f.srcip.is_some() || f.user.is_some()).then(|| AlertData {
        srcip: f.srcip.map(str::to_string),
        dstuser: f.user.map(str::to_string),
    });
    ArMessage {
        version: 1,
        origin: Origin {
            name: node.to_string(),
            module: "wazuh-analysisd",
        },
        command: ar.name.clone(),
        parameters: Parameters {
            extra_args: ar
                .extra_args
                .as_deref()
                .map(|a| {
                    a.split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            alert: Alert {
                rule: AlertRule {
                    level: rule.level,
                    description: rule.description.clone(),
                    id: rule.id.to_string(),
                    groups: rule.groups().map(str::to_string).collect(),
                },
                agent: AlertAgent {
                    id: f.agent.to_string(),
                },
                data,
            },
        },
    }
}

/// The JSON of 4.2.0–4.2.4 agents: `! $ ' \`` written as `\x21`-style escapes.
pub(super) fn escaped_json(m: &ArMessage) -> String {
    let plain = serde_json::to_string(m).unwrap_or_default();
    let mut out = String::with_capacity(plain.len());
    for c in plain.chars() {
        match c {
            '!' | '$' | '\'' | '`' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Placeholders for what only analysisd knows at alert time.
pub(super) const TIME_ALERT_ID: &str = "<time>.<alertid>";
/// The event's log location, known only at alert time.
pub(super) const LOCATION: &str = "<location>";

/// Wazuh's legacy string for agents below 4.2 (`getActiveResponseInString`):
/// `name user srcip time.alertid rule location filename extra_args`, user and
/// extra_args shell-escaped, `-` for what is missing.
pub(super) fn legacy_wazuh(ar: &ActiveResponse, rule: &Rule, f: &Fields<'_>) -> String {
    format!(
        "{} {} {} {TIME_ALERT_ID} {} {LOCATION} - {}",
        ar.name,
        f.user.map_or("-".to_string(), shell_escape),
        f.srcip.unwrap_or("-"),
        rule.id,
        ar.extra_args
            .as_deref()
            .filter(|a| !a.is_empty())
            .map_or("-".to_string(), shell_escape),
    )
}

/// OSSEC's message: fields the command does not `expect` are sent as `-`.
pub(super) fn legacy_ossec(
    ar: &ActiveResponse,
    rule: &Rule,
    f: &Fields<'_>,
    expect: Expect,
) -> String {
    let user = f.user.filter(|_| expect.user).unwrap_or("-");
    let srcip = f.srcip.filter(|_| expect.srcip).unwrap_or("-");
    format!(
        "{} {user} {srcip} {TIME_ALERT_ID} {} {LOCATION} -",
        ar.name, rule.id
    )
}

/// What an OSSEC command's `expect` asks for (≤ 4.2.0 reading: at least 4 characters,
/// case-insensitive substrings `user`, `srcip`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expect {
    /// `user` expected.
    pub user: bool,
    /// `srcip` expected.
    pub srcip: bool,
}

impl Expect {
    /// Reads an `expect` value.
    pub fn read(s: &str) -> Expect {
        let l = s.to_ascii_lowercase();
        let long = s.len() >= 4;
        Expect {
            user: long && l.contains("user"),
            srcip: long && l.contains("srcip"),
        }
    }
}

/// `os_shell_escape`: a backslash before each shell-special character.
pub fn shell_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\\"'\t;`><|#*[]{}&$!:()".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `origin.name`: the cluster node name when the cluster is enabled, else empty.
pub(super) fn node_name(doc: &Document) -> String {
    let clusters = doc
        .roots()
        .filter(|&r| doc.name(r) == "ossec_config")
        .flat_map(|r| doc.children_named(r, "cluster"));
    for c in clusters {
        let disabled = doc
            .children_named(c, "disabled")
            .next()
            .is_none_or(|d| doc.value(d) != "no");
        if let (false, Some(n)) = (disabled, doc.children_named(c, "node_name").next()) {
            return doc.value(n);
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_escape_backslashes_specials_but_not_spaces() {
        assert_eq!(shell_escape("a b;c$(d)"), "a b\\;c\\$\\(d\\)");
    }

    #[test]
    fn expect_needs_four_characters() {
        assert_eq!(
            Expect::read("srcip"),
            Expect {
                user: false,
                srcip: true
            }
        );
        assert_eq!(
            Expect::read("username,srcip"),
            Expect {
                user: true,
                srcip: true
            }
        );
        assert_eq!(Expect::read("usr"), Expect::default());
    }
}
