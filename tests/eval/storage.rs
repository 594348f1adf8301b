//! `storage.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

#[test]
fn storage_bucket_cases() {
    assert_eq!(one(&base(), "storage.bucket").status, Status::Pass);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base();
        f(&mut v["bucket"]["ok"]);
        one(&v, "storage.bucket")
    };
    let f = with(&|b| b["region"] = json!("eu-west-1"));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("in eu-west-1, not in the deployment's region us-east-1"),
        "{}",
        f.message
    );
    let f = with(&|b| b["public_access_block"] = json!([true, true, false, true]));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("leaves BlockPublicPolicy off"),
        "{}",
        f.message
    );
    let f = with(&|b| b["encryption"] = Value::Null);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("no default encryption"));
    let f = with(&|b| b["exists"] = json!(false));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("no such S3 bucket"));
    // No bucket named: production warns, dev skips.
    let mut v = base();
    v["target"]["bucket"] = Value::Null;
    v["bucket"] = json!("not_collected");
    assert_eq!(one(&v, "storage.bucket").status, Status::Warn);
    let f = find(
        &run_with(&v, Stage::Installed, Baseline::Dev),
        "storage.bucket",
    );
    assert_eq!(f.status, Status::Skip);
    let mut v = base();
    deny(&mut v, "bucket", "s3:GetBucketPublicAccessBlock");
    assert_error_names(&one(&v, "storage.bucket"), "s3:GetBucketPublicAccessBlock");
}
