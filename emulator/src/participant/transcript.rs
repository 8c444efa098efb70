//! GetTranscript (`POST /participant/transcript`): paging through the stored items.
//!
//! A scan walks the transcript from a start point in one direction and returns up to
//! MaxResults items, sorted as asked. Defaults follow the service: BACKWARD from the end
//! without a StartPosition, FORWARD from it with one; DESCENDING; 10 items.
//! NextToken is opaque to clients: it encodes the contact, the direction and where to resume.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::request::{Call, ConnectionToken, Members, access_denied, check, validation_error};
use crate::chat::item::Item;
use crate::chat::store::ChatStore;
use crate::clock;
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::ids;
use crate::state::AppState;

const DEFAULT_MAX_RESULTS: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

/// Where a scan resumes: FORWARD from an index (inclusive), BACKWARD up to one (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    direction: Direction,
    position: usize,
}

enum StartPosition {
    Id(String),
    AbsoluteTime(i64),
    MostRecent(usize),
}

struct Query {
    contact_id: Option<String>,
    max_results: usize,
    next_token: Option<String>,
    direction: Option<Direction>,
    ascending: bool,
    start: Option<StartPosition>,
}

pub(crate) async fn get_transcript(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let query = parse_query(&Members(&body))?;
    let chats = state.chats();
    let contact = chats.contact(&key.contact_id).ok_or_else(|| {
        access_denied("You do not have sufficient access to perform this action.")
    })?;
    if let Some(asked) = &query.contact_id
        && !in_chain(&chats, &key.contact_id, asked)
    {
        return Err(access_denied(format!(
            "Contact {asked} is not part of this chat."
        )));
    }
    let items = &contact.transcript;
    let cursor = match &query.next_token {
        Some(token) => decode_token(token, &contact.contact_id, items.len())?,
        None => initial_cursor(items, query.direction, query.start.as_ref())?,
    };
    let (range, next) = page(cursor, query.max_results, items.len());
    let mut page_items: Vec<Value> = items[range].iter().map(Item::to_json).collect();
    if !query.ascending {
        page_items.reverse();
    }
    let mut answer = json!({ "InitialContactId": contact.contact_id, "Transcript": page_items });
    if let Some(next) = next {
        answer["NextToken"] = json!(encode_token(&contact.contact_id, next));
    }
    Ok(Json(answer))
}

fn parse_query(members: &Members<'_>) -> Result<Query, AwsError> {
    let mut violations = Violations::default();
    let contact_id = members.string("ContactId")?;
    violations.optional("contactId", contact_id, 1, 256);
    let max_results = members.integer("MaxResults")?;
    if let Some(max) = max_results {
        violations.range("maxResults", max, 0, 100);
    }
    let next_token = members.string("NextToken")?;
    violations.optional("nextToken", next_token, 1, 1000);
    let scan_direction = members.string("ScanDirection")?;
    if let Some(direction) = scan_direction {
        violations.one_of("scanDirection", direction, &["FORWARD", "BACKWARD"]);
    }
    let sort_order = members.string("SortOrder")?;
    if let Some(order) = sort_order {
        violations.one_of("sortOrder", order, &["DESCENDING", "ASCENDING"]);
    }
    let mut start = None;
    if let Some(position) = members.object("StartPosition")? {
        let id = position.string("Id")?;
        violations.optional("startPosition.id", id, 1, 256);
        let time = position.string("AbsoluteTime")?;
        violations.optional("startPosition.absoluteTime", time, 1, 100);
        let most_recent = position.integer("MostRecent")?;
        if let Some(count) = most_recent {
            violations.range("startPosition.mostRecent", count, 0, 100);
        }
        let given = usize::from(id.is_some())
            + usize::from(time.is_some())
            + usize::from(most_recent.is_some());
        if given > 1 {
            violations
                .other("StartPosition takes only one of Id, AbsoluteTime, MostRecent".to_owned());
        }
        check(std::mem::take(&mut violations))?;
        // chatjs always sends `StartPosition: {}`: an empty one means none.
        start = if let Some(id) = id {
            Some(StartPosition::Id(id.to_owned()))
        } else if let Some(time) = time {
            let epoch_ms = clock::parse_iso8601_ms(time).ok_or_else(|| {
                validation_error(format!("StartPosition.AbsoluteTime '{time}' is not an ISO 8601 time (yyyy-MM-ddThh:mm:ss.SSSZ)"))
            })?;
            Some(StartPosition::AbsoluteTime(epoch_ms))
        } else {
            most_recent.map(|count| StartPosition::MostRecent(usize::try_from(count).unwrap_or(0)))
        };
    }
    check(violations)?;
    Ok(Query {
        contact_id: contact_id.map(str::to_owned),
        // MaxResults 0 reads as "unspecified".
        max_results: max_results
            .and_then(|m| usize::try_from(m).ok())
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_MAX_RESULTS),
        next_token: next_token.map(str::to_owned),
        direction: scan_direction.map(|d| {
            if d == "FORWARD" {
                Direction::Forward
            } else {
                Direction::Backward
            }
        }),
        ascending: sort_order == Some("ASCENDING"),
        start,
    })
}

/// Whether `asked` is the caller's contact or one it continues (persistent chat).
fn in_chain(chats: &ChatStore, current: &str, asked: &str) -> bool {
    let mut cursor = Some(current.to_owned());
    let mut hops = 0;
    while let Some(id) = cursor {
        if id == asked {
            return true;
        }
        hops += 1;
        if hops > 1000 {
            return false;
        }
        cursor = chats.contact(&id).and_then(|c| c.continued_from.clone());
    }
    false
}

fn initial_cursor(
    items: &[Item],
    direction: Option<Direction>,
    start: Option<&StartPosition>,
) -> Result<Cursor, AwsError> {
    let len = items.len();
    let Some(start) = start else {
        let direction = direction.unwrap_or(Direction::Backward);
        let position = if direction == Direction::Forward {
            0
        } else {
            len
        };
        return Ok(Cursor {
            direction,
            position,
        });
    };
    let direction = direction.unwrap_or(Direction::Forward);
    // The anchor item is included in the page, whichever the direction.
    let position = match start {
        StartPosition::Id(id) => {
            let index = items
                .iter()
                .position(|item| &item.id == id)
                .ok_or_else(|| {
                    validation_error(format!("StartPosition.Id {id} is not in this transcript."))
                })?;
            anchor(direction, index)
        }
        StartPosition::AbsoluteTime(epoch_ms) => match direction {
            Direction::Forward => items
                .iter()
                .position(|i| i.epoch_ms >= *epoch_ms)
                .unwrap_or(len),
            Direction::Backward => items
                .iter()
                .rposition(|i| i.epoch_ms <= *epoch_ms)
                .map_or(0, |i| i + 1),
        },
        StartPosition::MostRecent(count) => {
            if len == 0 {
                0
            } else {
                anchor(direction, len.saturating_sub(count + 1))
            }
        }
    };
    Ok(Cursor {
        direction,
        position,
    })
}

fn anchor(direction: Direction, index: usize) -> usize {
    match direction {
        Direction::Forward => index,
        Direction::Backward => index + 1,
    }
}

/// The index range of this page (chronological) and where the next page resumes, if anywhere.
fn page(
    cursor: Cursor,
    max_results: usize,
    len: usize,
) -> (std::ops::Range<usize>, Option<Cursor>) {
    let position = cursor.position.min(len);
    match cursor.direction {
        Direction::Forward => {
            let end = (position + max_results).min(len);
            let next = (end < len).then_some(Cursor {
                direction: Direction::Forward,
                position: end,
            });
            (position..end, next)
        }
        Direction::Backward => {
            let start = position.saturating_sub(max_results);
            let next = (start > 0).then_some(Cursor {
                direction: Direction::Backward,
                position: start,
            });
            (start..position, next)
        }
    }
}

fn encode_token(contact_id: &str, cursor: Cursor) -> String {
    let direction = if cursor.direction == Direction::Forward {
        'F'
    } else {
        'B'
    };
    ids::encode_url_safe(format!("v1|{contact_id}|{direction}|{}", cursor.position).as_bytes())
}

fn decode_token(token: &str, contact_id: &str, len: usize) -> Result<Cursor, AwsError> {
    let invalid = || validation_error("The NextToken is not valid for this transcript.");
    let text = ids::decode_url_safe(token)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let parts: Vec<&str> = text.split('|').collect();
    let ["v1", token_contact, direction, position] = parts.as_slice() else {
        return Err(invalid());
    };
    if *token_contact != contact_id {
        return Err(invalid());
    }
    let direction = match *direction {
        "F" => Direction::Forward,
        "B" => Direction::Backward,
        _ => return Err(invalid()),
    };
    let position: usize = position.parse().map_err(|_| invalid())?;
    if position > len {
        return Err(invalid());
    }
    Ok(Cursor {
        direction,
        position,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_forward_and_backward() {
        let forward = Cursor {
            direction: Direction::Forward,
            position: 0,
        };
        assert_eq!(
            page(forward, 4, 10),
            (
                0..4,
                Some(Cursor {
                    direction: Direction::Forward,
                    position: 4
                })
            )
        );
        assert_eq!(
            page(
                Cursor {
                    position: 8,
                    ..forward
                },
                4,
                10
            ),
            (8..10, None)
        );
        let backward = Cursor {
            direction: Direction::Backward,
            position: 10,
        };
        assert_eq!(
            page(backward, 4, 10),
            (
                6..10,
                Some(Cursor {
                    direction: Direction::Backward,
                    position: 6
                })
            )
        );
        assert_eq!(
            page(
                Cursor {
                    position: 2,
                    ..backward
                },
                4,
                10
            ),
            (0..2, None)
        );
        assert_eq!(page(backward, 4, 0), (0..0, None));
    }

    #[test]
    fn tokens_round_trip_and_are_scoped() {
        let cursor = Cursor {
            direction: Direction::Backward,
            position: 7,
        };
        let token = encode_token("c1", cursor);
        assert_eq!(decode_token(&token, "c1", 10).unwrap(), cursor);
        assert!(decode_token(&token, "c2", 10).is_err());
        assert!(decode_token(&token, "c1", 5).is_err());
        assert!(decode_token("garbage!", "c1", 10).is_err());
        assert!(decode_token(&ids::encode_url_safe(b"v1|c1|X|1"), "c1", 10).is_err());
    }
}
