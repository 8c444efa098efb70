//! The availability answer's JSON: `{"data": {"checkedAt", "entryPoints": {name: {...}}}}`, entry points
//! in their configured order, unknown values as `null`; and the headers that let browsers and CDNs share
//! it.

use super::cors::OriginCheck;
use super::message::HttpResponse;
use super::response::json_response;
use crate::availability::{Availability, EntryPointAvailability, QueueDetails};
use jiff::Timestamp;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// 200 with the answer; `Cache-Control: public, max-age=…` (it holds nothing personal: every visitor
/// of every origin gets the same figures, and `Vary: Origin` keeps each origin's CORS headers apart).
pub(super) fn availability_response(
    availability: &Availability,
    origin: &OriginCheck,
) -> HttpResponse {
    let mut response = json_response(200, &Body { availability }, origin);
    response.set_header(
        "cache-control",
        format!("public, max-age={}", availability.max_age.as_secs()),
    );
    response
}

struct Body<'a> {
    availability: &'a Availability,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_map(Some(1))?;
        body.serialize_entry("data", &Data(self.availability))?;
        body.end()
    }
}

struct Data<'a>(&'a Availability);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut data = serializer.serialize_map(Some(2))?;
        data.serialize_entry("checkedAt", &instant(Some(self.0.checked_at)))?;
        data.serialize_entry("entryPoints", &EntryPoints(&self.0.entry_points))?;
        data.end()
    }
}

/// A JSON object in the configured order (`default` first), not a sorted map.
struct EntryPoints<'a>(&'a [(String, EntryPointAvailability)]);

impl Serialize for EntryPoints<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .map(|(name, availability)| (name, EntryPoint(availability))),
        )
    }
}

struct EntryPoint<'a>(&'a EntryPointAvailability);

impl Serialize for EntryPoint<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let answer = self.0;
        let mut entry = serializer.serialize_map(None)?;
        entry.serialize_entry("available", &answer.available())?;
        entry.serialize_entry("reason", answer.reason.as_str())?;
        entry.serialize_entry("opensAt", &instant(answer.opens_at))?;
        entry.serialize_entry("closesAt", &instant(answer.closes_at))?;
        entry.serialize_entry("estimatedWaitSeconds", &answer.estimated_wait_seconds)?;
        entry.serialize_entry("timeZone", &answer.time_zone)?;
        if let Some(queue) = &answer.queue {
            entry.serialize_entry("queue", &Queue(queue))?;
        }
        entry.end()
    }
}

struct Queue<'a>(&'a QueueDetails);

impl Serialize for Queue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let queue = self.0;
        let mut details = serializer.serialize_map(Some(5))?;
        details.serialize_entry("agentsOnline", &queue.agents_online)?;
        details.serialize_entry("agentsAvailable", &queue.agents_available)?;
        details.serialize_entry("agentsStaffed", &queue.agents_staffed)?;
        details.serialize_entry("contactsInQueue", &queue.contacts_in_queue)?;
        details.serialize_entry("oldestContactAgeSeconds", &queue.oldest_contact_age_seconds)?;
        details.end()
    }
}

/// ISO 8601 in UTC with `Z` (`2026-12-05T17:00:00Z`), or `null`.
pub(super) fn instant(at: Option<Timestamp>) -> Option<String> {
    at.map(|at| at.to_string())
}
