//! The policy's own field rules (400, every offending field listed): the key allow-lists, the customer
//! id, the response mode, the content types, and the signed claims merged over the browser's values.

use super::ChatPolicy;
use crate::chat::command::{ContentType, ResponseMode, SegmentValue};
use crate::chat::field::{FieldErrors, member_path};
use crate::chat::limits::ATTRIBUTES_TOTAL_BYTES_MAX;
use crate::chat::request::ChatRequest;
use crate::chat::signed::VerifiedCustomer;

impl ChatPolicy {
    /// `ALLOWED_ATTRIBUTE_KEYS` and `ALLOWED_SEGMENT_ATTRIBUTE_KEYS`.
    pub(super) fn check_allowed_keys(&self, request: &ChatRequest, errors: &mut FieldErrors) {
        if let Some(allowed) = &self.allowed_attribute_keys {
            for key in request
                .attributes
                .keys()
                .filter(|key| !allowed.contains(*key))
            {
                errors.add(
                    member_path("Attributes", key),
                    "is not an allowed attribute key",
                );
            }
        }
        for key in request
            .segment_attributes
            .keys()
            .filter(|key| !self.allowed_segment_attribute_keys.contains(*key))
        {
            errors.add(
                member_path("SegmentAttributes", key),
                "is not a segment attribute this service accepts from browsers",
            );
        }
    }

    /// `CustomerId`: the signed `sub` when customers are signed (a browser value must agree with it);
    /// otherwise the browser's claim, unless the policy refuses unverified ids.
    pub(super) fn customer_id(
        &self,
        request: &ChatRequest,
        signed: Option<&VerifiedCustomer>,
        errors: &mut FieldErrors,
    ) -> Option<String> {
        match (signed, &request.customer_id) {
            (Some(VerifiedCustomer(facts)), Some(claimed))
                if facts.customer_id.as_ref() != Some(claimed) =>
            {
                errors.add("CustomerId", "must be the signed token's sub, or left out");
                None
            }
            (Some(VerifiedCustomer(facts)), _) => facts.customer_id.clone(),
            (None, Some(_)) if !self.allow_customer_id => {
                errors.add(
                    "CustomerId",
                    "is not accepted from browsers by this service (it would be an unverified claim)",
                );
                None
            }
            (None, claimed) => claimed.clone(),
        }
    }

    /// Streamed replies only where the operator says its chat clients render them.
    pub(super) fn check_response_mode(&self, request: &ChatRequest, errors: &mut FieldErrors) {
        if request.response_mode == Some(ResponseMode::Incremental)
            && !self.allow_incremental_responses
        {
            errors.add(
                "ParticipantConfiguration.ResponseMode",
                "INCREMENTAL is not accepted by this service (ALLOW_INCREMENTAL_RESPONSES); send COMPLETE or leave it out",
            );
        }
    }

    /// The request's content types, else the server's; the initial message must be in one of them.
    pub(super) fn content_types(
        &self,
        request: &ChatRequest,
        errors: &mut FieldErrors,
    ) -> Vec<ContentType> {
        let content_types = request
            .supported_messaging_content_types
            .clone()
            .unwrap_or_else(|| self.default_content_types.clone());
        if let Some(message) = &request.initial_message
            && !content_types.contains(&message.content_type)
        {
            errors.add(
                "InitialMessage.ContentType",
                "must be one of the chat's SupportedMessagingContentTypes",
            );
        }
        content_types
    }
}

/// Signed claims override the browser's values for the same keys, and its display name.
pub(super) fn merge_signed_claims(request: &mut ChatRequest, signed: &VerifiedCustomer) {
    let VerifiedCustomer(claimed) = signed;
    request.attributes.extend(claimed.attributes.clone());
    request
        .segment_attributes
        .extend(claimed.segment_attributes.clone());
    if claimed.display_name.is_some() {
        request.display_name.clone_from(&claimed.display_name);
    }
}

/// The service's attribute budget, counted again with the signed attributes merged in.
pub(super) fn check_attribute_budget(request: &ChatRequest, errors: &mut FieldErrors) {
    let attribute_bytes: usize = request
        .attributes
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    if attribute_bytes > ATTRIBUTES_TOTAL_BYTES_MAX {
        errors.add(
            "Attributes",
            format!(
                "keys and values, with the signed ones, must be at most {ATTRIBUTES_TOTAL_BYTES_MAX} bytes of UTF-8 (they have {attribute_bytes})"
            ),
        );
    }
}

/// A guide chat (`connect:Subtype` `connect:Guide`) needs both interactive content types.
pub(super) fn check_guide_content_types(
    request: &ChatRequest,
    content_types: &[ContentType],
    errors: &mut FieldErrors,
) {
    let is_guide = matches!(
        request.segment_attributes.get("connect:Subtype"),
        Some(SegmentValue::String(subtype)) if subtype == "connect:Guide"
    );
    if is_guide
        && !(content_types.contains(&ContentType::Interactive)
            && content_types.contains(&ContentType::InteractiveResponse))
    {
        errors.add(
            "SupportedMessagingContentTypes",
            "must include both interactive content types when connect:Subtype is connect:Guide",
        );
    }
}
