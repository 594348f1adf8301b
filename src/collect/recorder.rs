//! An SDK interceptor that records every operation the tool sends: it
//! feeds `stats` (calls and retries) and the read-only proof.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// One operation as the SDK names it, e.g. (`EC2`, `DescribeSubnets`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RecordedCall {
    pub service: String,
    pub operation: String,
}

#[derive(Debug, Default)]
struct Inner {
    calls: Vec<RecordedCall>,
    attempts: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CallRecorder {
    inner: Arc<Mutex<Inner>>,
}

impl CallRecorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every operation executed, in order (pages count one each).
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.inner.lock().expect("recorder lock").calls.clone()
    }

    pub fn api_calls(&self) -> u64 {
        self.inner.lock().expect("recorder lock").calls.len() as u64
    }

    /// Attempts beyond the first of each operation.
    pub fn retries(&self) -> u64 {
        let g = self.inner.lock().expect("recorder lock");
        g.attempts.saturating_sub(g.calls.len() as u64)
    }
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "langsmith-preflight-call-recorder"
    }

    // Once per operation, after the operation's configuration (which holds
    // its Metadata) is applied — unlike `read_before_execution`.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".into(), "unknown".into()));
        self.inner
            .lock()
            .expect("recorder lock")
            .calls
            .push(RecordedCall { service, operation });
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.lock().expect("recorder lock").attempts += 1;
        Ok(())
    }
}
