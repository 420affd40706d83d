//! Which queue rows are drawn where, and what an empty queue says: read by
//! `ui::queue` to draw and by the mouse to find the row under a click.

use ratatui::layout::Rect;

use super::text;
use crate::app::State;
use crate::domain::queue::Builtin;

/// The first position in the visible list drawn in a queue of `rows` lines.
/// Normally `update` keeps the cursor in view; if the frame is not the size
/// it planned for, keep it in view here without touching state. The mouse
/// maps clicks with the same function, so a click lands on the row drawn.
pub fn first_shown(state: &State, rows: usize) -> usize {
    let (cursor, shown) = (state.queue.cursor(), state.queue.visible().len());
    let mut start = state.queue.offset().min(shown.saturating_sub(1));
    if cursor >= start + rows {
        start = cursor + 1 - rows;
    }
    start.min(cursor)
}

/// The position in the visible list of the row drawn at screen line `y` of a
/// queue drawn in `area`, if a handoff is drawn there (not the header).
pub fn row_at(state: &State, area: Rect, y: u16) -> Option<usize> {
    if !state.loaded || y <= area.y || y >= area.y.saturating_add(area.height) {
        return None;
    }
    let rows = usize::from(area.height).saturating_sub(1);
    let pos = first_shown(state, rows) + usize::from(y - area.y - 1);
    (pos < state.queue.visible().len()).then_some(pos)
}

/// What the queue says when no row is shown, so the next step is plain.
pub fn empty_message(state: &State) -> std::borrow::Cow<'static, str> {
    if !state.filter.query.is_empty() || !state.filter.text.is_empty() {
        return "No handoffs match the filter — Esc clears it".into();
    }
    let Some(section) = state.current_section() else {
        return "No handoffs.".into();
    };
    match section.builtin {
        Some(Builtin::Mine) if state.agent_guessed => format!(
            "Nothing assigned to \"{}\", your login name. Not how the handoffs name you? \
             Start with --agent NAME, or put agent = \"NAME\" in the config file.",
            text::one_line(&state.me)
        )
        .into(),
        Some(Builtin::Mine) => {
            "Nothing assigned to you. Tab to see your teams' unassigned handoffs.".into()
        }
        Some(Builtin::Unassigned) => "No unassigned handoffs in your teams. Tab to see all.".into(),
        Some(Builtin::All) => "No handoffs yet. Import some with `handoff import FILE`.".into(),
        Some(Builtin::BotHeld) => "The AI is holding no conversations right now.".into(),
        None if section.query_text.is_empty() => "No handoffs yet.".into(),
        // A saved section: say what it looks for (names and queries come
        // from the config file; the line is cleaned when drawn).
        None => format!(
            "Nothing matches `{}` — Tab for the next section",
            text::cut(&section.query_text, 60)
        )
        .into(),
    }
}
