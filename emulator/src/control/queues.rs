//! DescribeQueue (`GET /queues/{InstanceId}/{QueueId}`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::operation::{self, Received, check_instance, invalid_parameter, not_found};
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::operation::Operation;
use crate::state::AppState;

pub(crate) async fn describe_queue(
    State(state): State<Arc<AppState>>,
    Path((instance_id, queue_id)): Path<(String, String)>,
    received: Received,
) -> Response {
    let process = || describe(&state, &instance_id, &queue_id);
    operation::serve(
        &state,
        Operation::DescribeQueue,
        &instance_id,
        received,
        process,
    )
    .await
}

fn describe(state: &AppState, instance_id: &str, queue_id: &str) -> Result<Value, AwsError> {
    let mut violations = Violations::default();
    violations.length("instanceId", instance_id, 1, 100);
    if let Some(message) = violations.into_message() {
        return Err(invalid_parameter(message));
    }
    check_instance(state, instance_id)?;
    let (queue, modified_ms) = state
        .routing
        .queue_in(instance_id, queue_id)
        .ok_or_else(|| not_found(format!("Queue not found: {queue_id}")))?;
    let mut described = json!({
        "Name": queue.name,
        "QueueArn": queue_arn(state, instance_id, queue_id),
        "QueueId": queue.queue_id,
        "HoursOfOperationId": queue.hours_of_operation_id,
        "Status": queue.status.as_str(),
        "LastModifiedTime": modified_ms as f64 / 1000.0,
        "LastModifiedRegion": state.config.region,
    });
    if let Some(description) = queue.description {
        described["Description"] = json!(description);
    }
    Ok(json!({ "Queue": described }))
}

/// `arn:aws:connect:{region}:{account}:instance/{instance}/queue/{queue}`.
pub(crate) fn queue_arn(state: &AppState, instance_id: &str, queue_id: &str) -> String {
    format!(
        "arn:aws:connect:{}:{}:instance/{instance_id}/queue/{queue_id}",
        state.config.region, state.config.account_id
    )
}
