//! IAM: the account's OpenID Connect providers (for IRSA).
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::Fetched;

pub(super) async fn oidc_providers(c: &Clients) -> Fetched<Vec<String>> {
    let out = fetch!(
        "iam:ListOpenIDConnectProviders",
        c.iam.list_open_id_connect_providers().send().await
    );
    let mut arns: Vec<String> = out
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|p| p.arn().map(str::to_string))
        .collect();
    arns.sort();
    Fetched::Ok(arns)
}
