//! `ingress.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

#[test]
fn ingress_alb_cases() {
    let mut v = base();
    ok(&mut v, "load_balancers")[0]["scheme"] = json!("internal");
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("internal but placed in public subnet"),
        "{}",
        f.message
    );

    let mut v = base();
    ok(&mut v, "load_balancers")[0]["state"] = json!("provisioning");
    ok(&mut v, "load_balancers")[0]["zones"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_alb_fail_state_and_azs", f);

    // Two controller-made ALBs, neither serving the domain: ambiguous.
    let mut v = base();
    let mut twin = ok(&mut v, "load_balancers")[0].clone();
    twin["arn"] =
        json!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/twin/1");
    twin["name"] = json!("twin");
    ok(&mut v, "load_balancers").push(twin);
    ok(&mut v, "listeners").clear();
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("2 candidate ALBs"), "{}", f.message);
    assert!(f.remediation.unwrap().contains("--alb"));

    let mut v = base();
    v["load_balancers"] = json!({"ok": []});
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("no ALB for the deployment"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(
        &mut v,
        "load_balancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    );
    assert_eq!(one(&v, "ingress.alb").status, Status::Error);
}

#[test]
fn ingress_https_cases() {
    let mut v = base();
    let forward = json!([{"action_type": "forward", "target_group_arns": ["arn:tg"]}]);
    for l in ok(&mut v, "listeners") {
        if l["protocol"] == "HTTP" {
            l["default_actions"] = forward.clone();
        }
    }
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("serves plain HTTP"), "{}", f.message);

    let mut v = base();
    ok(&mut v, "listeners").retain(|l| l["port"] != 443);
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no HTTPS listener on 443"),
        "{}",
        f.message
    );

    let mut v = base();
    for l in ok(&mut v, "listeners") {
        if l["port"] == 443 {
            l["ssl_policy"] = json!("ELBSecurityPolicy-TLS-1-1-2017-01");
        }
    }
    ok(&mut v, "ssl_policies").push(
        json!({"name": "ELBSecurityPolicy-TLS-1-1-2017-01", "protocols": ["TLSv1.1", "TLSv1.2"]}),
    );
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_https_fail_tls11", f);

    let mut v = base();
    deny(
        &mut v,
        "ssl_policies",
        "elasticloadbalancing:DescribeSSLPolicies",
    );
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("DescribeSSLPolicies"));
}

#[test]
fn ingress_targets_healthy_cases() {
    let mut v = base();
    let health = ok(&mut v, "target_groups")[0]["health"]["ok"]
        .as_array_mut()
        .unwrap();
    health[0]["state"] = json!("unhealthy");
    health[0]["reason"] = json!("Target.ResponseCodeMismatch");
    health[0]["description"] = json!("Health checks failed with these codes: [404]");
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_targets_healthy_fail_unhealthy", f);

    let mut v = base();
    let health = ok(&mut v, "target_groups")[0]["health"]["ok"]
        .as_array_mut()
        .unwrap();
    health[0]["state"] = json!("draining");
    health[0]["reason"] = json!("Target.DeregistrationInProgress");
    assert_eq!(one(&v, "ingress.targets-healthy").status, Status::Warn);

    let mut v = base();
    ok(&mut v, "target_groups")[0]["health"] = json!({"ok": []});
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);

    let mut v = base();
    v["target_groups"] = json!({"ok": []});
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no target group is attached"),
        "{}",
        f.message
    );
}

#[test]
fn ingress_security_groups_cases() {
    let f = one(&base(), "ingress.security-groups");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("clients 0.0.0.0/0 → ALB:443 allowed by")));

    // The nodes no longer admit the ALB on the target port.
    let mut v = base();
    rules_of(&mut v, "langsmith-nodes").retain(|r| r["from_port"] != 30080);
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("do not admit TCP 30080 from the ALB"),
        "{}",
        f.message
    );

    // A CIDR covering the ALB's subnets is as good as the ALB's security group.
    let mut v = base();
    let nodes = rules_of(&mut v, "langsmith-nodes");
    nodes.retain(|r| r["from_port"] != 30080);
    nodes.push(json!({"protocol": "tcp", "from_port": 30000, "to_port": 32767, "ipv4_cidrs": ["10.0.0.0/18"]}));
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Pass);

    // The ALB does not admit the internet on 443.
    let mut v = base();
    rules_of(&mut v, "k8s-langsmith-alb")[0]["ipv4_cidrs"] = json!(["10.20.0.0/16"]);
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("do not admit TCP 443 from 0.0.0.0/0"),
        "{}",
        f.message
    );
    // … which is right for a deliberately restricted ALB.
    let f = find(
        &run_settings(
            &v,
            Settings {
                alb_allowed_cidrs: Some(vec!["10.20.4.0/24".into()]),
                ..installed()
            },
        ),
        "ingress.security-groups",
    );
    assert_eq!(f.status, Status::Pass, "{}", f.message);

    let mut v = base();
    deny(&mut v, "security_groups", "ec2:DescribeSecurityGroups");
    assert_error_names(
        &one(&v, "ingress.security-groups"),
        "ec2:DescribeSecurityGroups",
    );
}

#[test]
fn ingress_waf_cases() {
    assert_eq!(one(&base(), "ingress.waf").status, Status::Pass);
    let mut v = base();
    ok(&mut v, "web_acls")[0]["web_acl_arn"] = Value::Null;
    ok(&mut v, "web_acls")[0]["web_acl_name"] = Value::Null;
    let f = one(&v, "ingress.waf");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("no WAFv2 web ACL"));
    assert!(f.remediation.unwrap().contains("README.md §10"));
    let mut v = base();
    deny(&mut v, "web_acls", "wafv2:GetWebACLForResource");
    assert_error_names(&one(&v, "ingress.waf"), "wafv2:GetWebACLForResource");
    // Before install there is no ALB to protect.
    let f = find(
        &run_with(&base(), Stage::Preflight, Baseline::Production),
        "ingress.waf",
    );
    assert_eq!(f.status, Status::Skip);
}

#[test]
fn ingress_single_entry_cases() {
    assert_eq!(one(&base(), "ingress.single-entry").status, Status::Pass);
    // A Service of type LoadBalancer made an internet-facing NLB for the cluster.
    let mut v = base();
    let mut nlb = ok(&mut v, "load_balancers")[0].clone();
    nlb["arn"] = json!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/k8s-langsmith-frontend/1");
    nlb["name"] = json!("k8s-langsmith-frontend");
    nlb["lb_type"] = json!("network");
    nlb["tags"] = json!({"elbv2.k8s.aws/cluster": "langsmith", "service.k8s.aws/stack": "langsmith/langsmith-frontend"});
    ok(&mut v, "load_balancers").push(nlb.clone());
    let f = one(&v, "ingress.single-entry");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("k8s-langsmith-frontend (network load balancer, created for langsmith/langsmith-frontend)"), "{}", f.message);
    // An internal one is not an entry point from outside.
    ok(&mut v, "load_balancers").last_mut().unwrap()["scheme"] = json!("internal");
    assert_eq!(one(&v, "ingress.single-entry").status, Status::Pass);
    let mut v = base();
    deny(
        &mut v,
        "load_balancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    );
    assert_error_names(
        &one(&v, "ingress.single-entry"),
        "elasticloadbalancing:DescribeLoadBalancers",
    );
}

/// Every HTTPS listener counts: a second one on 8443 with a TLS 1.0 policy
/// fails, though 443 is fine.
#[test]
fn ingress_https_every_https_listener_counts() {
    let mut v = base();
    let mut second = ok(&mut v, "listeners")
        .iter()
        .find(|l| l["protocol"] == "HTTPS")
        .unwrap()
        .clone();
    second["port"] = json!(8443);
    second["arn"] = json!(format!("{}-8443", second["arn"].as_str().unwrap()));
    second["ssl_policy"] = json!("ELBSecurityPolicy-2016-08");
    ok(&mut v, "listeners").push(second);
    if !ok(&mut v, "ssl_policies")
        .iter()
        .any(|p| p["name"] == "ELBSecurityPolicy-2016-08")
    {
        ok(&mut v, "ssl_policies").push(json!({"name": "ELBSecurityPolicy-2016-08", "protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"]}));
    }
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(
        f.message
            .contains("the 8443 listener's policy ELBSecurityPolicy-2016-08 still allows TLSv1"),
        "{}",
        f.message
    );
}

/// A network load balancer where P0 wants an ALB: the failure names it and
/// why an ALB is needed.
#[test]
fn ingress_alb_names_the_nlb_found_instead() {
    let mut v = base();
    let lb = &mut ok(&mut v, "load_balancers")[0];
    lb["lb_type"] = json!("network");
    lb["name"] = json!("k8s-langsmith-nlb");
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(
        f.message
            .contains("found network load balancer(s) of the cluster instead: k8s-langsmith-nlb"),
        "{}",
        f.message
    );
    assert!(f.message.contains("INGRESS.md"), "{}", f.message);
}

/// The rules of both listeners: the HTTP one as given, and an HTTPS one that
/// sends the LangSmith host to the frontend target group and another host
/// to an unhealthy target group of another application.
fn shared_alb(http_rules: Value) -> Value {
    let mut v = base();
    let lb_arn = ok(&mut v, "load_balancers")[0]["arn"].clone();
    let mut other = ok(&mut v, "target_groups")[0].clone();
    let ours = other["arn"].as_str().unwrap().to_string();
    other["arn"] =
        json!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-billing/0000");
    other["name"] = json!("k8s-billing");
    other["load_balancer_arns"] = json!([lb_arn]);
    for t in other["health"]["ok"].as_array_mut().unwrap() {
        t["state"] = json!("unhealthy");
        t["reason"] = json!("Target.Timeout");
    }
    ok(&mut v, "target_groups").push(other);
    for l in ok(&mut v, "listeners") {
        if l["protocol"] == "HTTPS" {
            l["rules"] = json!({"ok": [
                {"priority": "10", "host_headers": ["billing.example.com"], "actions": [{"action_type": "forward", "target_group_arns": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-billing/0000"]}]},
                {"priority": "20", "host_headers": ["langsmith.example.com"], "actions": [{"action_type": "forward", "target_group_arns": [ours]}]},
                {"priority": "default", "is_default": true, "actions": l["default_actions"].clone()}
            ]});
        } else {
            l["rules"] = http_rules.clone();
        }
    }
    v
}

/// A shared ALB (IngressGroup): another application's unhealthy target
/// group is left out, and the evidence says which groups were judged.
#[test]
fn ingress_targets_healthy_shared_alb() {
    let v = shared_alb(
        json!({"ok": [{"priority": "default", "is_default": true, "actions": [{"action_type": "redirect", "redirect_protocol": "HTTPS", "redirect_port": "443"}]}]}),
    );
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Pass, "{} {:#?}", f.message, f.evidence);
    assert!(
        f.evidence.iter().any(
            |e| e.starts_with("judged target group k8s-langsmith-frontend")
                && e.contains("HTTPS 443 rule 20")
        ),
        "{:#?}",
        f.evidence
    );
    assert!(
        f.evidence.iter().any(|e| e
            .starts_with("left out target group k8s-billing as another application's")
            && e.contains("billing.example.com")),
        "{:#?}",
        f.evidence
    );
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Pass);
    // Without the rules (an older snapshot), every target group is judged.
    let mut old = v.clone();
    for l in ok(&mut old, "listeners") {
        l["rules"] = json!("not_collected");
    }
    assert_eq!(one(&old, "ingress.targets-healthy").status, Status::Fail);
}

/// An HTTP listener whose default is a fixed 404 but whose rule redirects
/// to HTTPS serves no plain HTTP; a rule that forwards does.
#[test]
fn ingress_https_http_redirect_by_rule() {
    let fixed = json!([{"action_type": "fixed-response"}]);
    let redirect =
        json!([{"action_type": "redirect", "redirect_protocol": "HTTPS", "redirect_port": "443"}]);
    let with = |rules: Value| {
        let mut v = shared_alb(rules);
        for l in ok(&mut v, "listeners") {
            if l["protocol"] == "HTTP" {
                l["default_actions"] = fixed.clone();
            }
        }
        one(&v, "ingress.https")
    };
    let f = with(json!({"ok": [
        {"priority": "1", "host_headers": [], "path_patterns": ["/*"], "actions": redirect.clone()},
        {"priority": "default", "is_default": true, "actions": fixed.clone()}
    ]}));
    assert_eq!(f.status, Status::Pass, "{} {:#?}", f.message, f.evidence);
    let f = with(json!({"ok": [
        {"priority": "1", "path_patterns": ["/api/*"], "actions": [{"action_type": "forward", "target_group_arns": ["arn:x"]}]},
        {"priority": "default", "is_default": true, "actions": fixed.clone()}
    ]}));
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.message.contains("rule 1 forwards"), "{}", f.message);
    // The rules could not be read and the default does not redirect: unknown.
    let f = with(
        json!({"failed": {"action": "elasticloadbalancing:DescribeRules", "kind": "denied", "code": "AccessDenied", "message": "no"}}),
    );
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(
        f.message.contains("elasticloadbalancing:DescribeRules"),
        "{}",
        f.message
    );
}

/// An ALB tagged for another cluster is never ours, even when its wildcard
/// certificate covers the domain; with several candidates, the one the
/// domain's DNS record points at is chosen.
#[test]
fn ingress_alb_another_clusters_alb_is_never_ours() {
    let mut v = base();
    ok(&mut v, "load_balancers")[0]["tags"] = json!({"elbv2.k8s.aws/cluster": "staging"});
    let findings = run(&v);
    let f = find(&findings, "ingress.alb");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(
        f.message.contains("left out as other clusters' ALBs"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("elbv2.k8s.aws/cluster=staging"),
        "{}",
        f.message
    );
    for id in ["ingress.https", "ingress.waf", "tls.certificate"] {
        assert_ne!(
            find(&findings, id).status,
            Status::Pass,
            "{id} passed on another cluster's ALB"
        );
    }

    // Two untagged ALBs serving the domain: the DNS record decides.
    let mut v = base();
    let mut twin = ok(&mut v, "load_balancers")[0].clone();
    let first = twin["arn"].as_str().unwrap().to_string();
    for lb in ok(&mut v, "load_balancers") {
        lb["tags"] = json!({});
    }
    twin["tags"] = json!({});
    twin["arn"] = json!(format!("{first}-twin"));
    twin["name"] = json!("twin");
    twin["dns_name"] = json!("twin-1.us-east-1.elb.amazonaws.com");
    ok(&mut v, "load_balancers").push(twin);
    let mut l = ok(&mut v, "listeners")
        .iter()
        .find(|l| l["protocol"] == "HTTPS")
        .unwrap()
        .clone();
    l["arn"] = json!(format!("{}-twin", l["arn"].as_str().unwrap()));
    l["load_balancer_arn"] = json!(format!("{first}-twin"));
    ok(&mut v, "listeners").push(l);
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.evidence[0].contains("the one its DNS record points at"),
        "{:#?}",
        f.evidence
    );
    // Without the record, it stays ambiguous.
    v["dns_records"] = json!({"ok": []});
    assert_eq!(one(&v, "ingress.alb").status, Status::Error);
}

/// An ALB that admits 443 only from CloudFront's origin-facing prefix list
/// (recognised by its name, DescribeManagedPrefixLists): the path holds when
/// a distribution of the account has the ALB as its origin.
#[test]
fn ingress_security_groups_behind_cloudfront() {
    let with = |dists: Value| {
        let mut v = base();
        let alb = v["load_balancers"]["ok"][0]["dns_name"]
            .as_str()
            .unwrap()
            .to_string();
        rules_of(&mut v, "k8s-langsmith-alb")[0] = json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_lists": ["pl-3b927c52"]});
        v["prefix_lists"] = json!({"ok": [{"id": "pl-3b927c52",
            "name": "com.amazonaws.global.cloudfront.origin-facing",
            "cidrs": ["120.52.22.96/27", "205.251.249.0/24"]}]});
        let dists = serde_json::to_string(&dists).unwrap().replace("$ALB", &alb);
        v["distributions"] = serde_json::from_str(&dists).unwrap();
        v
    };
    let fronting = json!({"ok": [{"id": "E2QWRUHEXAMPLE", "domain_name": "d111111abcdef8.cloudfront.net",
        "origins": ["$ALB"], "enabled": true, "status": "Deployed"}]});
    let f = one(&with(fronting.clone()), "ingress.security-groups");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message.contains("from CloudFront, which fronts it"),
        "{}",
        f.message
    );
    assert!(
        f.evidence.iter().any(|e| e.contains(
            "→ CloudFront distribution E2QWRUHEXAMPLE (d111111abcdef8.cloudfront.net) → ALB:443 allowed by"
        ) && e.contains("pl-3b927c52")),
        "{:?}",
        f.evidence
    );
    // No distribution of this account fronts the ALB: it may be elsewhere → warn.
    let f = one(&with(json!({"ok": []})), "ingress.security-groups");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(
        f.message.contains("no enabled CloudFront distribution of this account has ALB k8s-langsmith-ingress as an origin"),
        "{}",
        f.message
    );
    // The distributions unread: error, naming the action.
    let f = one(
        &with(
            json!({"failed": {"action": "cloudfront:ListDistributions", "kind": "denied",
            "code": "AccessDenied", "message": "User is not authorized"}}),
        ),
        "ingress.security-groups",
    );
    assert_error_names(&f, "cloudfront:ListDistributions");
    // A real gap behind CloudFront still fails.
    let mut v = with(fronting);
    rules_of(&mut v, "langsmith-nodes").retain(|r| r["from_port"] != 30080);
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Fail);
    // The same list without its name (another prefix list): unknown, as before.
    let mut v = with(json!({"ok": []}));
    v["prefix_lists"]["ok"][0]["name"] = json!("corp-egress");
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Error);
}

/// A web ACL on the CloudFront distribution that fronts the ALB protects it.
#[test]
fn ingress_waf_on_cloudfront() {
    let mut v = base();
    let alb = v["load_balancers"]["ok"][0]["dns_name"]
        .as_str()
        .unwrap()
        .to_string();
    v["web_acls"] = json!({"ok": []});
    assert_eq!(one(&v, "ingress.waf").status, Status::Warn);
    v["distributions"] = json!({"ok": [{"id": "E2QWRUHEXAMPLE", "domain_name": "d111111abcdef8.cloudfront.net",
        "origins": [alb], "enabled": true, "status": "Deployed",
        "web_acl_id": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1"}]});
    let f = one(&v, "ingress.waf");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message.contains("protects CloudFront distribution E2QWRUHEXAMPLE, which fronts ALB k8s-langsmith-ingress"),
        "{}",
        f.message
    );
    // Disabled, it protects nothing.
    v["distributions"]["ok"][0]["enabled"] = json!(false);
    assert_eq!(one(&v, "ingress.waf").status, Status::Warn);
}
