//! StartChatContact (`PUT /contact/chat`): faults, SigV4, validation, resources,
//! ClientToken idempotency, then a new chat with its opening transcript.

mod attributes;
mod request;
mod validate;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use self::request::StartChatRequest;
use super::operation::{end_without_answer, malformed};
use super::{ReceivedAt, SignatureVerdict};
use crate::chat::contact::{Contact, NewContact};
use crate::chat::item::{Author, Item, PARTICIPANT_JOINED, Role, TEXT_PLAIN};
use crate::chat::store::{ChatStore, ParticipantKey};
use crate::http::aws_error::AwsError;
use crate::http::server::{Abort, ConnectionContext};
use crate::ids;
use crate::operation::Operation;
use crate::state::AppState;
use crate::stores::faults::{ConnectErrorKind, Fault};
use crate::stores::records::RecordedStartChat;

/// A successful answer.
struct Started {
    contact_id: String,
    body: Value,
    replay: bool,
}

pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    connection: Option<Extension<ConnectionContext>>,
    verdict: Option<Extension<SignatureVerdict>>,
    received: Option<Extension<ReceivedAt>>,
    body: Bytes,
) -> Response {
    let received = received.map_or_else(Instant::now, |Extension(at)| at.0);
    let peer = connection
        .as_ref()
        .map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |c| c.peer);
    let recorded_body = serde_json::from_slice::<Value>(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let fault = state.faults.next(Operation::StartChatContact);
    let mut call = RecordedStartChat {
        client_token: recorded_body
            .get("ClientToken")
            .and_then(Value::as_str)
            .map(str::to_owned),
        body: recorded_body,
        status: 0,
        error_code: None,
        contact_id: None,
        idempotent_replay: false,
        fault: fault.clone(),
        peer,
        service_time: Duration::ZERO,
    };

    // Faults answered instead of processing: no chat, no quota token.
    match fault {
        Some(Fault::Error(kind)) => {
            call.status = kind.status();
            call.error_code = Some(kind.code().to_owned());
            let response = AwsError::connect(kind, kind.default_message()).into_response();
            call.service_time = received.elapsed();
            state.records.push_start_chat(call);
            return response;
        }
        Some(Fault::DropConnection) => {
            call.service_time = received.elapsed();
            state.records.push_start_chat(call);
            return end_without_answer(connection.map(|Extension(c)| c), Abort::Close).await;
        }
        Some(Fault::Stall) => {
            call.service_time = received.elapsed();
            state.records.push_start_chat(call);
            return end_without_answer(connection.map(|Extension(c)| c), Abort::Stall).await;
        }
        _ => {}
    }

    let verdict = verdict.map_or(
        Err(super::SigV4Error::MissingAuthentication),
        |Extension(v)| v.0,
    );
    // Connect counts calls, not chats: every authenticated call takes a token, before the request
    // is even read, so replays and invalid requests spend the quota too.
    let outcome = match verdict {
        Ok(()) if !state.quotas.try_take(Operation::StartChatContact) => Err(AwsError::connect(
            ConnectErrorKind::Throttling,
            ConnectErrorKind::Throttling.default_message(),
        )),
        Ok(()) => start_chat(&state, &body),
        Err(error) => Err(error.to_aws_error()),
    };
    let response = match outcome {
        Ok(started) => {
            call.contact_id = Some(started.contact_id);
            call.idempotent_replay = started.replay;
            call.status = 200;
            success_answer(started.body, fault.as_ref())
        }
        Err(error) => {
            call.status = error.status;
            call.error_code = Some(error.code.to_owned());
            error.into_response()
        }
    };
    call.service_time = received.elapsed();
    // Faults applied after processing: the chat, if any, exists whatever the client sees.
    match fault {
        Some(Fault::Delay(delay)) => {
            state.records.push_start_chat(call);
            tokio::time::sleep(delay).await;
            response
        }
        Some(Fault::ResetAfterProcessing) => {
            call.status = 0;
            call.error_code = None;
            state.records.push_start_chat(call);
            end_without_answer(connection.map(|Extension(c)| c), Abort::Reset).await
        }
        _ => {
            state.records.push_start_chat(call);
            response
        }
    }
}

/// The 200 answer, spoiled as a `MalformedBody` or `MissingParticipantToken` fault asks.
fn success_answer(mut body: Value, fault: Option<&Fault>) -> Response {
    match fault {
        Some(Fault::MalformedBody) => malformed(&body),
        Some(Fault::MissingParticipantToken) => {
            if let Value::Object(members) = &mut body {
                members.remove("ParticipantToken");
            }
            axum::Json(body).into_response()
        }
        _ => axum::Json(body).into_response(),
    }
}

fn start_chat(state: &AppState, body: &[u8]) -> Result<Started, AwsError> {
    let request = StartChatRequest::parse(body)?;
    validate::validate(&request)?;
    // Validation guarantees the required members.
    let instance_id = request.instance_id.clone().unwrap_or_default();
    let flow_id = request.contact_flow_id.clone().unwrap_or_default();
    check_flow_exists(state, &instance_id, &flow_id)?;

    let mut chats = state.chats();
    if let Some(replay) = replay(&chats, &instance_id, request.client_token.as_deref()) {
        return Ok(replay);
    }
    if let Some(related) = request.related_contact_id.as_deref()
        && chats
            .contact(related)
            .is_none_or(|c| c.instance_id != instance_id)
    {
        return Err(not_found(format!("Contact not found: {related}")));
    }
    let (continued_from, past_items) = match &request.persistent_chat {
        Some(persistent) => {
            let source_id = persistent.source_contact_id.as_deref().unwrap_or_default();
            let past_items = past_session(&chats, &instance_id, source_id)?;
            (Some(source_id.to_owned()), past_items)
        }
        None => (None, Vec::new()),
    };
    if let Some(quota) = state.quotas.max_active_chats()
        && chats.active_count() >= quota
    {
        return Err(AwsError::connect(
            ConnectErrorKind::LimitExceeded,
            format!("The quota of {quota} concurrent active chats is exceeded."),
        ));
    }

    let contact = open_contact(state, &request, continued_from.clone(), past_items);
    let contact_id = contact.contact_id.clone();
    let key = ParticipantKey {
        contact_id: contact_id.clone(),
        participant_id: contact.customer.participant_id.clone(),
    };
    let mut body = json!({ "ContactId": contact_id, "ParticipantId": key.participant_id });
    if let Some(source) = &continued_from {
        body["ContinuedFromContactId"] = json!(source);
    }
    let connection_types = request.connection_types.clone().unwrap_or_default();
    if connection_types
        .iter()
        .any(|t| t == "CONNECTION_CREDENTIALS")
    {
        let credentials = chats.issue_connection_token(&key);
        body["ConnectionCredentials"] =
            json!({ "ConnectionToken": credentials.token, "Expiry": credentials.expiry });
    }
    if connection_types.iter().any(|t| t == "WEBSOCKET") {
        let websocket = chats.issue_websocket_url(&key, &state.websocket_base);
        body["Websocket"] = json!({ "Url": websocket.url, "ConnectionExpiry": websocket.expiry });
    }
    if request.chat_streaming_endpoint_arn.is_some() {
        body["StreamingId"] = json!(ids::random_uuid());
    }

    let participant_token = chats.insert_contact(
        contact,
        request.client_token.as_deref(),
        state.config.max_stored_chats,
    );
    body["ParticipantToken"] = json!(participant_token);
    if let Some(stored) = chats.contact_mut(&contact_id) {
        stored.start_response = body.clone();
    }
    tracing::info!(%contact_id, %instance_id, persistent = continued_from.is_some(), "chat started");
    Ok(Started {
        contact_id,
        body,
        replay: false,
    })
}

fn not_found(message: String) -> AwsError {
    AwsError::connect(ConnectErrorKind::ResourceNotFound, message)
}

fn check_flow_exists(state: &AppState, instance_id: &str, flow_id: &str) -> Result<(), AwsError> {
    let instance = state
        .config
        .instance(instance_id)
        .ok_or_else(|| not_found(format!("Instance not found: {instance_id}")))?;
    if instance.contact_flow_ids.iter().any(|f| f == flow_id) {
        Ok(())
    } else {
        Err(not_found(format!(
            "Contact flow {flow_id} not found in instance {instance_id}"
        )))
    }
}

/// The original answer for a ClientToken already used in this instance.
fn replay(chats: &ChatStore, instance_id: &str, client_token: Option<&str>) -> Option<Started> {
    let original = chats.contact_for_client_token(instance_id, client_token?)?;
    let mut body = original.start_response.clone();
    // An ended chat's websocket URL is of no use; the service may omit it.
    if !original.is_active()
        && let Value::Object(fields) = &mut body
    {
        fields.remove("Websocket");
    }
    Some(Started {
        contact_id: original.contact_id.clone(),
        body,
        replay: true,
    })
}

/// The transcript a persistent chat starts with: the ended source chat's items (its own past
/// sessions included), marked as past-session items.
fn past_session(
    chats: &ChatStore,
    instance_id: &str,
    source_id: &str,
) -> Result<Vec<Item>, AwsError> {
    if chats.contact(source_id).is_some_and(|c| c.is_active()) {
        return Err(AwsError::connect(
            ConnectErrorKind::InvalidRequest,
            format!(
                "Contact {source_id} has not ended: only an ended chat can be continued with PersistentChat."
            ),
        ));
    }
    let (_, transcript) = chats
        .ended_transcript(source_id)
        .filter(|(instance, _)| *instance == instance_id)
        .ok_or_else(|| not_found(format!("Contact not found: {source_id}")))?;
    Ok(transcript
        .iter()
        .map(|item| item.as_past_session_item(source_id))
        .collect())
}

/// A new contact with its opening transcript: the customer joins, says their initial
/// message, the flow greets. The agent comes later (see `agent`).
fn open_contact(
    state: &AppState,
    request: &StartChatRequest,
    continued_from: Option<String>,
    past_items: Vec<Item>,
) -> Contact {
    let contact_id = ids::random_uuid();
    let customer = Author {
        participant_id: ids::random_uuid(),
        display_name: request
            .participant_details
            .as_ref()
            .and_then(|d| d.display_name.clone())
            .unwrap_or_default(),
        role: Role::Customer,
    };
    let mut contact = Contact::new(NewContact {
        contact_id: contact_id.clone(),
        instance_id: request.instance_id.clone().unwrap_or_default(),
        contact_flow_id: request.contact_flow_id.clone().unwrap_or_default(),
        continued_from,
        customer: customer.clone(),
        supported_content_types: request
            .supported_messaging_content_types
            .clone()
            .unwrap_or_else(|| vec![TEXT_PLAIN.to_owned()]),
        disconnect_agent_on_customer_exit: request.disconnect_on_customer_exit.is_some(),
        attributes: request
            .attributes
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
        past_items,
        clock: Arc::clone(&state.clock),
    });
    contact.record(Item::event(&contact_id, &customer, PARTICIPANT_JOINED));
    if let Some(message) = &request.initial_message {
        let content_type = message.content_type.as_deref().unwrap_or(TEXT_PLAIN);
        let item = contact.record(Item::message(
            &contact_id,
            &customer,
            content_type,
            message.content.as_deref().unwrap_or(""),
        ));
        contact.agent_progress.pending_initial_message =
            Some((item.id, item.content.unwrap_or_default()));
    }
    if !state.config.flow_greeting.is_empty() {
        contact.record(Item::message(
            &contact_id,
            &Author::system(),
            TEXT_PLAIN,
            &state.config.flow_greeting,
        ));
    }
    contact
}
