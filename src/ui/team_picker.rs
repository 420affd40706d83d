//! `T`: which team the selected or marked handoffs go to. Each team shows
//! its open handoffs and whether it is one of mine, so the agent can see
//! where a handoff will land (and that it leaves "Team unassigned" when the
//! team is not mine).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::app::State;
use crate::view::text;

pub fn render(
    frame: &mut Frame,
    state: &State,
    ids: &[String],
    teams: &[String],
    selected: usize,
    theme: &Theme,
) {
    let screen = frame.area();
    let (what, now_in) = describe(state, ids);
    let want_h = u16::try_from(teams.len())
        .unwrap_or(u16::MAX)
        .saturating_add(6)
        .max(8);
    let inner = modal::open(
        frame,
        screen.width.min(60),
        want_h.min(screen.height),
        &format!("Move to team · {what}"),
        theme,
    );
    let inner = inner.inner(Margin::new(1, 0));
    if inner.height == 0 || inner.width < 12 {
        return;
    }
    let width = usize::from(inner.width);
    let verb = if ids.len() == 1 { "goes" } else { "go" };
    let head = match &now_in {
        Some(team) => format!("{what}, now in {team}, {verb} to:"),
        None => format!("{what} {verb} to:"),
    };
    let footer = Line::from(vec![
        Span::styled("1–9", theme.key),
        Span::styled(" or ", theme.muted),
        Span::styled("↑↓ Enter", theme.key),
        Span::styled(" picks · ", theme.muted),
        Span::styled("Esc", theme.key),
        Span::styled(" cancels", theme.muted),
    ]);
    // Head and footer take two lines each when there is room for a spacer.
    let roomy = inner.height >= 6;
    let chrome: u16 = if roomy { 4 } else { 2 };
    let head_area = Rect { height: 1, ..inner };
    modal::fill(
        frame,
        head_area,
        vec![(Line::styled(text::cut(&head, width), theme.normal), false)],
    );
    let list_y = inner.y + if roomy { 2 } else { 1 };
    let list_h = inner.height.saturating_sub(chrome);
    let foot_y = inner.y + inner.height - 1;
    if inner.height >= 2 {
        modal::fill(
            frame,
            Rect::new(inner.x, foot_y, inner.width, 1),
            vec![(footer, false)],
        );
    }
    if list_h == 0 {
        return;
    }
    let body = Rect::new(inner.x, list_y, inner.width, list_h);
    if teams.is_empty() {
        let none = Line::styled(
            "No teams known yet: no agent or handoff names one.",
            theme.muted,
        );
        modal::fill(frame, body, vec![(none, false)]);
        return;
    }
    let open = open_per_team(state);
    // Keep the pick in view: scroll by whole pages.
    let rows = usize::from(list_h).max(1);
    let first = selected / rows * rows;
    let name_w = 20.min(width / 2);
    let lines = teams
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, team)| {
            let key = if i < 9 {
                format!("{}", i + 1)
            } else {
                " ".into()
            };
            let count = open.get(&team.to_lowercase()).copied().unwrap_or(0);
            let mine = state.my_teams.iter().any(|t| t.eq_ignore_ascii_case(team));
            let here = now_in
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(team));
            let mut notes: Vec<&str> = Vec::new();
            if mine {
                notes.push("your team");
            }
            if here {
                notes.push("now");
            }
            let count = format!("{count:>4} open");
            let name = text::pad(&text::trunc(team, name_w), name_w);
            let rest = width.saturating_sub(name_w + count.len() + 7);
            let notes = text::trunc(&notes.join(" · "), rest);
            if i == selected {
                let line = format!("▸ {key}  {name} {count}  {notes}");
                let line = text::pad(&text::trunc(&line, width), width);
                return (Line::styled(line, theme.selection), false);
            }
            let line = Line::from(vec![
                Span::raw("  "),
                Span::styled(key, theme.key),
                Span::raw("  "),
                Span::styled(name, theme.normal),
                Span::styled(format!(" {count}  "), theme.muted),
                Span::styled(notes, theme.info),
            ]);
            (line, false)
        })
        .collect();
    modal::fill(frame, body, lines);
}

/// "HO-1106" or "3 handoffs", and the team they are all in, if one.
fn describe(state: &State, ids: &[String]) -> (String, Option<String>) {
    let what = match ids {
        [one] => one.clone(),
        many => format!("{} handoffs", many.len()),
    };
    (what, shared_team(state, ids))
}

/// The team all of `ids` are in (case ignored), as the first one spells
/// it; none if one is not loaded or has no team. Runs per frame: one pass
/// over the rows, however many ids.
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

/// Open handoffs per team (lower-cased name). Counted per frame while the
/// picker is open: a pass over the rows, whose team names are shared.
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
