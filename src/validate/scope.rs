//! Which daemon reads a block, and what analysisd makes of a response: the shared
//! reading that the rules build on (SPEC §7 "Which blocks", reference
//! `wazuh-semantics.md` §1, §3.2–§3.5, `ossec-semantics.md` §2, §4).

use super::Context;
use crate::model::{
    BlockRef, Command, ConfigKind, Location, Placement, Profile, Response, Root, RootKind,
};
use crate::xml::ElementId;

/// Who reads a block's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    /// wazuh-analysisd (ossec-analysisd): a manager config, or a root-less fragment,
    /// which is checked as if it were pasted into a manager's `<ossec_config>`.
    Analysisd,
    /// An agent config: only execd and modulesd read `<active-response>` there.
    Agent,
    /// Inside `<agent_config>`: no daemon reads it (reference §1).
    Nobody,
}

/// Who reads a block at `placement`.
pub(super) fn reader(ctx: &Context<'_>, placement: Placement) -> Reader {
    match placement {
        Placement::OssecConfig(_) if ctx.config.kind == ConfigKind::Manager => Reader::Analysisd,
        Placement::OssecConfig(_) => Reader::Agent,
        Placement::TopLevel(_) => Reader::Analysisd,
        Placement::AgentConfig(_) => Reader::Nobody,
    }
}

/// Does the element have a child element? Blocks without one are not sections at all
/// (they get `empty-block`), so no other rule looks at them.
fn has_children(ctx: &Context<'_>, id: ElementId) -> bool {
    ctx.doc.element(id).children().next().is_some()
}

/// Commands read by analysisd, in document order.
pub(super) fn manager_commands<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Command> {
    ctx.config.commands.iter().filter(move |c| {
        reader(ctx, c.placement) == Reader::Analysisd && has_children(ctx, c.element)
    })
}

/// Responses read by analysisd, in document order.
pub(super) fn manager_responses<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Response> {
    responses_read_by(ctx, Reader::Analysisd)
}

/// Responses of an agent config (execd/modulesd settings), in document order.
pub(super) fn agent_responses<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Response> {
    responses_read_by(ctx, Reader::Agent)
}

fn responses_read_by<'a>(ctx: &'a Context<'a>, who: Reader) -> impl Iterator<Item = &'a Response> {
    ctx.config
        .responses
        .iter()
        .filter(move |r| reader(ctx, r.placement) == who && has_children(ctx, r.element))
}

/// Responses directly under `<ossec_config>` roots, whatever the kind of file: the
/// blocks wazuh-execd reads on managers and agents alike (reference §3.8, §5.6).
pub(super) fn execd_responses<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Response> {
    ctx.config.responses.iter().filter(move |r| {
        matches!(r.placement, Placement::OssecConfig(_)) && has_children(ctx, r.element)
    })
}

/// The `<ossec_config>` roots, in document order.
pub(super) fn ossec_roots<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a Root> {
    ctx.config
        .roots
        .iter()
        .filter(|r| r.kind == RootKind::OssecConfig)
}

/// The execd daemon's name in the profile, for messages.
pub(super) fn execd(ctx: &Context<'_>) -> &'static str {
    match ctx.profile {
        Profile::Wazuh => "wazuh-execd",
        Profile::Ossec => "ossec-execd",
    }
}

/// Where a finding about an element points: its start tag (SPEC §7).
pub(super) fn at(ctx: &Context<'_>, id: ElementId) -> usize {
    ctx.doc.element(id).span.start
}

/// The 1-based line of an element, for messages that refer to another place.
pub(super) fn line(ctx: &Context<'_>, id: ElementId) -> usize {
    ctx.doc.line_col(at(ctx, id)).0
}

/// The block reference of a command.
pub(super) fn cmd_ref(c: &Command) -> Option<BlockRef> {
    Some(BlockRef::Command(c.index))
}

/// The block reference of a response.
pub(super) fn resp_ref(r: &Response) -> Option<BlockRef> {
    Some(BlockRef::Response(r.index))
}

/// Every child of `id` named `name`, with its value.
pub(super) fn children<'a>(
    ctx: &'a Context<'a>,
    id: ElementId,
    name: &'a str,
) -> impl Iterator<Item = (ElementId, String)> + 'a {
    ctx.doc
        .children_named(id, name)
        .map(move |c| (c, ctx.doc.value(c)))
}

/// A value for a message: quoted, with control characters made visible.
pub(super) fn shown(v: &str) -> String {
    let mut s = String::from("'");
    for ch in v.chars() {
        match ch {
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('\'');
    s
}

/// What analysisd does with a response block, decided in the order its reader
/// decides (reference §3.2–§3.5; `ReadActiveResponses`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Outcome {
    /// `disabled` is `yes`: dropped before anything else is checked (§3.4).
    Disabled,
    /// No usable `command` or `location`: dropped silently when the block holds
    /// `repeated_offenders`, fatal 1281 otherwise (§3.5).
    Incomplete {
        /// `repeated_offenders` is present, so the daemon drops the block quietly.
        settings: bool,
    },
    /// `defined-agent` without `agent_id`: fatal 1304.
    NoAgent,
    /// `defined-agent` whose id reads as 0: warning 1306, block dropped (Wazuh only).
    AgentZero,
    /// The location sets no flag: fatal 1302.
    BadLocation,
    /// The command is not defined earlier in the file: fatal 1303.
    Undefined,
    /// Accepted: bound to the command at this position of `Config::commands` (a
    /// timeout may still be refused, §3.6).
    Bound(usize),
}

impl Outcome {
    /// Does the block define a response (it has a command and a location, and is
    /// neither disabled nor dropped)? Rules about triggers and targets look only at
    /// these.
    pub(super) fn defines(&self) -> bool {
        matches!(
            self,
            Outcome::NoAgent | Outcome::BadLocation | Outcome::Undefined | Outcome::Bound(_)
        )
    }
}

/// A value the reader treats as given: Wazuh counts an empty `<command>` or
/// `<location>` as missing, OSSEC reads it (reference `ossec-semantics.md` §12).
fn given<'r>(ctx: &Context<'_>, r: &'r Response, name: &str) -> Option<&'r str> {
    let v = r.value(name)?;
    (ctx.profile == Profile::Ossec || !v.is_empty()).then_some(v)
}

/// What analysisd makes of response `r` (which it reads); computed for every response
/// once per check, since most rules ask.
pub(super) fn outcome(ctx: &Context<'_>, r: &Response) -> Outcome {
    let all = ctx.outcomes.get_or_init(|| {
        ctx.config
            .responses
            .iter()
            .map(|r| decide(ctx, r))
            .collect()
    });
    all.get(r.index - 1)
        .copied()
        .unwrap_or_else(|| decide(ctx, r))
}

fn decide(ctx: &Context<'_>, r: &Response) -> Outcome {
    if r.is_disabled() {
        return Outcome::Disabled;
    }
    let (Some(command), Some(location)) = (given(ctx, r, "command"), given(ctx, r, "location"))
    else {
        return Outcome::Incomplete {
            settings: r.repeated_offenders.is_some(),
        };
    };
    let flags = Location::read(location);
    if flags.has(Location::SPECIFIC_AGENT) {
        match r.agent() {
            None => return Outcome::NoAgent,
            Some(id) if id.number() == 0 && ctx.profile == Profile::Wazuh => {
                return Outcome::AgentZero;
            }
            Some(_) => {}
        }
    }
    if flags.is_empty() {
        return Outcome::BadLocation;
    }
    let start = at(ctx, r.element);
    let found = ctx.config.commands.iter().position(|c| {
        reader(ctx, c.placement) == Reader::Analysisd
            && at(ctx, c.element) < start
            && c.name() == Some(command)
    });
    found.map_or(Outcome::Undefined, Outcome::Bound)
}

/// The command response `r` is bound to, when analysisd accepts it.
pub(super) fn bound_command<'a>(ctx: &Context<'a>, r: &Response) -> Option<&'a Command> {
    match outcome(ctx, r) {
        Outcome::Bound(i) => ctx.config.commands.get(i),
        _ => None,
    }
}

/// The timeout analysisd keeps: Wazuh forces it to 0 when the command does not allow
/// one (§3.6); OSSEC refuses the file instead, so the written value stands.
pub(super) fn effective_timeout(ctx: &Context<'_>, r: &Response, c: &Command) -> i64 {
    let t = r.timeout_value().0;
    if ctx.profile == Profile::Wazuh && !c.allows_timeout() {
        0
    } else {
        t
    }
}

/// The active-response name analysisd builds: command name, then the timeout as
/// `%d` (§3.7), e.g. `firewall-drop600`.
pub(super) fn ar_name(ctx: &Context<'_>, r: &Response, c: &Command) -> String {
    format!(
        "{}{}",
        c.name().unwrap_or_default(),
        effective_timeout(ctx, r, c)
    )
}
