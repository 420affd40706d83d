//! Moving handoffs to another team: `T` opens a picker over the teams the
//! workspace knows; the pick applies to the marked handoffs (or the selected
//! one) as one change — one summary toast, one `u` puts each back in the
//! team it came from.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::actions::target;
use crate::app::bulk::{batch, marked_rows, plural};
use crate::app::effect::{Done, Effect};
use crate::app::state::{Modal, State, ToastKind};
use crate::app::update::toast;
use crate::domain::queue::QueueRow;

/// Open the picker for the marked handoffs, else the selected one. The
/// teams shown at once come from the loaded queue and agents; the store's
/// full list (with teams a helpdesk listed) follows as `TeamsLoaded`.
pub(in crate::app) fn open(state: &mut State) -> Vec<Effect> {
    let ids: Vec<String> = if state.marked.is_empty() {
        match target(state) {
            Some(row) => vec![row.id],
            None => return Vec::new(),
        }
    } else {
        marked_rows(state).into_iter().map(|r| r.id).collect()
    };
    let teams = known(state, Vec::new());
    state.modal = Some(Modal::TeamPicker {
        ids,
        teams,
        selected: 0,
    });
    vec![Effect::LoadTeams]
}

/// The store's list arrived: merge it into an open picker, keeping the pick
/// on the same team.
pub(in crate::app) fn on_teams_loaded(state: &mut State, loaded: Vec<String>) {
    let Some(Modal::TeamPicker {
        ids,
        teams,
        selected,
    }) = state.modal.take()
    else {
        return;
    };
    let picked = teams.get(selected).cloned();
    let mut extra = teams;
    extra.extend(loaded);
    let teams = known(state, extra);
    let selected = picked
        .and_then(|p| teams.iter().position(|t| *t == p))
        .unwrap_or(0);
    state.modal = Some(Modal::TeamPicker {
        ids,
        teams,
        selected,
    });
}

/// Every team the agents or handoffs name, plus `extra`: one spelling per
/// name (case ignored, as routing does), sorted.
fn known(state: &State, extra: Vec<String>) -> Vec<String> {
    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |name: &str| {
        let name = name.trim();
        if !name.is_empty() && !by_key.contains_key(&name.to_lowercase()) {
            by_key.insert(name.to_lowercase(), name.to_string());
        }
    };
    for agent in &state.agents {
        agent.teams.iter().for_each(|t| add(t));
    }
    // Rows share interned names, so this is a pointer per row; the few
    // distinct ones are looked at once.
    let mut seen: Vec<&str> = Vec::new();
    for team in state.queue.rows().iter().filter_map(|r| r.team.as_deref()) {
        if !seen.contains(&team) {
            seen.push(team);
        }
    }
    seen.into_iter().for_each(&mut add);
    extra.iter().for_each(|t| add(t));
    by_key.into_values().collect()
}

/// Keys while the picker is open: a number picks at once, ↑/↓ (j/k,
/// Ctrl-p/n) move, Enter picks, Esc cancels.
pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    ids: Vec<String>,
    teams: Vec<String>,
    mut selected: usize,
) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let last = teams.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Enter => {
            return match teams.get(selected) {
                Some(team) => assign(state, &ids, team),
                None => Vec::new(),
            };
        }
        KeyCode::Char(c @ '1'..='9') if !ctrl => {
            let n = c.to_digit(10).map_or(0, |d| d as usize);
            if let Some(team) = teams.get(n - 1) {
                return assign(state, &ids, team);
            }
        }
        KeyCode::Up | KeyCode::Char('k') if !ctrl => selected = selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') if !ctrl => selected = (selected + 1).min(last),
        KeyCode::Char('p') if ctrl => selected = selected.saturating_sub(1),
        KeyCode::Char('n') if ctrl => selected = (selected + 1).min(last),
        KeyCode::Home => selected = 0,
        KeyCode::End => selected = last,
        _ => {}
    }
    state.modal = Some(Modal::TeamPicker {
        ids,
        teams,
        selected,
    });
    Vec::new()
}

/// Move `ids` to `team` as one change; those already in it stay as they are.
fn assign(state: &mut State, ids: &[String], team: &str) -> Vec<Effect> {
    let index = state.queue.rows().positions(ids);
    let rows: Vec<QueueRow> = ids
        .iter()
        .filter_map(|id| {
            index
                .get(id.as_str())
                .and_then(|&i| state.queue.rows().get(i))
        })
        .cloned()
        .collect();
    let in_team = |r: &QueueRow| {
        r.team
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(team))
    };
    let (already, moving): (Vec<QueueRow>, Vec<QueueRow>) = rows.into_iter().partition(in_team);
    let n = moving.len();
    if n == 0 {
        let text = match &already[..] {
            [one] => format!("{} is already in {team}", one.id),
            all => format!("All {} handoffs are already in {team}", all.len()),
        };
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    let (mut text, label) = match &moving[..] {
        [one] => (
            format!("Moved {} to {team}", one.id),
            format!("move of {} to {team}", one.id),
        ),
        _ => (
            format!("Moved {n} {} to {team}", plural(n)),
            format!("move of {n} {} to {team}", plural(n)),
        ),
    };
    if !already.is_empty() {
        text.push_str(&format!(" · {} already there", already.len()));
    }
    let pairs = moving
        .into_iter()
        .map(|r| {
            let change = Effect::AssignTeam {
                id: r.id.clone(),
                team: Some(team.to_string()),
                done: Done::default(),
            };
            let undo = Effect::AssignTeam {
                id: r.id,
                team: r.team.map(String::from),
                done: Done::default(),
            };
            (change, undo)
        })
        .collect();
    batch(state, pairs, text, label)
}
