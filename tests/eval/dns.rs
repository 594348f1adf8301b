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
