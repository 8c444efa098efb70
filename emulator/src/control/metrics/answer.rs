//! GetCurrentMetricData's answer from the agent presence: one result per group of the asked
//! dimensions (QUEUE, CHANNEL) that has data, sorted, paged.
//!
//! A queue and channel with nobody online and nothing queued has no data and is left out, as
//! Connect leaves it out. Derived metrics: on contact (and slots active) = staffed - available,
//! non-productive = online - staffed, slots available = available; after-contact work, error and
//! scheduled are 0. Across channels or queues counts add up and ages take the oldest.
//! OLDEST_CONTACT_AGE is in milliseconds when there is no grouping, as the documentation says.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::request::{MetricsRequest, RequestedMetric};
use super::rules::{metric_name, unit_of};
use crate::control::operation::{invalid_parameter, not_found};
use crate::control::queues::queue_arn;
use crate::http::aws_error::AwsError;
use crate::ids;
use crate::routing::presence::{AgentPresence, Channel};
use crate::state::AppState;

/// One result row before it is written: its dimensions and its presence, summed.
struct Group {
    queue_id: Option<String>,
    channel: Option<Channel>,
    presence: Vec<AgentPresence>,
}

pub(super) fn answer(
    state: &AppState,
    instance_id: &str,
    request: &MetricsRequest,
) -> Result<Value, AwsError> {
    let queues = resolve_queues(state, instance_id, &request.filters.queues)?;
    if !request.filters.routing_profiles.is_empty() {
        return Err(not_found(
            "Routing profile not found: the emulator has no routing profiles.".to_owned(),
        ));
    }
    if let Some(status) = request.filters.agent_statuses.first() {
        return Err(not_found(format!("Agent status not found: {status}")));
    }
    if let Some(custom) = request.metrics.iter().find(|m| metric_name(m).is_none()) {
        return Err(not_found(format!(
            "Metric not found: {}",
            custom.metric_id.as_deref().unwrap_or_default()
        )));
    }
    let channels: Vec<Channel> = if request.filters.channels.is_empty() {
        Channel::ALL.to_vec()
    } else {
        Channel::ALL
            .into_iter()
            .filter(|c| request.filters.channels.iter().any(|f| f == c.as_str()))
            .collect()
    };
    let by_queue = request.groupings.iter().any(|g| g == "QUEUE");
    let by_channel = request.groupings.iter().any(|g| g == "CHANNEL");
    // The emulator has no data by routing profile, step expression, agent status, subtype or test.
    let unknown_dimension = request
        .groupings
        .iter()
        .any(|g| g != "QUEUE" && g != "CHANNEL")
        || !request.filters.subtypes.is_empty()
        || !request.filters.validation_test_types.is_empty();
    let mut groups: Vec<Group> = Vec::new();
    if !unknown_dimension {
        for queue_id in &queues {
            for channel in &channels {
                let presence = state.routing.presence_of(queue_id, *channel);
                if !presence.has_data() {
                    continue;
                }
                let key = (
                    by_queue.then(|| queue_id.clone()),
                    by_channel.then_some(*channel),
                );
                match groups
                    .iter_mut()
                    .find(|g| (g.queue_id.clone(), g.channel) == key)
                {
                    Some(group) => group.presence.push(presence),
                    None => groups.push(Group {
                        queue_id: key.0,
                        channel: key.1,
                        presence: vec![presence],
                    }),
                }
            }
        }
    }
    let grouped = !request.groupings.is_empty();
    let mut rows: Vec<(Group, Vec<Option<f64>>)> = groups
        .into_iter()
        .map(|group| {
            let values = request
                .metrics
                .iter()
                .map(|m| value(&group.presence, metric_name(m).unwrap_or_default(), grouped))
                .collect();
            (group, values)
        })
        .collect();
    let sort_by = request.sort_by.as_deref().unwrap_or("AGENTS_ONLINE");
    let descending = request.sort_order.as_deref() != Some("ASCENDING");
    rows.sort_by(|(a, _), (b, _)| {
        let by_metric = value(&a.presence, sort_by, grouped)
            .partial_cmp(&value(&b.presence, sort_by, grouped))
            .unwrap_or(Ordering::Equal);
        let by_metric = if descending {
            by_metric.reverse()
        } else {
            by_metric
        };
        by_metric.then_with(|| (&a.queue_id, a.channel).cmp(&(&b.queue_id, b.channel)))
    });

    let total = rows.len();
    let offset = match request.next_token.as_deref() {
        None => 0,
        Some(token) => read_token(token).filter(|o| *o <= total).ok_or_else(|| {
            invalid_parameter(
                "The NextToken is not valid: use the one a previous answer gave.".to_owned(),
            )
        })?,
    };
    let page_size = usize::try_from(request.max_results.unwrap_or(100)).unwrap_or(100);
    let end = offset.saturating_add(page_size).min(total);
    let results: Vec<Value> = rows[offset..end]
        .iter()
        .map(|(group, values)| result_json(state, instance_id, group, &request.metrics, values))
        .collect();
    let mut answer = json!({
        "MetricResults": results,
        "DataSnapshotTime": state.clock.now_ms() as f64 / 1000.0,
        "ApproximateTotalCount": total,
    });
    if end < total {
        answer["NextToken"] = json!(ids::encode_url_safe(format!("metrics:{end}").as_bytes()));
    }
    Ok(answer)
}

/// Queue ids or ARNs of this instance, as ids, in order, once each.
fn resolve_queues(
    state: &AppState,
    instance_id: &str,
    named: &[String],
) -> Result<Vec<String>, AwsError> {
    let mut ids: Vec<String> = Vec::new();
    for name in named {
        let id = match name.split_once("/queue/") {
            Some((prefix, id)) if prefix.ends_with(&format!(":instance/{instance_id}")) => id,
            Some(_) => return Err(not_found(format!("Queue not found: {name}"))),
            None => name.as_str(),
        };
        if state.routing.queue_in(instance_id, id).is_none() {
            return Err(not_found(format!("Queue not found: {name}")));
        }
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

fn read_token(token: &str) -> Option<usize> {
    let decoded = String::from_utf8(ids::decode_url_safe(token)?).ok()?;
    decoded.strip_prefix("metrics:")?.parse().ok()
}

fn value(presence: &[AgentPresence], metric: &str, grouped: bool) -> Option<f64> {
    let sum = |f: fn(&AgentPresence) -> u32| Some(presence.iter().map(|p| f64::from(f(p))).sum());
    match metric {
        "AGENTS_ONLINE" => sum(|p| p.agents_online),
        "AGENTS_AVAILABLE" | "SLOTS_AVAILABLE" => sum(|p| p.agents_available),
        "AGENTS_STAFFED" => sum(|p| p.agents_staffed),
        "AGENTS_ON_CALL" | "AGENTS_ON_CONTACT" | "SLOTS_ACTIVE" => {
            sum(|p| p.agents_staffed - p.agents_available)
        }
        "AGENTS_NON_PRODUCTIVE" => sum(|p| p.agents_online - p.agents_staffed),
        "CONTACTS_IN_QUEUE" => sum(|p| p.contacts_in_queue),
        "OLDEST_CONTACT_AGE" => {
            let oldest = presence
                .iter()
                .map(|p| p.oldest_contact_age_seconds)
                .max()
                .unwrap_or(0);
            Some(f64::from(oldest) * if grouped { 1.0 } else { 1000.0 })
        }
        "ESTIMATED_WAIT_TIME" => presence
            .iter()
            .filter_map(|p| p.estimated_wait_seconds)
            .max()
            .map(f64::from),
        _ => Some(0.0),
    }
}

fn result_json(
    state: &AppState,
    instance_id: &str,
    group: &Group,
    metrics: &[RequestedMetric],
    values: &[Option<f64>],
) -> Value {
    let mut dimensions = Map::new();
    if let Some(queue_id) = &group.queue_id {
        dimensions.insert(
            "Queue".to_owned(),
            json!({ "Id": queue_id, "Arn": queue_arn(state, instance_id, queue_id) }),
        );
    }
    if let Some(channel) = group.channel {
        dimensions.insert("Channel".to_owned(), json!(channel.as_str()));
    }
    let collections: Vec<Value> = metrics
        .iter()
        .zip(values)
        .map(|(metric, value)| {
            let name = metric_name(metric).unwrap_or_default();
            let mut described = Map::new();
            if let Some(name) = &metric.name {
                described.insert("Name".to_owned(), json!(name));
            }
            if let Some(id) = &metric.metric_id {
                described.insert("MetricId".to_owned(), json!(id));
            }
            described.insert("Unit".to_owned(), json!(unit_of(name)));
            let mut data = json!({ "Metric": described });
            if let Some(value) = value {
                data["Value"] = json!(value);
            }
            data
        })
        .collect();
    json!({ "Dimensions": dimensions, "Collections": collections })
}
