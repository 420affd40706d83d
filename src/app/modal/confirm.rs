//! A verdict on more marked handoffs than `bulk::CONFIRM_ABOVE` asks once
//! for the whole batch.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::bulk;
use crate::app::effect::Effect;
use crate::app::state::{State, ToastKind};
use crate::app::update::toast;
use crate::domain::feedback::Verdict;

/// The answer to `bulk::flag`'s question: `y` or Enter gives the verdict, any
/// other key leaves every handoff as it was.
pub(super) fn on_key(state: &mut State, key: KeyEvent, verdict: Verdict) -> Vec<Effect> {
    match key.code {
        KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y') => bulk::flag_now(state, verdict),
        _ => {
            toast(
                state,
                "Nothing changed; the marks stay".into(),
                ToastKind::Info,
            );
            Vec::new()
        }
    }
}
