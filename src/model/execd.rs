//! What wazuh-execd (ossec-execd) reads from the `<active-response>` blocks of its
//! host's own ossec.conf: which `<disabled>` and `<repeated_offenders>` count, and how
//! a repeated-offenders list reads (docs/wazuh-config.md §3.8, §5.6,
//! docs/ossec.md §8; docs/choices.md "repeated_offenders placement").

use super::Profile;
use super::config::{Config, Placement};
use super::field::Field;
use super::values::atoi;
use crate::xml::{Document, ElementId};

/// The most entries execd splits a list into (`OS_StrBreak(',', v, 5)`).
pub const MAX_OFFENDER_ENTRIES: usize = 5;

impl Config {
    /// The `<name>` element `OS_GetOneContentforElement` finds, with the 1-based index
    /// of its response: it looks only in the first `<active-response>` of each
    /// `<ossec_config>` root (even an empty one), roots in document order, and takes
    /// the first `<name>` there (§3.8; docs/ossec.md §8 "GOTCHA").
    pub fn execd_first_child(&self, doc: &Document, field: Field) -> Option<(ElementId, usize)> {
        let mut root_seen = None;
        // Responses are in document order, so those of one root are consecutive.
        for r in &self.responses {
            let Placement::OssecConfig(root) = r.placement else {
                continue;
            };
            if root_seen == Some(root) {
                continue;
            }
            root_seen = Some(root);
            if let Some(e) = doc.children_named(r.element, field.name()).next() {
                return Some((e, r.index));
            }
        }
        None
    }

    /// The `<repeated_offenders>` element execd uses, with the 1-based index of its
    /// response: Wazuh 4.x takes the first one of any `<active-response>` of any
    /// `<ossec_config>` root (§5.6); OSSEC looks only in the first block of each root.
    pub fn repeated_offenders_used(
        &self,
        doc: &Document,
        profile: Profile,
    ) -> Option<(ElementId, usize)> {
        const NAME: Field = Field::RepeatedOffenders;
        match profile {
            Profile::Ossec => self.execd_first_child(doc, NAME),
            Profile::Wazuh => self
                .responses
                .iter()
                .filter(|r| matches!(r.placement, Placement::OssecConfig(_)))
                .find_map(|r| Some((doc.children_named(r.element, NAME.name()).next()?, r.index))),
        }
    }
}

/// One entry of a `repeated_offenders` list as execd splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffenderEntry<'a> {
    /// The piece as written; the 5th holds every later one, commas included.
    pub text: &'a str,
    /// The piece after the leading spaces and tabs execd skips.
    pub value: &'a str,
}

impl OffenderEntry<'_> {
    /// Its number of minutes (`atoi`); `None` for an empty entry, which OSSEC skips
    /// (Wazuh reads it as 0, which ends the list).
    pub fn minutes(&self, profile: Profile) -> Option<i64> {
        if self.value.is_empty() && profile == Profile::Ossec {
            return None;
        }
        Some(atoi(self.value))
    }

    /// Does the 5th entry hold later ones that `atoi` loses?
    pub fn holds_more(&self) -> bool {
        self.text.contains(',')
    }
}

/// The entries execd splits a `repeated_offenders` value into, in order: at most
/// [`MAX_OFFENDER_ENTRIES`] (§5.6).
pub fn offender_entries(raw: &str) -> impl Iterator<Item = OffenderEntry<'_>> {
    raw.splitn(MAX_OFFENDER_ENTRIES, ',')
        .map(|text| OffenderEntry {
            text,
            value: text.trim_start_matches([' ', '\t']),
        })
}

/// The minutes execd keeps from a `repeated_offenders` value: the entries up to the
/// first that reads as 0 (a first 0 switches the feature off).
pub fn offender_minutes(raw: &str, profile: Profile) -> Vec<i64> {
    offender_entries(raw)
        .filter_map(|e| e.minutes(profile))
        .take_while(|&m| m != 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn at_most_five_entries_and_zero_ends_the_list() {
        let w = |raw| offender_minutes(raw, Profile::Wazuh);
        assert_eq!(w("10,20,30"), [10, 20, 30]);
        assert_eq!(w(" 10,\t20"), [10, 20]);
        // The 6th stays glued to the 5th: atoi("5,6") is 5.
        assert_eq!(w("1,2,3,4,5,6"), [1, 2, 3, 4, 5]);
        assert_eq!(w("10,abc,30"), [10]);
        assert_eq!(w("0,10"), Vec::<i64>::new());
        assert_eq!(w(""), Vec::<i64>::new());
        assert_eq!(w("30m,60"), [30, 60]);
    }

    #[test]
    fn an_empty_entry_ends_the_list_for_wazuh_and_is_skipped_by_ossec() {
        assert_eq!(offender_minutes("10,,30", Profile::Wazuh), [10]);
        assert_eq!(offender_minutes("10,,30", Profile::Ossec), [10, 30]);
    }

    #[test]
    fn the_fifth_entry_holds_the_rest() {
        let e: Vec<_> = offender_entries("1, 2,3,4,5,6,7").collect();
        assert_eq!(e.len(), 5);
        assert_eq!((e[1].text, e[1].value), (" 2", "2"));
        assert_eq!(e[4].text, "5,6,7");
        assert!(e[4].holds_more() && !e[3].holds_more());
    }

    const TWO_ROOTS: &str = "<ossec_config><active-response><disabled>no</disabled></active-response><active-response><repeated_offenders>5,10</repeated_offenders></active-response></ossec_config><ossec_config><active-response><repeated_offenders>7</repeated_offenders></active-response></ossec_config>";

    #[test]
    fn wazuh_reads_any_block_ossec_only_the_first_of_each_root() {
        let doc = parse(TWO_ROOTS);
        let cfg = Config::from_document(&doc);
        let used = |p| {
            cfg.repeated_offenders_used(&doc, p)
                .map(|(e, i)| (doc.value(e), i))
        };
        assert_eq!(used(Profile::Wazuh), Some(("5,10".to_string(), 2)));
        assert_eq!(used(Profile::Ossec), Some(("7".to_string(), 3)));
    }

    #[test]
    fn an_empty_first_block_still_hides_the_later_ones_from_execd() {
        // OS_GetOneContentforElement resets at the next sibling of the first block,
        // whatever that block holds (§3.8).
        let doc = parse(
            "<ossec_config><active-response/><active-response><disabled>yes</disabled></active-response></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.execd_first_child(&doc, Field::Disabled), None);
        let doc = parse(
            "<ossec_config><global/><active-response><disabled>yes</disabled><disabled>no</disabled></active-response></ossec_config>",
        );
        let cfg = Config::from_document(&doc);
        let (e, i) = cfg.execd_first_child(&doc, Field::Disabled).expect("seen");
        assert_eq!((doc.value(e).as_str(), i), ("yes", 1));
    }

    #[test]
    fn blocks_outside_ossec_config_are_not_read_by_execd() {
        let doc = parse(
            "<agent_config><active-response><repeated_offenders>5</repeated_offenders></active-response></agent_config>",
        );
        let cfg = Config::from_document(&doc);
        assert_eq!(cfg.repeated_offenders_used(&doc, Profile::Wazuh), None);
        assert_eq!(cfg.repeated_offenders_used(&doc, Profile::Ossec), None);
    }
}
