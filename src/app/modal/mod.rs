//! The dialogs: while one is open it takes the keys. One file per dialog,
//! as `ui/` draws them.

mod compose;
mod confirm;
pub(super) mod help;
pub mod palette;
mod problems;
mod reason_picker;
pub(super) mod team_picker;
mod verdict_note;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::action::Action;
use super::effect::Effect;
use super::keymap::{Context, Key, Resolved};
use super::state::{Modal, State};

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = state.modal.take() else {
        return Vec::new();
    };
    match modal {
        Modal::ReasonPicker { id, others } if !others.is_empty() => {
            reason_picker::on_bulk_key(state, key, id, others)
        }
        Modal::ReasonPicker { id, others } => reason_picker::on_key(state, key, id, others),
        Modal::VerdictNote { id, input } => verdict_note::on_key(state, key, id, input),
        Modal::BulkVerdictNote { ids, reason, input } => {
            verdict_note::on_bulk_key(state, key, ids, reason, input)
        }
        Modal::ConfirmBulk { verdict, .. } => confirm::on_key(state, key, verdict),
        picker @ Modal::TeamPicker { .. } => team_picker::on_key(state, key, picker),
        Modal::Compose { id, kind, input } => compose::on_key(state, key, id, kind, input),
        Modal::Help { filter, selected } => help::on_key(state, key, filter, selected),
        Modal::Palette { filter, selected } => palette::on_key(state, key, filter, selected),
        Modal::Problems { .. } => problems::on_key(state),
    }
}

/// Typing and moving in a filterable list (help, palette): text narrows it
/// and puts the pick back on the best match, ↑/↓ (Ctrl-P/N) move the pick.
fn list_key(key: &KeyEvent, filter: &mut String, selected: &mut usize, len: usize) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::Char('n') if ctrl => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::Backspace => {
            filter.pop();
            *selected = 0;
        }
        KeyCode::Char('u') if ctrl => {
            filter.clear();
            *selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            filter.push(c);
            *selected = 0;
        }
        _ => {}
    }
}

pub(super) fn textarea(text: Option<&str>) -> TextArea<'static> {
    let lines: Vec<String> = text
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut input = if lines.is_empty() {
        TextArea::default()
    } else {
        TextArea::new(lines)
    };
    input.move_cursor(ratatui_textarea::CursorMove::Bottom);
    input.move_cursor(ratatui_textarea::CursorMove::End);
    input
}

/// Whether `key` does `action` in the reply box's key table.
pub(super) fn is_compose_key(state: &State, key: &KeyEvent, action: Action) -> bool {
    state
        .keymap
        .resolve(Context::Compose, &[], Key::from_event(key))
        == Resolved::Action(action)
}
