//! Building responses: JSON, never cached, CORS on every one of them.

use super::cors::{OriginCheck, apply_response_headers};
use super::message::HttpResponse;
use crate::chat::{Secret, StartedChat};
use crate::push::RegistrationId;
use serde::Serialize;

/// A JSON response with the headers every answer of this API carries.
pub(crate) fn json_response(
    status: u16,
    body: &impl Serialize,
    origin: &OriginCheck,
) -> HttpResponse {
    // Serializing our own plain structs cannot fail; the fallback keeps the promise of a JSON body anyway.
    let (status, text) = match serde_json::to_string(body) {
        Ok(text) => (status, text),
        Err(_) => (
            500,
            r#"{"error":{"code":"INTERNAL_ERROR","message":"The response could not be encoded."}}"#
                .to_owned(),
        ),
    };
    let mut headers = vec![
        ("content-type", "application/json".to_owned()),
        // Answers carry tokens: no cache may keep them.
        ("cache-control", "no-store".to_owned()),
        ("x-content-type-options", "nosniff".to_owned()),
    ];
    apply_response_headers(origin, &mut headers);
    HttpResponse {
        status,
        headers,
        body: Some(text),
    }
}

/// What the page's widget may switch on.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FeaturePermissions {
    #[serde(rename = "MESSAGING_MARKDOWN")]
    pub messaging_markdown: bool,
    #[serde(rename = "ATTACHMENTS")]
    pub attachments: bool,
}

/// The success body: the envelope the official widget reads (`data.startChatResult`), plus the flat
/// StartChatContact output that clients following the AWS SDK guide read.
#[derive(Serialize)]
pub(crate) struct StartChatBody<'a> {
    data: StartChatData<'a>,
    #[serde(flatten)]
    flat: FlatResult<'a>,
    /// Proof for continuing this chat later (persistent chat), when a server secret is configured.
    #[serde(rename = "ContinuationToken", skip_serializing_if = "Option::is_none")]
    continuation_token: Option<&'a Secret>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartChatData<'a> {
    start_chat_result: StartChatResult<'a>,
    feature_permissions: FeaturePermissions,
    #[serde(skip_serializing_if = "Option::is_none")]
    continuation_token: Option<&'a Secret>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FlatResult<'a> {
    contact_id: &'a str,
    participant_id: &'a str,
    participant_token: &'a Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    continued_from_contact_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StartChatResult<'a> {
    #[serde(flatten)]
    ids: FlatResult<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_credentials: Option<ConnectionCredentialsBody<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    websocket: Option<WebsocketBody<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConnectionCredentialsBody<'a> {
    connection_token: &'a Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WebsocketBody<'a> {
    url: &'a Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_expiry: Option<&'a str>,
}

impl<'a> StartChatBody<'a> {
    pub(crate) fn new(
        chat: &'a StartedChat,
        feature_permissions: FeaturePermissions,
        continuation_token: Option<&'a Secret>,
    ) -> Self {
        let ids = || FlatResult {
            contact_id: &chat.contact_id,
            participant_id: &chat.participant_id,
            participant_token: &chat.participant_token,
            continued_from_contact_id: chat.continued_from_contact_id.as_deref(),
        };
        Self {
            data: StartChatData {
                start_chat_result: StartChatResult {
                    ids: ids(),
                    connection_credentials: chat.connection_credentials.as_ref().map(|c| {
                        ConnectionCredentialsBody {
                            connection_token: &c.connection_token,
                            expiry: c.expiry.as_deref(),
                        }
                    }),
                    websocket: chat.websocket.as_ref().map(|w| WebsocketBody {
                        url: &w.url,
                        connection_expiry: w.connection_expiry.as_deref(),
                    }),
                },
                feature_permissions,
                continuation_token,
            },
            flat: ids(),
            continuation_token,
        }
    }
}

/// A push registration's answer: the id its removal names.
#[derive(Serialize)]
pub(crate) struct RegisteredBody<'a> {
    #[serde(rename = "RegistrationId")]
    registration_id: &'a str,
}

impl<'a> RegisteredBody<'a> {
    pub(crate) fn new(registration_id: &'a RegistrationId) -> Self {
        Self {
            registration_id: registration_id.as_str(),
        }
    }
}
