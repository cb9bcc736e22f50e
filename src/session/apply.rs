//! The operations of docs/cli.md as sequences of splices, each computed against the text
//! the previous one left, re-parsed in between (files are small; re-parsing is cheap
//! and keeps every position exact).

use std::cell::RefCell;
use std::rc::Rc;

use crate::model::{BlockKind, BlockRef, Config, Field, FieldValue, Placement, RootKind};
use crate::xml::edit::{self, NewElement, Position};
use crate::xml::{self, Document, ElementId, Splice};

use super::op::{Change, EditError, EditOp, Selector};
use super::shift::Shift;

/// One applied splice set and the splices that undo it.
#[derive(Debug, Clone)]
pub(super) struct Edit {
    pub(super) forward: Vec<Splice>,
    pub(super) backward: Vec<Splice>,
}

/// An edit in progress: the document as it stands and the splices so far.
pub(super) struct Txn {
    pub(super) doc: Document,
    pub(super) edits: Vec<Edit>,
    /// The typed view of `doc`, built on first use after each splice (an operation
    /// asks for it several times; lowering a large file costs milliseconds).
    config: RefCell<Option<Rc<Config>>>,
}

impl Txn {
    pub(super) fn new(doc: &Document, config: Rc<Config>) -> Txn {
        Txn {
            doc: doc.clone(),
            edits: Vec::new(),
            config: RefCell::new(Some(config)),
        }
    }

    pub(super) fn splice(&mut self, splices: Vec<Splice>) -> Result<(), EditError> {
        if splices.is_empty() {
            return Ok(());
        }
        let src = self.doc.source();
        let text = edit::apply(src, &splices)?;
        let backward = edit::inverse(src, &splices)?;
        self.doc = xml::parse(&text);
        self.config.replace(None);
        self.edits.push(Edit {
            forward: splices,
            backward,
        });
        Ok(())
    }

    pub(super) fn config(&self) -> Rc<Config> {
        let mut cached = self.config.borrow_mut();
        Rc::clone(cached.get_or_insert_with(|| Rc::new(Config::from_document(&self.doc))))
    }
}

/// A field of a block as it reads now. A block stays valid across splices that do
/// not add or remove blocks before it.
fn field_of(block: BlockRef, cfg: &Config, field: Field) -> Option<FieldValue> {
    cfg.field(block, field).cloned()
}

/// The numbering change of adding or removing this block.
fn shift_of(block: BlockRef, removed: bool) -> Shift {
    Shift {
        command: block.kind() == BlockKind::Command,
        at: block.index(),
        removed,
    }
}

/// A field given for a block of another kind (an [`EditOp`] built by code).
fn check_field(kind: BlockKind, field: Field) -> Result<(), EditError> {
    Field::parse(kind, field.name())?;
    Ok(())
}

/// Runs `op` on the transaction.
pub(super) fn run(txn: &mut Txn, op: EditOp) -> Result<Change, EditError> {
    match op {
        EditOp::Set { sel, field, value } => set(txn, &sel, field, &value),
        EditOp::Unset { sel, field } => unset(txn, &sel, field),
        EditOp::AddCommand(fields) => add_command(txn, &fields),
        EditOp::AddResponse(fields) => add_response(txn, &fields),
        EditOp::Remove { sel, force } => remove(txn, &sel, force),
        EditOp::AddRoot => super::root::add_root(txn),
    }
}

/// The blocks `sel` names, by position; a content selector may name none or several.
pub(super) fn select(
    doc: &Document,
    cfg: &Config,
    sel: &Selector,
) -> Result<Vec<Selector>, EditError> {
    match sel {
        Selector::Match(p) => Ok(p
            .matches(cfg)
            .into_iter()
            .map(|i| Selector::at(p.kind.at(i)))
            .collect()),
        _ => Ok(vec![Selector::at(resolve(doc, cfg, sel)?)]),
    }
}

fn resolve(doc: &Document, cfg: &Config, sel: &Selector) -> Result<BlockRef, EditError> {
    match sel {
        Selector::Response(n) if *n >= 1 && *n <= cfg.responses.len() => Ok(BlockRef::Response(*n)),
        Selector::Response(_) => Err(EditError::NoMatch {
            sel: sel.clone(),
            found: plural(cfg.responses.len(), "response"),
        }),
        Selector::CommandAt(n) if *n >= 1 && *n <= cfg.commands.len() => Ok(BlockRef::Command(*n)),
        Selector::CommandAt(_) => Err(EditError::NoMatch {
            sel: sel.clone(),
            found: plural(cfg.commands.len(), "command"),
        }),
        Selector::Match(p) => {
            let found = p.matches(cfg);
            match found.as_slice() {
                [one] => Ok(p.kind.at(*one)),
                [] => Err(EditError::NoMatch {
                    sel: sel.clone(),
                    found: "no block has these values".to_string(),
                }),
                _ => Err(EditError::Several {
                    sel: sel.clone(),
                    kind: p.kind.as_str(),
                    indexes: found,
                }),
            }
        }
        Selector::Command(name) => {
            let found: Vec<_> = cfg
                .commands
                .iter()
                .filter(|c| c.name() == Some(name.as_str()))
                .collect();
            match found.as_slice() {
                [one] => Ok(BlockRef::Command(one.index)),
                [] => {
                    let names: Vec<&str> = cfg.commands.iter().filter_map(|c| c.name()).collect();
                    Err(EditError::NoMatch {
                        sel: sel.clone(),
                        found: if names.is_empty() {
                            "the file defines no command".to_string()
                        } else {
                            format!("the commands are {}", names.join(", "))
                        },
                    })
                }
                many => Err(EditError::Ambiguous {
                    name: name.clone(),
                    lines: many.iter().map(|c| line(doc, c.element)).collect(),
                }),
            }
        }
    }
}

/// The index of the first command named `name`: the one the daemons use.
fn first_of(cfg: &Config, name: &str) -> Option<usize> {
    cfg.command(name).map(|c| c.index)
}

fn plural(n: usize, word: &str) -> String {
    format!("the file has {n} {word}{}", if n == 1 { "" } else { "s" })
}

fn line(doc: &Document, id: ElementId) -> usize {
    doc.line_col(doc.element(id).span().start).0
}

fn representable(field: Field, value: &str) -> Result<(), EditError> {
    edit::check_text(value).map_err(|e| EditError::Unrepresentable {
        field,
        value: value.to_string(),
        reason: e.reason,
    })
}

fn set(txn: &mut Txn, sel: &Selector, field: Field, value: &str) -> Result<Change, EditError> {
    check_field(sel.kind(), field)?;
    representable(field, value)?;
    let cfg = txn.config();
    let block = resolve(&txn.doc, &cfg, sel)?;
    let mut renamed = Vec::new();
    // Responses use the first command of a name: renaming a later duplicate
    // renames no response.
    let old_name = match block {
        BlockRef::Command(i) if field == Field::Name => cfg
            .command_at(i)
            .and_then(|c| c.name())
            .filter(|n| first_of(&cfg, n) == Some(i))
            .map(str::to_string),
        _ => None,
    };
    if let BlockRef::Command(i) = block
        && field == Field::Name
        && old_name.as_deref() != Some(value)
        && let Some(other) = cfg.command(value).filter(|c| c.index != i)
    {
        let at = line(&txn.doc, other.element);
        return Err(EditError::NameTaken(value.to_string(), at));
    }
    set_field(txn, block, field, value)?;
    if let Some(old) = old_name.filter(|o| o != value) {
        renamed = rename_users(txn, &old, value)?;
    }
    let got = field_of(block, &txn.config(), field).map(|f| f.value);
    if got.as_deref() != Some(value) {
        return Err(EditError::NotReadBack(format!(
            "{field} would read {got:?}, not {value:?}"
        )));
    }
    Ok(Change {
        changed: true,
        renamed_responses: renamed,
        inserted: None,
        shift: None,
    })
}

/// Sets an existing field's text, or inserts the field where the order of docs/cli.md "Fields" puts it.
fn set_field(txn: &mut Txn, block: BlockRef, field: Field, value: &str) -> Result<(), EditError> {
    let cfg = txn.config();
    let Some(f) = field_of(block, &cfg, field) else {
        let el = cfg.element_of(block).ok_or_else(gone)?;
        let at = field_position(&txn.doc, el, Field::of(block.kind()), field);
        let splice = edit::insert(&txn.doc, at, &NewElement::text(field.name(), value))?;
        return txn.splice(vec![splice]);
    };
    let mut splices = edit::set_text(&txn.doc, f.element, value)?;
    if field == Field::Disabled && value != "yes" {
        // Any `yes` wins (docs/wazuh-config.md §3.4): the other repeats saying yes must follow.
        for &other in &f.all {
            if other != f.element && txn.doc.value(other) == "yes" {
                splices.extend(edit::set_text(&txn.doc, other, value)?);
            }
        }
    }
    txn.splice(splices)
}

fn gone() -> EditError {
    EditError::NotReadBack("the block disappeared while editing".into())
}

/// Where a human puts a missing field: after the last child that comes before it in
/// the canonical order, else before the first that comes after it, else last.
fn field_position(doc: &Document, block: ElementId, order: &[Field], field: Field) -> Position {
    let rank = |id: ElementId| order.iter().position(|f| f.name() == doc.name(id));
    let me = order.iter().position(|f| *f == field);
    let children: Vec<ElementId> = doc.children(block).collect();
    let earlier = children
        .iter()
        .rev()
        .find(|c| rank(**c).is_some_and(|r| Some(r) < me));
    let later = children
        .iter()
        .find(|c| rank(**c).is_some_and(|r| Some(r) > me));
    match (earlier, later, children.last()) {
        (Some(prev), _, _) => Position::After(*prev),
        (None, Some(next), _) => Position::Before(*next),
        (None, None, Some(last)) => Position::After(*last),
        (None, None, None) => Position::End(block),
    }
}

/// Every response that uses command `old` now uses `new` (docs/cli.md "Fields").
fn rename_users(txn: &mut Txn, old: &str, new: &str) -> Result<Vec<usize>, EditError> {
    let users: Vec<usize> = txn.config().users_of(old).map(|r| r.index).collect();
    for &i in &users {
        let f = field_of(BlockRef::Response(i), &txn.config(), Field::Command).ok_or_else(gone)?;
        let splices = edit::set_text(&txn.doc, f.element, new)?;
        txn.splice(splices)?;
    }
    Ok(users)
}

fn unset(txn: &mut Txn, sel: &Selector, field: Field) -> Result<Change, EditError> {
    check_field(sel.kind(), field)?;
    let cfg = txn.config();
    let block = resolve(&txn.doc, &cfg, sel)?;
    let repeats = field_of(block, &cfg, field).map_or(0, |f| f.all.len());
    for _ in 0..repeats {
        let Some(f) = field_of(block, &txn.config(), field) else {
            break;
        };
        let splice = edit::remove(&txn.doc, f.element);
        txn.splice(vec![splice])?;
    }
    if field_of(block, &txn.config(), field).is_some() {
        return Err(EditError::NotReadBack(format!("{field} is still there")));
    }
    Ok(Change {
        changed: true,
        shift: None,
        ..Change::default()
    })
}

/// Checks the fields of a new block: known, each once, representable.
fn check_new(kind: BlockKind, fields: &[(Field, String)]) -> Result<(), EditError> {
    for (i, (field, value)) in fields.iter().enumerate() {
        check_field(kind, *field)?;
        if fields[..i].iter().any(|(f, _)| f == field) {
            return Err(EditError::DuplicateField(*field));
        }
        representable(*field, value)?;
    }
    Ok(())
}

fn value_of(fields: &[(Field, String)], field: Field) -> Option<&str> {
    fields
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, v)| v.as_str())
}

fn new_block(name: &str, fields: &[(Field, String)]) -> NewElement {
    NewElement::parent(
        name,
        fields
            .iter()
            .map(|(f, v)| NewElement::text(f.name(), v.as_str()))
            .collect(),
    )
}

fn add_command(txn: &mut Txn, fields: &[(Field, String)]) -> Result<Change, EditError> {
    check_new(BlockKind::Command, fields)?;
    let need = |field| {
        value_of(fields, field).ok_or(EditError::MissingField {
            kind: "command",
            field,
        })
    };
    let name = need(Field::Name)?;
    need(Field::Executable)?;
    let cfg = txn.config();
    if let Some(c) = cfg.command(name) {
        return Err(EditError::NameTaken(
            name.to_string(),
            line(&txn.doc, c.element),
        ));
    }
    let at = match (cfg.commands.last(), cfg.responses.first()) {
        (Some(last), _) => Position::After(last.element),
        (None, Some(first)) => Position::Before(first.element),
        (None, None) => container_end(&cfg)?,
    };
    let splice = edit::insert(&txn.doc, at, &new_block("command", fields))?;
    txn.splice(vec![splice])?;
    let sel = Selector::Command(name.to_string());
    let block = resolve(&txn.doc, &txn.config(), &sel)
        .map_err(|e| EditError::NotReadBack(e.to_string()))?;
    read_back(txn, block, fields)?;
    Ok(Change {
        changed: true,
        renamed_responses: Vec::new(),
        inserted: Some(sel),
        shift: Some(shift_of(block, false)),
    })
}

fn add_response(txn: &mut Txn, fields: &[(Field, String)]) -> Result<Change, EditError> {
    check_new(BlockKind::Response, fields)?;
    if fields.is_empty() {
        return Err(EditError::MissingField {
            kind: "response",
            field: Field::Command,
        });
    }
    let cfg = txn.config();
    let command = value_of(fields, Field::Command).and_then(|c| cfg.command(c));
    let at = match (cfg.responses.last(), command) {
        (Some(last), _) => Position::After(last.element),
        (None, Some(c)) => match c.placement {
            Placement::TopLevel(_) => Position::After(c.element),
            p => Position::End(cfg.roots[p.root()].element),
        },
        (None, None) => container_end(&cfg)?,
    };
    let splice = edit::insert(&txn.doc, at, &new_block("active-response", fields))?;
    let doc = &txn.doc;
    let before = cfg
        .responses
        .iter()
        .filter(|r| doc.element(r.element).span().start < splice.range.start)
        .count();
    txn.splice(vec![splice])?;
    let index = before + 1;
    if txn.config().responses.len() != cfg.responses.len() + 1 {
        return Err(EditError::NotReadBack(
            "the new response is not read as one".into(),
        ));
    }
    read_back(txn, BlockRef::Response(index), fields)?;
    Ok(Change {
        changed: true,
        renamed_responses: Vec::new(),
        inserted: Some(Selector::Response(index)),
        shift: Some(shift_of(BlockRef::Response(index), false)),
    })
}

/// Where a new block goes when no sibling shows it: the end of the first
/// `<ossec_config>` (or `<agent_config>`), or after the blocks of a root-less fragment.
/// Any other root (a rules file's `<group>`, a 5.x `<wazuh_config>`) holds no blocks
/// the daemons read (docs/choices.md "Which blocks"), so nothing is added there.
pub(super) fn container_end(cfg: &Config) -> Result<Position, EditError> {
    let first = |kind: RootKind| cfg.roots.iter().find(|r| r.kind == kind);
    if let Some(r) = first(RootKind::OssecConfig).or_else(|| first(RootKind::AgentConfig)) {
        return Ok(Position::End(r.element));
    }
    cfg.roots
        .iter()
        .rev()
        .find(|r| r.kind == RootKind::Block)
        .map(|r| Position::After(r.element))
        .ok_or(EditError::NoRoot)
}

/// Each field of a new block reads back as given.
fn read_back(txn: &Txn, block: BlockRef, fields: &[(Field, String)]) -> Result<(), EditError> {
    let cfg = txn.config();
    for (field, value) in fields {
        let got = field_of(block, &cfg, *field).map(|f| f.value);
        if got.as_deref() != Some(value.as_str()) {
            return Err(EditError::NotReadBack(format!(
                "{field} of the new {} would read {got:?}",
                block.kind().as_str()
            )));
        }
    }
    Ok(())
}

fn remove(txn: &mut Txn, sel: &Selector, force: bool) -> Result<Change, EditError> {
    let cfg = txn.config();
    let block = resolve(&txn.doc, &cfg, sel)?;
    if let (BlockRef::Command(i), false) = (block, force) {
        let name = cfg.command_at(i).and_then(|c| c.name()).unwrap_or_default();
        // Only the first command of a name is used (a later duplicate is dead).
        let used = first_of(&cfg, name) == Some(i);
        let users: Vec<usize> = if used {
            cfg.users_of(name).map(|r| r.index).collect()
        } else {
            Vec::new()
        };
        if !users.is_empty() {
            return Err(EditError::InUse {
                name: name.to_string(),
                users,
            });
        }
    }
    let el = cfg.element_of(block).ok_or_else(gone)?;
    let splice = edit::remove(&txn.doc, el);
    txn.splice(vec![splice])?;
    let after = txn.config();
    if after.count(block.kind()) + 1 != cfg.count(block.kind()) {
        return Err(EditError::NotReadBack(
            "the block count did not drop by one".into(),
        ));
    }
    Ok(Change {
        changed: true,
        shift: Some(shift_of(block, true)),
        ..Change::default()
    })
}
