//! Where conversations live: the seam every helpdesk plugs into.
//!
//! The screens only ever read the store (offline-first). A helpdesk is one
//! folder under `backend/` that does three things through [`Helpdesk`]:
//! *pull* its queues as handoffs (mapped to our format, never written by
//! the adapter itself), *deliver* the outbox's changes to it, and say *who
//! am I*. Everything around that is written once, here, for every helpdesk:
//! [`sync::refresh`] writes a pull in one transaction, [`task`] runs the
//! background refresh and the live channel, `outbox::worker` the delivery
//! loop. [`registry`] is the one list of helpdesks. How to add one:
//! docs/adding-a-helpdesk.md.

// The helpdesks, a folder each (`registry` lists them).
pub mod chatwoot;
pub mod intercom;
pub mod zendesk;

pub mod credentials;
pub mod http;
pub mod record;
pub mod registry;
pub mod sync;
pub mod table;
pub mod task;
pub mod views;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

pub use credentials::{Secret, TokenFor};
pub use task::News;

use crate::config::{Config, ConfigError};
use crate::outbox::Report;
use crate::store::{Store, StoreError, SyncWrite};

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
    /// Of `new` + `updated` + `unchanged`, those outside my queues, pulled
    /// for the team's figures (teammates' and resolved conversations).
    pub for_figures: usize,
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

/// Who a helpdesk says the token belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Me {
    /// The helpdesk's id for them (as text: Intercom's are strings).
    pub id: String,
    /// Their name, cleaned: "Mine" is the handoffs assigned to it.
    pub name: String,
    pub email: Option<String>,
    /// Their role, as the helpdesk names it ("administrator", "agent").
    pub role: Option<String>,
    /// The account or workspace checked ("Acme Support").
    pub account: String,
}

/// What the store already holds of a helpdesk, read once before a pull so
/// the adapter can skip conversations that did not change, and leave alone
/// those with the agent's changes still on the way out.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Handoff id → the remote version it was last written from.
    pub versions: HashMap<String, String>,
    /// Handoffs with changes the helpdesk has not acknowledged.
    pub unsent: HashSet<String>,
}

impl Known {
    pub fn version(&self, id: &str) -> Option<&str> {
        self.versions.get(id).map(String::as_str)
    }
    pub fn held(&self, id: &str) -> bool {
        self.unsent.contains(id)
    }
}

/// What one pull is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// What the store already holds of this helpdesk.
    pub known: &'a Known,
    /// The last successful refresh: only what changed since then (`None`:
    /// page through everything).
    pub since: Option<DateTime<Utc>>,
    /// My queues, and also every conversation of my teams escalated after
    /// this, whoever holds it and whatever its status now: a lead's figures
    /// cover the whole team (count these in `SyncReport::for_figures`).
    pub history_since: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// What one pull brought back, for [`sync::refresh`] to write in one go.
#[derive(Debug, Clone, Default)]
pub struct Pulled {
    pub me: Me,
    /// The teams "Team unassigned" comes from (configured, else mine).
    pub my_teams: Vec<String>,
    /// Every team the helpdesk has, for the team picker.
    pub all_teams: Vec<String>,
    /// Conversations to write, each with the version it reflects.
    pub writes: Vec<SyncWrite>,
    /// `unchanged`, `held`, `skipped`, `warnings` and `incremental` as the
    /// adapter counted them; `new` and `updated` are filled in by the write.
    pub report: SyncReport,
    /// The helpdesk's own queues the config asks for (`Settings::views`),
    /// each shown as a section.
    pub views: Vec<views::View>,
}

/// How often to look, and how long a verdict waits before it goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Between incremental refreshes in the workspace.
    pub poll: Duration,
    /// A verdict's hold, so a reason or note given right after the flag
    /// goes out with it.
    pub hold: Duration,
}

/// A conversation's page in the helpdesk's web UI: ids starting with
/// `prefix` ("cw-") have the rest put for `{n}` in `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    pub prefix: String,
    pub url: String,
}

/// A helpdesk's settings as the config file gives them, checked; no token
/// and no network yet. What every part of the program needs to know about
/// the helpdesk without talking to it.
pub trait Settings: Send + Sync {
    fn timing(&self) -> Timing;
    /// Its own web UI's address for a conversation, when it has one.
    fn web_link(&self) -> Option<WebLink>;
    /// A client with `token`, ready to talk.
    fn connect(&self, token: &Secret) -> Result<Arc<dyn Helpdesk>, BackendError>;
    /// The helpdesk's own queues (saved views) the config asks to show,
    /// by key, in order: each becomes a section after the config's.
    fn views(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A helpdesk we can talk to (the token is in its client).
pub trait Helpdesk: Send + Sync {
    /// Who the token belongs to, in the configured account. `login` shows
    /// it; an error says what is wrong and what to do, for a person.
    fn whoami(&self) -> BoxFuture<'_, Result<Me, BackendError>>;
    /// Fetch what `ask` asks for. Writes nothing: [`sync::refresh`] does.
    fn pull<'a>(&'a self, ask: Ask<'a>) -> BoxFuture<'a, Result<Pulled, BackendError>>;
    /// Send the outbox's due changes for this helpdesk.
    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>>;
    /// A channel that says the moment something changed on the helpdesk:
    /// it pokes `nudge` (a refresh follows) and reports up and down on
    /// `news`. `None` when the helpdesk has none; the poll carries on alone.
    fn live(
        self: Arc<Self>,
        nudge: Arc<Notify>,
        news: UnboundedSender<News>,
    ) -> Option<BoxFuture<'static, ()>> {
        let _ = (nudge, news);
        None
    }
}

/// The helpdesk the config file sets up: its registry entry and settings.
#[derive(Clone)]
pub struct Desk {
    pub entry: &'static registry::Entry,
    pub settings: Arc<dyn Settings>,
    /// How far back a refresh pulls the team's conversations for the
    /// figures (`[backend] history_days`).
    pub history: chrono::TimeDelta,
    /// The sections of its views this workspace shows, kept current by
    /// every refresh.
    pub shown: views::Shown,
}

/// `[backend] history_days` when unset: the quality screen's eight weeks.
pub const HISTORY_DAYS: u32 = 56;

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("name", &self.entry.name)
            .finish_non_exhaustive()
    }
}

impl Desk {
    /// Its `[backend] kind`: its config table, outbox destination and meta prefix.
    pub fn name(&self) -> &'static str {
        self.entry.name
    }
    /// Its name as people write it, for messages.
    pub fn label(&self) -> &'static str {
        self.entry.label
    }
    pub fn timing(&self) -> Timing {
        self.settings.timing()
    }
    /// Load the token (environment, else credentials file) and connect.
    pub fn connect(&self) -> Result<Arc<dyn Helpdesk>, BackendError> {
        let token = credentials::load_token(self.entry.token)
            .map_err(|e| BackendError::Setup(e.to_string()))?;
        self.settings.connect(&token)
    }
    /// When a refresh last succeeded, as recorded in the store.
    pub fn last_sync(&self, store: &Store) -> Option<DateTime<Utc>> {
        sync::last_sync(store, self.name())
    }
    /// The queue's sections: the config's (`sections`), then one per view
    /// of the helpdesk the config asks for.
    pub fn sections(
        &self,
        sections: Vec<crate::domain::queue::Section>,
        store: &Store,
    ) -> Vec<crate::domain::queue::Section> {
        let keys = self.settings.views();
        if keys.is_empty() {
            return sections;
        }
        self.shown.sections(sections, &keys, store, self.name())
    }
    /// After a refresh: the view sections list what it found.
    pub fn relist(&self, store: &Store) {
        self.shown.relist(store, self.name());
    }
}

/// The helpdesk `[backend] kind` names, set up from its table; `None` for
/// the local store. A bad kind or table is a config error naming its line.
pub fn open(config: &Config, path: &Path) -> Result<Option<Desk>, ConfigError> {
    match config.helpdesk_kind() {
        None => Ok(None),
        Some(kind) => {
            let entry = registry::find(kind.get_ref()).ok_or_else(|| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "line {}: [backend] kind: unknown variant `{}`, expected one of {}",
                    crate::domain::problem::line_of(&config.text, kind.span().start),
                    kind.get_ref(),
                    registry::kinds().join(", ")
                ),
            })?;
            named(config, path, entry)?
                .map(Some)
                .ok_or_else(|| ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!(
                        "[backend] kind = \"{}\" needs a [{}] table ({})",
                        entry.name, entry.name, entry.needs
                    ),
                })
        }
    }
}

/// Helpdesk `entry` set up from its table in `config`, whatever the
/// backend in use (`login` checks one before switching to it).
pub fn named(
    config: &Config,
    path: &Path,
    entry: &'static registry::Entry,
) -> Result<Option<Desk>, ConfigError> {
    let days = config
        .backend
        .as_ref()
        .and_then(|b| b.history_days)
        .unwrap_or(HISTORY_DAYS);
    Ok((entry.configure)(config, path)?.map(|settings| Desk {
        entry,
        settings,
        history: chrono::TimeDelta::days(i64::from(days)),
        shown: views::Shown::default(),
    }))
}

/// Every table in `config` that is not a helpdesk's is a mistake: say so
/// with its line. (The config file sets such tables aside unread.)
pub fn unknown_tables(config: &Config, path: &Path) -> Vec<crate::config::Problem> {
    config
        .other_tables
        .iter()
        .filter(|t| registry::find(t).is_none())
        .map(|t| crate::config::Problem {
            file: path.to_path_buf(),
            line: crate::config::check::line_of_key(&config.text, t),
            message: format!(
                "unknown table [{t}] (settings: webhook, backend, keys, clipboard, sections; \
                 helpdesks: {})",
                registry::names().join(", ")
            ),
        })
        .collect()
}
