//! Moving handoffs to another team: `T` opens a picker over the teams the
//! workspace knows; the pick applies to the marked handoffs (or the selected
//! one) as one change — one summary toast, one `u` puts each back in the
//! team it came from.

use std::collections::{BTreeMap, HashMap};

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
    let now_in = shared_team(state, &ids);
    state.modal = Some(picker(state, ids, teams, 0, now_in));
    vec![Effect::LoadTeams]
}

/// The store's list arrived: merge it into an open picker, keeping the pick
/// on the same team.
pub(in crate::app) fn on_teams_loaded(state: &mut State, loaded: Vec<String>) {
    let Some(Modal::TeamPicker {
        ids,
        teams,
        selected,
        now_in,
        ..
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
    state.modal = Some(picker(state, ids, teams, selected, now_in));
}

/// The picker over `teams` for `ids` (now all in `now_in`, if one team),
/// with each team's open handoffs counted now: one pass over the rows,
/// however many teams.
fn picker(
    state: &State,
    ids: Vec<String>,
    teams: Vec<String>,
    selected: usize,
    now_in: Option<String>,
) -> Modal {
    let by_team = open_per_team(state);
    let open = teams
        .iter()
        .map(|t| by_team.get(&t.to_lowercase()).copied().unwrap_or(0))
        .collect();
    Modal::TeamPicker {
        ids,
        teams,
        selected,
        open,
        now_in,
    }
}

/// The team all of `ids` are in (case ignored), as the first one spells
/// it; none if one is not loaded or has no team. One pass over the rows,
/// however many ids.
fn shared_team(state: &State, ids: &[String]) -> Option<String> {
    let rows = state.queue.rows();
    let index = rows.positions(ids);
    let mut teams = ids.iter().map(|id| {
        index
            .get(id.as_str())
            .and_then(|&i| rows.get(i))
            .and_then(|r| r.team.as_deref())
    });
    let first = teams.next().flatten();
    first
        .filter(|f| teams.all(|t| t.is_some_and(|t| t.eq_ignore_ascii_case(f))))
        .map(str::to_string)
}

/// Open handoffs per team (lower-cased name): a pass over the rows, whose
/// team names are shared.
fn open_per_team(state: &State) -> HashMap<String, usize> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for row in state.queue.rows().iter().filter(|r| r.is_open()) {
        if let Some(team) = row.team.as_deref() {
            *by_name.entry(team).or_default() += 1;
        }
    }
    let mut out: HashMap<String, usize> = HashMap::new();
    for (name, n) in by_name {
        *out.entry(name.to_lowercase()).or_default() += n;
    }
    out
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
pub(super) fn on_key(state: &mut State, key: KeyEvent, mut picker: Modal) -> Vec<Effect> {
    let Modal::TeamPicker {
        ids,
        teams,
        selected,
        ..
    } = &mut picker
    else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let last = teams.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Enter => {
            return match teams.get(*selected) {
                Some(team) => assign(state, ids, team),
                None => Vec::new(),
            };
        }
        KeyCode::Char(c @ '1'..='9') if !ctrl => {
            let n = c.to_digit(10).map_or(0, |d| d as usize);
            if let Some(team) = teams.get(n - 1) {
                return assign(state, ids, team);
            }
        }
        KeyCode::Up | KeyCode::Char('k') if !ctrl => *selected = selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') if !ctrl => *selected = (*selected + 1).min(last),
        KeyCode::Char('p') if ctrl => *selected = selected.saturating_sub(1),
        KeyCode::Char('n') if ctrl => *selected = (*selected + 1).min(last),
        KeyCode::Home => *selected = 0,
        KeyCode::End => *selected = last,
        _ => {}
    }
    state.modal = Some(picker);
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::handoff::Handoff;
    use crate::domain::queue::{Name, QueueRow};

    fn row(id: &str, team: Option<&str>) -> QueueRow {
        let json = r#"{"id": "X", "escalated_at": "2026-01-01T10:00:00Z",
            "customer": {"name": "C"}, "routing": {}}"#;
        let h: Handoff = serde_json::from_str(json).expect("a minimal handoff");
        let mut row = QueueRow::from_handoff(&h, None);
        row.id = id.to_string();
        row.team = team.map(Name::from);
        row
    }

    /// What `describe` did before: a `Rows::position` per id.
    fn per_id(state: &State, ids: &[String]) -> Option<String> {
        let mut teams = ids.iter().map(|id| {
            let rows = state.queue.rows();
            rows.position(id)
                .and_then(|i| rows.get(i))
                .and_then(|r| r.team.as_deref().map(str::to_string))
        });
        let first = teams.next().flatten();
        first.filter(|f| teams.all(|t| t.is_some_and(|t| t.eq_ignore_ascii_case(f))))
    }

    #[test]
    fn the_shared_team_is_found_in_one_pass_as_per_id() {
        let now = chrono::Utc::now();
        let mut state = State::new("me".into(), now);
        let rows = vec![
            row("A", Some("billing")),
            row("B", Some("Billing")),
            row("C", Some("BILLING")),
            row("D", Some("accounts")),
            row("E", None),
            row("A", Some("security")),
            row("F", Some("billing")),
        ];
        let agents = Vec::new();
        crate::app::update(&mut state, crate::app::Event::Loaded { rows, agents });
        let cases: &[&[&str]] = &[
            &[],
            &["A"],
            &["B"],
            &["E"],
            &["Z"],
            &["A", "B"],
            &["B", "A"],
            &["C", "B", "A", "F"],
            &["F", "C"],
            &["A", "D"],
            &["D", "A"],
            &["A", "E"],
            &["E", "A"],
            &["A", "Z"],
            &["Z", "A"],
            &["A", "A"],
            &["B", "B", "C"],
            &["D", "D"],
        ];
        for ids in cases {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            assert_eq!(shared_team(&state, &ids), per_id(&state, &ids), "{ids:?}");
        }
        let ids = ["B".to_string(), "A".to_string()];
        assert_eq!(shared_team(&state, &ids).as_deref(), Some("Billing"));
    }
}
