//! Domain names: validation of `--domain` and certificate name matching.

/// Normalises and validates a fully qualified domain name given on the
/// command line. Returns the lower-case name without a trailing dot.
pub fn parse_domain(input: &str) -> Result<String, String> {
    let d = input.trim().trim_end_matches('.').to_ascii_lowercase();
    let bad = |why: &str| Err(format!("invalid --domain {input:?}: {why}"));
    if d.is_empty() {
        return bad("it is empty");
    }
    if d.contains("://") || d.contains('/') {
        return bad("give a host name such as langsmith.example.com, not a URL");
    }
    if d.len() > 253 {
        return bad("longer than 253 characters");
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return bad("a fully qualified name has at least two labels");
    }
    for label in &labels {
        if label.is_empty() {
            return bad("it has an empty label");
        }
        if *label == "*" {
            return bad("give the host name the deployment serves, not a wildcard");
        }
        if label.len() > 63 {
            return bad("a label is longer than 63 characters");
        }
        if !label
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            return bad("labels may hold only letters, digits and hyphens");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad("a label may not start or end with a hyphen");
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return bad("an IP address is not a domain name");
    }
    Ok(d)
}

/// A DNS name as compared: lower case, without a trailing dot.
pub fn canonical(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// A load balancer's DNS name as compared with a record's target: canonical,
/// and without the `dualstack.` prefix Route53 aliases carry.
pub fn lb_dns_name(name: &str) -> String {
    let s = canonical(name);
    s.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(s)
}

/// True for an Elastic Load Balancing DNS name (`…elb.amazonaws.com`, or
/// `.com.cn` in the China regions).
pub fn is_lb_dns_name(name: &str) -> bool {
    let n = canonical(name);
    n.ends_with(".elb.amazonaws.com") || n.ends_with(".elb.amazonaws.com.cn")
}

/// True for a CloudFront distribution's own DNS name (`d111111abcdef8.cloudfront.net`).
pub fn is_cloudfront_domain(name: &str) -> bool {
    canonical(name).ends_with(".cloudfront.net")
}

/// The AWS-managed prefix list of CloudFront's origin-facing servers: an ALB
/// whose security group admits only it is reachable only through CloudFront.
pub const CLOUDFRONT_ORIGIN_FACING: &str = "com.amazonaws.global.cloudfront.origin-facing";

/// True when the certificate name `pattern` (CN or SAN) covers `domain`.
///
/// A wildcard stands for exactly one whole leftmost label (RFC 6125 §6.4.3):
/// `*.example.com` covers `a.example.com`, but neither `example.com` nor
/// `a.b.example.com`. Comparison ignores case and a trailing dot.
pub fn name_covers(pattern: &str, domain: &str) -> bool {
    let (p, d) = (canonical(pattern), canonical(domain));
    if let Some(rest) = p.strip_prefix("*.") {
        match d.split_once('.') {
            Some((first, tail)) => !first.is_empty() && tail == rest,
            None => false,
        }
    } else {
        p == d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_is_one_label() {
        assert!(name_covers("*.example.com", "langsmith.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.langsmith.example.com"));
        assert!(name_covers(
            "LangSmith.Example.com.",
            "langsmith.example.com"
        ));
        assert!(!name_covers("example.com", "langsmith.example.com"));
        assert!(!name_covers("*.com", "example.org"));
    }

    #[test]
    fn load_balancer_and_cloudfront_names() {
        assert!(is_lb_dns_name(
            "dualstack.k8s-langsmith-0123.us-east-1.elb.amazonaws.com."
        ));
        assert!(is_lb_dns_name(
            "internal-x-1.cn-north-1.elb.amazonaws.com.cn"
        ));
        assert!(!is_lb_dns_name("d111111abcdef8.cloudfront.net"));
        assert!(is_cloudfront_domain("D111111ABCDEF8.cloudfront.net."));
        assert!(!is_cloudfront_domain("cloudfront.net.example.com"));
    }

    #[test]
    fn domains() {
        assert_eq!(
            parse_domain("LangSmith.Example.com.").unwrap(),
            "langsmith.example.com"
        );
        for bad in [
            "",
            "localhost",
            "https://x.example.com",
            "a..b.com",
            "-a.b.com",
            "*.example.com",
            "a_b.example.com",
            "10.0.0.1",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad} should be rejected");
        }
    }
}
