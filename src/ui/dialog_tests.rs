//! Dialogs as drawn: driven through `update` against a real in-memory store
//! (the fixture of `app`'s tests), then read off the screen. They draw, so
//! they live beside the renderer (`app` does not import `ui`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::event::Event;
use crate::app::state::State;
use crate::app::test_harness::ME;
use crate::app::update::update;
use crate::app::update_tests::harness;
use crate::runtime::effects;

/// The screen as drawn, every cell's text.
fn drawn(state: &State) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    let mut t = Terminal::new(TestBackend::new(state.width, state.height))
        .unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| {
        crate::ui::render(f, state, &crate::ui::theme::Theme::monochrome());
    })
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
