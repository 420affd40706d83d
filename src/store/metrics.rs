//! Loading metric inputs: one query per table for every handoff escalated
//! since a time, folded into `MetricInput`s in memory.
//!
//! First human response needs the transcript's first agent message: it is a
//! column, `first_agent_message_at`, computed whenever a handoff is written
//! (`migrate.rs`), and the handoffs' columns are read from an index that
//! covers them all, never from the ~5 KB rows. On 100k generated handoffs
//! over 30 days (47k in the two weeks `handoff stats` reads) loading takes
//! ~100 ms, ~20 of it in SQLite and the rest building the inputs; reading
//! the JSON bodies took ~550 ms, and still does for an old store opened
//! read-only (it cannot be migrated).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::feedback::feedback_row;
use super::handoffs::text;
use super::{Result, Store, from_ms, migrate, to_ms};
use crate::domain::feedback::Feedback;
use crate::domain::handoff::{Priority, Status, Trigger};
use crate::domain::metrics::{ActivityEvent, ActivityKind, MetricInput};
use crate::domain::sanitize::clean_line;

impl Store {
    /// Every handoff escalated at or after `since`, with its verdict in
    /// force, transcript agent-message times and activity folded in.
    pub fn metric_inputs(&self, since: DateTime<Utc>) -> Result<Vec<MetricInput>> {
        let since = to_ms(since);
        let rows = self.metric_rows(since)?;
        // An old store opened read-only: every agent message, from the bodies.
        let mut from_bodies: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
        if !self.metric_columns {
            for (id, _, at) in migrate::agent_messages(&self.conn, since)? {
                from_bodies.entry(id).or_default().push(at);
            }
        }
        // Verdicts and activity are matched to rows by position, so no id is
        // copied or hashed twice.
        let index: HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (h.id.as_str(), i))
            .collect();
        let mut verdicts = self.verdicts_in_force(since, &index)?;
        let mut events = self.activity_events(since, &index)?;
        let imported = self.imported_assignees(&rows, &events)?;
        drop(index);
        let mut inputs = Vec::with_capacity(rows.len());
        for (i, (mut h, first_message)) in rows.into_iter().enumerate() {
            h.feedback = verdicts.get_mut(i).and_then(Option::take);
            let messages = match from_bodies.get(&h.id) {
                Some(all) => all.as_slice(),
                None => first_message.as_slice(),
            };
            let events = events.remove(&i).unwrap_or_default();
            h.apply_activity(
                messages,
                imported.get(&i).and_then(Option::as_deref),
                &events,
            );
            inputs.push(h);
        }
        Ok(inputs)
    }

    /// Verdicts in force given at or after `since` (for who-gave-what counts).
    pub fn verdicts_since(&self, since: DateTime<Utc>) -> Result<Vec<Feedback>> {
        let mut stmt = self.conn.prepare(
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM feedback WHERE at >= ?1",
        )?;
        let rows = stmt.query_map([to_ms(since)], feedback_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether `table` has at most `n` rows, told from its largest rowid
    /// (an upper bound, at the cost of one lookup).
    fn at_most(&self, table: &str, n: usize) -> Result<bool> {
        let last: i64 = self.conn.query_row(
            &format!("SELECT COALESCE(MAX(rowid), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(last).is_ok_and(|last| last <= n))
    }

    /// The handoffs' own columns, and the first agent message (`None` on a
    /// store without the column).
    fn metric_rows(&self, since: i64) -> Result<Vec<(MetricInput, Option<DateTime<Utc>>)>> {
        // Named, so the plan cannot fall back to scanning the table.
        let (from, first_message) = if self.metric_columns {
            (
                "handoffs h INDEXED BY handoffs_metrics",
                "h.first_agent_message_at",
            )
        } else {
            ("handoffs h", "NULL")
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT h.id, h.escalated_at, h.status, h.priority, h.due_at, h.team, h.assignee,
                    h.issue, h.confidence, h.trigger, h.procedure, h.procedure_version,
                    h.completeness, {first_message}
             FROM {from} WHERE h.escalated_at >= ?1"
        ))?;
        // Sized up front: ~47k inputs of ~250 bytes, doubled into place,
        // were a tenth of the load. Counting reads only the index.
        let count: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM {from} WHERE h.escalated_at >= ?1"),
            [since],
            |r| r.get(0),
        )?;
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut rows = stmt.query([since])?;
        while let Some(r) = rows.next()? {
            let first_message = text(r, 13)?.and_then(migrate::parse_stamp);
            let assignee: Option<String> = r.get(6)?;
            let input = MetricInput {
                id: r.get(0)?,
                escalated_at: from_ms(r.get(1)?),
                status: text(r, 2)?.and_then(Status::parse).unwrap_or_default(),
                priority: text(r, 3)?.and_then(Priority::parse).unwrap_or_default(),
                due_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
                team: r.get(5)?,
                first_assignee: assignee.clone(),
                assignee,
                issue: r.get(7)?,
                confidence: r.get(8)?,
                trigger: text(r, 9)?.and_then(Trigger::parse),
                procedure: r.get(10)?,
                procedure_version: r.get(11)?,
                completeness: r.get(12)?,
                ..MetricInput::default()
            };
            out.push((input, first_message));
        }
        Ok(out)
    }

    /// The verdict in force on each of the handoffs in the windows, by their
    /// position in `index`.
    ///
    /// Two plans, the same verdicts: reading every verdict when there are
    /// not many more of them than handoffs in the windows (one pass: 33k in
    /// 2 ms), else looking each handoff up by key (~0.5 µs a handoff, 25 ms
    /// for 47k, however long the history).
    fn verdicts_in_force(
        &self,
        since: i64,
        index: &HashMap<&str, usize>,
    ) -> Result<Vec<Option<Feedback>>> {
        let all = self.at_most("feedback", 2 * index.len())?;
        let mut stmt = self.conn.prepare(if all {
            "SELECT handoff_id, verdict, reasons, note, agent, at FROM feedback"
        } else {
            "SELECT f.handoff_id, f.verdict, f.reasons, f.note, f.agent, f.at
             FROM handoffs h JOIN feedback f ON f.handoff_id = h.id
             WHERE h.escalated_at >= ?1"
        })?;
        let mut rows = if all {
            stmt.query([])?
        } else {
            stmt.query([since])?
        };
        let mut out = vec![None; index.len()];
        while let Some(r) = rows.next()? {
            let at = text(r, 0)?.and_then(|id| index.get(id));
            if let Some(slot) = at.and_then(|&i| out.get_mut(i)) {
                *slot = Some(feedback_row(r)?);
            }
        }
        Ok(out)
    }

    /// The activity the metrics read for the handoffs in the windows, by
    /// their position in `index`, oldest first.
    ///
    /// Two plans, the same rows, as for verdicts: the whole log of those
    /// kinds in one pass when it is short next to the windows (the bench
    /// store's 33k rows take ~3 ms), else each handoff looked up in the
    /// log's index (~0.8 µs a handoff, 37 ms for 47k, whatever the log's
    /// length).
    fn activity_events(
        &self,
        since: i64,
        index: &HashMap<&str, usize>,
    ) -> Result<HashMap<usize, Vec<ActivityEvent>>> {
        let whole_log = self.at_most("activity", 2 * index.len())?;
        let mut stmt = self.conn.prepare(if whole_log {
            "SELECT a.handoff_id, a.agent, a.kind, a.detail, a.at
             FROM activity a
             WHERE a.kind IN ('reply', 'note', 'claim', 'assign', 'status', 'focus')
             ORDER BY a.seq"
        } else {
            "SELECT a.handoff_id, a.agent, a.kind, a.detail, a.at
             FROM handoffs h JOIN activity a ON a.handoff_id = h.id
             WHERE h.escalated_at >= ?1
               AND a.kind IN ('reply', 'note', 'claim', 'assign', 'status', 'focus')
             ORDER BY a.seq"
        })?;
        let mut out: HashMap<usize, Vec<ActivityEvent>> = HashMap::new();
        let mut rows = if whole_log {
            stmt.query([])?
        } else {
            stmt.query([since])?
        };
        while let Some(r) = rows.next()? {
            let Some(&i) = text(r, 0)?.and_then(|id| index.get(id)) else {
                continue;
            };
            let kind = text(r, 2)?.unwrap_or_default();
            let detail = text(r, 3)?.unwrap_or_default();
            let detail = serde_json::from_str(detail).unwrap_or(serde_json::Value::Null);
            let event = ActivityEvent::parse(r.get(1)?, from_ms(r.get(4)?), kind, &detail);
            out.entry(i).or_default().push(event);
        }
        Ok(out)
    }

    /// The assignee each handoff arrived with, read from the raw record, for
    /// the handoffs someone (un)assigned here (the body holds only the
    /// current one); only those need it, so only those are read. Cleaned as
    /// import cleans it, so names compare equal.
    fn imported_assignees(
        &self,
        rows: &[(MetricInput, Option<DateTime<Utc>>)],
        events: &HashMap<usize, Vec<ActivityEvent>>,
    ) -> Result<HashMap<usize, Option<String>>> {
        let mut stmt = self.conn.prepare(
            "SELECT CASE WHEN json_valid(raw) AND json_type(raw, '$.routing.assignee') = 'text'
                         THEN json_extract(raw, '$.routing.assignee') END
             FROM handoffs WHERE id = ?1",
        )?;
        let mut out = HashMap::new();
        for (&i, events) in events {
            let assigned = events
                .iter()
                .any(|e| matches!(e.kind, ActivityKind::Assign(_)));
            let Some((h, _)) = rows.get(i).filter(|_| assigned) else {
                continue;
            };
            let raw: Option<String> = stmt.query_row([&h.id], |r| r.get(0)).optional()?.flatten();
            let name = raw
                .map(|s| clean_line(&s).trim().to_string())
                .filter(|s| !s.is_empty());
            out.insert(i, name);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use serde_json::json;

    use super::*;
    use crate::domain::feedback::{Reason, Verdict};
    use crate::domain::import;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn record(id: &str, assignee: Option<&str>, status: &str) -> serde_json::Value {
        let mut routing = json!({"team": "billing", "sla_due_at": "2026-01-05T10:00:00Z"});
        if let Some(a) = assignee {
            routing["assignee"] = json!(a);
        }
        json!({
            "id": id,
            "escalated_at": "2026-01-05T09:00:00Z",
            "status": status,
            "customer": {"name": "Kim"},
            "summary": {"issue": "Refund the duplicate charge please"},
            "routing": routing,
            "transcript": [
                {"at": "2026-01-05T08:58:00Z", "author": "agent", "text": "before the handoff"},
                {"at": "2026-01-05T09:00:00Z", "author": "ai", "text": "handing over"},
                {"at": "2026-01-05T09:20:00Z", "author": "agent", "text": "on it"}
            ]
        })
    }

    fn store_with(records: &[serde_json::Value]) -> std::result::Result<Store, String> {
        let text: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        let items = import::parse("t.jsonl", &text.join("\n")).map_err(|e| format!("{e:?}"))?;
        let mut store = Store::open_in_memory().map_err(|e| e.to_string())?;
        store.import(&items, t0()).map_err(|e| e.to_string())?;
        Ok(store)
    }

    #[test]
    fn inputs_fold_transcript_feedback_and_activity() -> std::result::Result<(), String> {
        let mut store = store_with(&[
            record("H1", Some("Ann"), "open"),
            record("H2", None, "resolved"),
        ])?;
        let e = |x: crate::store::StoreError| x.to_string();
        // H1: Ann hands it to Bob at 09:05 (not a response); Bob notes at
        // 09:10 (earlier than the 09:20 transcript reply), resolves at 09:40.
        store
            .assign("H1", Some("Bob"), "Ann", t0() + Duration::minutes(5))
            .map_err(e)?;
        store
            .add_message("H1", "Bob", "looking", true, t0() + Duration::minutes(10))
            .map_err(e)?;
        store
            .set_status("H1", Status::Resolved, "Bob", t0() + Duration::minutes(40))
            .map_err(e)?;
        let fb = Feedback {
            handoff_id: "H1".into(),
            verdict: Verdict::Bad,
            reasons: vec![Reason::AiCouldResolve, Reason::WrongData],
            note: Some("easy one".into()),
            agent: "Bob".into(),
            at: t0() + Duration::minutes(41),
        };
        store
            .set_feedback("H1", Some(&fb), "Bob", fb.at)
            .map_err(e)?;

        let mut inputs = store.metric_inputs(t0() - Duration::days(1)).map_err(e)?;
        inputs.sort_by(|a, b| a.id.cmp(&b.id));
        let [h1, h2] = inputs.as_slice() else {
            return Err(format!("{inputs:?}"));
        };
        assert_eq!(h1.first_response_at, Some(t0() + Duration::minutes(10)));
        assert_eq!(h1.first_assignee.as_deref(), Some("Ann"));
        assert_eq!(h1.reassignments, 1);
        assert_eq!(h1.resolved_by.as_deref(), Some("Bob"));
        assert_eq!(h1.resolved_at, Some(t0() + Duration::minutes(40)));
        assert_eq!(h1.feedback.as_ref().map(|f| f.reasons.len()), Some(2));
        assert_eq!(h1.due_at, Some(t0() + Duration::hours(1)));
        // H2: only the transcript reply at 09:20 (the 08:58 one is before
        // the escalation); resolved before import with nobody assigned.
        assert_eq!(h2.first_response_at, Some(t0() + Duration::minutes(20)));
        assert_eq!(h2.status, Status::Resolved);
        assert_eq!(h2.resolved_by, None);
        assert_eq!(h2.feedback, None);
        assert_eq!(h2.handle_seconds, None);

        // Nothing escalated since tomorrow.
        assert!(
            store
                .metric_inputs(t0() + Duration::days(1))
                .map_err(e)?
                .is_empty()
        );
        assert_eq!(store.verdicts_since(t0()).map_err(e)?.len(), 1);
        Ok(())
    }

    #[test]
    fn focus_rows_become_handle_time() -> std::result::Result<(), String> {
        let store = store_with(&[record("H1", None, "open")])?;
        for secs in [120, 60] {
            store
                .conn
                .execute(
                    "INSERT INTO activity (handoff_id, agent, kind, detail, at)
                     VALUES ('H1', 'Ann', 'focus', ?1, ?2)",
                    rusqlite::params![json!({ "seconds": secs }).to_string(), to_ms(t0())],
                )
                .map_err(|x| x.to_string())?;
        }
        let inputs = store.metric_inputs(t0()).map_err(|x| x.to_string())?;
        assert_eq!(inputs.first().and_then(|h| h.handle_seconds), Some(180));
        Ok(())
    }
}
