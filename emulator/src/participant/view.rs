//! DescribeView (`GET /participant/views/{ViewToken}`): a sample "Show view" definition.
//! Every token (percent-encoded in the path) names the same sample view, whose Id fits the model's
//! ViewId (at most 500 of `[a-zA-Z0-9_-:/$]`); the token `not-found` answers
//! ResourceNotFoundException, for testing that path.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::json;

use super::request::{Bearer, authenticate, check, validation_error};
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::state::AppState;

/// The view token that is never found.
pub(crate) const MISSING_VIEW_TOKEN: &str = "not-found";
/// The sample view's Id.
const SAMPLE_VIEW_ID: &str = "emulator-sample-view";

pub(crate) async fn describe_view(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    token: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, AwsError> {
    describe(&state, &headers, token).map(Json)
}

fn describe(
    state: &AppState,
    headers: &HeaderMap,
    token: Result<Path<String>, PathRejection>,
) -> Result<serde_json::Value, AwsError> {
    let key = authenticate(state, headers, Bearer::ConnectionToken)?;
    let Path(view_token) =
        token.map_err(|_| validation_error("The ViewToken is not a valid path segment."))?;
    let mut violations = Violations::default();
    violations.length("viewToken", &view_token, 1, 1000);
    check(violations)?;
    if view_token == MISSING_VIEW_TOKEN {
        return Err(AwsError::participant(
            404,
            "ResourceNotFoundException",
            "The view was not found.",
        )
        .with_field("ResourceId", view_token));
    }
    let instance_id = state
        .chats()
        .contact(&key.contact_id)
        .map(|c| c.instance_id.clone())
        .unwrap_or_default();
    let arn = format!(
        "arn:aws:connect:{}:123456789012:instance/{instance_id}/view/{SAMPLE_VIEW_ID}",
        state.config.region
    );
    let input_schema = json!({
        "type": "object",
        "properties": { "Heading": { "type": "string" }, "Options": { "type": "array" } }
    });
    let template = json!({
        "Head": { "Title": "Emulator sample view", "Configuration": { "Layout": { "Columns": ["12"] } } },
        "Body": [
            { "_id": "Heading", "Type": "Header", "Props": { "Heading": "How can we help?" } },
            { "_id": "Cards", "Type": "Cards", "Props": { "Cards": [
                { "Summary": { "Id": "billing", "Heading": "Billing" } },
                { "Summary": { "Id": "orders", "Heading": "Orders" } }
            ] } }
        ]
    });
    Ok(json!({
        "View": {
            "Id": SAMPLE_VIEW_ID,
            "Arn": arn,
            "Name": "Emulator sample view",
            "Version": 1,
            "Content": {
                "InputSchema": input_schema.to_string(),
                "Template": template.to_string(),
                "Actions": ["ActionSelected", "Cancel"]
            }
        }
    }))
}
