//! `storage.bucket`: blob storage for production.

use crate::check::{need, Ctx, Outcome, Problem, Verdict};
use crate::model::Fetched;
use crate::report::{Baseline, Status};

const BLOCK_SETTINGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// The names of the settings in `flags` that are on (`on`) or off.
fn settings(flags: [bool; 4], on: bool) -> Vec<&'static str> {
    BLOCK_SETTINGS
        .iter()
        .zip(flags)
        .filter(|(_, f)| *f == on)
        .map(|(n, _)| *n)
        .collect()
}

/// `storage.bucket`: exists in the region, blocks public access, encrypted by default.
pub fn bucket(ctx: &Ctx) -> Outcome {
    let Some(name) = ctx.inv.target.bucket.as_deref() else {
        return match ctx.settings.baseline {
            Baseline::Production => Ok(Verdict::new(
                Status::Warn,
                "no --bucket given: blob storage (S3) is required for production, so name its bucket to check it",
            )),
            Baseline::Dev => Err(Problem::Skip(
                "no --bucket given; blob storage may be omitted for dev/eval only".into(),
            )),
        };
    };
    let b = need(&ctx.inv.bucket, "the S3 bucket")?;
    if !b.exists {
        return Err(Problem::Missing(format!(
            "--bucket {name}: no such S3 bucket"
        )));
    }
    let mut problems = Vec::new();
    let region = b.region.as_deref().unwrap_or("unknown");
    if region != ctx.region() {
        problems.push(format!(
            "it is in {region}, not in the deployment's region {}",
            ctx.region()
        ));
    }
    // S3 applies a setting when the bucket or the account has it on.
    let account = &b.account_public_access_block;
    let bucket_all_on = b.public_access_block.is_some_and(|f| f.iter().all(|x| *x));
    let account_flags = match account {
        // The bucket's own block settles it; the account's answer is not needed.
        _ if bucket_all_on => None,
        Fetched::Ok(a) => *a,
        // Unknown: the account may block what the bucket leaves open. Other
        // facts can still fail the bucket; this one can neither fail nor pass it.
        Fetched::Failed(_) | Fetched::NotCollected => {
            if problems.is_empty() && b.encryption.is_some() {
                need(account, "the account's S3 Block Public Access")?;
            }
            None
        }
    };
    let effective: Option<[bool; 4]> = match (b.public_access_block, account_flags) {
        (Some(x), Some(y)) => Some(std::array::from_fn(|i| x[i] || y[i])),
        (x, y) => x.or(y),
    };
    let account_known = bucket_all_on || matches!(account, Fetched::Ok(_));
    match effective {
        Some(flags) if flags.iter().all(|f| *f) => {}
        _ if !account_known => {}
        Some(flags) => problems.push(format!(
            "neither its public access block nor the account's turns on {}",
            settings(flags, false).join(", ")
        )),
        None => {
            problems.push("neither the bucket nor the account has a public access block".into())
        }
    }
    if b.encryption.is_none() {
        problems.push("it has no default encryption".into());
    }
    let describe = |f: Option<[bool; 4]>| match f {
        Some(f) if f.iter().all(|x| *x) => "all four settings on".to_string(),
        Some(f) => match settings(f, true) {
            on if on.is_empty() => "all four settings off".to_string(),
            on => format!("only {} on", on.join(", ")),
        },
        None => "none".to_string(),
    };
    let mut evidence = vec![format!(
        "bucket {name}: region {region}, public access block {}, default encryption {}",
        describe(b.public_access_block),
        b.encryption.as_deref().unwrap_or("none")
    )];
    evidence.push(match account {
        _ if bucket_all_on => {
            "account public access block: not needed, the bucket's own block has all four settings on".to_string()
        }
        Fetched::Ok(a) => format!("account public access block (S3 Control): {}", describe(*a)),
        Fetched::Failed(e) => format!(
            "account public access block: unknown ({} failed: {}), so whether the bucket is private cannot be judged; run `aws s3control get-public-access-block --account-id {}`",
            e.action,
            e.message,
            ctx.inv.account.as_deref().unwrap_or("<account id>")
        ),
        Fetched::NotCollected => "account public access block: not collected".to_string(),
    });
    let with_account = if bucket_all_on {
        ""
    } else {
        " (with the account's block)"
    };
    let v = if problems.is_empty() {
        Verdict::new(
            Status::Pass,
            format!("bucket {name} is in {region}, blocks public access{with_account} and is encrypted by default"),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!("bucket {name}: {}", problems.join("; ")),
        )
    };
    Ok(v.evidence(evidence).resources(vec![name.to_string()]))
}
