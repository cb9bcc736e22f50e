//! `SonicWall_Decoder` (`src/analysisd/decoders/plugins/sonicwall_decoder.c`;
//! docs/analysis-decoders.md "SonicWall").

use super::{c_str, find};
use crate::analysis::event::{Category, Event, StaticField};
use crate::pattern::{Engine, Expression, Match};

const PRIORITY_ID: &str = r"pri=(\d) c=(\d+) m=(\d+) ";
const ADDRESSES: &str = r"src=(\d+.\d+.\d+.\d+):(\d+):\S+ dst=(\d+.\d+.\d+.\d+):(\d+):";
const PROXY: &str = r"result=(\d+) dstname=(\S+) arg=(\S+)$";

fn exec(pattern: &str, subject: &[u8]) -> Option<Match> {
    Expression::compile(Engine::OsRegex, pattern)
        .ok()?
        .exec(subject)
}

fn capture(subject: &[u8], m: &Match, i: usize) -> Option<Vec<u8>> {
    m.captures.get(i).map(|r| subject[r.clone()].to_vec())
}

/// Decodes a SonicWall line and returns the type the decoder is left with (the
/// daemon writes it into the shared decoder: syslog first, then by category and id).
pub(super) fn decode(event: &mut Event) -> Category {
    let log = c_str(&event.log).to_vec();
    let Some(m) = exec(PRIORITY_ID, &log) else {
        return Category::Syslog;
    };
    let (Some(status), Some(cat), Some(id)) = (
        capture(&log, &m, 0),
        capture(&log, &m, 1),
        capture(&log, &m, 2),
    ) else {
        return Category::Syslog;
    };
    event.set(StaticField::Status, status);
    event.set(StaticField::Id, id.clone());
    let category: Vec<u8> = cat.into_iter().take(7).collect();
    let from = m.end.min(log.len());
    let rest = &log[from..];
    let Some(m2) = exec(ADDRESSES, rest) else {
        return Category::Syslog;
    };
    let caps: Vec<Option<Vec<u8>>> = (0..4).map(|i| capture(rest, &m2, i)).collect();
    let [Some(sip), Some(sport), Some(dip), Some(dport)] =
        <[_; 4]>::try_from(caps).unwrap_or_default()
    else {
        return Category::Syslog;
    };
    event.set(StaticField::SrcIp, sip);
    event.set(StaticField::SrcPort, sport);
    event.set(StaticField::DstIp, dip);
    event.set(StaticField::DstPort, dport);
    let after = from + m2.end.min(rest.len());
    let next = find(&log, after, b' ').map(|s| s + 1);
    if let Some(p) = next.filter(|&p| log[p..].starts_with(b"proto=")) {
        let proto: Vec<u8> = log[p + 6..]
            .iter()
            .take_while(|&&b| b > 1 && b != b'/')
            .take(6)
            .copied()
            .collect();
        event.set(StaticField::Protocol, proto);
    }
    classify(event, &category, &id, next.map(|p| &log[p..]))
}

/// The type and action by category and message id; `m=97` reads the proxy fields.
fn classify(event: &mut Event, category: &[u8], id: &[u8], rest: Option<&[u8]>) -> Category {
    let action = |event: &mut Event, a: &[u8]| event.set(StaticField::Action, a.to_vec());
    if category == b"32" {
        return Category::Ids;
    }
    match id {
        b"98" | b"597" | b"598" => action(event, b"pass"),
        b"38" | b"36" | b"173" | b"174" | b"37" => action(event, b"drop"),
        b"537" => action(event, b"close"),
        b"97" => {
            proxy(event, rest);
            return Category::Squid;
        }
        _ => return Category::Syslog,
    }
    Category::Firewall
}

fn proxy(event: &mut Event, rest: Option<&[u8]>) {
    let Some(rest) = rest else { return };
    let Some(m) = exec(PROXY, rest) else { return };
    let Some(result) = capture(rest, &m, 0) else {
        return;
    };
    event.set(StaticField::Id, result);
    if let (Some(name), Some(arg)) = (capture(rest, &m, 1), capture(rest, &m, 2)) {
        event.set(StaticField::Url, [name, arg].concat());
    }
}
