//! Every user-visible text of the editor, in one place (docs/ARCHITECTURE.md "Habits" 7). Messages
//! name what the daemon would do, with the docs/ section that says so in the comment.

pub(crate) use super::strings_logs::*;
pub(crate) use super::strings_more::*;

// Field help, one line each (shown under the form for the focused field).

/// `<command><name>`.
pub(crate) const ABOUT_NAME: &str =
    "the name responses use; renaming also renames the responses that use it";
/// `<executable>`.
pub(crate) const ABOUT_EXECUTABLE: &str =
    "a program in active-response/bin on the host that runs it";
/// `<timeout_allowed>`.
pub(crate) const ABOUT_TIMEOUT_ALLOWED: &str =
    "yes: the response is undone after its timeout (stateful); no: the timeout is forced to 0";
/// `<extra_args>`.
pub(crate) const ABOUT_EXTRA_ARGS: &str = "extra arguments given to the program";
/// `<expect>` (docs/wazuh-config.md §2).
pub(crate) const ABOUT_EXPECT: &str =
    "ignored since Wazuh 4.2 (the script reads what it needs); required by OSSEC";
/// `<disabled>` (docs/wazuh-config.md §3.4).
pub(crate) const ABOUT_DISABLED: &str =
    "yes: no response from this block (in an agent's file: active response off there)";
/// `<active-response><command>`.
pub(crate) const ABOUT_COMMAND: &str = "a <command> defined before this block (Enter: pick one)";
/// `<location>` (docs/wazuh-config.md §3.3).
pub(crate) const ABOUT_LOCATION: &str = "where the command runs (Enter: choose)";
/// `<agent_id>` (docs/wazuh-config.md §3.3).
pub(crate) const ABOUT_AGENT_ID: &str =
    "one agent, three digits (001); used only with location defined-agent";
/// `<level>` (docs/wazuh-config.md §4.2).
pub(crate) const ABOUT_LEVEL: &str =
    "fires on rules of this level or higher (1-16); with rules_group both must hold";
/// `<rules_group>` (docs/wazuh-config.md §4.4).
pub(crate) const ABOUT_RULES_GROUP: &str =
    "pattern on the rule's groups: | means or, a comma is a literal comma";
/// `<rules_id>` (docs/wazuh-config.md §4.3).
pub(crate) const ABOUT_RULES_ID: &str =
    "rule ids separated by commas; fires on them whatever the level";
/// `<timeout>` (docs/wazuh-config.md §3.6, §5.5).
pub(crate) const ABOUT_TIMEOUT: &str = "seconds before the response is undone (0: never)";
/// `<repeated_offenders>` (docs/wazuh-config.md §5.6).
pub(crate) const ABOUT_REPEATED_OFFENDERS: &str =
    "minutes for the 2nd, 3rd... time (up to 5); read only by the host that runs it";

// Locations (docs/wazuh-config.md §3.3, §5.2).

/// `local`.
pub(crate) const LOCATION_LOCAL: &str = "on the agent (or manager) where the event came from";
/// `server`.
pub(crate) const LOCATION_SERVER: &str = "on the manager only";
/// `defined-agent`.
pub(crate) const LOCATION_DEFINED_AGENT: &str = "on one agent, named by agent_id";
/// `all`.
pub(crate) const LOCATION_ALL: &str = "on every active agent, never on the manager";

// Built-in scripts.

/// firewall-drop.
pub(crate) const BUILTIN_FIREWALL_DROP: &str = "block the source IP with iptables (Linux)";
/// host-deny.
pub(crate) const BUILTIN_HOST_DENY: &str = "add the source IP to /etc/hosts.deny";
/// route-null.
pub(crate) const BUILTIN_ROUTE_NULL: &str = "null-route the source IP (Linux, BSD)";
/// disable-account.
pub(crate) const BUILTIN_DISABLE_ACCOUNT: &str = "lock the user account of the event";
/// restart-wazuh.
pub(crate) const BUILTIN_RESTART_WAZUH: &str = "restart the Wazuh agent or manager (no timeout)";
/// firewalld-drop.
pub(crate) const BUILTIN_FIREWALLD_DROP: &str = "block the source IP with firewalld";
/// netsh.
pub(crate) const BUILTIN_NETSH: &str = "block the source IP with the Windows firewall";
/// win_route-null.
pub(crate) const BUILTIN_WIN_ROUTE_NULL: &str = "null-route the source IP (Windows)";

// Value checks (docs/wazuh-config.md §2, §3.2, §3.3, §4.3, §4.4, §5.6).

/// Empty executable (docs/wazuh-config.md §2: 1280).
pub(crate) const EXECUTABLE_EMPTY: &str = "an empty executable runs nothing";
/// `expect` under Wazuh.
pub(crate) const EXPECT_IGNORED: &str = "Wazuh 4.2 and later ignore <expect>";
/// Very low level (docs/wazuh-config.md §10 pitfall 16).
pub(crate) const LEVEL_LOW: &str =
    "a level this low fires on almost every alert, its own notifications included";
/// `|` inside parentheses (docs/wazuh-config.md §4.4).
pub(crate) const GROUPS_PARENS: &str =
    "'|' inside parentheses does not compile: the pattern would never match";
/// Comma in a group pattern (docs/wazuh-config.md §4.4).
pub(crate) const GROUPS_COMMA: &str =
    "a comma is a literal comma (the groups must be adjacent): use | to mean 'or'";
/// Where repeated_offenders acts (docs/wazuh-config.md §5.6).
pub(crate) const MINUTES_WHERE: &str =
    "minutes; only the ossec.conf of the host that runs the response counts";

/// A two-digit agent id (docs/wazuh-config.md §10 pitfall 6).
pub(crate) fn agent_short(v: &str) -> String {
    format!("agent {v:0>3}: the agent list writes ids with three digits")
}

/// The list's top line: a finding about the file rather than a block.
pub(crate) fn file_finding(line: usize, message: &str, more: usize) -> String {
    let more = if more > 0 {
        format!(" (+{more} more)")
    } else {
        String::new()
    };
    // The count before the message, which the list's width may cut.
    format!("file, line {line}{more}: {message}")
}

/// Executable not under the home.
pub(crate) fn executable_missing(bin: &str) -> String {
    format!("not found in {bin} on this machine")
}

/// Timeout on a command without timeout_allowed (docs/wazuh-config.md §3.6: 1305).
pub(crate) fn timeout_not_allowed(command: &str) -> String {
    format!(
        "command '{command}' does not allow a timeout (no <timeout_allowed>yes</timeout_allowed>): the daemon forces it to 0"
    )
}

// Screen chrome.

/// The list pane's title.
pub(crate) const LIST_TITLE: &str = " blocks ";
/// The commands section header.
pub(crate) const COMMANDS: &str = "Commands";
/// The responses section header.
pub(crate) const RESPONSES: &str = "Responses";
/// A section with nothing to show.
pub(crate) const NONE_MATCH: &str = "   (none)";
/// After the filter text.
pub(crate) const FILTER_CLEAR_HINT: &str = "  (Esc clears)";
/// The form's title when no block exists.
pub(crate) const NOTHING_SELECTED: &str = " no block ";
/// The form of an empty file.
pub(crate) const EMPTY_FILE_HINT: &str =
    "  No <command> or <active-response> in this file.\n  Press a to add a response.";
/// A field that is not in the block.
pub(crate) const NOT_SET: &str = "-";
/// A yes/no field that is not in the block: the daemon's default.
pub(crate) const DEFAULT_NO: &str = "-  (not set: no)";
/// An absent yes/no field whose default is yes.
pub(crate) const DEFAULT_YES: &str = "-  (not set: yes)";
/// An agent id that no location reads.
pub(crate) const AGENT_UNUSED: &str = "unused: location is not defined-agent";
/// An agent file's settings block, in the list.
pub(crate) const EXECD_SETTINGS: &str = "execd settings";
/// Active response enabled on the agent.
pub(crate) const AR_ON: &str = "active response on";
/// Active response disabled on the agent.
pub(crate) const AR_OFF: &str = "active response off";
/// What a response block is in an agent's file (docs/choices.md, docs/wazuh-config.md
/// §3.8, §5.6).
pub(crate) const AGENT_RESPONSE: &str = "in an agent's ossec.conf execd reads this block: \
     disabled turns active response off on this agent, repeated_offenders sets the \
     longer timeouts for repeat offenders";
/// Command and location in an agent's file (docs/choices.md).
pub(crate) const AGENT_NOT_READ: &str =
    "no daemon reads <command>, command or location in an agent's ossec.conf";
/// Children the form does not edit.
pub(crate) const OTHER_ELEMENTS: &str = "other elements in this block are kept as they are";
/// Status line: manager file.
pub(crate) const MANAGER: &str = "manager";
/// Status line: agent file.
pub(crate) const AGENT: &str = "agent";
/// Status line: unsaved changes.
pub(crate) const MODIFIED: &str = " modified ";

// Popups.

/// The location dropdown.
pub(crate) const LOCATION_TITLE: &str = "location: where the command runs";
/// The command picker.
pub(crate) const COMMAND_TITLE: &str = "command (type to filter)";
/// A command defined after the response.
pub(crate) const DEFINED_AFTER: &str =
    "defined after this response: the daemon refuses that (1303)";
/// Delete question title.
pub(crate) const DELETE_TITLE: &str = "delete";
/// Quit question title.
pub(crate) const QUIT_TITLE: &str = "unsaved changes";
/// Quit question.
pub(crate) const QUIT_QUESTION: &str = "The file has unsaved changes.";
/// Changed on disk title.
pub(crate) const EXTERNAL_TITLE: &str = "the file changed on disk";
/// Changed on disk question (docs/editor.md "Saving" step 3).
pub(crate) const EXTERNAL_QUESTION: &str = "Someone else changed the file since it was read (the API, the \
     dashboard, another editor). Nothing was written. Merge (your edits replayed onto their \
     version, fields both changed shown side by side, then the diff), reload it (your edits \
     are set aside, R re-applies them) or write your version over theirs?";
/// After a merge.
pub(crate) const MERGED: &str =
    "merged: your edits are replayed onto the file as it is now; review the diff";

/// The diff preview.
pub(crate) const PREVIEW_TITLE: &str = "save: the changes to write";
/// The command form.
pub(crate) const NEW_COMMAND_TITLE: &str = "new command";
/// Under the new command's fields.
pub(crate) const NEW_COMMAND_NOTE: &str =
    "  Enter on timeout_allowed: toggle; elsewhere: preview, then Enter inserts";
/// The new command's diff preview: the keys as the footer shows them (Enter first,
/// `y` works too).
pub(crate) const NEW_COMMAND_REVIEW_TITLE: &str = "new command: Enter inserts, Esc goes back";
/// Help overlay title.
pub(crate) const HELP_TITLE: &str = "keys (j/k scroll, Esc closes)";
/// Help sections.
pub(crate) const HELP_BROWSE: &str = "List and form";
/// Help: the simulator pane.
pub(crate) const HELP_SIM: &str = "Simulator pane";
/// Help: editing.
pub(crate) const HELP_EDIT: &str = "Typing a value (also the filter and the wizard's fields)";
/// Help: dropdown.
pub(crate) const HELP_MENU: &str = "Dropdown";
/// Help: picker.
pub(crate) const HELP_PICK: &str = "Picker (type to filter)";
/// Help: preview.
pub(crate) const HELP_PREVIEW: &str = "Save preview";
/// Help: preview with errors.
pub(crate) const HELP_BLOCKED: &str = "Save preview, when the changes add errors";
/// Help: quit prompt.
pub(crate) const HELP_QUIT: &str = "Quitting with unsaved changes";
/// Help: external change.
pub(crate) const HELP_EXTERNAL: &str = "File changed on disk";

// Guided creation.

/// Step names.
pub(crate) const STEP_COMMAND: &str = "command";
/// Step 2.
pub(crate) const STEP_TRIGGER: &str = "trigger";
/// Step 3.
pub(crate) const STEP_LOCATION: &str = "location";
/// Step 3b.
pub(crate) const STEP_AGENT: &str = "agent";
/// Step 4.
pub(crate) const STEP_TIMING: &str = "timeout and repeated offenders";
/// Step 5.
pub(crate) const STEP_REVIEW: &str = "review: exactly what will be inserted";
/// First step's intro.
pub(crate) const WIZARD_INTRO: &str = "Which command runs? Type to filter.";
/// So far: command.
pub(crate) const WIZARD_COMMAND: &str = "command:  ";
/// Marks a command the wizard will define.
pub(crate) const WIZARD_NEW_COMMAND: &str = " (new <command>, added before the responses)";
/// So far: trigger.
pub(crate) const WIZARD_TRIGGER: &str = "trigger:  ";
/// So far: location.
pub(crate) const WIZARD_LOCATION: &str = "location: ";
/// No trigger at all (docs/wazuh-config.md §4.2 item 4).
pub(crate) const TRIGGER_NEEDED: &str =
    "give a level, groups or rule ids: without any, the response fires on nothing";
/// Level and group together (docs/wazuh-config.md §4.2).
pub(crate) const LEVEL_AND_GROUP: &str =
    "level and rules_group together: a rule must meet both (AND), not either";
/// Ids with level or group (docs/wazuh-config.md §4.2).
pub(crate) const IDS_ARE_OR: &str =
    "rules_id adds rules (OR): they fire whatever their level or groups";
/// Without loaded rules there is nothing to count.
pub(crate) const RULE_COUNTS_NEED_RULES: &str =
    "no rules loaded: --rules DIR (or a readable --ossec-home) shows what this binds";
/// The rule pickers' key.
pub(crate) const PICK_RULES_HINT: &str =
    "Ctrl-p picks a group (in rules_group) or a rule (in rules_id) from the loaded rules";
/// Timing step note (docs/wazuh-config.md §5.5, §5.6).
pub(crate) const TIMING_NOTE: &str = "timeout: seconds until the response is undone (0 or empty: \
     never); repeated_offenders: minutes for repeat offenders, read only from the ossec.conf \
     of the host that runs the response";

// Notices.

/// The event popup.
pub(crate) const EVENT_TITLE: &str = "the event (empty agent or 000: the manager)";
/// The simulator pane with a command selected.
pub(crate) const SIM_SELECT_RESPONSE: &str = "select a response: the simulator shows what it does";
/// Esc in the list.
pub(crate) const ESC_NEVER_QUITS: &str = "Esc never quits: press q to quit";
/// x in the list.
pub(crate) const UNSET_IN_FORM: &str = "x removes a field: select it in the form first (Tab)";
/// Undo done.
pub(crate) const UNDONE: &str = "undone";
/// Redo done.
pub(crate) const REDONE: &str = "redone";
/// Nothing to undo.
pub(crate) const NOTHING_TO_UNDO: &str = "nothing to undo";
/// Nothing to redo.
pub(crate) const NOTHING_TO_REDO: &str = "nothing to redo";
/// s without changes (docs/editor.md "Saving" step 1).
pub(crate) const NOTHING_TO_SAVE: &str = "no changes: nothing written";
/// After a reload.
pub(crate) const RELOADED: &str = "reloaded from disk; your changes were dropped";
/// agent_id while the location does not read it.
pub(crate) const AGENT_ONLY_DEFINED: &str =
    "agent_id is read only with location defined-agent: choose that location first";
/// A selected block that disappeared.
pub(crate) const NO_SUCH_BLOCK: &str = "that block no longer exists";
/// A command without a name cannot be selected for editing.
pub(crate) const COMMAND_WITHOUT_NAME: &str =
    "this command has no <name>: the daemon refuses it (1280); fix it in a text editor";
/// Not on a terminal.
pub(crate) const NOT_A_TERMINAL: &str = "the editor needs a terminal; in scripts use `ossec-ar check`, \
     `set`, `add` or `rm`";

/// A section header with its count.
pub(crate) fn section(name: &str, n: usize) -> String {
    format!("{name} ({n})")
}

/// The list title while filtering.
pub(crate) fn list_title_filtered(n: usize) -> String {
    format!(" blocks: {n} match ")
}

/// `1 error`, `2 warnings`.
pub(crate) fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A field written more than once (docs/wazuh-config.md §3.1: the last one counts).
pub(crate) fn repeated(field: crate::model::Field, n: usize) -> String {
    if field == crate::model::Field::Disabled {
        format!("  (x{n}: any yes wins)")
    } else {
        format!("  (x{n}: the last counts)")
    }
}

/// The AR name line of a response (docs/wazuh-config.md §3.7).
pub(crate) fn ar_name_line(name: &str) -> String {
    format!("name in logs and ar.conf: {name}")
}

/// Which responses use a command.
pub(crate) fn used_by(users: &[usize]) -> String {
    if users.is_empty() {
        "used by no response".to_string()
    } else {
        let word = if users.len() == 1 {
            "response"
        } else {
            "responses"
        };
        format!("used by {word} {}", list(users))
    }
}

fn list(ns: &[usize]) -> String {
    ns.iter()
        .map(|n| format!("#{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A refused Enter, in the status bar (the reason is shown under the field).
pub(crate) const REFUSED: &str = "not committed: fix the value, or Esc to restore the old one";

/// x on a required field.
pub(crate) fn required(name: &str) -> String {
    format!("{name} is required: it cannot be removed")
}

/// Responses renamed along with their command.
pub(crate) fn renamed(responses: &[usize]) -> String {
    let word = if responses.len() == 1 {
        "response"
    } else {
        "responses"
    };
    format!("renamed in {word} {} too", list(responses))
}

/// Deleting a command in use.
pub(crate) fn command_in_use(name: &str, users: &[usize]) -> String {
    format!(
        "command '{name}' is used by {} {}: change or delete {} first",
        if users.len() == 1 {
            "response"
        } else {
            "responses"
        },
        list(users),
        if users.len() == 1 { "it" } else { "them" }
    )
}

/// How the delete question names a command.
pub(crate) fn command_label(name: &str) -> String {
    format!("command '{name}'")
}

/// How the delete question names a response.
pub(crate) fn response_label(n: usize, command: &str, location: &str) -> String {
    format!("response #{n} ({command} -> {location})")
}

/// The delete question.
pub(crate) fn delete_question(what: &str) -> String {
    format!("Delete {what}? Its lines are removed; u undoes it.")
}

/// Save refused because the edits add errors (docs/editor.md "Saving" step 2).
pub(crate) fn save_blocked(n: usize) -> String {
    format!(
        "the changes add {}: the daemon would refuse to start. n goes back, ! saves anyway",
        count(n, "error")
    )
}

/// After a save (`note`: why in place, or what went wrong once written).
pub(crate) fn saved(
    path: &std::path::Path,
    backup: Option<&std::path::Path>,
    note: Option<&str>,
) -> String {
    let name = |p: &std::path::Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let note = note.map_or(String::new(), |n| format!(" ({n})"));
    match backup {
        Some(b) => format!(
            "saved {}{note}; the previous version is in {}",
            name(path),
            b.display()
        ),
        None => format!("saved {}{note}", name(path)),
    }
}

/// A save that did not happen; `why` says what became of the file (the save
/// pipeline's messages do: "the file is unchanged", or where its previous content is).
pub(crate) fn save_failed(why: &str) -> String {
    format!("not saved: {why}")
}

/// The title of the read-only question.
pub(crate) const READ_ONLY_TITLE: &str = "the file is read-only";

/// Saving a file without a write bit (editors ask the same).
pub(crate) fn read_only_question(mode: u32) -> String {
    format!(
        "The file is read-only (mode {mode:04o}); nothing was written. Write it all the same \
         (its mode stays {mode:04o}), as --force does on the command line?"
    )
}

/// The wizard's title.
pub(crate) fn wizard_title(n: usize, name: &str) -> String {
    format!("new response, step {n} of 5: {name}")
}

/// A defined command in the wizard's picker.
pub(crate) fn defined_command(exe: &str) -> String {
    format!("defined, runs {exe}")
}

/// A built-in in the wizard's picker.
pub(crate) fn new_builtin(about: &str) -> String {
    format!("built-in: {about}")
}

/// The terminal is below the minimum size.
pub(crate) fn too_small(w: u16, h: u16, min: (u16, u16)) -> String {
    format!(
        "Terminal too small: {w}x{h}. ossec-ar needs at least {}x{}. Enlarge the window to go on (q quits).",
        min.0, min.1
    )
}

/// The quit question when the window is too small for the popup and the diff.
pub(crate) const QUIT_SMALL: &str = "Unsaved changes. d: discard them and quit. Esc or c: keep editing (enlarge the window to save).";

/// Below a cut diff.
pub(crate) fn more_below(n: usize) -> String {
    format!("... {n} more lines below (j/k scroll)")
}

// The loaded rules.

/// `12 rules`.
pub(crate) fn rules_count(n: usize) -> String {
    count(n, "rule")
}

/// Every id of a rules_id is a loaded rule.
pub(crate) const ALL_IDS_KNOWN: &str = "all loaded";

/// Ids of a rules_id that no loaded rule has.
pub(crate) fn unknown_ids(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("not loaded: {}", list.join(", "))
}

/// A rule in the id picker.
pub(crate) fn rule_line(level: u8, description: &str) -> String {
    format!("level {level}: {description}")
}

/// The status line's rule count.
pub(crate) fn rules_loaded(n: usize) -> String {
    rules_count(n)
}

/// No rules: where counts would come from.
pub(crate) const NO_RULES: &str = "no rules";

/// After the rule count when the file is too large to check every response against
/// the rules after each edit.
pub(crate) const RULES_SELECTED_ONLY: &str = " (rule checks: selected response only)";

/// A paste longer than a field can hold.
pub(crate) fn paste_cut(max: usize) -> String {
    format!("paste cut at {max} bytes: Wazuh reads no longer value (XML_MAXSIZE)")
}

/// The live count of a trigger.
pub(crate) fn binds(n: usize) -> String {
    format!("binds {} of the loaded rules", n)
}

/// The rule pickers' titles.
pub(crate) fn rules_title(field: crate::model::Field) -> &'static str {
    if field == crate::model::Field::RulesGroup {
        "groups of the loaded rules (type to filter; | joins)"
    } else {
        "loaded rules by id or description (type to filter; , joins)"
    }
}

// The simulator pane (docs/cli.md "simulate" fired mode).

/// The pane's title without a response.
pub(crate) const SIM_TITLE: &str = " simulator ";
/// No rule binds the response.
pub(crate) const NO_RULE_TRIGGERS: &str = "no loaded rule triggers it";
/// Nothing highlighted.
pub(crate) const NOT_FIRED: &str = "(highlight a rule to see what it does)";
/// Before the message JSON.
pub(crate) const MESSAGE_HEADER: &str = "message to execd:";

/// The pane's title.
pub(crate) fn sim_title(n: usize, total: Option<usize>) -> String {
    match total {
        Some(t) => format!(" simulator: response #{n}, {} ", rules_count(t)),
        None => format!(" simulator: response #{n} "),
    }
}

/// The event line: the event the pane assumes, stated in full.
pub(crate) fn event_line(agent: &str, srcip: &str, user: &str) -> String {
    let from = if agent.is_empty() || agent == "000" {
        "the manager (000)".to_string()
    } else {
        format!("agent {agent}")
    };
    let ip = if srcip.is_empty() { "no srcip" } else { srcip };
    let user = if user.is_empty() {
        "no user".to_string()
    } else {
        format!("user {user}")
    };
    format!("assumed event from {from}, {ip}, {user} (e changes)")
}

/// A block that yields no response.
pub(crate) fn yields_nothing(why: &str) -> String {
    format!("yields no response: {why}")
}

/// Above the details.
pub(crate) fn fired_header(rule: u32) -> String {
    format!("-- when rule {rule} fires --")
}

/// Where it runs.
pub(crate) fn runs_on(targets: &[String]) -> String {
    if targets.is_empty() {
        "runs nowhere (see below)".to_string()
    } else {
        let named: Vec<String> = targets
            .iter()
            .map(|t| {
                if t == "000" {
                    "the manager (000)".to_string()
                } else {
                    t.clone()
                }
            })
            .collect();
        format!("runs on: {}", named.join(", "))
    }
}

/// Instead of the timeout when the response does not run for this event.
pub(crate) const NOTHING_TO_UNDO_NOT_RUN: &str =
    "does not run at all for this event, so nothing is undone (see below)";

/// The delete after the timeout (docs/wazuh-config.md §5.5).
pub(crate) fn delete_after(secs: Option<i64>) -> String {
    match secs {
        Some(s) => format!("undone (delete) after {s} s"),
        None => "never undone (no timeout)".to_string(),
    }
}

/// The repeated-offender schedule (docs/wazuh-config.md §5.6).
pub(crate) fn schedule(secs: &[i64]) -> String {
    let list: Vec<String> = secs.iter().map(|s| format!("{s} s")).collect();
    format!(
        "repeat offenders: {} (the last one from then on)",
        list.join(", then ")
    )
}

/// On stderr when SIGTERM or SIGHUP ended the editor.
pub(crate) const STOPPED_BY_SIGNAL: &str =
    "ossec-ar: stopped by a signal; unsaved changes were dropped";
