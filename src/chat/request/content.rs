//! `SupportedMessagingContentTypes` and `InitialMessage`: the content types a chat uses, and the first
//! message in one of them.

use crate::chat::command::{ChatMessage, ContentType};
use crate::chat::field::{FieldErrors, index_path, member, one_of};
use crate::chat::limits::{MESSAGE_CONTENT_MAX, MESSAGE_CONTENT_TYPE_MAX};
use serde_json::{Map, Value};

fn content_type(errors: &mut FieldErrors, path: &str, value: &Value) -> Option<ContentType> {
    let text = errors.string(path, value, 1, MESSAGE_CONTENT_TYPE_MAX)?;
    // The widget splits a comma-separated page setting; "text/plain, text/markdown" is common.
    let parsed = ContentType::parse(text.trim());
    if parsed.is_none() {
        errors.add(path, one_of(&ContentType::ALL, ContentType::as_str));
    }
    parsed
}

pub(super) fn content_types(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Option<Vec<ContentType>> {
    const PATH: &str = "SupportedMessagingContentTypes";
    let items = errors.array(PATH, member(root, PATH)?)?;
    if items.is_empty() {
        errors.add(PATH, "must not be empty");
        return None;
    }
    let mut types = Vec::with_capacity(items.len());
    let mut valid = true;
    for (index, item) in items.iter().enumerate() {
        let path = index_path(PATH, index);
        match content_type(errors, &path, item) {
            Some(content_type) if types.contains(&content_type) => {
                errors.add(path, "is listed twice");
                valid = false;
            }
            Some(content_type) => types.push(content_type),
            None => valid = false,
        }
    }
    if valid && !types.contains(&ContentType::Plain) {
        errors.add(PATH, "must include text/plain");
        valid = false;
    }
    valid.then_some(types)
}

pub(super) fn initial_message(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> Option<ChatMessage> {
    const PATH: &str = "InitialMessage";
    let message = errors.object(PATH, member(root, PATH)?)?;
    let content_type = match member(message, "ContentType") {
        None => {
            errors.add("InitialMessage.ContentType", "is required");
            None
        }
        Some(value) => {
            content_type(errors, "InitialMessage.ContentType", value).filter(|content_type| {
                let allowed = content_type.is_customer_message_type();
                if !allowed {
                    errors.add(
                        "InitialMessage.ContentType",
                        "interactive messages come from flows, not from the customer",
                    );
                }
                allowed
            })
        }
    };
    let content = match member(message, "Content") {
        None => {
            errors.add("InitialMessage.Content", "is required");
            None
        }
        Some(value) => errors
            .string("InitialMessage.Content", value, 1, MESSAGE_CONTENT_MAX)
            .filter(|content| {
                let blank = content.trim().is_empty();
                if blank {
                    errors.add("InitialMessage.Content", "must not be blank");
                }
                !blank
            }),
    };
    Some(ChatMessage {
        content_type: content_type?,
        content: content?,
    })
}
