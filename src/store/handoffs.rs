//! Handoff records: import (upsert by id), the queue index, details, and the
//! agent's changes to assignment, status and the conversation.

use std::borrow::Borrow;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde_json::json;

use super::changes;
use super::migrate::first_agent_message;
use super::remote::enqueue_change;
use super::{Result, Store, StoreError, from_ms, json_list, parse_list, to_ms};
use crate::domain::change::Change;
use crate::domain::completeness;
use crate::domain::feedback::Verdict;
use crate::domain::handoff::{Author, Handoff, Message, Priority, Status, Trigger};
use crate::domain::import::Imported;
use crate::domain::queue::{Interner, Name, QueueRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
}

/// The queue row's columns of `handoffs` (aliased `h`), in the order
/// `row_from_sql` reads them; the verdict comes after.
macro_rules! handoff_columns {
    () => {
        "h.id, h.escalated_at, h.status, h.priority, h.due_at, h.customer,
    h.plan, h.vip, h.at_risk, h.issue, h.team, h.skills, h.language, h.assignee,
    h.confidence, h.trigger, h.procedure, h.completeness"
    };
}

pub(super) const ROW_COLUMNS: &str = concat!(handoff_columns!(), ", f.verdict");

/// Which queue rows to read: open work can be on screen before the
/// history of resolved handoffs has loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    /// Anything not resolved: every row of the built-in sections.
    Open,
    Resolved,
}

/// [`ROW_COLUMNS`] without the verdict: every one is in the queue index.
const ROW_COLUMNS_NO_VERDICT: &str = handoff_columns!();

/// A text column read in place, without copying it into a `String`.
pub(super) fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Text columns are read in place and repeated names shared through
/// `names`, so loading 100k rows makes few allocations and a small index.
pub(super) fn row_from_sql(r: &Row<'_>, names: &mut Interner) -> rusqlite::Result<QueueRow> {
    let text = |i: usize| text(r, i);
    let mut name =
        |i: usize| -> rusqlite::Result<Option<Name>> { Ok(text(i)?.map(|s| names.name(s))) };
    let plan = name(6)?;
    let team = name(10)?;
    let language = name(12)?;
    let assignee = name(13)?;
    let procedure = name(16)?;
    let skills = text(11)?.unwrap_or("[]");
    let skills = names.skills(skills, || parse_list(skills));
    Ok(QueueRow {
        id: r.get(0)?,
        escalated_at: from_ms(r.get(1)?),
        status: text(2)?.and_then(Status::parse).unwrap_or_default(),
        priority: text(3)?.and_then(Priority::parse).unwrap_or_default(),
        due_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
        customer: CompactString::from(text(5)?.unwrap_or_default()),
        plan,
        vip: r.get(7)?,
        at_risk: r.get(8)?,
        issue: text(9)?.map(Box::from),
        team,
        skills,
        language,
        assignee,
        confidence: r.get(14)?,
        trigger: text(15)?.and_then(Trigger::parse),
        procedure,
        completeness: r.get(17)?,
        verdict: text(18)?.and_then(Verdict::parse),
    })
}

/// Write the index columns and body of one handoff (insert or replace),
/// stamped with the transaction's change number `seq` (see `changes`).
pub(super) fn write_handoff(
    tx: &Transaction<'_>,
    h: &Handoff,
    raw: Option<&str>,
    now: i64,
    seq: i64,
) -> Result<bool> {
    // The few derived index columns, without building a whole queue row
    // (a dozen allocations per record on import).
    let due_at = QueueRow::due_at_of(h);
    let trigger = h.summary.escalation.as_ref().map(|e| e.trigger);
    let body = serde_json::to_string(h).map_err(|e| StoreError::Corrupt {
        id: h.id.clone(),
        reason: e.to_string(),
    })?;
    // Cached statements: an import runs these once per record, and parsing
    // the SQL each time was a tenth of importing 100k handoffs.
    let existed: bool = tx
        .prepare_cached("SELECT 1 FROM handoffs WHERE id = ?1")?
        .query_row([&h.id], |_| Ok(()))
        .optional()?
        .is_some();
    tx.prepare_cached(
        "INSERT INTO handoffs (id, escalated_at, status, priority, due_at, customer, plan, vip,
            at_risk, issue, team, skills, language, assignee, confidence, trigger, procedure,
            procedure_version, completeness, body, raw, imported_at, updated_at,
            first_agent_message_at, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, COALESCE(?21, ''), ?22, ?22, ?23, ?24)
         ON CONFLICT (id) DO UPDATE SET
            escalated_at = excluded.escalated_at, status = excluded.status,
            priority = excluded.priority, due_at = excluded.due_at,
            customer = excluded.customer, plan = excluded.plan, vip = excluded.vip,
            at_risk = excluded.at_risk, issue = excluded.issue, team = excluded.team,
            skills = excluded.skills, language = excluded.language,
            assignee = excluded.assignee, confidence = excluded.confidence,
            trigger = excluded.trigger, procedure = excluded.procedure,
            procedure_version = excluded.procedure_version,
            completeness = excluded.completeness, body = excluded.body,
            raw = COALESCE(?21, raw), updated_at = excluded.updated_at,
            first_agent_message_at = excluded.first_agent_message_at,
            change_seq = excluded.change_seq",
    )?
    .execute(params![
        h.id,
        to_ms(h.escalated_at),
        h.status.as_str(),
        h.routing.priority.as_str(),
        due_at.map(to_ms),
        h.customer.name,
        h.customer.plan,
        h.customer.has_flag("vip"),
        h.customer.has_flag("at_risk"),
        h.summary.issue,
        h.routing.team,
        json_list(&h.routing.skills),
        h.language,
        h.routing.assignee,
        h.summary.confidence,
        trigger.map(Trigger::as_str),
        h.ai.procedure,
        h.ai.procedure_version,
        completeness::score(&h.summary),
        body,
        raw,
        now,
        first_agent_message(h),
        seq,
    ])?;
    Ok(existed)
}

pub(super) fn log_activity(
    tx: &Transaction<'_>,
    id: &str,
    agent: &str,
    kind: &str,
    detail: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO activity (handoff_id, agent, kind, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, agent, kind, detail.to_string(), to_ms(at)])?;
    Ok(())
}

impl Store {
    /// Insert or update every record in one transaction: all or nothing.
    pub fn import(&mut self, items: &[Imported], now: DateTime<Utc>) -> Result<ImportReport> {
        Ok(self
            .import_from(std::iter::once(items), now, || true)?
            .unwrap_or_default())
    }

    /// Insert or update every record of every batch `batches` yields, in one
    /// transaction, and commit only if `keep()`, asked once all are written,
    /// says so (`None`: rolled back). A file stored while it is still being
    /// read can so be refused whole when a record near its end turns out
    /// bad. Each batch is dropped once written (which lets its producer free
    /// it where it was allocated).
    pub fn import_from<I, B, T>(
        &mut self,
        batches: I,
        now: DateTime<Utc>,
        keep: impl FnOnce() -> bool,
    ) -> Result<Option<ImportReport>>
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[T]>,
        T: Borrow<Imported>,
    {
        // A big import changes the same index pages over and over; with the
        // default 2 MB cache SQLite spills them to the WAL again and again.
        // Pages are only allocated as they are used, so a small import pays
        // nothing for the larger limit.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -65536)?;
        let result = self.import_all(batches, now, keep);
        self.conn.pragma_update(None, "cache_size", cache)?;
        result
    }

    fn import_all<I, B, T>(
        &mut self,
        batches: I,
        now: DateTime<Utc>,
        keep: impl FnOnce() -> bool,
    ) -> Result<Option<ImportReport>>
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[T]>,
        T: Borrow<Imported>,
    {
        let tx = self.conn.transaction()?;
        let seq = changes::next(&tx)?;
        let mut report = ImportReport::default();
        for batch in batches {
            for item in batch.as_ref() {
                let item = item.borrow();
                if write_handoff(&tx, &item.handoff, Some(&item.raw), to_ms(now), seq)? {
                    report.updated += 1;
                } else {
                    report.inserted += 1;
                }
            }
        }
        if !keep() {
            tx.rollback()?;
            return Ok(None);
        }
        tx.commit()?;
        self.written = seq;
        Ok(Some(report))
    }

    pub fn count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM handoffs", [], |r| r.get(0))?)
    }

    /// Every handoff as a queue row, with the verdict in force.
    pub fn queue_rows(&self) -> Result<Vec<QueueRow>> {
        self.queue_rows_between(Part::All, None, None)
    }

    /// The id that splits the `count` handoffs into two halves of about the
    /// same size (see [`Store::queue_rows_between`]), when the queue index
    /// is there.
    pub fn queue_split(&self, count: i64) -> Result<Option<String>> {
        if !super::migrate::has_index(&self.conn, super::migrate::QUEUE_INDEX)? {
            return Ok(None);
        }
        let half = count / 2;
        // The primary key's index holds only the ids: the quickest to step.
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM handoffs ORDER BY id LIMIT 1 OFFSET ?1",
                [half],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The queue rows of `part` with ids from `from` (included) up to `to`
    /// (not included), or all of them: two connections on two threads can
    /// each load a half (`queue_split`), open work first. In id order when
    /// the queue index is there; a store opened read-only before it was
    /// migrated has no index, reads its table, and ignores the bounds and
    /// the part (everything comes with the open rows).
    pub fn queue_rows_between(
        &self,
        part: Part,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<QueueRow>> {
        let indexed = super::migrate::has_index(&self.conn, super::migrate::QUEUE_INDEX)?;
        // A whole queue is sized up front: growing a 100k-row vector by
        // doubling would hold two copies at the peak. A part's size is not
        // known without a count, which costs more than the growing.
        let room = match (part, from, to) {
            (Part::All, None, None) => usize::try_from(self.count()?).unwrap_or(0),
            _ => 0,
        };
        let mut out = Vec::with_capacity(room);
        let mut names = Interner::default();
        // A full scan reads each page once, so a big page cache buys nothing;
        // filled, it would leave ~2 MB of holes in the heap among the rows.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -256)?;
        let scanned = if indexed {
            self.queue_rows_by_id(part, (from, to), &mut out, &mut names)
        } else if part == Part::Resolved {
            Ok(())
        } else {
            self.queue_rows_joined(&mut out, &mut names)
        };
        self.conn.pragma_update(None, "cache_size", cache)?;
        scanned?;
        Ok(out)
    }

    /// The rows of `part` from the queue index, open ones first, each part
    /// in id order with its verdicts merged in from the feedback table read
    /// in the same order: sequential reads, no lookup per row.
    fn queue_rows_by_id(
        &self,
        part: Part,
        bounds: (Option<&str>, Option<&str>),
        out: &mut Vec<QueueRow>,
        names: &mut Interner,
    ) -> Result<()> {
        let resolved: &[bool] = match part {
            Part::All => &[false, true],
            Part::Open => &[false],
            Part::Resolved => &[true],
        };
        for &resolved in resolved {
            self.queue_rows_of(resolved, bounds, out, names)?;
        }
        Ok(())
    }

    fn queue_rows_of(
        &self,
        resolved: bool,
        (from, to): (Option<&str>, Option<&str>),
        out: &mut Vec<QueueRow>,
        names: &mut Interner,
    ) -> Result<()> {
        let range = |column: &str| {
            let mut sql = format!("{column} >= coalesce(?1, '')");
            if to.is_some() {
                sql.push_str(&format!(" AND {column} < ?2"));
            }
            sql
        };
        let bounds = match to {
            Some(to) => vec![from, Some(to)],
            None => vec![from],
        };
        let mut verdicts = self.conn.prepare(&format!(
            "SELECT handoff_id, verdict FROM feedback WHERE {} ORDER BY handoff_id",
            range("handoff_id")
        ))?;
        let mut verdicts = verdicts.query(rusqlite::params_from_iter(&bounds))?;
        let mut next: Option<(String, Option<Verdict>)> = None;
        let mut verdicts_left = true;
        // The index's leading expression, written the same way, is what
        // lets SQLite read just this part.
        let sql = format!(
            "SELECT {ROW_COLUMNS_NO_VERDICT}, NULL FROM handoffs h INDEXED BY handoffs_queue
             WHERE (h.status = 'resolved') = {} AND {} ORDER BY h.id",
            i32::from(resolved),
            range("h.id")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&bounds))?;
        while let Some(r) = rows.next()? {
            let mut row = row_from_sql(r, names)?;
            // Verdicts for ids not in this part are passed over.
            while verdicts_left
                && next
                    .as_ref()
                    .is_none_or(|(id, _)| id.as_str() < row.id.as_str())
            {
                match verdicts.next()? {
                    Some(v) => next = Some((v.get(0)?, text(v, 1)?.and_then(Verdict::parse))),
                    None => verdicts_left = false,
                }
            }
            if let Some((id, verdict)) = &next
                && *id == row.id
            {
                row.verdict = *verdict;
            }
            out.push(row);
        }
        Ok(())
    }

    fn queue_rows_joined(&self, out: &mut Vec<QueueRow>, names: &mut Interner) -> Result<()> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM handoffs h LEFT JOIN feedback f ON f.handoff_id = h.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.push(row_from_sql(r, names)?);
        }
        Ok(())
    }

    pub fn queue_row(&self, id: &str) -> Result<Option<QueueRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM handoffs h LEFT JOIN feedback f ON f.handoff_id = h.id
             WHERE h.id = ?1"
        );
        let mut names = Interner::default();
        Ok(self
            .conn
            .query_row(&sql, [id], |r| row_from_sql(r, &mut names))
            .optional()?)
    }

    /// The full cleaned record.
    pub fn handoff(&self, id: &str) -> Result<Option<Handoff>> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM handoffs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        body.map(|b| {
            serde_json::from_str(&b).map_err(|e| StoreError::Corrupt {
                id: id.to_string(),
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// The stored id `typed` names: itself, else the one id that differs
    /// from it only in case (`ho-1046` for HO-1046).
    pub fn find_id(&self, typed: &str) -> Result<Option<String>> {
        let exact = |sql: &str| -> Result<Option<String>> {
            Ok(self.conn.query_row(sql, [typed], |r| r.get(0)).optional()?)
        };
        match exact("SELECT id FROM handoffs WHERE id = ?1")? {
            Some(id) => Ok(Some(id)),
            None => exact("SELECT id FROM handoffs WHERE id = ?1 COLLATE NOCASE LIMIT 1"),
        }
    }

    /// Every handoff id, to suggest one when a typed id is not found.
    pub fn ids(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT id FROM handoffs ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// The record exactly as it was imported, for audit.
    pub fn raw(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT raw FROM handoffs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// Apply `change` to `id` and write it in one transaction with its
    /// activity record (`kind`, with the detail `change` returns) and, for a
    /// mirrored handoff, its outbox row.
    pub(super) fn modify(
        &mut self,
        id: &str,
        agent: &str,
        kind: &str,
        at: DateTime<Utc>,
        remote: Change,
        change: impl FnOnce(&mut Handoff) -> serde_json::Value,
    ) -> Result<Handoff> {
        let mut h = self
            .handoff(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let detail = change(&mut h);
        let tx = self.conn.transaction()?;
        let seq = changes::next(&tx)?;
        write_handoff(&tx, &h, None, to_ms(at), seq)?;
        log_activity(&tx, id, agent, kind, &detail, at)?;
        enqueue_change(&tx, self.helpdesk.as_ref(), id, &remote, at)?;
        tx.commit()?;
        self.written = seq;
        Ok(h)
    }

    /// Assign (or with `None`, unassign) a handoff.
    pub fn assign(
        &mut self,
        id: &str,
        assignee: Option<&str>,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<Handoff> {
        let remote = Change::Assign {
            assignee: assignee.map(str::to_string),
            agent: agent.to_string(),
        };
        self.modify(id, agent, "assign", at, remote, |h| {
            h.routing.assignee = assignee.map(str::to_string);
            json!({ "assignee": assignee })
        })
    }

    pub fn set_status(
        &mut self,
        id: &str,
        status: Status,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<Handoff> {
        let remote = Change::Status {
            status,
            agent: agent.to_string(),
        };
        self.modify(id, agent, "status", at, remote, |h| {
            h.status = status;
            json!({ "status": status.as_str() })
        })
    }

    /// Record `seconds` of active work on a handoff (handle time).
    pub fn log_focus(
        &mut self,
        id: &str,
        agent: &str,
        seconds: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        log_activity(&tx, id, agent, "focus", &json!({ "seconds": seconds }), at)?;
        tx.commit()?;
        Ok(())
    }

    /// Add an agent's reply or internal note to the conversation, and drop the
    /// draft it came from, in one transaction.
    pub fn add_message(
        &mut self,
        id: &str,
        agent: &str,
        text: &str,
        private: bool,
        at: DateTime<Utc>,
    ) -> Result<Handoff> {
        let kind = if private { "note" } else { "reply" };
        let mut h = self
            .handoff(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        h.transcript.push(Message {
            at,
            author: Author::Agent,
            name: Some(agent.to_string()),
            text: crate::domain::sanitize::clean(text),
            private,
        });
        let tx = self.conn.transaction()?;
        let seq = changes::next(&tx)?;
        write_handoff(&tx, &h, None, to_ms(at), seq)?;
        log_activity(&tx, id, agent, kind, &json!({ "text": text }), at)?;
        let remote = Change::Message {
            text: text.to_string(),
            private,
            agent: agent.to_string(),
        };
        enqueue_change(&tx, self.helpdesk.as_ref(), id, &remote, at)?;
        tx.execute(
            "DELETE FROM drafts WHERE handoff_id = ?1 AND kind = ?2",
            params![id, kind],
        )?;
        tx.commit()?;
        self.written = seq;
        Ok(h)
    }
}

#[cfg(test)]
mod queue_rows_tests;
