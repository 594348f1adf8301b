//! The allocatable model of an EKS worker node.
//!
//! Follows the EKS optimized AMI's `nodeadm` (awslabs/amazon-eks-ami,
//! `nodeadm/internal/kubelet/config.go` and `maxpods/maxpods.go`):
//!
//! * kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of
//!   cores 3–4, 0.25% of every further core;
//! * kube-reserved memory: `11 × maxPods + 255` MiB;
//! * hard eviction threshold `memory.available`: 100 MiB;
//! * maxPods (VPC CNI without prefix delegation):
//!   `ENIs × (IPv4 addresses per ENI − 1) + 2`; EKS managed node groups cap it
//!   at 110 on instance types with fewer than 30 vCPUs and at 250 otherwise;
//!   with prefix delegation each address slot holds 16 addresses and the
//!   result is capped the same way, so small nodes run 110 pods and reserve
//!   more memory.
//!
//! Assumption: node capacity is the instance type's nominal memory. The
//! kernel keeps a little memory for itself before the kubelet sees it, so
//! the real allocatable memory is slightly lower than this model: a result
//! close to a threshold should be confirmed with `kubectl describe node`.

use serde::Serialize;

use crate::model::InstanceType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Allocatable {
    pub capacity_millicores: u64,
    pub capacity_memory_mib: u64,
    pub max_pods: u32,
    pub reserved_millicores: u64,
    pub reserved_memory_mib: u64,
    pub eviction_memory_mib: u64,
    pub millicores: u64,
    pub memory_mib: u64,
}

pub const EVICTION_HARD_MIB: u64 = 100;

/// CPU kube-reserved by nodeadm, in millicores, for `vcpus` cores.
pub fn reserved_millicores(vcpus: u32) -> u64 {
    let total = u64::from(vcpus) * 1000;
    // (range end in millicores, reservation in hundredths of a percent)
    let bands = [(1000u64, 600u64), (2000, 100), (4000, 50), (u64::MAX, 25)];
    let mut start = 0u64;
    let mut reserved = 0u64;
    for (end, pct) in bands {
        if total > start {
            reserved += (total.min(end) - start) * pct / 10000;
        }
        start = end;
    }
    reserved
}

/// maxPods from the ENI limits, with the managed-node-group cap when `managed`.
pub fn max_pods(it: &InstanceType, managed: bool) -> u32 {
    max_pods_with(it, managed, false)
}

/// The cap EKS puts on maxPods: 110 below 30 vCPUs, 250 from 30.
fn pod_cap(it: &InstanceType) -> u32 {
    if it.vcpus < 30 {
        110
    } else {
        250
    }
}

/// maxPods, with VPC CNI prefix delegation when `prefix_delegation`: every
/// secondary address slot then holds a /28 prefix of 16 addresses, and the
/// result is capped at 110 (fewer than 30 vCPUs) or 250 — the EKS max-pods
/// calculator's `--cni-prefix-delegation-enabled`.
pub fn max_pods_with(it: &InstanceType, managed: bool, prefix_delegation: bool) -> u32 {
    // Saturating: a hand-edited or corrupt snapshot may hold any numbers.
    let slots = it
        .max_network_interfaces
        .saturating_mul(it.ipv4_addresses_per_interface.saturating_sub(1));
    if prefix_delegation {
        return slots.saturating_mul(16).saturating_add(2).min(pod_cap(it));
    }
    let eni = slots.saturating_add(2);
    if managed {
        eni.min(pod_cap(it))
    } else {
        eni
    }
}

pub fn allocatable(it: &InstanceType, managed: bool) -> Allocatable {
    allocatable_with(it, managed, false)
}

/// [`allocatable`] with or without VPC CNI prefix delegation.
pub fn allocatable_with(it: &InstanceType, managed: bool, prefix_delegation: bool) -> Allocatable {
    let pods = max_pods_with(it, managed, prefix_delegation);
    let cap_m = u64::from(it.vcpus) * 1000;
    let res_m = reserved_millicores(it.vcpus);
    let res_mem = 11 * u64::from(pods) + 255;
    Allocatable {
        capacity_millicores: cap_m,
        capacity_memory_mib: it.memory_mib,
        max_pods: pods,
        reserved_millicores: res_m,
        reserved_memory_mib: res_mem,
        eviction_memory_mib: EVICTION_HARD_MIB,
        millicores: cap_m.saturating_sub(res_m),
        memory_mib: it.memory_mib.saturating_sub(res_mem + EVICTION_HARD_MIB),
    }
}

/// `7.91` for 7910 millicores.
pub fn fmt_vcpu(millicores: u64) -> String {
    let s = format!("{:.2}", millicores as f64 / 1000.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// `62.47` for 63971 MiB.
pub fn fmt_gib(mib: u64) -> String {
    let s = format!("{:.2}", mib as f64 / 1024.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn it(name: &str, vcpus: u32, gib: u64, enis: u32, ips: u32) -> InstanceType {
        InstanceType {
            name: name.into(),
            vcpus,
            memory_mib: gib * 1024,
            max_network_interfaces: enis,
            ipv4_addresses_per_interface: ips,
        }
    }

    #[test]
    fn cpu_reservation_matches_nodeadm() {
        assert_eq!(reserved_millicores(1), 60);
        assert_eq!(reserved_millicores(2), 70);
        assert_eq!(reserved_millicores(4), 80);
        assert_eq!(reserved_millicores(8), 90);
        assert_eq!(reserved_millicores(16), 110);
        assert_eq!(reserved_millicores(96), 310);
    }

    #[test]
    fn eight_vcpu_node_cannot_fit_eight_vcpus() {
        let a = allocatable(&it("m5.2xlarge", 8, 32, 4, 15), true);
        assert_eq!(a.max_pods, 58);
        assert_eq!(a.millicores, 7910);
        assert_eq!(fmt_vcpu(a.millicores), "7.91");
        assert_eq!(a.memory_mib, 32768 - (11 * 58 + 255) - 100);
    }

    #[test]
    fn managed_cap() {
        let big = it("m5.4xlarge", 16, 64, 8, 30);
        assert_eq!(max_pods(&big, false), 234);
        assert_eq!(max_pods(&big, true), 110);
        let huge = it("m5.8xlarge", 32, 128, 8, 30);
        assert_eq!(max_pods(&huge, true), 234);
        let a = allocatable(&big, true);
        assert_eq!(a.memory_mib, 65536 - 1465 - 100);
        assert_eq!(a.millicores, 15890);
    }

    /// Prefix delegation: m5.large runs 110 pods instead of 29, so nine of
    /// them have about 58 GiB allocatable, not 66.
    #[test]
    fn prefix_delegation_raises_max_pods_and_reservations() {
        let large = it("m5.large", 2, 8, 3, 10);
        assert_eq!(max_pods_with(&large, true, false), 29);
        assert_eq!(max_pods_with(&large, true, true), 110);
        assert_eq!(max_pods_with(&large, false, true), 110);
        let plain = allocatable_with(&large, true, false);
        let pd = allocatable_with(&large, true, true);
        assert_eq!(pd.memory_mib, 8192 - (11 * 110 + 255) - 100);
        assert_eq!(fmt_gib(9 * plain.memory_mib), "66.08");
        assert_eq!(fmt_gib(9 * pd.memory_mib), "58.25");
        // 30 vCPUs and more: capped at 250.
        let huge = it("m5.8xlarge", 32, 128, 8, 30);
        assert_eq!(max_pods_with(&huge, true, true), 250);
    }
}
