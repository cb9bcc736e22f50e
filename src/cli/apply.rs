//! `apply FILE STATE.json` (issue 12): a desired state of commands and responses,
//! each `present` (the default) or `absent`, with the fields of `list --format json`
//! (README "Commands"). A present block found by its identity (a command by name, a response
//! by what analysisd reads: `model::analysisd::Identity`) gets its other fields set;
//! one not found is added; an absent one is removed. One diff, one save; running it
//! again changes nothing.

use std::path::Path;

use serde_json::{Map, Value};

use super::Failure;
use super::args::{Common, EditArgs};
use super::edit::{Plan, edit_failure, run};
use crate::model::{Config, Field, Profile, analysisd};
use crate::session::{EditError, EditOp, Selector, Session};

/// Keys of the `list` JSON that say where a block is, not what it holds: ignored.
const POSITION_KEYS: [&str; 3] = ["index", "line", "target"];

/// One desired block.
struct Wanted {
    present: bool,
    /// Fields with a value, in the order given.
    set: Vec<(Field, String)>,
    /// Fields given as `null`: to be removed.
    unset: Vec<Field>,
    /// Fields given as `false` (`disabled`, `timeout_allowed`): a missing element
    /// already reads as no, so it satisfies them.
    falses: Vec<Field>,
}

/// `apply FILE STATE`
pub(super) fn apply(
    common: &Common,
    file: &Path,
    state: &Path,
    edit: &EditArgs,
) -> anyhow::Result<i32> {
    let (commands, responses) = read_state(state)?;
    run(common, file, edit, |session, profile| {
        let mut ops = command_ops(session, &commands, None)?;
        ops.extend(response_ops(session, &responses, profile)?);
        ops.extend(command_ops(session, &commands, Some(edit.force))?);
        Ok(Plan::Ops(ops))
    })
}

fn read_state(path: &Path) -> Result<(Vec<Wanted>, Vec<Wanted>), Failure> {
    let max = crate::input::MAX_OTHER;
    let bytes = if path == Path::new("-") {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(std::io::stdin(), max + 1), &mut v)
            .map_err(|e| Failure::usage(format!("cannot read the state from stdin: {e}")))?;
        if v.len() as u64 > max {
            return Err(Failure::usage(format!(
                "cannot read the state from stdin: more than {} MiB",
                max >> 20
            )));
        }
        v
    } else {
        crate::input::read(path, max)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("{}: not UTF-8 text", path.display())))?;
    let bad = |why: String| Failure::usage(format!("{}: {why}", path.display()));
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let Value::Object(top) = v else {
        return Err(bad(
            "expected an object with \"commands\" and \"responses\"".into(),
        ));
    };
    if let Some(k) = top
        .keys()
        .find(|k| !["commands", "responses"].contains(&k.as_str()))
    {
        return Err(bad(format!(
            "unknown key '{k}': expected commands, responses"
        )));
    }
    let list = |key: &str, fields: &[Field]| -> Result<Vec<Wanted>, Failure> {
        match top.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    wanted(item, fields).map_err(|why| bad(format!("{key}[{i}]: {why}")))
                })
                .collect(),
            Some(_) => Err(bad(format!("\"{key}\" must be an array"))),
        }
    };
    Ok((
        list("commands", &Field::COMMAND)?,
        list("responses", &Field::RESPONSE)?,
    ))
}

fn wanted(item: &Value, fields: &[Field]) -> Result<Wanted, String> {
    let Value::Object(map) = item else {
        return Err("expected an object".into());
    };
    let mut w = Wanted {
        present: state(map)?,
        set: Vec::new(),
        unset: Vec::new(),
        falses: Vec::new(),
    };
    if let Some(key) = map.keys().find(|k| {
        *k != "state"
            && !POSITION_KEYS.contains(&k.as_str())
            && !fields.iter().any(|f| f.name() == k.as_str())
    }) {
        return Err(format!(
            "unknown field '{key}'; fields: {}",
            crate::model::field_names(fields)
        ));
    }
    // The canonical order of `list`, whatever the order of the JSON keys: a new
    // block's children come out in it.
    for &key in fields {
        match map.get(key.name()) {
            None => {}
            Some(Value::Null) => w.unset.push(key),
            Some(Value::Bool(false)) => w.falses.push(key),
            Some(Value::Bool(true)) => w.set.push((key, "yes".into())),
            Some(Value::String(s)) => w.set.push((key, s.clone())),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => w.set.push((key, n.to_string())),
            Some(other) => {
                return Err(format!(
                    "{key}: expected a string, an integer, a boolean or null, got {other}"
                ));
            }
        }
    }
    Ok(w)
}

fn state(map: &Map<String, Value>) -> Result<bool, String> {
    match map.get("state") {
        None => Ok(true),
        Some(Value::String(s)) if s == "present" => Ok(true),
        Some(Value::String(s)) if s == "absent" => Ok(false),
        Some(other) => Err(format!(
            "state must be \"present\" or \"absent\", got {other}"
        )),
    }
}

impl Wanted {
    fn value(&self, field: Field) -> Option<&str> {
        self.set
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    /// The edits that make block `sel` (which `has` describes) hold these fields.
    fn update(&self, sel: &Selector, has: impl Fn(Field) -> bool) -> Vec<EditOp> {
        let mut ops: Vec<EditOp> = self
            .set
            .iter()
            .map(|(field, value)| EditOp::Set {
                sel: sel.clone(),
                field: *field,
                value: value.clone(),
            })
            .collect();
        let falses = self
            .falses
            .iter()
            .filter(|f| has(**f))
            .map(|f| EditOp::Set {
                sel: sel.clone(),
                field: *f,
                value: "no".into(),
            });
        ops.extend(falses);
        let unsets = self
            .unset
            .iter()
            .filter(|f| has(**f))
            .map(|f| EditOp::Unset {
                sel: sel.clone(),
                field: *f,
            });
        ops.extend(unsets);
        ops
    }

    /// The fields of a new block: the values given (a `false` is left out, as
    /// missing reads as no).
    fn new_fields(&self) -> Vec<(Field, String)> {
        self.set.clone()
    }
}

/// Without `remove`: the sets and adds of the present commands; with `Some(force)`,
/// the removals of the absent ones, last first (a removal renumbers the blocks after
/// it), forced or not.
fn command_ops(
    session: &Session,
    wanted: &[Wanted],
    remove: Option<bool>,
) -> Result<Vec<EditOp>, Failure> {
    let present = remove.is_none();
    let cfg = session.config();
    let mut ops = Vec::new();
    let mut removed = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let name = w
            .value(Field::Name)
            .ok_or_else(|| Failure::usage(format!("commands[{i}]: a command needs its name")))?;
        if wanted[..i]
            .iter()
            .any(|o| o.value(Field::Name) == Some(name))
        {
            return Err(Failure::usage(format!(
                "commands[{i}]: the command '{name}' is given twice"
            )));
        }
        let found = match session.select(&Selector::Command(name.to_string())) {
            Ok(v) => v.into_iter().next(),
            Err(EditError::NoMatch { .. }) => None,
            Err(e) => return Err(edit_failure(&e)),
        };
        match (w.present, found) {
            (true, Some(sel)) if present => {
                let has = |f: Field| command_has(cfg, &sel, f);
                ops.extend(w.update(&sel, has));
            }
            (true, None) if present => ops.push(EditOp::AddCommand(w.new_fields())),
            (false, Some(sel)) if !present => removed.push(sel),
            _ => {}
        }
    }
    removed.sort_by_key(|s| std::cmp::Reverse(index(s)));
    let force = remove.unwrap_or(false);
    ops.extend(removed.into_iter().map(|sel| EditOp::Remove { sel, force }));
    Ok(ops)
}

fn command_has(cfg: &Config, sel: &Selector, field: Field) -> bool {
    cfg.command_at(index(sel))
        .is_some_and(|c| c.field(field).is_some())
}

fn index(sel: &Selector) -> usize {
    match sel {
        Selector::Response(i) | Selector::CommandAt(i) => *i,
        _ => 0,
    }
}

/// The sets and adds of the present responses, then the removals of the absent ones.
fn response_ops(
    session: &Session,
    wanted: &[Wanted],
    profile: Profile,
) -> Result<Vec<EditOp>, Failure> {
    let cfg = session.config();
    let ids: Vec<analysisd::Identity> = wanted
        .iter()
        .map(|w| analysisd::identity(profile, |f| w.value(f)))
        .collect();
    let mut ops = Vec::new();
    let mut removed = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        if let Some(j) = ids[..i].iter().position(|id| *id == ids[i]) {
            return Err(Failure::usage(format!(
                "responses[{i}] has the same identity as responses[{j}] (command, location, agent_id, level, rules_group, rules_id)"
            )));
        }
        let found: Vec<usize> = cfg
            .responses
            .iter()
            .filter(|r| r.identity(profile) == ids[i])
            .map(|r| r.index)
            .collect();
        match (w.present, found.is_empty()) {
            (true, true) => ops.push(EditOp::AddResponse(w.new_fields())),
            (true, false) => {
                for n in found {
                    let has = |f: Field| cfg.response(n).is_some_and(|r| r.field(f).is_some());
                    ops.extend(w.update(&Selector::Response(n), has));
                }
            }
            (false, _) => removed.extend(found),
        }
    }
    removed.sort_unstable_by(|a, b| b.cmp(a));
    removed.dedup();
    ops.extend(removed.into_iter().map(|n| EditOp::Remove {
        sel: Selector::Response(n),
        force: false,
    }));
    Ok(ops)
}
