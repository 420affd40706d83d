//! Hand-built inputs for the metrics tests: times are whole days and minutes
//! after a fixed Monday, so expected figures can be worked out on paper.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::Window;
use super::input::MetricInput;
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::handoff::{Priority, Status, Trigger};

/// Day `day`, minute `min` after 2026-01-05T00:00Z.
pub fn at(day: i64, min: i64) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .unwrap_or_default();
    base + Duration::days(day) + Duration::minutes(min)
}

/// The current window of the fixtures: [day 7, day 14); previous [day 0, day 7).
pub fn week2() -> Window {
    Window::new(at(7, 0), at(14, 0))
}

/// A complete, open, unassigned normal-priority handoff of team "billing".
pub fn h(id: &str, escalated_at: DateTime<Utc>) -> MetricInput {
    MetricInput {
        id: id.into(),
        escalated_at,
        status: Status::Open,
        priority: Priority::Normal,
        team: Some("billing".into()),
        issue: Some(format!("issue of {id}")),
        completeness: 5,
        ..MetricInput::default()
    }
}

/// Fluent setters so each fixture reads as one line.
pub trait Fx: Sized {
    fn set(self, f: impl FnOnce(&mut MetricInput)) -> MetricInput;

    fn team(self, team: &str) -> MetricInput {
        self.set(|h| h.team = Some(team.into()))
    }
    fn priority(self, p: Priority) -> MetricInput {
        self.set(|h| h.priority = p)
    }
    fn procedure(self, p: &str, version: &str) -> MetricInput {
        self.set(|h| {
            h.procedure = Some(p.into());
            h.procedure_version = Some(version.into());
        })
    }
    fn trigger(self, t: Trigger) -> MetricInput {
        self.set(|h| h.trigger = Some(t))
    }
    fn completeness(self, n: u8) -> MetricInput {
        self.set(|h| h.completeness = n)
    }
    fn verdict(self, v: Verdict, reasons: &[Reason]) -> MetricInput {
        self.set(|h| {
            h.feedback = Some(Feedback {
                handoff_id: h.id.clone(),
                verdict: v,
                reasons: reasons.to_vec(),
                note: Some(format!("note on {}", h.id)),
                agent: "Ann".into(),
                at: h.escalated_at + Duration::hours(1),
            });
        })
    }
    fn good(self) -> MetricInput {
        self.verdict(Verdict::Good, &[])
    }
    fn bad(self, reasons: &[Reason]) -> MetricInput {
        self.verdict(Verdict::Bad, reasons)
    }
    /// First human response `min` minutes after escalation.
    fn responded(self, min: i64) -> MetricInput {
        self.set(|h| h.first_response_at = Some(h.escalated_at + Duration::minutes(min)))
    }
    /// SLA due `min` minutes after escalation.
    fn due(self, min: i64) -> MetricInput {
        self.set(|h| h.due_at = Some(h.escalated_at + Duration::minutes(min)))
    }
    fn assigned(self, first: &str, now: &str, moves: u32) -> MetricInput {
        self.set(|h| {
            h.first_assignee = Some(first.into());
            h.assignee = Some(now.into());
            h.reassignments = moves;
        })
    }
    fn resolved_by(self, who: &str) -> MetricInput {
        self.set(|h| {
            h.status = Status::Resolved;
            h.resolved_by = Some(who.into());
        })
    }
    fn handled(self, secs: u64) -> MetricInput {
        self.set(|h| h.handle_seconds = Some(secs))
    }
}

impl Fx for MetricInput {
    fn set(mut self, f: impl FnOnce(&mut MetricInput)) -> MetricInput {
        f(&mut self);
        self
    }
}

/// The shared scenario. Current window [day 7, day 14): A, B, C, D.
/// Previous window [day 0, day 7): P, Q. Outside both: E (at `to`), Z.
pub fn scenario() -> Vec<MetricInput> {
    use Reason::*;
    vec![
        // At exactly `from`: inside the current window.
        h("A", at(7, 0))
            .priority(Priority::High)
            .procedure("refunds", "v3")
            .trigger(Trigger::PolicyException)
            .good()
            .responded(10)
            .due(60)
            .assigned("Ann", "Ann", 0)
            .resolved_by("Ann")
            .handled(600),
        h("B", at(8, 0))
            .completeness(4)
            .procedure("refunds", "v3")
            .trigger(Trigger::LowConfidence)
            .bad(&[AiCouldResolve, WrongData])
            .responded(30)
            .due(20)
            .assigned("Ann", "Bob", 1)
            .resolved_by("Bob")
            .handled(1200),
        // Bad with no reason; never answered, due an hour after escalation.
        h("C", at(9, 0))
            .team("access")
            .procedure("login", "v1")
            .trigger(Trigger::CustomerRequestedHuman)
            .bad(&[])
            .due(60),
        // No verdict, no SLA.
        h("D", at(10, 0))
            .team("access")
            .priority(Priority::Urgent)
            .procedure("refunds", "v2")
            .trigger(Trigger::LowConfidence)
            .responded(5)
            .assigned("Cy", "Cy", 0),
        // At exactly `to`: outside the current window (and the previous).
        h("E", at(14, 0))
            .procedure("refunds", "v3")
            .bad(&[AiCouldResolve]),
        // Previous window only.
        h("P", at(3, 0)).good().responded(60),
        h("Q", at(6, 1439))
            .team("orders")
            .completeness(2)
            .procedure("refunds", "v3")
            .bad(&[AiCouldResolve]),
        // Before both windows.
        h("Z", at(-1, 0)).bad(&[Misrouted]),
    ]
}
