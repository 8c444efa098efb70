//! Availability's variables: the queue of each entry point, the details switch, the TTLs, the budget,
//! and `REFUSE_START_WHEN`. Off (`None`) unless `AVAILABILITY_QUEUES` is set.

use super::env::{ConfigError, Env, problem};
use crate::availability::{
    AvailabilitySettings, DEFAULT_ENTRY_POINT, EntryPoint, METRICS_TTL_SECONDS_DEFAULT,
    METRICS_TTL_SECONDS_RANGE, QueueId, RefuseStartWhen, SCHEDULE_TTL_SECONDS_DEFAULT,
    SCHEDULE_TTL_SECONDS_RANGE, TIMEOUT_MS_DEFAULT, TIMEOUT_MS_RANGE,
};
use crate::chat::PolicySettings;
use std::collections::HashMap;
use std::time::Duration;

const QUEUES: &str = "AVAILABILITY_QUEUES";
const REFUSE_START_WHEN: &str = "REFUSE_START_WHEN";
/// `GetCurrentMetricData` filters on at most 100 queues.
const QUEUES_MAX: usize = 100;

impl<F: Fn(&str) -> Option<String>> Env<F> {
    /// Every value is checked even while availability is off (the template passes them all).
    pub(super) fn availability_settings(
        &self,
        policy: &PolicySettings,
    ) -> Result<Option<AvailabilitySettings>, ConfigError> {
        let details = self.boolean("AVAILABILITY_DETAILS", false)?;
        let metrics_ttl = Duration::from_secs(self.number(
            "AVAILABILITY_METRICS_TTL_SECONDS",
            METRICS_TTL_SECONDS_DEFAULT,
            METRICS_TTL_SECONDS_RANGE,
        )?);
        let schedule_ttl = Duration::from_secs(self.number(
            "AVAILABILITY_SCHEDULE_TTL_SECONDS",
            SCHEDULE_TTL_SECONDS_DEFAULT,
            SCHEDULE_TTL_SECONDS_RANGE,
        )?);
        let budget = Duration::from_millis(self.number(
            "AVAILABILITY_TIMEOUT_MS",
            TIMEOUT_MS_DEFAULT,
            TIMEOUT_MS_RANGE,
        )?);
        let refuse_start_when = match self.get(REFUSE_START_WHEN) {
            None => RefuseStartWhen::Never,
            Some(value) => RefuseStartWhen::parse(&value).ok_or_else(|| {
                problem(
                    REFUSE_START_WHEN,
                    format!("'{value}' is not one of {}", RefuseStartWhen::NAMES),
                )
            })?,
        };
        let Some(entry_points) = self.entry_points(policy)? else {
            if refuse_start_when != RefuseStartWhen::Never {
                return Err(problem(
                    REFUSE_START_WHEN,
                    format!("needs {QUEUES}: without it nothing is known to be closed"),
                ));
            }
            return Ok(None);
        };
        Ok(Some(AvailabilitySettings {
            details,
            metrics_ttl,
            schedule_ttl,
            budget,
            refuse_start_when,
            ..AvailabilitySettings::new(&policy.default_instance_id, entry_points)
        }))
    }

    /// `default=queueId,alias=queueId,…`: exactly `default` and every contact flow alias, `default`
    /// first and the aliases in their configured order.
    fn entry_points(
        &self,
        policy: &PolicySettings,
    ) -> Result<Option<Vec<EntryPoint>>, ConfigError> {
        let items = self.list(QUEUES)?;
        if items.is_empty() {
            return Ok(None);
        }
        if policy
            .contact_flow_aliases
            .iter()
            .any(|(alias, _)| alias == DEFAULT_ENTRY_POINT)
        {
            return Err(problem(
                QUEUES,
                "CONTACT_FLOW_ALIASES has an alias named 'default', which availability cannot tell from the default flow: rename it",
            ));
        }
        let mut queues: HashMap<String, QueueId> = HashMap::new();
        for item in items {
            let Some((name, queue)) = item.split_once('=') else {
                return Err(problem(
                    QUEUES,
                    format!("'{item}' is not of the form name=queueId"),
                ));
            };
            let (name, queue) = (name.trim(), queue.trim());
            let known = name == DEFAULT_ENTRY_POINT
                || policy
                    .contact_flow_aliases
                    .iter()
                    .any(|(alias, _)| alias == name);
            if !known {
                return Err(problem(
                    QUEUES,
                    format!("'{name}' is neither 'default' nor an alias of CONTACT_FLOW_ALIASES"),
                ));
            }
            let queue = QueueId::parse(queue).ok_or_else(|| {
                problem(
                    QUEUES,
                    format!("'{queue}' (for '{name}') is not a queue id: a lowercase UUID"),
                )
            })?;
            if queues.insert(name.to_owned(), queue).is_some() {
                return Err(problem(QUEUES, format!("names '{name}' twice")));
            }
        }
        let flows = std::iter::once((DEFAULT_ENTRY_POINT, policy.default_contact_flow_id.as_str()))
            .chain(
                policy
                    .contact_flow_aliases
                    .iter()
                    .map(|(alias, flow)| (alias.as_str(), flow.as_str())),
            );
        let mut entry_points = Vec::new();
        for (name, flow) in flows {
            let queue = queues.remove(name).ok_or_else(|| {
                problem(
                    QUEUES,
                    format!("names no queue for '{name}': every entry point ('default' and each alias) needs one"),
                )
            })?;
            entry_points.push(EntryPoint {
                name: name.to_owned(),
                contact_flow_id: flow.to_owned(),
                queue,
            });
        }
        let settings = AvailabilitySettings::new(&policy.default_instance_id, entry_points);
        if settings.queues().len() > QUEUES_MAX {
            return Err(problem(
                QUEUES,
                format!(
                    "names more than {QUEUES_MAX} distinct queues (GetCurrentMetricData's limit)"
                ),
            ));
        }
        Ok(Some(settings.entry_points))
    }
}

#[cfg(test)]
mod tests;
