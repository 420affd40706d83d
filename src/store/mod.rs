//! The embedded store: SQLite in the platform data directory. Every agent action
//! is committed here, in one transaction with its activity and outbox rows,
//! before the screen shows it as done.

mod agents;
mod assign;
mod changes;
mod drafts;
mod feedback;
mod handoffs;
mod metrics;
mod migrate;
mod outbox;
mod remote;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub use changes::Changes;
pub use feedback::FeedbackRecord;
pub use handoffs::{ImportReport, Part};
pub use outbox::{Destination, OutboxCounts, OutboxRow};
pub use remote::{SyncWrite, Synced};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored record {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
    #[error("no handoff with id '{0}'")]
    NotFound(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no workspace at {0} yet (run handoff once without --read-only to create it)")]
    Missing(PathBuf),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Bumped when the schema changes incompatibly.
const SCHEMA_VERSION: &str = "1";

pub struct Store {
    conn: Connection,
    /// Where verdict changes are enqueued for (see `outbox`).
    destinations: Vec<Destination>,
    /// The helpdesk this store mirrors, if any: agents' changes to its
    /// handoffs are enqueued for it (see `remote`).
    helpdesk: Option<Destination>,
    /// The store has `first_agent_message_at` and the metrics index (see
    /// `migrate`); false only for an old store opened read-only.
    metric_columns: bool,
    /// The change number this connection's last write took (see `changes`).
    written: i64,
}

impl Store {
    /// Open (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Store::init(conn).map_err(|e| match e {
            StoreError::Sql(source) => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        })
    }

    /// Open an existing store for reading only: SQLite itself refuses writes,
    /// so a lead's session cannot change anything even by mistake.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Read-only cannot migrate: an old store's stats read the bodies.
        let metric_columns = migrate::has_metrics(&conn)?;
        Ok(Store {
            conn,
            destinations: Vec::new(),
            helpdesk: None,
            metric_columns,
            written: 0,
        })
    }

    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        // WAL lets the background loader read while the UI thread writes;
        // synchronous=FULL makes a commit survive power loss, not just kill -9.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(include_str!("schema.sql"))?;
        migrate::migrate(&mut conn)?;
        let store = Store {
            conn,
            destinations: Vec::new(),
            helpdesk: None,
            metric_columns: true,
            written: 0,
        };
        if store.meta("schema_version")?.is_none() {
            store.set_meta("schema_version", SCHEMA_VERSION)?;
        }
        Ok(store)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Number of outbox entries not yet acknowledged by their destination.
    pub fn outbox_pending(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }
}

pub(crate) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

fn parse_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}
