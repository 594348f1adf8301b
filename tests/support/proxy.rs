//! `scripts/aws-proxy.py` on 127.0.0.1 in front of moto: delay, fault
//! injection, denied operations, and a log of every operation on the wire.
//!
//! Every end-to-end scenario sends the tool's traffic through one, and when
//! it is dropped (at the end of the test) it asserts that every operation the
//! tool sent was a read — the wire-level half of the read-only proof.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// DescribeServerlessCaches for an account with none, in ElastiCache's XML.
const NO_SERVERLESS_CACHES: &str = "<DescribeServerlessCachesResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><DescribeServerlessCachesResult><ServerlessCaches/></DescribeServerlessCachesResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></DescribeServerlessCachesResponse>";

#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    pub delay_ms: u64,
    pub fault_rate: f64,
    pub deny: Vec<String>,
    /// Services whose connections are closed without an answer.
    pub drop: Vec<String>,
    /// (IAM action, JSON body): answered with HTTP 200 instead of forwarded,
    /// for operations moto does not implement.
    pub answers: Vec<(String, String)>,
}

pub struct Proxy {
    child: Child,
    pub port: u16,
    log: PathBuf,
    check_on_drop: bool,
    _dir: tempfile::TempDir,
}

/// One request as the proxy logged it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Logged {
    pub service: String,
    pub operation: String,
    pub action: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub injected: Option<String>,
    pub start: f64,
    pub end: f64,
}

impl Proxy {
    pub fn start(upstream: &str, opts: &ProxyOptions) -> Proxy {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/aws-proxy.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .args(["--upstream", upstream])
            .args(["--delay-ms", &opts.delay_ms.to_string()])
            .args(["--fault-rate", &opts.fault_rate.to_string()])
            .args(["--log", log.to_str().unwrap()]);
        for d in &opts.deny {
            cmd.args(["--deny", d]);
        }
        for d in &opts.drop {
            cmd.args(["--drop", d]);
        }
        // moto has no DescribeServerlessCaches (it answers 500 "not
        // implemented", which the SDK retries): answered as AWS answers an
        // account without Serverless caches, unless a test answers it itself.
        let mut answers = opts.answers.clone();
        if !answers
            .iter()
            .any(|(a, _)| a == "elasticache:DescribeServerlessCaches")
        {
            answers.push((
                "elasticache:DescribeServerlessCaches".into(),
                NO_SERVERLESS_CACHES.into(),
            ));
        }
        for (k, (action, body)) in answers.iter().enumerate() {
            let file = dir.path().join(format!("answer-{k}.json"));
            std::fs::write(&file, body).unwrap();
            cmd.args(["--answer", &format!("{action}={}", file.display())]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {script}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("aws-proxy.py did not report its port: {line:?}"));
        Proxy {
            child,
            port,
            log,
            check_on_drop: true,
            _dir: dir,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// For the test that proves the check itself can fail.
    pub fn disarm(&mut self) {
        self.check_on_drop = false;
    }

    /// The IAM actions sent, as the proxy saw them on the wire.
    pub fn iam_actions(&self) -> std::collections::BTreeSet<String> {
        self.requests()
            .iter()
            .map(|r| match r.action.as_str() {
                // S3's IAM actions are not named after its operations.
                "s3:GetPublicAccessBlock" => "s3:GetBucketPublicAccessBlock".to_string(),
                "s3:GetBucketEncryption" => "s3:GetEncryptionConfiguration".to_string(),
                a => a.to_string(),
            })
            .collect()
    }

    /// Every request logged so far, in the order they finished.
    pub fn requests(&self) -> Vec<Logged> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// Fails unless every operation sent through the proxy is a read:
    /// an operation named Describe*/List*/Get*, and on the REST protocols
    /// (EKS, S3, Route53) also an HTTP GET or HEAD.
    pub fn assert_read_only(&self) {
        let reqs = self.requests();
        for r in &reqs {
            let read_name = ["Describe", "List", "Get"]
                .iter()
                .any(|p| r.operation.starts_with(p));
            let rest = matches!(r.service.as_str(), "eks" | "s3" | "route53");
            let read_method = !rest || matches!(r.method.as_str(), "GET" | "HEAD");
            assert!(
                read_name && read_method,
                "the tool sent a non-read operation: {} ({} {})",
                r.action,
                r.method,
                r.path
            );
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.check_on_drop && !std::thread::panicking() {
            self.assert_read_only();
        }
    }
}
