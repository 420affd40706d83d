//! What `handoff stats` reads, kept ready at write time: the first agent
//! message of each transcript as a column, and one index that covers every
//! column `Store::metric_inputs` reads.
//!
//! Before this, stats picked the agent messages out of every stored JSON body
//! with SQLite's JSON functions (~0.4 s for the 47k handoffs of two weeks at
//! 100k) and scanned the table, whose rows carry ~5 KB of body and raw
//! record. Stores made before the column existed are migrated when opened
//! for writing: the column is added, filled from the bodies and indexed in
//! one transaction (about 2 s at 100k, once).
//!
//! The same way, stores made before change tracking get `change_seq` and
//! its index (see `changes`): existing rows read as 0, "before any change".

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::{Result, changes, from_ms};
use crate::domain::handoff::{Author, Handoff};

/// The column: the earliest agent-authored transcript message at or after
/// `escalated_at`, as RFC 3339 text. Text, not milliseconds like the other
/// times, because a message time keeps its full precision in the body and
/// the SLA comparison (`answered after due`) must not change by rounding.
pub(super) const COLUMN: &str = "first_agent_message_at";

/// Every column `metric_rows` reads from `handoffs`, led by the window's
/// key, so stats reads ~200 bytes a handoff from the index instead of the
/// table's ~5 KB rows. New stores get the column from schema.sql; the index
/// is created here for new and old alike, because schema.sql cannot name a
/// column an old table lacks.
pub(super) const INDEX: &str = "handoffs_metrics";
const CREATE_INDEX: &str = "CREATE INDEX IF NOT EXISTS handoffs_metrics ON handoffs (
    escalated_at, id, status, priority, due_at, team, assignee, issue, confidence, trigger,
    procedure, procedure_version, completeness, first_agent_message_at)";

/// Every column the queue index (`Store::queue_rows`) reads from
/// `handoffs`, led by whether the handoff is resolved, then the id: loading
/// 100k rows reads ~20 MB of index instead of scanning the ~5 KB rows of
/// the table, the open handoffs can be read on their own (first, so the
/// queue is on screen sooner), and each part comes in id order, as the
/// verdicts (keyed by id too) are merged in.
pub(super) const QUEUE_INDEX: &str = "handoffs_queue";
const CREATE_QUEUE_INDEX: &str = "CREATE INDEX IF NOT EXISTS handoffs_queue ON handoffs (
    status = 'resolved', id, escalated_at, status, priority, due_at, customer, plan, vip,
    at_risk, issue, team, skills, language, assignee, confidence, trigger, procedure,
    completeness)";

/// The earliest agent message at or after the escalation, compared with the
/// escalation time as stored (whole milliseconds), exactly as the metrics
/// compare it.
pub(super) fn first_agent_message(h: &Handoff) -> Option<String> {
    let escalated = from_ms(super::to_ms(h.escalated_at));
    h.transcript
        .iter()
        .filter(|m| m.author == Author::Agent && m.at >= escalated)
        .map(|m| m.at)
        .min()
        .map(stamp)
}

/// Full precision, so `parse_stamp` gives back the same instant.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An unreadable time cannot be a first response (as before the column).
pub(super) fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether the store has the metrics column and its index (a read-only
/// store made by an older version may not; `metric_inputs` then reads the
/// bodies).
pub(super) fn has_metrics(conn: &Connection) -> Result<bool> {
    Ok(has_column(conn, COLUMN)? && has_index(conn, INDEX)?)
}

/// Whether nothing is left to migrate.
pub(super) fn is_current(conn: &Connection) -> Result<bool> {
    Ok(has_metrics(conn)?
        && has_column(conn, changes::COLUMN)?
        && has_index(conn, changes::INDEX)?
        && table_has_column(conn, "feedback", "source")?
        && table_has_column(conn, "outbox", "sent_at")?
        && has_index(conn, QUEUE_INDEX)?)
}

pub(super) fn has_column(conn: &Connection, column: &str) -> Result<bool> {
    table_has_column(conn, "handoffs", column)
}

/// Whether `table` has `column` (a read-only store made by an older
/// version may lack one).
pub(super) fn table_has_column(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    for name in names {
        if name? == column {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) fn has_index(conn: &Connection, index: &str) -> Result<bool> {
    let mut stmt =
        conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1")?;
    Ok(stmt.query_row([index], |_| Ok(())).optional()?.is_some())
}

/// Bring an opened store up to date: add and fill the column, create the
/// index, add the change stamp and its index, all in one transaction.
/// Nothing to do (a few cheap reads) when all are there.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    if is_current(conn)? {
        return Ok(());
    }
    // Immediate: a second process opening the same store waits here and
    // then finds the work done, instead of adding the column twice.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !has_column(&tx, COLUMN)? {
        tx.execute_batch(&format!("ALTER TABLE handoffs ADD COLUMN {COLUMN} TEXT"))?;
        backfill(&tx)?;
    }
    tx.execute_batch(CREATE_INDEX)?;
    if !has_column(&tx, changes::COLUMN)? {
        tx.execute_batch(&format!(
            "ALTER TABLE handoffs ADD COLUMN {} INTEGER NOT NULL DEFAULT 0",
            changes::COLUMN
        ))?;
    }
    tx.execute_batch(changes::CREATE_INDEX)?;
    // Verdicts read back from a helpdesk sit beside the workspace's own.
    if !table_has_column(&tx, "feedback", "source")? {
        tx.execute_batch("ALTER TABLE feedback ADD COLUMN source TEXT NOT NULL DEFAULT 'local'")?;
    }
    if !table_has_column(&tx, "outbox", "sent_at")? {
        tx.execute_batch("ALTER TABLE outbox ADD COLUMN sent_at INTEGER")?;
    }
    tx.execute_batch(CREATE_QUEUE_INDEX)?;
    tx.commit()?;
    Ok(())
}

/// Fill the column from the stored bodies: the same JSON walk stats used to
/// make per query, made once. Only handoffs with an agent message change.
fn backfill(conn: &Connection) -> Result<()> {
    let mut first: HashMap<String, DateTime<Utc>> = HashMap::new();
    for (id, escalated, at) in agent_messages(conn, i64::MIN)? {
        if at >= escalated {
            let t = first.entry(id).or_insert(at);
            *t = (*t).min(at);
        }
    }
    let mut update = conn.prepare(&format!("UPDATE handoffs SET {COLUMN} = ?2 WHERE id = ?1"))?;
    for (id, at) in first {
        update.execute(rusqlite::params![id, stamp(at)])?;
    }
    Ok(())
}

/// (handoff id, its escalated_at, message time).
pub(super) type AgentMessage = (String, DateTime<Utc>, DateTime<Utc>);

/// (id, escalated_at, message time) of every agent-authored transcript
/// message of the handoffs escalated at or after `since`, read from the JSON
/// bodies. An unreadable time is skipped. Used by the migration, and by
/// `metric_inputs` on a store too old to have the column.
pub(super) fn agent_messages(conn: &Connection, since: i64) -> Result<Vec<AgentMessage>> {
    let mut stmt = conn.prepare(
        "SELECT h.id, h.escalated_at, json_extract(m.value, '$.at')
         FROM handoffs h, json_each(h.body, '$.transcript') m
         WHERE h.escalated_at >= ?1 AND json_valid(h.body)
           AND json_extract(m.value, '$.author') = 'agent'",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query([since])?;
    while let Some(r) = rows.next()? {
        let at: Option<String> = r.get(2).ok().flatten();
        if let Some(t) = at.as_deref().and_then(parse_stamp) {
            out.push((r.get(0)?, from_ms(r.get(1)?), t));
        }
    }
    Ok(out)
}
