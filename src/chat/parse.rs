//! The wire format: a JSON body becomes a [`ChatRequest`] that respects every limit of the service, or a
//! [`Rejection`] naming every offending field. Unknown top-level members (such as the widget's
//! `Username`) are ignored; JSON `null` counts as absent.

use super::command::{
    ChatMessage, ConnectionType, ContentType, PersistentChat, RehydrationType, SegmentValue,
};
use super::continuation::ContinuationRefusal;
use super::display_name::display_name_problem;
use super::field::{FieldError, index_path, member_path};
use super::idempotency::random_uuid;
use super::limits::*;
use super::names::{KEY_CHARS, is_key_char};
use super::strict_json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why a request body cannot become a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not JSON, or not a JSON object. The detail names a position, never the content.
    InvalidJson(String),
    /// Every field that breaks a rule.
    Invalid(Vec<FieldError>),
    /// An instance the server does not allow browsers to name.
    InstanceNotAllowed,
    /// A flow (or alias) the server does not allow browsers to name.
    ContactFlowNotAllowed,
    /// `PersistentChat` from a browser that may not continue contacts.
    PersistentChatNotAllowed(LinkRefusal),
    /// `RelatedContactId` likewise: Connect copies the related contact's attributes into the new one.
    RelatedContactNotAllowed(LinkRefusal),
    /// Continuing or linking a contact needs the continuation token this service gave for it.
    ContinuationTokenRequired,
    ContinuationTokenInvalid(ContinuationRefusal),
}

/// Why a browser may not name a contact to continue or link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Persistent chat is switched off on the server.
    SwitchedOff,
    /// Customers are signed: only the website's token may name the contact.
    SignedOnly,
}

/// A request that respects the service's limits, before the server's policy is applied.
#[derive(Debug)]
pub(super) struct ChatRequest {
    pub instance_id: Option<String>,
    pub contact_flow_id: Option<String>,
    /// `None` only when the name was optional (a signed token supplies it).
    pub display_name: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub initial_message: Option<ChatMessage>,
    pub supported_messaging_content_types: Option<Vec<ContentType>>,
    pub chat_duration_minutes: Option<i32>,
    pub persistent_chat: Option<PersistentChat>,
    pub related_contact_id: Option<String>,
    pub customer_id: Option<String>,
    pub client_token: Option<String>,
    pub segment_attributes: BTreeMap<String, SegmentValue>,
    pub disconnect_agent_on_customer_exit: bool,
    pub connection_types: Vec<ConnectionType>,
    /// Proof, signed by this service, that the browser may continue or link the contact it names.
    pub continuation_token: Option<String>,
}

/// Whether the body must carry `ParticipantDetails.DisplayName` (a signed token may supply it instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DisplayName {
    Required,
    Optional,
}

pub(super) fn parse_request(body: &[u8], name: DisplayName) -> Result<ChatRequest, Rejection> {
    let root = parse_object(body).map_err(Rejection::InvalidJson)?;
    let mut fields = Fields::default();
    let instance_id = fields.instance_id(&root);
    let contact_flow_id = optional_id(&root, "ContactFlowId")
        .and_then(|v| fields.string("ContactFlowId", v, 1, CONTACT_FLOW_ID_MAX));
    let display_name = fields.display_name(&root, name);
    let attributes = fields.attributes(&root);
    let initial_message = fields.initial_message(&root);
    let supported_messaging_content_types = fields.content_types(&root);
    let chat_duration_minutes = fields.chat_duration(&root);
    let persistent_chat = fields.persistent_chat(&root);
    let related_contact_id = member(&root, "RelatedContactId")
        .and_then(|v| fields.string("RelatedContactId", v, 1, CONTACT_ID_MAX));
    if persistent_chat.is_some() && related_contact_id.is_some() {
        fields.error("RelatedContactId", "cannot be combined with PersistentChat");
    }
    let customer_id = member(&root, "CustomerId")
        .and_then(|v| fields.string("CustomerId", v, 1, CUSTOMER_ID_MAX));
    let client_token = fields.client_token(&root);
    let segment_attributes = fields.segment_attributes(&root);
    let disconnect_agent_on_customer_exit = fields.disconnect_on_customer_exit(&root);
    let connection_types = fields.connection_types(&root);
    let continuation_token = member(&root, "ContinuationToken")
        .and_then(|v| fields.string("ContinuationToken", v, 1, CONTINUATION_TOKEN_MAX));

    match display_name {
        Ok(display_name) if fields.errors.is_empty() => Ok(ChatRequest {
            instance_id,
            contact_flow_id,
            display_name,
            attributes,
            initial_message,
            supported_messaging_content_types,
            chat_duration_minutes,
            persistent_chat,
            related_contact_id,
            customer_id,
            client_token,
            segment_attributes,
            disconnect_agent_on_customer_exit,
            connection_types,
            continuation_token,
        }),
        _ => Err(Rejection::Invalid(fields.errors)),
    }
}

/// What a signed customer token may state, validated with the same rules as the body's members.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct ClaimedFacts {
    pub customer_id: Option<String>,
    pub display_name: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub segment_attributes: BTreeMap<String, SegmentValue>,
    pub persistent_chat: Option<PersistentChat>,
    pub related_contact_id: Option<String>,
}

/// Token claim → the body member whose rules apply to it.
const CLAIM_MEMBERS: [(&str, &str); 6] = [
    ("sub", "CustomerId"),
    ("displayName", "ParticipantDetails"),
    ("attributes", "Attributes"),
    ("segmentAttributes", "SegmentAttributes"),
    ("persistentChat", "PersistentChat"),
    ("relatedContactId", "RelatedContactId"),
];

/// Reads a token's claims as if they were the body's members, so the same limits apply; field paths
/// name the claims (`attributes.plan`, `displayName`).
pub(super) fn parse_claims(payload: &Map<String, Value>) -> Result<ClaimedFacts, Vec<FieldError>> {
    let mut root = Map::new();
    for (claim, body_member) in CLAIM_MEMBERS {
        let Some(value) = member(payload, claim) else {
            continue;
        };
        let value = match claim {
            "displayName" => serde_json::json!({ "DisplayName": value }),
            _ => value.clone(),
        };
        root.insert(body_member.to_owned(), value);
    }
    let mut fields = Fields::default();
    let facts = ClaimedFacts {
        customer_id: member(&root, "CustomerId")
            .and_then(|v| fields.string("CustomerId", v, 1, CUSTOMER_ID_MAX)),
        display_name: fields
            .display_name(&root, DisplayName::Optional)
            .ok()
            .flatten(),
        attributes: fields.attributes(&root),
        segment_attributes: fields.segment_attributes(&root),
        persistent_chat: fields.persistent_chat(&root),
        related_contact_id: member(&root, "RelatedContactId")
            .and_then(|v| fields.string("RelatedContactId", v, 1, CONTACT_ID_MAX)),
    };
    if facts.persistent_chat.is_some() && facts.related_contact_id.is_some() {
        fields.error("RelatedContactId", "cannot be combined with PersistentChat");
    }
    if fields.errors.is_empty() {
        Ok(facts)
    } else {
        Err(fields.errors.into_iter().map(claim_path).collect())
    }
}

fn claim_path(mut error: FieldError) -> FieldError {
    let renamed = [("ParticipantDetails.DisplayName", "displayName")]
        .into_iter()
        .chain(
            CLAIM_MEMBERS
                .iter()
                .map(|(claim, member)| (*member, *claim)),
        )
        .find_map(|(member, claim)| {
            error
                .path
                .strip_prefix(member)
                .map(|rest| format!("{claim}{rest}"))
        });
    if let Some(path) = renamed {
        error.path = path;
    }
    error
}

/// Parses a JSON object, refusing duplicate member names at any depth: a proxy or firewall that reads
/// the first of two members and this service the last would not be judging the same request.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    let value = strict_json::from_slice(body)?;
    match value {
        Value::Object(root) => Ok(root),
        other => Err(format!(
            "the body must be a JSON object, not {}",
            kind(&other)
        )),
    }
}

/// A JSON number that is a whole number, however it is written (`120`, `120.0`, `1.2e2`): JSON has one
/// number type, and JSON Schema counts these as integers.
fn whole_number(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        // Within ±2^53 a float is exact, and every limit here is far smaller.
        (float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0).then_some(float as i64)
    })
}

/// A member of an object, with `null` read as absent.
fn member<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    object.get(key).filter(|value| !value.is_null())
}

/// An id the server may default: `null` and `""` both mean "not given", because the official sample page
/// ships with empty `instanceId` / `contactFlowId` and AWS's sample backend reads "" as "use the default".
fn optional_id<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    member(object, key).filter(|value| value.as_str() != Some(""))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn one_of<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> String {
    let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
    format!("must be one of: {}", names.join(", "))
}

/// Collects every field error instead of stopping at the first.
#[derive(Default)]
struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, value: &Value) {
        self.error(
            path,
            format!("must be {expected}, not {kind}", kind = kind(value)),
        );
    }

    /// A string of `min..=max` characters.
    fn string(&mut self, path: &str, value: &Value, min: usize, max: usize) -> Option<String> {
        let Value::String(text) = value else {
            self.wrong_type(path, "a string", value);
            return None;
        };
        let length = text.chars().count();
        if length < min {
            self.error(path, "must not be empty");
            None
        } else if length > max {
            self.error(
                path,
                format!("must be at most {max} characters long (it has {length})"),
            );
            None
        } else {
            Some(text.clone())
        }
    }

    fn object<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.wrong_type(path, "an object", other);
                None
            }
        }
    }

    fn array<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(path, "an array", other);
                None
            }
        }
    }

    /// `InstanceId`, or `ConnectInstanceId` as some mobile samples send it.
    fn instance_id(&mut self, root: &Map<String, Value>) -> Option<String> {
        let primary = optional_id(root, "InstanceId")
            .and_then(|v| self.string("InstanceId", v, 1, INSTANCE_ID_MAX));
        let alias = optional_id(root, "ConnectInstanceId")
            .and_then(|v| self.string("ConnectInstanceId", v, 1, INSTANCE_ID_MAX));
        match (primary, alias) {
            (Some(primary), Some(alias)) if primary != alias => {
                self.error(
                    "ConnectInstanceId",
                    "must equal InstanceId when both are given",
                );
                None
            }
            (primary, alias) => primary.or(alias),
        }
    }

    /// A token the browser makes up once per chat and repeats only when it retries that chat's start.
    fn client_token(&mut self, root: &Map<String, Value>) -> Option<String> {
        const PATH: &str = "ClientToken";
        let token = self.string(PATH, member(root, PATH)?, 1, CLIENT_TOKEN_MAX)?;
        let uuid = random_uuid(&token);
        if uuid.is_none() {
            self.error(
                PATH,
                "must be a random UUID (version 4) made for this chat, such as crypto.randomUUID() returns",
            );
        }
        uuid
    }

    /// `Ok(None)`: absent where that is allowed; `Err(())`: an error was recorded.
    fn display_name(
        &mut self,
        root: &Map<String, Value>,
        required: DisplayName,
    ) -> Result<Option<String>, ()> {
        const PATH: &str = "ParticipantDetails.DisplayName";
        let name = member(root, "ParticipantDetails")
            .map(|details| self.object("ParticipantDetails", details).ok_or(()))
            .transpose()?
            .and_then(|details| member(details, "DisplayName"));
        let Some(name) = name else {
            if required == DisplayName::Optional {
                return Ok(None);
            }
            self.error(PATH, "is required");
            return Err(());
        };
        let name = self.string(PATH, name, 1, DISPLAY_NAME_MAX).ok_or(())?;
        let problem = if name.trim().is_empty() {
            Some("must not be blank".to_owned())
        } else {
            display_name_problem(&name)
        };
        match problem {
            Some(problem) => {
                self.error(PATH, problem);
                Err(())
            }
            None => Ok(Some(name)),
        }
    }

    fn attributes(&mut self, root: &Map<String, Value>) -> BTreeMap<String, String> {
        let mut attributes = BTreeMap::new();
        let Some(value) = member(root, "Attributes") else {
            return attributes;
        };
        let Some(object) = self.object("Attributes", value) else {
            return attributes;
        };
        let mut total_bytes = 0;
        for (key, value) in object {
            let path = member_path("Attributes", key);
            total_bytes += key.len();
            let key_length = key.chars().count();
            if key_length == 0 {
                self.error(path.clone(), "attribute keys must not be empty");
            } else if key_length > ATTRIBUTE_KEY_MAX {
                self.error(
                    path.clone(),
                    format!("attribute keys must be at most {ATTRIBUTE_KEY_MAX} characters long"),
                );
            } else if !key.chars().all(is_key_char) {
                self.error(
                    path.clone(),
                    format!("attribute keys may contain only {KEY_CHARS}"),
                );
            }
            match value {
                Value::String(text) => {
                    total_bytes += text.len();
                    if let Some(text) = self.string(&path, value, 0, ATTRIBUTE_VALUE_MAX) {
                        attributes.insert(key.clone(), text);
                    }
                }
                other => self.wrong_type(&path, "a string", other),
            }
        }
        if total_bytes > ATTRIBUTES_TOTAL_BYTES_MAX {
            self.error(
                "Attributes",
                format!(
                    "keys and values together must be at most {ATTRIBUTES_TOTAL_BYTES_MAX} bytes of UTF-8 (they have {total_bytes})"
                ),
            );
        }
        attributes
    }

    fn content_type(&mut self, path: &str, value: &Value) -> Option<ContentType> {
        let text = self.string(path, value, 1, MESSAGE_CONTENT_TYPE_MAX)?;
        // The widget splits a comma-separated page setting; "text/plain, text/markdown" is common.
        let parsed = ContentType::parse(text.trim());
        if parsed.is_none() {
            self.error(path, one_of(&ContentType::ALL, ContentType::as_str));
        }
        parsed
    }

    fn content_types(&mut self, root: &Map<String, Value>) -> Option<Vec<ContentType>> {
        const PATH: &str = "SupportedMessagingContentTypes";
        let items = self.array(PATH, member(root, PATH)?)?;
        if items.is_empty() {
            self.error(PATH, "must not be empty");
            return None;
        }
        let mut types = Vec::with_capacity(items.len());
        let mut valid = true;
        for (index, item) in items.iter().enumerate() {
            let path = index_path(PATH, index);
            match self.content_type(&path, item) {
                Some(content_type) if types.contains(&content_type) => {
                    self.error(path, "is listed twice");
                    valid = false;
                }
                Some(content_type) => types.push(content_type),
                None => valid = false,
            }
        }
        if valid && !types.contains(&ContentType::Plain) {
            self.error(PATH, "must include text/plain");
            valid = false;
        }
        valid.then_some(types)
    }

    fn initial_message(&mut self, root: &Map<String, Value>) -> Option<ChatMessage> {
        const PATH: &str = "InitialMessage";
        let message = self.object(PATH, member(root, PATH)?)?;
        let content_type = match member(message, "ContentType") {
            None => {
                self.error("InitialMessage.ContentType", "is required");
                None
            }
            Some(value) => self
                .content_type("InitialMessage.ContentType", value)
                .filter(|content_type| {
                    let allowed = content_type.is_customer_message_type();
                    if !allowed {
                        self.error(
                            "InitialMessage.ContentType",
                            "interactive messages come from flows, not from the customer",
                        );
                    }
                    allowed
                }),
        };
        let content = match member(message, "Content") {
            None => {
                self.error("InitialMessage.Content", "is required");
                None
            }
            Some(value) => self
                .string("InitialMessage.Content", value, 1, MESSAGE_CONTENT_MAX)
                .filter(|content| {
                    let blank = content.trim().is_empty();
                    if blank {
                        self.error("InitialMessage.Content", "must not be blank");
                    }
                    !blank
                }),
        };
        Some(ChatMessage {
            content_type: content_type?,
            content: content?,
        })
    }

    fn chat_duration(&mut self, root: &Map<String, Value>) -> Option<i32> {
        const PATH: &str = "ChatDurationInMinutes";
        let value = member(root, PATH)?;
        let Some(minutes) = whole_number(value) else {
            if value.is_number() {
                self.error(PATH, "must be a whole number of minutes");
            } else {
                self.wrong_type(PATH, "an integer", value);
            }
            return None;
        };
        if !(CHAT_DURATION_MINUTES_MIN..=CHAT_DURATION_MINUTES_MAX).contains(&minutes) {
            self.error(
                PATH,
                format!(
                    "must be between {CHAT_DURATION_MINUTES_MIN} and {CHAT_DURATION_MINUTES_MAX} (it is {minutes})"
                ),
            );
            return None;
        }
        i32::try_from(minutes).ok()
    }

    fn persistent_chat(&mut self, root: &Map<String, Value>) -> Option<PersistentChat> {
        const PATH: &str = "PersistentChat";
        let chat = self.object(PATH, member(root, PATH)?)?;
        let rehydration_type = match member(chat, "RehydrationType") {
            None => {
                self.error("PersistentChat.RehydrationType", "is required");
                None
            }
            Some(value) => {
                let text = self.string("PersistentChat.RehydrationType", value, 1, 32);
                let parsed = text.as_deref().and_then(|text| {
                    RehydrationType::ALL
                        .into_iter()
                        .find(|t| t.as_str() == text)
                });
                if text.is_some() && parsed.is_none() {
                    self.error(
                        "PersistentChat.RehydrationType",
                        one_of(&RehydrationType::ALL, RehydrationType::as_str),
                    );
                }
                parsed
            }
        };
        let source_contact_id = match member(chat, "SourceContactId") {
            None => {
                self.error("PersistentChat.SourceContactId", "is required");
                None
            }
            Some(value) => self.string("PersistentChat.SourceContactId", value, 1, CONTACT_ID_MAX),
        };
        Some(PersistentChat {
            rehydration_type: rehydration_type?,
            source_contact_id: source_contact_id?,
        })
    }

    fn segment_attributes(&mut self, root: &Map<String, Value>) -> BTreeMap<String, SegmentValue> {
        const PATH: &str = "SegmentAttributes";
        let Some(object) = member(root, PATH).and_then(|value| self.object(PATH, value)) else {
            return BTreeMap::new();
        };
        self.segment_map(PATH, object, 1).unwrap_or_default()
    }

    fn segment_map(
        &mut self,
        path: &str,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Option<BTreeMap<String, SegmentValue>> {
        if object.len() > SEGMENT_ENTRIES_MAX {
            self.error(
                path,
                format!("must have at most {SEGMENT_ENTRIES_MAX} entries"),
            );
            return None;
        }
        let mut map = BTreeMap::new();
        let mut valid = true;
        for (key, value) in object {
            let entry_path = member_path(path, key);
            let length = key.chars().count();
            if length == 0 || length > SEGMENT_ATTRIBUTE_KEY_MAX {
                self.error(
                    entry_path,
                    format!("keys must be 1 to {SEGMENT_ATTRIBUTE_KEY_MAX} characters long"),
                );
                valid = false;
                continue;
            }
            match self.segment_value(&entry_path, value, depth) {
                Some(value) => {
                    map.insert(key.clone(), value);
                }
                None => valid = false,
            }
        }
        valid.then_some(map)
    }

    /// Exactly one of `ValueString`, `ValueInteger`, `ValueArn`, `ValueMap`, `ValueList`.
    fn segment_value(&mut self, path: &str, value: &Value, depth: usize) -> Option<SegmentValue> {
        const MEMBERS: [&str; 5] = [
            "ValueString",
            "ValueInteger",
            "ValueArn",
            "ValueMap",
            "ValueList",
        ];
        let object = self.object(path, value)?;
        let present: Vec<&str> = MEMBERS
            .into_iter()
            .filter(|name| member(object, name).is_some())
            .collect();
        let [name] = present.as_slice() else {
            self.error(
                path,
                format!("must have exactly one of {}", MEMBERS.join(", ")),
            );
            return None;
        };
        let member_value = member(object, name)?;
        let value_path = member_path(path, name);
        match *name {
            "ValueString" => self
                .string(&value_path, member_value, 0, SEGMENT_VALUE_STRING_MAX)
                .map(SegmentValue::String),
            "ValueArn" => {
                let arn = self.string(&value_path, member_value, 1, SEGMENT_VALUE_ARN_MAX)?;
                if !arn.starts_with("arn:") {
                    self.error(value_path, "must be an ARN (arn:…)");
                    return None;
                }
                Some(SegmentValue::Arn(arn))
            }
            "ValueInteger" => {
                let integer = whole_number(member_value).and_then(|n| i32::try_from(n).ok());
                if integer.is_none() {
                    self.error(value_path, "must be a 32-bit integer");
                }
                integer.map(SegmentValue::Integer)
            }
            _ if depth >= SEGMENT_VALUE_DEPTH_MAX => {
                self.error(
                    value_path,
                    format!("nests deeper than {SEGMENT_VALUE_DEPTH_MAX} levels"),
                );
                None
            }
            "ValueMap" => {
                let object = self.object(&value_path, member_value)?;
                self.segment_map(&value_path, object, depth + 1)
                    .map(SegmentValue::Map)
            }
            _ => {
                let items = self.array(&value_path, member_value)?;
                if items.len() > SEGMENT_ENTRIES_MAX {
                    self.error(
                        value_path,
                        format!("must have at most {SEGMENT_ENTRIES_MAX} entries"),
                    );
                    return None;
                }
                let mut list = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    list.push(self.segment_value(&index_path(&value_path, index), item, depth + 1));
                }
                list.into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(SegmentValue::List)
            }
        }
    }

    fn disconnect_on_customer_exit(&mut self, root: &Map<String, Value>) -> bool {
        const PATH: &str = "DisconnectOnCustomerExit";
        let Some(items) = member(root, PATH).and_then(|value| self.array(PATH, value)) else {
            return false;
        };
        match items {
            [Value::String(participant)] if participant == "AGENT" => true,
            _ => {
                self.error(PATH, "must be [\"AGENT\"]");
                false
            }
        }
    }

    fn connection_types(&mut self, root: &Map<String, Value>) -> Vec<ConnectionType> {
        const PATH: &str = "ConnectionTypes";
        let Some(items) = member(root, PATH).and_then(|value| self.array(PATH, value)) else {
            return Vec::new();
        };
        if items.is_empty() || items.len() > CONNECTION_TYPES_MAX {
            self.error(
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
                    self.error(path, "is listed twice");
                }
                Some(connection_type) => types.push(connection_type),
                None => self.error(path, one_of(&ConnectionType::ALL, ConnectionType::as_str)),
            }
        }
        types
    }
}
