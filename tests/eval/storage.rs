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
    let f = with(&|b| {
        b["public_access_block"] = json!([true, true, false, true]);
        b["account_public_access_block"] = json!({"ok": null});
    });
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains(
            "neither its public access block nor the account's turns on BlockPublicPolicy"
        ),
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

/// S3 applies a Block Public Access setting when the bucket or the account has
/// it on (S3 Control GetPublicAccessBlock): the bucket's block and the
/// account's are combined setting by setting, and an unreadable account block
/// is never guessed.
#[test]
fn storage_bucket_account_block_cases() {
    let with = |bucket: Value, account: Value| {
        let mut v = base();
        v["bucket"]["ok"]["public_access_block"] = bucket;
        v["bucket"]["ok"]["account_public_access_block"] = account;
        one(&v, "storage.bucket")
    };
    let all = json!([true, true, true, true]);
    let denied = json!({"failed": {"action": "s3:GetAccountPublicAccessBlock", "kind": "denied",
        "code": "AccessDenied", "message": "User is not authorized"}});
    // No bucket block, account block fully on: private, as S3 treats it.
    let f = with(Value::Null, json!({"ok": all}));
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message.contains("with the account's block"),
        "{}",
        f.message
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("account public access block (S3 Control): all four settings on")),
        "{:?}",
        f.evidence
    );
    // Each setting on in one of the two: on.
    let f = with(
        json!([true, true, false, true]),
        json!({"ok": [false, false, true, false]}),
    );
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    // Off in both: named.
    let f = with(
        json!([true, true, false, true]),
        json!({"ok": [true, false, false, true]}),
    );
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains(
            "neither its public access block nor the account's turns on BlockPublicPolicy"
        ),
        "{}",
        f.message
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("only BlockPublicAcls, RestrictPublicBuckets on")),
        "{:?}",
        f.evidence
    );
    // Neither has a block.
    let f = with(Value::Null, json!({"ok": null}));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("neither the bucket nor the account has a public access block"),
        "{}",
        f.message
    );
    // The account's block unreadable and the bucket's incomplete: error, naming the action.
    let f = with(Value::Null, denied.clone());
    assert_error_names(&f, "s3:GetAccountPublicAccessBlock");
    // … but what is known still fails: no encryption is a failure whatever the account says,
    // and the evidence says the public-access part is unknown.
    let mut v = base();
    v["bucket"]["ok"]["public_access_block"] = Value::Null;
    v["bucket"]["ok"]["account_public_access_block"] = denied.clone();
    v["bucket"]["ok"]["encryption"] = Value::Null;
    let f = one(&v, "storage.bucket");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("no default encryption"), "{}", f.message);
    assert!(!f.message.contains("public access"), "{}", f.message);
    assert!(
        f.evidence.iter().any(|e| e.contains(
            "account public access block: unknown (s3:GetAccountPublicAccessBlock failed"
        )),
        "{:?}",
        f.evidence
    );
    // The bucket's own block complete: the account's answer is not needed.
    let f = with(all.clone(), denied);
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    // A snapshot from before the account block was read, with an incomplete bucket block: error.
    let f = with(json!([true, true, false, true]), json!("not_collected"));
    assert_eq!(f.status, Status::Error, "{}", f.message);
}
