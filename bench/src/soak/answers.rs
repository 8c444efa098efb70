//! The soak's events, built once, and the check every answer must pass.

use super::plan::Request;
use crate::events::{self, EventTemplate};
use local_runtime_api::InvocationOutcome;
use serde_json::{Value, json};
use std::collections::HashSet;

/// The events, built once.
pub struct Events {
    typical: Vec<u8>,
    maximal: EventTemplate,
    bad_json: Vec<u8>,
    wrong_origin: Vec<u8>,
    preflight: Vec<u8>,
    run: u64,
    counter: u64,
    /// Every ContactId answered so far: two requests must never share a chat.
    pub contacts_seen: HashSet<String>,
}

impl Events {
    pub fn new(typical: &Value) -> Result<Self, String> {
        let to_bytes = |value: &Value| serde_json::to_vec(value).map_err(|e| e.to_string());
        let mut bad_json = typical.clone();
        bad_json["body"] = json!("{\"InstanceId\": ");
        let mut wrong_origin = typical.clone();
        wrong_origin["headers"]["origin"] = json!("https://attacker.example");
        let mut preflight = typical.clone();
        preflight["requestContext"]["http"]["method"] = json!("OPTIONS");
        preflight["headers"]["access-control-request-method"] = json!("POST");
        preflight["body"] = Value::Null;
        Ok(Self {
            typical: to_bytes(typical)?,
            maximal: events::maximal_event(typical)?,
            bad_json: to_bytes(&bad_json)?,
            wrong_origin: to_bytes(&wrong_origin)?,
            preflight: to_bytes(&preflight)?,
            run: events::run_id(),
            counter: 0,
            contacts_seen: HashSet::new(),
        })
    }

    pub fn render(&mut self, request: Request) -> Vec<u8> {
        match request {
            Request::Typical => self.typical.clone(),
            Request::Maximal => {
                self.counter += 1;
                self.maximal
                    .render(&events::client_token(self.run, self.counter))
            }
            Request::BadJson => self.bad_json.clone(),
            Request::WrongOrigin => self.wrong_origin.clone(),
            Request::Preflight => self.preflight.clone(),
        }
    }
}

/// What one answer was, or why it is not acceptable.
pub struct Checked {
    pub status: u16,
    pub contact_id: Option<String>,
}

pub fn check_answer(outcome: &InvocationOutcome) -> Result<Checked, String> {
    let bytes = match outcome {
        InvocationOutcome::Response(bytes) => bytes,
        InvocationOutcome::Error(body) => {
            return Err(format!(
                "the function reported an error: {}",
                String::from_utf8_lossy(body)
            ));
        }
    };
    let reply: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the response is not JSON: {e}"))?;
    let status = reply["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("the response has no statusCode")?;
    if status == 204 {
        return Ok(Checked {
            status,
            contact_id: None,
        });
    }
    let body: Value =
        serde_json::from_str(reply["body"].as_str().ok_or("the response has no body")?)
            .map_err(|e| format!("the body of a {status} is not JSON: {e}"))?;
    if status == 200 {
        let contact = body["data"]["startChatResult"]["ContactId"]
            .as_str()
            .ok_or("a 200 without a ContactId")?;
        if body["data"]["startChatResult"]["ParticipantToken"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            return Err("a 200 without a ParticipantToken".into());
        }
        return Ok(Checked {
            status,
            contact_id: Some(contact.to_owned()),
        });
    }
    if body["error"]["code"].as_str().is_none_or(str::is_empty) {
        return Err(format!("a {status} without an error code"));
    }
    Ok(Checked {
        status,
        contact_id: None,
    })
}
