//! `PF_Decoder` (`src/analysisd/decoders/plugins/pf_decoder.c`;
//! docs/analysis-decoders.md "PF"): OpenBSD pf log lines, read from `log`.

use super::{c_str, find};
use crate::analysis::event::{Event, StaticField};

/// Splits `a.b.c.d.port` at its 4th dot.
fn split_port(s: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut dots = 0;
    for (i, &b) in s.iter().enumerate() {
        if b == b'.' {
            dots += 1;
            if dots == 4 {
                return (s[..i].to_vec(), Some(s[i + 1..].to_vec()));
            }
        }
    }
    (s.to_vec(), None)
}

fn set_addr(event: &mut Event, s: &[u8], ip: StaticField, port: StaticField) {
    let (addr, p) = split_port(s);
    event.set(ip, addr);
    if let Some(p) = p {
        event.set(port, p);
    }
}

/// Action after `") "`, source after `": "` up to a space, destination after
/// `"> "` up to `:`, protocol from the next non-space byte. Whatever was read before
/// a mismatch stays.
pub(super) fn decode(event: &mut Event) {
    let log = c_str(&event.log).to_vec();
    let Some(paren) = find(&log, 0, b')') else {
        return;
    };
    let mut t = paren + 1;
    if log.get(t) != Some(&b' ') {
        return;
    }
    t += 1;
    let action: &[u8] = match log.get(t) {
        Some(b'p') => b"pass",
        Some(b'b') => b"block",
        _ => return,
    };
    event.set(StaticField::Action, action.to_vec());
    let Some(colon) = find(&log, t, b':') else {
        return;
    };
    t = colon + 1;
    if log.get(t) != Some(&b' ') {
        return;
    }
    t += 1;
    let Some(space) = find(&log, t, b' ') else {
        return;
    };
    set_addr(
        event,
        &log[t..space],
        StaticField::SrcIp,
        StaticField::SrcPort,
    );
    destination(event, &log, space + 1);
}

/// After the source: `> `, the destination up to `:`, then the protocol.
fn destination(event: &mut Event, log: &[u8], a: usize) {
    if log.get(a) != Some(&b'>') || log.get(a + 1) != Some(&b' ') {
        return;
    }
    let a = a + 2;
    let Some(colon) = find(log, a, b':') else {
        return;
    };
    set_addr(
        event,
        &log[a..colon],
        StaticField::DstIp,
        StaticField::DstPort,
    );
    let protocol: &[u8] = match log[colon + 1..].iter().find(|&&b| b != b' ') {
        None => return,
        Some(b'u') => b"UDP",
        Some(b'i') => b"ICMP",
        Some(_) => b"TCP",
    };
    event.set(StaticField::Protocol, protocol.to_vec());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Event {
        let mut e = Event {
            log: line.as_bytes().to_vec(),
            ..Event::default()
        };
        decode(&mut e);
        e
    }

    /// pf_decoder.c on the line of its own comment.
    #[test]
    fn pass_line_gives_action_addresses_ports_and_protocol() {
        let e = run("rule 3/(match) pass out on xl0: 192.168.2.10.1514 > 192.168.2.1.53: udp 28");
        assert_eq!(e.get(StaticField::Action), Some(&b"pass"[..]));
        assert_eq!(e.get(StaticField::SrcIp), Some(&b"192.168.2.10"[..]));
        assert_eq!(e.get(StaticField::SrcPort), Some(&b"1514"[..]));
        assert_eq!(e.get(StaticField::DstIp), Some(&b"192.168.2.1"[..]));
        assert_eq!(e.get(StaticField::DstPort), Some(&b"53"[..]));
        assert_eq!(e.get(StaticField::Protocol), Some(&b"UDP"[..]));
    }

    #[test]
    fn a_mismatch_keeps_what_was_read() {
        let e = run("rule 1/(match) block in on em0: 10.0.0.1 x");
        assert_eq!(e.get(StaticField::Action), Some(&b"block"[..]));
        assert_eq!(e.get(StaticField::SrcIp), Some(&b"10.0.0.1"[..]));
        assert_eq!(e.get(StaticField::SrcPort), None);
        assert_eq!(e.get(StaticField::DstIp), None);
        assert_eq!(run("rule 1/(match) drop").get(StaticField::Action), None);
    }
}
