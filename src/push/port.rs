use super::command::{RegisterDeviceCommand, RegistrationId, RemoveRegistrationCommand};
use crate::chat::ConnectFailure;
use std::future::Future;

/// The port to Amazon Connect's push registrations: the domain and the HTTP edge know this trait, never
/// the SDK.
pub trait PushRegistrations: Send + Sync {
    /// CreatePushNotificationRegistration.
    fn register(
        &self,
        command: &RegisterDeviceCommand,
    ) -> impl Future<Output = Result<RegistrationId, ConnectFailure>> + Send;

    /// DeletePushNotificationRegistration.
    fn remove(
        &self,
        command: &RemoveRegistrationCommand,
    ) -> impl Future<Output = Result<(), ConnectFailure>> + Send;
}
