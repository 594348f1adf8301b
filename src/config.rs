//! `preflight.toml`: target options, stage and baseline, thresholds the
//! reference lets vary (only ever tightened), and waivers. Every error names
//! the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::registry;
use crate::settings::{Baseline, ClickhouseMode, FailOn, Stage, Waiver};

pub const DEFAULT_FILE: &str = "preflight.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    cluster: Option<String>,
    domain: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    endpoint_url: Option<String>,
    vpc: Option<String>,
    alb: Option<String>,
    postgres: Option<String>,
    redis: Option<String>,
    bucket: Option<String>,
    clickhouse: Option<ClickhouseMode>,
    alb_allowed_cidrs: Option<Vec<String>>,
    fail_on: Option<FailOn>,
    stage: Option<Stage>,
    baseline: Option<Baseline>,
    only: Option<Vec<Spanned<String>>>,
    skip: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    thresholds: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<f64>>>,
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    id: Spanned<String>,
    reason: Spanned<String>,
    expires: Spanned<toml::Value>,
}

/// A loaded, validated configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub cluster: Option<String>,
    pub domain: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub vpc: Option<String>,
    pub alb: Option<String>,
    pub postgres: Option<String>,
    pub redis: Option<String>,
    pub bucket: Option<String>,
    pub clickhouse: Option<ClickhouseMode>,
    pub alb_allowed_cidrs: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub stage: Option<Stage>,
    pub baseline: Option<Baseline>,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub thresholds: BTreeMap<String, BTreeMap<String, f64>>,
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

/// Loads `path`, or `./preflight.toml` when `path` is `None` and it exists.
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from(DEFAULT_FILE), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config::default())
        }
        Err(e) => return Err(ConfigError(format!("cannot read {}: {e}", path.display()))),
    };
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, name: &str) -> Result<Config, ConfigError> {
    let at = |offset: usize, msg: String| {
        let (l, c) = position(text, offset);
        ConfigError(format!("{name}:{l}:{c}: {msg}"))
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        match e.span() {
            Some(span) => at(span.start, msg),
            None => ConfigError(format!("{name}: {msg}")),
        }
    })?;
    let known = |id: &Spanned<String>| -> Result<String, ConfigError> {
        match registry::find(id.get_ref()) {
            Some(_) => Ok(id.get_ref().clone()),
            None => Err(at(
                id.span().start,
                format!("unknown requirement id {:?}", id.get_ref()),
            )),
        }
    };
    let ids = |list: Option<Vec<Spanned<String>>>| -> Result<Vec<String>, ConfigError> {
        list.unwrap_or_default().iter().map(known).collect()
    };
    let mut thresholds = BTreeMap::new();
    for (id, values) in &raw.thresholds {
        let req = registry::find(id.get_ref()).ok_or_else(|| {
            at(
                id.span().start,
                format!("unknown requirement id {:?}", id.get_ref()),
            )
        })?;
        let mut out = BTreeMap::new();
        for (key, value) in values {
            let k = key.get_ref();
            if !req.spec.configurable.contains(k) {
                let allowed = if req.spec.configurable.is_empty() {
                    "none".to_string()
                } else {
                    req.spec.configurable.join(", ")
                };
                return Err(at(
                    key.span().start,
                    format!(
                        "{} has no configurable threshold {k:?} (configurable: {allowed})",
                        req.spec.id
                    ),
                ));
            }
            let reference = req.spec.num(k);
            let v = *value.get_ref();
            // NaN is refused too.
            if v.is_nan() || v < reference {
                return Err(at(
                    value.span().start,
                    format!(
                        "{}.{k} = {v} is below the reference architecture's {reference}; thresholds can only be raised",
                        req.spec.id
                    ),
                ));
            }
            out.insert(k.clone(), v);
        }
        thresholds.insert(req.spec.id.clone(), out);
    }
    let mut waivers = Vec::new();
    for w in &raw.waiver {
        let id = known(&w.id)?;
        if w.reason.get_ref().trim().is_empty() {
            return Err(at(w.reason.span().start, "a waiver needs a reason".into()));
        }
        let date_text = match w.expires.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => other.to_string(),
        };
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let expires = time::Date::parse(&date_text, &fmt).map_err(|_| {
            at(
                w.expires.span().start,
                format!("expires must be a date such as \"2027-03-31\", not {date_text}"),
            )
        })?;
        waivers.push(Waiver {
            id,
            reason: w.reason.get_ref().clone(),
            expires,
        });
    }
    Ok(Config {
        cluster: raw.cluster,
        domain: raw.domain,
        region: raw.region,
        profile: raw.profile,
        endpoint_url: raw.endpoint_url,
        vpc: raw.vpc,
        alb: raw.alb,
        postgres: raw.postgres,
        redis: raw.redis,
        bucket: raw.bucket,
        clickhouse: raw.clickhouse,
        alb_allowed_cidrs: raw.alb_allowed_cidrs,
        fail_on: raw.fail_on,
        stage: raw.stage,
        baseline: raw.baseline,
        only: ids(raw.only)?,
        skip: ids(raw.skip)?,
        thresholds,
        waivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config() {
        let c = parse(
            r#"
cluster = "langsmith"
domain = "langsmith.example.com"
stage = "preflight"
baseline = "dev"
only = ["eks.capacity"]

[thresholds."eks.capacity"]
min_vcpu = 24

[[waiver]]
id = "ingress.https"
reason = "TLS policy migration tracked in OPS-1"
expires = "2027-03-31"
"#,
            "preflight.toml",
        )
        .unwrap();
        assert_eq!(c.cluster.as_deref(), Some("langsmith"));
        assert_eq!(c.stage, Some(Stage::Preflight));
        assert_eq!(c.baseline, Some(Baseline::Dev));
        assert_eq!(c.thresholds["eks.capacity"]["min_vcpu"], 24.0);
        assert_eq!(c.waivers[0].expires.to_string(), "2027-03-31");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let cases = [
            ("cluster = \"x\"\nclustr = \"y\"\n", "preflight.toml:2:1: unknown field `clustr`"),
            ("stage = \"later\"\n", "preflight.toml:1:9: unknown variant `later`"),
            ("only = [\"eks.nope\"]\n", "preflight.toml:1:9: unknown requirement id \"eks.nope\""),
            (
                "[thresholds.\"eks.capacity\"]\nmin_vcpu = 8\n",
                "preflight.toml:2:12: eks.capacity.min_vcpu = 8 is below the reference architecture's 16",
            ),
            (
                "[thresholds.\"postgres.version\"]\nmin_major = 15\n",
                "preflight.toml:2:1: postgres.version has no configurable threshold \"min_major\"",
            ),
            (
                "[[waiver]]\nid = \"ingress.https\"\nreason = \"r\"\nexpires = \"next year\"\n",
                "preflight.toml:4:11: expires must be a date",
            ),
        ];
        for (text, want) in cases {
            let e = parse(text, "preflight.toml").unwrap_err().to_string();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn native_toml_dates_work_too() {
        let c = parse(
            "[[waiver]]\nid = \"ingress.https\"\nreason = \"r\"\nexpires = 2027-03-31\n",
            "f",
        )
        .unwrap();
        assert_eq!(c.waivers[0].expires.to_string(), "2027-03-31");
    }
}
