//! The reply or internal note box: every change is saved as a draft, the
//! send key sends, Esc closes and keeps the draft, Ctrl-E writes it in the
//! editor.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use super::is_compose_key;
use crate::app::action::Action;
use crate::app::effect::{Done, DraftKind, Effect};
use crate::app::external;
use crate::app::keymap::Context;
use crate::app::state::{Modal, State, ToastKind};
use crate::app::update::toast;

pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    id: String,
    kind: DraftKind,
    mut input: TextArea<'static>,
) -> Vec<Effect> {
    if key.code == KeyCode::Esc {
        // The draft is already in the store; closing loses nothing,
        // and the agent is told so.
        let text = input.lines().join("\n");
        external::remember_draft(state, &id, kind, &text);
        if !text.trim().is_empty() {
            let (what, reopen) = match kind {
                DraftKind::Note => ("Note", Action::Note),
                DraftKind::Reply => ("Reply", Action::Reply),
            };
            let again = state
                .keymap
                .key_in(Context::Queue, reopen)
                .map_or(String::new(), |k| format!(": {k} opens it again"));
            let text = format!("{what} draft kept{again}");
            toast(state, text, ToastKind::Info);
        }
        return Vec::new();
    }
    if is_compose_key(state, &key, Action::EditInEditor) {
        state.modal = Some(Modal::Compose { id, kind, input });
        return external::edit_in_editor(state);
    }
    if is_compose_key(state, &key, Action::Send) {
        let text = input.lines().join("\n").trim().to_string();
        if text.is_empty() {
            toast(state, "Nothing to send".into(), ToastKind::Info);
            state.modal = Some(Modal::Compose { id, kind, input });
            return Vec::new();
        }
        let what = match kind {
            DraftKind::Note => "Internal note added to",
            DraftKind::Reply => "Reply sent on",
        };
        let send = Effect::AddMessage {
            id: id.clone(),
            kind,
            text,
            done: Done {
                toast: format!("{what} {id}"),
                ..Done::default()
            },
        };
        return state.saving.track(vec![send]);
    }
    let changed = input.input(key);
    let effects = if changed {
        vec![Effect::SaveDraft {
            id: id.clone(),
            kind,
            text: input.lines().join("\n"),
        }]
    } else {
        Vec::new()
    };
    state.modal = Some(Modal::Compose { id, kind, input });
    effects
}
