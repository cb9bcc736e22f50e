//! One-line descriptions of blocks, shared by the list, the form and the wizard:
//! the trigger in short and in plain words (docs/wazuh-config.md §4.2), the timeout as the
//! daemon applies it (§3.6) and the active-response name it builds (§3.7).

use crate::model::{Analysis, Config, Field, Profile, Response};
use crate::xml::Document;

/// `level>=10 group~web|attack ids 5712,5720`, or `no trigger`.
pub(crate) fn trigger(r: &Response) -> String {
    let mut parts = Vec::new();
    if let Some(l) = r.value(Field::Level).filter(|v| !v.is_empty()) {
        parts.push(format!("level>={l}"));
    }
    if let Some(g) = r.value(Field::RulesGroup) {
        parts.push(format!("group~{g}"));
    }
    if let Some(i) = r.value(Field::RulesId) {
        parts.push(format!("ids {i}"));
    }
    if parts.is_empty() {
        "no trigger".to_string()
    } else {
        parts.join(" ")
    }
}

/// `600s`, `no timeout`, or the raw text when it is not a plain number.
pub(crate) fn timeout(r: &Response) -> String {
    match r.value(Field::Timeout) {
        None => "no timeout".to_string(),
        Some(t) if crate::model::is_plain_number(t) => format!("{t}s"),
        Some(t) => format!("timeout {t:?}"),
    }
}

/// The name analysisd gives the response, when it accepts it: command name + the
/// timeout in force under `profile` (§3.6, §3.7; the one reading of
/// `model::analysisd`, so the form and the simulator agree).
pub(crate) fn ar_name(
    doc: &Document,
    config: &Config,
    profile: Profile,
    r: &Response,
) -> Option<String> {
    Analysis::on_demand(config, doc, profile).ar_name(r)
}

/// The trigger in plain words: `(level AND group) OR ids` (docs/wazuh-config.md §4.2).
pub(crate) fn predicate(r: &Response) -> String {
    predicate_of(
        r.value(Field::Level),
        r.value(Field::RulesGroup),
        r.value(Field::RulesId),
    )
}

/// [`predicate`] from the three values as typed.
pub(crate) fn predicate_of(level: Option<&str>, group: Option<&str>, ids: Option<&str>) -> String {
    let level = level.filter(|v| !v.is_empty() && *v != "0");
    let groups = group.map(|g| format!("whose groups match '{g}'"));
    let ids = ids.map(|i| format!("rules {i}"));
    let base = match (level, groups) {
        (Some(l), Some(g)) => Some(format!("rules of level {l} or more {g}")),
        (Some(l), None) => Some(format!("rules of level {l} or more")),
        (None, Some(g)) => Some(format!("rules {g}")),
        (None, None) => None,
    };
    match (base, ids) {
        (Some(b), Some(i)) => format!("fires on {b}, and on {i} whatever their level"),
        (Some(b), None) => format!("fires on {b}"),
        (None, Some(i)) => format!("fires on {i}"),
        (None, None) => "fires on nothing: no level, rules_group or rules_id".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    fn first(src: &str) -> (Config, Response) {
        let doc = parse(src);
        let cfg = Config::from_document(&doc);
        let r = cfg.responses[0].clone();
        (cfg, r)
    }

    #[test]
    fn level_and_group_both_hold_ids_are_or() {
        let (_, r) = first(
            "<ossec_config><active-response><level>10</level><rules_group>web|attack</rules_group><rules_id>31101</rules_id></active-response></ossec_config>",
        );
        assert_eq!(trigger(&r), "level>=10 group~web|attack ids 31101");
        assert_eq!(
            predicate(&r),
            "fires on rules of level 10 or more whose groups match 'web|attack', and on rules 31101 whatever their level"
        );
        let (_, r) = first(
            "<ossec_config><active-response><command>x</command></active-response></ossec_config>",
        );
        assert_eq!(trigger(&r), "no trigger");
        assert!(predicate(&r).starts_with("fires on nothing"));
    }

    #[test]
    fn ar_name_uses_the_timeout_the_daemon_keeps() {
        let src = "<ossec_config><command><name>rw</name><executable>restart-wazuh</executable></command><command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command><active-response><command>rw</command><location>local</location><timeout>600</timeout></active-response><active-response><command>fd</command><location>local</location><timeout>600</timeout></active-response></ossec_config>";
        let doc = parse(src);
        let cfg = Config::from_document(&doc);
        let name = |p, i: usize| ar_name(&doc, &cfg, p, &cfg.responses[i]);
        assert_eq!(name(Profile::Wazuh, 0).as_deref(), Some("rw0"));
        assert_eq!(name(Profile::Wazuh, 1).as_deref(), Some("fd600"));
        // OSSEC does not force the timeout to 0 (it refuses the file, 1305).
        assert_eq!(name(Profile::Ossec, 0).as_deref(), Some("rw600"));
        assert_eq!(timeout(&cfg.responses[1]), "600s");
    }

    #[test]
    fn no_ar_name_for_a_response_analysisd_does_not_accept() {
        // The command is defined after the block (1303): the first command with that
        // name anywhere does not count (§3.2).
        let src = "<ossec_config><active-response><command>fd</command><location>local</location><timeout>600</timeout></active-response><command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command></ossec_config>";
        let doc = parse(src);
        let cfg = Config::from_document(&doc);
        assert_eq!(ar_name(&doc, &cfg, Profile::Wazuh, &cfg.responses[0]), None);
    }
}
