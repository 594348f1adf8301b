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

/// The IAM server certificates the listeners serve (ARNs
/// `arn:aws:iam::<account>:server-certificate/<path>/<name>`), read with
/// GetServerCertificate: names, key and expiry from the certificate body
/// itself (the metadata's Expiration only when the body cannot be read).
/// Reported with `cert_type` [`crate::model::Certificate::IAM_SERVER_CERTIFICATE`].
pub(super) async fn server_certificates(
    c: &Clients,
    arns: Vec<String>,
) -> Result<Vec<crate::model::Certificate>, CallError> {
    use futures::StreamExt;
    let answers: Vec<_> = futures::stream::iter(arns)
        .map(|arn| async move {
            let name = arn.rsplit('/').next().unwrap_or_default().to_string();
            let r = c
                .iam
                .get_server_certificate()
                .server_certificate_name(name)
                .send()
                .await;
            (arn, r)
        })
        .buffered(super::FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for (arn, r) in answers {
        let r = r.map_err(|e| call_error("iam:GetServerCertificate", &e))?;
        let Some(sc) = r.server_certificate() else {
            continue;
        };
        let body = pem_facts(sc.certificate_body());
        let expiration = sc
            .server_certificate_metadata()
            .and_then(|m| m.expiration())
            .and_then(super::to_rfc3339);
        out.push(crate::model::Certificate {
            arn,
            domain: body.common_name.unwrap_or_default(),
            sans: body.dns_names,
            // IAM has no status: an uploaded certificate is served as it is.
            status: "ISSUED".into(),
            // The body's notAfter, from which IAM derives the metadata's
            // Expiration; the metadata only when the body cannot be read.
            not_after: body.not_after.or(expiration),
            key_algorithm: body.key_algorithm,
            cert_type: Some(crate::model::Certificate::IAM_SERVER_CERTIFICATE.into()),
        });
    }
    Ok(out)
}

/// What a PEM certificate body says about itself.
#[derive(Debug, Default, PartialEq)]
struct PemFacts {
    common_name: Option<String>,
    dns_names: Vec<String>,
    /// RFC 3339.
    not_after: Option<String>,
    /// In ACM's spelling: `RSA-2048`, `EC-prime256v1`, …
    key_algorithm: Option<String>,
}

/// Parses the first certificate of a PEM body; an unparsable body gives no
/// facts (the certificate then covers nothing and its key is "not reported").
fn pem_facts(pem: &str) -> PemFacts {
    use x509_parser::prelude::*;
    let mut facts = PemFacts::default();
    let Ok((_, pem)) = x509_parser::pem::parse_x509_pem(pem.as_bytes()) else {
        return facts;
    };
    let Ok(cert) = pem.parse_x509() else {
        return facts;
    };
    facts.common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string);
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        facts.dns_names = san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect();
    }
    facts.not_after = cert
        .validity()
        .not_after
        .to_datetime()
        .format(&::time::format_description::well_known::Rfc3339)
        .ok();
    let spki = cert.public_key();
    facts.key_algorithm = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => Some(format!("RSA-{}", rsa.key_size())),
        Ok(x509_parser::public_key::PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            Some(match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "EC-prime256v1".to_string(),
                Some("1.3.132.0.34") => "EC-secp384r1".to_string(),
                Some("1.3.132.0.35") => "EC-secp521r1".to_string(),
                Some(other) => format!("EC-{other}"),
                None => "EC".to_string(),
            })
        }
        Ok(_) => Some(spki.algorithm.algorithm.to_id_string()),
        Err(_) => None,
    };
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%3Ab%2Fc"), "a:b/c");
        assert_eq!(percent_decode("%7B%22x%22%7D"), "{\"x\"}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    /// An ECDSA P-384 certificate for `*.example.com` without SANs.
    const EC_P384: &str = "-----BEGIN CERTIFICATE-----\nMIIBWTCB4KADAgECAgEHMAoGCCqGSM49BAMCMBgxFjAUBgNVBAMMDSouZXhhbXBs\nZS5jb20wHhcNMjYwMTAxMDAwMDAwWhcNMjcwNjMwMTIwMDAwWjAYMRYwFAYDVQQD\nDA0qLmV4YW1wbGUuY29tMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEgTQ0Ihm3occ+\nT+raMhq6kUC26+yHdh9iz7t4BBsy3ps6iL3GIFFqvDwLd8ada4I5LBsYXxpX/mLd\nBHnRjzFWOvAkT6MQOxmpGewf9bpNn0ps2jxt0C1Z23wXI1SzsDn5MAoGCCqGSM49\nBAMCA2gAMGUCMQDjYtIAtjDlm7rHpBbN1mDOKArDQ6w8fAjetUX473zEsoWe+cCp\nHMtqmk1NpcAnmb4CMHquogsozepATjvHHgjxwDf6vPRuf4E1dCxT4lemIXBBFiKr\nfUmx6BFCLvsGE8Umxg==\n-----END CERTIFICATE-----\n";

    #[test]
    fn pem_facts_read_names_expiry_and_key() {
        assert_eq!(
            pem_facts(EC_P384),
            PemFacts {
                common_name: Some("*.example.com".into()),
                dns_names: vec![],
                not_after: Some("2027-06-30T12:00:00Z".into()),
                key_algorithm: Some("EC-secp384r1".into()),
            }
        );
        // Not a certificate: no facts, so nothing is covered or judged strong.
        assert_eq!(pem_facts("not a certificate"), PemFacts::default());
    }
}
