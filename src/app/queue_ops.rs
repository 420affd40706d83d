//! What the workspace does around a change to the queue: the `QueueView`
//! does the change; these add what reaches beyond it (the filter run off the
//! UI thread, the detail to load, the section shown, the bell for arrivals).

use super::effect::Effect;
use super::event::Event;
use super::navigate::load_selected;
use super::queue_view::{Lens, QueueView, Refilter};
use super::state::{Focus, State};
use super::update::update;
use crate::domain::agent::Agent;
use crate::domain::filter::Viewer;
use crate::domain::queue::{self, QueueRow, Section};
use crate::view::layout;

/// The queue, and the rest of the state lent to it for a change.
pub(super) fn split(state: &mut State) -> (&mut QueueView, Lens<'_>) {
    let lens = Lens {
        me: Viewer::new(&state.me, &state.my_teams),
        now: state.now,
        agents: &state.agents,
        sections: &state.sections,
        section: state.section,
        filter: &mut state.filter,
        filter_inline_rows: state.filter_inline_rows,
        sort: state.sort,
        lines: layout::queue_lines(state.width, state.height),
    };
    (&mut state.queue, lens)
}

/// Ask for the filter run the queue needs, numbered with the latest
/// generation (the queue started it).
pub(super) fn ask(state: &State, refilter: Refilter) -> Vec<Effect> {
    refilter
        .snapshot()
        .map(|snapshot| Effect::Filter {
            generation: state.filter.generation,
            snapshot,
        })
        .into_iter()
        .collect()
}

/// Rebuild the visible list, keeping the cursor on `keep` if it is shown.
pub(super) fn rebuild_view(state: &mut State, keep: Option<String>) {
    let (queue, lens) = split(state);
    queue.rebuild(lens, keep);
}

/// Rebuild the visible list keeping the selection.
pub(super) fn refresh_view(state: &mut State) {
    let keep = state.selected().map(|r| r.id.clone());
    rebuild_view(state, keep);
}

/// See `QueueView::resort`.
pub(super) fn resort(state: &mut State, recount_all: bool) -> Vec<Effect> {
    let (queue, lens) = split(state);
    let refilter = queue.resort(lens, recount_all);
    ask(state, refilter)
}

/// See `QueueView::place`.
pub(super) fn place(state: &mut State, row: QueueRow) -> Vec<Effect> {
    let (queue, lens) = split(state);
    let refilter = queue.place(row, lens);
    ask(state, refilter)
}

/// The whole queue anew (a helpdesk sync, or a big change to the local
/// store): same section, cursor on the same handoff, and the bell for
/// urgent work newly in my queue.
pub(super) fn reload(state: &mut State, rows: Vec<QueueRow>, agents: Vec<Agent>) -> Vec<Effect> {
    let (was_loaded, section) = (state.loaded, state.section);
    let keep = state.selected().map(|r| r.id.clone());
    // What was in my queue, to ring for what lands in it (not on the
    // first load, nor the first sync into an empty store: everything
    // would be new).
    let before =
        (was_loaded && !state.queue.rows().is_empty()).then(|| super::external::mine(state));
    let mut effects = update(state, Event::Loaded { rows, agents });
    if was_loaded {
        state.section = section;
        rebuild_view(state, keep);
        effects.extend(load_selected(state));
    }
    if let Some(before) = before {
        effects.extend(super::external::announce_arrivals(state, &before));
    }
    effects
}

/// Rows another process changed, merged as a save's row is (`place`),
/// with routing, the filter and the view redone once for the lot. A row the
/// screen already shows as it is (the echo of a write of ours) changes
/// nothing. Dialogs are left alone; the summary on screen is reloaded if
/// its handoff changed (drafts are saved as typed, so none is lost).
/// Urgent or SLA-pressed work newly in my queue rings, as after a sync.
pub(super) fn merge(
    state: &mut State,
    rows: Vec<QueueRow>,
    agents: Option<Vec<Agent>>,
) -> Vec<Effect> {
    let agents = agents.filter(|a| *a != state.agents);
    let regroup = agents.is_some();
    // Whose teams are mine, and who routing may pick: everything anew.
    // (Mine, which tells arrivals, reads no teams.)
    if let Some(agents) = agents {
        state.set_agents(agents);
    }
    let (queue, lens) = split(state);
    let merged = queue.merge(rows, lens, regroup);
    let mut effects = ask(state, merged.refilter);
    if !merged.changed && !regroup {
        return effects;
    }
    if merged.selected_changed
        && let Some(id) = state.selected().map(|r| r.id.clone())
        && state.detail.as_ref().is_some_and(|d| d.handoff.id == id)
    {
        effects.push(Effect::LoadDetail { id });
    } else {
        effects.extend(load_selected(state));
    }
    effects.extend(super::external::announce(state, merged.arrived));
    effects
}

/// Show section `index` (of `state.sections`): what keys 1-9 do, and what a
/// click on a section tab does. An index past the last section does nothing.
pub fn select_section(state: &mut State, index: usize) -> Vec<Effect> {
    if index >= state.sections.len() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state.section != index {
        state.section = index;
        let (queue, lens) = split(state);
        let refilter = queue.select_section(lens);
        effects = ask(state, refilter);
    }
    state.focus = Focus::Queue;
    effects.extend(load_selected(state));
    effects
}

/// Put `sections` in force (at most `queue::MAX_SECTIONS`; none means the
/// built-ins), show the first, and recount.
pub fn set_sections(state: &mut State, mut sections: Vec<Section>) -> Vec<Effect> {
    if sections.is_empty() {
        sections = Section::builtins();
    }
    sections.truncate(queue::MAX_SECTIONS);
    state.sections = sections;
    state.section = 0;
    let (queue, lens) = split(state);
    queue.set_sections(lens);
    if !state.loaded {
        return Vec::new();
    }
    load_selected(state)
}

/// The query in force changed: run it and rebuild the view.
pub(super) fn refilter(state: &mut State) -> Vec<Effect> {
    let (queue, lens) = split(state);
    let refilter = queue.refilter(lens);
    ask(state, refilter)
}
