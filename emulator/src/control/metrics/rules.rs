//! The rules GetCurrentMetricData's documentation states in prose (which filters, groupings and
//! metrics go together), checked after the members: each refusal is an `InvalidParameterException`
//! quoting the rule.

use super::request::{MetricsRequest, RequestedMetric, aws_metric_name};
use crate::control::operation::invalid_parameter;
use crate::http::aws_error::AwsError;

/// The unit each metric is reported in.
pub(super) fn unit_of(metric: &str) -> &'static str {
    match metric {
        "OLDEST_CONTACT_AGE" | "ESTIMATED_WAIT_TIME" => "SECONDS",
        _ => "COUNT",
    }
}

/// The metric's name, from `Name` or an AWS metric ARN in `MetricId` (`None`: a custom metric).
pub(super) fn metric_name(metric: &RequestedMetric) -> Option<&str> {
    metric
        .name
        .as_deref()
        .or_else(|| metric.metric_id.as_deref().and_then(aws_metric_name))
}

fn refuse(rule: &str) -> AwsError {
    invalid_parameter(rule.to_owned())
}

pub(super) fn check(request: &MetricsRequest) -> Result<(), AwsError> {
    let filters = &request.filters;
    let groupings: Vec<&str> = request.groupings.iter().map(String::as_str).collect();
    let has_queues = !filters.queues.is_empty();
    if !has_queues && filters.routing_profiles.is_empty() {
        return Err(refuse(
            "Filters must name Queues (or RoutingProfiles): metric data is retrieved for the resources associated with them.",
        ));
    }
    if has_queues && !filters.routing_profiles.is_empty() {
        return Err(refuse(
            "You cannot filter by both queue and routing profile.",
        ));
    }
    let needs_queues = [
        ("AgentStatuses", filters.agent_statuses.is_empty()),
        ("Subtypes", filters.subtypes.is_empty()),
        (
            "ValidationTestTypes",
            filters.validation_test_types.is_empty(),
        ),
    ];
    if let Some((filter, _)) = needs_queues
        .iter()
        .find(|(_, empty)| !empty)
        .filter(|_| !has_queues)
    {
        return Err(invalid_parameter(format!(
            "When using {filter} as filter, Queues must be added as primary filter."
        )));
    }
    if !filters.routing_step_expressions.is_empty()
        && (filters.queues.len() != 1 || !groupings.contains(&"ROUTING_STEP_EXPRESSION"))
    {
        return Err(refuse(
            "The RoutingStepExpression filter needs exactly one QueueId and grouping by ROUTING_STEP_EXPRESSION.",
        ));
    }
    if groupings.contains(&"AGENT_STATUS") && (groupings.first() != Some(&"QUEUE") || !has_queues) {
        return Err(refuse(
            "Grouping by AGENT_STATUS needs QUEUE as the primary grouping and a queue filter.",
        ));
    }
    if matches!(groupings.get(1), Some(&"SUBTYPE" | &"VALIDATION_TEST_TYPE"))
        && (groupings.first() != Some(&"QUEUE") || !has_queues)
    {
        return Err(refuse(
            "Grouping by SUBTYPE or VALIDATION_TEST_TYPE as secondary grouping needs QUEUE as the primary grouping and a queue filter.",
        ));
    }
    for metric in &request.metrics {
        check_metric(request, metric, &groupings)?;
    }
    if matches!(
        request.sort_by.as_deref(),
        Some("SLOTS_ACTIVE" | "SLOTS_AVAILABLE")
    ) {
        return Err(refuse(
            "Sorting on SLOTS_ACTIVE and SLOTS_AVAILABLE is not supported.",
        ));
    }
    Ok(())
}

fn check_metric(
    request: &MetricsRequest,
    metric: &RequestedMetric,
    groupings: &[&str],
) -> Result<(), AwsError> {
    let filters = &request.filters;
    if metric.name.is_none() && metric.metric_id.is_none() {
        return Err(refuse("Each metric needs a Name or a MetricId."));
    }
    if let (Some(name), Some(from_id)) = (
        metric.name.as_deref(),
        metric.metric_id.as_deref().and_then(aws_metric_name),
    ) && name != from_id
    {
        return Err(invalid_parameter(format!(
            "Name {name} and MetricId name different metrics."
        )));
    }
    let Some(name) = metric_name(metric) else {
        // A custom metric: found or not by the resources check.
        return Ok(());
    };
    if let Some(unit) = metric.unit.as_deref().filter(|unit| *unit != unit_of(name)) {
        return Err(invalid_parameter(format!(
            "The unit of {name} is {}, not {unit}.",
            unit_of(name)
        )));
    }
    if groupings.contains(&"AGENT_STATUS") && name != "AGENTS_ONLINE" {
        return Err(refuse(
            "When you group by AGENT_STATUS, the only metric available is AGENTS_ONLINE.",
        ));
    }
    if groupings.contains(&"ROUTING_PROFILE")
        && filters.routing_profiles.is_empty()
        && matches!(
            name,
            "CONTACTS_SCHEDULED" | "CONTACTS_IN_QUEUE" | "OLDEST_CONTACT_AGE"
        )
    {
        return Err(invalid_parameter(format!(
            "Grouping by ROUTING_PROFILE needs a routing profile filter for {name}."
        )));
    }
    if name == "ESTIMATED_WAIT_TIME" {
        let by_queue_and_channel = groupings.len() == 2
            && groupings.contains(&"QUEUE")
            && groupings.contains(&"CHANNEL")
            && !filters.queues.is_empty()
            && !filters.channels.is_empty();
        let by_routing_step = groupings == ["ROUTING_STEP_EXPRESSION"]
            && filters.queues.len() == 1
            && filters.channels.len() == 1
            && !filters.routing_step_expressions.is_empty();
        if !(by_queue_and_channel || by_routing_step) {
            return Err(refuse(
                "ESTIMATED_WAIT_TIME is available when filtering by Queues and Channels and grouping by QUEUE and CHANNEL (or by one queue, one channel and RoutingStepExpressions, grouping by ROUTING_STEP_EXPRESSION).",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: serde_json::Value) -> MetricsRequest {
        MetricsRequest::parse("i", body.to_string().as_bytes()).expect("valid members")
    }

    fn metrics(names: &[(&str, &str)]) -> serde_json::Value {
        names
            .iter()
            .map(|(name, unit)| serde_json::json!({"Name": name, "Unit": unit}))
            .collect()
    }

    #[test]
    fn the_availability_request_passes() {
        let body = serde_json::json!({
            "Filters": {"Queues": ["q1", "q2"], "Channels": ["CHAT"]},
            "Groupings": ["QUEUE", "CHANNEL"],
            "CurrentMetrics": metrics(&[("AGENTS_ONLINE", "COUNT"), ("AGENTS_STAFFED", "COUNT"),
                ("OLDEST_CONTACT_AGE", "SECONDS"), ("ESTIMATED_WAIT_TIME", "SECONDS")]),
        });
        check(&request(body)).expect("allowed");
    }

    #[test]
    fn documented_rules_refuse_what_does_not_go_together() {
        let refused = [
            serde_json::json!({"Filters": {}, "CurrentMetrics": []}),
            serde_json::json!({"Filters": {"Queues": ["q"], "RoutingProfiles": ["r"]}, "CurrentMetrics": []}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "Groupings": ["QUEUE"],
                "CurrentMetrics": metrics(&[("ESTIMATED_WAIT_TIME", "SECONDS")])}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "CurrentMetrics": metrics(&[("AGENTS_ONLINE", "SECONDS")])}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "CurrentMetrics": [{"Unit": "COUNT"}]}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "Groupings": ["AGENT_STATUS"], "CurrentMetrics": []}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "Groupings": ["QUEUE", "AGENT_STATUS"],
                "CurrentMetrics": metrics(&[("AGENTS_STAFFED", "COUNT")])}),
            serde_json::json!({"Filters": {"Queues": ["q", "r"], "RoutingStepExpressions": ["x"]},
                "Groupings": ["ROUTING_STEP_EXPRESSION"], "CurrentMetrics": []}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "CurrentMetrics": [],
                "SortCriteria": [{"SortByMetric": "SLOTS_ACTIVE"}]}),
            serde_json::json!({"Filters": {"Queues": ["q"]}, "CurrentMetrics": [{"Name": "AGENTS_ONLINE",
                "MetricId": "arn:aws:connect:us-east-1:aws:metric/AGENTS_STAFFED"}]}),
        ];
        for body in refused {
            let error = check(&request(body.clone())).expect_err("refused");
            assert_eq!(error.code, "InvalidParameterException", "{body}");
        }
    }
}
