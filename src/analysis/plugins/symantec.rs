//! `SymantecWS_Decoder` (`src/analysisd/decoders/plugins/symantecws_decoder.c`;
//! docs/analysis-decoders.md "Symantec").

use super::{c_str, find};
use crate::analysis::event::{Event, StaticField};

/// Takes up to `max` bytes from `from`, stopping at a comma (or not, for the id).
fn take(log: &[u8], from: usize, max: usize, stop_at_comma: bool) -> (Vec<u8>, usize) {
    let mut end = from;
    while end < log.len() && end - from < max && !(stop_at_comma && log[end] == b',') {
        end += 1;
    }
    (log[from..end].to_vec(), end)
}

fn set_first(event: &mut Event, field: StaticField, value: Vec<u8>) {
    if event.get(field).is_none() {
        event.set(field, value);
    }
}

/// Items after the first comma (the daemon meant to skip two but finds the same one
/// twice): `10=` dstuser, `11=` srcip (128 bytes at most), `60=` url (1024), and
/// `3=`/`2=` the id as 9 raw bytes from the key. The first value of each wins.
pub(super) fn decode(event: &mut Event) {
    let log = c_str(&event.log).to_vec();
    let Some(comma) = find(&log, 0, b',') else {
        return;
    };
    let mut t = Some(comma + 1);
    while let Some(mut pos) = t {
        let rest = &log[pos..];
        if rest.starts_with(b"10=") {
            let (v, end) = take(&log, pos + 3, 128, true);
            set_first(event, StaticField::DstUser, v);
            pos = end;
        } else if rest.starts_with(b"11=") {
            let (v, end) = take(&log, pos + 3, 128, true);
            set_first(event, StaticField::SrcIp, v);
            pos = end;
        } else if rest.starts_with(b"60=") {
            let (v, end) = take(&log, pos + 3, 1024, true);
            set_first(event, StaticField::Url, v);
            pos = end;
        } else if rest.starts_with(b"3=") || rest.starts_with(b"2=") {
            let (v, end) = take(&log, pos, 9, false);
            set_first(event, StaticField::Id, v);
            pos = end;
        }
        t = find(&log, pos, b',').map(|c| c + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// symantecws_decoder.c: the id keeps its key and is 9 bytes long; the first
    /// dstuser wins.
    #[test]
    fn items_after_the_first_comma() {
        let mut e = Event {
            log: b"20070701 12:00,3=12345678901,10=bob,10=eve,11=1.2.3.4,60=http://x/y".to_vec(),
            ..Event::default()
        };
        decode(&mut e);
        assert_eq!(e.get(StaticField::Id), Some(&b"3=1234567"[..]));
        assert_eq!(e.get(StaticField::DstUser), Some(&b"bob"[..]));
        assert_eq!(e.get(StaticField::SrcIp), Some(&b"1.2.3.4"[..]));
        assert_eq!(e.get(StaticField::Url), Some(&b"http://x/y"[..]));
    }
}
