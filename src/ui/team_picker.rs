//! `T`: which team the selected or marked handoffs go to. Each team shows
//! its open handoffs and whether it is one of mine, so the agent can see
//! where a handoff will land (and that it leaves "Team unassigned" when the
//! team is not mine).

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::app::State;
use crate::view::text;

/// What the picker shows, counted when it opened (`Modal::TeamPicker`).
pub struct Picker<'a> {
    pub ids: &'a [String],
    pub teams: &'a [String],
    pub selected: usize,
    pub open: &'a [usize],
    pub now_in: Option<&'a str>,
}

pub fn render(frame: &mut Frame, state: &State, picker: Picker<'_>, theme: &Theme) {
    let Picker {
        ids,
        teams,
        selected,
        open,
        now_in,
    } = picker;
    let screen = frame.area();
    let what = describe(ids);
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
            let count = open.get(i).copied().unwrap_or(0);
            let mine = state.my_teams.iter().any(|t| t.eq_ignore_ascii_case(team));
            let here = now_in.is_some_and(|t| t.eq_ignore_ascii_case(team));
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

/// "HO-1106" or "3 handoffs".
fn describe(ids: &[String]) -> String {
    match ids {
        [one] => one.clone(),
        many => format!("{} handoffs", many.len()),
    }
}
