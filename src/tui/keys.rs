//! The key map: one table drives key handling, the `?` overlay and the hint bar
//! (docs/editor.md "Keys", docs/ARCHITECTURE.md "Habits" 7). Rebinding a key here changes all
//! three.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for. Components interpret actions, never raw keys (except the
/// characters typed into a text field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Previous row or field.
    Up,
    /// Next row or field.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Next pane or field.
    NextPane,
    /// Previous pane or field.
    PrevPane,
    /// Edit the field, open the dropdown or picker, confirm.
    Enter,
    /// Cancel the edit, close the popup, go back one step. Never quits.
    Cancel,
    /// Guided creation of a response (or a command).
    Add,
    /// Delete the selected block.
    Delete,
    /// Remove the focused optional field from the block.
    Unset,
    /// Undo the last committed change.
    Undo,
    /// Redo.
    Redo,
    /// Open or close the simulator pane.
    Simulate,
    /// Filter the list.
    Filter,
    /// Save: diff preview first.
    Save,
    /// Quit (asks when modified).
    Quit,
    /// The key help overlay.
    Help,
    /// Cursor left in a text field.
    Left,
    /// Cursor right.
    Right,
    /// Cursor to the start.
    Home,
    /// Cursor to the end.
    End,
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    DeleteChar,
    /// Delete from the cursor to the start of the field.
    ClearToStart,
    /// Delete from the cursor to the end of the field.
    ClearToEnd,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Answer yes / write.
    Yes,
    /// Answer no / go back.
    No,
    /// Write although the result has errors.
    SaveAnyway,
    /// Quit without saving.
    Discard,
    /// Save, then quit.
    SaveAndQuit,
    /// Re-read the file from disk, dropping the edits.
    Reload,
    /// Write over a file that changed on disk.
    WriteAnyway,
    /// Replay the edits onto a file that changed on disk.
    Merge,
    /// Merge, keeping ours where both changed the same lines.
    MergeOurs,
    /// Merge, keeping theirs where both changed the same lines.
    MergeTheirs,
    /// In the conflicts of a merge: keep yours for the highlighted field.
    KeepOurs,
    /// In the conflicts of a merge: keep theirs for the highlighted field.
    KeepTheirs,
    /// Re-apply the edits a reload set aside onto the text as it is now.
    Reapply,
    /// Pick a group or a rule id from the loaded rules.
    PickRules,
    /// Change the simulator's event (agent, source IP, user).
    EditEvent,
    /// Run one log line through the analysis engine (`l`).
    Probe,
    /// Replay a log file through the engine in the background (`L`).
    ReplayLog,
    /// The full text of what the screen cuts: path, last message, findings (`i`).
    Details,
    /// Suspend the editor (Ctrl-z): the shell's job control takes over until `fg`.
    Suspend,
}

/// Which part of the screen has the keys: a binding applies only in its modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The list or the form, nothing open.
    Browse,
    /// Typing into a text field (the filter and pickers too).
    Edit,
    /// A dropdown or a list of choices.
    Menu,
    /// A picker: type to filter, arrows to move.
    Pick,
    /// The help overlay.
    Help,
    /// A yes/no question.
    Confirm,
    /// The diff shown before saving.
    Preview,
    /// The diff shown before saving, when the changes add errors: `y` is refused.
    Blocked,
    /// Quitting with unsaved changes.
    QuitPrompt,
    /// The last step of guided creation: the block to insert.
    Review,
    /// The simulator pane.
    Sim,
    /// The file changed on disk.
    External,
    /// The fields both sides of a merge changed: keep yours or theirs, each.
    Conflicts,
}

/// A key with its modifiers (Shift is part of the character or of `BackTab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> Key {
    Key(KeyCode::Char(c), NONE)
}

const fn ctrl(c: char) -> Key {
    Key(KeyCode::Char(c), CTRL)
}

const fn code(c: KeyCode) -> Key {
    Key(c, NONE)
}

impl Key {
    /// Does a key event press this key? Shift is ignored: it is in the character.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mask = KeyModifiers::CONTROL | KeyModifiers::ALT;
        self.0 == ev.code && (ev.modifiers & mask) == (self.1 & mask)
    }

    /// How the key is written in the help and the hint bar.
    pub fn label(&self) -> String {
        let name = match self.0 {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.1.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{name}")
        } else {
            name
        }
    }
}

/// One line of the key map.
#[derive(Debug)]
pub struct Binding {
    /// Where it applies.
    pub modes: &'static [Mode],
    /// The keys, the first being the one the hint bar shows.
    pub keys: &'static [Key],
    /// What it does.
    pub action: Action,
    /// The description in the help overlay.
    pub help: &'static str,
    /// The word in the hint bar, when it is worth the room.
    pub hint: Option<&'static str>,
}

use Mode::*;

const MOVING: &[Mode] = &[Browse, Menu, Help, Preview, Blocked, Review, Conflicts];
const PAGING: &[Mode] = &[Browse, Menu, Pick, Help, Preview, Blocked, Review];
const GLOBAL: &[Mode] = &[Browse, Sim];
const POPUPS: &[Mode] = &[
    Edit, Menu, Pick, Help, Confirm, Preview, Blocked, External, Review, Conflicts,
];
const ALL_BUT_QUIT: &[Mode] = &[
    Browse, Edit, Menu, Pick, Help, Confirm, Preview, Blocked, External, Review, Sim, Conflicts,
];

/// The key map (docs/editor.md "Keys"). Order matters where keys overlap: the first
/// binding of the mode wins.
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    b(&[Sim], &[code(KeyCode::Up), ch('k')], Action::Up, "previous rule", None),
    b(&[Sim], &[code(KeyCode::Down), ch('j')], Action::Down, "next rule", None),
    b(&[Sim], &[code(KeyCode::Home), ch('g')], Action::Top, "first rule", None),
    b(&[Sim], &[code(KeyCode::End), ch('G')], Action::Bottom, "last rule", None),
    b(&[Sim], &[code(KeyCode::PageUp)], Action::PageUp, "scroll what the rule does, up", None),
    b(&[Sim], &[code(KeyCode::PageDown)], Action::PageDown, "scroll what the rule does, down", None),
    b(MOVING, &[code(KeyCode::Up), ch('k')], Action::Up, "move up", None),
    b(MOVING, &[code(KeyCode::Down), ch('j')], Action::Down, "move down", None),
    // Letters type into the filter: only the arrows move (the hint says so).
    b(&[Pick], &[code(KeyCode::Up)], Action::Up, "previous choice", Some("previous")),
    b(&[Pick], &[code(KeyCode::Down)], Action::Down, "next choice", Some("next; typing filters")),
    b(&[Edit], &[code(KeyCode::Up)], Action::Up, "keep the value, previous field", None),
    b(&[Edit], &[code(KeyCode::Down)], Action::Down, "keep the value, next field", None),
    b(PAGING, &[code(KeyCode::PageUp)], Action::PageUp, "page up", None),
    b(PAGING, &[code(KeyCode::PageDown)], Action::PageDown, "page down", None),
    b(MOVING, &[code(KeyCode::Home), ch('g')], Action::Top, "first row", None),
    b(MOVING, &[code(KeyCode::End), ch('G')], Action::Bottom, "last row", None),
    b(&[Browse], &[code(KeyCode::Tab)], Action::NextPane, "next pane or field", None),
    b(&[Browse], &[code(KeyCode::BackTab)], Action::PrevPane, "previous pane or field", None),
    b(&[Edit], &[code(KeyCode::Tab)], Action::NextPane, "keep the value, next field", Some("next")),
    b(&[Edit], &[code(KeyCode::BackTab)], Action::PrevPane, "keep the value, previous field", None),
    b(&[Browse], &[code(KeyCode::Enter)], Action::Enter, "edit the field: type, toggle, open the dropdown or picker", Some("edit")),
    b(&[Edit, Menu, Pick], &[code(KeyCode::Enter)], Action::Enter, "confirm", Some("confirm")),
    b(&[Browse], &[code(KeyCode::Esc)], Action::Cancel, "back to the list, clear the filter; never quits", None),
    b(POPUPS, &[code(KeyCode::Esc)], Action::Cancel, "cancel the edit, close the popup, go back one step", Some("back")),
    b(&[Browse], &[ch('a')], Action::Add, "add: guided creation of a response (a command in the commands section)", Some("add")),
    b(&[Browse], &[ch('d')], Action::Delete, "delete the selected block (asks)", Some("delete")),
    b(&[Browse], &[code(KeyCode::Delete), ch('x')], Action::Unset, "remove the focused optional field", None),
    b(GLOBAL, &[ch('u')], Action::Undo, "undo the last change", Some("undo")),
    b(GLOBAL, &[ctrl('r')], Action::Redo, "redo", None),
    b(&[Browse], &[ch('R')], Action::Reapply, "after a reload: re-apply the edits it set aside (a merge; u undoes it)", None),
    b(GLOBAL, &[ch('p')], Action::Simulate, "open or close the simulator pane (the selected response's rules and what they do)", Some("sim")),
    b(GLOBAL, &[ch('/')], Action::Filter, "filter the list, or the simulator's rules (Esc clears)", Some("filter")),
    b(&[Sim], &[ch('e')], Action::EditEvent, "change the event: agent, source IP, user", Some("event")),
    b(&[Sim], &[ch('l')], Action::Probe, "run a log line through the decoders and rules: what fires, which responses run", Some("line")),
    b(&[Sim], &[ch('L')], Action::ReplayLog, "replay a log file (plain or .gz) in the background: how often this response runs; Esc cancels", Some("log")),
    b(&[Sim], &[code(KeyCode::Tab), code(KeyCode::BackTab)], Action::NextPane, "back to the list", None),
    b(&[Sim], &[code(KeyCode::Esc)], Action::Cancel, "cancel the replay, close the result, else back to the list (p closes the pane)", Some("list")),
    b(GLOBAL, &[ch('s'), ctrl('s')], Action::Save, "save: shows the diff first", Some("save")),
    b(&[Help], &[ch('i')], Action::Details, "close the details", None),
    b(GLOBAL, &[ch('?'), code(KeyCode::F(1))], Action::Help, "this help", Some("help")),
    b(&[Help], &[ch('?'), code(KeyCode::F(1))], Action::Help, "close this help", None),
    b(GLOBAL, &[ch('q')], Action::Quit, "quit (asks to save, discard or cancel when modified)", Some("quit")),
    b(GLOBAL, &[ch('i')], Action::Details, "details: the full path, last message and findings, uncut", Some("details")),
    b(ALL_BUT_QUIT, &[ctrl('c')], Action::Quit, "quit (asks when modified)", None),
    b(ALL_BUT_QUIT, &[ctrl('z')], Action::Suspend, "suspend to the shell (fg comes back)", None),
    b(&[Edit], &[ctrl('p')], Action::PickRules, "in rules_group or rules_id: pick from the loaded rules", None),
    b(&[Edit, Pick], &[code(KeyCode::Left)], Action::Left, "cursor left", None),
    b(&[Edit, Pick], &[code(KeyCode::Right)], Action::Right, "cursor right", None),
    b(&[Edit, Pick], &[code(KeyCode::Home), ctrl('a')], Action::Home, "cursor to the start", None),
    b(&[Edit, Pick], &[code(KeyCode::End), ctrl('e')], Action::End, "cursor to the end", None),
    b(&[Edit, Pick], &[code(KeyCode::Backspace)], Action::Backspace, "delete before the cursor", None),
    b(&[Edit, Pick], &[code(KeyCode::Delete)], Action::DeleteChar, "delete under the cursor", None),
    b(&[Edit, Pick], &[ctrl('u')], Action::ClearToStart, "delete to the start", None),
    b(&[Edit, Pick], &[ctrl('k')], Action::ClearToEnd, "delete to the end", None),
    b(&[Edit, Pick], &[ctrl('w')], Action::DeleteWord, "delete the word before the cursor", None),
    b(&[Confirm], &[ch('y')], Action::Yes, "yes", Some("yes")),
    b(&[Confirm], &[ch('n')], Action::No, "no", Some("no")),
    b(&[Preview], &[ch('y')], Action::Yes, "write the file", Some("write")),
    b(&[Blocked], &[ch('!')], Action::SaveAnyway, "write although the changes add errors", Some("save anyway")),
    b(&[Blocked], &[ch('y'), code(KeyCode::Enter)], Action::Yes, "refused: the changes add errors", None),
    b(&[Preview, Blocked], &[ch('n')], Action::No, "go back without writing", None),
    b(&[Review], &[code(KeyCode::Enter), ch('y')], Action::Yes, "insert the block", Some("insert")),
    b(&[QuitPrompt], &[ch('s')], Action::SaveAndQuit, "save (diff first), then quit", Some("save")),
    b(&[QuitPrompt], &[ch('d')], Action::Discard, "discard the changes and quit", Some("discard")),
    b(&[QuitPrompt], &[ch('c'), code(KeyCode::Esc)], Action::Cancel, "cancel: keep editing", Some("cancel")),
    b(&[External], &[ch('r')], Action::Reload, "reload the file from disk (your edits are set aside: R re-applies them)", Some("reload")),
    b(&[External], &[ch('m')], Action::Merge, "merge: your edits onto the file as it is now; fields both changed are shown side by side", Some("merge")),
    b(&[External], &[ch('o')], Action::MergeOurs, "merge, keeping yours for every field both changed", None),
    b(&[External], &[ch('t')], Action::MergeTheirs, "merge, keeping theirs for every field both changed", None),
    b(&[External], &[ch('w')], Action::WriteAnyway, "write over the file on disk", Some("write anyway")),
    b(&[Conflicts], &[ch('o')], Action::KeepOurs, "keep yours for this field", Some("yours")),
    b(&[Conflicts], &[ch('t')], Action::KeepTheirs, "keep theirs for this field", Some("theirs")),
    b(&[Conflicts], &[code(KeyCode::Enter)], Action::Enter, "merge once every field is decided, then the diff", Some("merge")),
];

const fn b(
    modes: &'static [Mode],
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        modes,
        keys,
        action,
        help,
        hint,
    }
}

/// The action a key event asks for in a mode, if any.
pub fn action(mode: Mode, ev: &KeyEvent) -> Option<Action> {
    KEYMAP
        .iter()
        .filter(|b| b.modes.contains(&mode))
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// The bindings of a mode, in table order.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.modes.contains(&mode))
}

/// `k1/k2` for the help overlay.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

/// The hint bar of a mode: `key word` pairs from the key map, the mode's own keys
/// first and Esc last.
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    let (esc, own): (Vec<&Binding>, Vec<&Binding>) =
        bindings(mode).partition(|b| b.action == Action::Cancel);
    own.into_iter()
        .chain(esc)
        .filter_map(|b| Some((b.keys.first()?.label(), b.hint?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn same_key_means_different_things_by_mode() {
        let j = key(KeyCode::Char('j'), NONE);
        assert_eq!(action(Browse, &j), Some(Action::Down));
        assert_eq!(action(Pick, &j), None, "typed into the picker's filter");
        assert_eq!(action(Edit, &j), None);
        let y = key(KeyCode::Char('y'), NONE);
        assert_eq!(action(Preview, &y), Some(Action::Yes));
        assert_eq!(action(Browse, &y), None);
    }

    #[test]
    fn esc_never_quits_and_ctrl_c_always_does() {
        let esc = key(KeyCode::Esc, NONE);
        let cc = key(KeyCode::Char('c'), CTRL);
        for m in [
            Browse, Edit, Menu, Pick, Help, Confirm, Preview, External, Conflicts,
        ] {
            assert_eq!(action(m, &esc), Some(Action::Cancel), "{m:?}");
            assert_eq!(action(m, &cc), Some(Action::Quit), "{m:?}");
        }
    }

    #[test]
    fn shift_is_in_the_character_and_ctrl_is_not_ignored() {
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action(Browse, &big_g), Some(Action::Bottom));
        let ctrl_s = key(KeyCode::Char('s'), CTRL);
        assert_eq!(action(Browse, &ctrl_s), Some(Action::Save));
        let ctrl_j = key(KeyCode::Char('j'), CTRL);
        assert_eq!(action(Browse, &ctrl_j), None);
        let back = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action(Browse, &back), Some(Action::PrevPane));
    }

    #[test]
    fn hint_bar_comes_from_the_table() {
        let h = hints(Browse);
        assert!(h.contains(&("s".to_string(), "save")));
        assert!(h.contains(&("?".to_string(), "help")));
        assert_eq!(keys_label(&KEYMAP[0]), "Up/k");
        assert_eq!(ctrl('r').label(), "Ctrl-r");
    }
}
