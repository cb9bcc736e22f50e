//! `repeated_offenders`, read by execd on the executing host (reference
//! `wazuh-semantics.md` §5.6, `ossec-semantics.md` §8).

use crate::model::{Profile, atoi};
use crate::xml::Document;

/// The raw `repeated_offenders` execd of this file would use: Wazuh takes the first
/// one in any `<active-response>` of any `<ossec_config>` root; OSSEC looks only in
/// the first `<active-response>` of each root.
pub fn configured(doc: &Document, profile: Profile) -> Option<String> {
    let roots = doc.roots().filter(|&r| doc.name(r) == "ossec_config");
    for root in roots {
        let blocks: Vec<_> = doc.children_named(root, "active-response").collect();
        let searched = match profile {
            Profile::Wazuh => &blocks[..],
            Profile::Ossec => &blocks[..blocks.len().min(1)],
        };
        for &b in searched {
            if let Some(e) = doc.children_named(b, "repeated_offenders").next() {
                return Some(doc.value(e));
            }
        }
    }
    None
}

/// The minutes execd reads: at most 5 comma-separated entries (a 6th or later is
/// glued to the 5th and lost to `atoi`), leading spaces and tabs skipped; an entry
/// that reads as 0 ends the list.
pub fn minutes(raw: &str) -> Vec<i64> {
    let mut pieces: Vec<&str> = raw.splitn(5, ',').collect();
    if pieces.len() == 1 && pieces[0].is_empty() {
        pieces.clear();
    }
    pieces
        .into_iter()
        .map(|p| atoi(p.trim_start_matches([' ', '\t'])))
        .take_while(|&m| m != 0)
        .collect()
}

/// The timeout (seconds) of the `hit`-th execution (1-based) for the same key: the
/// configured timeout first, then each entry in minutes, the last one forever.
pub fn timeout_for_hit(timeout: i64, minutes: &[i64], hit: u32) -> i64 {
    if hit <= 1 || minutes.is_empty() {
        return timeout;
    }
    let i = (hit as usize - 2).min(minutes.len() - 1);
    minutes[i] * 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_five_entries_and_zero_ends_the_list() {
        assert_eq!(minutes("10,20,30"), [10, 20, 30]);
        assert_eq!(minutes(" 10,\t20"), [10, 20]);
        assert_eq!(minutes("1,2,3,4,5,6"), [1, 2, 3, 4, 5]);
        assert_eq!(minutes("10,abc,30"), [10]);
        assert_eq!(minutes("0,10"), Vec::<i64>::new());
        assert_eq!(minutes(""), Vec::<i64>::new());
    }

    #[test]
    fn schedule_of_hits() {
        // Timeout 600 s, repeated_offenders 10,20,30 (minutes).
        let ro = [10, 20, 30];
        assert_eq!(timeout_for_hit(600, &ro, 1), 600);
        assert_eq!(timeout_for_hit(600, &ro, 2), 600);
        assert_eq!(timeout_for_hit(600, &ro, 3), 1200);
        assert_eq!(timeout_for_hit(600, &ro, 4), 1800);
        assert_eq!(timeout_for_hit(600, &ro, 6), 1800);
        assert_eq!(timeout_for_hit(600, &[], 6), 600);
    }

    #[test]
    fn wazuh_reads_any_block_ossec_only_the_first() {
        let doc = crate::xml::parse(
            "<ossec_config><active-response><disabled>no</disabled></active-response><active-response><repeated_offenders>5,10</repeated_offenders></active-response></ossec_config>",
        );
        assert_eq!(configured(&doc, Profile::Wazuh).as_deref(), Some("5,10"));
        assert_eq!(configured(&doc, Profile::Ossec), None);
    }
}
