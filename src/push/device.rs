//! The device a chat's notifications go to: its platform and its token. A device token addresses one
//! app on one phone: whoever holds it can have notifications sent there, so it is a secret. It is
//! never printed, logged or quoted back, not even in a field error.

use super::limits::DEVICE_TOKEN_MAX;
use crate::chat::Secret;
use std::fmt;

/// The push service behind the device: Apple's (production or sandbox) or Firebase Cloud Messaging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceType {
    Apns,
    ApnsSandbox,
    /// Firebase Cloud Messaging (Connect keeps its old name).
    Gcm,
}

impl DeviceType {
    pub const ALL: [Self; 3] = [Self::Apns, Self::ApnsSandbox, Self::Gcm];

    /// The name on the wire, in the request and to Connect.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apns => "APNS",
            Self::ApnsSandbox => "APNS_SANDBOX",
            Self::Gcm => "GCM",
        }
    }

    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// APNs tokens are bytes an app turns into hexadecimal; FCM registration tokens are URL-safe
    /// base64 with `:` (and some SDKs' `.` and `-`/`_`).
    fn allows(self, c: char) -> bool {
        match self {
            Self::Apns | Self::ApnsSandbox => c.is_ascii_hexdigit(),
            Self::Gcm => c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'),
        }
    }

    /// What a token of this type looks like, for the field error (never the token itself).
    fn token_shape(self) -> &'static str {
        match self {
            Self::Apns | Self::ApnsSandbox => "hexadecimal digits",
            Self::Gcm => "letters, digits, '_', ':', '.' and '-'",
        }
    }
}

impl fmt::Display for DeviceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A device token that fits its device type. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(Secret);

/// Why a text is not a device token. Its message names the rule, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Empty,
    TooLong(usize),
    /// Characters that no token of this type has; `None`: of any type.
    Characters(Option<DeviceType>),
}

impl TokenProblem {
    pub fn message(self) -> String {
        match self {
            Self::Empty => "must not be empty".to_owned(),
            Self::TooLong(length) => {
                format!("must be at most {DEVICE_TOKEN_MAX} characters long (it has {length})")
            }
            Self::Characters(Some(kind)) => {
                format!("is not a valid {kind} token ({})", kind.token_shape())
            }
            Self::Characters(None) => "is not a valid device token".to_owned(),
        }
    }
}

impl DeviceToken {
    /// The token when it fits `device_type`.
    pub fn parse(text: &str, device_type: DeviceType) -> Result<Self, TokenProblem> {
        Self::check(text, Some(device_type)).map(|()| Self(Secret::new(text)))
    }

    /// Checks a token whose device type is unknown (the request's `DeviceType` is missing or wrong),
    /// so that every offending field is named at once: the length, and characters no type allows.
    pub fn check(text: &str, device_type: Option<DeviceType>) -> Result<(), TokenProblem> {
        let length = text.chars().count();
        if length == 0 {
            return Err(TokenProblem::Empty);
        }
        if length > DEVICE_TOKEN_MAX {
            return Err(TokenProblem::TooLong(length));
        }
        let allowed = |c| match device_type {
            Some(kind) => kind.allows(c),
            None => DeviceType::ALL.into_iter().any(|kind| kind.allows(c)),
        };
        if !text.chars().all(allowed) {
            return Err(TokenProblem::Characters(device_type));
        }
        Ok(())
    }

    /// The token itself: for the call to Connect only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken([redacted])")
    }
}

impl fmt::Display for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
