//! Reading and writing inventories as snapshot files.

use std::path::Path;

use crate::model::{Inventory, INVENTORY_SCHEMA_VERSION};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("snapshot {path} is not valid JSON: {source}")]
    Syntax {
        path: String,
        source: serde_json::Error,
    },
    #[error("snapshot {path} has schema_version {found}; this langsmith-preflight reads up to {INVENTORY_SCHEMA_VERSION} (upgrade the tool)")]
    Newer { path: String, found: u64 },
    #[error("snapshot {path} is not an inventory: {reason}")]
    Shape { path: String, reason: String },
}

/// Parses a snapshot, refusing newer schemas and malformed content.
pub fn parse(text: &str, path: &str) -> Result<Inventory, SnapshotError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|source| SnapshotError::Syntax {
            path: path.to_string(),
            source,
        })?;
    let version = value
        .get("schema_version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| SnapshotError::Shape {
            path: path.to_string(),
            reason: "no numeric schema_version".into(),
        })?;
    if version > u64::from(INVENTORY_SCHEMA_VERSION) {
        return Err(SnapshotError::Newer {
            path: path.to_string(),
            found: version,
        });
    }
    serde_json::from_str(text).map_err(|e| SnapshotError::Shape {
        path: path.to_string(),
        reason: e.to_string(),
    })
}

pub fn read(path: &Path) -> Result<Inventory, SnapshotError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
        path: p.clone(),
        source,
    })?;
    parse(&text, &p)
}

pub fn to_json(inv: &Inventory) -> String {
    serde_json::to_string_pretty(inv).expect("inventory serializes") + "\n"
}
