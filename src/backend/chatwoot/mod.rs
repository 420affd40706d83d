//! Chatwoot: the only code that knows its API. `client` speaks HTTP,
//! `model` is its JSON, `map` turns a conversation into our handoff, `sync`
//! pulls queues into the store, `actions` delivers the outbox, `auth` holds
//! the token, `live` listens on the websocket.

pub mod actions;
pub mod auth;
pub mod client;
pub mod config;
pub mod live;
pub mod map;
pub mod model;
pub mod sync;

use chrono::{DateTime, Utc};

pub use auth::Secret;
pub use client::{ApiError, Client};
pub use config::ChatwootConfig;

use super::{Backend, BackendError, SyncReport};
use crate::outbox::Report;
use crate::store::Store;

/// The outbox `destination` of Chatwoot changes.
pub const CHATWOOT: &str = "chatwoot";

/// One Chatwoot account as a backend.
#[derive(Debug, Clone)]
pub struct ChatwootBackend {
    pub config: ChatwootConfig,
    pub client: Client,
}

impl ChatwootBackend {
    pub fn new(config: ChatwootConfig, token: &Secret) -> Result<ChatwootBackend, BackendError> {
        let client = Client::new(&config, token).map_err(BackendError::Setup)?;
        Ok(ChatwootBackend { config, client })
    }
}

impl From<sync::SyncError> for BackendError {
    fn from(e: sync::SyncError) -> BackendError {
        match e {
            sync::SyncError::Api(a) => BackendError::Remote(a.to_string()),
            sync::SyncError::Store(s) => BackendError::Store(s),
            sync::SyncError::Account(m) => BackendError::Setup(m),
        }
    }
}

impl Backend for ChatwootBackend {
    fn name(&self) -> &'static str {
        CHATWOOT
    }

    async fn refresh(
        &self,
        store: &mut Store,
        since: Option<DateTime<Utc>>,
    ) -> Result<SyncReport, BackendError> {
        Ok(sync::refresh(&self.client, &self.config, store, since, Utc::now()).await?)
    }

    async fn deliver(&self, store: &mut Store) -> Result<Report, BackendError> {
        Ok(actions::deliver_due(store, &self.client, &self.config, Utc::now()).await?)
    }

    fn last_sync(&self, store: &Store) -> Option<DateTime<Utc>> {
        sync::last_sync(store)
    }
}
