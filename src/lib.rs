//! langsmith-preflight: checks an AWS account against the LangSmith
//! Self-Hosted P0 reference architecture.
//!
//! The pipeline is collect → evaluate → render:
//! * [`collect`] is the only module that talks to AWS; it fills an
//!   [`model::Inventory`] (also the offline snapshot format);
//! * [`evaluate`] is pure: inventory + settings + `now` in, findings out,
//!   one named function per requirement in [`checks`], the requirement's
//!   data in `checks/<id>.toml`, both tied together in [`registry`];
//! * [`render`] formats a [`report::Report`].

pub mod alloc;
pub mod checks;
pub mod cli;
pub mod collect;
pub mod config;
pub mod evaluate;
pub mod model;
pub mod names;
pub mod net;
pub mod registry;
pub mod render;
pub mod report;
pub mod snapshot;
pub mod tfoutputs;

/// The current time as RFC 3339 (UTC).
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
