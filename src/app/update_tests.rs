//! `update` driven the way the runtime drives it: keys in, effects out, each
//! effect run against a real in-memory store and its result fed back.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::effect::Effect;
use super::event::Event;
use super::state::{Focus, Modal, Pane, State, ToastKind};
use super::test_harness::{Harness, ME, agent, handoff, now};
use super::update::update;
use crate::domain::agent::Agent;
use crate::domain::feedback::Reason;
use crate::domain::handoff::{Priority, Status};
use crate::domain::queue::Builtin;
use crate::store::Store;

/// Three of mine (H1 most urgent), two unassigned in my team.
pub(crate) fn harness() -> Harness {
    let items = [
        handoff("H2", Some(ME), Priority::Normal, 240),
        handoff("H1", Some(ME), Priority::Urgent, 240),
        handoff("H3", Some(ME), Priority::Low, 240),
        handoff("U1", None, Priority::High, 120),
        handoff("U2", None, Priority::Normal, -10),
    ];
    Harness::with(&items, vec![agent(ME, &["billing"])])
}

#[test]
fn opens_on_my_queue_most_urgent_first_with_its_summary() {
    let h = harness();
    assert_eq!(h.state.current_builtin(), Some(Builtin::Mine));
    assert_eq!(h.state.queue.counts(), [3, 2, 5, 0]);
    assert_eq!(h.selected(), "H1");
    let shown = h.state.selected_detail().map(|d| d.handoff.id.clone());
    assert_eq!(shown.as_deref(), Some("H1"));
}

#[test]
fn moving_selects_and_loads_the_next_summary() {
    let mut h = harness();
    h.key(KeyCode::Char('j'));
    assert_eq!(h.selected(), "H2");
    assert!(h.effects.contains(&Effect::LoadDetail { id: "H2".into() }));
    h.key(KeyCode::End);
    assert_eq!(h.selected(), "H3");
    h.key(KeyCode::Down);
    assert_eq!(h.selected(), "H3", "stays on the last row");
    h.key(KeyCode::Home);
    assert_eq!(h.selected(), "H1");
    h.key(KeyCode::Up);
    assert_eq!(h.selected(), "H1", "stays on the first row");
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('/'));
    h.chars("priority:high");
    assert_eq!(h.state.queue.visible().len(), 1);
    assert_eq!(h.selected(), "U1");
    // The summary follows the selection while typing.
    let shown = h.state.selected_detail().map(|d| d.handoff.id.clone());
    assert_eq!(shown.as_deref(), Some("U1"));
    h.key(KeyCode::Enter);
    assert!(!h.state.filter.editing);
    // Keys act on the queue again, the filter stays.
    h.key(KeyCode::Char('j'));
    assert_eq!(h.state.queue.visible().len(), 1);
    h.key(KeyCode::Esc);
    assert_eq!(h.state.queue.visible().len(), 5);
}

#[test]
fn each_filter_keystroke_puts_the_cursor_on_the_best_match_in_view() {
    // Sixty urgent handoffs above Megan Foster's, far below the fold, and
    // one more urgent than hers that only mentions her in its issue.
    let mut items: Vec<_> = (0..60)
        .map(|i| handoff(&format!("H{i:02}"), None, Priority::High, 30 + i))
        .collect();
    let mut megan = handoff("M1", None, Priority::Low, 600);
    megan.handoff.customer.name = "Megan Foster".into();
    items.push(megan);
    let mut mention = handoff("M2", None, Priority::Urgent, 20);
    mention.handoff.summary.issue = Some("Asks about Megan's order".into());
    items.push(mention);
    let mut h = Harness::with(&items, vec![agent(ME, &["billing"])]);
    h.key(KeyCode::Char('3'));
    assert_eq!(h.selected(), "M2");
    h.key(KeyCode::Char('/'));
    for (typed, best) in [("f", "M1"), ("o", "M1"), ("s", "M1")] {
        h.chars(typed);
        assert_eq!(h.selected(), best, "after {:?}", h.state.filter.text);
    }
    h.key(KeyCode::Char('u'));
    assert!(h.state.queue.visible().is_empty(), "\"fosu\" finds nothing");
    for _ in 0..4 {
        h.key(KeyCode::Backspace);
    }
    h.chars("megan");
    // The customer's own handoff ranks above a mention in an issue, however
    // urgent; the cursor is on it, on screen, with its summary.
    assert_eq!(h.selected(), "M1");
    let lines = crate::view::layout::queue_lines(h.state.width, h.state.height);
    assert!(
        h.state.queue.cursor() >= h.state.queue.offset()
            && h.state.queue.cursor() < h.state.queue.offset() + lines
    );
    let shown = h.state.selected_detail().map(|d| d.handoff.id.clone());
    assert_eq!(shown.as_deref(), Some("M1"));
    // Enter keeps the filter and the selection; Enter again opens it.
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert_eq!(h.state.focus, Focus::Detail);
    assert_eq!(h.selected(), "M1");

    // A change to the queue under the filter leaves the cursor where the
    // agent put it.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('j'));
    assert_eq!(h.selected(), "M2");
    h.key(KeyCode::Char('g'));
    assert_eq!(h.selected(), "M2");
    // Clearing the filter keeps the handoff found.
    h.key(KeyCode::Esc);
    assert_eq!(h.state.queue.visible().len(), 62);
    assert_eq!(h.selected(), "M2");
}

#[test]
fn a_bad_filter_keeps_the_last_good_result_and_says_why() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('/'));
    h.send(Event::Paste("team:billing colour:red".into()));
    assert_eq!(h.state.queue.visible().len(), 5);
    assert!(
        h.state
            .filter
            .error
            .as_deref()
            .is_some_and(|e| e.contains("colour"))
    );
}

#[test]
fn sections_cycle_and_jump() {
    let mut h = harness();
    h.key(KeyCode::BackTab);
    assert_eq!(h.state.current_builtin(), Some(Builtin::BotHeld));
    h.key(KeyCode::Tab);
    assert_eq!(h.state.current_builtin(), Some(Builtin::Mine));
    h.key(KeyCode::Char('2'));
    assert_eq!(h.state.current_builtin(), Some(Builtin::Unassigned));
    h.key(KeyCode::Char('4'));
    assert_eq!(h.state.current_builtin(), Some(Builtin::BotHeld));
}

#[test]
fn bot_held_conversations_are_their_own_section_not_team_work() {
    let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let mut held = handoff("P1", None, Priority::Normal, 60);
    held.handoff.status = Status::Pending;
    store
        .import(&[held, handoff("U1", None, Priority::Normal, 60)], now())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut state = State::new(ME.into(), now());
    let agents = vec![Agent {
        name: ME.into(),
        teams: vec!["billing".into()],
        skills: vec![],
        languages: vec![],
        capacity: 5,
    }];
    let rows = store.queue_rows().unwrap_or_default();
    update(&mut state, Event::Loaded { rows, agents });
    // Mine, Team unassigned, All, Bot-held.
    assert_eq!(state.queue.counts(), [0, 1, 2, 1]);
}

#[test]
fn pasted_text_is_cleaned_before_it_reaches_a_draft() {
    let mut h = harness();
    h.key(KeyCode::Char('n'));
    h.send(Event::Paste("see \x1b]0;pwned\x07this\u{202e}".into()));
    let draft = h
        .store
        .draft("H1", "note")
        .ok()
        .flatten()
        .unwrap_or_default();
    assert_eq!(draft, "see this");
}

#[test]
fn help_opens_filters_and_closes() {
    let mut h = harness();
    h.key(KeyCode::Char('?'));
    h.chars("undo");
    assert!(matches!(&h.state.modal, Some(Modal::Help { filter, .. }) if filter == "undo"));
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
}

#[test]
fn q_quits_but_not_while_typing() {
    let mut h = harness();
    h.key(KeyCode::Char('n'));
    h.key(KeyCode::Char('q'));
    assert!(!h.state.quit);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('q'));
    assert!(h.state.quit);
}

#[test]
fn key_releases_are_ignored() {
    let mut h = harness();
    let mut k = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    k.kind = KeyEventKind::Release;
    h.send(Event::Key(k));
    assert_eq!(h.selected(), "H1");
}

#[test]
fn a_failed_write_says_so_and_shows_nothing_as_done() {
    let mut h = harness();
    let write = h.state.saving.start();
    h.send(Event::WriteFailed {
        write,
        what: "Saving the verdict".into(),
        error: "disk full".into(),
    });
    assert_eq!(h.state.saving.count(), 0);
    assert!(
        h.state
            .toast
            .as_ref()
            .is_some_and(|t| t.kind == ToastKind::Error)
    );
    assert_eq!(h.state.selected().and_then(|r| r.verdict), None);
}

#[test]
fn toasts_expire_and_the_minute_tick_reorders() {
    let mut h = harness();
    h.key(KeyCode::Char('g'));
    assert!(h.state.toast.is_some());
    h.send(Event::Tick(now() + Duration::seconds(10)));
    assert!(h.state.toast.is_none());
    // Three hours on, H2/H1/H3 are all breached: soonest due first, then priority.
    h.send(Event::Tick(now() + Duration::hours(5)));
    assert_eq!(h.selected(), "H1");
}

#[test]
fn paging_moves_by_a_screenful() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::PageDown);
    assert_eq!(h.state.queue.cursor(), 4, "clamped to the last of 5");
    h.key(KeyCode::PageUp);
    assert_eq!(h.state.queue.cursor(), 0);
}

#[test]
fn empty_queue_actions_explain_instead_of_failing() {
    let mut state = State::new("Nobody".into(), now());
    update(
        &mut state,
        Event::Loaded {
            rows: vec![],
            agents: vec![],
        },
    );
    let effects = update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    assert!(effects.is_empty());
    assert_eq!(
        state.toast.map(|t| t.text),
        Some("No handoff selected".into())
    );
}

#[test]
fn handle_time_counts_active_work_and_caps_idle_gaps() {
    let mut h = harness();
    h.key(KeyCode::Char('t')); // starts the clock on H1
    h.send(Event::Tick(now() + Duration::seconds(30)));
    h.key(KeyCode::Char('t'));
    // Lunch: ten minutes without input counts as the idle cap only.
    h.send(Event::Tick(now() + Duration::seconds(630)));
    h.key(KeyCode::Char('j'));
    let logged: Vec<&Effect> = h
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::LogFocus { .. }))
        .collect();
    let expected = Effect::LogFocus {
        id: "H1".into(),
        seconds: 30 + super::state::IDLE_SECS,
    };
    assert_eq!(logged, vec![&expected]);
    // Quitting logs the handoff in focus.
    h.send(Event::Tick(now() + Duration::seconds(640)));
    h.key(KeyCode::Char('q'));
    assert!(h.effects.contains(&Effect::LogFocus {
        id: "H2".into(),
        seconds: 10
    }));
}

#[test]
fn a_signal_quits_and_logs_like_q() {
    let mut h = harness();
    h.key(KeyCode::Char('j'));
    h.send(Event::Tick(now() + Duration::seconds(5)));
    h.send(Event::Shutdown);
    assert!(h.state.quit);
    assert!(h.effects.contains(&Effect::LogFocus {
        id: "H2".into(),
        seconds: 5
    }));
}

#[test]
fn read_only_refuses_every_write_and_says_so() {
    let mut h = harness();
    h.state.read_only = true;
    let before = h.effects.len();
    for key in ['b', 'g', 'c', 'x', 'n', 'r', 'u'] {
        h.key(KeyCode::Char(key));
        assert!(h.toast().starts_with("Read-only"), "{key}: {}", h.toast());
        assert!(h.state.modal.is_none());
    }
    // Reading still works: moving loads the next summary.
    h.key(KeyCode::Char('j'));
    let new: Vec<&Effect> = h.effects[before..].iter().collect();
    assert_eq!(new, vec![&Effect::LoadDetail { id: "H2".into() }]);
}

// ---- keymap, help, palette and bulk work ---------------------------------

#[test]
fn a_chord_waits_for_its_second_key_and_esc_cancels_it() {
    let mut h = harness();
    h.state.keymap = super::keymap::Keymap::vim();
    h.key(KeyCode::End);
    assert_eq!(h.selected(), "H3");
    h.key(KeyCode::Char('g'));
    assert_eq!(h.state.pending_chord.len(), 1, "waits for the rest of g g");
    h.key(KeyCode::Esc);
    assert!(h.state.pending_chord.is_empty());
    assert_eq!(h.selected(), "H3");
    h.chars("gg");
    assert_eq!(h.selected(), "H1");
    h.key(KeyCode::Char('G'));
    assert_eq!(h.selected(), "H3");
}

#[test]
fn bulk_flag_with_a_reason_is_one_change_and_one_undo() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.chars("  ");
    assert_eq!(h.state.marked.len(), 2);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('b'));
    assert!(
        h.toast().contains("Flagged 3 handoffs as bad"),
        "{}",
        h.toast()
    );
    assert!(
        matches!(&h.state.modal, Some(Modal::ReasonPicker { others, .. }) if others.len() == 2)
    );
    h.key(KeyCode::Char('2'));
    // An optional note for the whole batch follows; Esc skips it.
    assert!(matches!(h.state.modal, Some(Modal::BulkVerdictNote { .. })));
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    let bad: Vec<_> = h
        .store
        .feedback_export(None)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.reasons == vec![Reason::WrongData])
        .collect();
    assert_eq!(bad.len(), 3);
    assert!(h.state.marked.is_empty(), "marks are used up");
    assert_eq!(h.state.undo.len(), 1);
    h.key(KeyCode::Char('u'));
    assert!(h.toast().starts_with("Undone:"), "{}", h.toast());
    assert_eq!(h.store.feedback_export(None).map(|v| v.len()).ok(), Some(0));
}

#[test]
fn bulk_claim_and_mark_all_of_a_section() {
    let mut h = harness();
    h.key(KeyCode::Char('2'));
    h.key(KeyCode::Char('A'));
    assert_eq!(h.state.marked.len(), 2);
    h.key(KeyCode::Char('c'));
    assert_eq!(h.toast(), "Claimed 2 handoffs");
    assert_eq!(h.state.queue.counts()[0], 5);
    h.key(KeyCode::Char('u'));
    assert_eq!(h.state.queue.counts()[0], 3);
    h.key(KeyCode::Char('A'));
    h.key(KeyCode::Char('U'));
    assert!(h.state.marked.is_empty());
}

#[test]
fn sort_cycles_columns_and_keeps_the_selection() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    let ids = |h: &Harness| -> Vec<String> {
        h.state
            .queue
            .visible()
            .iter()
            .filter_map(|&i| h.state.queue.rows().get(i).map(|r| r.id.clone()))
            .collect()
    };
    assert_eq!(ids(&h)[0], "U2", "breached first");
    let before = h.selected();
    for _ in 0..4 {
        h.key(KeyCode::Char('o'));
    }
    assert_eq!(h.toast(), "Sorted by customer");
    assert_eq!(ids(&h), ["H1", "H2", "H3", "U1", "U2"]);
    assert_eq!(h.selected(), before, "the selection follows its row");
    h.key(KeyCode::Char('o'));
    assert_eq!(ids(&h)[0], "U2", "back to urgency");
}

#[test]
fn shift_z_snoozes_and_undo_wakes() {
    let mut h = harness();
    h.key(KeyCode::Char('Z'));
    assert_eq!(
        h.store.queue_row("H1").ok().flatten().map(|r| r.status),
        Some(Status::Snoozed)
    );
    assert!(h.toast().starts_with("Snoozed H1"));
    h.key(KeyCode::Char('u'));
    assert_eq!(
        h.store.queue_row("H1").ok().flatten().map(|r| r.status),
        Some(Status::Open)
    );
}

#[test]
fn esc_on_a_reply_says_the_draft_is_kept_and_an_empty_box_says_nothing() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Esc);
    assert_eq!(h.toast(), "", "nothing was written, nothing kept");
    h.key(KeyCode::Char('r'));
    h.chars("We are on it");
    h.key(KeyCode::Esc);
    assert_eq!(h.toast(), "Reply draft kept: r opens it again");
    assert_eq!(
        h.store.draft("H1", "reply").ok().flatten().as_deref(),
        Some("We are on it")
    );
}

#[test]
fn v_shows_the_bots_note_as_written_and_back() {
    let mut noted = handoff("N1", Some(ME), Priority::Urgent, 30);
    noted.handoff.note = Some("**Issue:** Cannot log in\n**Next step:** Verify ID".into());
    let items = [noted, handoff("H1", Some(ME), Priority::Low, 300)];
    let mut h = Harness::with(&items, vec![agent(ME, &["billing"])]);
    assert_eq!(h.selected(), "N1");
    h.key(KeyCode::Char('v'));
    assert_eq!(h.state.pane, Pane::Note);
    h.key(KeyCode::Char('v'));
    assert_eq!(h.state.pane, Pane::Summary);
    // A handoff that came as fields has no note: the summary stays.
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('v'));
    assert_eq!(h.state.pane, Pane::Summary);
    assert!(h.toast().contains("no bot note"), "{}", h.toast());
}

#[test]
fn on_your_own_data_the_screen_opens_where_the_handoffs_are_and_says_who_you_are() {
    // Imported handoffs, nobody's and in no team of mine; no agents known.
    let items = [
        handoff("I1", None, Priority::High, 60),
        handoff("I2", Some("Sam Okafor"), Priority::Normal, 120),
    ];
    let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    store
        .import(&items, now())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut state = State::new("kim".into(), now());
    state.agent_guessed = true;
    update(
        &mut state,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let rows = store.queue_rows().unwrap_or_default();
    update(
        &mut state,
        Event::Loaded {
            rows,
            agents: Vec::new(),
        },
    );
    assert_eq!(state.current_builtin(), Some(Builtin::All));
    assert_eq!(state.queue.visible().len(), 2);
    let said = state
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("\"kim\"") && said.contains("--agent NAME"),
        "{said}"
    );
    // Mine, empty, says the same.
    update(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE)),
    );
    let empty = crate::view::queue::empty_message(&state);
    assert!(empty.contains("--agent NAME"), "{empty}");
}
