//! Which Amazon Connect operation a request called: its failure's answer and log line name it.

/// The Amazon Connect operation a request called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectCall {
    StartChatContact,
    CreatePushNotificationRegistration,
    DeletePushNotificationRegistration,
}

impl ConnectCall {
    /// The operation's name, in log lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::StartChatContact => "StartChatContact",
            Self::CreatePushNotificationRegistration => "CreatePushNotificationRegistration",
            Self::DeletePushNotificationRegistration => "DeletePushNotificationRegistration",
        }
    }
}
