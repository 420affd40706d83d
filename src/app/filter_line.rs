//! The `/` filter line: typing in it and putting what it says in force.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::navigate::load_selected;
use super::queue_ops::{refilter as rerun, refresh_view};
use super::state::State;
use crate::domain::filter::Query;

/// Re-apply the filter text; the selection may change, so load its detail.
pub(super) fn refilter(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut changed = false;
    match Query::parse(&state.filter.text) {
        Ok(q) => {
            state.filter.error = None;
            if q != state.filter.query {
                state.filter.jump = !q.is_empty();
                state.filter.query = q;
                changed = true;
            }
        }
        Err(e) => state.filter.error = Some(e),
    }
    if changed {
        effects = rerun(state);
    } else {
        refresh_view(state);
    }
    effects.extend(load_selected(state));
    effects
}

pub(super) fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Enter => {
            state.filter.editing = false;
            return Vec::new();
        }
        KeyCode::Esc => {
            state.filter.editing = false;
            state.filter.text.clear();
        }
        KeyCode::Backspace => {
            state.filter.text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.filter.text.clear();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.filter.text.push(c);
        }
        _ => return Vec::new(),
    }
    refilter(state)
}
