//! S3: the blob-storage bucket's region, public access block and encryption.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{call_error, Clients};
use crate::model::{Bucket, Fetched};

pub(super) async fn bucket(c: &Clients, name: &str) -> Fetched<Bucket> {
    let mut b = Bucket {
        name: name.to_string(),
        exists: true,
        ..Bucket::default()
    };
    match c.s3.get_bucket_location().bucket(name).send().await {
        Ok(loc) => {
            b.region = Some(
                loc.location_constraint()
                    .map(|l| l.as_str().to_string())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| "us-east-1".to_string()),
            )
        }
        Err(e) if e.code() == Some("NoSuchBucket") => {
            b.exists = false;
            return Fetched::Ok(b);
        }
        Err(e) => return Fetched::Failed(call_error("s3:GetBucketLocation", &e)),
    }
    let (pab, enc) = futures::join!(
        c.s3.get_public_access_block().bucket(name).send(),
        c.s3.get_bucket_encryption().bucket(name).send()
    );
    match pab {
        Ok(p) => {
            b.public_access_block = p.public_access_block_configuration().map(|x| {
                [
                    x.block_public_acls().unwrap_or(false),
                    x.ignore_public_acls().unwrap_or(false),
                    x.block_public_policy().unwrap_or(false),
                    x.restrict_public_buckets().unwrap_or(false),
                ]
            })
        }
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => {}
        Err(e) => return Fetched::Failed(call_error("s3:GetBucketPublicAccessBlock", &e)),
    }
    match enc {
        Ok(x) => {
            b.encryption = x.server_side_encryption_configuration().and_then(|cfg| {
                cfg.rules().iter().find_map(|r| {
                    r.apply_server_side_encryption_by_default()
                        .map(|d| d.sse_algorithm().as_str().to_string())
                })
            })
        }
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {}
        Err(e) => return Fetched::Failed(call_error("s3:GetEncryptionConfiguration", &e)),
    }
    Fetched::Ok(b)
}
