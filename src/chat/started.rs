use super::Secret;

/// What Amazon Connect answered for a started chat. Tokens and the websocket URL are [`Secret`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedChat {
    pub contact_id: String,
    pub participant_id: String,
    pub participant_token: Secret,
    pub continued_from_contact_id: Option<String>,
    pub connection_credentials: Option<ConnectionCredentials>,
    pub websocket: Option<WebsocketDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionCredentials {
    pub connection_token: Secret,
    pub expiry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebsocketDetails {
    pub url: Secret,
    pub connection_expiry: Option<String>,
}
