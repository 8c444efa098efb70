//! What a website's server vouches for about its customer, read from a verified token's claims (the
//! token itself is checked by `crate::auth`). Every claim passes the same limits as the body member it
//! stands for, and overrides what the browser says.

use super::command::{PersistentChat, SegmentValue};
use super::field::FieldError;
use super::parse::{ClaimedFacts, parse_claims};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Facts about the customer that the browser cannot forge. Never logged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SignedCustomer {
    /// `sub`: becomes `CustomerId`.
    pub(super) customer_id: Option<String>,
    pub(super) display_name: Option<String>,
    pub(super) attributes: BTreeMap<String, String>,
    /// Any key, including the `connect:` keys a browser may not set.
    pub(super) segment_attributes: BTreeMap<String, SegmentValue>,
    /// The only way to continue or link a contact when customers are signed.
    pub(super) persistent_chat: Option<PersistentChat>,
    pub(super) related_contact_id: Option<String>,
}

impl SignedCustomer {
    /// Reads the claims of a token whose signature and times were already verified.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self, Vec<FieldError>> {
        let ClaimedFacts {
            customer_id,
            display_name,
            attributes,
            segment_attributes,
            persistent_chat,
            related_contact_id,
        } = parse_claims(claims)?;
        Ok(Self {
            customer_id,
            display_name,
            attributes,
            segment_attributes,
            persistent_chat,
            related_contact_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn claims_are_read_with_the_bodys_rules() {
        let customer = SignedCustomer::from_claims(&claims(json!({
            "sub": "customer-42", "iat": 1, "exp": 2, "displayName": "Ada",
            "attributes": {"tier": "gold"},
            "segmentAttributes": {"connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}},
            "persistentChat": {"SourceContactId": "c-1", "RehydrationType": "ENTIRE_PAST_SESSION"},
        })))
        .expect("valid claims");
        assert_eq!(customer.customer_id.as_deref(), Some("customer-42"));
        assert_eq!(customer.display_name.as_deref(), Some("Ada"));
        assert_eq!(customer.attributes["tier"], "gold");
        assert!(customer.persistent_chat.is_some());
    }

    #[test]
    fn invalid_claims_are_named_by_claim() {
        let errors = SignedCustomer::from_claims(&claims(json!({
            "sub": "c".repeat(129),
            "displayName": "\u{202E}",
            "attributes": {"bad key": "x", "n": 5},
            "relatedContactId": 7,
        })))
        .expect_err("invalid claims");
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sub",
                "displayName",
                r#"attributes["bad key"]"#,
                "attributes.n",
                "relatedContactId"
            ]
        );
    }
}
