//! An SDK interceptor that records every operation the tool sends: it
//! feeds `stats` (calls and retries) and the read-only proof.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
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
    /// Operations sent and not yet answered (for timeout messages).
    in_flight: Vec<RecordedCall>,
    /// Operations that finished, with an answer or an error.
    finished: u64,
}

fn call_of(cfg: &ConfigBag) -> RecordedCall {
    let (service, operation) = cfg
        .load::<Metadata>()
        .map(|m| (m.service().to_string(), m.name().to_string()))
        .unwrap_or_else(|| ("unknown".into(), "unknown".into()));
    RecordedCall { service, operation }
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

    /// Operations sent that have not finished yet, as IAM actions, sorted.
    pub fn in_flight(&self) -> Vec<String> {
        let g = self.inner.lock().expect("recorder lock");
        let mut v: Vec<String> = g
            .in_flight
            .iter()
            .map(|c| super::iam_action(&c.service, &c.operation))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Operations that finished, with an answer or an error.
    pub fn finished(&self) -> u64 {
        self.inner.lock().expect("recorder lock").finished
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
        let call = call_of(cfg);
        let mut g = self.inner.lock().expect("recorder lock");
        g.in_flight.push(call.clone());
        g.calls.push(call);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let call = call_of(cfg);
        let mut g = self.inner.lock().expect("recorder lock");
        if let Some(i) = g.in_flight.iter().position(|c| *c == call) {
            g.in_flight.remove(i);
        }
        g.finished += 1;
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
