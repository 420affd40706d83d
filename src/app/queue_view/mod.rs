//! The queue as shown: every row, the urgency order, each row's sections
//! and their counts, routing, and the visible list with its cursor.
//!
//! The invariant `QueueView` keeps: `order` holds every index into `rows`
//! once, sorted by urgency as of `sorted_at`; `section_bits` and `counts`
//! answer for the rows and sections in force; `routes` for the unassigned
//! open rows; `visible` is the section shown, after the filter and the
//! column sort; and `cursor` indexes `visible` (0 when it is empty), with
//! `offset` keeping it on screen. The fields are private so that every
//! change goes through a method that redoes what it disturbs. What the
//! queue is seen through (who I am, the clock, the sections, the filter)
//! is not its own: it is lent to each change as a [`Lens`].

mod change;
mod rebuild;

pub use change::Merged;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::sort::SortKey;
use super::state::FilterState;
use crate::domain::agent::Agent;
use crate::domain::filter::{Snapshot, Viewer};
use crate::domain::queue::{QueueRow, Rows, Section};
use crate::domain::routing::Route;

#[derive(Debug, Clone)]
pub struct QueueView {
    /// Every handoff, in load order (new ones appended). Indices into it are
    /// stable, so `order`, `visible` and filter results can refer to rows.
    rows: Rows,
    /// Indices into `rows` in urgency order as of `sorted_at`.
    order: Vec<u32>,
    /// The clock `order` was sorted with; rows moved between full sorts are
    /// placed with the same clock, so the order stays consistent.
    sorted_at: DateTime<Utc>,
    /// The sections each row is in, one bit per entry of the sections in
    /// force, by index into `rows`: building the visible list reads these
    /// bits instead of every row (on 100k rows, a cache miss each).
    section_bits: Vec<u16>,
    /// Who routing would hand each unassigned open handoff to, by index
    /// into `rows`.
    routes: HashMap<u32, Route>,
    /// Handoffs per section (before the filter), by index into the
    /// sections in force.
    counts: Vec<usize>,
    /// Indices into `rows` of the current section after the filter.
    visible: Vec<usize>,
    /// Index into `visible`.
    cursor: usize,
    /// First visible list line.
    offset: usize,
}

/// What the queue is seen through, lent by `State` to each change: the
/// queue keeps no pointer back to it.
#[derive(Debug)]
pub struct Lens<'a> {
    /// Who is looking (for `assignee:me`, `team:mine`).
    pub me: Viewer<'a>,
    pub now: DateTime<Utc>,
    /// Who routing may pick.
    pub agents: &'a [Agent],
    /// The sections in force, in tab order.
    pub sections: &'a [Section],
    /// Index into `sections` of the one shown.
    pub section: usize,
    /// The filter in force; the queue starts its runs and takes its jumps.
    pub filter: &'a mut FilterState,
    /// Queues longer than this are filtered off the UI thread.
    pub filter_inline_rows: usize,
    pub sort: SortKey,
    /// Queue lines on screen, to keep the cursor in view.
    pub lines: usize,
}

/// A filter run the queue needs off the UI thread (it is too long to
/// filter inline); `State` turns it into an effect.
#[must_use = "a long queue is filtered off the UI thread: ask for the run"]
#[derive(Debug, Default)]
pub struct Refilter(Option<Box<Snapshot>>);

impl Refilter {
    /// The queue as the run is to see it, if one is needed.
    pub fn snapshot(self) -> Option<Box<Snapshot>> {
        self.0
    }
}

/// How much the index has allocated, for measuring its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub order: usize,
    pub visible: usize,
    pub routes: usize,
}

impl QueueView {
    /// An empty queue with `sections` sections (nothing is loaded yet).
    pub fn new(now: DateTime<Utc>, sections: usize) -> QueueView {
        QueueView {
            rows: Rows::new(),
            order: Vec::new(),
            sorted_at: now,
            section_bits: Vec::new(),
            routes: HashMap::new(),
            counts: vec![0; sections],
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
        }
    }

    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    /// Indices into `rows()` in urgency order as of `sorted_at()`.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    pub fn sorted_at(&self) -> DateTime<Utc> {
        self.sorted_at
    }

    /// Bit k of entry i: row i is in section k.
    pub fn section_bits(&self) -> &[u16] {
        &self.section_bits
    }

    /// Every route, by index into `rows()`.
    pub fn routes(&self) -> &HashMap<u32, Route> {
        &self.routes
    }

    /// Who routing would hand row `i` (an index into `rows()`) to.
    pub fn route(&self, i: usize) -> Option<&Route> {
        u32::try_from(i).ok().and_then(|i| self.routes.get(&i))
    }

    /// Handoffs per section (before the filter).
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// Handoffs in section `index` (before the filter).
    pub fn count(&self, index: usize) -> usize {
        self.counts.get(index).copied().unwrap_or(0)
    }

    /// Indices into `rows()` of the rows shown, in display order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// The visible rows, in display order.
    pub fn visible_rows(&self) -> impl Iterator<Item = &QueueRow> {
        self.visible.iter().filter_map(|&i| self.rows.get(i))
    }

    /// Index into `visible()` of the selection.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// First visible list line.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&QueueRow> {
        self.visible
            .get(self.cursor)
            .and_then(|&i| self.rows.get(i))
    }

    /// Where the row with `id` is in `visible()`, if it is shown.
    pub fn visible_position(&self, id: &str) -> Option<usize> {
        self.visible
            .iter()
            .position(|&i| self.rows.get(i).is_some_and(|r| r.id == id))
    }

    pub fn capacity(&self) -> Capacity {
        Capacity {
            order: self.order.capacity(),
            visible: self.visible.capacity(),
            routes: self.routes.capacity(),
        }
    }

    /// Move the selection by `delta` rows, clamped to the visible list, and
    /// keep it in view. False (and nothing moves) when no row is shown.
    pub fn move_cursor(&mut self, delta: isize, lines: usize) -> bool {
        if self.visible.is_empty() {
            return false;
        }
        let last = self.visible.len() as isize - 1;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last) as usize;
        self.scroll_to_cursor(lines);
        true
    }

    /// Select the row at `pos` of the visible list (clamped to it), and
    /// keep it in view.
    pub fn set_cursor(&mut self, pos: usize, lines: usize) {
        self.cursor = pos.min(self.visible.len().saturating_sub(1));
        self.scroll_to_cursor(lines);
    }

    /// Scroll so the cursor is on screen in a list of `lines` lines, and no
    /// further than the last page.
    pub fn scroll_to_cursor(&mut self, lines: usize) {
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + lines {
            self.offset = self.cursor + 1 - lines;
        }
        let max_offset = self.visible.len().saturating_sub(lines);
        self.offset = self.offset.min(max_offset);
    }

    /// Counts for a test of drawing alone, with no rows behind them.
    #[cfg(test)]
    pub(crate) fn set_counts(&mut self, counts: Vec<usize>) {
        self.counts = counts;
    }
}
