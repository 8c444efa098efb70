//! The contact centre behind the chats: queues, hours of operation and the agents staffing the
//! queues. Plain data behind one lock, changed by the configuration, the control API and the Rust API.

pub(crate) mod effective;
pub(crate) mod hours;
pub(crate) mod presence;
pub(crate) mod queue;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use self::hours::{HoursOfOperation, HoursOverride};
use self::presence::{AgentPresence, Channel};
use self::queue::Queue;
use crate::ids;
use crate::sync::lock;

/// Why a change to the routing model was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoutingError {
    UnknownInstance(String),
    UnknownQueue(String),
    UnknownHours(String),
    UnknownOverride(String),
    /// The value is not valid; the message says why.
    Invalid(String),
}

impl fmt::Display for RoutingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoutingError::UnknownInstance(id) => write!(f, "no instance {id}"),
            RoutingError::UnknownQueue(id) => write!(f, "no queue {id}"),
            RoutingError::UnknownHours(id) => write!(f, "no hours of operation {id}"),
            RoutingError::UnknownOverride(id) => write!(f, "no override {id}"),
            RoutingError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for RoutingError {}

struct StoredQueue {
    queue: Queue,
    /// By the emulator's clock: DescribeQueue's `LastModifiedTime`.
    last_modified_ms: i64,
}

#[derive(Default)]
struct Routing {
    queues: BTreeMap<String, StoredQueue>,
    hours: BTreeMap<String, HoursOfOperation>,
    presence: BTreeMap<(String, Channel), AgentPresence>,
}

pub(crate) struct RoutingStore {
    /// The instances the emulator knows; the first is the default of a resource that names none.
    instances: Vec<String>,
    routing: Mutex<Routing>,
}

impl RoutingStore {
    /// The store with the configured resources (hours first: queues name them).
    pub(crate) fn new(
        instances: Vec<String>,
        hours: &[HoursOfOperation],
        queues: &[Queue],
        presence: &[AgentPresence],
        now_ms: i64,
    ) -> Result<Self, RoutingError> {
        let store = RoutingStore {
            instances,
            routing: Mutex::default(),
        };
        for hours in hours {
            store.set_hours(hours.clone())?;
        }
        for queue in queues {
            store.set_queue(queue.clone(), now_ms)?;
        }
        for presence in presence {
            store.set_presence(presence.clone())?;
        }
        Ok(store)
    }

    fn instance_or_default(&self, instance_id: &str) -> Result<String, RoutingError> {
        if instance_id.is_empty() {
            return self
                .instances
                .first()
                .cloned()
                .ok_or_else(|| RoutingError::UnknownInstance(String::new()));
        }
        if self.instances.iter().any(|i| i == instance_id) {
            Ok(instance_id.to_owned())
        } else {
            Err(RoutingError::UnknownInstance(instance_id.to_owned()))
        }
    }

    /// Adds or replaces a queue; its hours must exist in its instance.
    pub(crate) fn set_queue(&self, mut queue: Queue, now_ms: i64) -> Result<Queue, RoutingError> {
        queue.check().map_err(RoutingError::Invalid)?;
        queue.instance_id = self.instance_or_default(&queue.instance_id)?;
        let mut routing = lock(&self.routing);
        if routing
            .hours
            .get(&queue.hours_of_operation_id)
            .is_none_or(|h| h.instance_id != queue.instance_id)
        {
            return Err(RoutingError::UnknownHours(queue.hours_of_operation_id));
        }
        routing.queues.insert(
            queue.queue_id.clone(),
            StoredQueue {
                queue: queue.clone(),
                last_modified_ms: now_ms,
            },
        );
        Ok(queue)
    }

    pub(crate) fn queue(&self, queue_id: &str) -> Option<Queue> {
        lock(&self.routing)
            .queues
            .get(queue_id)
            .map(|stored| stored.queue.clone())
    }

    /// A queue of `instance_id` with its last modification time, as DescribeQueue finds it.
    pub(crate) fn queue_in(&self, instance_id: &str, queue_id: &str) -> Option<(Queue, i64)> {
        lock(&self.routing)
            .queues
            .get(queue_id)
            .filter(|stored| stored.queue.instance_id == instance_id)
            .map(|stored| (stored.queue.clone(), stored.last_modified_ms))
    }

    pub(crate) fn queues(&self) -> Vec<Queue> {
        lock(&self.routing)
            .queues
            .values()
            .map(|stored| stored.queue.clone())
            .collect()
    }

    /// Removes a queue and its presence.
    pub(crate) fn remove_queue(&self, queue_id: &str) -> Result<(), RoutingError> {
        let mut routing = lock(&self.routing);
        routing
            .queues
            .remove(queue_id)
            .ok_or_else(|| RoutingError::UnknownQueue(queue_id.to_owned()))?;
        routing.presence.retain(|(queue, _), _| queue != queue_id);
        Ok(())
    }

    /// Adds or replaces hours of operation; overrides without an id get one.
    pub(crate) fn set_hours(
        &self,
        mut hours: HoursOfOperation,
    ) -> Result<HoursOfOperation, RoutingError> {
        hours.check().map_err(RoutingError::Invalid)?;
        hours.instance_id = self.instance_or_default(&hours.instance_id)?;
        for o in &mut hours.overrides {
            if o.override_id.is_empty() {
                o.override_id = ids::random_uuid();
            }
        }
        let mut routing = lock(&self.routing);
        let used_elsewhere = routing.queues.values().any(|stored| {
            stored.queue.hours_of_operation_id == hours.hours_of_operation_id
                && stored.queue.instance_id != hours.instance_id
        });
        if used_elsewhere {
            return Err(RoutingError::Invalid(format!(
                "hours {} are used by a queue of another instance",
                hours.hours_of_operation_id
            )));
        }
        routing
            .hours
            .insert(hours.hours_of_operation_id.clone(), hours.clone());
        Ok(hours)
    }

    pub(crate) fn hours(&self, hours_id: &str) -> Option<HoursOfOperation> {
        lock(&self.routing).hours.get(hours_id).cloned()
    }

    pub(crate) fn hours_in(&self, instance_id: &str, hours_id: &str) -> Option<HoursOfOperation> {
        self.hours(hours_id)
            .filter(|hours| hours.instance_id == instance_id)
    }

    pub(crate) fn all_hours(&self) -> Vec<HoursOfOperation> {
        lock(&self.routing).hours.values().cloned().collect()
    }

    /// Removes hours of operation no queue follows.
    pub(crate) fn remove_hours(&self, hours_id: &str) -> Result<(), RoutingError> {
        let mut routing = lock(&self.routing);
        if let Some(stored) = routing
            .queues
            .values()
            .find(|stored| stored.queue.hours_of_operation_id == hours_id)
        {
            return Err(RoutingError::Invalid(format!(
                "queue {} follows hours {hours_id}: change or remove it first",
                stored.queue.queue_id
            )));
        }
        routing
            .hours
            .remove(hours_id)
            .map(|_| ())
            .ok_or_else(|| RoutingError::UnknownHours(hours_id.to_owned()))
    }

    /// Adds an override (an id is assigned when it has none); answers it as stored.
    pub(crate) fn add_override(
        &self,
        hours_id: &str,
        mut added: HoursOverride,
    ) -> Result<HoursOverride, RoutingError> {
        added.check().map_err(RoutingError::Invalid)?;
        if added.override_id.is_empty() {
            added.override_id = ids::random_uuid();
        }
        let mut routing = lock(&self.routing);
        let hours = routing
            .hours
            .get_mut(hours_id)
            .ok_or_else(|| RoutingError::UnknownHours(hours_id.to_owned()))?;
        hours
            .overrides
            .retain(|o| o.override_id != added.override_id);
        if hours.overrides.len() >= 50 {
            return Err(RoutingError::Invalid(
                "an hours of operation has at most 50 overrides".to_owned(),
            ));
        }
        hours.overrides.push(added.clone());
        Ok(added)
    }

    /// Removes one override, or every override with `None`.
    pub(crate) fn remove_overrides(
        &self,
        hours_id: &str,
        override_id: Option<&str>,
    ) -> Result<(), RoutingError> {
        let mut routing = lock(&self.routing);
        let hours = routing
            .hours
            .get_mut(hours_id)
            .ok_or_else(|| RoutingError::UnknownHours(hours_id.to_owned()))?;
        match override_id {
            None => hours.overrides.clear(),
            Some(id) => {
                let before = hours.overrides.len();
                hours.overrides.retain(|o| o.override_id != id);
                if hours.overrides.len() == before {
                    return Err(RoutingError::UnknownOverride(id.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// Sets the numbers of one queue and channel.
    pub(crate) fn set_presence(&self, presence: AgentPresence) -> Result<(), RoutingError> {
        presence.check().map_err(RoutingError::Invalid)?;
        let mut routing = lock(&self.routing);
        if !routing.queues.contains_key(&presence.queue_id) {
            return Err(RoutingError::UnknownQueue(presence.queue_id));
        }
        routing
            .presence
            .insert((presence.queue_id.clone(), presence.channel), presence);
        Ok(())
    }

    /// The numbers of one queue and channel (all zero when never set).
    pub(crate) fn presence_of(&self, queue_id: &str, channel: Channel) -> AgentPresence {
        lock(&self.routing)
            .presence
            .get(&(queue_id.to_owned(), channel))
            .cloned()
            .unwrap_or_else(|| AgentPresence::empty(queue_id, channel))
    }

    pub(crate) fn presence(&self) -> Vec<AgentPresence> {
        lock(&self.routing).presence.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::hours::{HoursRange, TimeOfDay};
    use super::queue::QueueStatus;
    use super::*;

    fn store() -> RoutingStore {
        let hours = HoursOfOperation {
            hours_of_operation_id: "h1".to_owned(),
            instance_id: String::new(),
            name: "Always".to_owned(),
            time_zone: "UTC".to_owned(),
            config: HoursRange::every_day(TimeOfDay::MIDNIGHT, TimeOfDay::MIDNIGHT),
            overrides: Vec::new(),
        };
        let queue = Queue {
            queue_id: "q1".to_owned(),
            instance_id: String::new(),
            name: "Support".to_owned(),
            status: QueueStatus::Enabled,
            hours_of_operation_id: "h1".to_owned(),
            description: None,
        };
        RoutingStore::new(vec!["i1".to_owned()], &[hours], &[queue], &[], 0).expect("valid")
    }

    #[test]
    fn resources_default_to_the_first_instance_and_must_hang_together() {
        let store = store();
        assert_eq!(
            store.queue_in("i1", "q1").expect("found").0.instance_id,
            "i1"
        );
        assert!(store.queue_in("i2", "q1").is_none());
        let mut orphan = store.queue("q1").expect("found");
        orphan.queue_id = "q2".to_owned();
        orphan.hours_of_operation_id = "nope".to_owned();
        assert_eq!(
            store.set_queue(orphan, 0),
            Err(RoutingError::UnknownHours("nope".to_owned()))
        );
        assert!(matches!(
            store.remove_hours("h1"),
            Err(RoutingError::Invalid(_))
        ));
        let mut elsewhere = store.queue("q1").expect("found");
        elsewhere.instance_id = "i9".to_owned();
        assert_eq!(
            store.set_queue(elsewhere, 0),
            Err(RoutingError::UnknownInstance("i9".to_owned()))
        );
    }

    #[test]
    fn presence_is_per_queue_and_channel_and_checked() {
        let store = store();
        assert!(!store.presence_of("q1", Channel::Chat).has_data());
        store
            .set_presence(AgentPresence::staffed("q1", Channel::Chat, 3, 1))
            .expect("valid");
        assert_eq!(store.presence_of("q1", Channel::Chat).agents_staffed, 3);
        assert_eq!(store.presence_of("q1", Channel::Voice).agents_staffed, 0);
        let mut impossible = AgentPresence::staffed("q1", Channel::Chat, 1, 1);
        impossible.agents_available = 2;
        assert!(matches!(
            store.set_presence(impossible),
            Err(RoutingError::Invalid(_))
        ));
        assert_eq!(
            store.set_presence(AgentPresence::empty("q9", Channel::Chat)),
            Err(RoutingError::UnknownQueue("q9".to_owned()))
        );
        store.remove_queue("q1").expect("removed");
        assert!(store.presence().is_empty());
    }

    #[test]
    fn overrides_get_ids_and_can_be_removed() {
        let store = store();
        let added = store
            .add_override(
                "h1",
                serde_json::from_value(serde_json::json!({"name": "Holiday", "status": "CLOSED",
                    "effectiveFrom": "2026-12-25", "effectiveTill": "2026-12-25",
                    "config": [{"start": "00:00", "end": "00:00"}]}))
                .expect("valid JSON"),
            )
            .expect("added");
        assert!(!added.override_id.is_empty());
        assert_eq!(store.hours("h1").expect("found").overrides.len(), 1);
        assert_eq!(
            store.remove_overrides("h1", Some("nope")),
            Err(RoutingError::UnknownOverride("nope".to_owned()))
        );
        store
            .remove_overrides("h1", Some(&added.override_id))
            .expect("removed");
        assert!(store.hours("h1").expect("found").overrides.is_empty());
    }
}
