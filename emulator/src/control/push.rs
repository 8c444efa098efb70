//! CreatePushNotificationRegistration (`PUT /push-notification/{InstanceId}/registrations`) and
//! DeletePushNotificationRegistration (`DELETE /push-notification/{InstanceId}/registrations/
//! {RegistrationId}?contactId=`): devices registered for an active chat's notifications (recorded
//! by the chat: `chat::push`). Device tokens are secrets: never logged.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde_json::{Value, json};

use super::members::{body_object, boolean, object, query_param, string};
use super::operation::{self, Received, check_instance, invalid_parameter, not_found};
use crate::chat::push::{DeviceType, PushRegistration};
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::ids;
use crate::operation::Operation;
use crate::state::AppState;

const DEVICE_TYPES: [&str; 3] = ["GCM", "APNS", "APNS_SANDBOX"];
const PARTICIPANT_ROLES: [&str; 5] = ["AGENT", "CUSTOMER", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR"];

pub(crate) async fn create_registration(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    received: Received,
    body: Bytes,
) -> Response {
    let process = || create(&state, &instance_id, &body);
    operation::serve(
        &state,
        Operation::CreatePushNotificationRegistration,
        &instance_id,
        received,
        process,
    )
    .await
}

pub(crate) async fn delete_registration(
    State(state): State<Arc<AppState>>,
    Path((instance_id, registration_id)): Path<(String, String)>,
    uri: Uri,
    received: Received,
) -> Response {
    let contact_id = query_param(&uri, "contactId");
    let process = || {
        delete(
            &state,
            &instance_id,
            &registration_id,
            contact_id.as_deref(),
        )
    };
    operation::serve(
        &state,
        Operation::DeletePushNotificationRegistration,
        &instance_id,
        received,
        process,
    )
    .await
}

/// The members, checked as the model says.
struct Registration {
    client_token: Option<String>,
    pinpoint_app_arn: String,
    device_token: String,
    device_type: DeviceType,
    contact_id: String,
    include_raw_message: bool,
}

fn read_registration(instance_id: &str, body: &[u8]) -> Result<Registration, AwsError> {
    let root = body_object(body)?;
    let client_token = string(&root, "ClientToken")?;
    let pinpoint_app_arn = string(&root, "PinpointAppArn")?;
    let device_token = string(&root, "DeviceToken")?;
    let device_type = string(&root, "DeviceType")?;
    let configuration = object(&root, "ContactConfiguration")?;
    let (contact_id, role, include_raw_message) = match configuration {
        Some(configuration) => (
            string(configuration, "ContactId")?,
            string(configuration, "ParticipantRole")?,
            boolean(configuration, "IncludeRawMessage")?,
        ),
        None => (None, None, None),
    };
    let mut violations = Violations::default();
    violations.length("instanceId", instance_id, 1, 100);
    violations.optional("clientToken", client_token.as_deref(), 0, 500);
    if pinpoint_app_arn.is_none() {
        violations.not_null("pinpointAppArn");
    }
    // A secret: its length is checked, its value never quoted.
    violations.required("deviceToken", device_token.as_deref(), 1, 500);
    match device_type.as_deref() {
        None => violations.not_null("deviceType"),
        Some(device_type) => violations.one_of("deviceType", device_type, &DEVICE_TYPES),
    }
    if configuration.is_none() {
        violations.not_null("contactConfiguration");
    } else {
        violations.required(
            "contactConfiguration.contactId",
            contact_id.as_deref(),
            1,
            256,
        );
    }
    if let Some(role) = role.as_deref() {
        violations.one_of(
            "contactConfiguration.participantRole",
            role,
            &PARTICIPANT_ROLES,
        );
    }
    if let Some(message) = violations.into_message() {
        return Err(invalid_parameter(message));
    }
    // "Only CUSTOMER is currently supported" (the model's documentation of ParticipantRole).
    if role.as_deref().is_some_and(|role| role != "CUSTOMER") {
        return Err(invalid_parameter(
            "ParticipantRole: only CUSTOMER is supported.".to_owned(),
        ));
    }
    let pinpoint_app_arn = pinpoint_app_arn.unwrap_or_default();
    if !pinpoint_app_arn.starts_with("arn:") {
        return Err(invalid_parameter(
            "PinpointAppArn must be the ARN of an End User Messaging (Pinpoint) application."
                .to_owned(),
        ));
    }
    Ok(Registration {
        client_token,
        pinpoint_app_arn,
        device_token: device_token.unwrap_or_default(),
        device_type: device_type
            .as_deref()
            .and_then(DeviceType::from_name)
            .unwrap_or(DeviceType::Gcm),
        contact_id: contact_id.unwrap_or_default(),
        include_raw_message: include_raw_message.unwrap_or(false),
    })
}

fn create(state: &AppState, instance_id: &str, body: &[u8]) -> Result<Value, AwsError> {
    let request = read_registration(instance_id, body)?;
    check_instance(state, instance_id)?;
    if !state
        .config
        .push_application_arns
        .contains(&request.pinpoint_app_arn)
    {
        return Err(not_found(format!(
            "The push application {} is not configured for instance {instance_id}.",
            request.pinpoint_app_arn
        )));
    }
    let mut chats = state.chats();
    let contact = chats
        .contact_mut(&request.contact_id)
        .filter(|c| c.instance_id == instance_id)
        .ok_or_else(|| not_found(format!("Contact not found: {}", request.contact_id)))?;
    if !contact.is_active() {
        return Err(not_found(format!(
            "Contact {} has ended: no notifications are sent for it.",
            request.contact_id
        )));
    }
    if let Some(existing) = request.client_token.as_deref().and_then(|token| {
        contact
            .push_registrations
            .iter()
            .find(|r| r.client_token.as_deref() == Some(token))
    }) {
        return Ok(json!({ "RegistrationId": existing.registration_id }));
    }
    let registration_id = ids::random_uuid();
    contact.push_registrations.push(PushRegistration {
        registration_id: registration_id.clone(),
        device_type: request.device_type,
        device_token: request.device_token,
        include_raw_message: request.include_raw_message,
        client_token: request.client_token,
    });
    tracing::info!(contact_id = %request.contact_id, %registration_id, "push registration created");
    Ok(json!({ "RegistrationId": registration_id }))
}

fn delete(
    state: &AppState,
    instance_id: &str,
    registration_id: &str,
    contact_id: Option<&str>,
) -> Result<Value, AwsError> {
    let mut violations = Violations::default();
    violations.length("instanceId", instance_id, 1, 100);
    violations.length("registrationId", registration_id, 1, 256);
    violations.required("contactId", contact_id, 1, 256);
    if let Some(message) = violations.into_message() {
        return Err(invalid_parameter(message));
    }
    check_instance(state, instance_id)?;
    let contact_id = contact_id.unwrap_or_default();
    let mut chats = state.chats();
    let contact = chats
        .contact_mut(contact_id)
        .filter(|c| c.instance_id == instance_id)
        .ok_or_else(|| not_found(format!("Contact not found: {contact_id}")))?;
    let before = contact.push_registrations.len();
    contact
        .push_registrations
        .retain(|r| r.registration_id != registration_id);
    if contact.push_registrations.len() == before {
        return Err(not_found(format!(
            "Registration not found: {registration_id}"
        )));
    }
    tracing::info!(%contact_id, %registration_id, "push registration deleted");
    Ok(json!({}))
}
