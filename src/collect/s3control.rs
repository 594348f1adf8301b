//! S3 Control: the account-level S3 Block Public Access, which S3 combines
//! with each bucket's own block. Only `get_*` operations are called here.

use aws_sdk_s3control::config::endpoint::{
    DefaultResolver, EndpointFuture, Params, ResolveEndpoint,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{call_error, Clients};
use crate::model::Fetched;

/// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
/// of the account; `None` when the account has no block configured.
pub(super) async fn account_public_access_block(
    c: &Clients,
    account: &str,
) -> Fetched<Option<[bool; 4]>> {
    match c
        .s3control
        .get_public_access_block()
        .account_id(account)
        .send()
        .await
    {
        Ok(out) => Fetched::Ok(out.public_access_block_configuration().map(|x| {
            [
                x.block_public_acls().unwrap_or(false),
                x.ignore_public_acls().unwrap_or(false),
                x.block_public_policy().unwrap_or(false),
                x.restrict_public_buckets().unwrap_or(false),
            ]
        })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Fetched::Ok(None),
        Err(e) => Fetched::Failed(call_error("s3:GetAccountPublicAccessBlock", &e)),
    }
}

/// S3 Control's endpoint rules put the account id in front of the host
/// (`<account>.s3-control.<region>.amazonaws.com`). With `--endpoint-url` —
/// one emulator serving every service on one host, such as `127.0.0.1:5000` —
/// that prefix names a host that does not exist, so there the configured URL
/// is used as given; the rules' signing properties are kept. The account id
/// still travels in the `x-amz-account-id` header.
#[derive(Debug, Default)]
pub(super) struct EmulatorEndpoint(DefaultResolver);

impl ResolveEndpoint for EmulatorEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let resolved = self.0.resolve_endpoint(params);
        let Some(url) = params.endpoint() else {
            return resolved;
        };
        let url = url.to_string();
        EndpointFuture::new(async move { Ok(resolved.await?.into_builder().url(url).build()) })
    }
}
