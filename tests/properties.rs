//! Property tests for the matchers that decide verdicts, against simple
//! oracles: certificate names, CIDR containment, security-group rules (all
//! traffic, prefix lists, IPv6) and version parsing. Then a structured fuzz
//! of the readers: mutated snapshots and configurations must be parsed or
//! refused with an error — and a snapshot that parses must evaluate — without
//! a panic. (The `fuzz/` directory has libFuzzer targets for longer runs.)

use std::net::Ipv4Addr;

use proptest::prelude::*;

use langsmith_preflight::checks::postgres::major_version;
use langsmith_preflight::model::{SecurityGroup, SgRule};
use langsmith_preflight::names::name_covers;
use langsmith_preflight::net::{find_admitting_rule, rule_allows_tcp_port, Cidr4, Source};

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"
}

fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 2..5).prop_map(|l| l.join("."))
}

fn upper_some(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    // ------------------------------------------------------------ names

    #[test]
    fn an_exact_name_covers_itself_whatever_the_case_or_trailing_dot(
        d in domain(), mask in any::<u64>(), dot in any::<bool>()
    ) {
        let pattern = upper_some(&d, mask) + if dot { "." } else { "" };
        prop_assert!(name_covers(&pattern, &d));
    }

    #[test]
    fn a_wildcard_covers_exactly_one_leftmost_label(
        rest in domain(), first in label(), second in label()
    ) {
        let wildcard = format!("*.{rest}");
        let one_deep = format!("{first}.{rest}");
        let two_deep = format!("{second}.{first}.{rest}");
        prop_assert!(name_covers(&wildcard, &one_deep));
        // Not the apex, not two labels deep.
        prop_assert!(!name_covers(&wildcard, &rest));
        prop_assert!(!name_covers(&wildcard, &two_deep));
    }

    #[test]
    fn a_plain_name_covers_only_an_equal_name(a in domain(), b in domain()) {
        prop_assert_eq!(name_covers(&a, &b), a.eq_ignore_ascii_case(&b));
    }

    #[test]
    fn a_wildcard_never_matches_a_different_suffix(
        rest in domain(), other in domain(), first in label()
    ) {
        prop_assume!(!other.eq_ignore_ascii_case(&rest));
        let (wildcard, name) = (format!("*.{rest}"), format!("{first}.{other}"));
        prop_assert!(!name_covers(&wildcard, &name));
    }

    // ------------------------------------------------------------ CIDRs

    #[test]
    fn cidr_text_round_trips_after_normalising(addr in any::<u32>(), prefix in 0u8..=32) {
        let c: Cidr4 = format!("{}/{prefix}", Ipv4Addr::from(addr)).parse().unwrap();
        let again: Cidr4 = c.to_string().parse().unwrap();
        prop_assert_eq!(c, again);
        prop_assert!(c.contains_addr(Ipv4Addr::from(addr)));
    }

    #[test]
    fn containment_agrees_with_an_oracle(a in any::<u32>(), pa in 0u8..=32, b in any::<u32>(), pb in 0u8..=32) {
        let ca: Cidr4 = format!("{}/{pa}", Ipv4Addr::from(a)).parse().unwrap();
        let cb: Cidr4 = format!("{}/{pb}", Ipv4Addr::from(b)).parse().unwrap();
        // Oracle: same leading `pa` bits, and `b` no wider than `a`.
        let top = |x: u32, p: u8| if p == 0 { 0 } else { u64::from(x) >> (32 - p) };
        let want = pa <= pb && top(a, pa) == top(b, pa);
        prop_assert_eq!(ca.contains(&cb), want);
        // Containment means every address of b is in a: check b's first and last.
        if want {
            let first = b & if pb == 0 { 0 } else { u32::MAX << (32 - pb) };
            let last = first | if pb == 32 { 0 } else { u32::MAX >> pb };
            prop_assert!(ca.contains_addr(Ipv4Addr::from(first)));
            prop_assert!(ca.contains_addr(Ipv4Addr::from(last)));
        }
        // Antisymmetric.
        if ca.contains(&cb) && cb.contains(&ca) {
            prop_assert_eq!(ca, cb);
        }
    }

    #[test]
    fn not_a_cidr_is_refused_not_misread(s in "\\PC{0,24}") {
        if let Ok(c) = s.parse::<Cidr4>() {
            // Whatever parses prints back as a canonical IPv4 CIDR.
            let text = c.to_string();
            prop_assert!(text.contains('/'));
            prop_assert!(text.split('/').next().unwrap().parse::<Ipv4Addr>().is_ok());
        }
    }

    // ------------------------------------------------------------ rules

    #[test]
    fn port_matching_agrees_with_an_oracle(
        protocol in prop::sample::select(vec!["-1", "all", "tcp", "6", "udp", "17", "icmp", "1", "58"]),
        from in prop::option::of(-1i32..=65535),
        to in prop::option::of(-1i32..=65535),
        port in 0i32..=65535,
    ) {
        let rule = SgRule { protocol: protocol.to_string(), from_port: from, to_port: to, ..Default::default() };
        let want = match protocol {
            "-1" | "all" => true,
            "tcp" | "6" => from.unwrap_or(0) <= port && port <= to.unwrap_or(65535),
            _ => false,
        };
        prop_assert_eq!(rule_allows_tcp_port(&rule, port), want);
    }

    #[test]
    fn a_rule_admits_a_source_only_by_its_group_or_a_covering_cidr(
        node_ip in any::<u32>(),
        rule_net in any::<u32>(), rule_prefix in 0u8..=32,
        same_group in any::<bool>(),
        port in 1i32..=65535,
        with_ipv6 in any::<bool>(), with_prefix_list in any::<bool>(),
    ) {
        let cidr = format!("{}/{rule_prefix}", Ipv4Addr::from(rule_net));
        let mut rule = SgRule {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            ipv4_cidrs: vec![cidr.clone()],
            security_groups: vec!["sg-nodes".into()],
            ..Default::default()
        };
        if with_ipv6 { rule.ipv6_cidrs.push("::/0".into()); }
        if with_prefix_list { rule.prefix_lists.push("pl-12345".into()); }
        let group = SecurityGroup { id: "sg-db".into(), ingress: vec![rule], ..Default::default() };
        let src = Source {
            cidr6: None,
            label: "node".into(),
            security_groups: vec![if same_group { "sg-nodes" } else { "sg-other" }.into()],
            cidr: Some(format!("{}/32", Ipv4Addr::from(node_ip)).parse().unwrap()),
        };
        let covering = cidr.parse::<Cidr4>().unwrap().contains_addr(Ipv4Addr::from(node_ip));
        let got = find_admitting_rule(&[&group], &src, port);
        // IPv6 ranges and prefix lists never admit an IPv4 node by themselves.
        prop_assert_eq!(got.is_some(), same_group || covering);
        // The wrong port is never admitted.
        let other = if port == 65535 { 1 } else { port + 1 };
        prop_assert!(find_admitting_rule(&[&group], &src, other).is_none());
    }

    #[test]
    fn ipv6_and_prefix_list_rules_alone_admit_no_ipv4_node(node_ip in any::<u32>(), port in 1i32..=65535) {
        let group = SecurityGroup {
            id: "sg-db".into(),
            ingress: vec![SgRule {
                protocol: "-1".into(),
                ipv6_cidrs: vec!["::/0".into()],
                prefix_lists: vec!["pl-0a1b2c".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        let src = Source {
            cidr6: None,
            label: "node".into(),
            security_groups: vec!["sg-nodes".into()],
            cidr: Some(format!("{}/32", Ipv4Addr::from(node_ip)).parse().unwrap()),
        };
        prop_assert!(find_admitting_rule(&[&group], &src, port).is_none());
    }

    // ------------------------------------------------------------ versions

    #[test]
    fn versions_compare_numerically_not_as_text(a in 0u32..100, b in 0u32..100, minor in 0u32..40, patch in 0u32..40) {
        let va = format!("{a}.{minor}");
        let vb = format!("{b}.{minor}.{patch}");
        prop_assert_eq!(major_version(&va), Some(a));
        prop_assert_eq!(major_version(&vb), Some(b));
        prop_assert_eq!(major_version(&va) < major_version(&vb), a < b);
        let padded = format!(" {a} ");
        prop_assert_eq!(major_version(&padded), Some(a));
    }

    #[test]
    fn any_version_text_is_read_or_refused_without_panicking(s in "\\PC{0,16}") {
        // Read: the text before the first dot is that number. Else refused.
        if let Some(m) = major_version(&s) {
            let head = s.trim().split('.').next().unwrap();
            prop_assert_eq!(head.parse::<u32>().ok(), Some(m));
        }
    }
}

// ---------------------------------------------------------------- readers

const EXAMPLES: [&str; 2] = [
    include_str!("../examples/reference-deployment.json"),
    include_str!("../examples/broken-deployment.json"),
];

/// Replaces leaf values of the example snapshot: mostly with hostile values
/// of the same JSON type (so the result still parses and reaches evaluation:
/// zero, negative and huge numbers, empty and odd strings, flipped flags,
/// cut and repeated lists), sometimes with a value of another type.
fn mutate(v: &mut serde_json::Value, picks: &mut impl Iterator<Item = (u64, i64)>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (_, child) in m.iter_mut() {
                mutate(child, picks);
            }
        }
        Value::Array(a) => {
            if let Some((k, _)) = picks.next() {
                if k % 7 == 0 && !a.is_empty() {
                    a.truncate((k as usize) % a.len());
                } else if k % 11 == 0 && !a.is_empty() {
                    let first = a[0].clone();
                    a.extend(std::iter::repeat_n(first, (k % 4) as usize));
                }
            }
            for child in a.iter_mut() {
                mutate(child, picks);
            }
        }
        leaf => {
            let Some((k, n)) = picks.next() else { return };
            if k % 4 != 0 {
                return;
            }
            let other_type = k % 97 == 0;
            *leaf = match (&*leaf, other_type) {
                (_, true) => match n % 3 {
                    0 => Value::Null,
                    1 => Value::from(n),
                    _ => Value::from("x"),
                },
                (Value::Number(_), _) => Value::from(match k % 6 {
                    0 => 0,
                    1 => n % 100,
                    2 => i64::from(u16::MAX),
                    3 => i64::from(i32::MAX),
                    4 => n.rem_euclid(1 << 20),
                    _ => 1,
                }),
                (Value::String(_), _) => Value::from(match k % 6 {
                    0 => String::new(),
                    1 => format!("{n}"),
                    2 => "0.0.0.0/0".to_string(),
                    3 => "*.".to_string(),
                    4 => "ünïcødé.example.com".to_string(),
                    _ => "x".repeat((n.rem_euclid(300)) as usize),
                }),
                (Value::Bool(b), _) => Value::Bool(!b),
                (other, _) => other.clone(),
            };
        }
    }
}

fn mutated(which: usize, picks: Vec<(u64, i64)>) -> String {
    let mut v: serde_json::Value = serde_json::from_str(EXAMPLES[which]).unwrap();
    let mut it = picks.into_iter().cycle();
    mutate(&mut v, &mut it);
    v.to_string()
}

/// The fuzz is only worth something if most mutants reach evaluation.
#[test]
fn most_mutated_snapshots_still_parse() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec((any::<u64>(), any::<i64>()), 64..512);
    let mut parsed = 0;
    for i in 0..100 {
        let picks = strategy.new_tree(&mut runner).unwrap().current();
        if langsmith_preflight::snapshot::parse(&mutated(i % 2, picks), "m.json").is_ok() {
            parsed += 1;
        }
    }
    assert!(parsed >= 50, "only {parsed} of 100 mutants parse");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_snapshots_parse_or_are_refused_and_always_evaluate(
        which in 0usize..2,
        picks in prop::collection::vec((any::<u64>(), any::<i64>()), 64..512),
    ) {
        let text = mutated(which, picks);
        if let Ok(inv) = langsmith_preflight::snapshot::parse(&text, "fuzz.json") {
            let reqs: Vec<_> = langsmith_preflight::registry::all().iter().collect();
            for stage in [langsmith_preflight::report::Stage::Preflight, langsmith_preflight::report::Stage::Installed] {
                let settings = langsmith_preflight::settings::Settings { stage, ..Default::default() };
                let report = langsmith_preflight::evaluate::report(&inv, &settings, &reqs, "fuzz", Default::default());
                for format in [
                    langsmith_preflight::render::Format::Table,
                    langsmith_preflight::render::Format::Json,
                    langsmith_preflight::render::Format::Junit,
                    langsmith_preflight::render::Format::Markdown,
                    langsmith_preflight::render::Format::Html,
                ] {
                    let _ = langsmith_preflight::render::render(&report, format, false);
                }
            }
            // And compared with the snapshot it was mutated from: diff never panics.
            let base = langsmith_preflight::snapshot::parse(EXAMPLES[which], "base.json").unwrap();
            let settings = langsmith_preflight::settings::Settings::default();
            let old = langsmith_preflight::evaluate::report(&base, &settings, &reqs, "old", Default::default());
            let new = langsmith_preflight::evaluate::report(&inv, &settings, &reqs, "new", Default::default());
            let d = langsmith_preflight::diff::compare(
                &langsmith_preflight::diff::Input { source: "old", report: &old, inventory: Some(&base) },
                &langsmith_preflight::diff::Input { source: "new", report: &new, inventory: Some(&inv) },
            );
            for s in &d.status_changes {
                prop_assert!(s.explained_by.iter().all(|&i| i < d.changes.len()));
            }
            for format in [
                langsmith_preflight::render::DiffFormat::Table,
                langsmith_preflight::render::DiffFormat::Json,
                langsmith_preflight::render::DiffFormat::Markdown,
            ] {
                let _ = langsmith_preflight::render::diff::render(&d, format);
            }
        }
    }

    #[test]
    fn cut_or_corrupted_snapshots_are_refused_not_panics(
        which in 0usize..2, cut in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()
    ) {
        let text = EXAMPLES[which];
        let cut_at = cut.index(text.len());
        let truncated = &text.as_bytes()[..cut_at];
        let _ = langsmith_preflight::snapshot::parse(&String::from_utf8_lossy(truncated), "cut.json");
        let mut bytes = text.as_bytes().to_vec();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = langsmith_preflight::snapshot::parse(&String::from_utf8_lossy(&bytes), "flip.json");
    }

    #[test]
    fn any_configuration_text_is_read_or_refused_with_a_position(text in "\\PC{0,200}") {
        if let Err(e) = langsmith_preflight::config::parse(&text, "preflight.toml") {
            prop_assert!(e.to_string().starts_with("preflight.toml"), "{}", e);
        }
    }

    #[test]
    fn structured_configurations_are_read_or_refused_with_a_position(
        key in prop::sample::select(vec!["cluster", "domain", "region", "stage", "baseline", "skip", "only", "fail_on", "clickhouse", "alb_allowed_cidrs", "bucket", "nonsense"]),
        value in prop::sample::select(vec!["\"x\"", "1", "[\"eks.capacity\"]", "[\"nope\"]", "\"preflight\"", "true", "{}", "\"10.0.0.0/8\""]),
        table in prop::sample::select(vec!["", "[thresholds.\"eks.capacity\"]\nmin_vcpu = 8\n", "[thresholds.\"eks.capacity\"]\nmin_vcpu = 64\n", "[[waiver]]\nid = \"ingress.waf\"\nreason = \"r\"\nexpires = \"2027-01-01\"\n", "[[waiver]]\nid = \"x\"\n"]),
    ) {
        let text = format!("{key} = {value}\n{table}");
        if let Err(e) = langsmith_preflight::config::parse(&text, "preflight.toml") {
            prop_assert!(e.to_string().starts_with("preflight.toml"), "{}", e);
        }
    }
}
