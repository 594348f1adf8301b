//! The VPC's subnets and how each one routes to the internet.

use std::collections::BTreeMap;

use super::{need, Problem};
use crate::model::{Inventory, Subnet};
use crate::net::Cidr4;

#[derive(Debug, Clone, PartialEq)]
pub enum Egress {
    Nat(String),
    Other(String),
    None,
}

#[derive(Debug, Clone)]
pub struct SubnetInfo<'a> {
    pub subnet: &'a Subnet,
    /// Default route to an internet gateway.
    pub igw_route: Option<String>,
    pub egress: Egress,
    /// False when no route table applies that this account can see (no
    /// association and no main route table visible): in a shared VPC the
    /// owner account keeps them. Routing is then unknown, never "private".
    pub routing_known: bool,
    /// The owner account, when another account shares the subnet.
    pub shared_by: Option<String>,
}

impl SubnetInfo<'_> {
    /// Known to route 0.0.0.0/0 to an internet gateway.
    pub fn public(&self) -> bool {
        self.igw_route.is_some()
    }
    /// Known to have no route to an internet gateway.
    pub fn private(&self) -> bool {
        self.routing_known && self.igw_route.is_none()
    }
    pub fn describe(&self) -> String {
        let s = self.subnet;
        if !self.routing_known {
            return format!(
                "{} {} {}: routing unknown (no route table of it is visible to this account{})",
                s.id,
                s.availability_zone,
                s.cidr,
                match &self.shared_by {
                    Some(o) => format!(
                        "; the subnet is shared by account {o}, which keeps its route tables"
                    ),
                    None => String::new(),
                }
            );
        }
        let kind = match (&self.igw_route, &self.egress) {
            (Some(igw), _) => format!("public (0.0.0.0/0 → {igw})"),
            (None, Egress::Nat(n)) => format!("private (0.0.0.0/0 → {n})"),
            (None, Egress::Other(t)) => format!("private (0.0.0.0/0 → {t})"),
            (None, Egress::None) => "private (no default route)".to_string(),
        };
        format!("{} {} {}: {kind}", s.id, s.availability_zone, s.cidr)
    }
}

pub struct Network<'a> {
    pub subnets: BTreeMap<&'a str, SubnetInfo<'a>>,
}

impl<'a> Network<'a> {
    pub(crate) fn build(inv: &'a Inventory) -> Result<Self, Problem> {
        let subnets = need(&inv.subnets, "subnets")?;
        let tables = need(&inv.route_tables, "route tables")?;
        let main = tables.iter().find(|t| t.main);
        let mut out = BTreeMap::new();
        for s in subnets {
            let rt = tables
                .iter()
                .find(|t| t.subnet_ids.iter().any(|id| id == &s.id))
                .or(main);
            let mut igw = None;
            let mut egress = Egress::None;
            for r in rt.iter().flat_map(|rt| &rt.routes) {
                let default = r
                    .destination
                    .parse::<Cidr4>()
                    .is_ok_and(|c| c.is_default_route());
                let active = r.state.as_deref() != Some("blackhole");
                if !default || !active {
                    continue;
                }
                if r.target.starts_with("igw-") {
                    igw = Some(r.target.clone());
                } else if r.target.starts_with("nat-") {
                    egress = Egress::Nat(r.target.clone());
                } else if egress == Egress::None {
                    egress = Egress::Other(r.target.clone());
                }
            }
            out.insert(
                s.id.as_str(),
                SubnetInfo {
                    subnet: s,
                    igw_route: igw,
                    egress,
                    routing_known: rt.is_some(),
                    shared_by: s.owner.clone().filter(|o| Some(o) != inv.account.as_ref()),
                },
            );
        }
        Ok(Network { subnets: out })
    }

    pub fn get(&self, id: &str) -> Option<&SubnetInfo<'a>> {
        self.subnets.get(id)
    }

    /// The subnets among `ids` whose routing this account cannot see.
    pub fn unknown_routing<'s>(&self, ids: impl IntoIterator<Item = &'s String>) -> Vec<&'s str> {
        ids.into_iter()
            .filter(|id| self.get(id).is_some_and(|i| !i.routing_known))
            .map(String::as_str)
            .collect()
    }

    /// The IPv6 CIDR of one of the VPC's subnets.
    pub fn cidr6(&self, id: &str) -> Option<crate::net::Cidr6> {
        self.get(id)
            .and_then(|i| i.subnet.ipv6_cidr.as_deref())
            .and_then(|c| c.parse().ok())
    }

    /// The CIDR of one of the VPC's subnets.
    pub fn cidr(&self, id: &str) -> Option<Cidr4> {
        self.get(id).and_then(|i| i.subnet.cidr.parse().ok())
    }
}
