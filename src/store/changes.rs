//! Change tracking, so a running workspace sees what other processes write
//! to the same store (`handoff import`, `handoff tag`, a second workspace;
//! see `runtime::watch`).
//!
//! Every write transaction that changes what the queue shows takes the next
//! number of one counter (`meta` key `change_seq`, which `clear` keeps) and
//! stamps it on the handoffs it writes (`handoffs.change_seq`, indexed). A
//! watcher remembers the last number it saw and asks for the rows stamped
//! after it: a range of the index, not a scan. Writers are serialised by
//! SQLite, so numbers are committed in order and a reader never sees a later
//! one without every earlier one. Old stores get the column and index when
//! opened for writing (see `migrate`); until then their rows read as 0.

use rusqlite::{Connection, OptionalExtension, params};

use super::handoffs::{ROW_COLUMNS, row_from_sql};
use super::{Result, Store};
use crate::domain::agent::Agent;
use crate::domain::queue::{Interner, QueueRow};

/// The column stamped with the number of the transaction that last changed
/// the handoff's row or its verdict.
pub(super) const COLUMN: &str = "change_seq";
/// Its index: "what changed after N" reads only the changed rows.
pub(super) const INDEX: &str = "handoffs_change_seq";
pub(super) const CREATE_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS handoffs_change_seq ON handoffs (change_seq)";
/// `meta` key: the last number taken.
const COUNTER: &str = "change_seq";
/// `meta` key: the number taken by the last `clear` (rows were deleted, so
/// a watcher must reload them all).
const CLEARED: &str = "cleared_seq";

/// Take the next number, inside the writing transaction (so it is only
/// used if the transaction commits, and two writers never share one).
pub(super) fn next(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
             RETURNING CAST(value AS INTEGER)",
        )?
        .query_row([COUNTER], |r| r.get(0))?)
}

/// Stamp `id` with `seq` (a verdict changed: the row shows it).
pub(super) fn touch(conn: &Connection, id: &str, seq: i64) -> Result<()> {
    conn.prepare_cached("UPDATE handoffs SET change_seq = ?2 WHERE id = ?1")?
        .execute(params![id, seq])?;
    Ok(())
}

/// After `clear`: a new number, recorded as the one that deleted rows.
pub(super) fn cleared(conn: &Connection) -> Result<()> {
    let seq = next(conn)?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![CLEARED, seq.to_string()],
    )?;
    Ok(())
}

/// What changed in the store after a number a watcher saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The counter as of this read: ask from here next time.
    pub seq: i64,
    /// `rows` is every handoff: rows were deleted, or more changed than is
    /// worth merging one by one.
    pub all: bool,
    /// The handoffs changed or added (with `all`, every one).
    pub rows: Vec<QueueRow>,
    /// Each row's stamp, in step with `rows`: a workspace tells its own
    /// writes, and rows read before one of them, by it.
    pub stamps: Vec<i64>,
    /// The agents as of this read, when anything changed.
    pub agents: Option<Vec<Agent>>,
}

impl Changes {
    /// Nothing for the screen.
    pub fn is_empty(&self) -> bool {
        !self.all && self.rows.is_empty() && self.agents.is_none()
    }
}

impl Store {
    /// SQLite's count of commits by *other* connections to this database
    /// (`PRAGMA data_version`): unchanged means nothing to look at. It is
    /// kept in shared memory, so asking reads nothing from the file.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The last change number committed (0: none yet).
    pub fn change_seq(&self) -> Result<i64> {
        counter(&self.conn, COUNTER)
    }

    /// The number this connection's last write took (0: none yet); kept in
    /// memory, so it costs nothing to ask after every save.
    pub fn written_seq(&self) -> i64 {
        self.written
    }

    /// Everything changed after `since`, read in one snapshot: only the
    /// changed rows, or every row (`all`) after a `clear` or when more than
    /// `limit` changed. Nothing (not even the agents) when the counter has
    /// not moved: a draft, the handle-time log or the outbox was written.
    pub fn changes_since(&self, since: i64, limit: usize) -> Result<Changes> {
        // One read transaction: the counter and the rows agree.
        let tx = self.conn.unchecked_transaction()?;
        let seq = counter(&tx, COUNTER)?;
        if seq == since {
            return Ok(Changes {
                seq,
                ..Changes::default()
            });
        }
        // A store not migrated yet (an old one opened read-only) has no
        // stamps: every change reloads everything.
        let stamped = super::migrate::has_column(&tx, COLUMN)?;
        let changed: i64 = if stamped {
            tx.query_row(
                "SELECT COUNT(*) FROM handoffs WHERE change_seq > ?1",
                [since],
                |r| r.get(0),
            )?
        } else {
            i64::MAX
        };
        // The counter went back (a store replaced under us) or rows were
        // deleted: only a full reload is right.
        let all = seq < since
            || counter(&tx, CLEARED)? > since
            || usize::try_from(changed).map_or(true, |n| n > limit);
        let (rows, stamps) = match (all, stamped) {
            (true, true) => scan(&tx, "", None)?,
            (true, false) => {
                let rows = self.queue_rows()?;
                let stamps = vec![0; rows.len()];
                (rows, stamps)
            }
            (false, _) => scan(&tx, "WHERE h.change_seq > ?1", Some(since))?,
        };
        let agents = Some(self.agents()?);
        tx.commit()?;
        Ok(Changes {
            seq,
            all,
            rows,
            stamps,
            agents,
        })
    }
}

fn counter(conn: &Connection, key: &str) -> Result<i64> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Queue rows with their stamps, `filter` narrowing them.
fn scan(conn: &Connection, filter: &str, since: Option<i64>) -> Result<(Vec<QueueRow>, Vec<i64>)> {
    let sql = format!(
        "SELECT {ROW_COLUMNS}, h.change_seq
         FROM handoffs h LEFT JOIN feedback f ON f.handoff_id = h.id {filter}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = match since {
        Some(s) => stmt.query([s])?,
        None => stmt.query([])?,
    };
    let mut names = Interner::default();
    let (mut out, mut stamps) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        out.push(row_from_sql(r, &mut names)?);
        stamps.push(r.get(19)?);
    }
    Ok((out, stamps))
}
