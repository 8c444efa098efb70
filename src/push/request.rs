//! The wire format of the two push routes: a JSON body becomes a request within Connect's limits, or a
//! [`PushRejection`] naming every offending field. As for the start, unknown members are ignored, `null`
//! counts as absent and a member named twice is refused.

use super::command::{REGISTRATION_ID_RULE, RegistrationId};
use super::device::{DeviceToken, DeviceType};
use super::rejection::PushRejection;
use crate::chat::{
    CONTACT_ID_MAX, CONTINUATION_TOKEN_MAX, FieldErrors, INSTANCE_ID_MAX, member, one_of,
    parse_json_object, random_uuid,
};
use serde_json::{Map, Value};

/// `POST …/push-registrations`, read.
#[derive(Debug)]
pub(super) struct RegisterRequest {
    pub contact_id: String,
    pub device_type: DeviceType,
    pub device_token: DeviceToken,
    pub instance_id: Option<String>,
    pub include_raw_message: Option<bool>,
    /// The caller's random UUID, lowercase.
    pub client_token: Option<String>,
    pub continuation_token: Option<String>,
}

/// `DELETE …/push-registrations/{RegistrationId}`, read.
#[derive(Debug)]
pub(super) struct RemoveRequest {
    pub registration_id: RegistrationId,
    pub contact_id: String,
    pub instance_id: Option<String>,
    pub continuation_token: Option<String>,
}

pub(super) fn parse_register(body: &[u8]) -> Result<RegisterRequest, PushRejection> {
    let root = parse_json_object(body).map_err(PushRejection::InvalidJson)?;
    let mut fields = Fields::new(&root);
    let contact_id = fields.required_string("ContactId", CONTACT_ID_MAX);
    let device_type = fields.device_type();
    let device_token = fields.device_token(device_type);
    let instance_id = fields.instance_id();
    let include_raw_message = fields.boolean("IncludeRawMessage");
    let client_token = fields.client_token();
    let continuation_token = fields.continuation_token();
    match (contact_id, device_type, device_token) {
        (Some(contact_id), Some(device_type), Some(device_token)) if fields.errors.is_empty() => {
            Ok(RegisterRequest {
                contact_id,
                device_type,
                device_token,
                instance_id,
                include_raw_message,
                client_token,
                continuation_token,
            })
        }
        _ => Err(PushRejection::Invalid(fields.errors.into_vec())),
    }
}

/// `registration_id` is the path's last segment, decoded.
pub(super) fn parse_remove(
    registration_id: &str,
    body: &[u8],
) -> Result<RemoveRequest, PushRejection> {
    let root = parse_json_object(body).map_err(PushRejection::InvalidJson)?;
    let mut fields = Fields::new(&root);
    let id = RegistrationId::parse(registration_id);
    if id.is_none() {
        fields.errors.add("RegistrationId", REGISTRATION_ID_RULE);
    }
    let contact_id = fields.required_string("ContactId", CONTACT_ID_MAX);
    let instance_id = fields.instance_id();
    let continuation_token = fields.continuation_token();
    match (id, contact_id) {
        (Some(registration_id), Some(contact_id)) if fields.errors.is_empty() => {
            Ok(RemoveRequest {
                registration_id,
                contact_id,
                instance_id,
                continuation_token,
            })
        }
        _ => Err(PushRejection::Invalid(fields.errors.into_vec())),
    }
}

/// Reads the members of one object, reporting to the start's field-error collector.
struct Fields<'a> {
    root: &'a Map<String, Value>,
    errors: FieldErrors,
}

impl<'a> Fields<'a> {
    fn new(root: &'a Map<String, Value>) -> Self {
        Self {
            root,
            errors: FieldErrors::default(),
        }
    }

    fn member(&self, key: &str) -> Option<&'a Value> {
        member(self.root, key)
    }

    /// The text of a string member, whatever its length; `None` (and a field error) for another type.
    fn text(&mut self, path: &str) -> Option<&'a str> {
        match self.member(path)? {
            Value::String(text) => Some(text),
            other => {
                self.errors.wrong_type(path, "a string", other);
                None
            }
        }
    }

    fn string(&mut self, path: &str, max: usize) -> Option<String> {
        let value = self.member(path)?;
        self.errors.string(path, value, 1, max)
    }

    fn required_string(&mut self, path: &str, max: usize) -> Option<String> {
        if self.member(path).is_none() {
            self.errors.add(path, "is required");
            return None;
        }
        self.string(path, max)
    }

    fn boolean(&mut self, path: &str) -> Option<bool> {
        match self.member(path)? {
            Value::Bool(flag) => Some(*flag),
            other => {
                self.errors.wrong_type(path, "true or false", other);
                None
            }
        }
    }

    /// As for the start, `""` means the server's default instance.
    fn instance_id(&mut self) -> Option<String> {
        const PATH: &str = "InstanceId";
        if self.member(PATH).and_then(Value::as_str) == Some("") {
            return None;
        }
        self.string(PATH, INSTANCE_ID_MAX)
    }

    fn device_type(&mut self) -> Option<DeviceType> {
        const PATH: &str = "DeviceType";
        if self.member(PATH).is_none() {
            self.errors.add(PATH, "is required");
            return None;
        }
        let name = self.text(PATH)?;
        let device_type = DeviceType::from_wire(name);
        if device_type.is_none() {
            self.errors
                .add(PATH, one_of(&DeviceType::ALL, DeviceType::as_str));
        }
        device_type
    }

    /// Checked against the device type when that is readable; the message never quotes the token.
    fn device_token(&mut self, device_type: Option<DeviceType>) -> Option<DeviceToken> {
        const PATH: &str = "DeviceToken";
        if self.member(PATH).is_none() {
            self.errors.add(PATH, "is required");
            return None;
        }
        let text = self.text(PATH)?;
        let checked = match device_type {
            Some(kind) => DeviceToken::parse(text, kind).map(Some),
            None => DeviceToken::check(text, None).map(|()| None),
        };
        checked.unwrap_or_else(|problem| {
            self.errors.add(PATH, problem.message());
            None
        })
    }

    fn client_token(&mut self) -> Option<String> {
        const PATH: &str = "ClientToken";
        let text = self.text(PATH)?;
        let uuid = random_uuid(text);
        if uuid.is_none() {
            self.errors.add(
                PATH,
                "must be a random UUID (version 4) made for this registration, such as UUID().uuidString or UUID.randomUUID() returns",
            );
        }
        uuid
    }

    fn continuation_token(&mut self) -> Option<String> {
        self.string("ContinuationToken", CONTINUATION_TOKEN_MAX)
    }
}
