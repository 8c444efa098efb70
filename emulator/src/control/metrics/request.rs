//! GetCurrentMetricData's body, read into typed members and checked against the model's
//! constraints (all violations at once, `InvalidParameterException`).

use serde_json::{Map, Value};

use crate::control::members::{body_object, integer, object, object_list, string, string_list};
use crate::control::operation::invalid_parameter;
use crate::http::aws_error::AwsError;
use crate::http::validation::{Violations, printable};

pub(super) const METRIC_NAMES: [&str; 14] = [
    "AGENTS_ONLINE",
    "AGENTS_AVAILABLE",
    "AGENTS_ON_CALL",
    "AGENTS_NON_PRODUCTIVE",
    "AGENTS_AFTER_CONTACT_WORK",
    "AGENTS_ERROR",
    "AGENTS_STAFFED",
    "CONTACTS_IN_QUEUE",
    "OLDEST_CONTACT_AGE",
    "CONTACTS_SCHEDULED",
    "AGENTS_ON_CONTACT",
    "SLOTS_ACTIVE",
    "SLOTS_AVAILABLE",
    "ESTIMATED_WAIT_TIME",
];
const CHANNELS: [&str; 4] = ["VOICE", "CHAT", "TASK", "EMAIL"];
const GROUPINGS: [&str; 7] = [
    "QUEUE",
    "CHANNEL",
    "ROUTING_PROFILE",
    "ROUTING_STEP_EXPRESSION",
    "AGENT_STATUS",
    "SUBTYPE",
    "VALIDATION_TEST_TYPE",
];
const UNITS: [&str; 3] = ["SECONDS", "COUNT", "PERCENT"];
const SORT_ORDERS: [&str; 2] = ["ASCENDING", "DESCENDING"];

#[derive(Debug, Default)]
pub(super) struct Filters {
    pub(super) queues: Vec<String>,
    pub(super) channels: Vec<String>,
    pub(super) routing_profiles: Vec<String>,
    pub(super) routing_step_expressions: Vec<String>,
    pub(super) agent_statuses: Vec<String>,
    pub(super) subtypes: Vec<String>,
    pub(super) validation_test_types: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct RequestedMetric {
    pub(super) name: Option<String>,
    pub(super) metric_id: Option<String>,
    pub(super) unit: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct MetricsRequest {
    pub(super) filters: Filters,
    pub(super) groupings: Vec<String>,
    pub(super) metrics: Vec<RequestedMetric>,
    pub(super) next_token: Option<String>,
    pub(super) max_results: Option<i64>,
    pub(super) sort_by: Option<String>,
    pub(super) sort_order: Option<String>,
}

impl MetricsRequest {
    pub(super) fn parse(instance_id: &str, body: &[u8]) -> Result<Self, AwsError> {
        let root = body_object(body)?;
        let mut violations = Violations::default();
        violations.length("instanceId", instance_id, 1, 100);
        let filters = match object(&root, "Filters")? {
            Some(filters) => read_filters(filters, &mut violations)?,
            None => {
                violations.not_null("filters");
                Filters::default()
            }
        };
        let groupings = list(&root, "Groupings", "groupings", 0, Some(2), &mut violations)?;
        for grouping in &groupings {
            violations.one_of("groupings.member", grouping, &GROUPINGS);
        }
        let metrics = match object_list(&root, "CurrentMetrics")? {
            Some(metrics) => metrics
                .into_iter()
                .map(|metric| read_metric(metric, &mut violations))
                .collect::<Result<Vec<_>, _>>()?,
            None => {
                violations.not_null("currentMetrics");
                Vec::new()
            }
        };
        let max_results = integer(&root, "MaxResults")?;
        if let Some(max) = max_results {
            violations.range("maxResults", max, 1, 100);
        }
        let sort = object_list(&root, "SortCriteria")?.unwrap_or_default();
        if sort.len() > 1 {
            violations.other(format!(
                "Value at 'sortCriteria' failed to satisfy constraint: Member must have length less than or equal to 1 (got {})",
                sort.len()
            ));
        }
        let sort_by = sort
            .first()
            .map(|s| string(s, "SortByMetric"))
            .transpose()?
            .flatten();
        let sort_order = sort
            .first()
            .map(|s| string(s, "SortOrder"))
            .transpose()?
            .flatten();
        if let Some(by) = &sort_by {
            violations.one_of("sortCriteria.member.sortByMetric", by, &METRIC_NAMES);
        }
        if let Some(order) = &sort_order {
            violations.one_of("sortCriteria.member.sortOrder", order, &SORT_ORDERS);
        }
        let request = MetricsRequest {
            filters,
            groupings,
            metrics,
            // An empty token asks for the first page, as no token does.
            next_token: string(&root, "NextToken")?.filter(|t| !t.is_empty()),
            max_results,
            sort_by,
            sort_order,
        };
        match violations.into_message() {
            Some(message) => Err(invalid_parameter(message)),
            None => Ok(request),
        }
    }
}

/// A list member of strings with the model's length bounds (absent: empty).
fn list(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
    min: usize,
    max: Option<usize>,
    violations: &mut Violations,
) -> Result<Vec<String>, AwsError> {
    let Some(items) = string_list(object, key)? else {
        return Ok(Vec::new());
    };
    if items.len() < min {
        violations.other(format!(
            "Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
        ));
    }
    if let Some(max) = max.filter(|max| items.len() > *max) {
        violations.other(format!(
            "Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"
        ));
    }
    Ok(items)
}

fn read_filters(
    filters: &Map<String, Value>,
    violations: &mut Violations,
) -> Result<Filters, AwsError> {
    let filters = Filters {
        queues: list(
            filters,
            "Queues",
            "filters.queues",
            1,
            Some(100),
            violations,
        )?,
        channels: list(
            filters,
            "Channels",
            "filters.channels",
            0,
            Some(4),
            violations,
        )?,
        routing_profiles: list(
            filters,
            "RoutingProfiles",
            "filters.routingProfiles",
            1,
            Some(100),
            violations,
        )?,
        routing_step_expressions: list(
            filters,
            "RoutingStepExpressions",
            "filters.routingStepExpressions",
            0,
            Some(50),
            violations,
        )?,
        agent_statuses: list(
            filters,
            "AgentStatuses",
            "filters.agentStatuses",
            0,
            None,
            violations,
        )?,
        subtypes: list(
            filters,
            "Subtypes",
            "filters.subtypes",
            0,
            Some(10),
            violations,
        )?,
        validation_test_types: list(
            filters,
            "ValidationTestTypes",
            "filters.validationTestTypes",
            0,
            Some(10),
            violations,
        )?,
    };
    for channel in &filters.channels {
        violations.one_of("filters.channels.member", channel, &CHANNELS);
    }
    for expression in &filters.routing_step_expressions {
        violations.length("filters.routingStepExpressions.member", expression, 1, 3000);
    }
    for subtype in &filters.subtypes {
        violations.length("filters.subtypes.member", subtype, 1, 100);
    }
    Ok(filters)
}

fn read_metric(
    metric: &Map<String, Value>,
    violations: &mut Violations,
) -> Result<RequestedMetric, AwsError> {
    let requested = RequestedMetric {
        name: string(metric, "Name")?,
        metric_id: string(metric, "MetricId")?,
        unit: string(metric, "Unit")?,
    };
    if let Some(name) = &requested.name {
        violations.one_of("currentMetrics.member.name", name, &METRIC_NAMES);
    }
    if let Some(unit) = &requested.unit {
        violations.one_of("currentMetrics.member.unit", unit, &UNITS);
    }
    if let Some(id) = requested
        .metric_id
        .as_deref()
        .filter(|id| !is_metric_id(id))
    {
        violations.other(format!(
            "Value '{}' at 'currentMetrics.member.metricId' failed to satisfy constraint: Member must be a metric id (a UUID) or a metric ARN",
            printable(id)
        ));
    }
    Ok(requested)
}

fn is_lower_alnum_dash(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A lowercase UUID.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length
                && group
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// The model's `CurrentMetricId`: a UUID, an instance's metric ARN, or an AWS metric ARN
/// (`arn:aws:connect:REGION:aws:metric/NAME`).
pub(super) fn is_metric_id(id: &str) -> bool {
    if is_uuid(id) {
        return true;
    }
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    if *arn != "arn"
        || *service != "connect"
        || !is_lower_alnum_dash(partition)
        || !is_lower_alnum_dash(region)
    {
        return false;
    }
    if *account == "aws" {
        return aws_metric_name(id).is_some();
    }
    let Some(path) = resource.strip_prefix("instance/") else {
        return false;
    };
    let segments: Vec<&str> = path.split('/').collect();
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && matches!(segments.as_slice(), [instance, "metric", metric]
            if is_lower_alnum_dash(instance)
                && metric.split(':').count() <= 2
                && metric.split(':').all(is_lower_alnum_dash))
}

/// The metric an AWS metric ARN names (`arn:aws:connect:REGION:aws:metric/NAME` -> `NAME`).
pub(super) fn aws_metric_name(id: &str) -> Option<&str> {
    let (_, name) = id.split_once(":aws:metric/")?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_ids_follow_the_model_s_pattern() {
        for id in [
            "0f1e2d3c-4b5a-4968-8776-655443322110",
            "arn:aws:connect:us-east-1:aws:metric/AGENTS_ONLINE",
            "arn:aws:connect:us-east-1:123456789012:instance/abc-1/metric/m-1",
            "arn:aws:connect:us-east-1:123456789012:instance/abc-1/metric/m-1:v2",
        ] {
            assert!(is_metric_id(id), "{id}");
        }
        for id in [
            "",
            "a",
            "ARN:aws:connect:x:aws:metric/A",
            "arn:aws:connect:us-east-1:aws:metric/lower",
        ] {
            assert!(!is_metric_id(id), "{id}");
        }
        assert_eq!(
            aws_metric_name("arn:aws:connect:us-east-1:aws:metric/AGENTS_ONLINE"),
            Some("AGENTS_ONLINE")
        );
    }

    #[test]
    fn reports_every_member_violation() {
        let error = MetricsRequest::parse(
            "i",
            br#"{"Filters": {"Queues": [], "Channels": ["FAX"]}, "Groupings": ["QUEUE", "CHANNEL", "QUEUE"],
                "CurrentMetrics": [{"Name": "NOPE", "Unit": "MILES"}], "MaxResults": 0,
                "SortCriteria": [{"SortOrder": "UP"}]}"#,
        )
        .expect_err("refused");
        assert_eq!(error.code, "InvalidParameterException");
        assert!(
            error.message.starts_with("7 validation errors"),
            "{}",
            error.message
        );
        let error = MetricsRequest::parse("i", b"{}").expect_err("refused");
        assert!(error.message.contains("'filters'") && error.message.contains("'currentMetrics'"));
        let error = MetricsRequest::parse("i", br#"{"Filters": [], "CurrentMetrics": []}"#)
            .expect_err("refused");
        assert_eq!(error.code, "SerializationException");
    }
}
