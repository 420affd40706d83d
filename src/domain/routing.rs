//! Routing unassigned handoffs to the agent who should take them: team first,
//! then skills, language, and capacity. Pure: the caller supplies current load.

use std::collections::HashMap;

use super::agent::Agent;
use super::handoff::Priority;
use super::queue::{Name, QueueRow};

/// Why an agent was or was not chosen, for the screen and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// This agent should take it.
    To(Name),
    /// Nobody in the team has room, speaks the language, or has the skills.
    NoOne(&'static str),
}

/// Open handoffs currently assigned per agent.
pub fn load<'a>(rows: impl IntoIterator<Item = &'a QueueRow>) -> HashMap<String, u32> {
    let mut load = HashMap::new();
    for r in rows.into_iter().filter(|r| r.is_open()) {
        if let Some(a) = &r.assignee {
            *load.entry(a.to_string()).or_insert(0) += 1;
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
    let speakers = match speakers(row, agents) {
        Ok(s) => s,
        Err(why) => return Route::NoOne(why),
    };
    let used = |i: usize| load.get(&agents[i].name).copied().unwrap_or(0);
    match pick(row, agents, &speakers, used) {
        Ok(i) => Route::To(Name::from(agents[i].name.as_str())),
        Err(why) => Route::NoOne(why),
    }
}

/// Indices of the agents in the row's team who speak its language.
fn speakers(row: &QueueRow, agents: &[Agent]) -> Result<Vec<usize>, &'static str> {
    let eligible: Vec<usize> = (0..agents.len())
        .filter(|&i| row.team.as_deref().is_none_or(|t| agents[i].in_team(t)))
        .collect();
    if eligible.is_empty() {
        return Err("no agent in team");
    }
    let speakers: Vec<usize> = eligible
        .into_iter()
        .filter(|&i| row.language.as_deref().is_none_or(|l| agents[i].speaks(l)))
        .collect();
    if speakers.is_empty() {
        return Err("no agent speaks the language");
    }
    Ok(speakers)
}

/// The best of `speakers` for `row`, given each agent's current load.
fn pick(
    row: &QueueRow,
    agents: &[Agent],
    speakers: &[usize],
    used: impl Fn(usize) -> u32,
) -> Result<usize, &'static str> {
    let has_room = |i: usize| used(i) < agents[i].capacity;
    let any_room = speakers.iter().any(|&i| has_room(i));
    if !any_room && row.priority != Priority::Urgent {
        return Err("team at capacity");
    }
    let skill_match = |i: usize| row.skills.iter().filter(|s| agents[i].has_skill(s)).count();
    // Load as a fraction of capacity, compared exactly by cross-multiplying.
    speakers
        .iter()
        .copied()
        .filter(|&i| !any_room || has_room(i))
        .min_by(|&a, &b| {
            let (x, y) = (&agents[a], &agents[b]);
            skill_match(b)
                .cmp(&skill_match(a))
                .then_with(|| {
                    let la = u64::from(used(a)) * u64::from(y.capacity.max(1));
                    let lb = u64::from(used(b)) * u64::from(x.capacity.max(1));
                    la.cmp(&lb)
                })
                .then_with(|| x.name.cmp(&y.name))
        })
        .ok_or("team at capacity")
}

/// Route every unassigned open row in order of urgency, counting each routed
/// handoff against its agent so one agent is not handed the whole backlog.
/// `rows` must already be in urgency order.
pub fn route_all<'a, I>(rows: I, agents: &[Agent]) -> HashMap<String, Route>
where
    I: IntoIterator<Item = &'a QueueRow>,
    I::IntoIter: Clone,
{
    route_keyed(rows.into_iter().map(|r| (r, r)), agents)
        .into_iter()
        .map(|(r, route)| (r.id.clone(), route))
        .collect()
}

/// [`route_all`] keyed by the index each row comes with, for callers that
/// hold rows by index: the ids are never read, which on 100k rows saves a
/// cache miss per routed row.
pub fn route_indexed<'a, I>(rows: I, agents: &[Agent]) -> HashMap<u32, Route>
where
    I: IntoIterator<Item = (u32, &'a QueueRow)>,
    I::IntoIter: Clone,
{
    route_keyed(rows.into_iter(), agents).into_iter().collect()
}

fn route_keyed<'a, K, I>(rows: I, agents: &[Agent]) -> Vec<(K, Route)>
where
    I: Iterator<Item = (K, &'a QueueRow)> + Clone,
{
    route_split(rows.clone().map(|(_, r)| r), rows, agents)
}

/// Same answers as calling [`route`] row by row, without its per-row work:
/// who is eligible is worked out once per (team, language), and load is
/// counted per agent in a vector, not a map keyed by name. The rows come
/// twice: `all` in any order (to count each agent's load; storage order
/// reads memory front to back), and `rows` in urgency order, where only
/// unassigned open rows matter (the caller may leave the rest out).
pub fn route_split<'a, K>(
    all: impl Iterator<Item = &'a QueueRow>,
    rows: impl Iterator<Item = (K, &'a QueueRow)>,
    agents: &[Agent],
) -> Vec<(K, Route)> {
    // Agents sharing a name share one count, as they would in a map by name.
    let by_name: HashMap<&str, usize> = agents
        .iter()
        .enumerate()
        .rev()
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    let slot: Vec<usize> = agents
        .iter()
        .map(|a| by_name.get(a.name.as_str()).copied().unwrap_or(0))
        .collect();
    let mut used = vec![0u32; agents.len()];
    let mut waiting = 0;
    for r in all.filter(|r| r.is_open()) {
        match r.assignee.as_deref() {
            Some(a) => {
                if let Some(&i) = by_name.get(a) {
                    used[i] += 1;
                }
            }
            None => waiting += 1,
        }
    }
    let names: Vec<Name> = agents.iter().map(|a| Name::from(a.name.as_str())).collect();
    // Keyed by where the names live, not their text: no hashing of the
    // text or counting of references per row (the same text from two
    // interners is two keys with the same answer).
    type Key = (Option<usize>, Option<usize>);
    let mut eligible: HashMap<Key, Result<Vec<usize>, &'static str>> = HashMap::new();
    let mut out = Vec::with_capacity(waiting);
    for (k, r) in rows.filter(|(_, r)| r.is_open() && r.assignee.is_none()) {
        let speakers = eligible
            .entry((
                r.team.as_ref().map(Name::addr),
                r.language.as_ref().map(Name::addr),
            ))
            .or_insert_with(|| speakers(r, agents));
        let route = match speakers {
            Err(why) => Route::NoOne(why),
            Ok(list) => match pick(r, agents, list, |i| used[slot[i]]) {
                Ok(i) => {
                    used[slot[i]] += 1;
                    Route::To(names[i].clone())
                }
                Err(why) => Route::NoOne(why),
            },
        };
        out.push((k, route));
    }
    out
}
