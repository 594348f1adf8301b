//! The benchmark harness (not a timed test). `scripts/bench.sh` runs it:
//!
//! 1. moto on 127.0.0.1, the reference deployment seeded with the SDK;
//! 2. the tool runs `check` through `scripts/aws-proxy.py`, which holds every
//!    request for `--delay-ms` (default 50) — a network round trip;
//! 3. it prints wall time, API calls, retries, peak RSS, and the critical path:
//!    the longest chain of calls each of which needed the previous one's answer
//!    (the collector's data dependencies, `collect::DEPENDS_ON`, applied to the
//!    calls actually logged on the wire), and the ratio
//!    wall / (critical path × delay): how close the run comes to its unavoidable
//!    round trips (target ≤ 1.5);
//! 4. with `--scale`, pads the account with unrelated resources in other VPCs
//!    (1,000 subnets, 2,000 security groups, 200 load balancers, 100 RDS
//!    instances) and measures again: calls and time must follow *our* VPC's
//!    resources, not the account's; peak RSS must stay under 100 MiB.
//!
//! Each scenario also prints one `BENCH {json}` line to compare runs with.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use support::moto::Moto;
use support::proxy::{Proxy, ProxyOptions};
use support::seed::{self, Variant, BUCKET, CLUSTER, DOMAIN};

const REGION: &str = "us-east-1";

struct Opts {
    delay_ms: u64,
    runs: usize,
    scale: bool,
    timeline: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        delay_ms: 50,
        runs: 3,
        scale: false,
        timeline: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| -> u64 {
            args.get(i + 1)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--delay-ms" => {
                o.delay_ms = value(i);
                i += 1;
            }
            "--runs" => {
                o.runs = value(i).max(1) as usize;
                i += 1;
            }
            "--scale" => o.scale = true,
            "--timeline" => o.timeline = true,
            // `cargo bench` passes --bench; anything else is a mistake.
            "--bench" => {}
            other => panic!("unknown option {other} (--delay-ms N, --runs N, --scale, --timeline)"),
        }
        i += 1;
    }
    o
}

struct Measure {
    wall_ms: u128,
    api_calls: u64,
    retries: u64,
    peak_rss_mib: u64,
    chain: Vec<String>,
    /// How long the critical path's calls took to be answered, in ms
    /// (the delay plus the emulator's own processing time).
    chain_answer_ms: f64,
    /// (action, start, end) in ms from the process launch.
    timeline: Vec<(String, f64, f64)>,
}

/// One `check` through the proxy. `slack`: how late a dependent call may
/// start after its dependency's logged end (half a round trip).
fn measure(proxy: &Proxy, slack: f64) -> Measure {
    let before = proxy.requests().len();
    let epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let started = Instant::now();
    let out = support::run_tool(&[
        "check",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint(),
        "--bucket",
        BUCKET,
        "--format",
        "json",
    ]);
    let wall_ms = started.elapsed().as_millis();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the tool did not print a report ({e}): {}",
            support::stderr(&out)
        )
    });
    let calls: Vec<(String, f64, f64)> = proxy.requests()[before..]
        .iter()
        .map(|r| (r.action.clone(), r.start, r.end))
        .collect();
    let path = langsmith_preflight::collect::critical_path(&calls, slack);
    let chain_answer_ms = path
        .iter()
        .map(|i| (calls[*i].2 - calls[*i].1) * 1000.0)
        .sum();
    let chain = path.into_iter().map(|i| calls[i].0.clone()).collect();
    let stats = &report["stats"];
    Measure {
        wall_ms,
        api_calls: stats["api_calls"].as_u64().unwrap_or(0),
        retries: stats["retries"].as_u64().unwrap_or(0),
        peak_rss_mib: stats["peak_rss_kib"].as_u64().unwrap_or(0).div_ceil(1024),
        chain,
        chain_answer_ms,
        timeline: calls
            .iter()
            .map(|(a, s, e)| (a.clone(), (s - epoch) * 1000.0, (e - epoch) * 1000.0))
            .collect(),
    }
}

fn report(scenario: &str, o: &Opts, runs: &[Measure]) {
    let mut walls: Vec<u128> = runs.iter().map(|m| m.wall_ms).collect();
    walls.sort();
    let wall = walls[walls.len() / 2];
    let last = runs.last().unwrap();
    let depth = last.chain.len() as u64;
    let ratio = wall as f64 / (depth.max(1) * o.delay_ms.max(1)) as f64;
    let rss = runs.iter().map(|m| m.peak_rss_mib).max().unwrap_or(0);
    println!(
        "{scenario:<10} wall {wall:>5} ms (median of {}) · {:>3} API calls · {} retries · critical path {depth} calls = {} ms · ratio {ratio:.2} · peak RSS {rss} MiB",
        runs.len(),
        last.api_calls,
        last.retries,
        depth * o.delay_ms
    );
    let answered = last.chain_answer_ms;
    println!(
        "           critical path: {}\n           last run: its answers took {answered:.0} ms (delay + emulator), the run's own overhead beyond them {:.0} ms",
        last.chain.join(" → "),
        last.wall_ms as f64 - answered
    );
    if o.timeline {
        let mut t = last.timeline.clone();
        t.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (a, s, e) in t {
            println!("           {s:>7.1} – {e:>7.1} ms  {a}");
        }
        println!(
            "           {:>7} – {:>7} ms  process exit",
            "", last.wall_ms
        );
    }
    println!(
        "BENCH {}",
        serde_json::json!({
            "scenario": scenario,
            "delay_ms": o.delay_ms,
            "runs": runs.len(),
            "wall_ms": wall as u64,
            "api_calls": last.api_calls,
            "retries": last.retries,
            "critical_path_calls": depth,
            "ratio": (ratio * 100.0).round() / 100.0,
            "critical_path_answered_ms": answered.round() as u64,
            "overhead_ms": (last.wall_ms as f64 - answered).round() as i64,
            "peak_rss_mib": rss,
        })
    );
}

/// Unrelated resources in other VPCs, as a big shared account has them.
async fn pad(conf: &aws_types::SdkConfig) {
    use aws_sdk_ec2::types as t;
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let rds = aws_sdk_rds::Client::new(conf);
    const VPCS: usize = 10;
    let mut vpcs = Vec::new();
    for v in 0..VPCS {
        let out = ec2
            .create_vpc()
            .cidr_block(format!("10.{}.0.0/16", 100 + v))
            .send()
            .await
            .expect("create padding VPC");
        vpcs.push(out.vpc().unwrap().vpc_id().unwrap().to_string());
    }
    // 1,000 subnets: 100 per VPC, across three AZs.
    let subnets: Vec<(usize, String)> = futures::stream::iter((0..VPCS * 100).map(|k| {
        let (v, n) = (k / 100, k % 100);
        let ec2 = ec2.clone();
        let vpc = vpcs[v].clone();
        async move {
            let out = ec2
                .create_subnet()
                .vpc_id(vpc)
                .cidr_block(format!("10.{}.{n}.0/24", 100 + v))
                .availability_zone(format!("{REGION}{}", ["a", "b", "c"][n % 3]))
                .send()
                .await
                .expect("create padding subnet");
            (v, out.subnet().unwrap().subnet_id().unwrap().to_string())
        }
    }))
    .buffer_unordered(16)
    .collect()
    .await;
    // 2,000 security groups, each with a rule.
    futures::stream::iter((0..2000).map(|k| {
        let ec2 = ec2.clone();
        let vpc = vpcs[k % VPCS].clone();
        async move {
            let g = ec2
                .create_security_group()
                .group_name(format!("pad-{k}"))
                .description("padding")
                .vpc_id(vpc)
                .send()
                .await
                .expect("create padding security group");
            ec2.authorize_security_group_ingress()
                .group_id(g.group_id().unwrap())
                .ip_permissions(
                    t::IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(443)
                        .to_port(443)
                        .ip_ranges(t::IpRange::builder().cidr_ip("10.0.0.0/8").build())
                        .build(),
                )
                .send()
                .await
                .expect("padding rule");
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    // 200 load balancers, 20 per VPC, each in two AZs.
    let by_vpc = |v: usize| -> Vec<String> {
        subnets
            .iter()
            .filter(|(x, _)| *x == v)
            .map(|(_, s)| s.clone())
            .collect()
    };
    let pairs: Vec<(usize, Vec<String>)> = (0..VPCS)
        .map(|v| {
            let s = by_vpc(v);
            (v, s)
        })
        .collect();
    futures::stream::iter((0..200).map(|k| {
        let elb = elb.clone();
        let (_, subnets) = &pairs[k % VPCS];
        // Subnets k and k+1 of a VPC alternate AZs (a, b, c): two AZs.
        let two = vec![
            subnets[(k / VPCS) * 3 % subnets.len()].clone(),
            subnets[((k / VPCS) * 3 + 1) % subnets.len()].clone(),
        ];
        async move {
            elb.create_load_balancer()
                .name(format!("pad-{k}"))
                .set_subnets(Some(two))
                .send()
                .await
                .expect("create padding load balancer");
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    // 100 PostgreSQL instances, 10 per VPC.
    for (v, subnets) in &pairs {
        rds.create_db_subnet_group()
            .db_subnet_group_name(format!("pad-{v}"))
            .db_subnet_group_description("padding")
            .set_subnet_ids(Some(subnets[..3].to_vec()))
            .send()
            .await
            .expect("padding subnet group");
    }
    futures::stream::iter((0..100).map(|k| {
        let rds = rds.clone();
        async move {
            rds.create_db_instance()
                .db_instance_identifier(format!("pad-{k}"))
                .engine("postgres")
                .engine_version("16.4")
                .db_instance_class("db.t3.micro")
                .allocated_storage(20)
                .master_username("pad")
                .master_user_password("not-a-secret-pad")
                .db_subnet_group_name(format!("pad-{}", k % VPCS))
                .send()
                .await
                .expect("create padding RDS instance");
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
}

fn main() {
    let o = opts();
    let slack = o.delay_ms as f64 / 2000.0;
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let moto = Moto::start();
        let conf = seed::sdk_config(&moto.endpoint(), REGION).await;
        seed::seed(&conf, &Variant::default()).await;
        let proxy = Proxy::start(
            &moto.endpoint(),
            &ProxyOptions {
                delay_ms: o.delay_ms,
                ..Default::default()
            },
        );
        println!(
            "langsmith-preflight benchmark: {} ms per request through the proxy, median of {} runs",
            o.delay_ms, o.runs
        );
        // One unmeasured run warms moto's lazy state and the file cache.
        measure(&proxy, slack);
        let runs: Vec<Measure> = (0..o.runs).map(|_| measure(&proxy, slack)).collect();
        report("reference", &o, &runs);
        if o.scale {
            let started = Instant::now();
            pad(&conf).await;
            eprintln!(
                "padded the account in {:.0?}: 10 VPCs, 1000 subnets, 2000 security groups, 200 load balancers, 100 RDS instances",
                started.elapsed().max(Duration::from_millis(1))
            );
            measure(&proxy, slack);
            let runs: Vec<Measure> = (0..o.runs).map(|_| measure(&proxy, slack)).collect();
            report("scale", &o, &runs);
        }
    });
}
