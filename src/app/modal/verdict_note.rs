//! After a reason: an optional note on the verdict (one for every handoff
//! of a bulk flag). Enter saves it, Esc skips it, Ctrl-E writes it in the
//! editor.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::is_compose_key;
use crate::app::action::Action;
use crate::app::actions::{feedback_in_force, save_bad};
use crate::app::effect::{Done, Effect};
use crate::app::external;
use crate::app::state::{Modal, State};
use crate::domain::feedback::Reason;

pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    id: String,
    mut input: TextArea<'static>,
) -> Vec<Effect> {
    match key.code {
        _ if is_compose_key(state, &key, Action::EditInEditor) => {
            state.modal = Some(Modal::VerdictNote { id, input });
            external::edit_in_editor(state)
        }
        KeyCode::Esc => Vec::new(),
        KeyCode::Enter if !key.modifiers.contains(KeyModifiers::SHIFT) => {
            let note = input.lines().join("\n").trim().to_string();
            if note.is_empty() {
                return Vec::new();
            }
            let reasons = feedback_in_force(state, &id)
                .map(|f| f.reasons)
                .unwrap_or_default();
            let effect = save_bad(
                state,
                id,
                reasons,
                Some(note),
                "Note saved on the verdict".into(),
            );
            state.saving.track(vec![effect])
        }
        _ => {
            input.input(key);
            state.modal = Some(Modal::VerdictNote { id, input });
            Vec::new()
        }
    }
}

/// The note after a bulk reason: Enter puts it on every verdict of the
/// batch (the batch's one undo withdraws them, notes and all); Esc skips it.
pub(super) fn on_bulk_key(
    state: &mut State,
    key: KeyEvent,
    ids: Vec<String>,
    reason: Reason,
    mut input: TextArea<'static>,
) -> Vec<Effect> {
    match key.code {
        // As in the single note box: the text goes to the editor and comes
        // back into this box (`external::on_edited`).
        _ if is_compose_key(state, &key, Action::EditInEditor) => {
            state.modal = Some(Modal::BulkVerdictNote { ids, reason, input });
            external::edit_in_editor(state)
        }
        KeyCode::Esc => Vec::new(),
        KeyCode::Enter if !key.modifiers.contains(KeyModifiers::SHIFT) => {
            let note = input.lines().join("\n").trim().to_string();
            if note.is_empty() {
                return Vec::new();
            }
            let n = ids.len();
            let mut effects: Vec<Effect> = ids
                .into_iter()
                .map(|id| save_bad(state, id, vec![reason], Some(note.clone()), String::new()))
                .collect();
            if let Some(last) = effects.pop() {
                let done = Done {
                    toast: format!("Note saved on {n} bad {}", verdicts(n)),
                    undo: None,
                    write: None,
                };
                effects.push(last.with_done(done));
            }
            state.saving.track(effects)
        }
        _ => {
            input.input(key);
            state.modal = Some(Modal::BulkVerdictNote { ids, reason, input });
            Vec::new()
        }
    }
}

fn verdicts(n: usize) -> &'static str {
    if n == 1 { "verdict" } else { "verdicts" }
}
