//! The Connect operations the control plane serves: each has its own rate quota, fault queue and
//! call records.

use std::fmt;

use serde::{Serialize, Serializer};

/// A Connect operation the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    StartChatContact,
    DescribeQueue,
    GetEffectiveHoursOfOperations,
    GetCurrentMetricData,
    CreatePushNotificationRegistration,
    DeletePushNotificationRegistration,
}

impl Operation {
    pub const ALL: [Operation; 6] = [
        Operation::StartChatContact,
        Operation::DescribeQueue,
        Operation::GetEffectiveHoursOfOperations,
        Operation::GetCurrentMetricData,
        Operation::CreatePushNotificationRegistration,
        Operation::DeletePushNotificationRegistration,
    ];

    /// The operation's name, as the API reference and the control API spell it.
    pub fn name(self) -> &'static str {
        match self {
            Operation::StartChatContact => "StartChatContact",
            Operation::DescribeQueue => "DescribeQueue",
            Operation::GetEffectiveHoursOfOperations => "GetEffectiveHoursOfOperations",
            Operation::GetCurrentMetricData => "GetCurrentMetricData",
            Operation::CreatePushNotificationRegistration => "CreatePushNotificationRegistration",
            Operation::DeletePushNotificationRegistration => "DeletePushNotificationRegistration",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The names, for error messages.
    pub(crate) fn known_names() -> String {
        Self::ALL.map(Operation::name).join(", ")
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
        assert_eq!(Operation::from_name("startChatContact"), None);
    }
}
