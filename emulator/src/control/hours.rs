//! GetEffectiveHoursOfOperations (`GET /effective-hours-of-operations/{InstanceId}/
//! {HoursOfOperationId}?fromDate=&toDate=`): the hours with their overrides applied, per date, in
//! the hours' own time zone (the rule: `routing::effective`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde_json::{Value, json};

use super::members::query_param;
use super::operation::{self, Received, check_instance, invalid_parameter, not_found};
use crate::clock;
use crate::http::aws_error::AwsError;
use crate::http::validation::{Violations, printable};
use crate::operation::Operation;
use crate::routing::effective::effective_hours;
use crate::state::AppState;

/// The longest span one call may ask for (the emulator's bound: the model states none).
const MAX_DAYS: i64 = 366;

pub(crate) async fn get_effective_hours(
    State(state): State<Arc<AppState>>,
    Path((instance_id, hours_id)): Path<(String, String)>,
    uri: Uri,
    received: Received,
) -> Response {
    let from = query_param(&uri, "fromDate");
    let to = query_param(&uri, "toDate");
    let process = || effective(&state, &instance_id, &hours_id, from, to);
    operation::serve(
        &state,
        Operation::GetEffectiveHoursOfOperations,
        &instance_id,
        received,
        process,
    )
    .await
}

fn effective(
    state: &AppState,
    instance_id: &str,
    hours_id: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<Value, AwsError> {
    let mut violations = Violations::default();
    violations.length("instanceId", instance_id, 1, 100);
    let mut date = |path: &str, value: Option<&str>| match value {
        None => {
            violations.not_null(path);
            None
        }
        Some(text) => {
            let parsed = clock::parse_date(text);
            if parsed.is_none() {
                violations.other(format!(
                    "Value '{}' at '{path}' failed to satisfy constraint: Member must be a date yyyy-MM-dd (pattern ^\\d{{4}}-\\d{{2}}-\\d{{2}}$)",
                    printable(text)
                ));
            }
            parsed
        }
    };
    let from = date("fromDate", from.as_deref());
    let to = date("toDate", to.as_deref());
    if let Some(message) = violations.into_message() {
        return Err(invalid_parameter(message));
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(invalid_parameter(
            "fromDate and toDate are required".to_owned(),
        ));
    };
    if to < from {
        return Err(invalid_parameter(
            "ToDate must not be before FromDate.".to_owned(),
        ));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(invalid_parameter(format!(
            "The span from FromDate to ToDate must be at most {MAX_DAYS} days."
        )));
    }
    check_instance(state, instance_id)?;
    let hours = state
        .routing
        .hours_in(instance_id, hours_id)
        .ok_or_else(|| not_found(format!("Hours of operation not found: {hours_id}")))?;
    let days = effective_hours(&hours, from, to);
    let effective: Vec<Value> = days
        .iter()
        .map(|day| {
            json!({
                "Date": clock::format_date(day.date),
                "OperationalHours": day.open.iter().map(|(start, end)| json!({
                    "Start": start.to_wire(),
                    "End": end.to_wire(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let overrides: Vec<Value> = days
        .iter()
        .filter(|day| !day.overrides.is_empty())
        .map(|day| {
            json!({
                "Date": clock::format_date(day.date),
                "OverrideHours": day.overrides.iter().map(|o| json!({
                    "Start": o.start.to_wire(),
                    "End": o.end.to_wire(),
                    "OverrideName": o.name,
                    "OperationalStatus": o.status.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({
        "EffectiveHoursOfOperationList": effective,
        "EffectiveOverrideHoursList": overrides,
        "TimeZone": hours.time_zone,
    }))
}
