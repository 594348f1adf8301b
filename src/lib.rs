//! langsmith-preflight: checks an AWS account against the LangSmith
//! Self-Hosted P0 reference architecture.
//!
//! The pipeline is collect → resolve → evaluate → render:
//! * [`collect`] is the only module that talks to AWS (one file per
//!   service); it fills an [`model::Inventory`] (also the offline snapshot
//!   format);
//! * [`resolve`] decides once which VPC, nodes, database, cache, ALB and
//!   certificate the requirements talk about;
//! * [`evaluate`] is pure: inventory + settings + `now` in, findings out. It
//!   runs one named function per requirement in [`checks`] through the
//!   [`check`] API; the requirement's data is in `checks/<id>.toml` ([`spec`]),
//!   both tied together in [`registry`];
//! * [`topology`] draws the resolved path as a graph judged by the findings;
//! * [`render`] formats a [`report::Report`].
//!
//! Imports run one way: model, report, spec, settings → resolve → check →
//! checks → registry → facts, topology → evaluate → render → cli.

pub mod alloc;
pub mod check;
pub mod checks;
pub mod cli;
pub mod collect;
pub mod config;
pub mod diff;
pub mod evaluate;
pub mod facts;
pub mod model;
pub mod names;
pub mod net;
pub mod options;
pub mod registry;
pub mod render;
pub mod report;
pub mod resolve;
pub mod settings;
pub mod snapshot;
pub mod spec;
pub mod tfoutputs;
pub mod topology;

/// The current time as RFC 3339 (UTC).
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
