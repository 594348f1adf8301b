//! Service Quotas: the region's On-Demand vCPU quota for standard instances.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::{Fetched, ON_DEMAND_STANDARD_VCPU_QUOTA};

/// The applied value of the On-Demand Standard vCPU quota.
pub(super) async fn on_demand_vcpu_quota(c: &Clients) -> Fetched<f64> {
    let out = fetch!(
        "servicequotas:GetServiceQuota",
        c.servicequotas
            .get_service_quota()
            .service_code("ec2")
            .quota_code(ON_DEMAND_STANDARD_VCPU_QUOTA)
            .send()
            .await
    );
    match out.quota().and_then(|q| q.value()) {
        Some(v) => Fetched::Ok(v),
        None => Fetched::Failed(crate::model::CallError {
            action: "servicequotas:GetServiceQuota".into(),
            kind: crate::model::CallErrorKind::Service,
            code: None,
            message: format!("the answer held no value for quota {ON_DEMAND_STANDARD_VCPU_QUOTA}"),
        }),
    }
}
