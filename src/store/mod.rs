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
mod open;
mod outbox;
mod readback;
mod remote;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub use changes::Changes;
pub use feedback::FeedbackRecord;
pub use handoffs::{ImportReport, Part};
pub use open::{Check, OLDEST_READER, PendingCheck};
pub use outbox::{Destination, OutboxCounts, OutboxRow, Routing};
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
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} is not a handoff store: it is an empty file, which handoff did not make. \
         Nothing was written to it. Move it aside (or use another --data-dir) to start \
         a new workspace there."
    )]
    NotAStore(PathBuf),
    #[error(
        "{path} was written by a newer handoff (schema {found}); this build knows {known}. \
         Nothing was changed. Update handoff to work on it{}.",
        if_readable(.readable)
    )]
    Newer {
        path: PathBuf,
        found: String,
        known: u32,
        /// Whether `--read-only` may read it (see `open::OLDEST_READER`).
        readable: bool,
    },
    #[error(
        "{path} is damaged ({problem}). Nothing was written to it, and handoff will not \
         write to it.\nTo recover, restore it from a backup, or copy what is still \
         readable into a new file:\n  sqlite3 {} .recover | sqlite3 {}\n\
         (with a sqlite3 that has no .recover, .dump instead), then move the damaged \
         file aside and the recovered one to its name. \
         `handoff --read-only` may still show what can be read.",
        quoted(.path), quoted(&recovered(.path))
    )]
    Damaged { path: PathBuf, problem: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn if_readable(readable: &bool) -> &'static str {
    if *readable {
        "; --read-only can look at it meanwhile"
    } else {
        ""
    }
}

/// Where the recovery advice puts what `.recover` salvages: beside the
/// damaged file, never over it.
fn recovered(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".recovered");
    PathBuf::from(name)
}

/// A path a POSIX shell reads back as itself.
fn quoted(path: &std::path::Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

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
