//! What a website's server vouches for about its customer, read from a verified token's claims (the
//! token itself is checked by `crate::auth`). Every claim passes the same limits as the body member it
//! stands for, and overrides what the browser says.

use super::field::FieldError;
use super::parse::{ClaimedFacts, parse_claims};
use serde_json::{Map, Value};

/// Facts about the customer that the browser cannot forge: the claims, checked. Never logged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SignedCustomer(pub(super) ClaimedFacts);

impl SignedCustomer {
    /// Reads the claims of a token whose signature and times were already verified.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self, Vec<FieldError>> {
        parse_claims(claims).map(Self)
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
        let facts = &customer.0;
        assert_eq!(facts.customer_id.as_deref(), Some("customer-42"));
        assert_eq!(facts.display_name.as_deref(), Some("Ada"));
        assert_eq!(facts.attributes["tier"], "gold");
        assert!(facts.persistent_chat.is_some());
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
