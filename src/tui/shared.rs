//! Shared `agent.conf` files (docs/agent-files.md "Shared agent.conf"): how the
//! editor names such a file, and the agents each of its blocks is meant for.

use crate::model::{Config, Placement, RootKind};
use crate::xml::Document;

/// The attributes of `<agent_config>` that choose the agents it applies to.
const SELECTORS: [&str; 3] = ["name", "os", "profile"];

/// Is this a centralized agent configuration: `<agent_config>` roots and no
/// `<ossec_config>` one?
pub(crate) fn is_centralized(cfg: &Config) -> bool {
    let has = |k: RootKind| cfg.roots.iter().any(|r| r.kind == k);
    has(RootKind::AgentConfig) && !has(RootKind::OssecConfig)
}

/// For a block inside an `<agent_config>`: that root and the agents it chooses,
/// as `agent_config name="web01" os="Linux"` or `agent_config (every agent)`.
pub(crate) fn target(doc: &Document, cfg: &Config, p: Placement) -> Option<String> {
    let Placement::AgentConfig(i) = p else {
        return None;
    };
    let root = cfg.roots.get(i)?.element;
    let parts: Vec<String> = SELECTORS
        .iter()
        .filter_map(|a| doc.attr(root, a).map(|v| format!("{a}=\"{v}\"")))
        .collect();
    Some(if parts.is_empty() {
        "agent_config (every agent)".to_string()
    } else {
        format!("agent_config {}", parts.join(" "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn shared_files_and_their_targets() {
        let text = "<agent_config name=\"web01\" os=\"Linux\"><active-response><disabled>yes</disabled></active-response></agent_config>\n<agent_config><command><name>x</name></command></agent_config>\n";
        let doc = parse(text);
        let cfg = Config::from_document(&doc);
        assert!(is_centralized(&cfg));
        let r = cfg.responses[0].placement;
        let c = cfg.commands[0].placement;
        assert_eq!(
            target(&doc, &cfg, r).as_deref(),
            Some("agent_config name=\"web01\" os=\"Linux\"")
        );
        assert_eq!(
            target(&doc, &cfg, c).as_deref(),
            Some("agent_config (every agent)")
        );
        let manager = parse("<ossec_config><command><name>x</name></command></ossec_config>");
        let cfg = Config::from_document(&manager);
        assert!(!is_centralized(&cfg));
        assert_eq!(target(&manager, &cfg, cfg.commands[0].placement), None);
    }
}
