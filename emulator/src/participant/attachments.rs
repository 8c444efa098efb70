//! Attachments: StartAttachmentUpload / CompleteAttachmentUpload / GetAttachment, and the
//! "presigned" upload and download URLs, which the emulator serves itself
//! (`PUT|GET /attachments/{id}?token=...`, with CORS like the rest of this port).

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::request::{
    Call, ConnectionToken, Members, access_denied, check, conflict, not_connected, validation_error,
};
use crate::agent::{self, CustomerInput};
use crate::chat::attachment::{Attachment, Disposition, DownloadGrant};
use crate::chat::item::{AttachmentItem, Item, Role};
use crate::clock;
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::ids;
use crate::state::AppState;

/// The service's attachment size limit.
const MAX_ATTACHMENT_BYTES: i64 = 20 * 1024 * 1024;
const UPLOAD_URL_LIFETIME_MS: i64 = 5 * 60 * 1000;
/// File types Connect chat accepts.
const ATTACHMENT_CONTENT_TYPES: [&str; 18] = [
    "text/csv",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/pdf",
    "image/heic",
    "image/jpeg",
    "image/png",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/rtf",
    "text/plain",
    "audio/wav",
    "audio/x-wav",
    "audio/vnd.wave",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "video/mp4",
    "video/quicktime",
];

pub(crate) async fn start_upload(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let members = Members(&body);
    let content_type = members.string("ContentType")?;
    let size = members.integer("AttachmentSizeInBytes")?;
    let name = members.string("AttachmentName")?;
    let client_token = members.string("ClientToken")?;
    let mut violations = Violations::default();
    violations.required("contentType", content_type, 1, 255);
    match size {
        None => violations.not_null("attachmentSizeInBytes"),
        Some(size) => violations.range("attachmentSizeInBytes", size, 1, i64::MAX),
    }
    violations.required("attachmentName", name, 1, 256);
    violations.required("clientToken", client_token, 1, 500);
    check(violations)?;
    let (content_type, name, client_token) = (
        content_type.unwrap_or_default(),
        name.unwrap_or_default(),
        client_token.unwrap_or_default(),
    );
    let size = size.unwrap_or_default();
    if !ATTACHMENT_CONTENT_TYPES.contains(&content_type) {
        return Err(validation_error(format!(
            "Attachments of type {content_type} are not supported."
        )));
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(AwsError::participant(
            402,
            "ServiceQuotaExceededException",
            format!("The attachment is larger than the {MAX_ATTACHMENT_BYTES}-byte limit."),
        ));
    }

    let mut chats = state.chats();
    let contact = chats.participant_contact(&key).ok_or_else(not_connected)?;
    let contact_id = contact.contact_id.clone();
    let existing = chats
        .attachments
        .values()
        .find(|a| a.participant_id == key.participant_id && a.start_client_token == client_token);
    let attachment = match existing {
        Some(existing) => existing,
        None => {
            let attachment_id = ids::random_uuid();
            let upload_token = ids::url_safe_token(48);
            let upload_expires_ms = clock::system_now_ms() + UPLOAD_URL_LIFETIME_MS;
            let attachment = Attachment {
                upload_url: format!(
                    "{}/attachments/{attachment_id}?token={upload_token}",
                    state.participant_url
                ),
                upload_url_expiry: clock::iso8601_ms(upload_expires_ms),
                attachment_id: attachment_id.clone(),
                contact_id: contact_id.clone(),
                participant_id: key.participant_id.clone(),
                name: name.to_owned(),
                content_type: content_type.to_owned(),
                declared_size: u64::try_from(size).unwrap_or(0),
                start_client_token: client_token.to_owned(),
                upload_token,
                upload_expires_ms,
                data: None,
                complete_client_token: None,
                download_grants: Vec::new(),
            };
            chats.attachments.entry(attachment_id).or_insert(attachment)
        }
    };
    Ok(Json(json!({
        "AttachmentId": attachment.attachment_id,
        "UploadMetadata": {
            "Url": attachment.upload_url,
            "UrlExpiry": attachment.upload_url_expiry,
            // A non-safelisted header, like the real x-amz-meta-* ones: browsers preflight the PUT.
            "HeadersToInclude": {
                "Content-Type": attachment.content_type,
                "x-amz-meta-contact_id": attachment.contact_id,
            }
        }
    })))
}

pub(crate) async fn complete_upload(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let members = Members(&body);
    let ids_given = members.strings("AttachmentIds")?;
    let client_token = members.string("ClientToken")?;
    let mut violations = Violations::default();
    match &ids_given {
        None => violations.not_null("attachmentIds"),
        Some(list) if list.len() != 1 => violations.other(format!(
            "Value at 'attachmentIds' failed to satisfy constraint: Member must have length equal to 1 (got {})",
            list.len()
        )),
        Some(list) => violations.length("attachmentIds.1", list[0], 1, 256),
    }
    violations.required("clientToken", client_token, 1, 500);
    check(violations)?;
    let attachment_id = ids_given
        .and_then(|l| l.first().map(|id| (*id).to_owned()))
        .unwrap_or_default();
    let client_token = client_token.unwrap_or_default();

    let mut chats = state.chats();
    chats.participant_contact(&key).ok_or_else(not_connected)?;
    let attachment = chats
        .attachments
        .get_mut(&attachment_id)
        .filter(|a| a.contact_id == key.contact_id && a.participant_id == key.participant_id)
        .ok_or_else(|| {
            validation_error(format!(
                "Attachment {attachment_id} was not started by this participant."
            ))
        })?;
    match attachment.complete_client_token.as_deref() {
        Some(token) if token == client_token => return Ok(Json(json!({}))),
        Some(_) => {
            return Err(conflict(format!(
                "Attachment {attachment_id} is already completed."
            )));
        }
        None => {}
    }
    if attachment.data.is_none() {
        return Err(validation_error(format!(
            "Attachment {attachment_id} has not been uploaded to its upload URL."
        )));
    }
    attachment.complete_client_token = Some(client_token.to_owned());
    let attachment_item = AttachmentItem {
        content_type: attachment.content_type.clone(),
        attachment_id: attachment.attachment_id.clone(),
        attachment_name: attachment.name.clone(),
        status: "APPROVED",
    };
    let name = attachment.name.clone();
    let Some(contact) = chats.contact_mut(&key.contact_id) else {
        return Err(access_denied(
            "The participant is no longer connected to this chat.",
        ));
    };
    let Some(author) = contact.author(&key.participant_id).cloned() else {
        return Err(access_denied(
            "You do not have sufficient access to perform this action.",
        ));
    };
    let contact_id = contact.contact_id.clone();
    let item = contact.record(Item::attachment(&contact_id, &author, attachment_item));
    if author.role == Role::Customer {
        agent::customer_input(&state, contact, &item.id, CustomerInput::Attachment(name));
    }
    Ok(Json(json!({})))
}

pub(crate) async fn get_attachment(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let members = Members(&body);
    let attachment_id = members.string("AttachmentId")?;
    let expiry_secs = members.integer("UrlExpiryInSeconds")?;
    let disposition = members.string("UrlContentDisposition")?;
    let mut violations = Violations::default();
    violations.required("attachmentId", attachment_id, 1, 256);
    if let Some(secs) = expiry_secs {
        violations.range("urlExpiryInSeconds", secs, 5, 300);
    }
    if let Some(disposition) = disposition {
        violations.one_of(
            "urlContentDisposition",
            disposition,
            &["INLINE", "ATTACHMENT"],
        );
    }
    check(violations)?;
    let attachment_id = attachment_id.unwrap_or_default();

    let mut chats = state.chats();
    let attachment = chats
        .attachments
        .get_mut(attachment_id)
        .filter(|a| a.contact_id == key.contact_id && a.completed())
        .ok_or_else(|| {
            validation_error(format!(
                "Attachment {attachment_id} is not available in this chat."
            ))
        })?;
    let expires_ms = clock::system_now_ms() + expiry_secs.unwrap_or(300) * 1000;
    let token = ids::url_safe_token(48);
    attachment
        .download_grants
        .retain(|g| g.expires_ms > clock::system_now_ms());
    attachment.download_grants.push(DownloadGrant {
        token: token.clone(),
        expires_ms,
        disposition: if disposition == Some("INLINE") {
            Disposition::Inline
        } else {
            Disposition::Attachment
        },
    });
    Ok(Json(json!({
        "Url": format!("{}/attachments/{attachment_id}?token={token}", state.participant_url),
        "UrlExpiry": clock::iso8601_ms(expires_ms),
        "AttachmentSizeInBytes": attachment.declared_size,
    })))
}

/// The `token` query parameter of an attachment URL (URL-safe characters only, so no decoding).
fn url_token(uri: &Uri) -> String {
    uri.query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .unwrap_or("")
        .to_owned()
}

fn plain_error(status: u16, code: &'static str, message: &str) -> Response {
    AwsError::generic(status, code, message).into_response()
}

/// The upload URL: `PUT` the file with the headers StartAttachmentUpload listed.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    attachment_id: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let attachment_id = attachment_id.map(|Path(id)| id).unwrap_or_default();
    let token = url_token(&uri);
    let (declared_size, content_type) = {
        let chats = state.chats();
        let Some(attachment) = chats.attachments.get(&attachment_id) else {
            return plain_error(404, "NoSuchKey", "The specified key does not exist.");
        };
        if attachment.upload_token != token
            || attachment.upload_expires_ms < clock::system_now_ms()
            || attachment.completed()
        {
            return plain_error(
                403,
                "AccessDenied",
                "Request has expired or the signature does not match.",
            );
        }
        (attachment.declared_size, attachment.content_type.clone())
    };
    let sent_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if sent_type != content_type {
        return plain_error(
            403,
            "SignatureDoesNotMatch",
            "Content-Type must be the one in HeadersToInclude.",
        );
    }
    let limit = usize::try_from(declared_size).unwrap_or(usize::MAX);
    let Ok(data) = to_bytes(body, limit).await else {
        return plain_error(
            400,
            "EntityTooLarge",
            "The body is larger than AttachmentSizeInBytes.",
        );
    };
    if data.len() as u64 != declared_size {
        return plain_error(
            400,
            "IncompleteBody",
            "The body size differs from AttachmentSizeInBytes.",
        );
    }
    if let Some(attachment) = state.chats().attachments.get_mut(&attachment_id) {
        attachment.data = Some(data);
    }
    let mut response = StatusCode::OK.into_response();
    response
        .headers_mut()
        .insert(header::ETAG, HeaderValue::from_static("\"emulator\""));
    response
}

/// The download URL from GetAttachment.
pub(crate) async fn download(
    State(state): State<Arc<AppState>>,
    attachment_id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    let attachment_id = attachment_id.map(|Path(id)| id).unwrap_or_default();
    let token = url_token(&uri);
    let chats = state.chats();
    let Some(attachment) = chats.attachments.get(&attachment_id) else {
        return plain_error(404, "NoSuchKey", "The specified key does not exist.");
    };
    let now = clock::system_now_ms();
    let Some(grant) = attachment
        .download_grants
        .iter()
        .find(|g| g.token == token && g.expires_ms > now)
    else {
        return plain_error(
            403,
            "AccessDenied",
            "Request has expired or the signature does not match.",
        );
    };
    let data: Bytes = attachment.data.clone().unwrap_or_default();
    let disposition = match grant.disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let file_name: String = attachment
        .name
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    let mut response = data.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&attachment.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let disposition_value = format!(
        "{disposition}; filename=\"{}\"",
        file_name.replace(|c: char| !c.is_ascii(), "_")
    );
    if let Ok(value) = HeaderValue::from_str(&disposition_value) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
