//! The words the editor's parts speak: what happens outside ([`AppEvent`]), what
//! `App` asks `run` to do ([`Effect`]), and what a pane asks `App` to do ([`Msg`]).

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use super::jobs::JobEvent;
use super::matching::{MatchAnswer, MatchJob};
use super::popup::Popup;
use super::session::EditOp;
use super::session::merge::{Choose, Side};
use super::sim::SimEvent;
use crate::model::{BlockRef, Field};

/// Something that happened outside the app: a key, a resize, or the outcome of an
/// effect that `run` carried out.
#[derive(Debug, Clone)]
pub enum AppEvent {
    /// A key was pressed.
    Key(KeyEvent),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// What came of [`Effect::Save`], [`Effect::SaveOverwrite`] or
    /// [`Effect::SaveReadOnly`].
    Saved(SaveResult),
    /// The file as re-read for [`Effect::Reload`], or why it could not be.
    Reloaded(Result<String, String>),
    /// The file as re-read for [`Effect::Merge`] (or why it could not be), and the
    /// side that wins where both changed the same lines.
    Merged(Result<String, String>, Option<Side>),
    /// A background job's progress or end.
    Job(JobEvent),
    /// Text pasted (bracketed paste).
    Paste(String),
    /// A matching job's answer (docs/editor.md "Matching").
    Matched(MatchAnswer),
}

/// How a save ended.
#[derive(Debug, Clone)]
pub enum SaveResult {
    /// Written; `text` is now what is on disk.
    Saved {
        /// The text written.
        text: String,
        /// The backup kept, if any.
        backup: Option<PathBuf>,
        /// What to know besides: why it was rewritten in place, or what went wrong
        /// once the new content was in place (the backup could not be kept…).
        note: Option<String>,
    },
    /// The file is read-only (this mode, no write bit): nothing was written; the user
    /// is asked whether to write all the same.
    ReadOnly(u32),
    /// The file changed on disk since it was read: nothing was written.
    ChangedOnDisk,
    /// Nothing was written, for this reason.
    Failed(String),
}

/// What the app asks `run` to do: the only ways it reaches the outside world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the editor.
    Quit,
    /// Write `text` if the file still holds `expected`.
    Save {
        /// The new text.
        text: String,
        /// What the file held when it was read.
        expected: String,
    },
    /// Write `text` over a read-only file (the user said yes), if it still holds
    /// `expected`.
    SaveReadOnly {
        /// The new text.
        text: String,
        /// What the file held when it was read.
        expected: String,
    },
    /// Write `text` over whatever the file holds now.
    SaveOverwrite {
        /// The new text.
        text: String,
    },
    /// Re-read the file, dropping the edits.
    Reload,
    /// Re-read the file, to replay the edits onto it; where both changed the same
    /// lines, this side wins (`None`: such lines are a conflict, nothing is merged).
    Merge(Option<Side>),
    /// Replay a log file in the background (`L`).
    StartLogs {
        /// The log file.
        path: PathBuf,
    },
    /// Stop the background job.
    CancelJob,
    /// Match costly `rules_group` patterns in the background (docs/editor.md
    /// "Matching").
    Match(MatchJob),
    /// Give the terminal back and stop the process (Ctrl-z) until it is continued.
    Suspend,
}

/// Which pane has the keys when no popup is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The block list.
    List,
    /// The form of the selected block.
    Form,
    /// The simulator pane (below the form on tall screens, else in its place).
    Sim,
}

/// What a component asks the app to do.
#[derive(Debug)]
pub(crate) enum Msg {
    /// Commit one edit (one undo step).
    Apply(EditOp),
    /// Commit the value of the field being edited: the edit closes once applied, and
    /// stays open (on that field) when the session refuses it.
    ApplyField {
        /// The edit.
        op: EditOp,
        /// The form field it comes from.
        field: usize,
    },
    /// Commit several edits as one undo step, all or none.
    ApplyAll(Vec<EditOp>),
    /// Select a block in the list.
    Select(BlockRef),
    /// Give the keys to a pane.
    Focus(Focus),
    /// Focus a field of the form and start editing it.
    EditField(Field),
    /// Open a popup over the panes.
    Open(Popup),
    /// Close the popup.
    Close,
    /// A one-line notice in the status bar.
    Info(String),
    /// A one-line problem in the status bar.
    Error(String),
    /// Ask `run` to do something.
    Effect(Effect),
    /// Undo the last change.
    Undo,
    /// Redo.
    Redo,
    /// Start saving: the diff preview.
    Save,
    /// Save (diff preview first), then quit once written.
    SaveThenQuit,
    /// Add a picked group or rule id to the field being typed.
    Append(String),
    /// The simulator's new event.
    SetEvent(SimEvent),
    /// Merge the edits onto this text, as re-read from disk, settling its conflicts.
    Merge(String, Choose),
    /// Re-apply the edits a reload set aside, settling their conflicts (`R`).
    Reapply(Choose),
}

/// A notice in the status bar until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Shown as a problem?
    pub error: bool,
}
