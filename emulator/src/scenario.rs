//! The Rust API a test sets the scene with: the queues, hours of operation and agents behind the
//! chats, the emulator's clock, faults and quotas of every operation, and the push notifications
//! recorded. The same as the `/_emulator` control API (`emulator/README.md`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::Emulator;
use crate::chat::push::{PushNotification, PushRegistrationSummary};
use crate::config::QuotaConfig;
use crate::operation::Operation;
use crate::routing::RoutingError;
use crate::routing::hours::{HoursOfOperation, HoursOverride};
use crate::routing::presence::AgentPresence;
use crate::routing::queue::{Queue, QueueStatus};
use crate::stores::faults::Fault;
use crate::stores::records::RecordedCall;

fn epoch_ms(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

impl Emulator {
    /// Now, by the emulator's clock (what `DataSnapshotTime` and transcripts say).
    pub fn now(&self) -> SystemTime {
        let now_ms = self.state.clock.now_ms();
        match u64::try_from(now_ms) {
            Ok(after) => UNIX_EPOCH + Duration::from_millis(after),
            Err(_) => UNIX_EPOCH - Duration::from_millis(now_ms.unsigned_abs()),
        }
    }

    /// Sets the emulator's clock; it runs on from there. SigV4 stays on the system clock.
    pub fn set_now(&self, at: SystemTime) {
        self.state.clock.set_ms(epoch_ms(at));
    }

    /// Moves the emulator's clock forward.
    pub fn advance_clock(&self, by: Duration) {
        self.state
            .clock
            .advance_ms(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
    }

    /// Puts the emulator's clock back on the system clock.
    pub fn follow_system_clock(&self) {
        self.state.clock.follow_system_clock();
    }

    pub fn queues(&self) -> Vec<Queue> {
        self.state.routing.queues()
    }

    /// Adds or replaces a queue (its hours of operation must exist in its instance).
    pub fn set_queue(&self, queue: Queue) -> Result<Queue, RoutingError> {
        self.state
            .routing
            .set_queue(queue, self.state.clock.now_ms())
    }

    /// Enables or disables a queue.
    pub fn set_queue_status(
        &self,
        queue_id: &str,
        status: QueueStatus,
    ) -> Result<(), RoutingError> {
        let mut queue = self
            .state
            .routing
            .queue(queue_id)
            .ok_or_else(|| RoutingError::UnknownQueue(queue_id.to_owned()))?;
        queue.status = status;
        self.set_queue(queue).map(|_| ())
    }

    pub fn remove_queue(&self, queue_id: &str) -> Result<(), RoutingError> {
        self.state.routing.remove_queue(queue_id)
    }

    pub fn hours_of_operation(&self, hours_id: &str) -> Option<HoursOfOperation> {
        self.state.routing.hours(hours_id)
    }

    /// Adds or replaces hours of operation (overrides included).
    pub fn set_hours_of_operation(
        &self,
        hours: HoursOfOperation,
    ) -> Result<HoursOfOperation, RoutingError> {
        self.state.routing.set_hours(hours)
    }

    /// Adds an override to the hours; answers it with its id.
    pub fn add_hours_override(
        &self,
        hours_id: &str,
        added: HoursOverride,
    ) -> Result<HoursOverride, RoutingError> {
        self.state.routing.add_override(hours_id, added)
    }

    pub fn remove_hours_override(
        &self,
        hours_id: &str,
        override_id: &str,
    ) -> Result<(), RoutingError> {
        self.state
            .routing
            .remove_overrides(hours_id, Some(override_id))
    }

    pub fn clear_hours_overrides(&self, hours_id: &str) -> Result<(), RoutingError> {
        self.state.routing.remove_overrides(hours_id, None)
    }

    /// Agent presence and queue depth of every queue and channel set so far.
    pub fn agent_presence(&self) -> Vec<AgentPresence> {
        self.state.routing.presence()
    }

    /// Sets the numbers of one queue and channel (GetCurrentMetricData reports them).
    pub fn set_agent_presence(&self, presence: AgentPresence) -> Result<(), RoutingError> {
        self.state.routing.set_presence(presence)
    }

    /// The push notifications recorded, in order, across chats.
    pub fn push_notifications(&self) -> Vec<PushNotification> {
        self.state.chats().push_notifications()
    }

    pub fn clear_push_notifications(&self) {
        self.state.chats().clear_push_notifications();
    }

    /// The devices registered for the active chats (without their tokens).
    pub fn push_registrations(&self) -> Vec<PushRegistrationSummary> {
        self.state.chats().push_registrations()
    }

    /// Queues a fault for the next call of `operation` (`inject` is StartChatContact's).
    pub fn inject_into(&self, operation: Operation, fault: Fault) -> Result<(), String> {
        if !fault.applies_to(operation) {
            return Err(format!("{fault:?} applies to StartChatContact only"));
        }
        self.state.faults.push(operation, fault);
        Ok(())
    }

    /// Puts a rate quota in force for `operation`, with a full bucket (`set_quota` is
    /// StartChatContact's).
    pub fn set_operation_quota(
        &self,
        operation: Operation,
        quota: QuotaConfig,
    ) -> Result<(), String> {
        quota.check()?;
        self.state.quotas.set(operation, quota);
        Ok(())
    }

    /// Every call of the operations other than StartChatContact, in order.
    pub fn operation_calls(&self) -> Vec<RecordedCall> {
        self.state.records.operation_calls()
    }
}
