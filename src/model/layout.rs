//! What a file holds as a whole, for the labels of the front ends: an ossec.conf
//! (manager or agent), a shared agent.conf of centralized configuration, a root-less
//! fragment, or no configuration at all (docs/values.md "What kind of file";
//! `src/config/config.c: ReadConfig`).

use super::config::{Config, ConfigKind, Placement, RootKind};
use crate::xml::Document;

/// The shape of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// At least one `<ossec_config>` root: an ossec.conf, manager or agent
    /// ([`ConfigKind`]).
    OssecConfig,
    /// `<agent_config>` roots and no `<ossec_config>`: a shared agent.conf, which the
    /// manager pushes to the agents of a group; no daemon reads its
    /// `<command>`/`<active-response>` blocks.
    SharedAgentConfig,
    /// `<command>`/`<active-response>` at top level and no root: a fragment to paste.
    Fragment,
    /// No `<ossec_config>`, `<agent_config>` or top-level block at all (an empty
    /// file, plain text, comments): nothing a daemon reads and nothing to check. The
    /// editor offers to create an `<ossec_config>` root before adding a block.
    NoRoot,
}

impl Config {
    /// The shape of the file.
    pub fn layout(&self) -> Layout {
        let has = |k: RootKind| self.roots.iter().any(|r| r.kind == k);
        if has(RootKind::OssecConfig) {
            Layout::OssecConfig
        } else if has(RootKind::AgentConfig) {
            Layout::SharedAgentConfig
        } else if has(RootKind::Block) {
            Layout::Fragment
        } else {
            Layout::NoRoot
        }
    }

    /// The words front ends show for the file: `manager config`, `agent config`,
    /// `centralized agent configuration`, `fragment without
    /// <ossec_config> root`, `no <ossec_config> root`.
    pub fn describe(&self) -> &'static str {
        match (self.layout(), self.kind) {
            (Layout::OssecConfig, ConfigKind::Manager) => "manager config",
            (Layout::OssecConfig, ConfigKind::Agent) => "agent config",
            (Layout::SharedAgentConfig, _) => "centralized agent configuration",
            (Layout::Fragment, _) => "fragment without <ossec_config> root",
            (Layout::NoRoot, _) => "no <ossec_config> root",
        }
    }

    /// For a block inside `<agent_config>`, the agents that root is meant for, from
    /// its `name`, `os` and `profile` attributes (each matched by the agent with
    /// `OS_Match2`, `src/config/config.c`), e.g. `agents named 'web01', OS 'Linux'`;
    /// `every agent of the group` without them. `None` elsewhere.
    pub fn target(&self, doc: &Document, placement: Placement) -> Option<String> {
        let Placement::AgentConfig(i) = placement else {
            return None;
        };
        let root = self.roots.get(i)?.element;
        let parts: Vec<String> = [
            ("name", "named"),
            ("os", "on OS"),
            ("profile", "with profile"),
        ]
        .iter()
        .filter_map(|(attr, word)| {
            let v = doc.attr(root, attr)?;
            Some(format!("{word} '{v}'"))
        })
        .collect();
        Some(if parts.is_empty() {
            "every agent of the group".to_string()
        } else {
            format!("agents {}", parts.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    fn layout(src: &str) -> Layout {
        Config::from_document(&parse(src)).layout()
    }

    #[test]
    fn each_shape_is_told_apart() {
        assert_eq!(layout("<ossec_config/>"), Layout::OssecConfig);
        assert_eq!(
            layout("<agent_config os=\"Linux\"><localfile/></agent_config>"),
            Layout::SharedAgentConfig
        );
        assert_eq!(
            layout("<command><name>a</name></command>"),
            Layout::Fragment
        );
        for nothing in ["", "hello world\n", "<!-- only a comment -->\n", "<root/>"] {
            assert_eq!(layout(nothing), Layout::NoRoot, "{nothing:?}");
        }
    }

    #[test]
    fn agent_config_blocks_name_their_target() {
        let src = "<agent_config name=\"web01\" os=\"Linux\"><active-response><disabled>yes</disabled></active-response></agent_config>\n<agent_config><command><name>x</name></command></agent_config>";
        let doc = parse(src);
        let cfg = Config::from_document(&doc);
        assert_eq!(
            cfg.target(&doc, cfg.responses[0].placement).as_deref(),
            Some("agents named 'web01', on OS 'Linux'")
        );
        assert_eq!(
            cfg.target(&doc, cfg.commands[0].placement).as_deref(),
            Some("every agent of the group")
        );
        assert_eq!(cfg.describe(), "centralized agent configuration");
    }
}
