//! A local emulator of Amazon Connect for tests, benchmarks and local runs.
//!
//! Two listeners:
//! * the **control plane** (`endpoint_url`, for `AWS_ENDPOINT_URL_CONNECT`): StartChatContact
//!   (`PUT /contact/chat`) behind SigV4 verification, plus the unsigned `/_emulator` control API;
//! * the **participant service** (`participant_endpoint_url`): the REST operations and chat
//!   WebSocket that ChatJS and the participant SDKs speak, with CORS.
//!
//! A simulated agent joins each chat and answers; faults can be injected into every operation, each
//! with Connect's request-rate quota (a token bucket), and StartChatContact has an optional cap on
//! concurrent chats. Queues, hours of operation and agent presence answer DescribeQueue,
//! GetEffectiveHoursOfOperations and GetCurrentMetricData; devices registered for a chat get the
//! agent's messages as recorded push notifications; the emulator's clock can be set. The control
//! plane also serves Secrets Manager's GetSecretValue. [`local`] holds the local setup.
//! What it emulates, its flags, configuration file, faults and control API: `emulator/README.md`.

// The layers, bottom up: leaves (clock, ids, sync, local, config); the chats and the other stores;
// the state that holds them; the scripted agent; HTTP shared by the planes; the routes (control
// plane, participant service, WebSocket, control API); this facade.
mod clock;
mod config;
mod ids;
pub mod local;
mod operation;
mod sync;

mod chat;
mod routing;
mod stores;

mod state;

mod agent;

mod http;

mod admin;
mod control;
mod participant;
mod ws;

mod scenario;

pub mod tls_front;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use agent::ChatActionError;
pub use chat::{ChatSummary, DeviceType, PushNotification, PushRegistrationSummary};
pub use clock::iso8601_utc;
pub use config::{
    AgentConfig, DEFAULT_FLOW_GREETING, EmulatorConfig, EmulatorCredentials, InstanceConfig,
    LOCAL_ACCESS_KEY_ID, LOCAL_DEFAULT_FLOW_ID, LOCAL_INSTANCE_ID, LOCAL_PAST_CONTACT_ID,
    LOCAL_REGION, LOCAL_SALES_FLOW_ID, LOCAL_SECRET_ACCESS_KEY, PastChatConfig, PastMessage,
    PastRole, QuotaConfig,
};
pub use operation::Operation;
pub use routing::RoutingError;
pub use routing::hours::{
    HoursOfOperation, HoursOverride, HoursRange, OverrideRange, OverrideStatus, TimeOfDay, Weekday,
};
pub use routing::presence::{AgentPresence, Channel};
pub use routing::queue::{Queue, QueueStatus};
pub use stores::faults::{ConnectErrorKind, Fault};
pub use stores::quota::{BucketStatus, QuotaStatus};
pub use stores::records::{RecordedCall, RecordedRequest, RecordedSecretCall, RecordedStartChat};

use crate::state::AppState;

/// A running emulator. Dropping it stops the servers and every task they spawned.
pub struct Emulator {
    state: Arc<AppState>,
    control_addr: SocketAddr,
    participant_addr: SocketAddr,
}

impl Emulator {
    /// Binds the control plane on `addr` (tests pass `127.0.0.1:0`) and the participant service
    /// on the same IP and `config.participant_port`, then serves both in spawned tasks.
    pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<Emulator> {
        let control_listener = TcpListener::bind(addr).await?;
        let participant_listener =
            TcpListener::bind(SocketAddr::new(addr.ip(), config.participant_port)).await?;
        let control_addr = control_listener.local_addr()?;
        let participant_addr = participant_listener.local_addr()?;
        let host = http::layers::url_host(participant_addr);
        let participant_url = format!("http://{host}:{}", participant_addr.port());
        let websocket_base = format!("ws://{host}:{}", participant_addr.port());

        let state = AppState::new(
            config,
            participant_url,
            websocket_base,
            tokio::runtime::Handle::current(),
        )
        .map(Arc::new)
        .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidInput, message))?;
        http::server::serve(
            &state.tasks,
            control_listener,
            control::router(Arc::clone(&state), admin::router()),
            "control",
        );
        http::server::serve(
            &state.tasks,
            participant_listener,
            participant::router(Arc::clone(&state)),
            "participant",
        );
        Ok(Emulator {
            state,
            control_addr,
            participant_addr,
        })
    }

    /// `http://127.0.0.1:PORT`: the value for `AWS_ENDPOINT_URL_CONNECT` and
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
    pub fn endpoint_url(&self) -> String {
        format!(
            "http://{}:{}",
            http::layers::url_host(self.control_addr),
            self.control_addr.port()
        )
    }

    /// `http://127.0.0.1:PORT` of the participant service: ChatJS `setGlobalConfig({endpoint})`
    /// and participant SDK clients.
    pub fn participant_endpoint_url(&self) -> String {
        self.state.participant_url.clone()
    }

    /// The control plane's bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.control_addr
    }

    /// The participant service's bound address.
    pub fn participant_addr(&self) -> SocketAddr {
        self.participant_addr
    }

    /// Every request received on the control plane (any path but `/_emulator`), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.records.requests()
    }

    /// Every `PUT /contact/chat` request, whatever its outcome, in order.
    pub fn start_chat_calls(&self) -> Vec<RecordedStartChat> {
        self.state.records.start_chat_calls()
    }

    /// Queues a fault; each queued fault applies to the next StartChatContact request.
    pub fn inject(&self, fault: Fault) {
        self.state.faults.push(Operation::StartChatContact, fault);
    }

    /// Clears the records and pending faults, restores the configured agent behaviour and fills the
    /// quota's bucket. Chats and their tokens, secrets, and the quotas in force stay.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// The quotas in force, the bucket's fill and the number of active chats.
    pub fn quota(&self) -> QuotaStatus {
        let active_chats = self.state.chats().active_count();
        self.state.quotas.status(active_chats)
    }

    /// Puts a StartChatContact rate quota in force (`QuotaConfig::OFF` switches it off), with a
    /// full bucket.
    pub fn set_quota(&self, quota: QuotaConfig) -> Result<(), String> {
        quota.check()?;
        self.state.quotas.set(Operation::StartChatContact, quota);
        Ok(())
    }

    /// Sets the cap on concurrently active chats (`LimitExceededException` beyond it); `None`
    /// removes it.
    pub fn set_max_active_chats(&self, max_active_chats: Option<usize>) {
        self.state.quotas.set_max_active_chats(max_active_chats);
    }

    /// Stores a secret GetSecretValue serves (a new version when it exists).
    pub fn set_secret(&self, arn: &str, secret_string: &str) {
        self.state.secrets.set(arn, Some(secret_string));
    }

    /// Removes a secret: GetSecretValue then answers `ResourceNotFoundException`.
    pub fn remove_secret(&self, arn: &str) {
        self.state.secrets.set(arn, None);
    }

    /// Every GetSecretValue call, in order.
    pub fn secret_calls(&self) -> Vec<RecordedSecretCall> {
        self.state.records.secret_calls()
    }

    /// The agent behaviour currently in force.
    pub fn agent_config(&self) -> AgentConfig {
        self.state.agent_script()
    }

    /// Replaces the agent behaviour for what happens from now on (joins, replies).
    pub fn set_agent_config(&self, agent: AgentConfig) {
        self.state.set_agent_script(agent);
    }

    /// All chats, oldest first (each with the ClientToken that started it).
    pub fn chats(&self) -> Vec<ChatSummary> {
        self.state
            .chats()
            .contacts_in_creation_order()
            .map(|c| c.summary())
            .collect()
    }

    /// A chat's stored transcript as JSON items (as GetTranscript returns them), if it exists.
    pub fn transcript(&self, contact_id: &str) -> Option<Vec<serde_json::Value>> {
        let chats = self.state.chats();
        chats
            .contact(contact_id)
            .map(|c| c.transcript.iter().map(|item| item.to_json()).collect())
    }

    /// The agent sends a text message in this chat now (joining first if needed). Returns its id.
    pub fn agent_say(&self, contact_id: &str, text: &str) -> Result<String, ChatActionError> {
        agent::say(&self.state, Some(contact_id), chat::item::TEXT_PLAIN, text)
    }

    /// The agent sends a typing event in this chat now.
    pub fn agent_typing(&self, contact_id: &str) -> Result<(), ChatActionError> {
        agent::typing(&self.state, Some(contact_id))
    }

    /// The agent leaves and the chat ends (`participant.left` then `chat.ended`).
    pub fn end_chat(&self, contact_id: &str) -> Result<(), ChatActionError> {
        agent::end_chat(&self.state, Some(contact_id)).map(|_| ())
    }

    /// Stops the servers and every task they spawned, and waits for them to finish.
    pub async fn shutdown(self) {
        if let Some(mut tasks) = self.state.tasks.close() {
            tasks.shutdown().await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Dropping the set aborts every task; they release their sockets as they unwind.
        drop(self.state.tasks.close());
    }
}
