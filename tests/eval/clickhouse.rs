//! `clickhouse.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

#[test]
fn clickhouse_storage_cases() {
    assert_eq!(one(&base(), "clickhouse.storage").status, Status::Pass);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base();
        for vol in ok(&mut v, "volumes") {
            f(vol);
        }
        one(&v, "clickhouse.storage")
    };
    // Boundaries: exactly 7000 IOPS and 1000 MiB/s pass; one less warns.
    let f = with(&|vol| vol["iops"] = json!(6999));
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("6999 IOPS (< 7000)"), "{}", f.message);
    let f = with(&|vol| vol["throughput"] = json!(999));
    assert_eq!(f.status, Status::Warn);
    // io2 has no throughput setting to check.
    let f = with(&|vol| {
        vol["volume_type"] = json!("io2");
        vol["throughput"] = Value::Null;
    });
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    let f = with(&|vol| vol["volume_type"] = json!("gp2"));
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.message
            .contains("gp2, not an SSD type with provisioned IOPS"),
        "{}",
        f.message
    );
    // Volumes of another cluster do not count: ClickHouse has none of its own.
    let f = with(&|vol| vol["clusters"] = json!(["other-cluster"]));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("TROUBLESHOOTING §7.3"), "{}", f.message);
    let mut v = base();
    use langsmith_preflight::settings::ClickhouseMode;
    let f = find(
        &run_settings(
            &v,
            Settings {
                clickhouse: ClickhouseMode::External,
                ..installed()
            },
        ),
        "clickhouse.storage",
    );
    assert_eq!(f.status, Status::Skip);
    let f = find(
        &run_settings(
            &v,
            Settings {
                clickhouse: ClickhouseMode::External,
                ..installed()
            },
        ),
        "eks.clickhouse-node",
    );
    assert_eq!(f.status, Status::Skip);
    assert!(f.message.contains("external"));
    deny(&mut v, "volumes", "ec2:DescribeVolumes");
    assert_error_names(&one(&v, "clickhouse.storage"), "ec2:DescribeVolumes");
}
