//! Where conversations live. The screens only ever read the store
//! (offline-first); a backend fills it (`refresh`) and drains the agent's
//! changes from the outbox to the helpdesk (`deliver`). `local` is the store
//! alone; `chatwoot` is the only module that knows Chatwoot.

pub mod chatwoot;
pub mod config;
pub mod local;
pub mod task;

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use config::{BackendConfig, BackendKind};

use crate::outbox::Report;
use crate::store::{Store, StoreError};

/// How the workspace stands with its helpdesk, for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BackendState {
    /// The embedded store only: nothing to sync.
    #[default]
    Local,
    /// The first refresh is running.
    Syncing,
    /// The last refresh succeeded.
    Online,
    /// The last refresh failed (why); the queue shown is the last synced one.
    Offline(String),
}

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncReport {
    /// Handoffs written for the first time.
    pub new: usize,
    /// Handoffs rewritten because the helpdesk changed them.
    pub updated: usize,
    /// Seen, not changed since the last sync: not fetched again.
    pub unchanged: usize,
    /// Not written: the agent's changes to them are still on the way out.
    pub held: usize,
    /// Unreadable or gone; each has a warning.
    pub skipped: usize,
    pub warnings: Vec<String>,
    /// Only what changed since the last sync was asked for.
    pub incremental: bool,
    /// Who the helpdesk says we are.
    pub me: String,
    pub at: DateTime<Utc>,
}

impl SyncReport {
    pub fn warn(&mut self, warning: String) {
        tracing::warn!(%warning, "sync");
        self.warnings.push(warning);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The helpdesk could not be reached or refused; nothing was written.
    #[error("{0}")]
    Remote(String),
    /// Configuration or credentials are wrong.
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where conversations live. Small on purpose: the store is the interface
/// the screens see.
pub trait Backend {
    fn name(&self) -> &'static str;
    /// Pull conversations into `store`: everything, or what changed since
    /// `since` (the last successful refresh).
    fn refresh(
        &self,
        store: &mut Store,
        since: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<SyncReport, BackendError>> + Send;
    /// Send the outbox's due changes to the helpdesk.
    fn deliver(
        &self,
        store: &mut Store,
    ) -> impl Future<Output = Result<Report, BackendError>> + Send;
    /// When `refresh` last succeeded, as recorded in the store.
    fn last_sync(&self, store: &Store) -> Option<DateTime<Utc>>;
}
