//! After `b`: the flag is saved; one key gives the reason, Esc keeps the
//! flag without one. After a bulk `b` the reason goes on every handoff
//! flagged.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use crate::app::actions::{feedback_in_force, save_bad};
use crate::app::bulk::plural;
use crate::app::effect::{Done, Effect};
use crate::app::state::{Modal, State, ToastKind};
use crate::app::update::toast;
use crate::domain::feedback::Reason;

pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    id: String,
    others: Vec<String>,
) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => {
            toast(
                state,
                format!("{id} stays flagged, no reason given"),
                ToastKind::Info,
            );
            Vec::new()
        }
        KeyCode::Char(c) => match Reason::from_key(c) {
            Some(reason) => {
                let note = feedback_in_force(state, &id).and_then(|f| f.note);
                state.modal = Some(Modal::VerdictNote {
                    id: id.clone(),
                    input: TextArea::default(),
                });
                let effect = save_bad(
                    state,
                    id,
                    vec![reason],
                    note,
                    format!("Reason: {}", reason.label()),
                );
                state.saving.track(vec![effect])
            }
            None => {
                state.modal = Some(Modal::ReasonPicker { id, others });
                Vec::new()
            }
        },
        _ => {
            state.modal = Some(Modal::ReasonPicker { id, others });
            Vec::new()
        }
    }
}

/// The reason picker after a bulk `b`: the reason goes on every flagged
/// handoff, then an optional note for all of them.
pub(super) fn on_bulk_key(
    state: &mut State,
    key: KeyEvent,
    id: String,
    others: Vec<String>,
) -> Vec<Effect> {
    let n = others.len() + 1;
    let reason = match key.code {
        KeyCode::Esc => {
            let text = format!("{n} {} stay flagged, no reason given", plural(n));
            toast(state, text, ToastKind::Info);
            return Vec::new();
        }
        KeyCode::Char(c) => Reason::from_key(c),
        _ => None,
    };
    let Some(reason) = reason else {
        state.modal = Some(Modal::ReasonPicker { id, others });
        return Vec::new();
    };
    let ids: Vec<String> = std::iter::once(id).chain(others).collect();
    let mut effects: Vec<Effect> = ids
        .iter()
        .map(|id| save_bad(state, id.clone(), vec![reason], None, String::new()))
        .collect();
    state.modal = Some(Modal::BulkVerdictNote {
        ids,
        reason,
        input: TextArea::default(),
    });
    if let Some(last) = effects.pop() {
        let done = Done {
            toast: format!("Reason on {n} {}: {}", plural(n), reason.label()),
            undo: None,
            write: None,
        };
        effects.push(last.with_done(done));
    }
    state.saving.track(effects)
}
