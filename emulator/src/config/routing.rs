//! The local contact centre ([`crate::local`]): two queues, each with its own hours of operation
//! open around the clock, staffed on the chat channel.

use crate::local;
use crate::routing::hours::{HoursOfOperation, HoursRange, TimeOfDay};
use crate::routing::presence::{AgentPresence, Channel};
use crate::routing::queue::{Queue, QueueStatus};

/// Open 00:00-00:00 every day, so the demo is open whenever it runs.
pub(super) fn local_hours() -> Vec<HoursOfOperation> {
    let always = |id: &str, name: &str, zone: &str| HoursOfOperation {
        hours_of_operation_id: id.to_owned(),
        instance_id: String::new(),
        name: name.to_owned(),
        time_zone: zone.to_owned(),
        config: HoursRange::every_day(TimeOfDay::MIDNIGHT, TimeOfDay::MIDNIGHT),
        overrides: Vec::new(),
    };
    vec![
        always(
            local::DEFAULT_HOURS_ID,
            "Support hours",
            local::DEFAULT_TIME_ZONE,
        ),
        always(local::SALES_HOURS_ID, "Sales hours", local::SALES_TIME_ZONE),
    ]
}

pub(super) fn local_queues() -> Vec<Queue> {
    let queue = |id: &str, name: &str, hours: &str| Queue {
        queue_id: id.to_owned(),
        instance_id: String::new(),
        name: name.to_owned(),
        status: QueueStatus::Enabled,
        hours_of_operation_id: hours.to_owned(),
        description: None,
    };
    vec![
        queue(local::DEFAULT_QUEUE_ID, "Support", local::DEFAULT_HOURS_ID),
        queue(local::SALES_QUEUE_ID, "Sales", local::SALES_HOURS_ID),
    ]
}

pub(super) fn local_presence() -> Vec<AgentPresence> {
    [local::DEFAULT_QUEUE_ID, local::SALES_QUEUE_ID]
        .into_iter()
        .map(|queue| {
            AgentPresence::staffed(
                queue,
                Channel::Chat,
                local::AGENTS_STAFFED,
                local::AGENTS_AVAILABLE,
            )
        })
        .collect()
}
