//! Moving about: the selection, paging, scrolling the summary and the lead
//! screens, and loading what the selection shows.

use super::effect::Effect;
use super::state::{Focus, Screen, State};
use crate::view::layout;

pub(super) fn page(state: &State) -> usize {
    match state.focus {
        Focus::Queue => layout::queue_lines(state.width, state.height),
        Focus::Detail => layout::detail_lines(state.width, state.height),
    }
    .saturating_sub(1)
    .max(1)
}

pub(super) fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    if state.screen != Screen::Workspace {
        let max = crate::ui::lead::line_count(state)
            .saturating_sub(usize::from(state.height.saturating_sub(3)));
        let scroll = (state.lead_scroll as isize).saturating_add(delta);
        state.lead_scroll = scroll.clamp(0, max.min(u16::MAX as usize) as isize) as u16;
        return Vec::new();
    }
    if state.focus == Focus::Detail {
        scroll_detail(state, delta);
        return Vec::new();
    }
    move_cursor(state, delta)
}

/// Move the queue's selection by `delta` rows (clamped to the list), keep it
/// in view and load its detail. Focus is left as it is.
pub(super) fn move_cursor(state: &mut State, delta: isize) -> Vec<Effect> {
    let lines = layout::queue_lines(state.width, state.height);
    if !state.queue.move_cursor(delta, lines) {
        return Vec::new();
    }
    load_selected(state)
}

/// Scroll the summary or transcript by `delta` lines. Focus is left as it
/// is.
pub(super) fn scroll_detail(state: &mut State, delta: isize) {
    // Stop at the last page, so scrolling back up responds at once.
    let total = crate::ui::pane::detail_line_count(state);
    let max = total.saturating_sub(layout::detail_lines(state.width, state.height));
    let scroll = (state.detail_scroll as isize).saturating_add(delta);
    state.detail_scroll = scroll.clamp(0, max.min(u16::MAX as usize) as isize) as u16;
}

/// Scroll the queue so the cursor is on screen (after a resize).
pub(super) fn keep_cursor_visible(state: &mut State) {
    let lines = layout::queue_lines(state.width, state.height);
    state.queue.scroll_to_cursor(lines);
}

/// Select the row at `pos` of the visible list, keep it in view and load
/// its detail. Focus is left as it is.
pub(super) fn select_row(state: &mut State, pos: usize) -> Vec<Effect> {
    let lines = layout::queue_lines(state.width, state.height);
    state.queue.set_cursor(pos, lines);
    load_selected(state)
}

/// Ask for the selected handoff's full record unless it is already shown.
pub(super) fn load_selected(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected().map(|r| r.id.clone()) else {
        state.detail = None;
        return Vec::new();
    };
    if state.detail.as_ref().is_some_and(|d| d.handoff.id == id) {
        return Vec::new();
    }
    state.detail_scroll = 0;
    vec![Effect::LoadDetail { id }]
}
