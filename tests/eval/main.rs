//! Evaluation from fixture inventories: every requirement's pass, fail (or
//! warn) and error cases, including the boundaries. One module per area,
//! mirroring `src/checks/`; test names start with the requirement id (dots
//! and dashes as `_`), and a test below keeps it so. The base fixture is the
//! shipped example snapshot of the reference deployment; each case changes
//! one thing. Findings are snapshot-tested with insta.

mod clickhouse;
mod dns;
mod eks;
mod ingress;
mod network;
mod postgres;
mod redis;
mod storage;
mod tls;

use langsmith_preflight::evaluate::{evaluate, evaluation_time};
use langsmith_preflight::model::Inventory;
use langsmith_preflight::registry;
use langsmith_preflight::report::{Baseline, Finding, Stage, Status};
use langsmith_preflight::settings::Settings;
use serde_json::{json, Value};

fn base() -> Value {
    serde_json::from_str(include_str!("../../examples/reference-deployment.json")).unwrap()
}

fn inventory(v: &Value) -> Inventory {
    serde_json::from_value(v.clone()).expect("fixture is an inventory")
}

/// Evaluates every requirement against a fixture.
fn run_with(v: &Value, stage: Stage, baseline: Baseline) -> Vec<Finding> {
    run_settings(
        v,
        Settings {
            stage,
            baseline,
            ..Default::default()
        },
    )
}

fn run(v: &Value) -> Vec<Finding> {
    run_with(v, Stage::Installed, Baseline::Production)
}

fn find(findings: &[Finding], id: &str) -> Finding {
    findings.iter().find(|f| f.id == id).cloned().unwrap()
}

/// Evaluates one requirement against a fixture (installed stage, production baseline).
fn one(v: &Value, id: &str) -> Finding {
    one_with(v, id, installed())
}

/// Evaluates one requirement against a fixture with these settings.
fn one_with(v: &Value, id: &str, settings: Settings) -> Finding {
    let inv = inventory(v);
    let req = registry::find(id).unwrap_or_else(|| panic!("{id} is not registered"));
    evaluate(&inv, &settings, evaluation_time(&inv), &[req]).remove(0)
}

fn ok<'a>(v: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    v[key]["ok"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("{key} is not ok"))
}

fn deny(v: &mut Value, key: &str, action: &str) {
    v[key] = json!({"failed": {"action": action, "kind": "denied", "code": "AccessDenied", "message": "User is not authorized"}});
}

fn sg_named(v: &Value, name: &str) -> String {
    v["security_groups"]["ok"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn add_types(v: &mut Value) {
    ok(v, "instance_types").extend([
        json!({"name": "m5.xlarge", "vcpus": 4, "memory_mib": 16384, "max_network_interfaces": 4, "ipv4_addresses_per_interface": 15}),
        json!({"name": "m5.2xlarge", "vcpus": 8, "memory_mib": 32768, "max_network_interfaces": 4, "ipv4_addresses_per_interface": 15}),
    ]);
}

/// A fixed set of `count` running nodes of one type, in one node group that
/// cannot scale beyond them (min = desired = max = `count`).
fn set_nodes(v: &mut Value, instance_type: &str, count: usize) {
    add_types(v);
    let first = ok(v, "instances")[0].clone();
    let nodes: Vec<Value> = (0..count)
        .map(|k| {
            let mut n = first.clone();
            n["id"] = json!(format!("i-{k:04}"));
            n["instance_type"] = json!(instance_type);
            n
        })
        .collect();
    v["instances"]["ok"] = json!(nodes);
    let g = &mut ok(v, "nodegroups")[0];
    g["instance_types"] = json!([instance_type]);
    for k in ["min_size", "desired_size", "max_size"] {
        g[k] = json!(count);
    }
}

fn public_subnet(v: &Value) -> String {
    v["load_balancers"]["ok"][0]["zones"][0]["subnet_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn run_settings(v: &Value, settings: Settings) -> Vec<Finding> {
    let inv = inventory(v);
    let reqs: Vec<_> = registry::all().iter().collect();
    evaluate(&inv, &settings, evaluation_time(&inv), &reqs)
}

fn installed() -> Settings {
    Settings {
        stage: Stage::Installed,
        baseline: Baseline::Production,
        ..Default::default()
    }
}

fn rules_of<'a>(v: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    let id = sg_named(v, name);
    let g = ok(v, "security_groups")
        .iter_mut()
        .find(|g| g["id"] == id.as_str())
        .unwrap();
    g["ingress"].as_array_mut().unwrap()
}

fn assert_error_names(f: &Finding, action: &str) {
    assert_eq!(f.status, Status::Error, "{}: {}", f.id, f.message);
    assert!(f.message.contains(action), "{}: {}", f.id, f.message);
}

#[test]
fn reference_fixture_passes_everything() {
    let findings = run(&base());
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| format!("{} {:?}: {}", f.id, f.status, f.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    insta::assert_json_snapshot!("reference_all", findings);
}

#[test]
fn preflight_stage_skips_installed_requirements() {
    let findings = run_with(&base(), Stage::Preflight, Baseline::Production);
    for f in &findings {
        let want = if f.stage == Stage::Installed {
            Status::Skip
        } else {
            Status::Pass
        };
        assert_eq!(f.status, want, "{}: {}", f.id, f.message);
    }
}

#[test]
fn a_denied_call_errors_only_the_requirements_that_need_it() {
    let mut v = base();
    let tg = &mut ok(&mut v, "target_groups")[0];
    tg["health"] = json!({"failed": {"action": "elasticloadbalancing:DescribeTargetHealth", "kind": "denied", "code": "AccessDenied", "message": "not authorized"}});
    let findings = run(&v);
    for f in &findings {
        if f.id == "ingress.targets-healthy" {
            assert_eq!(f.status, Status::Error);
            assert!(f
                .message
                .contains("elasticloadbalancing:DescribeTargetHealth was denied"));
            assert!(f
                .remediation
                .as_deref()
                .unwrap()
                .contains("Grant the read-only action elasticloadbalancing:DescribeTargetHealth"));
        } else {
            assert_eq!(f.status, Status::Pass, "{} changed: {}", f.id, f.message);
        }
    }
}

/// A rule whose source is a managed prefix list whose entries are not
/// known (not collected, or GetManagedPrefixListEntries failed): when
/// nothing else admits the nodes, the answer is unknown (`error`, naming the
/// prefix list), never `pass` and never a confident `fail`.
#[test]
fn prefix_list_rules_are_unknown_not_pass_or_fail() {
    let mut v = base();
    rules_of(&mut v, "langsmith-postgres")[0] = json!({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "prefix_lists": ["pl-0123abcd"]});
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("pl-0123abcd"), "{}", f.message);
    assert!(f
        .remediation
        .unwrap()
        .contains("get-managed-prefix-list-entries"));
    // On another port it admits nothing: a plain failure.
    rules_of(&mut v, "langsmith-postgres")[0]["from_port"] = json!(3306);
    rules_of(&mut v, "langsmith-postgres")[0]["to_port"] = json!(3306);
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);

    // A restricted ALB open only to a prefix list (e.g. CloudFront's).
    let mut v = base();
    rules_of(&mut v, "k8s-langsmith-alb")[0] = json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_lists": ["pl-3b927c52"]});
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("pl-3b927c52"), "{}", f.message);
    // Known entries (CloudFront's origin-facing ranges) do not make it a
    // failure: the ALB's clients are whoever the list holds.
    v["prefix_lists"] =
        json!({"ok": [{"id": "pl-3b927c52", "cidrs": ["120.52.22.96/27", "205.251.249.0/24"]}]});
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("--alb-allowed-cidrs"), "{}", f.message);
    // A real gap elsewhere still fails.
    rules_of(&mut v, "langsmith-nodes").retain(|r| r["from_port"] != 30080);
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Fail);
}

/// A newcomer finds a requirement by its id: its logic is `pub fn` in
/// `src/checks/<area>.rs`, and its tests are `#[test]` functions named after
/// the id in `tests/eval/<area>.rs`.
#[test]
fn every_requirement_has_its_logic_and_tests_under_its_id() {
    for r in registry::all() {
        let id = &r.spec.id;
        let (area, _) = id.split_once('.').expect("id is area.name");
        let (module, function) = r.function.split_once("::").expect("area::function");
        assert_eq!(
            module, area,
            "{id}: its function {} is not in src/checks/{area}.rs",
            r.function
        );
        let logic = std::fs::read_to_string(format!("src/checks/{area}.rs")).unwrap();
        assert!(
            logic.contains(&format!("pub fn {function}(")),
            "{id}: src/checks/{area}.rs has no pub fn {function}"
        );
        let tests = std::fs::read_to_string(format!("tests/eval/{area}.rs"))
            .unwrap_or_else(|_| panic!("{id}: no tests/eval/{area}.rs"));
        let prefix = format!("fn {}", id.replace(['.', '-'], "_"));
        let lines: Vec<&str> = tests.lines().collect();
        let named = lines.iter().enumerate().any(|(i, l)| {
            let rest = l.strip_prefix(&prefix);
            let is_test = lines[..i]
                .iter()
                .rev()
                .find(|p| !p.trim_start().starts_with("///"))
                .is_some_and(|p| p.trim() == "#[test]");
            is_test && rest.is_some_and(|r| r.starts_with('_') || r.starts_with('('))
        });
        assert!(
            named,
            "{id}: no #[test] fn {}… in tests/eval/{area}.rs",
            &prefix[3..]
        );
    }
}

/// Prefix lists with known entries are matched like CIDRs: an entry that
/// holds the nodes admits them, none that does refuses them, and a denied
/// GetManagedPrefixListEntries is named.
#[test]
fn prefix_list_entries_give_a_real_verdict() {
    let with_list = |cidrs: Value| {
        let mut v = base();
        rules_of(&mut v, "langsmith-postgres")[0] = json!({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "prefix_lists": ["pl-0123abcd"]});
        v["prefix_lists"] = json!({"ok": [{"id": "pl-0123abcd", "cidrs": cidrs}]});
        v
    };
    let f = one(
        &with_list(json!(["10.0.0.0/16", "2600:1f18::/56"])),
        "postgres.reachable",
    );
    assert_eq!(f.status, Status::Pass, "{} {:#?}", f.message, f.evidence);
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("prefix list pl-0123abcd (entry 10.0.0.0/16)")),
        "{:#?}",
        f.evidence
    );
    let f = one(&with_list(json!(["192.168.0.0/16"])), "postgres.reachable");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    let mut v = with_list(json!([]));
    deny(&mut v, "prefix_lists", "ec2:GetManagedPrefixListEntries");
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(
        f.message.contains("ec2:GetManagedPrefixListEntries"),
        "{}",
        f.message
    );
}
