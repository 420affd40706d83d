//! Routing unassigned handoffs to the agent who should take them: team first,
//! then skills, language, and capacity. Pure: the caller supplies current load.

use std::collections::HashMap;

use super::agent::Agent;
use super::handoff::Priority;
use super::queue::QueueRow;

/// Why an agent was or was not chosen, for the screen and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// This agent should take it.
    To(String),
    /// Nobody in the team has room, speaks the language, or has the skills.
    NoOne(&'static str),
}

/// Open handoffs currently assigned per agent.
pub fn load(rows: &[QueueRow]) -> HashMap<String, u32> {
    let mut load = HashMap::new();
    for r in rows.iter().filter(|r| r.is_open()) {
        if let Some(a) = &r.assignee {
            *load.entry(a.clone()).or_insert(0) += 1;
        }
    }
    load
}

/// Choose the agent for an unassigned handoff.
///
/// Eligible: in the handoff's team (any team when it has none) and speaks its
/// language. Among those with free capacity, the one with most of the required
/// skills wins, then the lowest load relative to capacity, then name (stable).
/// Urgent handoffs may go over capacity when nobody has room: someone must look.
pub fn route(row: &QueueRow, agents: &[Agent], load: &HashMap<String, u32>) -> Route {
    let eligible: Vec<&Agent> = agents
        .iter()
        .filter(|a| row.team.as_deref().is_none_or(|t| a.in_team(t)))
        .collect();
    if eligible.is_empty() {
        return Route::NoOne("no agent in team");
    }
    let speakers: Vec<&Agent> = eligible
        .into_iter()
        .filter(|a| row.language.as_deref().is_none_or(|l| a.speaks(l)))
        .collect();
    if speakers.is_empty() {
        return Route::NoOne("no agent speaks the language");
    }
    let used = |a: &Agent| load.get(&a.name).copied().unwrap_or(0);
    let with_room: Vec<&Agent> = speakers
        .iter()
        .copied()
        .filter(|a| used(a) < a.capacity)
        .collect();
    let pool = if !with_room.is_empty() {
        with_room
    } else if row.priority == Priority::Urgent {
        speakers
    } else {
        return Route::NoOne("team at capacity");
    };
    let skill_match = |a: &Agent| row.skills.iter().filter(|s| a.has_skill(s)).count();
    // Load as a fraction of capacity, compared exactly by cross-multiplying.
    let best = pool.into_iter().min_by(|a, b| {
        skill_match(b)
            .cmp(&skill_match(a))
            .then_with(|| {
                let la = u64::from(used(a)) * u64::from(b.capacity.max(1));
                let lb = u64::from(used(b)) * u64::from(a.capacity.max(1));
                la.cmp(&lb)
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    match best {
        Some(a) => Route::To(a.name.clone()),
        None => Route::NoOne("team at capacity"),
    }
}

/// Route every unassigned open row in order of urgency, counting each routed
/// handoff against its agent so one agent is not handed the whole backlog.
/// `rows` must already be in urgency order.
pub fn route_all(rows: &[QueueRow], agents: &[Agent]) -> HashMap<String, Route> {
    let mut current = load(rows);
    let mut out = HashMap::new();
    for r in rows.iter().filter(|r| r.is_open() && r.assignee.is_none()) {
        let route = route(r, agents, &current);
        if let Route::To(name) = &route {
            *current.entry(name.clone()).or_insert(0) += 1;
        }
        out.insert(r.id.clone(), route);
    }
    out
}
