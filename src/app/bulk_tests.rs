//! Bulk work driven as the runtime drives it (keys in, effects run against
//! a real in-memory store, results fed back): moving to a team, range marks,
//! and the note after a bulk bad verdict.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Action;
use super::effect::{EditTarget, Effect};
use super::event::Event;
use super::keymap::{Context, Key};
use super::state::Modal;
use super::test_harness::{Harness, ME, agent, handoff};
use super::update::update;
use crate::domain::feedback::Reason;
use crate::domain::handoff::Priority;
use crate::domain::import::Imported;

/// A handoff of `team` (billing is mine).
fn in_team(
    id: &str,
    team: &str,
    assignee: Option<&str>,
    priority: Priority,
    due_min: i64,
) -> Imported {
    let mut item = handoff(id, assignee, priority, due_min);
    item.handoff.routing.team = Some(team.into());
    item
}

/// Mine: H1..H3 (billing). Team unassigned (billing is my team): U1,
/// U2. Orders, not my team: O1. All, by urgency: U2 U1 O1 H1 H2 H3.
fn harness() -> Harness {
    let items = [
        in_team("H1", "billing", Some(ME), Priority::Normal, 200),
        in_team("H2", "billing", Some(ME), Priority::Normal, 210),
        in_team("H3", "billing", Some(ME), Priority::Normal, 220),
        in_team("U1", "billing", None, Priority::Urgent, 90),
        in_team("U2", "billing", None, Priority::Normal, -10),
        in_team("O1", "orders", None, Priority::High, 100),
    ];
    let agents = vec![
        agent(ME, &["billing"]),
        agent("Sam Okafor", &["orders", "access"]),
    ];
    Harness::with(&items, agents)
}

impl Harness {
    fn visible(&self) -> Vec<String> {
        self.state
            .queue
            .visible()
            .iter()
            .filter_map(|&i| self.state.queue.rows().get(i).map(|r| r.id.clone()))
            .collect()
    }

    /// The team as stored (the record, not the screen).
    fn team(&self, id: &str) -> Option<String> {
        self.store
            .handoff(id)
            .ok()
            .flatten()
            .and_then(|h| h.routing.team)
    }

    fn picker_teams(&self) -> Vec<String> {
        match &self.state.modal {
            Some(Modal::TeamPicker { teams, .. }) => teams.clone(),
            _ => Vec::new(),
        }
    }

    fn marked(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.state.marked.iter().cloned().collect();
        ids.sort();
        ids
    }
}

// ---- move to a team --------------------------------------------------------

#[test]
fn t_moves_the_selected_handoff_out_of_my_teams_and_u_brings_it_back() {
    let mut h = harness();
    h.key(KeyCode::Char('2'));
    assert_eq!(h.visible(), ["U2", "U1"]);
    h.key(KeyCode::Char('T'));
    // Every team the agents or handoffs name, sorted.
    assert_eq!(h.picker_teams(), ["access", "billing", "orders"]);
    h.key(KeyCode::Char('3'));
    assert!(h.state.modal.is_none());
    assert_eq!(h.toast(), "Moved U2 to orders");
    assert_eq!(h.team("U2").as_deref(), Some("orders"));
    // Orders is not my team: the row leaves "Team unassigned" at once.
    assert_eq!(h.visible(), ["U1"]);
    assert_eq!(h.state.section_count(1), 1);
    assert_eq!(h.state.saving.count(), 0);

    h.key(KeyCode::Char('u'));
    assert_eq!(h.toast(), "Undone: move of U2 to orders");
    assert_eq!(h.team("U2").as_deref(), Some("billing"));
    assert_eq!(h.visible(), ["U2", "U1"]);
}

#[test]
fn bulk_move_is_one_change_one_toast_and_one_undo_to_each_previous_team() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    assert_eq!(h.visible(), ["U2", "U1", "O1", "H1", "H2", "H3"]);
    h.chars("   ");
    assert_eq!(h.marked(), ["O1", "U1", "U2"]);
    h.key(KeyCode::Char('T'));
    // ↓ Enter picks the second team: billing (U1 and U2 are there already).
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Up);
    h.key(KeyCode::Enter);
    assert_eq!(h.toast(), "Moved O1 to billing · 2 already there");
    assert_eq!(h.team("O1").as_deref(), Some("billing"));
    h.key(KeyCode::Char('u'));
    assert_eq!(h.team("O1").as_deref(), Some("orders"));

    h.key(KeyCode::Home);
    h.chars("   ");
    h.key(KeyCode::Char('T'));
    h.key(KeyCode::Char('1'));
    assert_eq!(h.toast(), "Moved 3 handoffs to access");
    for id in ["U2", "U1", "O1"] {
        assert_eq!(h.team(id).as_deref(), Some("access"), "{id}");
    }
    assert!(h.state.marked.is_empty(), "marks are used up");
    assert_eq!(h.state.section_count(1), 0);
    assert_eq!(h.state.saving.count(), 0);

    h.key(KeyCode::Char('u'));
    assert_eq!(h.toast(), "Undone: move of 3 handoffs to access");
    assert_eq!(h.team("U2").as_deref(), Some("billing"));
    assert_eq!(h.team("U1").as_deref(), Some("billing"));
    assert_eq!(h.team("O1").as_deref(), Some("orders"));
    assert_eq!(h.state.section_count(1), 2);
    assert!(h.state.undo.is_empty());
}

#[test]
fn moving_into_the_same_team_changes_nothing() {
    let mut h = harness();
    h.key(KeyCode::Char('T'));
    assert_eq!(h.selected(), "H1");
    h.key(KeyCode::Char('2'));
    assert_eq!(h.toast(), "H1 is already in billing");
    assert!(h.state.undo.is_empty());
    assert_eq!(h.state.saving.count(), 0);
}

#[test]
fn esc_cancels_the_picker_and_keeps_the_marks() {
    let mut h = harness();
    h.chars("  ");
    h.key(KeyCode::Char('T'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    assert_eq!(h.marked(), ["H1", "H2"]);
    assert_eq!(h.team("H1").as_deref(), Some("billing"));
    assert!(h.state.undo.is_empty());
}

#[test]
fn the_picker_lists_teams_a_helpdesk_named_and_keeps_the_pick() {
    let mut h = harness();
    h.store
        .set_known_teams(&["Enterprise".into(), "ORDERS".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    h.key(KeyCode::Char('T'));
    // The store's list arrived through LoadTeams; one spelling per team.
    assert_eq!(
        h.picker_teams(),
        ["access", "billing", "Enterprise", "orders"]
    );
    h.key(KeyCode::Char('3'));
    assert_eq!(h.team("H1").as_deref(), Some("Enterprise"));
    // A late list leaves the pick on the same team.
    h.key(KeyCode::Char('T'));
    h.key(KeyCode::End);
    h.send(Event::TeamsLoaded(vec!["Aardvarks".into()]));
    assert_eq!(h.picker_teams()[0], "Aardvarks");
    assert!(matches!(
        &h.state.modal,
        Some(Modal::TeamPicker { teams, selected, .. }) if teams[*selected] == "orders"
    ));
}

#[test]
fn read_only_refuses_to_move() {
    let mut h = harness();
    h.state.read_only = true;
    h.key(KeyCode::Char('T'));
    assert!(h.state.modal.is_none());
    assert!(h.toast().starts_with("Read-only"), "{}", h.toast());
    assert_eq!(h.team("H1").as_deref(), Some("billing"));
}

#[test]
fn a_move_is_one_effect_per_handoff_and_only_the_last_reports() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.chars("  ");
    h.key(KeyCode::Char('T'));
    let effects = update(
        &mut h.state,
        Event::Key(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE)),
    );
    // Nothing shows as done before the store has it.
    assert_eq!(h.team("U2").as_deref(), Some("billing"));
    assert_eq!(h.state.saving.count(), 2);
    let reports: Vec<bool> = effects
        .iter()
        .map(|e| matches!(e, Effect::AssignTeam { done, .. } if !done.toast.is_empty()))
        .collect();
    assert_eq!(reports, [false, true]);
}

// ---- range marks -----------------------------------------------------------

#[test]
fn v_marks_every_row_from_the_last_marked_to_the_cursor() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char(' '));
    assert_eq!(h.selected(), "U1");
    h.chars("jj");
    assert_eq!(h.selected(), "H1");
    h.key(KeyCode::Char('V'));
    assert_eq!(h.marked(), ["H1", "O1", "U1", "U2"]);
    assert_eq!(h.toast(), "Marked a range of 4 handoffs · 4 in all");
    // The cursor's row is the next anchor; a range can run upwards too.
    h.key(KeyCode::End);
    h.key(KeyCode::Char('V'));
    assert_eq!(h.state.marked.len(), 6);
    h.key(KeyCode::Char('U'));
    h.key(KeyCode::Char('V'));
    assert!(h.state.marked.is_empty());
    assert!(h.toast().starts_with("Mark one first"), "{}", h.toast());
}

#[test]
fn v_runs_upwards_and_unmarking_the_anchor_drops_it() {
    let mut h = harness();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::End);
    h.key(KeyCode::Char(' '));
    assert_eq!(h.marked(), ["H3"]);
    h.chars("kkk");
    assert_eq!(h.selected(), "O1");
    h.key(KeyCode::Char('V'));
    assert_eq!(h.marked(), ["H1", "H2", "H3", "O1"]);
    // Space on the anchor unmarks it; V then has nothing to run from.
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('k'));
    h.key(KeyCode::Char('V'));
    assert!(h.toast().starts_with("Mark one first"), "{}", h.toast());
}

#[test]
fn v_needs_the_anchor_in_view() {
    let mut h = harness();
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('2'));
    h.key(KeyCode::Char('V'));
    assert_eq!(h.marked(), ["H1"]);
    assert!(h.toast().contains("not shown here"), "{}", h.toast());
}

// ---- the note after a bulk bad verdict ---------------------------------------

fn bad_records(h: &Harness) -> Vec<(String, Vec<Reason>, Option<String>)> {
    let mut v: Vec<_> = h
        .store
        .feedback_export(None)
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.handoff_id, r.reasons, r.note))
        .collect();
    v.sort();
    v
}

#[test]
fn a_bulk_note_goes_on_every_verdict_and_the_batch_undo_takes_it_back() {
    let mut h = harness();
    h.chars("   ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('2'));
    assert!(
        matches!(&h.state.modal, Some(Modal::BulkVerdictNote { ids, .. }) if ids.len() == 3),
        "the note step follows the reason"
    );
    h.chars("bot asked for the wrong invoice");
    h.key(KeyCode::Enter);
    assert!(h.state.modal.is_none());
    assert_eq!(h.toast(), "Note saved on 3 bad verdicts");
    let note = Some("bot asked for the wrong invoice".to_string());
    let want: Vec<_> = ["H1", "H2", "H3"]
        .into_iter()
        .map(|id| (id.to_string(), vec![Reason::WrongData], note.clone()))
        .collect();
    assert_eq!(bad_records(&h), want);
    assert_eq!(
        h.state.undo.len(),
        1,
        "flag, reason and note are one change"
    );
    assert_eq!(h.state.saving.count(), 0);

    h.key(KeyCode::Char('u'));
    assert!(bad_records(&h).is_empty());
}

#[test]
fn esc_skips_the_bulk_note_and_keeps_the_reason() {
    let mut h = harness();
    h.chars("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('5'));
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    assert_eq!(
        bad_records(&h),
        [
            ("H1".to_string(), vec![Reason::Misrouted], None),
            ("H2".to_string(), vec![Reason::Misrouted], None),
        ]
    );
    // An empty note saves nothing either.
    h.key(KeyCode::Char('u'));
    h.key(KeyCode::Home);
    h.chars("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('5'));
    h.chars("   ");
    h.key(KeyCode::Enter);
    assert!(h.state.modal.is_none());
    assert!(bad_records(&h).iter().all(|(_, _, note)| note.is_none()));
}

fn note_box(h: &Harness) -> Option<String> {
    match &h.state.modal {
        Some(Modal::BulkVerdictNote { input, .. }) => Some(input.lines().join("\n")),
        _ => None,
    }
}

#[test]
fn ctrl_e_writes_the_bulk_note_in_the_editor_and_it_goes_on_every_verdict() {
    let mut h = harness();
    h.chars("   ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('2'));
    h.chars("draft");
    // The runtime carries the editor out; here the effect is what counts.
    let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    let effects = update(&mut h.state, Event::Key(ctrl_e));
    let target = EditTarget::BulkVerdictNote {
        ids: vec!["H1".into(), "H2".into(), "H3".into()],
        reason: Reason::WrongData,
    };
    assert_eq!(
        effects,
        vec![Effect::EditInEditor {
            target: target.clone(),
            text: "draft".into(),
        }]
    );
    assert_eq!(note_box(&h).as_deref(), Some("draft"), "the box stays open");

    // What the editor saved comes back into the same box, cleaned.
    h.send(Event::Edited {
        target,
        result: Ok("bot asked \u{1b}[2Jfor the wrong invoice\n".into()),
    });
    assert_eq!(
        note_box(&h).as_deref(),
        Some("bot asked for the wrong invoice")
    );
    h.key(KeyCode::Enter);
    assert!(h.state.modal.is_none());
    assert_eq!(h.toast(), "Note saved on 3 bad verdicts");
    let note = Some("bot asked for the wrong invoice".to_string());
    let want: Vec<_> = ["H1", "H2", "H3"]
        .into_iter()
        .map(|id| (id.to_string(), vec![Reason::WrongData], note.clone()))
        .collect();
    assert_eq!(bad_records(&h), want);
    assert_eq!(h.state.undo.len(), 1, "still one change");
}

#[test]
fn the_bulk_note_takes_the_editor_key_as_rebound() {
    let mut h = harness();
    h.state.keymap.bind(
        Context::Compose,
        vec![Key::new(KeyCode::F(4), KeyModifiers::NONE)],
        Some(Action::EditInEditor),
    );
    h.chars("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('1'));
    let f4 = KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE);
    let effects = update(&mut h.state, Event::Key(f4));
    assert!(
        matches!(
            &effects[..],
            [Effect::EditInEditor {
                target: EditTarget::BulkVerdictNote { ids, .. },
                ..
            }] if ids.len() == 2
        ),
        "{effects:?}"
    );
    assert!(note_box(&h).is_some());
}

// A failed editor leaves the bulk note as it was, box open.
#[test]
fn a_failed_editor_keeps_the_bulk_note() {
    let mut h = harness();
    h.chars("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('1'));
    h.chars("kept");
    let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    let mut effects = update(&mut h.state, Event::Key(ctrl_e));
    let Some(Effect::EditInEditor { target, .. }) = effects.pop() else {
        panic!("no editor effect");
    };
    h.send(Event::Edited {
        target,
        result: Err("Editor `nope` not found".into()),
    });
    assert_eq!(note_box(&h).as_deref(), Some("kept"));
    assert_eq!(h.toast(), "Editor `nope` not found");
}

#[test]
fn a_paste_lands_in_the_bulk_note() {
    let mut h = harness();
    h.chars("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('1'));
    h.send(Event::Paste("pasted \u{1b}[31mtext".into()));
    h.key(KeyCode::Enter);
    let notes: Vec<_> = bad_records(&h).into_iter().map(|(_, _, n)| n).collect();
    assert_eq!(notes.len(), 2);
    assert!(
        notes.iter().all(|n| n
            .as_deref()
            .is_some_and(|n| n.starts_with("pasted") && !n.contains('\u{1b}'))),
        "{notes:?}"
    );
}

/// Twelve of mine, H01..H12, all marked.
fn twelve_marked() -> Harness {
    let items: Vec<Imported> = (1..=12)
        .map(|i| {
            in_team(
                &format!("H{i:02}"),
                "billing",
                Some(ME),
                Priority::Normal,
                200 + i,
            )
        })
        .collect();
    let mut h = Harness::with(&items, vec![agent(ME, &["billing"])]);
    h.key(KeyCode::Char('A'));
    assert_eq!(h.state.marked.len(), 12);
    h
}

#[test]
fn a_verdict_on_more_than_ten_handoffs_asks_once() {
    let mut h = twelve_marked();
    h.key(KeyCode::Char('b'));
    assert!(
        matches!(h.state.modal, Some(Modal::ConfirmBulk { count: 12, .. })),
        "{:?}",
        h.state.modal
    );
    assert!(
        bad_records(&h).is_empty(),
        "nothing flagged before the answer"
    );
    // No: nothing changes, the marks stay.
    h.key(KeyCode::Esc);
    assert!(h.state.modal.is_none());
    assert!(bad_records(&h).is_empty());
    assert_eq!(h.state.marked.len(), 12);
    assert!(h.toast().contains("Nothing changed"), "{}", h.toast());
    // Yes: all twelve, one question, then the usual reason step.
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('y'));
    assert_eq!(bad_records(&h).len(), 12);
    assert!(matches!(h.state.modal, Some(Modal::ReasonPicker { .. })));
    h.key(KeyCode::Esc);
    assert_eq!(h.state.undo.len(), 1, "one change, one undo");
    // Good verdicts ask too; ten or fewer do not.
    h.key(KeyCode::Char('u'));
    assert!(bad_records(&h).is_empty());
    // A batch done clears the marks: mark them again.
    assert!(h.state.marked.is_empty());
    h.key(KeyCode::Char('A'));
    h.key(KeyCode::Char('g'));
    assert!(matches!(
        h.state.modal,
        Some(Modal::ConfirmBulk { count: 12, .. })
    ));
    h.key(KeyCode::Enter);
    assert_eq!(h.store.feedback_export(None).unwrap_or_default().len(), 12);
    let mut small = harness();
    small.chars("   ");
    small.key(KeyCode::Char('g'));
    assert!(small.state.modal.is_none());
    assert_eq!(
        small.store.feedback_export(None).unwrap_or_default().len(),
        3
    );
}
