//! The action keys (flag, reason, claim, resolve, compose), driven through
//! `update` against a real in-memory store, as `update_tests`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::{DraftKind, Effect};
use super::event::Event;
use super::state::Modal;
use super::test_harness::ME;
use super::update::update;
use super::update_tests::harness;
use crate::domain::feedback::{Reason, Verdict};
use crate::domain::handoff::Status;
use crate::domain::queue::Builtin;
use crate::runtime::effects;

#[test]
fn b_saves_the_flag_before_showing_it_then_asks_why() {
    let mut h = harness();
    let events_before = h.effects.len();
    let effects = update(
        &mut h.state,
        Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    // Until the store confirms, the row shows no verdict.
    assert_eq!(h.state.selected().and_then(|r| r.verdict), None);
    assert!(matches!(h.state.modal, Some(Modal::ReasonPicker { .. })));
    assert!(
        matches!(&effects[..], [Effect::SaveFeedback { feedback: Some(f), .. }] if f.verdict == Verdict::Bad)
    );
    assert_eq!(h.state.saving.count(), 1);
    for e in effects {
        let ev = effects::run(&mut h.store, ME, e);
        h.send(ev);
    }
    assert_eq!(h.effects.len(), events_before);
    assert_eq!(h.state.saving.count(), 0);
    assert_eq!(
        h.state.selected().and_then(|r| r.verdict),
        Some(Verdict::Bad)
    );
    assert_eq!(
        h.store.feedback("H1").ok().flatten().map(|f| f.verdict),
        Some(Verdict::Bad)
    );
    assert!(h.toast().contains("bad handoff"));
}

#[test]
fn a_reason_is_one_key_and_a_note_is_optional() {
    let mut h = harness();
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('2'));
    let f = h.store.feedback("H1").ok().flatten();
    assert_eq!(
        f.as_ref().map(|f| f.reasons.clone()),
        Some(vec![Reason::WrongData])
    );
    assert!(matches!(h.state.modal, Some(Modal::VerdictNote { .. })));
    h.chars("asked for the wrong order id");
    h.key(KeyCode::Enter);
    assert!(h.state.modal.is_none());
    let f = h.store.feedback("H1").ok().flatten();
    assert_eq!(
        f.as_ref().and_then(|f| f.note.clone()).as_deref(),
        Some("asked for the wrong order id")
    );
    assert_eq!(f.map(|f| f.reasons), Some(vec![Reason::WrongData]));
}

#[test]
fn esc_in_the_picker_keeps_the_flag_without_a_reason() {
    let mut h = harness();
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    let f = h.store.feedback("H1").ok().flatten();
    assert_eq!(f.as_ref().map(|f| f.verdict), Some(Verdict::Bad));
    assert_eq!(f.map(|f| f.reasons.len()), Some(0));
    assert!(h.toast().contains("stays flagged"));
}

#[test]
fn keys_outside_the_picker_choices_do_nothing() {
    let mut h = harness();
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('9'));
    h.key(KeyCode::Char('q'));
    assert!(matches!(h.state.modal, Some(Modal::ReasonPicker { .. })));
    assert!(!h.state.quit);
}

#[test]
fn g_marks_good_and_u_undoes_the_whole_bad_flag() {
    let mut h = harness();
    h.key(KeyCode::Char('g'));
    assert_eq!(
        h.state.selected().and_then(|r| r.verdict),
        Some(Verdict::Good)
    );
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('1'));
    h.key(KeyCode::Esc);
    assert_eq!(
        h.state.selected().and_then(|r| r.verdict),
        Some(Verdict::Bad)
    );
    // One undo takes back the flag with its reason, back to "good".
    h.key(KeyCode::Char('u'));
    assert_eq!(
        h.store.feedback("H1").ok().flatten().map(|f| f.verdict),
        Some(Verdict::Good)
    );
    assert_eq!(
        h.state.selected().and_then(|r| r.verdict),
        Some(Verdict::Good)
    );
    assert!(h.toast().starts_with("Undone"));
    h.key(KeyCode::Char('u'));
    assert_eq!(h.store.feedback("H1").ok().flatten(), None);
    assert_eq!(h.state.selected().and_then(|r| r.verdict), None);
    h.key(KeyCode::Char('u'));
    assert_eq!(h.toast(), "Nothing to undo");
}

#[test]
fn claim_moves_a_team_handoff_into_mine_and_undo_returns_it() {
    let mut h = harness();
    h.key(KeyCode::Tab);
    assert_eq!(h.state.current_builtin(), Some(Builtin::Unassigned));
    assert_eq!(h.selected(), "U2", "breached SLA first");
    h.key(KeyCode::Char('c'));
    assert_eq!(h.state.queue.counts(), [4, 1, 5, 0]);
    let row = h.store.queue_row("U2").ok().flatten();
    assert_eq!(row.and_then(|r| r.assignee).as_deref(), Some(ME));
    assert!(h.toast().contains("Claimed U2"));
    h.key(KeyCode::Char('u'));
    assert_eq!(h.state.queue.counts(), [3, 2, 5, 0]);
    let row = h.store.queue_row("U2").ok().flatten();
    assert_eq!(row.and_then(|r| r.assignee), None);
}

#[test]
fn claiming_my_own_handoff_says_so_and_writes_nothing() {
    let mut h = harness();
    let before = h.effects.len();
    h.key(KeyCode::Char('c'));
    assert_eq!(h.effects.len(), before);
    assert!(h.toast().contains("already yours"));
}

#[test]
fn resolve_removes_from_mine_and_x_again_reopens() {
    let mut h = harness();
    h.key(KeyCode::Char('x'));
    assert_eq!(h.state.queue.counts()[0], 2);
    assert_eq!(
        h.selected(),
        "H2",
        "the cursor moves on to the next handoff"
    );
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::End);
    assert_eq!(h.selected(), "H1", "resolved sinks to the bottom of All");
    h.key(KeyCode::Char('x'));
    assert_eq!(
        h.store.queue_row("H1").ok().flatten().map(|r| r.status),
        Some(Status::Open)
    );
}

#[test]
fn compose_saves_the_draft_on_every_key_and_sends_with_ctrl_s() {
    let mut h = harness();
    h.key(KeyCode::Char('n'));
    assert!(matches!(
        h.state.modal,
        Some(Modal::Compose {
            kind: DraftKind::Note,
            ..
        })
    ));
    h.chars("Refund approved");
    assert_eq!(
        h.store.draft("H1", "note").ok().flatten().as_deref(),
        Some("Refund approved")
    );
    // Closing keeps the draft, and says so; reopening restores it.
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    assert_eq!(h.toast(), "Note draft kept: n opens it again");
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Char('n'));
    h.chars(".");
    h.ctrl('s');
    assert!(h.state.modal.is_none());
    let last = h
        .store
        .handoff("H1")
        .ok()
        .flatten()
        .and_then(|x| x.transcript.last().cloned());
    assert_eq!(
        last.as_ref().map(|m| m.text.as_str()),
        Some("Refund approved.")
    );
    assert_eq!(last.map(|m| m.private), Some(true));
    assert_eq!(h.store.draft("H1", "note").ok().flatten(), None);
}

#[test]
fn reply_is_public_and_alt_enter_sends_it() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.chars("Hi, I have refunded you.");
    h.send(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
    let last = h
        .store
        .handoff("H1")
        .ok()
        .flatten()
        .and_then(|x| x.transcript.last().cloned());
    assert_eq!(last.map(|m| m.private), Some(false));
}

#[test]
fn sending_an_empty_message_is_refused() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.ctrl('s');
    assert!(matches!(h.state.modal, Some(Modal::Compose { .. })));
    assert_eq!(h.toast(), "Nothing to send");
}
