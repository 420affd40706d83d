//! Dialogs (help, palette, the reason picker, the reply box), driven through
//! `update` against a real in-memory store, as `update_tests`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::event::Event;
use super::state::{Modal, Pane, State};
use super::test_harness::ME;
use super::update::update;
use super::update_tests::harness;
use crate::domain::queue::Builtin;
use crate::runtime::effects;

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

/// The screen as drawn, every cell's text.
fn drawn(state: &State) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    let mut t = Terminal::new(TestBackend::new(state.width, state.height))
        .unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| crate::ui::render(f, state, &crate::ui::theme::Theme::monochrome()))
        .unwrap_or_else(|e| panic!("{e}"));
    t.backend().to_string()
}

/// A flag whose save fails (the disk is full) must not read "saved":
/// the reason dialog says it was not saved and why; the next flag that
/// lands says saved again.
#[test]
fn the_reason_dialog_shows_a_failed_save() {
    let mut h = harness();
    let b = Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE));
    let effects = update(&mut h.state, b);
    assert!(matches!(effects.as_slice(), [Effect::SaveFeedback { .. }]));
    assert!(drawn(&h.state).contains("saving…"));
    let write = effects[0].done().and_then(|d| d.write).unwrap_or_default();
    update(
        &mut h.state,
        Event::WriteFailed {
            write,
            what: "Saving the verdict".into(),
            error: "database or disk is full".into(),
        },
    );
    let shown = drawn(&h.state);
    assert!(
        shown.contains("Flagged as bad handoff NOT saved"),
        "{shown}"
    );
    assert!(
        shown.contains("Saving the verdict failed: database or disk is full"),
        "{shown}"
    );
    assert!(!shown.contains("handoff saved"), "{shown}");

    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('b'));
    let shown = drawn(&h.state);
    assert!(shown.contains("Flagged as bad handoff saved"), "{shown}");
    assert!(!shown.contains("NOT saved"), "{shown}");
}

/// Each write is ended by its own outcome: a failure that is not the
/// verdict's (a draft save here) leaves the verdict "saving…", and does not
/// make the reason dialog say the verdict was not saved.
#[test]
fn a_failed_draft_save_keeps_saving_while_a_verdict_is_in_flight() {
    let mut h = harness();
    let b = Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE));
    let effects = update(&mut h.state, b);
    assert!(matches!(effects.as_slice(), [Effect::SaveFeedback { .. }]));
    update(
        &mut h.state,
        Event::Failed {
            what: "Saving the draft".into(),
            error: "database or disk is full".into(),
        },
    );
    let shown = drawn(&h.state);
    assert!(shown.contains("saving…"), "{shown}");
    assert!(!shown.contains("NOT saved"), "{shown}");
    // The verdict's own outcome ends it.
    for e in effects {
        let ev = effects::run(&mut h.store, ME, e);
        h.send(ev);
    }
    let shown = drawn(&h.state);
    assert!(!shown.contains("saving…"), "{shown}");
    assert!(shown.contains("Flagged as bad handoff saved"), "{shown}");
}
