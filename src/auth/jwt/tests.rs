//! Every refusal class, rotation, skew, the size limit, and claims that reach the customer.

use super::*;
use serde_json::json;

const KEY: &str = "a-widget-security-key-of-44-characters-0000";
const NEXT_KEY: &str = "the-next-widget-security-key-of-44-chars-00";
const NOW: u64 = 1_800_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn sign_raw(header: &Value, claims: &Value, key: &str) -> String {
    let signed = format!("{}.{}", encode(header), encode(claims));
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac::sign(&key, signed.as_bytes()));
    format!("{signed}.{signature}")
}

fn sign(claims: &Value, key: &str) -> String {
    sign_raw(&json!({"alg": "HS256", "typ": "JWT"}), claims, key)
}

fn fresh(extra: Value) -> Value {
    let mut claims = json!({"sub": "customer-42", "iat": NOW, "exp": NOW + 300});
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    claims
}

fn verifier(audience: Option<&str>) -> CustomerTokenVerifier {
    CustomerTokenVerifier::new(&[KEY.to_owned()], audience.map(str::to_owned)).expect("a valid key")
}

fn verify(token: &str) -> Result<VerifiedCustomer, TokenError> {
    verifier(None).verify(Some(&format!("Bearer {token}")), now())
}

#[test]
fn a_fresh_token_signed_with_the_key_is_accepted() {
    let customer =
        verify(&sign(&fresh(json!({"attributes": {"tier": "gold"}})), KEY)).expect("a valid token");
    assert_eq!(
        customer,
        VerifiedCustomer::from_claims(
            fresh(json!({"attributes": {"tier": "gold"}}))
                .as_object()
                .expect("an object")
        )
        .expect("valid claims")
    );
    // The scheme is case-insensitive, as HTTP says.
    let lower = verifier(None).verify(
        Some(&format!("bearer {}", sign(&fresh(json!({})), KEY))),
        now(),
    );
    assert!(lower.is_ok());
}

#[test]
fn either_key_verifies_during_a_rotation() {
    let both =
        CustomerTokenVerifier::new(&[KEY.to_owned(), NEXT_KEY.to_owned()], None).expect("two keys");
    for key in [KEY, NEXT_KEY] {
        let header = format!("Bearer {}", sign(&fresh(json!({})), key));
        assert!(both.verify(Some(&header), now()).is_ok(), "{key}");
    }
    let retired = verifier(None).verify(
        Some(&format!("Bearer {}", sign(&fresh(json!({})), NEXT_KEY))),
        now(),
    );
    assert_eq!(retired, Err(TokenError::SignatureInvalid));
}

#[test]
fn missing_and_malformed_tokens_are_refused() {
    assert_eq!(verifier(None).verify(None, now()), Err(TokenError::Missing));
    for header in ["Bearer ", "Bearer", "bearer  "] {
        assert_eq!(
            verifier(None).verify(Some(header), now()),
            Err(TokenError::Missing),
            "{header}"
        );
    }
    for header in [
        "Basic dXNlcjpwYXNz",
        "",
        "Bearer a.b",
        "Bearer a.b.c.d",
        "Bearer !!!.e30.e30",
        "Bearer e30.e30.e30",
        "Bearer bm90IGpzb24.e30.AAAA",
    ] {
        assert_eq!(
            verifier(None).verify(Some(header), now()),
            Err(TokenError::Malformed),
            "{header}"
        );
    }
}

#[test]
fn only_hs256_is_accepted() {
    let claims = fresh(json!({}));
    for header in [
        json!({"alg": "none"}),
        json!({"alg": "HS512"}),
        json!({"alg": "RS256"}),
        json!({"alg": "hs256"}),
        json!({"alg": ["HS256"]}),
    ] {
        assert_eq!(
            verify(&sign_raw(&header, &claims, KEY)),
            Err(TokenError::AlgorithmNotAllowed),
            "{header}"
        );
    }
    // `alg: none` with an empty signature.
    let unsigned = format!("{}.{}.", encode(&json!({"alg": "none"})), encode(&claims));
    assert_eq!(verify(&unsigned), Err(TokenError::AlgorithmNotAllowed));
    let critical = sign_raw(&json!({"alg": "HS256", "crit": ["exp"]}), &claims, KEY);
    assert_eq!(verify(&critical), Err(TokenError::Malformed));
}

#[test]
fn a_forged_or_altered_token_is_refused() {
    assert_eq!(
        verify(&sign(
            &fresh(json!({})),
            "another-key-that-is-long-enough-000000"
        )),
        Err(TokenError::SignatureInvalid)
    );
    let token = sign(&fresh(json!({})), KEY);
    let (signed, _) = token.rsplit_once('.').expect("three parts");
    let (header, _) = signed.split_once('.').expect("three parts");
    let altered = format!(
        "{header}.{}.{}",
        encode(&fresh(json!({"sub": "someone-else"}))),
        token.rsplit_once('.').expect("three parts").1
    );
    assert_eq!(verify(&altered), Err(TokenError::SignatureInvalid));
}

#[test]
fn times_are_required_bounded_and_checked_with_skew() {
    let at = |iat: u64, exp: u64| json!({"iat": iat, "exp": exp});
    let cases = [
        (at(NOW, NOW + 600), Ok(())),
        (at(NOW, NOW + 601), Err(TokenError::LifetimeTooLong)),
        (at(NOW - 600, NOW - 61), Err(TokenError::Expired)),
        (at(NOW - 600, NOW - 59), Ok(())),
        (at(NOW + 59, NOW + 300), Ok(())),
        (at(NOW + 61, NOW + 300), Err(TokenError::NotYetValid)),
    ];
    for (claims, expected) in cases {
        assert_eq!(
            verify(&sign(&claims, KEY)).map(|_| ()),
            expected,
            "{claims}"
        );
    }
    for claims in [
        json!({"exp": NOW + 60}),
        json!({"iat": NOW}),
        json!({"iat": "now", "exp": NOW + 60}),
        json!({"iat": NOW, "exp": NOW}),
    ] {
        assert!(
            matches!(
                verify(&sign(&claims, KEY)),
                Err(TokenError::ClaimsInvalid(_))
            ),
            "{claims}"
        );
    }
    let not_before = fresh(json!({"nbf": NOW + 120}));
    assert_eq!(
        verify(&sign(&not_before, KEY)),
        Err(TokenError::NotYetValid)
    );
}

#[test]
fn the_audience_must_match() {
    let for_us = sign(&fresh(json!({"aud": "chat.example.com"})), KEY);
    let header = format!("Bearer {for_us}");
    assert!(
        verifier(Some("chat.example.com"))
            .verify(Some(&header), now())
            .is_ok()
    );
    let listed = sign(&fresh(json!({"aud": ["x", "chat.example.com"]})), KEY);
    assert!(
        verifier(Some("chat.example.com"))
            .verify(Some(&format!("Bearer {listed}")), now())
            .is_ok()
    );
    assert_eq!(
        verifier(Some("other.example.com")).verify(Some(&header), now()),
        Err(TokenError::AudienceInvalid)
    );
    assert_eq!(verify(&for_us), Err(TokenError::AudienceInvalid));
    let none = format!("Bearer {}", sign(&fresh(json!({})), KEY));
    assert_eq!(
        verifier(Some("chat.example.com")).verify(Some(&none), now()),
        Err(TokenError::AudienceInvalid)
    );
}

#[test]
fn a_token_over_6144_bytes_is_refused_before_it_is_read() {
    let padding = "x".repeat(TOKEN_BYTES_MAX);
    let large = sign(&fresh(json!({"attributes": {"notes": padding}})), KEY);
    assert_eq!(verify(&large), Err(TokenError::TooLarge));
    assert_eq!(
        verify(&"a".repeat(TOKEN_BYTES_MAX + 1)),
        Err(TokenError::TooLarge)
    );
}

#[test]
fn claims_break_the_same_limits_as_the_body() {
    let result = verify(&sign(
        &fresh(json!({"attributes": {"bad key": "x"}, "sub": ""})),
        KEY,
    ));
    let Err(TokenError::ClaimsInvalid(fields)) = result else {
        panic!("expected invalid claims, got {result:?}");
    };
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["sub", r#"attributes["bad key"]"#]);
}

#[test]
fn keys_must_be_long_enough_and_at_most_two() {
    assert!(CustomerTokenVerifier::new(&[], None).is_err());
    assert!(CustomerTokenVerifier::new(&["short".to_owned()], None).is_err());
    let three = [KEY.to_owned(), NEXT_KEY.to_owned(), KEY.to_owned()];
    assert!(CustomerTokenVerifier::new(&three, None).is_err());
    assert!(!format!("{:?}", verifier(None)).contains(KEY));
}
