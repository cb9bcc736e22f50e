//! Typed commands and responses lowered from the span tree, with back-links.

use crate::xml::{Document, ElementId};

use super::diagnostic::{BlockKind, BlockRef};
use super::field::Field;
use super::values::{AgentId, Level, Location, Timeout};

/// What kind of file this is (docs/choices.md "Agent or manager file").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigKind {
    /// Read by wazuh-analysisd: `<command>` and `<active-response>` define responses.
    Manager,
    /// An `<ossec_config>` root has a `<client>` child (`<agent>` in Wazuh 5.x agent
    /// files): only execd/modulesd read the
    /// `<active-response>` blocks, as agent settings.
    Agent,
}

/// The kind of a top-level element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootKind {
    /// `<ossec_config>`.
    OssecConfig,
    /// `<agent_config>`: a shared agent.conf root; AR sections there have no effect.
    AgentConfig,
    /// A `<command>` or `<active-response>` at top level (a root-less fragment).
    Block,
    /// Anything else (`<wazuh_config>`, `<root>`, a stray section).
    Other,
}

/// A top-level element.
#[derive(Debug, Clone)]
pub struct Root {
    /// The element.
    pub element: ElementId,
    /// What it is.
    pub kind: RootKind,
}

/// One child element that carries a value, with every repeat of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The element whose value counts (the last one; for `disabled` the first `yes`).
    pub element: ElementId,
    /// Its value, byte for byte as the reader gives it (comments removed).
    pub value: String,
    /// Every child element with this name, in order.
    pub all: Vec<ElementId>,
}

/// Where a block sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Directly under an `<ossec_config>` root (index into [`Config::roots`]).
    OssecConfig(usize),
    /// Directly under an `<agent_config>` root: read by no daemon.
    AgentConfig(usize),
    /// At top level of a root-less fragment.
    TopLevel(usize),
}

impl Placement {
    /// Index into [`Config::roots`] of the root (or top-level block itself).
    pub fn root(self) -> usize {
        match self {
            Placement::OssecConfig(i) | Placement::AgentConfig(i) | Placement::TopLevel(i) => i,
        }
    }
}

/// A `<command>` block.
#[derive(Debug, Clone)]
pub struct Command {
    /// 1-based position among the commands, in document order.
    pub index: usize,
    /// The `<command>` element.
    pub element: ElementId,
    /// Where it sits.
    pub placement: Placement,
    /// `<name>`.
    pub name: Option<FieldValue>,
    /// `<executable>`.
    pub executable: Option<FieldValue>,
    /// `<timeout_allowed>`.
    pub timeout_allowed: Option<FieldValue>,
    /// `<extra_args>`.
    pub extra_args: Option<FieldValue>,
    /// `<expect>`.
    pub expect: Option<FieldValue>,
    /// Children with any other name, in order.
    pub unknown: Vec<ElementId>,
}

impl Command {
    /// The name as written, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|f| f.value.as_str())
    }

    /// Does the daemon allow a timeout (`timeout_allowed` exactly `yes`)?
    pub fn allows_timeout(&self) -> bool {
        self.timeout_allowed
            .as_ref()
            .is_some_and(|f| f.value == "yes")
    }

    /// The fields, in the order of docs/cli.md "Fields".
    pub fn fields(&self) -> [(Field, Option<&FieldValue>); 5] {
        Field::COMMAND.map(|f| (f, self.field(f)))
    }

    /// A field; `None` when absent or not a command field.
    pub fn field(&self, field: Field) -> Option<&FieldValue> {
        match field {
            Field::Name => self.name.as_ref(),
            Field::Executable => self.executable.as_ref(),
            Field::TimeoutAllowed => self.timeout_allowed.as_ref(),
            Field::ExtraArgs => self.extra_args.as_ref(),
            Field::Expect => self.expect.as_ref(),
            _ => None,
        }
    }

    /// A field's value, if present.
    pub fn value(&self, field: Field) -> Option<&str> {
        self.field(field).map(|f| f.value.as_str())
    }
}

/// An `<active-response>` block.
#[derive(Debug, Clone)]
pub struct Response {
    /// 1-based position among the responses, in document order (selector
    /// `response:N`).
    pub index: usize,
    /// The `<active-response>` element.
    pub element: ElementId,
    /// Where it sits.
    pub placement: Placement,
    /// `<disabled>`: any `yes` wins (docs/wazuh-config.md §3.4).
    pub disabled: Option<FieldValue>,
    /// `<command>`.
    pub command: Option<FieldValue>,
    /// `<location>`.
    pub location: Option<FieldValue>,
    /// `<agent_id>`.
    pub agent_id: Option<FieldValue>,
    /// `<level>`.
    pub level: Option<FieldValue>,
    /// `<rules_group>`.
    pub rules_group: Option<FieldValue>,
    /// `<rules_id>`.
    pub rules_id: Option<FieldValue>,
    /// `<timeout>`.
    pub timeout: Option<FieldValue>,
    /// `<repeated_offenders>`.
    pub repeated_offenders: Option<FieldValue>,
    /// `<ca_store>` (agent side; several are collected).
    pub ca_store: Option<FieldValue>,
    /// `<ca_verification>` (agent side only).
    pub ca_verification: Option<FieldValue>,
    /// Children with any other name, in order.
    pub unknown: Vec<ElementId>,
}

impl Response {
    /// A field; `None` when absent or not a response field.
    pub fn field(&self, field: Field) -> Option<&FieldValue> {
        match field {
            Field::Disabled => self.disabled.as_ref(),
            Field::Command => self.command.as_ref(),
            Field::Location => self.location.as_ref(),
            Field::AgentId => self.agent_id.as_ref(),
            Field::Level => self.level.as_ref(),
            Field::RulesGroup => self.rules_group.as_ref(),
            Field::RulesId => self.rules_id.as_ref(),
            Field::Timeout => self.timeout.as_ref(),
            Field::RepeatedOffenders => self.repeated_offenders.as_ref(),
            Field::CaStore => self.ca_store.as_ref(),
            Field::CaVerification => self.ca_verification.as_ref(),
            _ => None,
        }
    }

    /// A field's value, if present.
    pub fn value(&self, field: Field) -> Option<&str> {
        self.field(field).map(|f| f.value.as_str())
    }

    /// `disabled` is `yes` (the block yields no response).
    pub fn is_disabled(&self) -> bool {
        self.value(Field::Disabled) == Some("yes")
    }

    /// The command name, when present and not empty (empty counts as missing, §3.5).
    pub fn command_name(&self) -> Option<&str> {
        self.value(Field::Command).filter(|v| !v.is_empty())
    }

    /// The location flags, when present and not empty.
    pub fn location_flags(&self) -> Option<Location> {
        self.value(Field::Location)
            .filter(|v| !v.is_empty())
            .map(Location::read)
    }

    /// The level when it is valid (0 = not set).
    pub fn level_value(&self) -> Option<Level> {
        self.value(Field::Level).and_then(Level::parse)
    }

    /// The timeout as the daemon reads it (0 when absent).
    pub fn timeout_value(&self) -> Timeout {
        Timeout::read(self.value(Field::Timeout).unwrap_or(""))
    }

    /// The agent id, when present.
    pub fn agent(&self) -> Option<AgentId> {
        self.value(Field::AgentId).map(|v| AgentId(v.to_owned()))
    }
}

/// The typed view of a whole file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Manager or agent file.
    pub kind: ConfigKind,
    /// Top-level elements.
    pub roots: Vec<Root>,
    /// Every `<command>` block, in document order.
    pub commands: Vec<Command>,
    /// Every `<active-response>` block, in document order.
    pub responses: Vec<Response>,
}

impl Config {
    /// Lowers a parsed document (docs/choices.md "Which blocks").
    pub fn from_document(doc: &Document) -> Config {
        let mut cfg = Config {
            kind: ConfigKind::Manager,
            // Sized once: a file of a million top-level elements must not hold a
            // doubling's two buffers.
            roots: Vec::with_capacity(doc.roots().count()),
            commands: Vec::new(),
            responses: Vec::new(),
        };
        for (i, id) in doc.roots().enumerate() {
            let kind = match doc.name(id) {
                "ossec_config" => RootKind::OssecConfig,
                "agent_config" => RootKind::AgentConfig,
                "command" | "active-response" => RootKind::Block,
                _ => RootKind::Other,
            };
            match kind {
                RootKind::OssecConfig => {
                    // Wazuh 5.x agent files name the section <agent> instead of <client>.
                    let agent = ["client", "agent"]
                        .iter()
                        .any(|n| doc.children_named(id, n).next().is_some());
                    if agent {
                        cfg.kind = ConfigKind::Agent;
                    }
                    for child in doc.children(id) {
                        cfg.add_block(doc, child, Placement::OssecConfig(i));
                    }
                }
                RootKind::AgentConfig => {
                    for child in doc.children(id) {
                        cfg.add_block(doc, child, Placement::AgentConfig(i));
                    }
                }
                RootKind::Block => cfg.add_block(doc, id, Placement::TopLevel(i)),
                RootKind::Other => {}
            }
            cfg.roots.push(Root { element: id, kind });
        }
        cfg
    }

    fn add_block(&mut self, doc: &Document, id: ElementId, placement: Placement) {
        match doc.name(id) {
            "command" => {
                let mut c = Command {
                    index: self.commands.len() + 1,
                    element: id,
                    placement,
                    name: None,
                    executable: None,
                    timeout_allowed: None,
                    extra_args: None,
                    expect: None,
                    unknown: Vec::new(),
                };
                for child in doc.children(id) {
                    let slot = match Field::parse(BlockKind::Command, doc.name(child)) {
                        Ok(Field::Name) => &mut c.name,
                        Ok(Field::Executable) => &mut c.executable,
                        Ok(Field::TimeoutAllowed) => &mut c.timeout_allowed,
                        Ok(Field::ExtraArgs) => &mut c.extra_args,
                        Ok(Field::Expect) => &mut c.expect,
                        _ => {
                            c.unknown.push(child);
                            continue;
                        }
                    };
                    set_last(slot, doc, child);
                }
                self.commands.push(c);
            }
            "active-response" => {
                let r = self.lower_response(doc, id, placement);
                self.responses.push(r);
            }
            _ => {}
        }
    }

    fn lower_response(&self, doc: &Document, id: ElementId, placement: Placement) -> Response {
        let mut r = Response {
            index: self.responses.len() + 1,
            element: id,
            placement,
            disabled: None,
            command: None,
            location: None,
            agent_id: None,
            level: None,
            rules_group: None,
            rules_id: None,
            timeout: None,
            repeated_offenders: None,
            ca_store: None,
            ca_verification: None,
            unknown: Vec::new(),
        };
        for child in doc.children(id) {
            let slot = match Field::parse(BlockKind::Response, doc.name(child)) {
                Ok(Field::Disabled) => {
                    set_disabled(&mut r.disabled, doc, child);
                    continue;
                }
                Ok(Field::Command) => &mut r.command,
                Ok(Field::Location) => &mut r.location,
                Ok(Field::AgentId) => &mut r.agent_id,
                Ok(Field::Level) => &mut r.level,
                Ok(Field::RulesGroup) => &mut r.rules_group,
                Ok(Field::RulesId) => &mut r.rules_id,
                Ok(Field::Timeout) => &mut r.timeout,
                Ok(Field::RepeatedOffenders) => &mut r.repeated_offenders,
                Ok(Field::CaStore) => &mut r.ca_store,
                Ok(Field::CaVerification) => &mut r.ca_verification,
                _ => {
                    r.unknown.push(child);
                    continue;
                }
            };
            set_last(slot, doc, child);
        }
        r
    }

    /// The N-th `<command>` (1-based, selector `command#N`); `None` out of range.
    pub fn command_at(&self, n: usize) -> Option<&Command> {
        self.commands.get(n.checked_sub(1)?)
    }

    /// The N-th `<active-response>` (1-based, selector `response:N`); `None` out of
    /// range.
    pub fn response(&self, n: usize) -> Option<&Response> {
        self.responses.get(n.checked_sub(1)?)
    }

    /// A field of a block as it reads now; `None` when absent, when the block is out
    /// of range, or when the field is not of its kind.
    pub fn field(&self, block: BlockRef, field: Field) -> Option<&FieldValue> {
        match block {
            BlockRef::Command(n) => self.command_at(n)?.field(field),
            BlockRef::Response(n) => self.response(n)?.field(field),
        }
    }

    /// The element of a block; `None` out of range.
    pub fn element_of(&self, block: BlockRef) -> Option<ElementId> {
        match block {
            BlockRef::Command(n) => self.command_at(n).map(|c| c.element),
            BlockRef::Response(n) => self.response(n).map(|r| r.element),
        }
    }

    /// How many blocks of this kind the file has.
    pub fn count(&self, kind: BlockKind) -> usize {
        match kind {
            BlockKind::Command => self.commands.len(),
            BlockKind::Response => self.responses.len(),
        }
    }

    /// The first command defined with this name (Wazuh uses the first, §2).
    pub fn command(&self, name: &str) -> Option<&Command> {
        self.commands.iter().find(|c| c.name() == Some(name))
    }

    /// The responses whose `<command>` is `name`, in document order: those a rename
    /// must follow and a removal would break (wherever the command is defined; an
    /// empty `<command>` names no command).
    pub fn users_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Response> + 'a {
        self.responses
            .iter()
            .filter(move |r| r.command_name() == Some(name))
    }
}

/// A repeated child: the last one is the value (the reader overwrites, docs/choices.md).
fn set_last(slot: &mut Option<FieldValue>, doc: &Document, child: ElementId) {
    let mut all = slot.take().map(|f| f.all).unwrap_or_default();
    all.push(child);
    *slot = Some(FieldValue {
        element: child,
        value: doc.value(child),
        all,
    });
}

/// `disabled`: any `yes` wins (docs/wazuh-config.md §3.4).
fn set_disabled(slot: &mut Option<FieldValue>, doc: &Document, child: ElementId) {
    let already_yes = slot.as_ref().is_some_and(|f| f.value == "yes");
    if already_yes {
        if let Some(f) = slot.as_mut() {
            f.all.push(child);
        }
    } else {
        set_last(slot, doc, child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    const TWO_ROOTS: &str = "<ossec_config>\n  <command>\n    <name>fd</name>\n    <executable>firewall-drop</executable>\n  </command>\n</ossec_config>\n<ossec_config>\n  <active-response>\n    <command>fd</command>\n    <location>local</location>\n    <level>7</level>\n    <level>9</level>\n    <disabled>yes</disabled>\n    <disabled>no</disabled>\n  </active-response>\n</ossec_config>\n";

    #[test]
    fn blocks_across_roots_last_value_wins_any_yes_disables() {
        let doc = parse(TWO_ROOTS);
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.kind, ConfigKind::Manager);
        assert_eq!(cfg.commands.len(), 1);
        assert_eq!(cfg.commands[0].name(), Some("fd"));
        let r = &cfg.responses[0];
        assert_eq!(r.index, 1);
        assert_eq!(r.value(Field::Level), Some("9"));
        assert_eq!(r.level.as_ref().map(|f| f.all.len()), Some(2));
        assert!(r.is_disabled());
    }

    #[test]
    fn users_of_a_command_in_document_order() {
        let doc = parse(
            "<ossec_config><active-response><command>a</command></active-response><active-response><command>b</command></active-response><active-response><command></command></active-response><active-response><command>a</command></active-response></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        let users = |n| cfg.users_of(n).map(|r| r.index).collect::<Vec<_>>();
        assert_eq!(users("a"), [1, 4]);
        assert_eq!(users("b"), [2]);
        assert_eq!(users(""), Vec::<usize>::new());
    }

    #[test]
    fn client_child_makes_an_agent_config() {
        let doc = parse(
            "<ossec_config><client><server/></client><active-response><disabled>no</disabled></active-response></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.kind, ConfigKind::Agent);
        assert_eq!(cfg.responses.len(), 1);
    }

    #[test]
    fn wazuh_5_agent_section_also_makes_an_agent_config() {
        let doc = parse(
            "<ossec_config><agent><server/></agent><active-response><disabled>no</disabled></active-response></ossec_config>",
        );
        assert_eq!(Config::from_document(&doc).kind, ConfigKind::Agent);
    }

    #[test]
    fn top_level_blocks_of_a_fragment_are_counted() {
        let doc = parse(
            "```\n<command><name>x</name><executable>y</executable></command>\n<active-response><command>x</command><location>local</location></active-response>\n```\n",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.commands.len(), 1);
        assert_eq!(cfg.responses.len(), 1);
        assert!(matches!(cfg.responses[0].placement, Placement::TopLevel(1)));
    }
}
