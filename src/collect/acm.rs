//! ACM: the region's certificates that may cover the domain, and those the
//! listeners serve.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use futures::StreamExt;

use super::{call_error, to_rfc3339, Clients, FAN_OUT};
use crate::model::{CallError, Certificate, Fetched};
use crate::resolve::certificate::summary_may_cover;

/// Every key type, since ListCertificates hides ECDSA and RSA-4096 by default.
fn all_key_types() -> aws_sdk_acm::types::Filters {
    use aws_sdk_acm::types::KeyAlgorithm as K;
    aws_sdk_acm::types::Filters::builder()
        .set_key_types(Some(vec![
            K::Rsa1024,
            K::Rsa2048,
            K::Rsa3072,
            K::Rsa4096,
            K::from("EC_prime256v1"),
            K::from("EC_secp384r1"),
            K::from("EC_secp521r1"),
        ]))
        .build()
}

/// The region's certificates; those that may cover `domain` are described in full.
pub(super) async fn certificates(c: &Clients, domain: &str) -> Fetched<Vec<Certificate>> {
    let items: Vec<_> = fetch!(
        "acm:ListCertificates",
        c.acm
            .list_certificates()
            .includes(all_key_types())
            .max_items(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut summaries = Vec::new();
    let mut to_describe = Vec::new();
    for s in &items {
        let cert = Certificate {
            arn: s.certificate_arn().unwrap_or_default().to_string(),
            domain: s.domain_name().unwrap_or_default().to_string(),
            sans: s.subject_alternative_name_summaries().to_vec(),
            status: s
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            not_after: s.not_after().and_then(to_rfc3339),
            key_algorithm: s.key_algorithm().map(|k| k.as_str().to_string()),
            cert_type: s.r#type().map(|t| t.as_str().to_string()),
        };
        let more = s
            .has_additional_subject_alternative_names()
            .unwrap_or(false);
        if summary_may_cover(&cert, more, domain) {
            to_describe.push(cert.arn.clone());
        } else {
            summaries.push(cert);
        }
    }
    match describe_certificates(c, to_describe).await {
        Ok(described) => {
            summaries.extend(described);
            summaries.sort_by(|a, b| a.arn.cmp(&b.arn));
            Fetched::Ok(summaries)
        }
        Err(e) => Fetched::Failed(e),
    }
}

pub(super) async fn describe_certificates(
    c: &Clients,
    arns: Vec<String>,
) -> Result<Vec<Certificate>, CallError> {
    let answers: Vec<_> = futures::stream::iter(arns)
        .map(|a| async move { c.acm.describe_certificate().certificate_arn(a).send().await })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for a in answers {
        let a = a.map_err(|e| call_error("acm:DescribeCertificate", &e))?;
        let Some(d) = a.certificate() else { continue };
        out.push(Certificate {
            arn: d.certificate_arn().unwrap_or_default().to_string(),
            domain: d.domain_name().unwrap_or_default().to_string(),
            sans: d.subject_alternative_names().to_vec(),
            status: d
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            not_after: d.not_after().and_then(to_rfc3339),
            key_algorithm: d.key_algorithm().map(|k| k.as_str().to_string()),
            cert_type: d.r#type().map(|t| t.as_str().to_string()),
        });
    }
    Ok(out)
}
