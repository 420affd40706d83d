//! Bulk work: marks (one, a range, all shown), and b/g/c/x/T applied to
//! every marked handoff as one change — one summary toast, one `u` undoes
//! the lot.

use super::effect::{Done, Effect, Undo};
use super::state::{Modal, State, ToastKind};
use super::update::toast;
use crate::domain::feedback::{Feedback, Verdict};
use crate::domain::handoff::Status;
use crate::domain::queue::QueueRow;

pub fn toggle_mark(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected().map(|r| r.id.clone()) else {
        return Vec::new();
    };
    if state.marked.remove(&id) {
        if state.mark_anchor.as_ref() == Some(&id) {
            state.mark_anchor = None;
        }
    } else {
        state.marked.insert(id.clone());
        state.mark_anchor = Some(id);
    }
    // Marking a run of rows is space, space, space.
    super::update::apply(state, super::Action::Down)
}

pub fn mark_all(state: &mut State) -> Vec<Effect> {
    let ids: Vec<String> = state.queue.visible_rows().map(|r| r.id.clone()).collect();
    let n = ids.len();
    state.marked.extend(ids);
    toast(
        state,
        format!("Marked {n} handoffs · {} in all", state.marked.len()),
        ToastKind::Info,
    );
    Vec::new()
}

/// `V`: mark every visible row from the anchor (the last row marked) to the
/// cursor, both included; the cursor's row becomes the next anchor.
pub fn mark_range(state: &mut State) -> Vec<Effect> {
    let Some(here) = state.selected().map(|r| r.id.clone()) else {
        return Vec::new();
    };
    let anchor = (state.mark_anchor.as_deref()).and_then(|a| state.queue.visible_position(a));
    let Some(from) = anchor else {
        let text = if state.mark_anchor.is_some() {
            "The last one marked is not shown here; mark one first"
        } else {
            "Mark one first (Space); a range runs from it to here"
        };
        toast(state, text.into(), ToastKind::Info);
        return Vec::new();
    };
    let cursor = state.queue.cursor();
    let (lo, hi) = (from.min(cursor), from.max(cursor));
    let ids: Vec<String> = (state.queue.visible().get(lo..=hi))
        .unwrap_or_default()
        .iter()
        .filter_map(|&i| state.queue.rows().get(i).map(|r| r.id.clone()))
        .collect();
    let n = ids.len();
    state.marked.extend(ids);
    state.mark_anchor = Some(here);
    toast(
        state,
        format!(
            "Marked a range of {n} {} · {} in all",
            plural(n),
            state.marked.len()
        ),
        ToastKind::Info,
    );
    Vec::new()
}

pub fn clear_marks(state: &mut State) -> Vec<Effect> {
    let n = state.marked.len();
    state.marked.clear();
    state.mark_anchor = None;
    if n > 0 {
        toast(state, format!("Cleared {n} marks"), ToastKind::Info);
    }
    Vec::new()
}

/// The marked rows, in queue order (they may sit in any section).
pub(super) fn marked_rows(state: &State) -> Vec<QueueRow> {
    let rows = state.queue.rows();
    (state.queue.order().iter())
        .filter_map(|&i| rows.get(i as usize))
        .filter(|r| state.marked.contains(&r.id))
        .cloned()
        .collect()
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "handoff" } else { "handoffs" }
}

/// Turn (change, compensation) pairs into effects: only the last reports,
/// with `toast` and one undo entry holding every compensation.
pub(super) fn batch(
    state: &mut State,
    pairs: Vec<(Effect, Effect)>,
    toast_text: String,
    label: String,
) -> Vec<Effect> {
    let (mut effects, undos): (Vec<Effect>, Vec<Effect>) = pairs.into_iter().unzip();
    let mut undos = undos.into_iter();
    let Some(first) = undos.next() else {
        return Vec::new();
    };
    if let Some(last) = effects.pop() {
        let done = Done {
            toast: toast_text,
            undo: Some(Undo {
                label,
                effect: Box::new(first),
                rest: undos.collect(),
            }),
            write: None,
        };
        effects.push(last.with_done(done));
    }
    let effects = state.saving.track(effects);
    state.marked.clear();
    state.mark_anchor = None;
    effects
}

/// A verdict on more handoffs than this at once asks first: one key too
/// many on a long list should not flag a hundred handoffs.
pub const CONFIRM_ABOVE: usize = 10;

pub fn flag(state: &mut State, verdict: Verdict) -> Vec<Effect> {
    let count = marked_rows(state)
        .iter()
        .filter(|r| r.verdict.is_none())
        .count();
    if count > CONFIRM_ABOVE {
        state.modal = Some(Modal::ConfirmBulk { verdict, count });
        return Vec::new();
    }
    flag_now(state, verdict)
}

pub(super) fn flag_now(state: &mut State, verdict: Verdict) -> Vec<Effect> {
    let rows = marked_rows(state);
    // Only the selected handoff's reasons and note are loaded, so a verdict
    // already in force elsewhere could not be restored by undo: keep it.
    let (fresh, kept): (Vec<QueueRow>, Vec<QueueRow>) =
        rows.into_iter().partition(|r| r.verdict.is_none());
    if fresh.is_empty() {
        let text = format!("All {} marked handoffs already have a verdict", kept.len());
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    let me = state.me.clone();
    let now = state.now;
    let pairs: Vec<(Effect, Effect)> = fresh
        .iter()
        .map(|r| {
            let feedback = Feedback {
                handoff_id: r.id.clone(),
                verdict,
                reasons: Vec::new(),
                note: None,
                agent: me.clone(),
                at: now,
            };
            let change = Effect::SaveFeedback {
                id: r.id.clone(),
                feedback: Some(feedback),
                done: Done::default(),
            };
            let undo = Effect::SaveFeedback {
                id: r.id.clone(),
                feedback: None,
                done: Done::default(),
            };
            (change, undo)
        })
        .collect();
    let n = fresh.len();
    let (word, what) = match verdict {
        Verdict::Bad => ("Flagged", "bad"),
        Verdict::Good => ("Marked", "good"),
    };
    let mut text = format!("{word} {n} {} as {what}", plural(n));
    if !kept.is_empty() {
        text.push_str(&format!(
            " · {} already had a verdict, left as is",
            kept.len()
        ));
    }
    let label = format!("{what}-handoff verdicts on {n} {}", plural(n));
    let effects = batch(state, pairs, text, label);
    if verdict == Verdict::Bad {
        let mut ids = fresh.into_iter().map(|r| r.id);
        if let Some(id) = ids.next() {
            state.pick_reason(id, ids.collect());
        }
    }
    effects
}

pub fn claim(state: &mut State) -> Vec<Effect> {
    let me = state.me.clone();
    let rows: Vec<QueueRow> = marked_rows(state)
        .into_iter()
        .filter(|r| r.assignee.as_deref() != Some(me.as_str()))
        .collect();
    if rows.is_empty() {
        toast(
            state,
            "Every marked handoff is already yours".into(),
            ToastKind::Info,
        );
        return Vec::new();
    }
    let n = rows.len();
    let pairs = rows
        .into_iter()
        .map(|r| {
            let change = Effect::Assign {
                id: r.id.clone(),
                assignee: Some(me.clone()),
                done: Done::default(),
            };
            let undo = Effect::Assign {
                id: r.id,
                assignee: r.assignee.map(String::from),
                done: Done::default(),
            };
            (change, undo)
        })
        .collect();
    let text = format!("Claimed {n} {}", plural(n));
    batch(state, pairs, text, format!("claim of {n} {}", plural(n)))
}

/// Resolve every marked open handoff (reopening in bulk is rarely meant).
pub fn resolve(state: &mut State) -> Vec<Effect> {
    let rows: Vec<QueueRow> = marked_rows(state)
        .into_iter()
        .filter(|r| r.status != Status::Resolved)
        .collect();
    if rows.is_empty() {
        toast(
            state,
            "Every marked handoff is already resolved".into(),
            ToastKind::Info,
        );
        return Vec::new();
    }
    let n = rows.len();
    let pairs = rows
        .into_iter()
        .map(|r| {
            let change = Effect::SetStatus {
                id: r.id.clone(),
                status: Status::Resolved,
                done: Done::default(),
            };
            let undo = Effect::SetStatus {
                id: r.id,
                status: r.status,
                done: Done::default(),
            };
            (change, undo)
        })
        .collect();
    let text = format!("Resolved {n} {}", plural(n));
    batch(
        state,
        pairs,
        text,
        format!("resolution of {n} {}", plural(n)),
    )
}
