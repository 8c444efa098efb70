//! The rows of the domains' verdicts ([`Rejection`], [`PushRejection`]): invalid fields (400), outside
//! the policy (403).

use super::{ErrorAnswer, LISTED_FIELDS_MAX, refused};
use crate::chat::{ContinuationRefusal, LinkRefusal, Rejection};
use crate::push::PushRejection;
use crate::telemetry::RequestMetric::{RefusedPolicy, RefusedValidation};

fn invalid_json(detail: &str) -> ErrorAnswer<'static> {
    refused(
        400,
        "INVALID_JSON",
        RefusedValidation,
        format!("The body is not a valid JSON object: {detail}."),
    )
}

fn validation_failed(count: usize) -> ErrorAnswer<'static> {
    refused(
        400,
        "VALIDATION_FAILED",
        RefusedValidation,
        match count {
            1 => "1 field is invalid.".into(),
            count if count > LISTED_FIELDS_MAX => {
                format!("{count} fields are invalid; the first {LISTED_FIELDS_MAX} are listed.")
            }
            count => format!("{count} fields are invalid."),
        },
    )
}

fn instance_not_allowed() -> ErrorAnswer<'static> {
    refused(
        403,
        "INSTANCE_NOT_ALLOWED",
        RefusedPolicy,
        "This Amazon Connect instance may not be used from here.",
    )
}

fn continuation_token_invalid(refusal: ContinuationRefusal) -> ErrorAnswer<'static> {
    refused(
        403,
        "CONTINUATION_TOKEN_INVALID",
        RefusedPolicy,
        match refusal {
            ContinuationRefusal::Expired => "The ContinuationToken has expired.",
            ContinuationRefusal::OtherContact => {
                "The ContinuationToken was given for another chat."
            }
            ContinuationRefusal::Forged => "The ContinuationToken is not one this service gave.",
        },
    )
}

/// The chat domain's verdicts.
pub(super) fn rejection_refusal(rejection: &Rejection) -> ErrorAnswer<'static> {
    match rejection {
        Rejection::InvalidJson(detail) => invalid_json(detail),
        Rejection::Invalid(fields) => validation_failed(fields.len()),
        Rejection::InstanceNotAllowed => instance_not_allowed(),
        Rejection::ContactFlowNotAllowed => refused(
            403,
            "CONTACT_FLOW_NOT_ALLOWED",
            RefusedPolicy,
            "This contact flow may not be started from here.",
        ),
        Rejection::PersistentChatNotAllowed(refusal) => refused(
            403,
            "PERSISTENT_CHAT_NOT_ALLOWED",
            RefusedPolicy,
            match refusal {
                LinkRefusal::SwitchedOff => "Persistent chats are switched off.",
                LinkRefusal::SignedOnly => SIGNED_ONLY,
            },
        ),
        Rejection::RelatedContactNotAllowed(refusal) => refused(
            403,
            "RELATED_CONTACT_NOT_ALLOWED",
            RefusedPolicy,
            match refusal {
                LinkRefusal::SwitchedOff => "Linking a chat to another contact is switched off.",
                LinkRefusal::SignedOnly => SIGNED_ONLY,
            },
        ),
        Rejection::ContinuationTokenRequired => refused(
            403,
            "CONTINUATION_TOKEN_REQUIRED",
            RefusedPolicy,
            "Continuing or linking a chat needs the ContinuationToken its start answered with.",
        ),
        Rejection::ContinuationTokenInvalid(refusal) => continuation_token_invalid(*refusal),
    }
}

/// The push domain's verdicts.
pub(super) fn push_rejection_refusal(rejection: &PushRejection) -> ErrorAnswer<'static> {
    match rejection {
        PushRejection::InvalidJson(detail) => invalid_json(detail),
        PushRejection::Invalid(fields) => validation_failed(fields.len()),
        PushRejection::InstanceNotAllowed => instance_not_allowed(),
        PushRejection::ContinuationTokenRequired => refused(
            403,
            "CONTINUATION_TOKEN_REQUIRED",
            RefusedPolicy,
            "Registering a device for a chat, or removing it, needs the ContinuationToken the chat's start answered with.",
        ),
        PushRejection::ContinuationTokenInvalid(refusal) => continuation_token_invalid(*refusal),
        PushRejection::ContactNotVouched => refused(
            403,
            "CONTACT_NOT_VOUCHED",
            RefusedPolicy,
            "The customer token does not name this chat (its contactId claim).",
        ),
    }
}

const SIGNED_ONLY: &str = "Only the signed customer token may name a previous contact.";
