//! `redis.*` requirements.

use super::{nodes_reach, resolved};
use crate::evaluate::{Ctx, Outcome};

/// `redis.reachable`: the Redis security groups admit the nodes on its port.
pub fn reachable(ctx: &Ctx) -> Outcome {
    let r = resolved(&ctx.r.redis)?;
    let note = if r.port_reported {
        ""
    } else {
        " (no port reported; the default 6379 assumed)"
    };
    nodes_reach(ctx, r.kind, r.id, &r.security_groups, r.port, note)
}
