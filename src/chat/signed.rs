//! What a website's server vouches for about its customer, read from a verified token's claims (the
//! token itself is checked by `crate::auth`). Every claim passes the same limits as the body member it
//! stands for, and overrides what the browser says.

use super::command::{PersistentChat, SegmentValue};
use super::field::{FieldError, FieldErrors, member};
use super::request::{
    DisplayName, attributes, customer_id, display_name, one_contact_link, persistent_chat,
    related_contact_id, segment_attributes,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Facts about the customer that the browser cannot forge: the claims, checked. Never logged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifiedCustomer(pub(super) ClaimedFacts);

impl VerifiedCustomer {
    /// Reads the claims of a token whose signature and times were already verified.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self, Vec<FieldError>> {
        parse_claims(claims).map(Self)
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
fn parse_claims(payload: &Map<String, Value>) -> Result<ClaimedFacts, Vec<FieldError>> {
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
    let mut errors = FieldErrors::default();
    let facts = ClaimedFacts {
        customer_id: customer_id(&mut errors, &root),
        display_name: display_name(&mut errors, &root, DisplayName::Optional)
            .ok()
            .flatten(),
        attributes: attributes(&mut errors, &root),
        segment_attributes: segment_attributes(&mut errors, &root),
        persistent_chat: persistent_chat(&mut errors, &root),
        related_contact_id: related_contact_id(&mut errors, &root),
    };
    one_contact_link(
        &mut errors,
        &facts.persistent_chat,
        &facts.related_contact_id,
    );
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors.into_vec().into_iter().map(claim_path).collect())
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
        let customer = VerifiedCustomer::from_claims(&claims(json!({
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
        let errors = VerifiedCustomer::from_claims(&claims(json!({
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
