//! `storage.bucket`: blob storage for production.

use crate::check::{need, Ctx, Outcome, Problem, Verdict};
use crate::report::{Baseline, Status};

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
    match b.public_access_block {
        Some(flags) if flags.iter().all(|f| *f) => {}
        Some(flags) => {
            let names = [
                "BlockPublicAcls",
                "IgnorePublicAcls",
                "BlockPublicPolicy",
                "RestrictPublicBuckets",
            ];
            let off: Vec<&str> = names
                .iter()
                .zip(flags)
                .filter(|(_, f)| !f)
                .map(|(n, _)| *n)
                .collect();
            problems.push(format!(
                "its public access block leaves {} off",
                off.join(", ")
            ));
        }
        None => problems.push("it has no public access block".into()),
    }
    if b.encryption.is_none() {
        problems.push("it has no default encryption".into());
    }
    let evidence = vec![format!(
        "bucket {name}: region {region}, public access block {}, default encryption {}",
        match b.public_access_block {
            Some(f) if f.iter().all(|x| *x) => "all four settings on".to_string(),
            Some(f) => format!("{f:?}"),
            None => "none".to_string(),
        },
        b.encryption.as_deref().unwrap_or("none")
    )];
    let v = if problems.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "bucket {name} is in {region}, blocks public access and is encrypted by default"
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!("bucket {name}: {}", problems.join("; ")),
        )
    };
    Ok(v.evidence(evidence).resources(vec![name.to_string()]))
}
