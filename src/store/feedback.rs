//! Verdicts: the verdict in force per handoff, every change logged.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;

use super::handoffs::{log_activity, text};
use super::{Result, Store, StoreError, from_ms, to_ms};
use crate::domain::change::Change;
use crate::domain::feedback::{Feedback, Reason, Verdict};

/// One verdict in force, with what it is attributed to (for export and review).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackRecord {
    pub handoff_id: String,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub note: Option<String>,
    pub agent: String,
    pub at: DateTime<Utc>,
    pub procedure: Option<String>,
    pub procedure_version: Option<String>,
    pub trigger: Option<String>,
}

pub(super) fn reasons_json(reasons: &[Reason]) -> String {
    let names: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
}

fn parse_reasons(text: &str) -> Vec<Reason> {
    // Reason names need no escapes, so they are read in place; anything
    // else falls back to owned strings (the same result, slower).
    match serde_json::from_str::<Vec<&str>>(text) {
        Ok(names) => names.iter().filter_map(|r| Reason::parse(r)).collect(),
        Err(_) => serde_json::from_str::<Vec<String>>(text)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| Reason::parse(r))
            .collect(),
    }
}

/// `handoff_id, verdict, reasons, note, agent, at` of a feedback row, the
/// verdict and reasons read in place (`stats` reads every row).
pub(super) fn feedback_row(r: &Row<'_>) -> rusqlite::Result<Feedback> {
    Ok(Feedback {
        handoff_id: r.get(0)?,
        // Only "good" and "bad" are ever written; treat anything else as a
        // flag so it is looked at rather than silently counted as fine.
        verdict: Verdict::parse(text(r, 1)?.unwrap_or_default()).unwrap_or(Verdict::Bad),
        reasons: parse_reasons(text(r, 2)?.unwrap_or_default()),
        note: r.get(3)?,
        agent: r.get(4)?,
        at: from_ms(r.get(5)?),
    })
}

impl Store {
    pub fn feedback(&self, id: &str) -> Result<Option<Feedback>> {
        Ok(self
            .conn
            .query_row(
                "SELECT handoff_id, verdict, reasons, note, agent, at FROM feedback
                 WHERE handoff_id = ?1",
                [id],
                feedback_row,
            )
            .optional()?)
    }

    /// Put `feedback` in force (or with `None`, clear the verdict on `id`), and
    /// log the change. Returns what was in force before, so it can be undone.
    pub fn set_feedback(
        &mut self,
        id: &str,
        feedback: Option<&Feedback>,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Feedback>> {
        let previous = self.feedback(id)?;
        let exists: bool = self
            .conn
            .query_row("SELECT 1 FROM handoffs WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Err(StoreError::NotFound(id.to_string()));
        }
        let tx = self.conn.transaction()?;
        let seq = super::changes::next(&tx)?;
        let routes = (&self.destinations[..], self.helpdesk.as_ref());
        write_verdict(&tx, routes, seq, id, feedback, agent, at)?;
        tx.commit()?;
        self.written = seq;
        Ok(previous)
    }

    /// Put each of `verdicts` in force as [`Store::set_feedback`] does, given
    /// by its own agent at its own time, in one transaction: all or none, and
    /// one commit rather than hundreds (the demo's history is seeded so).
    pub fn set_feedback_all(&mut self, verdicts: &[Feedback]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let seq = super::changes::next(&tx)?;
        let routes = (&self.destinations[..], self.helpdesk.as_ref());
        for f in verdicts {
            let id = f.handoff_id.as_str();
            let exists = tx
                .query_row("SELECT 1 FROM handoffs WHERE id = ?1", [id], |_| Ok(()))
                .optional()?
                .is_some();
            if !exists {
                return Err(StoreError::NotFound(id.to_string()));
            }
            write_verdict(&tx, routes, seq, id, Some(f), &f.agent, f.at)?;
        }
        tx.commit()?;
        self.written = seq;
        Ok(())
    }

    /// Every verdict given at or after `since`, oldest first: the
    /// workspace's own, and each one the helpdesk holds by someone else —
    /// once per handoff and author, named as the helpdesk names them.
    pub fn feedback_export(&self, since: Option<DateTime<Utc>>) -> Result<Vec<FeedbackRecord>> {
        // A read-only store from before the team's verdicts were read back
        // has only the workspace's own.
        let team = super::migrate::table_has_column(&self.conn, "feedback", "source")?;
        let sql = if team {
            "SELECT f.handoff_id, f.verdict, f.reasons, f.note, f.agent, f.at,
                    h.procedure, h.procedure_version, h.trigger
             FROM feedback f JOIN handoffs h ON h.id = f.handoff_id
             WHERE f.at >= ?1 AND f.source = 'local'
             UNION ALL
             SELECT r.handoff_id, r.verdict, r.reasons, r.note, r.agent, r.at,
                    h.procedure, h.procedure_version, h.trigger
             FROM remote_feedback r JOIN handoffs h ON h.id = r.handoff_id
             WHERE r.at >= ?1 AND NOT EXISTS (
                 -- Ours, read back: the workspace's own row says it already.
                 SELECT 1 FROM feedback f WHERE f.handoff_id = r.handoff_id
                   AND f.source = 'local'
                   AND (f.agent = r.agent
                        OR r.agent IN (SELECT value FROM meta WHERE key LIKE '%.me_name')))
             ORDER BY 6, 1, 5"
        } else {
            "SELECT f.handoff_id, f.verdict, f.reasons, f.note, f.agent, f.at,
                    h.procedure, h.procedure_version, h.trigger
             FROM feedback f JOIN handoffs h ON h.id = f.handoff_id
             WHERE f.at >= ?1 ORDER BY f.at, f.handoff_id"
        };
        let mut stmt = self.conn.prepare(sql)?;
        let since = since.map(to_ms).unwrap_or(i64::MIN);
        let rows = stmt.query_map([since], |r| {
            let f = feedback_row(r)?;
            Ok(FeedbackRecord {
                handoff_id: f.handoff_id,
                verdict: f.verdict,
                reasons: f.reasons,
                note: f.note,
                agent: f.agent,
                at: f.at,
                procedure: r.get(6)?,
                procedure_version: r.get(7)?,
                trigger: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// What `set_feedback` writes for one verdict, in the caller's transaction:
/// the verdict (or its removal), the activity row, the change stamp `seq`,
/// and an event for each destination in `routes` (webhooks, the helpdesk).
fn write_verdict(
    tx: &rusqlite::Transaction<'_>,
    (destinations, helpdesk): (&[super::Destination], Option<&super::Destination>),
    seq: i64,
    id: &str,
    feedback: Option<&Feedback>,
    agent: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    // The queue row shows the verdict: stamp it as changed.
    super::changes::touch(tx, id, seq)?;
    // Putting a teammate's verdict back (an undo) is taking mine off:
    // theirs, still in the helpdesk, comes back in force by itself.
    let feedback = match feedback {
        Some(f) if f.agent != agent && super::readback::is_remote(tx, id, f)? => None,
        other => other,
    };
    let before = super::readback::in_force(tx, id)?;
    match feedback {
        Some(f) => {
            tx.execute(
                "INSERT INTO feedback (handoff_id, verdict, reasons, note, agent, at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (handoff_id) DO UPDATE SET verdict = excluded.verdict,
                    reasons = excluded.reasons, note = excluded.note,
                    agent = excluded.agent, at = excluded.at, source = excluded.source",
                params![
                    id,
                    f.verdict.as_str(),
                    reasons_json(&f.reasons),
                    f.note,
                    f.agent,
                    to_ms(f.at),
                    super::readback::LOCAL
                ],
            )?;
            let detail = json!({
                "verdict": f.verdict.as_str(),
                "reasons": f.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "note": f.note,
            });
            log_activity(tx, id, agent, "verdict", &detail, at)?;
        }
        None => {
            tx.execute("DELETE FROM feedback WHERE handoff_id = ?1", [id])?;
            log_activity(tx, id, agent, "verdict_cleared", &json!({}), at)?;
        }
    }
    // In the same transaction: a verdict is never durable without the
    // event that announces it, nor the other way round. The webhook
    // hears the verdict in force after this (a teammate's, once mine
    // is withdrawn); the helpdesk hears mine.
    let source = helpdesk.map_or("helpdesk", |d| d.name.as_str());
    super::readback::settle(
        tx,
        destinations,
        source,
        id,
        before.as_ref(),
        Some(agent),
        at,
    )?;
    let remote = Change::Verdict {
        verdict: feedback.map(|f| f.verdict.as_str().to_string()),
        reasons: feedback
            .map(|f| f.reasons.iter().map(|r| r.as_str().to_string()).collect())
            .unwrap_or_default(),
        note: feedback.and_then(|f| f.note.clone()),
        agent: agent.to_string(),
        at,
    };
    super::remote::enqueue_change(tx, helpdesk, id, &remote, at)?;
    Ok(())
}
