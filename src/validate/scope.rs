//! Which daemon reads a block, and what analysisd makes of a response (read once per
//! check by `model::analysisd`): the shared reading that the rules build on (docs/choices.md
//! "Which blocks", docs/wazuh-config.md §1, §3.2–§3.5, docs/ossec.md
//! §2, §4).

use super::Context;
use crate::model::{BlockRef, Command, Field, Placement, Profile, Response, Root, RootKind};
use crate::xml::ElementId;

pub(super) use crate::model::{Outcome, Reader};

/// Who reads a block at `placement`.
pub(super) fn reader(ctx: &Context<'_>, placement: Placement) -> Reader {
    ctx.config.reader(placement)
}

/// Does the element have a child element? Blocks without one are not sections at all
/// (they get `empty-block`), so no other rule looks at them.
fn has_children(ctx: &Context<'_>, id: ElementId) -> bool {
    ctx.doc.children(id).next().is_some()
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
/// blocks wazuh-execd reads on managers and agents alike (docs/wazuh-config.md §3.8, §5.6).
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

/// Where a finding about an element points: its start tag (docs/choices.md).
pub(super) fn at(ctx: &Context<'_>, id: ElementId) -> usize {
    ctx.doc.element(id).span().start
}

/// The 1-based line of an element, for messages that refer to another place.
pub(super) fn line(ctx: &Context<'_>, id: ElementId) -> usize {
    ctx.doc.line_col(at(ctx, id)).0
}

/// The block reference of a command.
pub(super) fn cmd_ref(c: &Command) -> BlockRef {
    BlockRef::Command(c.index)
}

/// The block reference of a response.
pub(super) fn resp_ref(r: &Response) -> BlockRef {
    BlockRef::Response(r.index)
}

/// Every child of `id` named `name`, with its value.
pub(super) fn children<'a>(
    ctx: &'a Context<'a>,
    id: ElementId,
    field: Field,
) -> impl Iterator<Item = (ElementId, String)> + 'a {
    ctx.doc
        .children_named(id, field.name())
        .map(move |c| (c, ctx.doc.value(c)))
}

/// A value for a message: quoted, with control characters made visible.
pub(super) fn shown(v: &str) -> String {
    crate::model::judge::quoted(v)
}

/// What analysisd makes of response `r` (which it reads; `model::analysisd`).
pub(super) fn outcome(ctx: &Context<'_>, r: &Response) -> Outcome {
    ctx.analysis().outcome(r)
}

/// The command response `r` is bound to, when analysisd accepts it.
pub(super) fn bound_command<'a>(ctx: &'a Context<'_>, r: &Response) -> Option<&'a Command> {
    ctx.analysis().command(r)
}
