//! The queue as shown (syncs, sections, other processes' changes), driven
//! through `update` against a real in-memory store, as `update_tests`.

use chrono::Duration;
use crossterm::event::KeyCode;

use super::effect::Effect;
use super::event::Event;
use super::state::{Modal, State};
use super::test_harness::{Harness, ME, handoff, now};
use super::update::update;
use super::update_tests::harness;
use crate::domain::feedback::Verdict;
use crate::domain::handoff::{Priority, Status};
use crate::domain::queue::{Builtin, Section};

#[test]
fn a_helpdesk_sync_reloads_the_queue_keeping_section_and_selection() {
    use crate::app::Link;
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('j'));
    let before = h.selected();
    // Someone in the helpdesk resolved H3 and a new handoff arrived.
    h.store
        .set_status("H3", Status::Resolved, "Sam", now())
        .unwrap_or_else(|e| panic!("{e}"));
    h.store
        .import(&[handoff("N1", None, Priority::Urgent, 5)], now())
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = h.store.queue_rows().unwrap_or_default();
    let agents = h.state.agents.clone();
    h.send(Event::Synced {
        data: Some((rows, agents)),
        link: Link::Online,
        last_synced: Some(now()),
    });
    assert_eq!(
        h.state.current_builtin(),
        Some(Builtin::All),
        "the section stays"
    );
    assert_eq!(h.selected(), before, "the cursor stays on the same handoff");
    assert_eq!(h.state.queue.counts()[2], 6, "the new handoff is there");
    assert_eq!(h.state.last_synced, Some(now()));
    // Going offline keeps the queue and says why, once.
    h.send(Event::Synced {
        data: None,
        link: Link::Offline("connection refused".into()),
        last_synced: None,
    });
    assert_eq!(h.state.queue.counts()[2], 6);
    assert!(h.toast().contains("connection refused"));
    assert_eq!(
        h.state.last_synced,
        Some(now()),
        "the last good sync is kept"
    );
}

fn saved(name: &str, query: &str) -> Section {
    Section::saved(name, query).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn visible_ids(h: &Harness) -> Vec<String> {
    h.state
        .queue
        .visible()
        .iter()
        .filter_map(|&i| h.state.queue.rows().get(i).map(|r| r.id.clone()))
        .collect()
}

#[test]
fn saved_sections_jump_by_number_count_and_follow_changes() {
    let mut h = harness();
    super::update::set_sections(
        &mut h.state,
        vec![
            saved("Urgent", "priority:urgent"),
            Section::builtin(Builtin::Mine),
            saved("Breached", "sla:breached is:open"),
            Section::builtin(Builtin::Unassigned),
        ],
    );
    assert_eq!(h.state.section, 0, "the first section shows");
    assert_eq!(h.state.queue.counts(), [1, 3, 1, 2]);
    assert_eq!(visible_ids(&h), ["H1"]);
    h.key(KeyCode::Char('3'));
    assert_eq!(visible_ids(&h), ["U2"]);
    // Claiming moves U2 from unassigned into mine; still breached.
    h.key(KeyCode::Char('c'));
    assert_eq!(h.state.queue.counts(), [1, 4, 1, 1]);
    h.key(KeyCode::Char('u'));
    assert_eq!(h.state.queue.counts(), [1, 3, 1, 2]);
    // Tab wraps from the last section to the first, Shift-Tab back.
    h.key(KeyCode::Char('4'));
    h.key(KeyCode::Tab);
    assert_eq!(h.state.section, 0);
    h.key(KeyCode::BackTab);
    assert_eq!(h.state.section, 3);
    // A number past the last section says so and stays put.
    h.key(KeyCode::Char('7'));
    assert_eq!(h.state.section, 3);
    assert!(h.toast().contains("no section 7"), "{}", h.toast());
}

#[test]
fn the_filter_applies_on_top_of_a_saved_section() {
    let mut h = harness();
    super::update::set_sections(
        &mut h.state,
        vec![saved("Billing", "team:billing"), saved("None", "tag:vip")],
    );
    assert_eq!(visible_ids(&h).len(), 5);
    h.key(KeyCode::Char('/'));
    h.chars("assignee:me");
    assert_eq!(visible_ids(&h), ["H1", "H2", "H3"]);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('2'));
    assert!(visible_ids(&h).is_empty());
}

#[test]
fn select_section_is_what_the_number_keys_do() {
    let mut by_key = harness();
    by_key.key(KeyCode::Char('3'));
    let mut by_call = harness();
    let effects = super::update::select_section(&mut by_call.state, 2);
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::LoadDetail { .. })),
        "{effects:?}"
    );
    assert_eq!(by_call.state.section, by_key.state.section);
    assert_eq!(visible_ids(&by_call), visible_ids(&by_key));
    // Out of range (a click past the last tab): nothing changes.
    let before = by_call.state.section;
    assert!(super::update::select_section(&mut by_call.state, 9).is_empty());
    assert_eq!(by_call.state.section, before);
}

#[test]
fn a_section_that_reads_the_clock_is_recounted_each_minute() {
    let mut h = harness();
    super::update::set_sections(
        &mut h.state,
        vec![saved("Breached", "sla:breached"), saved("Fresh", "age:<1h")],
    );
    assert_eq!(h.state.queue.counts(), [1, 5]);
    // U1's SLA ends in 2h; every handoff came in 40 minutes ago.
    h.send(Event::Tick(now() + Duration::minutes(125)));
    assert_eq!(h.state.queue.counts(), [2, 0]);
}

#[test]
fn old_section_action_names_still_bind_the_first_four() {
    use super::action::Action;
    assert_eq!(Action::from_name("section_mine"), Some(Action::Section(0)));
    assert_eq!(
        Action::from_name("section_bot_held"),
        Some(Action::Section(3))
    );
    assert_eq!(Action::from_name("section_9"), Some(Action::Section(8)));
    assert_eq!(Action::Section(1).describe(&["A", "B"]), "section 2: B");
}

/// What another process changed since `seen`, as the watcher would send it.
fn store_changed(h: &Harness, seen: i64) -> (Event, i64) {
    let c = h
        .store
        .changes_since(seen, 1000)
        .unwrap_or_else(|e| panic!("{e}"));
    let event = Event::StoreChanged {
        rows: c.rows,
        all: c.all,
        agents: None,
    };
    (event, c.seq)
}

#[test]
fn another_process_s_changes_merge_row_by_row_and_ring_for_urgent_arrivals() {
    let mut h = harness();
    let seen = h.store.change_seq().unwrap_or_default();
    assert_eq!(h.state.queue.counts()[..3], [3, 2, 5]);
    let before = h.selected();
    // Someone handed me U2 (breached); an import brought an urgent one.
    h.store
        .assign("U2", Some(ME), "Sam", now())
        .unwrap_or_else(|e| panic!("{e}"));
    h.store
        .import(&[handoff("N1", Some(ME), Priority::Urgent, 60)], now())
        .unwrap_or_else(|e| panic!("{e}"));
    let (event, seen) = store_changed(&h, seen);
    h.effects.clear();
    h.send(event);
    assert_eq!(
        h.state.queue.counts()[..3],
        [5, 1, 6],
        "Mine, Team unassigned, All"
    );
    assert_eq!(h.selected(), before, "the cursor stays on its handoff");
    assert_eq!(
        h.toast(),
        "SLA breached: U2 · Customer U2 in your queue (+1 more)",
        "the most urgent arrival is named, the other counted"
    );
    assert_eq!(h.effects.iter().filter(|e| **e == Effect::Bell).count(), 1);
    let row = |id: &str| h.state.queue.rows().iter().find(|r| r.id == id).cloned();
    assert_eq!(row("U2").and_then(|r| r.assignee).as_deref(), Some(ME));

    // The same rows again (our own write's echo): nothing happens.
    h.effects.clear();
    h.state.toast = None;
    let rows: Vec<_> = ["U2", "N1"].iter().filter_map(|id| row(id)).collect();
    h.send(Event::StoreChanged {
        rows,
        all: false,
        agents: None,
    });
    assert!(h.effects.is_empty() && h.state.toast.is_none());

    // A verdict on the selected handoff, made elsewhere, while a note is
    // being written on it: the row and summary follow, the box keeps its text.
    h.key(KeyCode::Char('n'));
    h.chars("half a thought");
    let selected = h.selected();
    h.store
        .set_feedback(
            &selected,
            Some(&crate::domain::feedback::Feedback {
                handoff_id: selected.clone(),
                verdict: Verdict::Good,
                reasons: vec![],
                note: None,
                agent: "Sam".into(),
                at: now(),
            }),
            "Sam",
            now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let (event, _) = store_changed(&h, seen);
    h.effects.clear();
    h.send(event);
    assert_eq!(
        h.state.selected().and_then(|r| r.verdict),
        Some(Verdict::Good)
    );
    assert!(h.effects.contains(&Effect::LoadDetail {
        id: selected.clone()
    }));
    assert_eq!(
        h.state
            .detail
            .as_ref()
            .and_then(|d| d.feedback.as_ref())
            .map(|f| f.verdict),
        Some(Verdict::Good)
    );
    match &h.state.modal {
        Some(Modal::Compose { id, input, .. }) => {
            assert_eq!(id, &selected);
            assert_eq!(input.lines().join("\n"), "half a thought");
        }
        other => panic!("the note box closed: {other:?}"),
    }
    assert!(!h.effects.contains(&Effect::Bell), "no arrival, no bell");
}

#[test]
fn changes_before_the_first_load_wait_for_it() {
    let mut state = State::new(ME.into(), now());
    let rows = vec![];
    assert!(
        update(
            &mut state,
            Event::StoreChanged {
                rows,
                all: false,
                agents: None
            }
        )
        .is_empty()
    );
    assert!(!state.loaded);
}

#[test]
fn the_cursor_stays_on_the_visible_list_and_on_screen() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    let (shown, lines) = (h.state.queue.visible().len(), 2);
    assert!(shown > lines, "more rows than lines");
    h.state.queue.set_cursor(usize::MAX, lines);
    assert_eq!(h.state.queue.cursor(), shown - 1, "clamped to the last");
    assert_eq!(h.state.queue.offset(), shown - lines, "the last page");
    assert!(h.state.queue.move_cursor(-100, lines));
    assert_eq!((h.state.queue.cursor(), h.state.queue.offset()), (0, 0));
    h.key(KeyCode::Char('/'));
    for c in "fosu".chars() {
        h.key(KeyCode::Char(c));
    }
    assert!(h.state.queue.visible().is_empty());
    assert!(!h.state.queue.move_cursor(1, lines), "nothing to move over");
    assert_eq!(h.state.queue.cursor(), 0);
}
