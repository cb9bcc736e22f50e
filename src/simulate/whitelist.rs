//! `<global><white_list>`: a source IP listed there gets no active response at all
//! (docs/wazuh-config.md §5.1, §10 pitfall 15).
//!
//! An entry that reads as an IP address (optionally with a `/prefix` or a dotted
//! netmask, or `any`) is matched as an address; any other entry is an OSMatch
//! host-name pattern matched against the source IP text (`Read_Global`).

use std::net::IpAddr;

use crate::model::Profile;
use crate::model::osregex::OsMatch;
use crate::xml::Document;

/// The white list of a configuration.
#[derive(Debug, Clone, Default)]
pub struct WhiteList {
    ips: Vec<IpEntry>,
    hosts: Vec<(String, OsMatch)>,
}

#[derive(Debug, Clone)]
struct IpEntry {
    raw: String,
    /// `!` in front: once met, the daemon's list check inverts (`OS_IPFoundList`).
    negated: bool,
    net: Net,
}

#[derive(Debug, Clone, Copy)]
enum Net {
    Any,
    V4 { addr: u32, mask: u32 },
    V6 { addr: u128, mask: u128 },
}

impl WhiteList {
    /// The `<white_list>` entries of every `<global>` under `<ossec_config>` roots
    /// (OSSEC also reads `<allow_list>`).
    pub fn from_config(doc: &Document, profile: Profile) -> WhiteList {
        let mut list = WhiteList::default();
        let names: &[&str] = match profile {
            Profile::Wazuh => &["white_list"],
            Profile::Ossec => &["white_list", "allow_list"],
        };
        let globals = doc
            .roots()
            .filter(|&r| doc.name(r) == "ossec_config")
            .flat_map(|r| doc.children_named(r, "global"));
        for g in globals {
            for e in doc.children(g) {
                if names.contains(&doc.name(e)) {
                    list.add(&doc.value(e));
                }
            }
        }
        list
    }

    /// Adds one entry as the daemon classifies it.
    pub fn add(&mut self, entry: &str) {
        let (negated, body) = match entry.strip_prefix('!') {
            Some(b) => (true, b),
            None => (false, entry),
        };
        match parse_net(body) {
            Some(net) => self.ips.push(IpEntry {
                raw: entry.to_string(),
                negated,
                net,
            }),
            None => self
                .hosts
                .push((entry.to_string(), OsMatch::compile(entry))),
        }
    }

    /// Is there no entry?
    pub fn is_empty(&self) -> bool {
        self.ips.is_empty() && self.hosts.is_empty()
    }

    /// The entry that white-lists `srcip` (already stripped of `::ffff:`), if any.
    pub fn find(&self, srcip: &str) -> Option<&str> {
        self.find_ip(srcip).or_else(|| {
            self.hosts
                .iter()
                .find(|(_, m)| m.is_match(srcip))
                .map(|(raw, _)| raw.as_str())
        })
    }

    /// `OS_IPFoundList`: the first matching entry decides; after a negated entry, a
    /// match means "not listed" and no match means "listed".
    fn find_ip(&self, srcip: &str) -> Option<&str> {
        let ip: IpAddr = srcip.parse().ok()?;
        let mut listed = true;
        for e in &self.ips {
            if e.negated {
                listed = false;
            }
            if e.net.contains(ip) {
                return listed.then_some(e.raw.as_str());
            }
        }
        (!listed).then(|| self.ips.last().map_or("", |e| e.raw.as_str()))
    }
}

impl Net {
    fn contains(self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Net::Any, _) => true,
            (Net::V4 { addr, mask }, IpAddr::V4(v)) => u32::from(v) & mask == addr,
            (Net::V6 { addr, mask }, IpAddr::V6(v)) => u128::from(v) & mask == addr,
            _ => false,
        }
    }
}

/// An address with an optional `/prefix` (or IPv4 dotted netmask), or `any`.
fn parse_net(s: &str) -> Option<Net> {
    if s == "any" {
        return Some(Net::Any);
    }
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(v) => {
            let mask = match prefix {
                None => u32::MAX,
                Some(p) if p.contains('.') => u32::from(p.parse::<std::net::Ipv4Addr>().ok()?),
                Some(p) => prefix_mask_v4(p.parse().ok()?)?,
            };
            Some(Net::V4 {
                addr: u32::from(v) & mask,
                mask,
            })
        }
        IpAddr::V6(v) => {
            let bits: u32 = prefix.map_or(Some(128), |p| p.parse().ok())?;
            let mask = match bits {
                0 => 0,
                1..=128 => u128::MAX << (128 - bits),
                _ => return None,
            };
            Some(Net::V6 {
                addr: u128::from(v) & mask,
                mask,
            })
        }
    }
}

fn prefix_mask_v4(bits: u32) -> Option<u32> {
    match bits {
        0 => Some(0),
        1..=32 => Some(u32::MAX << (32 - bits)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> WhiteList {
        let mut l = WhiteList::default();
        for e in entries {
            l.add(e);
        }
        l
    }

    #[test]
    fn ip_cidr_netmask_and_host_patterns() {
        let l = list(&[
            "127.0.0.1",
            "10.0.0.0/24",
            "192.168.0.0/255.255.0.0",
            "^localhost.localdomain$",
            "fd00::/8",
        ]);
        assert_eq!(l.find("127.0.0.1"), Some("127.0.0.1"));
        assert_eq!(l.find("10.0.0.77"), Some("10.0.0.0/24"));
        assert_eq!(l.find("10.0.1.1"), None);
        assert_eq!(l.find("192.168.44.1"), Some("192.168.0.0/255.255.0.0"));
        assert_eq!(l.find("fd12::1"), Some("fd00::/8"));
        assert_eq!(
            l.find("LOCALHOST.localdomain"),
            Some("^localhost.localdomain$")
        );
        assert_eq!(l.find("8.8.8.8"), None);
    }

    #[test]
    fn host_pattern_matches_an_ip_text_as_a_substring() {
        // Any entry that is not an IP is an OSMatch pattern on the srcip string.
        let l = list(&["10.1.2."]);
        assert_eq!(l.find("10.1.2.3"), Some("10.1.2."));
        assert_eq!(l.find("110.1.2.3"), Some("10.1.2."));
    }

    #[test]
    fn config_entries_are_read_from_global_sections() {
        let doc = crate::xml::parse(
            "<ossec_config><global><white_list>10.0.0.0/8</white_list></global></ossec_config><ossec_config><global><white_list>^gw$</white_list><allow_list>1.2.3.4</allow_list></global></ossec_config>",
        );
        let w = WhiteList::from_config(&doc, Profile::Wazuh);
        assert_eq!(w.find("10.9.9.9"), Some("10.0.0.0/8"));
        assert_eq!(w.find("gw"), Some("^gw$"));
        assert_eq!(w.find("1.2.3.4"), None);
        let o = WhiteList::from_config(&doc, Profile::Ossec);
        assert_eq!(o.find("1.2.3.4"), Some("1.2.3.4"));
    }
}
