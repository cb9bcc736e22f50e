//! Texts of the agent settings, the details overlay, the one-pane layout and a file
//! without a root (issue 13), re-exported by `strings` so that every text is reached
//! the same way.

/// An agent's `<disabled>`.
pub(crate) const ABOUT_AGENT_DISABLED: &str =
    "yes: this agent runs no active response at all (execd); no: it runs what the manager sends";
/// An agent's `<repeated_offenders>`.
pub(crate) const ABOUT_AGENT_REPEATED_OFFENDERS: &str = "minutes this agent adds to the timeout for a repeated source: 2nd, 3rd... time (up to 5 values)";
/// An agent's `<ca_store>`.
pub(crate) const ABOUT_CA_STORE: &str = "a certificate (.pem) or folder WPK upgrades are verified with (modulesd; repeat the element for more)";
/// An agent's `<ca_verification>`.
pub(crate) const ABOUT_CA_VERIFICATION: &str =
    "yes/no: verify WPK upgrade packages against ca_store (modulesd; deprecated place)";

/// Guided creation in a file without a root.
pub(crate) const ADD_ROOT_TITLE: &str = "no <ossec_config> root";
/// See [`ADD_ROOT_TITLE`].
pub(crate) const ADD_ROOT_QUESTION: &str = "This file has no <ossec_config> root, so there is nowhere to add a response: the daemons read blocks only inside one. Add an empty <ossec_config> root at the end of the file (the text before it stays as it is), then create the response?";
/// The details overlay (`i`).
pub(crate) const DETAILS_TITLE: &str = "details: the full text (j/k scroll, Esc closes)";
/// See [`DETAILS_TITLE`].
pub(crate) const DETAILS_FILE: &str = "File";
/// See [`DETAILS_TITLE`].
pub(crate) const DETAILS_MESSAGE: &str = "Last message";
/// See [`DETAILS_TITLE`].
pub(crate) const DETAILS_FILE_FINDINGS: &str = "Findings about the whole file";
/// See [`DETAILS_TITLE`].
pub(crate) const DETAILS_NONE: &str = "none";
/// See [`DETAILS_TITLE`].
pub(crate) fn details_block(what: &str) -> String {
    format!("Findings of {what}")
}
/// `a` in an agent's ossec.conf.
pub(crate) const AGENT_FORM_TITLE: &str =
    "this agent's active-response settings (what execd and modulesd read here)";
/// See [`AGENT_FORM_TITLE`].
pub(crate) const AGENT_FORM_NOTE: &str =
    "  Enter on disabled, ca_verification: toggle; elsewhere: preview, then Enter inserts";
/// See [`AGENT_FORM_TITLE`].
pub(crate) const AGENT_REVIEW_TITLE: &str = "agent settings: Enter inserts, Esc goes back";
/// See [`AGENT_FORM_TITLE`].
pub(crate) const AGENT_SETTINGS_NEEDED: &str =
    "fill at least one setting: an empty block says nothing";

/// A field's finding standing for `more` others of the same kind.
pub(crate) fn and_more_alike(first: &str, more: usize) -> String {
    format!("{first} (and {more} more like it; i shows all)")
}

/// The other pane, in the hint bar of the one-pane layout.
pub(crate) const PANE_FORM: &str = "form";
/// See [`PANE_FORM`].
pub(crate) const PANE_SIM: &str = "sim";
/// See [`PANE_FORM`].
pub(crate) const PANE_LIST: &str = "list";

/// A response block without command in a shared agent.conf, in the list.
pub(crate) const SHARED_BLOCK: &str = "agent settings in agent.conf";
/// A shared agent.conf (`<agent_config>` roots), in the status line.
pub(crate) const CENTRALIZED: &str = "centralized agent config";

/// `a` in an agent's file that has a settings block already.
pub(crate) const AGENT_EDIT_FIRST: &str = "an agent reads its settings from the first <active-response>: edit them here (a second block would not be read)";

/// Above the conflicts of a merge.
pub(crate) const CONFLICTS_HEAD: &str = "You and the other writer changed these fields both ways; everything else of both is merged. For each, o keeps yours, t theirs; Enter merges and shows the diff against the file as it is now.";
/// The conflicts popup's title.
pub(crate) fn conflicts_title(n: usize) -> String {
    match n {
        1 => "merge: 1 field changed both ways".to_string(),
        n => format!("merge: {n} fields changed both ways"),
    }
}
/// Where a conflict is: `response #2, <level> (line 30)`.
pub(crate) fn conflict_place(block: Option<&str>, field: Option<&str>, line: usize) -> String {
    let mut parts = Vec::new();
    parts.extend(block.map(str::to_string));
    parts.extend(field.map(|f| format!("<{f}>")));
    parts.push(format!("(line {line})"));
    parts.join(" ")
}
/// The choice shown beside a conflict.
pub(crate) const KEEP_YOURS: &str = "keep yours";
/// See [`KEEP_YOURS`].
pub(crate) const KEEP_THEIRS: &str = "keep theirs";
/// See [`KEEP_YOURS`].
pub(crate) const UNDECIDED: &str = "o or t?";
/// Heads of the two columns.
pub(crate) const YOURS_HEAD: &str = "yours";
/// See [`YOURS_HEAD`].
pub(crate) const THEIRS_HEAD: &str = "theirs (on disk)";
/// A side that removed the lines.
pub(crate) const REMOVED: &str = "(removed)";
/// Enter with conflicts left.
pub(crate) fn conflicts_left(n: usize) -> String {
    match n {
        1 => "1 field still to decide: o keeps yours, t theirs".to_string(),
        n => format!("{n} fields still to decide: o keeps yours, t theirs"),
    }
}
/// Esc in the conflicts.
pub(crate) const MERGE_CANCELLED: &str =
    "merge cancelled: nothing written, your edits are kept (s to save again)";
/// `u` right after a reload, with edits set aside.
pub(crate) const NOTHING_TO_UNDO_RELOADED: &str =
    "nothing to undo since the reload: R re-applies the edits the reload set aside";
/// After `R`.
pub(crate) const REAPPLIED: &str = "re-applied the edits from before the reload (u undoes them)";
/// `R` with nothing set aside.
pub(crate) const NOTHING_TO_REAPPLY: &str = "no edits set aside: R re-applies them after a reload";
/// Help section of the conflicts.
pub(crate) const HELP_CONFLICTS: &str = "Fields both changed (merge)";
/// After a reload that dropped edits.
pub(crate) const RELOADED_SET_ASIDE: &str =
    "reloaded from disk; your edits are set aside: R re-applies them onto this version";
/// Esc in the conflicts of `R`.
pub(crate) const REAPPLY_CANCELLED: &str =
    "nothing re-applied: the edits stay set aside (R tries again)";

/// A paste into `l`'s line cut at the longest line the engine reads.
pub(crate) fn event_paste_cut(max: usize) -> String {
    format!("paste cut at {max} bytes: the longest log line the engine keeps")
}

/// Pasting where nothing is typed: the paste is not taken as keys.
pub(crate) const PASTE_IGNORED: &str =
    "paste ignored: nothing is being typed here (Enter on a field, / or l first)";

/// Where a count or the ruleset-aware findings wait for their background job.
pub(crate) const MATCHING: &str = "matching...";

/// The status line while the ruleset-aware findings wait for their job.
pub(crate) const RULES_MATCHING: &str = " (rule checks: matching...)";

/// The live count of a trigger while a job counts it.
pub(crate) fn binds_matching() -> String {
    format!("binds ... of the loaded rules ({MATCHING})")
}
