//! Commands in, CreatePushNotificationRegistration and DeletePushNotificationRegistration out, with the
//! same client, retries and timeouts as the start.

use super::errors::classify;
use crate::chat::{ConnectFailure, ConnectFailureKind};
use crate::push::{
    DeviceType, ParticipantRole, PushRegistrations, RegisterDeviceCommand, RegistrationId,
    RemoveRegistrationCommand,
};
use aws_sdk_connect::Client;
use aws_sdk_connect::types;

/// The production [`PushRegistrations`]: the client the start uses, shared.
#[derive(Debug, Clone)]
pub struct SdkPushRegistrations {
    client: Client,
}

impl SdkPushRegistrations {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

impl PushRegistrations for SdkPushRegistrations {
    async fn register(
        &self,
        command: &RegisterDeviceCommand,
    ) -> Result<RegistrationId, ConnectFailure> {
        let contact = types::ContactConfiguration::builder()
            .contact_id(command.contact_id())
            .participant_role(match command.participant_role() {
                ParticipantRole::Customer => types::ParticipantRole::Customer,
            })
            .set_include_raw_message(command.include_raw_message())
            .build()
            .map_err(|_| ConnectFailure::new(ConnectFailureKind::InvalidResponse))?;
        let output = self
            .client
            .create_push_notification_registration()
            .instance_id(command.instance_id())
            .pinpoint_app_arn(command.application_arn())
            .device_token(command.device_token().expose())
            .device_type(match command.device_type() {
                DeviceType::Apns => types::DeviceType::Apns,
                DeviceType::ApnsSandbox => types::DeviceType::ApnsSandbox,
                DeviceType::Gcm => types::DeviceType::Gcm,
            })
            .contact_configuration(contact)
            // The caller's token, bound to the registration, so that its retry registers once.
            .set_client_token(command.client_token().map(str::to_owned))
            .send()
            .await
            .map_err(classify)?;
        RegistrationId::parse(output.registration_id()).ok_or_else(|| ConnectFailure {
            message: Some(
                "CreatePushNotificationRegistration answered without a usable RegistrationId"
                    .to_owned(),
            ),
            ..ConnectFailure::new(ConnectFailureKind::InvalidResponse)
        })
    }

    async fn remove(&self, command: &RemoveRegistrationCommand) -> Result<(), ConnectFailure> {
        self.client
            .delete_push_notification_registration()
            .instance_id(command.instance_id())
            .registration_id(command.registration_id().as_str())
            .contact_id(command.contact_id())
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}
