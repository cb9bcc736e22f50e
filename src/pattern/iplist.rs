//! IP lists of a rule's `<srcip>`/`<dstip>` (`src/shared/validate_op.c`:
//! `OS_IsValidIP`, `OS_IPFoundList`); docs/analysis-patterns.md "IP lists".

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use super::PatternError;
use super::pcre::Pcre;

/// `IPV4_ADDRESS` of `validate_op.c`: dotted quad, no leading zeros.
const IPV4: &str = r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
/// `IPV6_PREFIX`.
const PREFIX6: &str = "12[0-8]|1[0-1][0-9]|[0-9]?[0-9]";
const H: &str = "[0-9a-fA-F]{1,4}";

/// `ip_address_regex[]`: the first is IPv4 (with an optional `::ffff:` in front and a
/// `/cidr` or `/netmask`), the others IPv6 with an optional `/prefix`.
fn shapes() -> &'static [Pcre] {
    static SHAPES: OnceLock<Vec<Pcre>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let v6 = |body: String| format!("^({body})(?:/({PREFIX6}))?$");
        let mut pats = vec![format!(
            "^(?:::[fF]{{4}}:)?({IPV4})(?:/((?:3[0-2]|[1-2]?[0-9])|{IPV4}))?$"
        )];
        pats.push(v6(format!("(?:{H}:){{7}}{H}")));
        for (a, b) in [("1,6", "1"), ("1,5", "1,2"), ("1,4", "1,3"), ("1,3", "1,4")] {
            pats.push(v6(format!("(?:{H}:){{{a}}}(?::{H}){{{b}}}")));
        }
        pats.push(v6(format!("(?:{H}:){{1,2}}(?::{H}){{1,5}}")));
        pats.push(v6(format!("(?:{H}:){{1}}(?::{H}){{1,6}}")));
        pats.push(v6(format!("(?:{H}:){{1,7}}:")));
        pats.push(v6(format!(":(?::{H}){{1,7}}")));
        pats.push("^(::)$".to_string());
        pats.iter().filter_map(|p| Pcre::compile(p).ok()).collect()
    })
}

/// One entry: the network address and mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Net {
    V4 {
        ip: u32,
        mask: u32,
    },
    V6 {
        ip: u128,
        mask: u128,
    },
    /// `any`: the daemon stores a zero IPv6 network and no IPv4 one.
    Any,
}

/// An IP list (`w_expression_t` of type `EXP_TYPE_OSIP_ARRAY`).
#[derive(Debug, Clone, Default)]
pub struct IpList {
    nets: Vec<Net>,
}

impl IpList {
    /// Adds one `<srcip>`/`<dstip>` value (`w_expression_add_osip`). A leading `!` is
    /// dropped, as `OS_IsValidIP` does; negation is the rule's `negate` attribute.
    pub fn push(&mut self, value: &str) -> Result<(), PatternError> {
        let net = parse_entry(value).ok_or_else(|| PatternError {
            message: format!("Invalid IP address: '{value}'"),
        })?;
        self.nets.push(net);
        Ok(())
    }

    /// `OS_IPFoundList`: the value must be an IPv4 or IPv6 address (`inet_pton`), then
    /// it matches when it lies in an entry of its own family.
    pub fn contains(&self, value: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(value) else {
            return false;
        };
        if let Ok(v4) = text.parse::<Ipv4Addr>() {
            let a = u32::from(v4);
            // The daemon dereferences a NULL IPv4 network for `any` and IPv6 entries
            // (a crash); here they simply do not match.
            return self
                .nets
                .iter()
                .any(|n| matches!(*n, Net::V4 { ip, mask } if a & mask == ip));
        }
        if let Ok(v6) = text.parse::<Ipv6Addr>() {
            let a = u128::from(v6);
            return self.nets.iter().any(|n| match *n {
                Net::V6 { ip, mask } => a & mask == ip,
                Net::Any => true,
                Net::V4 { .. } => false,
            });
        }
        false
    }
}

/// `OS_IsValidIP(value, &ip)`.
fn parse_entry(value: &str) -> Option<Net> {
    let value = value.strip_prefix('!').unwrap_or(value);
    if value == "any" {
        return Some(Net::Any);
    }
    let shapes = shapes();
    let (index, (_, caps)) = shapes
        .iter()
        .enumerate()
        .find_map(|(i, re)| re.exec(value.as_bytes()).map(|m| (i, m)))?;
    let text = |k: usize| caps.get(k).map(|r| &value[r.clone()]);
    let addr = text(0)?;
    if index == 0 {
        let ip = u32::from(addr.parse::<Ipv4Addr>().ok()?);
        let mask = match text(1) {
            Some(m) if m.len() <= 2 => v4_mask(m.parse().ok()?),
            Some(m) => u32::from(m.parse::<Ipv4Addr>().ok()?),
            None => u32::MAX,
        };
        return Some(Net::V4 {
            ip: ip & mask,
            mask,
        });
    }
    let ip = u128::from(addr.parse::<Ipv6Addr>().ok()?);
    let bits: u32 = match text(1) {
        Some(p) => p.parse().ok().filter(|&b| b <= 128)?,
        None => 128,
    };
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    Some(Net::V6 {
        ip: ip & mask,
        mask,
    })
}

/// `_netmasks[cidr]`.
fn v4_mask(bits: u32) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits.min(32))
    }
}
