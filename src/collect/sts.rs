//! STS: who is calling (the account of the report).
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::Fetched;

pub(super) async fn caller_identity(c: &Clients) -> Fetched<String> {
    let out = fetch!(
        "sts:GetCallerIdentity",
        c.sts.get_caller_identity().send().await
    );
    Fetched::Ok(out.account().unwrap_or_default().to_string())
}
