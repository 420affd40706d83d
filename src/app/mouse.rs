//! Clicks and the wheel, mapped to what the keys do. Pure, like `update`:
//! where things are comes from `view` (the layout and the hit tests), which
//! the renderer draws by too, so a click lands on what is drawn under it.
//!
//! A dialog takes the mouse as it takes the keys: while one is open, only
//! clicks and turns over that dialog act (help and the palette pick an
//! entry; the config problems close); everything else is ignored.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::effect::Effect;
use super::state::{Focus, Modal, Screen, State};
use super::{navigate, update};
use crate::view::layout;

/// Lines one wheel notch scrolls text by (the summary, the lead screens).
/// In lists it moves the pick by one, as ↓ does.
pub const WHEEL_LINES: isize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Click,
    /// +1 down, -1 up.
    Wheel(isize),
}

pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    let input = match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Input::Click,
        MouseEventKind::ScrollDown => Input::Wheel(1),
        MouseEventKind::ScrollUp => Input::Wheel(-1),
        _ => return Vec::new(),
    };
    let at = Position::new(mouse.column, mouse.row);
    if layout::too_small(state.width, state.height) {
        return Vec::new();
    }
    if state.modal.is_some() {
        return on_modal(state, input, at);
    }
    // A chord half typed is abandoned by a click, as by Esc.
    state.pending_chord.clear();
    if state.screen != Screen::Workspace {
        return on_lead(state, input, at);
    }
    on_workspace(state, input, at)
}

fn screen(state: &State) -> Rect {
    Rect::new(0, 0, state.width, state.height)
}

fn on_workspace(state: &mut State, input: Input, at: Position) -> Vec<Effect> {
    let areas = layout::areas(state.width, state.height, state.focus == Focus::Detail);
    if areas.tabs.contains(at) {
        return match input {
            Input::Click => match crate::view::tabs::tab_at(state, areas.tabs.width, at.x) {
                Some(index) => update::select_section(state, index),
                None => Vec::new(),
            },
            Input::Wheel(_) => Vec::new(),
        };
    }
    if areas.queue.contains(at) {
        return match input {
            Input::Click => click_queue(state, areas.queue, at.y),
            // The wheel over the queue moves the selection, whichever pane
            // has focus.
            Input::Wheel(delta) => navigate::move_cursor(state, delta),
        };
    }
    if areas.detail.contains(at) {
        return match input {
            Input::Click => update::apply(state, Action::FocusDetail),
            // Scroll the summary or transcript without taking focus,
            // stopping at its last page as the keys do.
            Input::Wheel(delta) => {
                navigate::scroll_detail(state, delta * WHEEL_LINES);
                Vec::new()
            }
        };
    }
    Vec::new()
}

/// A click on a row selects it and gives the queue the keys; a click on the
/// row already selected opens its summary, as Enter does.
fn click_queue(state: &mut State, queue: Rect, y: u16) -> Vec<Effect> {
    let Some(pos) = crate::view::queue::row_at(state, queue, y) else {
        state.focus = Focus::Queue;
        return Vec::new();
    };
    if pos == state.queue.cursor() && state.focus == Focus::Queue {
        return update::apply(state, Action::FocusDetail);
    }
    state.focus = Focus::Queue;
    navigate::select_row(state, pos)
}

/// Lead screens: the wheel scrolls; a click on a tab shows that screen.
fn on_lead(state: &mut State, input: Input, at: Position) -> Vec<Effect> {
    match input {
        Input::Wheel(delta) => navigate::move_by(state, delta * WHEEL_LINES),
        Input::Click if at.y == 0 => match crate::view::lead::tab_at(state, state.width, at.x) {
            Some(Screen::Floor) => update::apply(state, Action::ShowFloor),
            Some(Screen::Quality) => update::apply(state, Action::ShowQuality),
            Some(Screen::Review) => update::apply(state, Action::ShowReview),
            _ => Vec::new(),
        },
        Input::Click => Vec::new(),
    }
}

/// Help and the palette: a click picks an entry, a click on the picked one
/// runs it (so a double click runs it too); the wheel moves the pick. The
/// config problems close on a click, as on any key. Other dialogs hold text
/// or wait for one key: the mouse leaves them alone.
fn on_modal(state: &mut State, input: Input, at: Position) -> Vec<Effect> {
    let area = screen(state);
    let click = input == Input::Click;
    match &state.modal {
        Some(Modal::Help { filter, .. }) => {
            let sections = state.section_titles();
            let lead = state.screen != Screen::Workspace;
            let actions = crate::view::help::runnable(&state.keymap, &sections, filter, lead);
            let hit = click
                .then(|| {
                    let scope = (sections.as_slice(), lead);
                    crate::view::help::entry_at(&state.keymap, scope, filter, area, (at.x, at.y))
                })
                .flatten();
            pick(state, input, hit, actions)
        }
        Some(Modal::Palette { filter, selected }) => {
            let sections = state.section_titles();
            let actions = super::palette::matches(filter, &sections);
            let hit = click
                .then(|| {
                    crate::view::palette::entry_at(filter, &sections, *selected, area, at.x, at.y)
                })
                .flatten();
            pick(state, input, hit, actions)
        }
        Some(Modal::Problems { .. }) if click => {
            state.modal = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Move or run the pick of the open help or palette list of `actions`.
fn pick(state: &mut State, input: Input, hit: Option<usize>, actions: Vec<Action>) -> Vec<Effect> {
    let selected = match state.modal.as_mut() {
        Some(Modal::Help { selected, .. } | Modal::Palette { selected, .. }) => selected,
        _ => return Vec::new(),
    };
    match (input, hit) {
        (Input::Wheel(delta), _) => {
            let last = actions.len().saturating_sub(1);
            *selected = selected.saturating_add_signed(delta).min(last);
            Vec::new()
        }
        (Input::Click, Some(i)) if i == *selected => match actions.get(i) {
            Some(action) => {
                // As Enter: the dialog closes and the action runs.
                state.modal = None;
                update::apply(state, *action)
            }
            None => Vec::new(),
        },
        (Input::Click, Some(i)) => {
            *selected = i;
            Vec::new()
        }
        (Input::Click, None) => Vec::new(),
    }
}
