//! The requirement registry: ids are unique and permanent, each has its data
//! file in checks/, and the README's table is generated from the same data.

use std::collections::BTreeSet;

use langsmith_preflight::registry;

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for r in registry::all() {
        let id = &r.spec.id;
        assert!(seen.insert(id.clone()), "duplicate id {id}");
        let (area, name) = id.split_once('.').expect("id is area.name");
        assert!(!area.is_empty() && !name.is_empty());
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '-'),
            "{id}"
        );
        assert!(
            ["critical", "high", "medium", "low"].contains(&r.spec.severity.as_str()),
            "{id}"
        );
        assert!(
            r.spec.reference.contains(".md"),
            "{id} cites no reference document"
        );
        assert!(!r.needs.is_empty(), "{id}");
    }
}

#[test]
fn every_data_file_is_registered() {
    let files: BTreeSet<String> = std::fs::read_dir("checks")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| n.trim_end_matches(".toml").to_string())
        .collect();
    let ids: BTreeSet<String> = registry::all().iter().map(|r| r.spec.id.clone()).collect();
    assert_eq!(files, ids);
}

/// The ids the first release promised; they may never disappear.
#[test]
fn permanent_ids_remain() {
    for id in [
        "network.single-vpc",
        "network.public-subnets",
        "network.private-subnets",
        "network.nodes-private",
        "network.data-private",
        "ingress.alb",
        "ingress.https",
        "tls.certificate",
        "ingress.targets-healthy",
        "postgres.version",
        "postgres.reachable",
        "redis.reachable",
        "eks.capacity",
        "eks.clickhouse-node",
        "ingress.security-groups",
        "ingress.waf",
        "ingress.single-entry",
        "dns.record",
        "postgres.backups",
        "postgres.encryption",
        "redis.version",
        "eks.cluster",
        "eks.addons",
        "eks.irsa",
        "storage.bucket",
        "clickhouse.storage",
    ] {
        assert!(registry::find(id).is_some(), "{id} was removed");
    }
}

#[test]
fn readme_requirements_table_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = langsmith_preflight::render::readme_table();
    assert!(
        readme.contains(&table),
        "README.md's requirements table is stale; replace it with:\n{table}"
    );
}

/// Every threshold a requirement's function reads (`ctx.num("key")`) is
/// declared in its `checks/<id>.toml`, and every configurable one is a
/// numeric threshold: a missing one would panic at run time.
#[test]
fn every_threshold_a_check_reads_is_declared() {
    let mut reads = 0;
    for r in registry::all() {
        let (area, function) = r.function.split_once("::").unwrap();
        let text = std::fs::read_to_string(format!("src/checks/{area}.rs")).unwrap();
        let start = text
            .find(&format!("pub fn {function}("))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no pub fn {function} in src/checks/{area}.rs",
                    r.spec.id
                )
            });
        // The function's body runs to the first closing brace at column 0.
        let body = &text[start..];
        let body = &body[..body.find("\n}\n").expect("function end")];
        for (i, _) in body.match_indices("num(\"") {
            let key = &body[i + 5..];
            let key = &key[..key.find('"').unwrap()];
            reads += 1;
            assert!(
                matches!(
                    r.spec.thresholds.get(key),
                    Some(toml::Value::Integer(_) | toml::Value::Float(_))
                ),
                "{} reads threshold {key:?}, which checks/{}.toml does not declare as a number",
                r.spec.id,
                r.spec.id
            );
        }
        for key in &r.spec.configurable {
            assert!(
                r.spec.thresholds.contains_key(key),
                "{}: configurable {key:?} is not a threshold",
                r.spec.id
            );
        }
    }
    assert!(
        reads >= 10,
        "found only {reads} threshold reads: is the scan still looking in the right place?"
    );
}
