//! The accumulator (`Accumulate`, `src/analysisd/accumulator.c`;
//! docs/analysis-decoders.md "Accumulator"): events of one host, decoder and `id`
//! seen within 120 seconds lend each other their empty user, address, port and data
//! fields.

use std::collections::HashMap;

use super::event::{Event, StaticField};

/// How long an entry lives (`OS_ACM_EXPIRE_ELM`).
const EXPIRE: i64 = 120;
/// The key buffer (`OS_ACM_MAXKEY`): a longer key skips the accumulator.
const MAX_KEY: usize = 256;
/// The longest value stored or lent (`OS_ACM_MAXELM` - 1).
const MAX_VALUE: usize = 80;

/// The fields the accumulator carries, in the daemon's order.
const SLOTS: [StaticField; 7] = [
    StaticField::DstUser,
    StaticField::SrcUser,
    StaticField::DstIp,
    StaticField::SrcIp,
    StaticField::DstPort,
    StaticField::SrcPort,
    StaticField::Data,
];

#[derive(Debug, Clone, Default)]
struct Entry {
    time: i64,
    values: [Option<Vec<u8>>; 7],
}

/// One session's store.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    store: HashMap<Vec<u8>, Entry>,
}

/// `acm_str_replace`: `src` is copied into `dst` only when `dst` is unset or empty
/// and `src` holds 1 to 80 bytes.
fn lend(dst: &mut Option<Vec<u8>>, src: Option<&[u8]>) {
    let Some(src) = src else { return };
    if dst.as_ref().is_some_and(|d| !d.is_empty()) {
        return;
    }
    if src.is_empty() || src.len() > MAX_VALUE {
        return;
    }
    *dst = Some(src.to_vec());
}

impl Accumulator {
    /// Runs the accumulator on `event` decoded by the decoder reported as `decoder`,
    /// at the event's time. Nothing happens without an `id`.
    pub fn accumulate(&mut self, event: &mut Event, decoder: &str) {
        let Some(id) = event.get(StaticField::Id) else {
            return;
        };
        let mut key = event.hostname.clone();
        key.push(b' ');
        key.extend_from_slice(decoder.as_bytes());
        key.push(b' ');
        key.extend_from_slice(id);
        if key.len() >= MAX_KEY {
            return;
        }
        let now = event.time;
        let mut entry = match self.store.remove(&key) {
            Some(e) if e.time > 0 && e.time < now - EXPIRE => Entry::default(),
            Some(e) => {
                for (slot, stored) in SLOTS.iter().zip(&e.values) {
                    let mut value = event.get(*slot).map(<[u8]>::to_vec);
                    lend(&mut value, stored.as_deref());
                    if let Some(v) = value {
                        event.set(*slot, v);
                    }
                }
                e
            }
            None => Entry::default(),
        };
        entry.time = now;
        for (slot, stored) in SLOTS.iter().zip(entry.values.iter_mut()) {
            lend(stored, event.get(*slot));
        }
        self.store.insert(key, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(time: i64, id: &str, srcip: Option<&str>, user: Option<&str>) -> Event {
        let mut e = Event {
            hostname: b"host".to_vec(),
            time,
            ..Event::default()
        };
        e.set(StaticField::Id, id.as_bytes().to_vec());
        if let Some(ip) = srcip {
            e.set(StaticField::SrcIp, ip.as_bytes().to_vec());
        }
        if let Some(u) = user {
            e.set(StaticField::DstUser, u.as_bytes().to_vec());
        }
        e
    }

    /// accumulator.c: within 120 s an empty field is filled from the entry, a set one
    /// is kept, and the entry keeps the first values it saw.
    #[test]
    fn fields_are_lent_within_120_seconds_and_not_after() {
        let mut acc = Accumulator::default();
        let mut a = event(1000, "7", Some("1.1.1.1"), None);
        acc.accumulate(&mut a, "dec");
        let mut b = event(1120, "7", None, Some("bob"));
        acc.accumulate(&mut b, "dec");
        assert_eq!(b.get(StaticField::SrcIp), Some(&b"1.1.1.1"[..]));
        let mut c = event(1200, "7", Some("2.2.2.2"), None);
        acc.accumulate(&mut c, "dec");
        assert_eq!(c.get(StaticField::DstUser), Some(&b"bob"[..]));
        assert_eq!(c.get(StaticField::SrcIp), Some(&b"2.2.2.2"[..]));
        // 121 s after the last refresh: the entry is dropped, nothing is lent.
        let mut d = event(1321, "7", None, None);
        acc.accumulate(&mut d, "dec");
        assert_eq!(d.get(StaticField::SrcIp), None);
    }

    #[test]
    fn other_id_decoder_or_no_id_share_nothing_and_long_values_stay_out() {
        let mut acc = Accumulator::default();
        let long = "x".repeat(81);
        let mut a = event(10, "1", Some(&long), Some("u"));
        acc.accumulate(&mut a, "dec");
        let mut b = event(11, "1", None, None);
        acc.accumulate(&mut b, "dec");
        assert_eq!(b.get(StaticField::SrcIp), None);
        assert_eq!(b.get(StaticField::DstUser), Some(&b"u"[..]));
        let mut c = event(12, "2", None, None);
        acc.accumulate(&mut c, "dec");
        assert_eq!(c.get(StaticField::DstUser), None);
        let mut d = event(12, "1", None, None);
        acc.accumulate(&mut d, "other");
        assert_eq!(d.get(StaticField::DstUser), None);
        let mut e = Event::default();
        acc.accumulate(&mut e, "dec");
        assert_eq!(e.get(StaticField::DstUser), None);
    }
}
