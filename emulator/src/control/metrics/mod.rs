//! GetCurrentMetricData (`POST /metrics/current/{InstanceId}`): the members as the model
//! constrains them (`request`), the rules the documentation states (`rules`), then the answer from
//! the agent presence (`answer`), with `DataSnapshotTime` by the emulator's clock.

mod answer;
mod request;
mod rules;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use self::request::MetricsRequest;
use super::operation::{self, Received, check_instance};
use crate::http::aws_error::AwsError;
use crate::operation::Operation;
use crate::state::AppState;

pub(crate) async fn get_current_metric_data(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    received: Received,
    body: Bytes,
) -> Response {
    let process = || current_metrics(&state, &instance_id, &body);
    operation::serve(
        &state,
        Operation::GetCurrentMetricData,
        &instance_id,
        received,
        process,
    )
    .await
}

fn current_metrics(state: &AppState, instance_id: &str, body: &[u8]) -> Result<Value, AwsError> {
    let request = MetricsRequest::parse(instance_id, body)?;
    rules::check(&request)?;
    check_instance(state, instance_id)?;
    answer::answer(state, instance_id, &request)
}
