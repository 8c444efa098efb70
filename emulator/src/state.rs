//! State shared by every handler and task of one emulator.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::runtime::Handle;

use crate::chat::archive::ArchivedChat;
use crate::chat::store::ChatStore;
use crate::clock::EmulatorClock;
use crate::config::{AgentConfig, EmulatorConfig};
use crate::routing::RoutingStore;
use crate::stores::faults::FaultQueue;
use crate::stores::quota::Quotas;
use crate::stores::records::Records;
use crate::stores::secrets::SecretStore;
use crate::sync::{TaskTracker, lock};

pub(crate) struct AppState {
    pub(crate) config: EmulatorConfig,
    /// `http://127.0.0.1:PORT` of the participant service (also serves the attachment URLs).
    pub(crate) participant_url: String,
    /// `ws://127.0.0.1:PORT` of the participant service.
    pub(crate) websocket_base: String,
    pub(crate) records: Records,
    pub(crate) faults: FaultQueue,
    pub(crate) quotas: Quotas,
    pub(crate) secrets: SecretStore,
    /// Queues, hours of operation and agent presence.
    pub(crate) routing: RoutingStore,
    /// The emulated service's "now" (settable; see `clock`).
    pub(crate) clock: Arc<EmulatorClock>,
    chats: Mutex<ChatStore>,
    agent_script: Mutex<AgentConfig>,
    pub(crate) tasks: Arc<TaskTracker>,
}

impl AppState {
    /// The state of a new emulator; an error when the configuration does not hang together.
    pub(crate) fn new(
        config: EmulatorConfig,
        participant_url: String,
        websocket_base: String,
        runtime: Handle,
    ) -> Result<Self, String> {
        let clock = Arc::new(EmulatorClock::default());
        let routing = config
            .routing(clock.now_ms())
            .map_err(|e| format!("invalid emulator configuration: {e}"))?;
        let agent_script = Mutex::new(config.agent.clone());
        let records = Records::new(config.max_records);
        let quotas = Quotas::new(&config.quotas()?, config.max_active_chats);
        let secrets = SecretStore::new(&config.secrets);
        let archive: Vec<(String, ArchivedChat)> = config
            .past_chats
            .iter()
            .map(|past| {
                (
                    past.contact_id.clone(),
                    ArchivedChat::from_config(past, &config.agent.display_name),
                )
            })
            .collect();
        Ok(AppState {
            config,
            participant_url,
            websocket_base,
            records,
            faults: FaultQueue::default(),
            quotas,
            secrets,
            routing,
            clock,
            chats: Mutex::new(ChatStore::with_archive(archive)),
            agent_script,
            tasks: Arc::new(TaskTracker::new(runtime)),
        })
    }

    /// The chat store. Never hold the guard across an `.await`.
    pub(crate) fn chats(&self) -> MutexGuard<'_, ChatStore> {
        lock(&self.chats)
    }

    /// The agent behaviour currently in force.
    pub(crate) fn agent_script(&self) -> AgentConfig {
        lock(&self.agent_script).clone()
    }

    pub(crate) fn set_agent_script(&self, script: AgentConfig) {
        *lock(&self.agent_script) = script;
    }

    /// Clears the records and pending faults, restores the configured agent behaviour and fills the
    /// quota's bucket. Chats, secrets and the quotas in force stay.
    pub(crate) fn reset(&self) {
        self.records.clear();
        self.faults.clear();
        self.set_agent_script(self.config.agent.clone());
        self.quotas.refill_fully();
    }
}
