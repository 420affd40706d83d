//! The floor right now: per team waiting / unassigned / oldest / SLA, per
//! agent load against capacity and verdicts given.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Window;
use crate::domain::agent::Agent;
use crate::domain::feedback::Feedback;
use crate::domain::handoff::Status;
use crate::domain::queue::{QueueRow, SlaState};

/// Team name for handoffs routed to no team.
pub const NO_TEAM: &str = "(no team)";

/// One team's queue.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TeamStatus {
    pub team: String,
    /// Not resolved (open, pending or snoozed).
    pub waiting: u64,
    /// Waiting with no assignee.
    pub unassigned: u64,
    /// Seconds since the longest-waiting handoff was escalated.
    pub oldest_wait_seconds: Option<u64>,
    pub oldest_id: Option<String>,
    /// Waiting and past due.
    pub sla_breached: u64,
    /// Waiting and due within 30 minutes.
    pub sla_at_risk: u64,
    /// Escalated (any status) in the last hour / day, up to now.
    pub escalated_last_hour: u64,
    pub escalated_last_day: u64,
}

/// One agent's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentStatus {
    pub agent: String,
    pub teams: Vec<String>,
    /// Waiting handoffs assigned to them.
    pub open_assigned: u64,
    /// `None` for an assignee the store has no agent record for.
    pub capacity: Option<u32>,
    /// Verdicts in force that they gave within the verdict window.
    pub verdicts_given: u64,
}

impl AgentStatus {
    pub fn over_capacity(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.open_assigned > u64::from(c))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueStatus {
    pub at: DateTime<Utc>,
    /// The window `verdicts_given` counts.
    pub verdict_window: Window,
    /// Every team together (`team` = "all").
    pub total: TeamStatus,
    /// Teams of agents and of handoffs, by name; `(no team)` last.
    pub teams: Vec<TeamStatus>,
    /// Agents, then unknown assignees, by name.
    pub agents: Vec<AgentStatus>,
}

/// The queue status at `now`. `verdicts` are the verdicts in force; those
/// given within `verdict_window` count toward their agent.
pub fn queue_status(
    rows: &[QueueRow],
    agents: &[Agent],
    verdicts: &[Feedback],
    verdict_window: Window,
    now: DateTime<Utc>,
) -> QueueStatus {
    let mut teams: BTreeMap<String, TeamStatus> = BTreeMap::new();
    for name in agents.iter().flat_map(|a| a.teams.iter()) {
        teams.entry(name.clone()).or_insert_with(|| team(name));
    }
    let mut total = team("all");
    for r in rows {
        let name = r.team.as_deref().unwrap_or(NO_TEAM).to_string();
        let t = teams.entry(name.clone()).or_insert_with(|| team(&name));
        add(t, r, now);
        add(&mut total, r, now);
    }
    let mut teams: Vec<TeamStatus> = teams.into_values().collect();
    // BTreeMap order is by name; put the catch-all last where it reads as a footnote.
    teams.sort_by_key(|t| t.team == NO_TEAM);

    let mut load: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.is_open()) {
        if let Some(a) = r.assignee.as_deref() {
            *load.entry(a).or_insert(0) += 1;
        }
    }
    let given = |name: &str| {
        verdicts
            .iter()
            .filter(|f| f.agent == name && verdict_window.contains(f.at))
            .count() as u64
    };
    let known: BTreeSet<&str> = agents.iter().map(|a| a.name.as_str()).collect();
    let mut out: Vec<AgentStatus> = agents
        .iter()
        .map(|a| AgentStatus {
            agent: a.name.clone(),
            teams: a.teams.clone(),
            open_assigned: load.get(a.name.as_str()).copied().unwrap_or(0),
            capacity: Some(a.capacity),
            verdicts_given: given(&a.name),
        })
        .collect();
    out.sort_by(|a, b| a.agent.cmp(&b.agent));
    for (name, n) in load.iter().filter(|(name, _)| !known.contains(*name)) {
        out.push(AgentStatus {
            agent: name.to_string(),
            teams: Vec::new(),
            open_assigned: *n,
            capacity: None,
            verdicts_given: given(name),
        });
    }
    QueueStatus {
        at: now,
        verdict_window,
        total,
        teams,
        agents: out,
    }
}

fn team(name: &str) -> TeamStatus {
    TeamStatus {
        team: name.to_string(),
        ..TeamStatus::default()
    }
}

fn add(t: &mut TeamStatus, r: &QueueRow, now: DateTime<Utc>) {
    let age = now - r.escalated_at;
    // Up to and including now: "in the last hour" covers what just arrived.
    let within = |d: Duration| age >= Duration::zero() && age <= d;
    t.escalated_last_hour += u64::from(within(Duration::hours(1)));
    t.escalated_last_day += u64::from(within(Duration::days(1)));
    if !r.is_open() {
        return;
    }
    t.waiting += 1;
    // The AI still holds a pending handoff: nobody on the floor is missing
    // from it yet (the Team unassigned section leaves it out too).
    t.unassigned += u64::from(r.assignee.is_none() && r.status != Status::Pending);
    match r.sla(now) {
        SlaState::Breached => t.sla_breached += 1,
        SlaState::AtRisk => t.sla_at_risk += 1,
        SlaState::Ok | SlaState::None => {}
    }
    let wait = u64::try_from(age.num_seconds()).unwrap_or(0);
    // Ties go to the smaller id so the answer does not depend on row order.
    let older = match (t.oldest_wait_seconds, t.oldest_id.as_deref()) {
        (Some(w), Some(id)) => wait > w || (wait == w && r.id.as_str() < id),
        _ => true,
    };
    if older {
        t.oldest_wait_seconds = Some(wait);
        t.oldest_id = Some(r.id.clone());
    }
}
