//! WAFv2: the web ACL associated with an ALB.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::{CallError, WebAclAssociation};

pub(super) async fn web_acl_for(c: &Clients, arn: &str) -> Result<WebAclAssociation, CallError> {
    let out = c
        .wafv2
        .get_web_acl_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| call_error("wafv2:GetWebACLForResource", &e))?;
    Ok(WebAclAssociation {
        resource_arn: arn.to_string(),
        web_acl_arn: out.web_acl().map(|w| w.arn().to_string()),
        web_acl_name: out.web_acl().map(|w| w.name().to_string()),
    })
}
