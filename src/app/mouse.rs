//! Clicks and the wheel. [`action_at`] says what a mouse event means, from
//! the state alone, as a [`Pointer`]; [`apply`] carries it out, as
//! `apply::apply` does a key's action. Where things are comes from `view`
//! (the layout and the hit tests), which the renderer draws by too, so a
//! click lands on what is drawn under it.
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

/// What a mouse event asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// What a key would do.
    Run(Action),
    /// A click on a section tab.
    ShowSection(usize),
    /// A click on a queue row that is not the selection: select it, and
    /// give the queue the keys.
    SelectRow(usize),
    /// A click on the queue below its last row.
    FocusQueue,
    /// The wheel over the queue: move the selection, whichever pane has
    /// focus.
    MoveSelection(isize),
    /// The wheel over the summary: scroll it without taking focus.
    ScrollDetail(isize),
    /// The wheel on a lead screen.
    ScrollLead(isize),
    /// Help or the palette: move the pick by this many entries.
    MovePick(isize),
    /// Help or the palette: pick entry N (a click).
    Pick(usize),
    /// Help or the palette: run the picked entry (a click on it).
    RunPick,
    /// Close the config problems.
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Click,
    /// +1 down, -1 up.
    Wheel(isize),
}

/// A mouse event, from what it means to doing it.
pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    let Some(input) = input(state, mouse) else {
        return Vec::new();
    };
    let pointer = read(state, input, Position::new(mouse.column, mouse.row));
    // A chord half typed is abandoned by a click or a turn, as by Esc.
    if state.modal.is_none() {
        state.pending_chord.clear();
    }
    pointer.map_or_else(Vec::new, |p| apply(state, p))
}

/// A click or a wheel notch, on a screen big enough to act on.
fn input(state: &State, mouse: MouseEvent) -> Option<Input> {
    if layout::too_small(state.width, state.height) {
        return None;
    }
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Input::Click),
        MouseEventKind::ScrollDown => Some(Input::Wheel(1)),
        MouseEventKind::ScrollUp => Some(Input::Wheel(-1)),
        _ => None,
    }
}

/// What `mouse` means on the screen `state` shows, if anything.
pub fn action_at(state: &State, mouse: MouseEvent) -> Option<Pointer> {
    let input = input(state, mouse)?;
    read(state, input, Position::new(mouse.column, mouse.row))
}

/// What `input` at `at` means on the screen `state` shows.
fn read(state: &State, input: Input, at: Position) -> Option<Pointer> {
    if state.modal.is_some() {
        return on_modal(state, input, at);
    }
    if state.screen != Screen::Workspace {
        return on_lead(state, input, at);
    }
    on_workspace(state, input, at)
}

/// Carry out what a mouse event asked for.
pub fn apply(state: &mut State, pointer: Pointer) -> Vec<Effect> {
    match pointer {
        Pointer::Run(action) => update::apply(state, action),
        Pointer::ShowSection(index) => update::select_section(state, index),
        Pointer::SelectRow(pos) => {
            state.focus = Focus::Queue;
            navigate::select_row(state, pos)
        }
        Pointer::FocusQueue => {
            state.focus = Focus::Queue;
            Vec::new()
        }
        Pointer::MoveSelection(delta) => navigate::move_cursor(state, delta),
        Pointer::ScrollDetail(delta) => {
            navigate::scroll_detail(state, delta);
            Vec::new()
        }
        Pointer::ScrollLead(delta) => navigate::move_by(state, delta),
        Pointer::MovePick(delta) => {
            let last = pick_list(state).len().saturating_sub(1);
            if let Some(selected) = picked(state) {
                *selected = selected.saturating_add_signed(delta).min(last);
            }
            Vec::new()
        }
        Pointer::Pick(i) => {
            if let Some(selected) = picked(state) {
                *selected = i;
            }
            Vec::new()
        }
        Pointer::RunPick => {
            let list = pick_list(state);
            match picked(state).and_then(|s| list.get(*s).copied()) {
                Some(action) => {
                    // As Enter: the dialog closes and the action runs.
                    state.modal = None;
                    update::apply(state, action)
                }
                None => Vec::new(),
            }
        }
        Pointer::Close => {
            state.modal = None;
            Vec::new()
        }
    }
}

fn screen(state: &State) -> Rect {
    Rect::new(0, 0, state.width, state.height)
}

fn on_workspace(state: &State, input: Input, at: Position) -> Option<Pointer> {
    let areas = layout::areas(state.width, state.height, state.focus == Focus::Detail);
    if areas.tabs.contains(at) {
        return match input {
            Input::Click => {
                crate::view::tabs::tab_at(state, areas.tabs.width, at.x).map(Pointer::ShowSection)
            }
            Input::Wheel(_) => None,
        };
    }
    if areas.queue.contains(at) {
        return Some(match input {
            Input::Click => click_queue(state, areas.queue, at.y),
            Input::Wheel(delta) => Pointer::MoveSelection(delta),
        });
    }
    if areas.detail.contains(at) {
        return Some(match input {
            Input::Click => Pointer::Run(Action::FocusDetail),
            // Stopping at its last page, as the keys do.
            Input::Wheel(delta) => Pointer::ScrollDetail(delta * WHEEL_LINES),
        });
    }
    None
}

/// A click on a row selects it and gives the queue the keys; a click on the
/// row already selected opens its summary, as Enter does.
fn click_queue(state: &State, queue: Rect, y: u16) -> Pointer {
    match crate::view::queue::row_at(state, queue, y) {
        None => Pointer::FocusQueue,
        Some(pos) if pos == state.queue.cursor() && state.focus == Focus::Queue => {
            Pointer::Run(Action::FocusDetail)
        }
        Some(pos) => Pointer::SelectRow(pos),
    }
}

/// Lead screens: the wheel scrolls; a click on a tab shows that screen.
fn on_lead(state: &State, input: Input, at: Position) -> Option<Pointer> {
    match input {
        Input::Wheel(delta) => Some(Pointer::ScrollLead(delta * WHEEL_LINES)),
        Input::Click if at.y == 0 => match crate::view::lead::tab_at(state, state.width, at.x)? {
            Screen::Floor => Some(Pointer::Run(Action::ShowFloor)),
            Screen::Quality => Some(Pointer::Run(Action::ShowQuality)),
            Screen::Review => Some(Pointer::Run(Action::ShowReview)),
            Screen::Workspace => None,
        },
        Input::Click => None,
    }
}

/// Help and the palette: a click picks an entry, a click on the picked one
/// runs it (so a double click runs it too); the wheel moves the pick. The
/// config problems close on a click, as on any key. Other dialogs hold text
/// or wait for one key: the mouse leaves them alone.
fn on_modal(state: &State, input: Input, at: Position) -> Option<Pointer> {
    let area = screen(state);
    let (hit, selected) = match &state.modal {
        Some(Modal::Help { filter, selected }) => {
            let sections = state.section_titles();
            let scope = (sections.as_slice(), state.screen != Screen::Workspace);
            let hit = (input == Input::Click)
                .then(|| {
                    crate::view::help::entry_at(&state.keymap, scope, filter, area, (at.x, at.y))
                })
                .flatten();
            (hit, *selected)
        }
        Some(Modal::Palette { filter, selected }) => {
            let sections = state.section_titles();
            let hit = (input == Input::Click)
                .then(|| {
                    crate::view::palette::entry_at(filter, &sections, *selected, area, at.x, at.y)
                })
                .flatten();
            (hit, *selected)
        }
        Some(Modal::Problems { .. }) if input == Input::Click => return Some(Pointer::Close),
        _ => return None,
    };
    match (input, hit) {
        (Input::Wheel(delta), _) => Some(Pointer::MovePick(delta)),
        (Input::Click, Some(i)) if i == selected => Some(Pointer::RunPick),
        (Input::Click, Some(i)) => Some(Pointer::Pick(i)),
        (Input::Click, None) => None,
    }
}

/// The actions the open help or palette lists, in order.
fn pick_list(state: &State) -> Vec<Action> {
    match &state.modal {
        Some(Modal::Help { filter, .. }) => super::modal::help::listed(state, filter),
        Some(Modal::Palette { filter, .. }) => {
            super::palette::matches(filter, &state.section_titles())
        }
        _ => Vec::new(),
    }
}

/// The open help's or palette's pick.
fn picked(state: &mut State) -> Option<&mut usize> {
    match state.modal.as_mut() {
        Some(Modal::Help { selected, .. } | Modal::Palette { selected, .. }) => Some(selected),
        _ => None,
    }
}
