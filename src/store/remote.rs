//! The store as a helpdesk mirror: synced handoffs with the remote version
//! they were written from, and agents' changes to them enqueued for the
//! helpdesk in the change's own transaction (outbox kind `change.*`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::handoffs::write_handoff;
use super::outbox::{NewRow, after, insert_row, new_key};
use super::{Destination, Result, Store, to_ms};
use crate::domain::change::Change;
use crate::domain::import::Imported;
use crate::domain::verdict_marks::Marks;

/// One handoff a sync pulled, and the remote version it reflects.
#[derive(Debug, Clone)]
pub struct SyncWrite {
    pub imported: Imported,
    pub version: String,
    /// The verdict tags and notes on it in the helpdesk (anyone's).
    pub marks: Marks,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Synced {
    pub inserted: usize,
    pub updated: usize,
    /// Not written: the agent changed them while the pull ran, and those
    /// changes have not reached the helpdesk yet.
    pub held: usize,
}

const VERDICT: &str = "change.verdict";

impl Store {
    /// Mirror `helpdesk` from now on: changes to its handoffs go out to it.
    pub fn set_helpdesk(&mut self, helpdesk: Option<Destination>) {
        self.helpdesk = helpdesk;
    }

    pub fn helpdesk(&self) -> Option<&Destination> {
        self.helpdesk.as_ref()
    }

    /// The remote version `id` was last synced from.
    pub fn remote_version(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT version FROM remote_versions WHERE handoff_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether `id` has changes `destination` has not acknowledged: a sync
    /// must not overwrite them with the helpdesk's older view.
    pub fn has_unsent(&self, id: &str, destination: &str) -> Result<bool> {
        unsent(&self.conn, id, destination)
    }

    /// Every handoff mirrored from `destination` with the version it was
    /// written from, and those with changes it has not acknowledged: read
    /// once before a pull instead of once per conversation.
    pub fn mirror_state(
        &self,
        destination: &str,
    ) -> Result<(HashMap<String, String>, HashSet<String>)> {
        let mut stmt = self
            .conn
            .prepare("SELECT handoff_id, version FROM remote_versions WHERE destination = ?1")?;
        let versions = stmt
            .query_map([destination], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<HashMap<String, String>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT handoff_id FROM outbox WHERE destination = ?1 AND state <> 'sent'",
        )?;
        let unsent = stmt
            .query_map([destination], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok((versions, unsent))
    }

    /// Write what a sync pulled, all in one transaction; a handoff with
    /// changes `destination` has not acknowledged is left as it is.
    pub fn write_synced(
        &mut self,
        destination: &str,
        items: &[SyncWrite],
        now: DateTime<Utc>,
    ) -> Result<Synced> {
        let tx = self.conn.transaction()?;
        let seq = super::changes::next(&tx)?;
        let mut report = Synced::default();
        for item in items {
            let h = &item.imported.handoff;
            if unsent(&tx, &h.id, destination)? {
                report.held += 1;
                continue;
            }
            if write_handoff(&tx, h, Some(&item.imported.raw), to_ms(now), seq)? {
                report.updated += 1;
            } else {
                report.inserted += 1;
            }
            tx.execute(
                "INSERT INTO remote_versions (handoff_id, destination, version, synced_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (handoff_id) DO UPDATE SET destination = excluded.destination,
                    version = excluded.version, synced_at = excluded.synced_at",
                params![h.id, destination, item.version, to_ms(now)],
            )?;
        }
        tx.commit()?;
        self.written = seq;
        Ok(report)
    }
}

fn unsent(conn: &rusqlite::Connection, id: &str, destination: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM outbox WHERE handoff_id = ?1 AND destination = ?2
               AND state <> 'sent' LIMIT 1",
            params![id, destination],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Enqueue `change` to `id` for the helpdesk, inside the change's
/// transaction, when `id` came from it. A verdict not yet attempted is
/// rewritten in place, so a flag, its reason and its note within the hold go
/// out as one change (and a flag undone in time, as none).
pub(super) fn enqueue_change(
    tx: &Transaction<'_>,
    helpdesk: Option<&Destination>,
    id: &str,
    change: &Change,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(dest) = helpdesk else {
        return Ok(());
    };
    let mirrored = tx
        .query_row(
            "SELECT 1 FROM remote_versions WHERE handoff_id = ?1 AND destination = ?2",
            params![id, dest.name],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !mirrored {
        return Ok(());
    }
    let payload = serde_json::to_string(change).unwrap_or_else(|_| "{}".into());
    if let Change::Verdict { verdict, .. } = change {
        let due = after(at, dest.hold);
        let unsent: Option<i64> = tx
            .query_row(
                "SELECT seq FROM outbox WHERE handoff_id = ?1 AND destination = ?2
                   AND kind = ?3 AND state = 'pending' AND attempts = 0
                 ORDER BY seq DESC LIMIT 1",
                params![id, dest.name, VERDICT],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(seq) = unsent {
            let told_before = tx
                .query_row(
                    "SELECT 1 FROM outbox WHERE handoff_id = ?1 AND destination = ?2
                       AND kind = ?3 AND seq < ?4 LIMIT 1",
                    params![id, dest.name, VERDICT, seq],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if verdict.is_none() && !told_before {
                tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            } else {
                tx.execute(
                    "UPDATE outbox SET payload = ?2, next_attempt_at = ?3 WHERE seq = ?1",
                    params![seq, payload, due],
                )?;
            }
            return Ok(());
        }
        return insert(tx, dest, id, change.kind(), &payload, due, at);
    }
    insert(tx, dest, id, change.kind(), &payload, to_ms(at), at)
}

fn insert(
    tx: &Transaction<'_>,
    dest: &Destination,
    id: &str,
    kind: &str,
    payload: &str,
    due: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    insert_row(
        tx,
        &NewRow {
            key: &new_key(),
            destination: &dest.name,
            handoff_id: id,
            kind,
            payload,
            due,
            at,
        },
    )
}
