//! The outbox: events a destination (the webhook) has not acknowledged yet.
//! Rows are written in the verdict's own transaction; delivery claims,
//! acknowledges and reschedules them here.
//!
//! Per handoff and destination, only the oldest unsent row is ever eligible,
//! so event n+1 never leaves before event n is acknowledged; a failed row
//! holds its successors until `handoff outbox --retry`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::{Result, Store, from_ms, to_ms};
use crate::domain::feedback::Feedback;
use crate::outbox::event::{EventKind, VerdictEvent};

/// A destination verdicts are sent to, as the store needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub name: String,
    /// How long a new event waits before it is due; changes within it are
    /// folded into the event instead of sending a retraction.
    pub hold: Duration,
}

/// The destinations a connection enqueues changes for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Routing {
    /// Verdict events (the webhook).
    pub destinations: Vec<Destination>,
    /// The helpdesk the store mirrors.
    pub helpdesk: Option<Destination>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub idempotency_key: String,
    pub destination: String,
    pub handoff_id: String,
    pub kind: String,
    #[serde(skip)]
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting to be sent (including held, retrying, and queued behind a failure).
    pub pending: usize,
    /// Given up on until retried by hand.
    pub failed: usize,
}

const COLUMNS: &str = "seq, idempotency_key, destination, handoff_id, kind, payload, state,
    attempts, next_attempt_at, last_error, created_at";

/// The oldest unsent row of each (handoff, destination), when it is pending.
const ELIGIBLE: &str = "o.state = 'pending' AND NOT EXISTS (
    SELECT 1 FROM outbox p WHERE p.handoff_id = o.handoff_id
      AND p.destination = o.destination AND p.seq < o.seq AND p.state <> 'sent')";

fn row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        idempotency_key: r.get(1)?,
        destination: r.get(2)?,
        handoff_id: r.get(3)?,
        kind: r.get(4)?,
        payload: r.get(5)?,
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: from_ms(r.get(8)?),
        last_error: r.get(9)?,
        created_at: from_ms(r.get(10)?),
    })
}

/// `d` after `at`, in the store's milliseconds (saturating).
pub(super) fn after(at: DateTime<Utc>, d: Duration) -> i64 {
    to_ms(at).saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Store {
    /// Where verdict changes are sent from now on (empty: nowhere).
    pub fn set_destinations(&mut self, destinations: Vec<Destination>) {
        self.destinations = destinations;
    }

    /// Where this connection enqueues changes: for another connection to
    /// the same store (a sync task's) to do the same.
    pub fn routing(&self) -> Routing {
        Routing {
            destinations: self.destinations.clone(),
            helpdesk: self.helpdesk.clone(),
        }
    }

    pub fn set_routing(&mut self, routing: Routing) {
        self.destinations = routing.destinations;
        self.helpdesk = routing.helpdesk;
    }

    /// Rows for `destination` that may be sent at `now`, oldest due first.
    pub fn outbox_due(
        &self,
        destination: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM outbox o WHERE {ELIGIBLE} AND o.destination = ?3
               AND o.next_attempt_at <= ?1
             ORDER BY o.next_attempt_at, o.seq LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![to_ms(now), limit, destination], row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// When the next eligible row for `destination` falls due, if any.
    pub fn outbox_next_due(&self, destination: &str) -> Result<Option<DateTime<Utc>>> {
        let ms: Option<i64> = self.conn.query_row(
            &format!(
                "SELECT MIN(o.next_attempt_at) FROM outbox o
                 WHERE {ELIGIBLE} AND o.destination = ?1"
            ),
            [destination],
            |r| r.get(0),
        )?;
        Ok(ms.map(from_ms))
    }

    /// Take row `id` for one attempt: count it and lease it until `lease_until`
    /// so another process does not send it meanwhile; a crash leaves it due
    /// again once the lease runs out. `None` if it is no longer due (sent,
    /// changed, or folded into a later change).
    pub fn outbox_claim(
        &mut self,
        id: i64,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<OutboxRow>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = tx
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM outbox o
                     WHERE o.seq = ?1 AND o.next_attempt_at <= ?2 AND {ELIGIBLE}"
                ),
                params![id, to_ms(now)],
                row,
            )
            .optional()?;
        if let Some(r) = &claimed {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE seq = ?1",
                params![r.id, to_ms(lease_until)],
            )?;
        }
        tx.commit()?;
        Ok(claimed.map(|r| OutboxRow {
            attempts: r.attempts + 1,
            next_attempt_at: lease_until,
            ..r
        }))
    }

    /// The destination acknowledged row `id` (a 2xx).
    pub fn outbox_sent(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'sent', last_error = NULL, sent_at = ?2 WHERE seq = ?1",
            params![id, to_ms(Utc::now())],
        )?;
        Ok(())
    }

    /// Row `id` failed in a way worth retrying: try again at `at`.
    pub fn outbox_retry_at(&self, id: i64, at: DateTime<Utc>, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?2, last_error = ?3 WHERE seq = ?1",
            params![id, to_ms(at), error],
        )?;
        Ok(())
    }

    /// Row `id` was refused for good: keep it, stop trying.
    pub fn outbox_failed(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ?2 WHERE seq = ?1",
            params![id, error],
        )?;
        Ok(())
    }

    /// Make `handoff`'s waiting rows for `destination` due at `now` (its
    /// hold is for a reason or note still to come: a script has none).
    /// How many rows wait.
    pub fn outbox_hurry(
        &mut self,
        handoff: &str,
        destination: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?3 WHERE handoff_id = ?1 AND destination = ?2
               AND state = 'pending' AND attempts = 0 AND next_attempt_at > ?3",
            params![handoff, destination, to_ms(now)],
        )?;
        let waiting: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE handoff_id = ?1 AND destination = ?2
               AND state <> 'sent'",
            params![handoff, destination],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(waiting).unwrap_or(0))
    }

    /// Put failed rows back and make everything unsent due at `now`.
    /// Returns how many failed rows came back.
    pub fn outbox_retry(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let revived = tx.execute(
            "UPDATE outbox SET state = 'pending' WHERE state = 'failed'",
            [],
        )?;
        tx.execute(
            "UPDATE outbox SET next_attempt_at = ?1 WHERE state = 'pending' AND next_attempt_at > ?1",
            [to_ms(now)],
        )?;
        tx.commit()?;
        Ok(revived)
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        let (pending, failed): (i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'failed'), 0)
             FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(OutboxCounts {
            pending: usize::try_from(pending).unwrap_or(0),
            failed: usize::try_from(failed).unwrap_or(0),
        })
    }

    /// Rows not yet acknowledged (pending and failed), oldest first.
    pub fn outbox_unsent(&self) -> Result<Vec<OutboxRow>> {
        self.outbox_select("WHERE state <> 'sent'")
    }

    /// Every row, sent ones included, oldest first.
    pub fn outbox_all(&self) -> Result<Vec<OutboxRow>> {
        self.outbox_select("")
    }

    fn outbox_select(&self, filter: &str) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM outbox {filter} ORDER BY seq"
        ))?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The newest row for one handoff at one destination.
struct Last {
    id: i64,
    event: Option<VerdictEvent>,
    kind: String,
    unsent: bool,
}

/// Enqueue what `dest` must hear about the verdict on `id` becoming `next`,
/// inside the verdict's transaction.
///
/// - The newest event was never attempted: the receiver has not seen it, so
///   it is rewritten to the new verdict (or dropped when cleared) — quick
///   edits and undo within the hold send one event, or none.
/// - Otherwise, if the receiver was told of a verdict, a retraction of that
///   event goes first, then the new verdict, if any.
pub(super) fn enqueue_verdict_change(
    tx: &Transaction<'_>,
    dest: &Destination,
    id: &str,
    next: Option<&Feedback>,
    agent: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let due = after(at, dest.hold);
    let last = tx
        .query_row(
            "SELECT seq, kind, payload, state = 'pending' AND attempts = 0 FROM outbox
             WHERE handoff_id = ?1 AND destination = ?2 ORDER BY seq DESC LIMIT 1",
            params![id, dest.name],
            |r| {
                let payload: String = r.get(2)?;
                Ok(Last {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    event: serde_json::from_str(&payload).ok(),
                    unsent: r.get(3)?,
                })
            },
        )
        .optional()?;
    let told = last
        .as_ref()
        .filter(|l| l.kind == EventKind::Verdict.as_str())
        .and_then(|l| l.event.clone().map(|e| (l, e)));

    if let Some((last, told)) = &told {
        if same_verdict(told, next) {
            return Ok(());
        }
        if last.unsent {
            match next {
                Some(f) => {
                    let event = VerdictEvent {
                        event_id: told.event_id.clone(),
                        sequence: told.sequence,
                        ..verdict_event(tx, id, f, told.sequence)?
                    };
                    tx.execute(
                        "UPDATE outbox SET payload = ?2, next_attempt_at = ?3 WHERE seq = ?1",
                        params![last.id, to_json(&event), due],
                    )?;
                }
                None => {
                    tx.execute("DELETE FROM outbox WHERE seq = ?1", [last.id])?;
                }
            }
            return Ok(());
        }
    }

    let mut sequence: i64 = tx.query_row(
        "SELECT COALESCE(MAX(json_extract(payload, '$.sequence')), 0) FROM outbox
         WHERE handoff_id = ?1 AND destination = ?2",
        params![id, dest.name],
        |r| r.get(0),
    )?;
    if let Some((_, told)) = &told {
        sequence += 1;
        let retraction = VerdictEvent {
            event_id: new_key(),
            kind: EventKind::Retracted,
            sequence,
            retracts: Some(told.event_id.clone()),
            agent: agent.to_string(),
            at,
            ..told.clone()
        };
        insert(tx, dest, &retraction, due, at)?;
    }
    if let Some(f) = next {
        sequence += 1;
        let event = verdict_event(tx, id, f, sequence)?;
        insert(tx, dest, &event, due, at)?;
    }
    Ok(())
}

/// Nothing a receiver would see changed (the same verdict, reasons and note).
fn same_verdict(told: &VerdictEvent, next: Option<&Feedback>) -> bool {
    next.is_some_and(|f| {
        let reasons: Vec<&str> = f.reasons.iter().map(|r| r.as_str()).collect();
        told.verdict == f.verdict.as_str() && told.reasons == reasons && told.note == f.note
    })
}

/// A fresh idempotency key (time-ordered).
pub(super) fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn to_json(event: &VerdictEvent) -> String {
    serde_json::to_string(event).unwrap_or_else(|_| "{}".into())
}

fn verdict_event(
    tx: &Transaction<'_>,
    id: &str,
    f: &Feedback,
    sequence: i64,
) -> Result<VerdictEvent> {
    // What the people tuning the AI group verdicts by, as imported.
    let (ai_agent, procedure, procedure_version, trigger, confidence) = tx.query_row(
        "SELECT json_extract(body, '$.ai.agent'), procedure, procedure_version, trigger,
                confidence
         FROM handoffs WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    Ok(VerdictEvent {
        event_id: new_key(),
        kind: EventKind::Verdict,
        handoff_id: id.to_string(),
        sequence,
        retracts: None,
        verdict: f.verdict.as_str().to_string(),
        reasons: f.reasons.iter().map(|r| r.as_str().to_string()).collect(),
        note: f.note.clone(),
        agent: f.agent.clone(),
        at: f.at,
        ai_agent,
        procedure,
        procedure_version,
        trigger,
        confidence,
    })
}

fn insert(
    tx: &Transaction<'_>,
    dest: &Destination,
    event: &VerdictEvent,
    due: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    insert_row(
        tx,
        &NewRow {
            key: &event.event_id,
            destination: &dest.name,
            handoff_id: &event.handoff_id,
            kind: event.kind.as_str(),
            payload: &to_json(event),
            due,
            at,
        },
    )
}

/// One outbox row to write: `due` is when it may first be sent (store
/// milliseconds), `at` when it was made.
pub(super) struct NewRow<'a> {
    pub key: &'a str,
    pub destination: &'a str,
    pub handoff_id: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub due: i64,
    pub at: DateTime<Utc>,
}

/// Write one pending row (every outbox row is written here).
pub(super) fn insert_row(tx: &Transaction<'_>, row: &NewRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (idempotency_key, destination, handoff_id, kind, payload,
                             next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.key,
            row.destination,
            row.handoff_id,
            row.kind,
            row.payload,
            row.due,
            to_ms(row.at)
        ],
    )?;
    Ok(())
}
