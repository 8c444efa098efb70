//! The adapter: [`crate::chat::ChatStarter`], [`crate::availability::AvailabilitySource`] and
//! [`crate::push::PushRegistrations`] implemented with `aws-sdk-connect`. Only this module knows the SDK
//! and its errors.

mod adapter;
mod availability;
mod client;
mod errors;
mod push;
mod retry;
mod warmup;

pub use adapter::SdkChatStarter;
pub use availability::{SdkAvailabilitySource, availability_client};
pub use client::{
    API_TIMEOUT_MS_RANGE, ConnectSettings, DEFAULT_API_TIMEOUT, aws_config, aws_config_with,
    connect_client, connect_client_with,
};
pub use push::SdkPushRegistrations;
pub use retry::{MAX_ATTEMPTS, worst_case_backoff};
pub use warmup::{WARMUP_PATH, warm_connection};
