//! Signed customers: a website's server vouches for who is chatting with a JWT (HS256, a key shared with
//! this service), as the Amazon Connect hosted widget does. On when signing keys are configured; then
//! every start needs a valid token, and what it claims overrides the browser (see
//! [`crate::chat::VerifiedCustomer`]); the push routes read only the contact it names (see
//! [`crate::push::ContactVoucher`]).

mod jwt;

pub use jwt::{
    CLOCK_SKEW, CustomerTokenVerifier, SIGNING_KEY_MIN_BYTES, TOKEN_BYTES_MAX, TOKEN_LIFETIME_MAX,
    TokenError,
};
