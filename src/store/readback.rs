//! The team's verdicts, read back from the helpdesk. A sync records every
//! verdict the helpdesk holds on a conversation, one per author
//! (`remote_feedback`), and settles the verdict in force: the workspace's
//! own while it has one, else the latest the helpdesk holds. When the
//! helpdesk no longer carries a verdict we sent, it was taken off there and
//! is withdrawn here too. The webhook hears the verdict in force change,
//! teammates' included, once.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

use super::feedback::{feedback_row, reasons_json};
use super::handoffs::log_activity;
use super::{Destination, Result, from_ms, to_ms};
use crate::domain::feedback::Feedback;
use crate::domain::verdict_marks::{self, AuthorVerdict, Marks};

/// `feedback.source` of the workspace's own verdicts.
pub const LOCAL: &str = "local";

/// Who the activity log names for a change that came from the helpdesk.
const FROM_HELPDESK: &str = "helpdesk";

const VERDICT: &str = "change.verdict";

/// Record what helpdesk `source` shows of verdicts on `id` (`marks`, as
/// pulled from `pulled_at` on) and settle the verdict in force.
pub(super) fn record(
    tx: &Transaction<'_>,
    destinations: &[Destination],
    source: &str,
    id: &str,
    marks: &Marks,
    pulled_at: DateTime<Utc>,
) -> Result<bool> {
    let before = in_force(tx, id)?;
    let found = verdict_marks::read_back(marks, pulled_at);
    replace_remote(tx, id, &found)?;
    if found.is_empty() && local(tx, id)?.is_some() && sent_before(tx, source, id, pulled_at)? {
        // Our verdict reached the helpdesk and is gone from it: someone
        // took it off there.
        tx.execute(
            "DELETE FROM feedback WHERE handoff_id = ?1 AND source = ?2",
            params![id, LOCAL],
        )?;
        log_activity(
            tx,
            id,
            FROM_HELPDESK,
            "verdict_withdrawn",
            &json!({ "in": source }),
            pulled_at,
        )?;
    }
    settle(
        tx,
        destinations,
        source,
        id,
        before.as_ref(),
        None,
        pulled_at,
    )
}

/// Put in force what should be: the workspace's own verdict, else the
/// helpdesk's latest. The webhook hears it when that is not `before`, from
/// `actor` (default: whoever gave the verdict now in force). Whether the
/// verdict in force changed.
pub(super) fn settle(
    tx: &Transaction<'_>,
    destinations: &[Destination],
    source: &str,
    id: &str,
    before: Option<&Feedback>,
    actor: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let after = match local(tx, id)? {
        Some(mine) => Some(mine),
        None => latest_remote(tx, id)?,
    };
    if same(before, after.as_ref()) {
        return Ok(false);
    }
    if local(tx, id)?.is_none() {
        match &after {
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
                        source
                    ],
                )?;
            }
            None => {
                tx.execute("DELETE FROM feedback WHERE handoff_id = ?1", [id])?;
            }
        }
    }
    let agent = actor
        .map(str::to_string)
        .or_else(|| after.as_ref().map(|f| f.agent.clone()))
        .unwrap_or_else(|| FROM_HELPDESK.to_string());
    for dest in destinations {
        super::outbox::enqueue_verdict_change(tx, dest, id, after.as_ref(), &agent, at)?;
    }
    Ok(true)
}

/// The verdict in force on `id`, whoever gave it.
pub(super) fn in_force(tx: &Transaction<'_>, id: &str) -> Result<Option<Feedback>> {
    Ok(tx
        .query_row(
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM feedback
             WHERE handoff_id = ?1",
            [id],
            feedback_row,
        )
        .optional()?)
}

/// The workspace's own verdict on `id`.
fn local(tx: &Transaction<'_>, id: &str) -> Result<Option<Feedback>> {
    Ok(tx
        .query_row(
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM feedback
             WHERE handoff_id = ?1 AND source = ?2",
            params![id, LOCAL],
            feedback_row,
        )
        .optional()?)
}

/// The newest verdict the helpdesk holds on `id`.
pub(super) fn latest_remote(tx: &Transaction<'_>, id: &str) -> Result<Option<Feedback>> {
    Ok(tx
        .query_row(
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM remote_feedback
             WHERE handoff_id = ?1 ORDER BY at DESC, agent LIMIT 1",
            [id],
            feedback_row,
        )
        .optional()?)
}

/// Whether `f` is the verdict author `f.agent` holds on `id` in the
/// helpdesk (an undo putting a teammate's verdict back in force).
pub(super) fn is_remote(tx: &Transaction<'_>, id: &str, f: &Feedback) -> Result<bool> {
    let held = tx
        .query_row(
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM remote_feedback
             WHERE handoff_id = ?1 AND agent = ?2",
            params![id, f.agent],
            feedback_row,
        )
        .optional()?;
    Ok(held.is_some_and(|r| same(Some(&r), Some(f))))
}

/// Replace the helpdesk's verdicts on `id` with `found`; an author's
/// unchanged verdict keeps the time first seen (a tag-only one has none of
/// its own).
fn replace_remote(tx: &Transaction<'_>, id: &str, found: &[AuthorVerdict]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT handoff_id, verdict, reasons, note, agent, at FROM remote_feedback
         WHERE handoff_id = ?1",
    )?;
    let old: Vec<Feedback> = stmt
        .query_map([id], feedback_row)?
        .collect::<rusqlite::Result<_>>()?;
    tx.execute("DELETE FROM remote_feedback WHERE handoff_id = ?1", [id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO remote_feedback (handoff_id, agent, verdict, reasons, note, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for v in found {
        let new = Feedback {
            handoff_id: id.to_string(),
            verdict: v.verdict,
            reasons: v.reasons.clone(),
            note: v.note.clone(),
            agent: v.agent.clone(),
            at: v.at,
        };
        let at = old
            .iter()
            .find(|o| o.agent == new.agent && same(Some(o), Some(&new)))
            .map_or(new.at, |o| o.at);
        insert.execute(params![
            id,
            new.agent,
            new.verdict.as_str(),
            reasons_json(&new.reasons),
            new.note,
            to_ms(at)
        ])?;
    }
    Ok(())
}

/// Whether our last verdict change to helpdesk `source` on `id` was
/// acknowledged before `t` (a pull that began after it saw it land).
fn sent_before(tx: &Transaction<'_>, source: &str, id: &str, t: DateTime<Utc>) -> Result<bool> {
    let sent: Option<i64> = tx.query_row(
        "SELECT MAX(sent_at) FROM outbox WHERE handoff_id = ?1 AND destination = ?2
           AND kind = ?3 AND state = 'sent'",
        params![id, source, VERDICT],
        |r| r.get(0),
    )?;
    Ok(sent.is_some_and(|s| from_ms(s) < t))
}

/// The same verdict, reasons, note and author.
fn same(a: Option<&Feedback>, b: Option<&Feedback>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.verdict == b.verdict
                && a.reasons == b.reasons
                && a.note == b.note
                && a.agent == b.agent
        }
        _ => false,
    }
}
