//! `tls.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

fn set_cert(v: &mut Value, f: impl Fn(&mut Value)) {
    for c in ok(v, "certificates") {
        f(c);
    }
}

#[test]
fn tls_certificate_cases() {
    // Expiring within 30 days of the collection time: warn.
    let mut v = base();
    v["collected_at"] = json!("2026-11-23T00:00:00Z");
    set_cert(&mut v, |c| c["not_after"] = json!("2026-12-01T00:00:00Z"));
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("expires in 8 day(s)"), "{}", f.message);

    let mut v = base();
    set_cert(&mut v, |c| c["not_after"] = json!("2026-01-01T00:00:00Z"));
    assert_eq!(one(&v, "tls.certificate").status, Status::Fail);

    let mut v = base();
    set_cert(&mut v, |c| c["status"] = json!("PENDING_VALIDATION"));
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("PENDING_VALIDATION"), "{}", f.message);

    // Wildcard: one label, not the apex, not two labels deep.
    for (domain, want) in [
        ("langsmith.example.com", Status::Pass),
        ("example.com", Status::Fail),
        ("a.langsmith.example.com", Status::Fail),
    ] {
        let mut v = base();
        set_cert(&mut v, |c| c["domain"] = json!("*.example.com"));
        set_cert(&mut v, |c| c["sans"] = json!(["*.example.com"]));
        v["target"]["domain"] = json!(domain);
        let f = find(
            &run_with(&v, Stage::Preflight, Baseline::Production),
            "tls.certificate",
        );
        assert_eq!(f.status, want, "{domain}: {}", f.message);
    }

    // Installed: a covering certificate in ACM that the listener does not serve fails.
    let mut v = base();
    let mut other = ok(&mut v, "certificates")[0].clone();
    other["arn"] = json!("arn:aws:acm:us-east-1:123456789012:certificate/other");
    other["domain"] = json!("other.example.org");
    other["sans"] = json!(["other.example.org"]);
    ok(&mut v, "certificates").push(other);
    for l in ok(&mut v, "listeners") {
        if l["port"] == 443 {
            l["certificates"] = json!([{"arn": "arn:aws:acm:us-east-1:123456789012:certificate/other", "is_default": true}]);
        }
    }
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("tls_certificate_fail_not_served", f);

    let mut v = base();
    deny(&mut v, "certificates", "acm:ListCertificates");
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("acm:ListCertificates"));
}

/// Key strength in both wire spellings, unknown algorithms named, and a
/// private-CA certificate on an internet-facing ALB.
#[test]
fn tls_certificate_key_strength_and_issuer() {
    let with = |alg: Value, kind: &str| {
        let mut v = base();
        set_cert(&mut v, |c| {
            c["key_algorithm"] = alg.clone();
            c["cert_type"] = json!(kind);
        });
        one(&v, "tls.certificate")
    };
    for alg in [
        "RSA_2048",
        "RSA-2048",
        "RSA_4096",
        "EC_prime256v1",
        "EC-secp384r1",
    ] {
        let f = with(json!(alg), "AMAZON_ISSUED");
        assert_eq!(f.status, Status::Pass, "{alg}: {}", f.message);
    }
    for alg in ["RSA_1024", "RSA-1024"] {
        let f = with(json!(alg), "AMAZON_ISSUED");
        assert_eq!(f.status, Status::Fail, "{alg}: {}", f.message);
        assert!(f.message.contains("RSA 1024-bit"), "{}", f.message);
    }
    let f = with(json!("ED25519"), "AMAZON_ISSUED");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("\"ED25519\""), "{}", f.message);
    assert_eq!(with(Value::Null, "AMAZON_ISSUED").status, Status::Warn);
    // Private CA on the internet-facing ALB: public clients will not trust it.
    let f = with(json!("RSA_2048"), "PRIVATE");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("private CA"), "{}", f.message);
    // An expired certificate stays a failure whatever its key.
    let mut v = base();
    set_cert(&mut v, |c| {
        c["not_after"] = json!("2020-01-01T00:00:00Z");
        c["key_algorithm"] = json!("RSA_1024");
    });
    assert_eq!(one(&v, "tls.certificate").status, Status::Fail);
}

/// An IAM server certificate on the listener (collected with
/// iam:GetServerCertificate, `cert_type` IAM) is judged as what it is: it
/// passes like an ACM one, names itself in the evidence, says how to read a
/// key that its body did not give, and a denied read is an error.
#[test]
fn tls_certificate_iam_server_certificate() {
    let iam_arn = "arn:aws:iam::123456789012:server-certificate/langsmith-legacy";
    let with = |alg: Value| {
        // The ACM certificate's ARN replaced everywhere (the listener serves it).
        let v = base();
        let acm_arn = v["certificates"]["ok"][0]["arn"]
            .as_str()
            .unwrap()
            .to_string();
        let text = serde_json::to_string(&v)
            .unwrap()
            .replace(&acm_arn, iam_arn);
        let mut v: Value = serde_json::from_str(&text).unwrap();
        set_cert(&mut v, |c| {
            c["cert_type"] = json!("IAM");
            c["key_algorithm"] = alg.clone();
        });
        one(&v, "tls.certificate")
    };
    let f = with(json!("RSA-2048"));
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f.message.contains(iam_arn), "{}", f.message);
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("IAM server certificate [")),
        "{:?}",
        f.evidence
    );
    let f = with(Value::Null);
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(
        f.message
            .contains("aws iam get-server-certificate --server-certificate-name langsmith-legacy"),
        "{}",
        f.message
    );
    let mut v = base();
    deny(&mut v, "certificates", "iam:GetServerCertificate");
    assert_error_names(&one(&v, "tls.certificate"), "iam:GetServerCertificate");
}
