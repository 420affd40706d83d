//! Dialogs (help, palette, the reason picker, the reply box), driven through
//! `update` against a real in-memory store, as `update_tests`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Event;
use super::state::{Modal, Pane};
use super::update_tests::harness;
use crate::domain::queue::Builtin;

#[test]
fn help_enter_runs_the_picked_action() {
    let mut h = harness();
    h.key(KeyCode::Char('?'));
    h.chars("transcript");
    h.key(KeyCode::Enter);
    assert!(h.state.modal.is_none());
    assert_eq!(h.state.pane, Pane::Transcript);
}

#[test]
fn palette_runs_by_fuzzy_name() {
    let mut h = harness();
    h.key(KeyCode::Char(':'));
    assert!(matches!(h.state.modal, Some(Modal::Palette { .. })));
    h.chars("claim");
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none(), "Esc closes without running");
    h.ctrl('p');
    h.chars("section all");
    h.key(KeyCode::Enter);
    assert_eq!(h.state.current_builtin(), Some(Builtin::All));
}

#[test]
fn compose_send_key_comes_from_the_keymap() {
    let mut h = harness();
    let alt_s = super::keymap::Key::new(KeyCode::Char('s'), KeyModifiers::ALT);
    h.state.keymap.bind(
        super::keymap::Context::Compose,
        vec![alt_s],
        Some(super::Action::Send),
    );
    h.key(KeyCode::Char('n'));
    h.chars("checked the ledger");
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::ALT,
    )));
    assert!(h.state.modal.is_none(), "Alt-s sent the note");
    assert!(h.toast().contains("Internal note added"), "{}", h.toast());
}

#[test]
fn the_config_problems_close_on_a_key_that_does_nothing_else() {
    let mut h = harness();
    let before = h.state.current_builtin();
    for key in ['q', 'b'] {
        h.state.modal = Some(Modal::Problems {
            lines: vec!["config.toml:3: `mouse` must be true or false".into()],
        });
        h.key(KeyCode::Char(key));
        assert!(h.state.modal.is_none(), "{key} closes the list");
        assert!(!h.state.quit, "{key} did not quit");
    }
    assert!(h.effects.iter().all(|e| !e.is_write()), "nothing flagged");
    assert_eq!(h.state.current_builtin(), before);
}
