//! `OSSECAlert_Decoder` (`src/analysisd/decoders/plugins/ossecalert_decoder.c`;
//! docs/analysis-decoders.md "OSSEC alerts"): an alert of another OSSEC/Wazuh
//! manager points back at the rule that produced it.

use std::collections::HashSet;

use super::{c_str, find};
use crate::analysis::event::{Event, StaticField};

/// The rules hash key is the id printed with `%d`: only that spelling finds a rule.
fn rule_id(text: &[u8], rules: &HashSet<u32>) -> Option<u32> {
    let id: u32 = std::str::from_utf8(text).ok()?.parse().ok()?;
    if id.to_string().as_bytes() != text {
        return None;
    }
    rules.contains(&id).then_some(id)
}

/// The header up to the rule id: the rule found and the offset after its id.
fn rule_of(log: &[u8], rules: &HashSet<u32>) -> Option<(u32, usize)> {
    if !log.starts_with(b"Alert Level:") && !log.starts_with(b"ossec: Alert Level") {
        return None;
    }
    let semi = find(log, 0, b';')?;
    let colon = find(log, semi + 1, b':')?;
    let t = colon + 1;
    if log.get(t) != Some(&b' ') {
        return None;
    }
    let space = find(log, t + 1, b' ')?;
    Some((rule_id(&log[t + 1..space], rules)?, space))
}

/// `Alert Level: …; Rule: <id> …; Location: X; [srcip: …;] [user: …;] rest`:
/// location becomes `old|X` (254 bytes at most) and the hostname too, srcip and
/// dstuser are read, `full_log` and `log` become the rest (4094 bytes at most), and
/// the rule is the result. The steps done before a mismatch stay done.
pub(super) fn decode(event: &mut Event, rules: &HashSet<u32>) {
    let log = c_str(&event.log).to_vec();
    let Some((rule, space)) = rule_of(&log, rules) else {
        return;
    };
    let Some(semi) = find(&log, space, b';') else {
        return;
    };
    let mut t = semi + 1;
    if !log[t..].starts_with(b" Location: ") {
        return;
    }
    t += 11;
    let Some(end) = find(&log, t, b';') else {
        return;
    };
    let mut location = [&event.location[..], b"|", &log[t..end]].concat();
    location.truncate(254);
    event.hostname = location.clone();
    event.location = location;
    t = end + 1;
    while log.get(t) == Some(&b' ') && log.get(t + 1).is_some_and(|&b| b != b' ') {
        t += 1;
        let Some(end) = find(&log, t, b';') else {
            return;
        };
        let item = &log[t..end];
        if let Some(ip) = item.strip_prefix(b"srcip: ") {
            event.set(StaticField::SrcIp, ip.to_vec());
        }
        if let Some(user) = item.strip_prefix(b"user: ") {
            event.set(StaticField::DstUser, user.to_vec());
        }
        t = end + 1;
    }
    while log.get(t) == Some(&b' ') {
        t += 1;
    }
    let mut rest = log[t..].to_vec();
    rest.truncate(4094);
    event.full_log = rest.clone();
    event.log = rest;
    event.generated_rule = Some(rule);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ossecalert_decoder.c, step by step on a forwarded alert.
    #[test]
    fn alert_points_back_at_its_rule() {
        let mut e = Event {
            location: b"stdin".to_vec(),
            log: b"Alert Level: 5; Rule: 5716 - SSHD authentication failed.; Location: (agent) 1.2.3.4->/var/log/secure; srcip: 9.9.9.9; user: root;  Jan  1 sshd: failed".to_vec(),
            ..Event::default()
        };
        let rules: HashSet<u32> = [5716].into();
        decode(&mut e, &rules);
        assert_eq!(e.generated_rule, Some(5716));
        assert_eq!(
            e.location,
            b"stdin|(agent) 1.2.3.4->/var/log/secure".to_vec()
        );
        assert_eq!(e.hostname, e.location);
        assert_eq!(e.get(StaticField::SrcIp), Some(&b"9.9.9.9"[..]));
        assert_eq!(e.get(StaticField::DstUser), Some(&b"root"[..]));
        assert_eq!(e.log, b"Jan  1 sshd: failed".to_vec());
        assert_eq!(e.full_log, e.log);
    }

    /// Oracle (logtest): `ossec: Alert Level: 5; Rule: 5716 …` is decoded by
    /// ossec-alert with no rule, location `stdin`, no data: the session hash is empty.
    #[test]
    fn logtest_finds_no_rule() {
        let line = b"Alert Level: 5; Rule: 5716 - SSHD authentication failed.; Location: (agent) 1.2.3.4->/var/log/secure; srcip: 9.9.9.9; user: root;  Jan  1 sshd: failed".to_vec();
        let mut e = Event {
            location: b"stdin".to_vec(),
            log: line.clone(),
            ..Event::default()
        };
        decode(&mut e, &HashSet::new());
        assert_eq!(e.get(StaticField::SrcIp), None);
        assert_eq!(
            (e.generated_rule, e.log, e.location),
            (None, line, b"stdin".to_vec())
        );
    }

    /// A leading zero is not the `%d` spelling of the id.
    #[test]
    fn unknown_rule_changes_nothing() {
        let line = b"Alert Level: 5; Rule: 0123 - x; Location: y; rest".to_vec();
        let mut e = Event {
            log: line.clone(),
            ..Event::default()
        };
        decode(&mut e, &[123].into());
        assert_eq!(e.generated_rule, None);
        assert_eq!(e.log, line);
        assert!(e.location.is_empty());
    }
}
