//! `?`: every key in force; typing filters, ↑/↓ pick, Enter runs the pick.

use crossterm::event::{KeyCode, KeyEvent};

use super::list_key;
use crate::app::action::Action;
use crate::app::apply::apply;
use crate::app::effect::Effect;
use crate::app::state::{Modal, Screen, State};

/// The actions help lists with `filter` typed, in order: what Enter or a
/// click on entry N runs.
pub(in crate::app) fn listed(state: &State, filter: &str) -> Vec<Action> {
    crate::view::help::runnable(
        &state.keymap,
        &state.section_titles(),
        filter,
        state.screen != Screen::Workspace,
    )
}

pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    mut filter: String,
    mut selected: usize,
) -> Vec<Effect> {
    let actions = listed(state, &filter);
    match key.code {
        KeyCode::Esc | KeyCode::Char('?') => return Vec::new(),
        KeyCode::Char('q') if filter.is_empty() => return Vec::new(),
        KeyCode::Enter => {
            return match actions.get(selected) {
                Some(action) => apply(state, *action),
                None => Vec::new(),
            };
        }
        _ => list_key(&key, &mut filter, &mut selected, actions.len()),
    }
    state.modal = Some(Modal::Help { filter, selected });
    Vec::new()
}
