//! What the action keys do to the selected handoff: flag, claim, resolve
//! or snooze, undo, and opening the reply or note box. Writes go out as
//! effects and show as done only once durable.

use super::effect::{Done, DraftKind, Effect, Undo};
use super::state::{Modal, State, ToastKind};
use super::update::toast;
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::handoff::Status;
use crate::domain::queue::QueueRow;

/// The selected row's id, or a toast saying there is nothing to act on.
pub(super) fn target(state: &mut State) -> Option<QueueRow> {
    let row = state.selected().cloned();
    if row.is_none() {
        toast(state, "No handoff selected".into(), ToastKind::Info);
    }
    row
}

pub(super) fn feedback_in_force(state: &State, id: &str) -> Option<Feedback> {
    state
        .detail
        .as_ref()
        .filter(|d| d.handoff.id == id)
        .and_then(|d| d.feedback.clone())
}

pub(super) fn flag(state: &mut State, verdict: Verdict) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::flag(state, verdict);
    }
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let previous = feedback_in_force(state, &row.id);
    let feedback = Feedback {
        handoff_id: row.id.clone(),
        verdict,
        reasons: Vec::new(),
        note: None,
        agent: state.me.clone(),
        at: state.now,
    };
    let (toast_text, label) = match verdict {
        Verdict::Bad => (
            format!("Flagged {} as a bad handoff", row.id),
            format!("bad-handoff flag on {}", row.id),
        ),
        Verdict::Good => (
            format!("Marked {} as a good handoff", row.id),
            format!("good-handoff mark on {}", row.id),
        ),
    };
    if verdict == Verdict::Bad {
        state.pick_reason(row.id.clone(), Vec::new());
    }
    state.saving.track(vec![Effect::SaveFeedback {
        id: row.id.clone(),
        feedback: Some(feedback),
        done: Done {
            toast: toast_text,
            undo: Some(Undo {
                label,
                effect: Box::new(Effect::SaveFeedback {
                    id: row.id,
                    feedback: previous,
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

pub(super) fn undo(state: &mut State) -> Vec<Effect> {
    let Some(entry) = state.undo.pop() else {
        toast(state, "Nothing to undo".into(), ToastKind::Info);
        return Vec::new();
    };
    let mut effects: Vec<Effect> = std::iter::once(*entry.effect)
        .chain(entry.rest)
        .map(|e| e.with_done(Done::default()))
        .collect();
    // One toast for the whole batch, when its last write is durable.
    if let Some(last) = effects.pop() {
        let done = Done {
            toast: format!("Undone: {}", entry.label),
            undo: None,
            write: None,
        };
        effects.push(last.with_done(done));
    }
    state.saving.track(effects)
}

pub(super) fn claim(state: &mut State) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::claim(state);
    }
    let Some(row) = target(state) else {
        return Vec::new();
    };
    if row.assignee.as_deref() == Some(state.me.as_str()) {
        toast(
            state,
            format!("{} is already yours", row.id),
            ToastKind::Info,
        );
        return Vec::new();
    }
    let toast_text = match &row.assignee {
        Some(other) => format!("Claimed {} from {other}", row.id),
        None => format!("Claimed {}", row.id),
    };
    state.saving.track(vec![Effect::Assign {
        id: row.id.clone(),
        assignee: Some(state.me.clone()),
        done: Done {
            toast: toast_text,
            undo: Some(Undo {
                label: format!("claim of {}", row.id),
                effect: Box::new(Effect::Assign {
                    id: row.id,
                    assignee: row.assignee.map(String::from),
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

pub(super) fn resolve(state: &mut State) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::resolve(state);
    }
    toggle_status(state, Status::Resolved, "Resolved", "Reopened")
}

/// Put the selected handoff in `to`, or back to open if it already is.
pub(super) fn toggle_status(state: &mut State, to: Status, did: &str, undid: &str) -> Vec<Effect> {
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let (status, text) = if row.status == to {
        (Status::Open, format!("{undid} {}", row.id))
    } else {
        (to, format!("{did} {}", row.id))
    };
    state.saving.track(vec![Effect::SetStatus {
        id: row.id.clone(),
        status,
        done: Done {
            toast: text,
            undo: Some(Undo {
                label: format!("status change of {}", row.id),
                effect: Box::new(Effect::SetStatus {
                    id: row.id,
                    status: row.status,
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

pub(super) fn compose(state: &mut State, kind: DraftKind) -> Vec<Effect> {
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let draft = state
        .detail
        .as_ref()
        .filter(|d| d.handoff.id == row.id)
        .and_then(|d| match kind {
            DraftKind::Note => d.note_draft.clone(),
            DraftKind::Reply => d.reply_draft.clone(),
        });
    state.modal = Some(Modal::Compose {
        id: row.id,
        kind,
        input: super::modal::textarea(draft.as_deref()),
    });
    Vec::new()
}

/// A bad verdict with reasons and note; folded into the flag's undo entry.
pub(super) fn save_bad(
    state: &State,
    id: String,
    reasons: Vec<Reason>,
    note: Option<String>,
    toast: String,
) -> Effect {
    Effect::SaveFeedback {
        id: id.clone(),
        feedback: Some(Feedback {
            handoff_id: id,
            verdict: Verdict::Bad,
            reasons,
            note,
            agent: state.me.clone(),
            at: state.now,
        }),
        done: Done {
            toast,
            undo: None,
            write: None,
        },
    }
}
