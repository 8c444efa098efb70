//! The HTTP edge's variables: the allowed origins (their syntax is CORS's, `crate::http::is_origin`),
//! whether an origin is required, the body size limit, and the attachments switch.

use super::env::{ConfigError, Env, problem};
use crate::http::{AllowedOrigins, HttpSettings, OriginPolicy, is_origin};
use std::collections::HashSet;

pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// API Gateway's own payload limit is 10 MB, Lambda's 6 MB; nothing a widget sends comes near 1 MB.
const MAX_BODY_BYTES_LIMIT: usize = 1024 * 1024;

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn http_settings(&self) -> Result<HttpSettings, ConfigError> {
        Ok(HttpSettings {
            origins: OriginPolicy {
                allowed: self.origins()?,
                require_origin: self.boolean("REQUIRE_ORIGIN", false)?,
            },
            max_body_bytes: self.number(
                "MAX_BODY_BYTES",
                DEFAULT_MAX_BODY_BYTES as u64,
                1024..=MAX_BODY_BYTES_LIMIT as u64,
            )? as usize,
            attachments_enabled: self.boolean("ATTACHMENTS_ENABLED", false)?,
        })
    }

    fn origins(&self) -> Result<AllowedOrigins, ConfigError> {
        const VARIABLE: &str = "ALLOWED_ORIGINS";
        let items = self.list(VARIABLE)?;
        if items.iter().any(|item| item == "*") {
            return if items.len() == 1 {
                Ok(AllowedOrigins::Any)
            } else {
                Err(problem(
                    VARIABLE,
                    "'*' allows every origin and cannot be combined with others",
                ))
            };
        }
        let mut origins = HashSet::new();
        for origin in items {
            if !is_origin(&origin) {
                return Err(problem(
                    VARIABLE,
                    format!(
                        "'{origin}' is not an origin: write scheme://host[:port] in lowercase, without a path or trailing slash"
                    ),
                ));
            }
            origins.insert(origin);
        }
        Ok(AllowedOrigins::Exact(origins))
    }
}
