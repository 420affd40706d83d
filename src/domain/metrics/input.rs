//! What the metrics read about one handoff: its queue fields, its verdict, and
//! what its activity log says happened after the handoff (first human
//! response, resolution, reassignments, focus time).

use chrono::{DateTime, Utc};

use crate::domain::feedback::Feedback;
use crate::domain::handoff::{Priority, Status, Trigger};
use crate::domain::queue::QueueRow;

/// One handoff as the metrics see it. The store builds these
/// (`Store::metric_inputs`); screens that already hold `QueueRow`s can use
/// [`MetricInput::from_row`] and [`MetricInput::apply_activity`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricInput {
    pub id: String,
    pub escalated_at: DateTime<Utc>,
    pub status: Status,
    pub priority: Priority,
    /// The earlier of the routing SLA and what the customer was promised.
    pub due_at: Option<DateTime<Utc>>,
    pub team: Option<String>,
    /// Current assignee.
    pub assignee: Option<String>,
    pub issue: Option<String>,
    pub confidence: Option<f64>,
    pub trigger: Option<Trigger>,
    pub procedure: Option<String>,
    pub procedure_version: Option<String>,
    /// 0..=5 of the fields a usable note needs (`completeness::score`).
    pub completeness: u8,
    /// The verdict in force, if any.
    pub feedback: Option<Feedback>,
    /// Earliest agent message in the transcript or agent reply/note/claim in
    /// the activity log, at or after `escalated_at`.
    pub first_response_at: Option<DateTime<Utc>>,
    /// When it was last resolved, if the activity log knows.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it: the agent of the resolving activity, else (resolved
    /// in the helpdesk before import) the assignee.
    pub resolved_by: Option<String>,
    /// The first person it was assigned to after the handoff.
    pub first_assignee: Option<String>,
    /// Times it passed from one person to another after the first assignee.
    pub reassignments: u32,
    /// Seconds agents spent focused on it, when focus time was logged.
    pub handle_seconds: Option<u64>,
}

impl MetricInput {
    /// The queue's view of a handoff; activity-derived fields start empty
    /// (first assignee = current assignee) until [`apply_activity`](Self::apply_activity).
    pub fn from_row(
        row: &QueueRow,
        procedure_version: Option<String>,
        feedback: Option<Feedback>,
    ) -> MetricInput {
        let resolved = row.status == Status::Resolved;
        // `as_deref` reads the row's text fields whatever string type holds them.
        let text = |v: Option<&str>| v.map(str::to_string);
        let assignee = text(row.assignee.as_deref());
        MetricInput {
            id: row.id.clone(),
            escalated_at: row.escalated_at,
            status: row.status,
            priority: row.priority,
            due_at: row.due_at,
            team: text(row.team.as_deref()),
            assignee: assignee.clone(),
            issue: text(row.issue.as_deref()),
            confidence: row.confidence,
            trigger: row.trigger,
            procedure: text(row.procedure.as_deref()),
            procedure_version,
            completeness: row.completeness,
            feedback,
            first_response_at: None,
            resolved_at: None,
            resolved_by: if resolved { assignee.clone() } else { None },
            first_assignee: assignee,
            reassignments: 0,
            handle_seconds: None,
        }
    }

    /// All five fields a usable note needs are present (same as
    /// `completeness::is_complete` on the summary).
    pub fn is_complete(&self) -> bool {
        self.completeness >= 5
    }

    /// Fill the activity-derived fields.
    ///
    /// - `agent_messages`: times of the transcript's agent-authored messages
    ///   (any order); those before the escalation are ignored.
    /// - `imported_assignee`: the assignee the record arrived with; consulted
    ///   only when `events` hold assignments (otherwise nobody reassigned it
    ///   here, so the current assignee is the first).
    /// - `events`: this handoff's activity, oldest first.
    pub fn apply_activity(
        &mut self,
        agent_messages: &[DateTime<Utc>],
        imported_assignee: Option<&str>,
        events: &[ActivityEvent],
    ) {
        let after = |t: &DateTime<Utc>| *t >= self.escalated_at;
        let from_transcript = agent_messages.iter().copied().filter(after).min();
        let from_log = events
            .iter()
            .filter(|e| e.is_response() && after(&e.at))
            .map(|e| e.at)
            .min();
        self.first_response_at = from_transcript.into_iter().chain(from_log).min();

        let assigns: Vec<&str> = events
            .iter()
            .filter_map(|e| match &e.kind {
                ActivityKind::Assign(Some(to)) => Some(to.as_str()),
                _ => None,
            })
            .collect();
        let any_assign = events
            .iter()
            .any(|e| matches!(e.kind, ActivityKind::Assign(_)));
        let (first, moves) = if any_assign {
            assignment_chain(imported_assignee, &assigns)
        } else {
            (self.assignee.clone(), 0)
        };
        self.first_assignee = first;
        self.reassignments = moves;

        self.resolved_at = None;
        self.resolved_by = None;
        if self.status == Status::Resolved {
            let last_status = events.iter().rev().find_map(|e| match e.kind {
                ActivityKind::Status(s) => Some((s, e)),
                _ => None,
            });
            match last_status {
                Some((Status::Resolved, e)) => {
                    self.resolved_at = Some(e.at);
                    self.resolved_by = Some(e.agent.clone());
                }
                // Resolved in the helpdesk: its assignee is who resolved it.
                _ => self.resolved_by = self.assignee.clone(),
            }
        }

        let mut focus = events.iter().filter_map(|e| match e.kind {
            ActivityKind::Focus(s) => Some(s),
            _ => None,
        });
        self.handle_seconds = focus
            .next()
            .map(|first| focus.fold(first, u64::saturating_add));
    }
}

/// The first assignee and how many times the handoff then passed to someone
/// else. The chain is the imported assignee followed by each assignment; an
/// assignment to whoever already holds it is not a move.
pub fn assignment_chain(imported: Option<&str>, assigns: &[&str]) -> (Option<String>, u32) {
    let mut chain: Vec<&str> = Vec::new();
    for name in imported.into_iter().chain(assigns.iter().copied()) {
        if chain.last() != Some(&name) {
            chain.push(name);
        }
    }
    let moves = u32::try_from(chain.len().saturating_sub(1)).unwrap_or(u32::MAX);
    (chain.first().map(|s| s.to_string()), moves)
}

/// One row of the store's activity log, as the metrics understand it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityEvent {
    pub agent: String,
    pub at: DateTime<Utc>,
    pub kind: ActivityKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityKind {
    Reply,
    Note,
    /// An explicit claim (taking it for oneself).
    Claim,
    /// Assigned to someone (`None`: unassigned).
    Assign(Option<String>),
    Status(Status),
    /// Seconds of focus time an agent spent on the handoff.
    Focus(u64),
    /// Anything else (verdicts, ...): not used by the metrics.
    Other,
}

impl ActivityEvent {
    /// Read a log row: `kind` and its JSON `detail` as the store writes them.
    pub fn parse(
        agent: String,
        at: DateTime<Utc>,
        kind: &str,
        detail: &serde_json::Value,
    ) -> ActivityEvent {
        let text = |key: &str| detail.get(key).and_then(|v| v.as_str());
        let kind = match kind {
            "reply" => ActivityKind::Reply,
            "note" => ActivityKind::Note,
            "claim" => ActivityKind::Claim,
            "assign" => ActivityKind::Assign(text("assignee").map(str::to_string)),
            "status" => text("status")
                .and_then(Status::parse)
                .map_or(ActivityKind::Other, ActivityKind::Status),
            "focus" => detail
                .get("seconds")
                .and_then(|v| {
                    v.as_u64().or_else(|| {
                        v.as_f64()
                            .filter(|s| s.is_finite() && *s >= 0.0)
                            .map(|s| s.round() as u64)
                    })
                })
                .map_or(ActivityKind::Other, ActivityKind::Focus),
            _ => ActivityKind::Other,
        };
        ActivityEvent { agent, at, kind }
    }

    /// A human acting on the conversation: a reply, a note, or claiming it
    /// (assigning it to oneself).
    pub fn is_response(&self) -> bool {
        match &self.kind {
            ActivityKind::Reply | ActivityKind::Note | ActivityKind::Claim => true,
            ActivityKind::Assign(Some(to)) => *to == self.agent,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_767_225_600 + min * 60, 0)
            .single()
            .unwrap_or_default()
    }

    fn ev(agent: &str, min: i64, kind: &str, detail: serde_json::Value) -> ActivityEvent {
        ActivityEvent::parse(agent.into(), t(min), kind, &detail)
    }

    fn input(status: Status, assignee: Option<&str>) -> MetricInput {
        MetricInput {
            id: "H".into(),
            escalated_at: t(0),
            status,
            assignee: assignee.map(str::to_string),
            first_assignee: assignee.map(str::to_string),
            ..MetricInput::default()
        }
    }

    #[test]
    fn first_response_is_the_earlier_of_transcript_and_log() {
        let mut h = input(Status::Open, None);
        // Agent messages at -5 (before escalation: ignored), 30 and 20 → 20.
        // Log: a note at 25, a claim (assign to self) at 12, assign to someone else at 3.
        let events = [
            ev("Ann", 3, "assign", json!({"assignee": "Bob"})),
            ev("Ann", 12, "assign", json!({"assignee": "Ann"})),
            ev("Ann", 25, "note", json!({"text": "x"})),
        ];
        h.apply_activity(&[t(-5), t(30), t(20)], None, &events);
        // min(20, 12) = 12: the claim; assigning Bob is not a response.
        assert_eq!(h.first_response_at, Some(t(12)));
        h.apply_activity(&[t(30), t(20)], None, &[]);
        assert_eq!(h.first_response_at, Some(t(20)));
        h.apply_activity(&[t(-5)], None, &[]);
        assert_eq!(h.first_response_at, None);
    }

    #[test]
    fn assignment_chain_counts_moves_not_repeats() {
        assert_eq!(assignment_chain(None, &[]), (None, 0));
        // [Ann] → Ann again is not a move.
        assert_eq!(
            assignment_chain(Some("Ann"), &["Ann"]),
            (Some("Ann".into()), 0)
        );
        // Ann → Bob → Ann: 2 moves.
        assert_eq!(
            assignment_chain(Some("Ann"), &["Bob", "Ann"]),
            (Some("Ann".into()), 2)
        );
        // Unassigned on arrival, then Bob, then Cy: first Bob, 1 move.
        assert_eq!(
            assignment_chain(None, &["Bob", "Cy"]),
            (Some("Bob".into()), 1)
        );
    }

    #[test]
    fn resolution_comes_from_the_last_status_change_else_the_assignee() {
        let mut h = input(Status::Resolved, Some("Bob"));
        let events = [
            ev("Ann", 5, "assign", json!({"assignee": "Bob"})),
            ev("Bob", 40, "status", json!({"status": "resolved"})),
        ];
        h.apply_activity(&[], Some("Ann"), &events);
        assert_eq!(h.resolved_at, Some(t(40)));
        assert_eq!(h.resolved_by.as_deref(), Some("Bob"));
        // Imported with Ann, then Bob: first Ann, 1 move.
        assert_eq!(h.first_assignee.as_deref(), Some("Ann"));
        assert_eq!(h.reassignments, 1);

        // Resolved before import: no status event; the assignee resolved it.
        let mut h = input(Status::Resolved, Some("Cy"));
        h.apply_activity(&[], None, &[]);
        assert_eq!(
            (h.resolved_at, h.resolved_by.as_deref()),
            (None, Some("Cy"))
        );
        assert_eq!(h.first_assignee.as_deref(), Some("Cy"));

        // Reopened: not resolved at all.
        let mut h = input(Status::Open, Some("Cy"));
        h.apply_activity(
            &[],
            None,
            &[ev("Cy", 1, "status", json!({"status": "resolved"}))],
        );
        assert_eq!(h.resolved_by, None);
    }

    #[test]
    fn focus_rows_sum_and_junk_is_ignored() {
        let mut h = input(Status::Open, None);
        h.apply_activity(&[], None, &[]);
        assert_eq!(h.handle_seconds, None);
        let events = [
            ev("Ann", 1, "focus", json!({"seconds": 90})),
            ev("Ann", 2, "focus", json!({"seconds": "lots"})),
            ev("Bob", 3, "focus", json!({"seconds": 30.4})),
            ev("Bob", 4, "focus", json!({"seconds": -5})),
        ];
        h.apply_activity(&[], None, &events);
        // 90 + 30 (30.4 rounded); "lots" and -5 are not durations.
        assert_eq!(h.handle_seconds, Some(120));
    }
}
