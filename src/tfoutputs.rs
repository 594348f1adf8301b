//! `--terraform-outputs`: target options from `terraform output -json` of
//! the public LangChain module. Only the named, non-secret outputs are read;
//! everything else in that JSON (connection URLs with passwords) is dropped
//! unread and never printed, logged or written — error messages name keys,
//! never values.

use std::io::Read;
use std::path::Path;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct TfTarget {
    pub cluster: Option<String>,
    pub vpc: Option<String>,
    pub alb: Option<String>,
    pub bucket: Option<String>,
    pub domain: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TfError(pub String);

/// Reads FILE, or standard input for `-`.
pub fn read(path: &Path) -> Result<TfTarget, TfError> {
    let name = path.display().to_string();
    let mut text = String::new();
    if name == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            TfError(format!(
                "cannot read terraform outputs from standard input: {e}"
            ))
        })?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| TfError(format!("cannot read terraform outputs {name}: {e}")))?;
    }
    parse(&text, &name)
}

pub fn parse(text: &str, name: &str) -> Result<TfTarget, TfError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's message names a position, not the content.
        TfError(format!(
            "terraform outputs {name} are not JSON (expected `terraform output -json`): line {}, column {}",
            e.line(),
            e.column()
        ))
    })?;
    let obj = v.as_object().ok_or_else(|| {
        TfError(format!(
            "terraform outputs {name}: expected a JSON object of outputs"
        ))
    })?;
    let get = |key: &str| -> Result<Option<String>, TfError> {
        let Some(out) = obj.get(key) else {
            return Ok(None);
        };
        // `terraform output -json` wraps each value: {"value": …, "type": …, "sensitive": …}.
        let value = out.get("value").unwrap_or(out);
        match value {
            serde_json::Value::String(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            serde_json::Value::Null => Ok(None),
            _ => Err(TfError(format!(
                "terraform outputs {name}: output {key:?} is not a string"
            ))),
        }
    };
    let domain = match get("langsmith_url")? {
        Some(url) => Some(host_of(&url).ok_or_else(|| {
            TfError(format!(
                "terraform outputs {name}: output \"langsmith_url\" is not a URL with a host"
            ))
        })?),
        None => None,
    };
    Ok(TfTarget {
        cluster: get("cluster_name")?,
        vpc: get("vpc_id")?,
        alb: get("alb_arn")?,
        bucket: get("bucket_name")?,
        domain,
        region: get("region")?,
    })
}

/// The host of `https://user:pass@host:443/path` → `host`; a bare host stays.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUTS: &str = r#"{
      "cluster_name": {"sensitive": false, "type": "string", "value": "langsmith-eks"},
      "vpc_id": {"sensitive": false, "type": "string", "value": "vpc-0abc"},
      "alb_arn": {"sensitive": false, "type": "string", "value": "arn:aws:elasticloadbalancing:us-west-2:1:loadbalancer/app/ls/1"},
      "bucket_name": {"sensitive": false, "type": "string", "value": "langsmith-blobs"},
      "langsmith_url": {"sensitive": false, "type": "string", "value": "https://LangSmith.example.com/"},
      "region": {"sensitive": false, "type": "string", "value": "us-west-2"},
      "postgres_connection_url": {"sensitive": true, "type": "string", "value": "postgresql://admin:Sup3rS3cret@db:5432/langsmith"},
      "redis_connection_url": {"sensitive": true, "type": "string", "value": "rediss://:An0therS3cret@redis:6379"}
    }"#;

    #[test]
    fn reads_the_module_outputs() {
        let t = parse(OUTPUTS, "outputs.json").unwrap();
        assert_eq!(t.cluster.as_deref(), Some("langsmith-eks"));
        assert_eq!(t.domain.as_deref(), Some("langsmith.example.com"));
        assert_eq!(t.region.as_deref(), Some("us-west-2"));
        assert_eq!(t.bucket.as_deref(), Some("langsmith-blobs"));
        assert!(!format!("{t:?}").contains("S3cret"));
    }

    #[test]
    fn errors_never_echo_values() {
        let bad = OUTPUTS.replace(
            "\"value\": \"langsmith-eks\"",
            "\"value\": [\"Sup3rS3cret\"]",
        );
        let e = parse(&bad, "o").unwrap_err().to_string();
        assert!(e.contains("\"cluster_name\" is not a string"));
        assert!(!e.contains("S3cret"));
        let e = parse("{\"x\": \"Sup3rS3cret", "o").unwrap_err().to_string();
        assert!(!e.contains("S3cret"), "{e}");
        assert_eq!(
            host_of("https://u:p@h.example.com:8443/x"),
            Some("h.example.com".into())
        );
    }
}
