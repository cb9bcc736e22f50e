//! Replay: streams Wazuh's alerts.json (one JSON object per line, plain or gzip) and
//! counts how often each response would have executed (SPEC §2.3 replay mode).
//!
//! Memory stays constant: one line buffer is reused, and only `rule.id`, `agent.id`,
//! `data.srcip` and `data.dstuser` are read (borrowed from the line; every other
//! field is skipped without being stored).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use super::fire::{Gate, Route, Simulator};
use super::message::Expect;
use crate::model::Profile;

/// Counts of one response over the replayed alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayExecution {
    /// 1-based block index.
    pub index: usize,
    /// The response name.
    pub name: String,
    /// Executions dispatched by analysisd.
    pub count: u64,
    /// The same, per target (`000` the manager, `all active agents`).
    pub by_agent: BTreeMap<String, u64>,
}

/// The outcome of a replay (SPEC §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replay {
    /// Alerts read (lines holding a JSON object with `rule.id`).
    pub alerts: u64,
    /// Alerts whose rule id is not in the loaded rules.
    pub unknown_rules: u64,
    /// Alerts with bound responses that the gates stopped (crafted user or IP, white
    /// list).
    pub skipped: u64,
    /// One entry per accepted response, in block order.
    pub executions: Vec<ReplayExecution>,
    /// Non-empty lines that are not alerts (not JSON, or no `rule.id`).
    #[serde(skip)]
    pub malformed: u64,
    /// 1-based line number of the first of them.
    #[serde(skip)]
    pub first_malformed: Option<u64>,
}

/// An alerts file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    /// Opening failed.
    #[error("cannot read {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading (or decompressing) failed at a line.
    #[error("cannot read the alerts at line {line}: {source}")]
    Read {
        /// 1-based line being read.
        line: u64,
        /// Why.
        source: std::io::Error,
    },
}

/// Opens an alerts file, decompressing it when it starts with the gzip magic bytes.
pub fn open_alerts(path: &Path) -> Result<Box<dyn BufRead>, AlertsError> {
    let open_err = |source| AlertsError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::with_capacity(1 << 16, std::fs::File::open(path).map_err(open_err)?);
    let gz = file
        .fill_buf()
        .map_err(open_err)?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        let inner = flate2::bufread::MultiGzDecoder::new(file);
        Box::new(BufReader::with_capacity(1 << 16, inner)) as Box<dyn BufRead>
    } else {
        Box::new(file)
    })
}

/// Streams `reader` through `sim`.
pub fn replay(mut reader: impl BufRead, sim: &Simulator<'_>) -> Result<Replay, AlertsError> {
    let active: Vec<_> = sim.responses.active().collect();
    let bound: HashMap<u32, Vec<usize>> = bound_by_rule(sim, &active);
    let mut out = Replay {
        alerts: 0,
        unknown_rules: 0,
        skipped: 0,
        executions: active
            .iter()
            .map(|ar| ReplayExecution {
                index: ar.index,
                name: ar.name.clone(),
                count: 0,
                by_agent: BTreeMap::new(),
            })
            .collect(),
        malformed: 0,
        first_malformed: None,
    };
    let mut line = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| AlertsError::Read {
                line: number,
                source,
            })?;
        if n == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<AlertLine<'_>>(&line) {
            Ok(a) if a.rule_id().is_some() => count(&mut out, sim, &active, &bound, &a),
            _ => {
                out.malformed += 1;
                out.first_malformed.get_or_insert(number);
            }
        }
    }
    Ok(out)
}

/// For each loaded rule with responses, the indices (into the active list) of them.
fn bound_by_rule(
    sim: &Simulator<'_>,
    active: &[&super::responses::ActiveResponse],
) -> HashMap<u32, Vec<usize>> {
    sim.rules
        .iter()
        .filter_map(|rule| {
            let list: Vec<usize> = sim
                .bound(rule)
                .iter()
                .filter_map(|b| active.iter().position(|a| a.index == b.index))
                .collect();
            (!list.is_empty()).then_some((rule.id, list))
        })
        .collect()
}

fn count(
    out: &mut Replay,
    sim: &Simulator<'_>,
    active: &[&super::responses::ActiveResponse],
    bound: &HashMap<u32, Vec<usize>>,
    a: &AlertLine<'_>,
) {
    out.alerts += 1;
    let Some(id) = a.rule_id() else { return };
    if sim.rules.get(id).is_none() {
        out.unknown_rules += 1;
        return;
    }
    let Some(list) = bound.get(&id) else { return };
    let agent = a
        .agent
        .as_ref()
        .and_then(|g| g.id.as_deref())
        .unwrap_or("000");
    let (srcip, user) = a
        .data
        .as_ref()
        .map_or((None, None), |d| (d.srcip.as_deref(), d.dstuser.as_deref()));
    let mut gated = false;
    for &i in list {
        let ar = active[i];
        let expect = (sim.responses.profile == Profile::Ossec)
            .then(|| Expect::read(ar.expect.as_deref().unwrap_or("")));
        if sim.gate_fields(user, srcip, expect) != Gate::Open {
            gated = true;
            continue;
        }
        let target = match sim.route(ar, agent) {
            Route::Manager => Cow::Borrowed("000"),
            Route::Agent(a) => Cow::Owned(a),
            Route::AllAgents => Cow::Borrowed(match sim.responses.profile {
                Profile::Wazuh => "all active agents",
                Profile::Ossec => "all agents",
            }),
            Route::Nowhere(_) => continue,
        };
        let e = &mut out.executions[i];
        e.count += 1;
        match e.by_agent.get_mut(target.as_ref()) {
            Some(c) => *c += 1,
            None => {
                e.by_agent.insert(target.into_owned(), 1);
            }
        }
    }
    if gated {
        out.skipped += 1;
    }
}

/// The fields of an alert line the replay reads; everything else is skipped.
#[derive(Deserialize)]
struct AlertLine<'a> {
    #[serde(default)]
    rule: Option<RuleRef>,
    #[serde(borrow, default)]
    agent: Option<AgentRef<'a>>,
    #[serde(borrow, default)]
    data: Option<DataRef<'a>>,
}

impl AlertLine<'_> {
    fn rule_id(&self) -> Option<u32> {
        self.rule.as_ref().and_then(|r| r.id)
    }
}

#[derive(Deserialize)]
struct RuleRef {
    #[serde(default, deserialize_with = "rule_id")]
    id: Option<u32>,
}

#[derive(Deserialize)]
struct AgentRef<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct DataRef<'a> {
    #[serde(borrow, default)]
    srcip: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    dstuser: Option<Cow<'a, str>>,
}

/// `rule.id` is a string in alerts.json (`"5712"`); a number is accepted too.
fn rule_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Id;
    impl serde::de::Visitor<'_> for Id {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a rule id")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.parse().ok())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_id_as_string_or_number() {
        let a: AlertLine<'_> =
            serde_json::from_str(r#"{"rule":{"id":"5712","groups":["a"]},"agent":{"id":"001"},"data":{"srcip":"1.2.3.4"}}"#)
                .expect("json");
        assert_eq!(a.rule_id(), Some(5712));
        let b: AlertLine<'_> = serde_json::from_str(r#"{"rule":{"id":31151}}"#).expect("json");
        assert_eq!(b.rule_id(), Some(31151));
        let c: AlertLine<'_> = serde_json::from_str(r#"{"rule":{"id":"x"}}"#).expect("json");
        assert_eq!(c.rule_id(), None);
    }
}
