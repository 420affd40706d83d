//! The queue: one compact row per handoff, urgency ordering, SLA clocks and
//! sections. Rows are what lists and filters work on; full records load on demand.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::completeness;
use super::feedback::Verdict;
use super::handoff::{Handoff, Priority, Status, Trigger};

/// How close the SLA clock is to breaching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Breached,
    AtRisk,
    Ok,
    None,
}

/// Remaining time under which an SLA counts as at risk.
pub const AT_RISK_WINDOW: Duration = Duration::minutes(30);

impl SlaState {
    pub fn of(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> SlaState {
        match due {
            None => SlaState::None,
            Some(d) if d <= now => SlaState::Breached,
            Some(d) if d - now <= AT_RISK_WINDOW => SlaState::AtRisk,
            Some(_) => SlaState::Ok,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Breached => "breached",
            SlaState::AtRisk => "at_risk",
            SlaState::Ok => "ok",
            SlaState::None => "none",
        }
    }
}

/// One line of the queue: everything the list, ordering, routing and filters
/// need, and nothing more (the transcript and summary body stay in the store).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRow {
    pub id: String,
    pub escalated_at: DateTime<Utc>,
    pub status: Status,
    pub priority: Priority,
    /// The earlier of the routing SLA and what the customer was promised.
    pub due_at: Option<DateTime<Utc>>,
    pub customer: String,
    pub plan: Option<String>,
    pub vip: bool,
    pub at_risk: bool,
    pub issue: Option<String>,
    pub team: Option<String>,
    pub skills: Vec<String>,
    pub language: Option<String>,
    pub assignee: Option<String>,
    pub confidence: Option<f64>,
    pub trigger: Option<Trigger>,
    pub procedure: Option<String>,
    /// 0..=5 of the fields a usable note needs.
    pub completeness: u8,
    pub verdict: Option<Verdict>,
}

impl QueueRow {
    pub fn from_handoff(h: &Handoff, verdict: Option<Verdict>) -> QueueRow {
        let promised = h.summary.promised.as_ref().and_then(|p| p.due_at);
        let due_at = match (h.routing.sla_due_at, promised) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        QueueRow {
            id: h.id.clone(),
            escalated_at: h.escalated_at,
            status: h.status,
            priority: h.routing.priority,
            due_at,
            customer: h.customer.name.clone(),
            plan: h.customer.plan.clone(),
            vip: h.customer.has_flag("vip"),
            at_risk: h.customer.has_flag("at_risk"),
            issue: h.summary.issue.clone(),
            team: h.routing.team.clone(),
            skills: h.routing.skills.clone(),
            language: h.language.clone(),
            assignee: h.routing.assignee.clone(),
            confidence: h.summary.confidence,
            trigger: h.summary.escalation.as_ref().map(|e| e.trigger),
            procedure: h.ai.procedure.clone(),
            completeness: completeness::score(&h.summary),
            verdict,
        }
    }

    pub fn sla(&self, now: DateTime<Utc>) -> SlaState {
        if self.status == Status::Resolved {
            return SlaState::None;
        }
        SlaState::of(self.due_at, now)
    }

    /// 0 = most valuable customer. VIPs first, then enterprise, then paid plans.
    pub fn tier_rank(&self) -> u8 {
        if self.vip {
            return 0;
        }
        match self.plan.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("enterprise") => 1,
            _ if self.at_risk => 2,
            Some("business" | "pro" | "premium" | "team") => 3,
            _ => 4,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status != Status::Resolved
    }
}

/// Urgency order: open before resolved; SLA breached, then at risk (soonest
/// due first); then priority, customer tier, and longest wait.
pub fn urgency(a: &QueueRow, b: &QueueRow, now: DateTime<Utc>) -> Ordering {
    let (sa, sb) = (a.sla(now), b.sla(now));
    b.is_open()
        .cmp(&a.is_open())
        .then(sa.cmp(&sb))
        .then_with(|| {
            if matches!(sa, SlaState::Breached | SlaState::AtRisk) {
                a.due_at.cmp(&b.due_at)
            } else {
                Ordering::Equal
            }
        })
        .then(a.priority.cmp(&b.priority))
        .then(a.tier_rank().cmp(&b.tier_rank()))
        .then(a.escalated_at.cmp(&b.escalated_at))
        .then_with(|| a.id.cmp(&b.id))
}

pub fn sort_by_urgency(rows: &mut [QueueRow], now: DateTime<Utc>) {
    rows.sort_by(|a, b| urgency(a, b, now));
}

/// The queue sections an agent switches between (gh-dash style).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Open handoffs assigned to me.
    Mine,
    /// Unassigned open handoffs in my teams.
    Unassigned,
    /// Every handoff, resolved ones last.
    All,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Mine, Section::Unassigned, Section::All];
    pub fn title(self) -> &'static str {
        match self {
            Section::Mine => "Mine",
            Section::Unassigned => "Team unassigned",
            Section::All => "All",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Mine => "mine",
            Section::Unassigned => "unassigned",
            Section::All => "all",
        }
    }
    pub fn contains(self, row: &QueueRow, me: &str, my_teams: &[String]) -> bool {
        match self {
            Section::Mine => row.is_open() && row.assignee.as_deref() == Some(me),
            Section::Unassigned => {
                row.is_open()
                    && row.assignee.is_none()
                    && row
                        .team
                        .as_deref()
                        .is_some_and(|t| my_teams.iter().any(|m| m.eq_ignore_ascii_case(t)))
            }
            Section::All => true,
        }
    }
}

/// Compact clock text: "-1h05" when breached by 1h05, "25m" left, "3d" left.
pub fn clock(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(due) = due else {
        return "—".to_string();
    };
    let secs = (due - now).num_seconds();
    let sign = if secs < 0 { "-" } else { "" };
    format!("{sign}{}", short_duration(secs.unsigned_abs()))
}

/// "45s", "12m", "1h05", "3d4h".
pub fn short_duration(secs: u64) -> String {
    let m = secs / 60;
    let h = m / 60;
    let d = h / 24;
    if secs < 60 {
        format!("{secs}s")
    } else if m < 60 {
        format!("{m}m")
    } else if h < 24 {
        format!("{h}h{:02}", m % 60)
    } else {
        format!("{d}d{}h", h % 24)
    }
}
