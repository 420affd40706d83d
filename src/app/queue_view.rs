//! The queue as shown: every row, the urgency order, each row's sections
//! and their counts, routing, and the visible list with its cursor. These
//! functions keep them in step; a change to one goes through them.

use super::effect::Effect;
use super::event::Event;
use super::navigate::{keep_cursor_visible, load_selected};
use super::state::{Focus, State};
use super::update::update;
use crate::domain::agent::Agent;
use crate::domain::filter::{self, Snapshot, Viewer};
use crate::domain::queue::{self, Builtin, QueueRow, Section};
use crate::domain::routing;

/// The whole queue anew (a helpdesk sync, or a big change to the local
/// store): same section, cursor on the same handoff, and the bell for
/// urgent work newly in my queue.
pub(super) fn reload(state: &mut State, rows: Vec<QueueRow>, agents: Vec<Agent>) -> Vec<Effect> {
    let (was_loaded, section) = (state.loaded, state.section);
    let keep = state.selected().map(|r| r.id.clone());
    // What was in my queue, to ring for what lands in it (not on the
    // first load, nor the first sync into an empty store: everything
    // would be new).
    let before = (was_loaded && !state.rows.is_empty()).then(|| super::external::mine(state));
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

/// Rows another process changed, merged as a save's row is (`put`), with
/// routing, the filter and the view redone once for the lot. A row the
/// screen already shows as it is (the echo of a write of ours) changes
/// nothing. Dialogs are left alone; the summary on screen is reloaded if
/// its handoff changed (drafts are saved as typed, so none is lost).
/// Urgent or SLA-pressed work newly in my queue rings, as after a sync.
pub(super) fn merge(
    state: &mut State,
    rows: Vec<QueueRow>,
    agents: Option<Vec<Agent>>,
) -> Vec<Effect> {
    let keep = state.selected().map(|r| r.id.clone());
    // Where each id is: one pass for a batch, not a scan a row.
    let mut index: Option<std::collections::HashMap<String, usize>> = (rows.len() > 4).then(|| {
        (state.rows.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect()
    });
    let mine = Section::builtin(Builtin::Mine);
    let mut arrived = Vec::new();
    let mut placed = Placed::default();
    let (mut changed, mut selected_changed) = (false, false);
    for row in rows {
        let found = match &index {
            Some(index) => index.get(row.id.as_str()).copied(),
            None => state.rows.position(&row.id),
        };
        let old = found.and_then(|i| state.rows.get(i));
        if old.is_some_and(|old| *old == row) {
            continue;
        }
        let me = Viewer::new(&state.me, &state.my_teams);
        let was_mine = old.is_some_and(|old| mine.contains(old, me, state.now));
        if !was_mine && mine.contains(&row, me, state.now) {
            arrived.push(row.clone());
        }
        changed = true;
        selected_changed |= keep.as_deref() == Some(row.id.as_str());
        let id = index.is_some().then(|| row.id.clone());
        let Some(p) = put(state, row, found) else {
            continue;
        };
        if let (Some(index), Some(id), None) = (index.as_mut(), id, found) {
            index.insert(id, state.rows.len() - 1);
        }
        placed = placed.or(p);
    }
    let agents = agents.filter(|a| *a != state.agents);
    if !changed && agents.is_none() {
        return Vec::new();
    }
    let mut effects = match agents {
        // Whose teams are mine, and who routing may pick: everything anew.
        Some(agents) => {
            state.my_teams = agents
                .iter()
                .find(|a| a.name == state.me)
                .map(|a| a.teams.clone())
                .unwrap_or_default();
            state.agents = agents;
            resort(state, true)
        }
        None => settle(state, placed, keep),
    };
    if selected_changed
        && let Some(id) = state.selected().map(|r| r.id.clone())
        && state.detail.as_ref().is_some_and(|d| d.handoff.id == id)
    {
        effects.push(Effect::LoadDetail { id });
    } else {
        effects.extend(load_selected(state));
    }
    effects.extend(super::external::announce(state, arrived));
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
        state.cursor = 0;
        state.offset = 0;
        // A filter off the UI thread ran over the old section's rows only.
        if !state.filter.query.is_empty() {
            effects = refresh_filter(state);
        }
        rebuild_view(state, None);
    }
    state.focus = Focus::Queue;
    effects.extend(load_selected(state));
    effects
}

/// Put `sections` in force (at most `queue::MAX_SECTIONS`; none means the
/// built-ins), show the first, and recount if the queue has loaded.
pub fn set_sections(state: &mut State, mut sections: Vec<Section>) -> Vec<Effect> {
    if sections.is_empty() {
        sections = Section::builtins();
    }
    sections.truncate(queue::MAX_SECTIONS);
    state.counts = vec![0; sections.len()];
    state.sections = sections;
    state.section = 0;
    state.cursor = 0;
    state.offset = 0;
    if !state.loaded {
        return Vec::new();
    }
    recount(state);
    rebuild_view(state, None);
    load_selected(state)
}

/// Sort by urgency, re-route, recount (when `recount_all`: new rows, or a
/// section that reads the clock) and rebuild the view, keeping the
/// selection. After a minute the order is nearly sorted already (about one
/// comparison a row); from load order, 100k rows take ~4 ms.
pub(super) fn resort(state: &mut State, recount_all: bool) -> Vec<Effect> {
    let keep = state.selected().map(|r| r.id.clone());
    let now = state.now;
    queue::sort_order(&mut state.order, &state.rows, now);
    state.sorted_at = now;
    reroute(state);
    if recount_all {
        recount(state);
    }
    let effects = refresh_filter(state);
    rebuild_view(state, keep);
    effects
}

fn reroute(state: &mut State) {
    let rows = &state.rows;
    // Which rows wait for routing, found front to back; then only those
    // are read again, in urgency order (100k rows read in that order are a
    // cache miss each).
    let waiting: Vec<bool> = rows
        .iter()
        .map(|r| r.is_open() && r.assignee.is_none())
        .collect();
    let in_order = state
        .order
        .iter()
        .filter(|&&i| waiting.get(i as usize).copied().unwrap_or(false))
        .filter_map(|&i| Some((i, rows.get(i as usize)?)));
    state.routes = routing::route_split(rows.iter(), in_order, &state.agents)
        .into_iter()
        .collect();
}

/// The bits of the sections `row` is in (bit k: `state.sections[k]`), as
/// kept in `State::section_bits`.
fn sections_of(state: &State, row: &QueueRow) -> u16 {
    let me = Viewer::new(&state.me, &state.my_teams);
    state
        .sections
        .iter()
        .take(queue::MAX_SECTIONS)
        .enumerate()
        .fold(0, |bits, (k, s)| {
            let inside = s.contains(row, me, state.now);
            bits | (u16::from(inside) << k)
        })
}

fn section_bit(index: usize) -> u16 {
    if index < queue::MAX_SECTIONS {
        1 << index
    } else {
        0
    }
}

/// Count a row in (`add`) or out of the sections of `bits`.
fn count_bits(counts: &mut [usize], bits: u16, add: bool) {
    for (k, n) in counts.iter_mut().enumerate() {
        if bits & section_bit(k) != 0 {
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
        }
    }
}

/// Every row's sections, from scratch: at load, when the sections change,
/// and each minute if a section reads the clock. Field terms cost a few
/// comparisons a row, so 100k rows and nine sections take a few ms.
fn recount(state: &mut State) {
    let mut counts = vec![0usize; state.sections.len()];
    let mut bits = Vec::with_capacity(state.rows.len());
    for row in state.rows.iter() {
        let inside = sections_of(state, row);
        count_bits(&mut counts, inside, true);
        bits.push(inside);
    }
    state.counts = counts;
    state.section_bits = bits;
}

/// Put a saved row in place without re-sorting the queue: if its urgency
/// changed, move it by binary search; redo routing, counts, the view and the
/// filter only when what changed can affect them. A verdict touches none of
/// them, so `b` and `g` cost a lookup, not a pass over every row.
pub(super) fn place(state: &mut State, row: QueueRow, keep: Option<String>) -> Vec<Effect> {
    let selected = state.visible.get(state.cursor).copied();
    let found = selected
        .filter(|&i| state.rows.get(i).is_some_and(|r| r.id == row.id))
        .or_else(|| state.rows.position(&row.id));
    match put(state, row, found) {
        Some(placed) => settle(state, placed, keep),
        None => Vec::new(),
    }
}

/// What putting rows in place disturbed, so it is redone once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Placed {
    /// Its place in the urgency order.
    moved: bool,
    /// Who routing would hand unassigned work to.
    routed: bool,
    /// Which sections it is in.
    resectioned: bool,
}

impl Placed {
    fn or(self, other: Placed) -> Placed {
        Placed {
            moved: self.moved || other.moved,
            routed: self.routed || other.routed,
            resectioned: self.resectioned || other.resectioned,
        }
    }
}

/// Put `row` at index `found` (its old place), or add it: the order and
/// the counts kept in step; routing, the filter and the view left to
/// `settle`.
fn put(state: &mut State, row: QueueRow, found: Option<usize>) -> Option<Placed> {
    let at = state.sorted_at;
    let (moved, routed, resectioned) = match found {
        Some(i) => {
            let old = state.rows.get(i)?;
            let moved = !queue::same_urgency(old, &row);
            let routed = !queue::same_routing(old, &row);
            // What the counts hold for the old row is its cached bits, even
            // if a section reading the clock would answer otherwise now.
            let was = state.section_bits.get(i).copied().unwrap_or(0);
            let now_in = sections_of(state, &row);
            if moved {
                let rows = &state.rows;
                let pos = state
                    .order
                    .binary_search_by(|&j| queue::urgency(&rows[j as usize], old, at))
                    .ok()
                    .filter(|&p| state.order[p] as usize == i)
                    .or_else(|| state.order.iter().position(|&j| j as usize == i));
                if let Some(p) = pos {
                    state.order.remove(p);
                }
            }
            count_bits(&mut state.counts, was, false);
            count_bits(&mut state.counts, now_in, true);
            if let Some(slot) = state.rows.get_mut(i) {
                *slot = row;
            }
            if let Some(bits) = state.section_bits.get_mut(i) {
                *bits = now_in;
            }
            if moved {
                let p = queue::insert_position(&state.order, &state.rows, &state.rows[i], at);
                state.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
            }
            (
                moved,
                routed || (moved && state.rows[i].assignee.is_none()),
                was != now_in,
            )
        }
        None => {
            let inside = sections_of(state, &row);
            count_bits(&mut state.counts, inside, true);
            state.section_bits.push(inside);
            let p = queue::insert_position(&state.order, &state.rows, &row, at);
            let i = state.rows.push(row);
            state.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
            (true, true, true)
        }
    };
    Some(Placed {
        moved,
        routed,
        resectioned,
    })
}

/// Redo what `put` disturbed: routing, the filter, the view.
fn settle(state: &mut State, placed: Placed, keep: Option<String>) -> Vec<Effect> {
    if placed.routed {
        reroute(state);
    }
    let filtered = !state.filter.query.is_empty();
    let effects = if filtered {
        refresh_filter(state)
    } else {
        Vec::new()
    };
    if placed.moved || placed.resectioned || filtered {
        rebuild_view(state, keep);
    }
    effects
}

/// Start the filter over the queue as it is now. Small queues are filtered
/// inline by `rebuild_view`; longer ones off the UI thread, and until the
/// answer comes back the last result stays on screen.
pub(super) fn refresh_filter(state: &mut State) -> Vec<Effect> {
    // A run still in flight answers for an older queue or query: drop it.
    state.filter.generation += 1;
    if state.filter.query.is_empty() || state.rows.len() <= state.filter_inline_rows {
        state.filter.hits = None;
        state.filter.running = false;
        return Vec::new();
    }
    state.filter.running = true;
    // Only the rows of the section on screen are looked at (all of them
    // in All): in Mine, a few dozen, however long the history.
    let bit = section_bit(state.section);
    let whole = state.section_count(state.section) >= state.rows.len();
    let within = (!whole).then(|| {
        state
            .section_bits
            .iter()
            .enumerate()
            .filter(|&(_, b)| b & bit != 0)
            .map(|(i, _)| i)
            .collect()
    });
    vec![Effect::Filter {
        generation: state.filter.generation,
        snapshot: Box::new(Snapshot {
            query: state.filter.query.clone(),
            rows: state.rows.clone(),
            order: state.order.clone(),
            within,
            me: state.me.clone(),
            my_teams: state.my_teams.clone(),
            now: state.now,
        }),
    }]
}

/// Rebuild the visible rows from the order (or the filter's result) and the
/// section; keep the cursor on `keep` when it is still visible, otherwise at
/// the same position.
pub(super) fn rebuild_view(state: &mut State, keep: Option<String>) {
    // The row to keep, by index: found once, not by comparing the id of
    // every visible row (on 100k rows, a cache miss each).
    let keep = keep.and_then(|id| {
        let selected = state.visible.get(state.cursor).copied();
        selected
            .filter(|&i| state.rows.get(i).is_some_and(|r| r.id == id))
            .or_else(|| state.rows.position(&id))
    });
    let me = Viewer::new(&state.me, &state.my_teams);
    let bit = section_bit(state.section);
    let rows = &state.rows;
    let sections = &state.section_bits;
    let in_section = |&i: &usize| sections.get(i).is_some_and(|b| b & bit != 0);
    let in_order = || state.order.iter().map(|&i| i as usize);
    let query = &state.filter.query;
    // Whether `visible` is the answer to the text as typed now.
    let mut current = true;
    state.visible = if query.is_empty() {
        in_order().filter(in_section).collect()
    } else if let Some(hits) = &state.filter.hits {
        current = !state.filter.running;
        hits.iter().copied().filter(in_section).collect()
    } else if rows.len() <= state.filter_inline_rows {
        filter::matching(query, rows, &state.order, me, state.now, 1, &|| false)
            .unwrap_or_default()
            .into_iter()
            .filter(in_section)
            .collect()
    } else {
        // The first result is still being worked out: show the section.
        current = false;
        in_order().filter(in_section).collect()
    };
    // The best match before another column's sort moves it.
    let best = state.visible.first().copied();
    super::sort::apply(state);
    let jump = state.filter.jump && current && !state.filter.query.is_empty();
    let keep = if jump {
        state.filter.jump = false;
        best
    } else {
        keep
    };
    if let Some(pos) = keep.and_then(|k| state.visible.iter().position(|&i| i == k)) {
        state.cursor = pos;
    }
    state.cursor = state.cursor.min(state.visible.len().saturating_sub(1));
    keep_cursor_visible(state);
}
