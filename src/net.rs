//! IPv4 and IPv6 CIDR arithmetic and security-group rule matching.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::model::{SecurityGroup, SgRule};

/// An IPv4 network, normalised (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr4 {
    base: u32,
    prefix: u8,
}

impl Cidr4 {
    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(prefix))
        }
    }

    /// True when every address of `other` is inside `self`.
    pub fn contains(&self, other: &Cidr4) -> bool {
        self.prefix <= other.prefix && (other.base & Self::mask(self.prefix)) == self.base
    }

    pub fn contains_addr(&self, addr: Ipv4Addr) -> bool {
        (u32::from(addr) & Self::mask(self.prefix)) == self.base
    }

    pub fn is_default_route(&self) -> bool {
        self.prefix == 0
    }
}

impl FromStr for Cidr4 {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not a CIDR"))?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| format!("{s:?} is not a CIDR"))?;
        let prefix: u8 = prefix.parse().map_err(|_| format!("{s:?} is not a CIDR"))?;
        if prefix > 32 {
            return Err(format!("{s:?} is not a CIDR"));
        }
        Ok(Cidr4 {
            base: u32::from(addr) & Self::mask(prefix),
            prefix,
        })
    }
}

impl fmt::Display for Cidr4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

/// An IPv6 network, normalised (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr6 {
    base: u128,
    prefix: u8,
}

impl Cidr6 {
    fn mask(prefix: u8) -> u128 {
        if prefix == 0 {
            0
        } else {
            u128::MAX << (128 - u32::from(prefix))
        }
    }

    /// True when every address of `other` is inside `self`.
    pub fn contains(&self, other: &Cidr6) -> bool {
        self.prefix <= other.prefix && (other.base & Self::mask(self.prefix)) == self.base
    }
}

impl FromStr for Cidr6 {
    type Err = String;

    /// `2600:1f18::/56`, or a bare address as a /128.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not an IPv6 CIDR");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, p.parse::<u8>().map_err(|_| bad())?),
            None => (s, 128),
        };
        let addr: Ipv6Addr = addr.parse().map_err(|_| bad())?;
        if prefix > 128 {
            return Err(bad());
        }
        Ok(Cidr6 {
            base: u128::from(addr) & Self::mask(prefix),
            prefix,
        })
    }
}

impl fmt::Display for Cidr6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv6Addr::from(self.base), self.prefix)
    }
}

/// True when the rule admits TCP traffic to `port`.
pub fn rule_allows_tcp_port(rule: &SgRule, port: i32) -> bool {
    match rule.protocol.as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => {
            let from = rule.from_port.unwrap_or(0);
            let to = rule.to_port.unwrap_or(65535);
            (from..=to).contains(&port)
        }
        _ => false,
    }
}

/// The rules of `groups` that admit TCP `port` from anywhere on the
/// internet (`0.0.0.0/0` or `::/0`), described for evidence.
pub fn open_to_internet(groups: &[&SecurityGroup], port: i32) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        for r in g.ingress.iter().filter(|r| rule_allows_tcp_port(r, port)) {
            let open: Vec<&str> = r
                .ipv4_cidrs
                .iter()
                .map(String::as_str)
                .filter(|c| c.parse::<Cidr4>().is_ok_and(|c| c.is_default_route()))
                .chain(
                    r.ipv6_cidrs
                        .iter()
                        .map(String::as_str)
                        .filter(|c| c.trim() == "::/0"),
                )
                .collect();
            if !open.is_empty() {
                out.push(describe_rule(&g.id, r, &open.join(", ")));
            }
        }
    }
    out
}

/// Describes a rule compactly for evidence: `sg-1 tcp 5432 from sg-2`.
pub fn describe_rule(group: &str, rule: &SgRule, source: &str) -> String {
    let ports = match rule.protocol.as_str() {
        "-1" | "all" => "all traffic".to_string(),
        proto => match (rule.from_port, rule.to_port) {
            (Some(a), Some(b)) if a == b => format!("{proto} {a}"),
            (Some(a), Some(b)) => format!("{proto} {a}-{b}"),
            _ => proto.to_string(),
        },
    };
    format!("{group}: {ports} from {source}")
}

/// One source that may need to reach a port: a worker node (or a modelled one).
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub label: String,
    pub security_groups: Vec<String>,
    /// The subnet CIDR the source lives in (or its /32 address).
    pub cidr: Option<Cidr4>,
    /// Its IPv6 subnet CIDR (or /128 address), when it sends over IPv6 (the
    /// pods of an IPv6 EKS cluster).
    pub cidr6: Option<Cidr6>,
}

/// Managed prefix lists whose entries are known: id → IPv4 CIDRs.
pub type PrefixLists = std::collections::BTreeMap<String, Vec<Cidr4>>;

/// The ingress rule (on any of `target_groups`) that lets `src` reach TCP
/// `port`, by security group or CIDR (no prefix list is resolved).
pub fn find_admitting_rule(
    target_groups: &[&SecurityGroup],
    src: &Source,
    port: i32,
) -> Option<String> {
    find_admitting_rule_with(target_groups, src, port, &PrefixLists::new())
}

/// [`find_admitting_rule`], also matching managed prefix lists whose
/// entries are in `lists`.
pub fn find_admitting_rule_with(
    target_groups: &[&SecurityGroup],
    src: &Source,
    port: i32,
    lists: &PrefixLists,
) -> Option<String> {
    for group in target_groups {
        for rule in &group.ingress {
            if !rule_allows_tcp_port(rule, port) {
                continue;
            }
            if let Some(sg) = rule
                .security_groups
                .iter()
                .find(|sg| src.security_groups.contains(sg))
            {
                return Some(describe_rule(&group.id, rule, sg));
            }
            if let Some(src_cidr) = &src.cidr {
                for c in &rule.ipv4_cidrs {
                    if let Ok(rc) = c.parse::<Cidr4>() {
                        if rc.contains(src_cidr) {
                            return Some(describe_rule(&group.id, rule, c));
                        }
                    }
                }
                for pl in &rule.prefix_lists {
                    if let Some(entry) = lists
                        .get(pl)
                        .and_then(|cidrs| cidrs.iter().find(|e| e.contains(src_cidr)))
                    {
                        return Some(describe_rule(
                            &group.id,
                            rule,
                            &format!("prefix list {pl} (entry {entry})"),
                        ));
                    }
                }
            }
            if let Some(src6) = &src.cidr6 {
                for c in &rule.ipv6_cidrs {
                    if c.parse::<Cidr6>().is_ok_and(|rc| rc.contains(src6)) {
                        return Some(describe_rule(&group.id, rule, c));
                    }
                }
            }
        }
    }
    None
}

/// Rules on `groups` that open TCP `port` to a managed prefix list whose
/// entries are not in `lists`: a source they might admit is unknown —
/// neither admitted nor refused.
pub fn prefix_list_rules(groups: &[&SecurityGroup], port: i32, lists: &PrefixLists) -> Vec<String> {
    groups
        .iter()
        .flat_map(|g| g.ingress.iter().map(move |r| (g, r)))
        .filter(|(_, r)| rule_allows_tcp_port(r, port))
        .filter_map(|(g, r)| {
            let unknown: Vec<&str> = r
                .prefix_lists
                .iter()
                .filter(|p| !lists.contains_key(*p))
                .map(String::as_str)
                .collect();
            (!unknown.is_empty()).then(|| describe_rule(&g.id, r, &unknown.join(", ")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr4 {
        s.parse().unwrap()
    }

    #[test]
    fn containment() {
        assert!(c("10.0.0.0/16").contains(&c("10.0.3.0/24")));
        assert!(!c("10.0.3.0/24").contains(&c("10.0.0.0/16")));
        assert!(!c("10.1.0.0/16").contains(&c("10.0.3.0/24")));
        assert!(c("0.0.0.0/0").contains(&c("192.168.1.0/24")));
        assert!(
            c("10.0.0.5/16").contains(&c("10.0.200.0/24")),
            "host bits are cleared"
        );
        assert!(c("0.0.0.0/0").is_default_route());
        assert!("10.0.0.0/33".parse::<Cidr4>().is_err());
        assert!("10.0.0.0".parse::<Cidr4>().is_err());
        assert!("::/0".parse::<Cidr4>().is_err());
    }

    #[test]
    fn ports() {
        let mut r = SgRule {
            protocol: "tcp".into(),
            from_port: Some(5432),
            to_port: Some(5432),
            ..Default::default()
        };
        assert!(rule_allows_tcp_port(&r, 5432));
        assert!(!rule_allows_tcp_port(&r, 6379));
        r.from_port = Some(0);
        r.to_port = Some(65535);
        assert!(rule_allows_tcp_port(&r, 6379));
        r.protocol = "udp".into();
        assert!(!rule_allows_tcp_port(&r, 6379));
        r.protocol = "-1".into();
        r.from_port = None;
        r.to_port = None;
        assert!(rule_allows_tcp_port(&r, 6379));
    }

    #[test]
    fn ipv6_containment() {
        let c6 = |s: &str| s.parse::<Cidr6>().unwrap();
        assert!(c6("2600:1f18::/56").contains(&c6("2600:1f18:0:10::/64")));
        assert!(c6("2600:1f18::/56").contains(&c6("2600:1f18::5")));
        assert!(!c6("2600:1f18::/56").contains(&c6("2600:1f19::/64")));
        assert!(c6("::/0").contains(&c6("fd00::1")));
        assert!("2600::/129".parse::<Cidr6>().is_err());
        assert!("10.0.0.0/8".parse::<Cidr6>().is_err());
        assert_eq!(c6("2600:1f18::9/56").to_string(), "2600:1f18::/56");
    }
}
