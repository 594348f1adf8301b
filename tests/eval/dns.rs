//! `dns.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

#[test]
fn dns_record_cases() {
    assert_eq!(one(&base(), "dns.record").status, Status::Pass);
    // A CNAME to the ALB's name passes as well as an alias.
    let mut v = base();
    let alb = v["load_balancers"]["ok"][0]["dns_name"].clone();
    ok(&mut v, "dns_records")[0] = json!({"zone_id": "Z1", "name": "langsmith.example.com.", "record_type": "CNAME", "values": [alb]});
    assert_eq!(one(&v, "dns.record").status, Status::Pass);
    // Points elsewhere.
    let mut v = base();
    ok(&mut v, "dns_records")[0]["alias_target"] = json!("old-alb-1.us-east-1.elb.amazonaws.com.");
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("points at old-alb-1.us-east-1.elb.amazonaws.com."),
        "{}",
        f.message
    );
    // No record.
    let mut v = base();
    ok(&mut v, "dns_records").clear();
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no A/AAAA alias or CNAME"),
        "{}",
        f.message
    );
    // A TXT record alone is not a record for the endpoint.
    ok(&mut v, "dns_records").push(json!({"zone_id": "Z1", "name": "langsmith.example.com.", "record_type": "TXT", "values": ["\"v=x\""]}));
    assert_eq!(one(&v, "dns.record").status, Status::Fail);
    // DNS hosted elsewhere.
    let mut v = base();
    ok(&mut v, "hosted_zones").clear();
    ok(&mut v, "dns_records").clear();
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Skip);
    assert!(f.message.contains("DNS hosted elsewhere"));
    let mut v = base();
    deny(&mut v, "hosted_zones", "route53:ListHostedZones");
    assert_error_names(&one(&v, "dns.record"), "route53:ListHostedZones");
    let mut v = base();
    deny(&mut v, "dns_records", "route53:ListResourceRecordSets");
    assert_error_names(&one(&v, "dns.record"), "route53:ListResourceRecordSets");
}

/// CloudFront in front of the ALB: the record is an alias to a distribution;
/// it is followed to its origins (ListDistributions).
#[test]
fn dns_record_through_cloudfront() {
    let cf = "d111111abcdef8.cloudfront.net";
    let with = |dists: Value| {
        let mut v = base();
        let alb = v["load_balancers"]["ok"][0]["dns_name"].clone();
        ok(&mut v, "dns_records")[0]["alias_target"] = json!(format!("{cf}."));
        let dists = serde_json::to_string(&dists)
            .unwrap()
            .replace("$ALB", alb.as_str().unwrap());
        v["distributions"] = serde_json::from_str(&dists).unwrap();
        one(&v, "dns.record")
    };
    let dist = |origin: &str, enabled: bool| {
        json!({"ok": [{"id": "E2QWRUHEXAMPLE", "domain_name": cf, "aliases": ["langsmith.example.com"],
            "origins": [origin], "enabled": enabled, "status": "Deployed"}]})
    };
    let f = with(dist("$ALB", true));
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message
            .contains("through CloudFront distribution E2QWRUHEXAMPLE"),
        "{}",
        f.message
    );
    assert!(
        f.evidence.iter().any(|e| e.contains(
            "= CloudFront distribution E2QWRUHEXAMPLE (Deployed, origins: k8s-langsmith-ingress"
        )),
        "{:?}",
        f.evidence
    );
    // The distribution's origin is something else.
    let f = with(dist("old-alb-1.us-east-1.elb.amazonaws.com", true));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains(
            "points at CloudFront distribution E2QWRUHEXAMPLE (origins: old-alb-1.us-east-1.elb.amazonaws.com)"
        ),
        "{}",
        f.message
    );
    // An origin by the owner's own domain name may resolve to the ALB: AWS's
    // APIs cannot show it, so neither pass nor fail.
    let f = with(dist("origin.langsmith.example.com", true));
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(
        f.message
            .contains("dig +short origin.langsmith.example.com"),
        "{}",
        f.message
    );
    // Disabled: it serves nothing.
    let f = with(dist("$ALB", false));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("which is disabled"), "{}", f.message);
    // Not a distribution of this account: its origin cannot be seen.
    let f = with(json!({"ok": []}));
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(
        f.message.contains("not a distribution of this account"),
        "{}",
        f.message
    );
    // The list denied: never a pass or fail built on it.
    let f = with(
        json!({"failed": {"action": "cloudfront:ListDistributions", "kind": "denied",
        "code": "AccessDenied", "message": "User is not authorized"}}),
    );
    assert_error_names(&f, "cloudfront:ListDistributions");
    // A record straight at the ALB needs no distribution list.
    let mut v = base();
    deny(&mut v, "distributions", "cloudfront:ListDistributions");
    assert_eq!(one(&v, "dns.record").status, Status::Pass);
}
