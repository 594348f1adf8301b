//! IAM: the account's OpenID Connect providers (for IRSA), and the roles a
//! given Kubernetes service account may assume.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::{CallError, Fetched};

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

/// The IAM roles whose trust policy names the Kubernetes service account
/// `system:serviceaccount:<namespace>:<name>` (IRSA), as evidence lines.
pub(super) async fn roles_trusting(
    c: &Clients,
    namespace: &str,
    service_account: &str,
) -> Result<Vec<String>, CallError> {
    let subject = format!("system:serviceaccount:{namespace}:{service_account}");
    let roles: Result<Vec<_>, _> = c
        .iam
        .list_roles()
        .max_items(1000)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let roles = roles.map_err(|e| call_error("iam:ListRoles", &e))?;
    let mut out: Vec<String> = roles
        .iter()
        .filter(|r| {
            // ListRoles returns the trust policy URL-encoded.
            r.assume_role_policy_document()
                .map(percent_decode)
                .is_some_and(|d| d.contains(&subject))
        })
        .map(|r| format!("IAM role {} trusts {subject} (IRSA)", r.arn()))
        .collect();
    out.sort();
    Ok(out)
}

/// Decodes `%XX` escapes (and leaves anything malformed as it is).
fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_decoding() {
        assert_eq!(super::percent_decode("a%3Ab%2Fc"), "a:b/c");
        assert_eq!(super::percent_decode("%7B%22x%22%7D"), "{\"x\"}");
        assert_eq!(super::percent_decode("100%"), "100%");
        assert_eq!(super::percent_decode("%zz%4"), "%zz%4");
    }
}
