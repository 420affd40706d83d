//! Moving about: the selection, paging, scrolling the summary and the lead
//! screens, and loading what the selection shows.

use super::effect::Effect;
use super::state::{Drawn, Focus, Screen, State};
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
        state.lead_scroll = scrolled(state.lead_scroll, delta, state.room.lead);
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
    // Stop at the last page as last drawn, so scrolling back up responds
    // at once.
    state.detail_scroll = scrolled(state.detail_scroll, delta, state.room.detail);
}

/// `scroll` moved by `delta`, within 0..=`room`.
fn scrolled(scroll: u16, delta: isize, room: usize) -> u16 {
    let room = room.min(usize::from(u16::MAX)) as isize;
    (scroll as isize).saturating_add(delta).clamp(0, room) as u16
}

/// A frame measured how far the summary and the lead screen can scroll:
/// keep each scroll within it (the pane got shorter, the window smaller).
pub(super) fn measured(state: &mut State, drawn: Drawn) {
    if let Some(detail) = drawn.detail {
        state.room.detail = detail;
        state.detail_scroll = scrolled(state.detail_scroll, 0, detail);
    }
    if let Some(lead) = drawn.lead {
        state.room.lead = lead;
        state.lead_scroll = scrolled(state.lead_scroll, 0, lead);
    }
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
