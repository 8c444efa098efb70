//! Readers of the members that hold one value: the ids, the display name, the idempotency token, the
//! duration, the contact links, the disconnect and connection options.

use crate::chat::command::{ConnectionType, PersistentChat, RehydrationType, ResponseMode};
use crate::chat::display_name::display_name_problem;
use crate::chat::field::{FieldErrors, index_path, member, one_of, whole_number};
use crate::chat::idempotency::random_uuid;
use crate::chat::limits::{
    CHAT_DURATION_MINUTES_RANGE, CLIENT_TOKEN_MAX, CONNECTION_TYPES_MAX, CONTACT_ID_MAX,
    CUSTOMER_ID_MAX, DISPLAY_NAME_MAX, INSTANCE_ID_MAX,
};
use serde_json::{Map, Value};

/// Whether the body must carry `ParticipantDetails.DisplayName` (a signed token may supply it instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DisplayName {
    Required,
    Optional,
}

/// An id the server may default: `null` and `""` both mean "not given", because the official sample page
/// ships with empty `instanceId` / `contactFlowId` and AWS's sample backend reads "" as "use the default".
pub(super) fn optional_id<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    member(object, key).filter(|value| value.as_str() != Some(""))
}

/// `InstanceId`, or `ConnectInstanceId` as some mobile samples send it.
pub(super) fn instance_id(errors: &mut FieldErrors, root: &Map<String, Value>) -> Option<String> {
    let primary = optional_id(root, "InstanceId")
        .and_then(|v| errors.string("InstanceId", v, 1, INSTANCE_ID_MAX));
    let alias = optional_id(root, "ConnectInstanceId")
        .and_then(|v| errors.string("ConnectInstanceId", v, 1, INSTANCE_ID_MAX));
    match (primary, alias) {
        (Some(primary), Some(alias)) if primary != alias => {
            errors.add(
                "ConnectInstanceId",
                "must equal InstanceId when both are given",
            );
            None
        }
        (primary, alias) => primary.or(alias),
    }
}

pub(crate) fn customer_id(errors: &mut FieldErrors, root: &Map<String, Value>) -> Option<String> {
    member(root, "CustomerId").and_then(|v| errors.string("CustomerId", v, 1, CUSTOMER_ID_MAX))
}

pub(crate) fn related_contact_id(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Option<String> {
    member(root, "RelatedContactId")
        .and_then(|v| errors.string("RelatedContactId", v, 1, CONTACT_ID_MAX))
}

/// A chat continues one contact or is linked to one, not both.
pub(crate) fn one_contact_link(
    errors: &mut FieldErrors,
    persistent_chat: &Option<PersistentChat>,
    related_contact_id: &Option<String>,
) {
    if persistent_chat.is_some() && related_contact_id.is_some() {
        errors.add("RelatedContactId", "cannot be combined with PersistentChat");
    }
}

/// A token the browser makes up once per chat and repeats only when it retries that chat's start.
pub(super) fn client_token(errors: &mut FieldErrors, root: &Map<String, Value>) -> Option<String> {
    const PATH: &str = "ClientToken";
    let token = errors.string(PATH, member(root, PATH)?, 1, CLIENT_TOKEN_MAX)?;
    let uuid = random_uuid(&token);
    if uuid.is_none() {
        errors.add(
            PATH,
            "must be a random UUID (version 4) made for this chat, such as crypto.randomUUID() returns",
        );
    }
    uuid
}

/// `Ok(None)`: absent where that is allowed; `Err(())`: an error was recorded.
pub(crate) fn display_name(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
    required: DisplayName,
) -> Result<Option<String>, ()> {
    const PATH: &str = "ParticipantDetails.DisplayName";
    let name = member(root, "ParticipantDetails")
        .map(|details| errors.object("ParticipantDetails", details).ok_or(()))
        .transpose()?
        .and_then(|details| member(details, "DisplayName"));
    let Some(name) = name else {
        if required == DisplayName::Optional {
            return Ok(None);
        }
        errors.add(PATH, "is required");
        return Err(());
    };
    let name = errors.string(PATH, name, 1, DISPLAY_NAME_MAX).ok_or(())?;
    let problem = if name.trim().is_empty() {
        Some("must not be blank".to_owned())
    } else {
        display_name_problem(&name)
    };
    match problem {
        Some(problem) => {
            errors.add(PATH, problem);
            Err(())
        }
        None => Ok(Some(name)),
    }
}

pub(super) fn chat_duration(errors: &mut FieldErrors, root: &Map<String, Value>) -> Option<i32> {
    const PATH: &str = "ChatDurationInMinutes";
    let value = member(root, PATH)?;
    let Some(minutes) = whole_number(value) else {
        if value.is_number() {
            errors.add(PATH, "must be a whole number of minutes");
        } else {
            errors.wrong_type(PATH, "an integer", value);
        }
        return None;
    };
    let range = CHAT_DURATION_MINUTES_RANGE;
    let in_range = i32::try_from(minutes).ok().filter(|m| range.contains(m));
    if in_range.is_none() {
        errors.add(
            PATH,
            format!(
                "must be between {} and {} (it is {minutes})",
                range.start(),
                range.end()
            ),
        );
    }
    in_range
}

pub(crate) fn persistent_chat(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Option<PersistentChat> {
    const PATH: &str = "PersistentChat";
    let chat = errors.object(PATH, member(root, PATH)?)?;
    let rehydration_type = match member(chat, "RehydrationType") {
        None => {
            errors.add("PersistentChat.RehydrationType", "is required");
            None
        }
        Some(value) => {
            let text = errors.string("PersistentChat.RehydrationType", value, 1, 32);
            let parsed = text.as_deref().and_then(|text| {
                RehydrationType::ALL
                    .into_iter()
                    .find(|t| t.as_str() == text)
            });
            if text.is_some() && parsed.is_none() {
                errors.add(
                    "PersistentChat.RehydrationType",
                    one_of(&RehydrationType::ALL, RehydrationType::as_str),
                );
            }
            parsed
        }
    };
    let source_contact_id = match member(chat, "SourceContactId") {
        None => {
            errors.add("PersistentChat.SourceContactId", "is required");
            None
        }
        Some(value) => errors.string("PersistentChat.SourceContactId", value, 1, CONTACT_ID_MAX),
    };
    Some(PersistentChat {
        rehydration_type: rehydration_type?,
        source_contact_id: source_contact_id?,
    })
}

pub(super) fn disconnect_on_customer_exit(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> bool {
    const PATH: &str = "DisconnectOnCustomerExit";
    let Some(items) = member(root, PATH).and_then(|value| errors.array(PATH, value)) else {
        return false;
    };
    match items {
        [Value::String(participant)] if participant == "AGENT" => true,
        _ => {
            errors.add(PATH, "must be [\"AGENT\"]");
            false
        }
    }
}

pub(super) fn connection_types(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Vec<ConnectionType> {
    const PATH: &str = "ConnectionTypes";
    let Some(items) = member(root, PATH).and_then(|value| errors.array(PATH, value)) else {
        return Vec::new();
    };
    if items.is_empty() || items.len() > CONNECTION_TYPES_MAX {
        errors.add(
            PATH,
            format!("must list 1 to {CONNECTION_TYPES_MAX} connection types"),
        );
        return Vec::new();
    }
    let mut types = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let path = index_path(PATH, index);
        let parsed = item
            .as_str()
            .and_then(|text| ConnectionType::ALL.into_iter().find(|t| t.as_str() == text));
        match parsed {
            Some(connection_type) if types.contains(&connection_type) => {
                errors.add(path, "is listed twice");
            }
            Some(connection_type) => types.push(connection_type),
            None => errors.add(path, one_of(&ConnectionType::ALL, ConnectionType::as_str)),
        }
    }
    types
}

/// `ParticipantConfiguration.ResponseMode`; whether the server allows streaming is the policy's rule.
pub(super) fn response_mode(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Option<ResponseMode> {
    const PARENT: &str = "ParticipantConfiguration";
    const PATH: &str = "ParticipantConfiguration.ResponseMode";
    let configuration = errors.object(PARENT, member(root, PARENT)?)?;
    let value = member(configuration, "ResponseMode")?;
    let text = errors.string(PATH, value, 1, 32)?;
    let mode = ResponseMode::ALL
        .into_iter()
        .find(|mode| mode.as_str() == text);
    if mode.is_none() {
        errors.add(PATH, one_of(&ResponseMode::ALL, ResponseMode::as_str));
    }
    mode
}
