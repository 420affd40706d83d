//! The visible list: the section shown, after the filter and the column
//! sort, with the cursor kept on its row; and starting the filter over the
//! queue when it must run off the UI thread.

use super::change::section_bit;
use super::{Lens, QueueView, Refilter};
use crate::domain::filter::{self, Snapshot};

impl QueueView {
    /// Show the section `lens.section` from its top. A filter off the UI
    /// thread ran over the old section's rows only, so it runs again.
    pub fn select_section(&mut self, mut lens: Lens<'_>) -> Refilter {
        self.cursor = 0;
        self.offset = 0;
        let refilter = if lens.filter.query.is_empty() {
            Refilter::default()
        } else {
            self.restart_filter(&mut lens)
        };
        self.rebuild_with(&mut lens, None);
        refilter
    }

    /// The sections in force changed: count every row again and show the
    /// first from its top.
    pub fn set_sections(&mut self, mut lens: Lens<'_>) {
        self.cursor = 0;
        self.offset = 0;
        self.recount(&lens);
        self.rebuild_with(&mut lens, None);
    }

    /// The query in force changed: start it over the queue, and rebuild the
    /// view keeping the selection (or jumping to the best match).
    pub fn refilter(&mut self, mut lens: Lens<'_>) -> Refilter {
        let refilter = self.restart_filter(&mut lens);
        let keep = self.selected().map(|r| r.id.clone());
        self.rebuild_with(&mut lens, keep);
        refilter
    }

    /// Rebuild the visible rows from the order (or the filter's result) and
    /// the section; keep the cursor on `keep` when it is still visible,
    /// otherwise at the same position.
    pub fn rebuild(&mut self, mut lens: Lens<'_>, keep: Option<String>) {
        self.rebuild_with(&mut lens, keep);
    }

    pub(super) fn rebuild_with(&mut self, lens: &mut Lens<'_>, keep: Option<String>) {
        // The row to keep, by index: found once, not by comparing the id of
        // every visible row (on 100k rows, a cache miss each).
        let keep = keep.and_then(|id| {
            let selected = self.visible.get(self.cursor).copied();
            selected
                .filter(|&i| self.rows.get(i).is_some_and(|r| r.id == id))
                .or_else(|| self.rows.position(&id))
        });
        let bit = section_bit(lens.section);
        let rows = &self.rows;
        let sections = &self.section_bits;
        let in_section = |&i: &usize| sections.get(i).is_some_and(|b| b & bit != 0);
        let in_order = || self.order.iter().map(|&i| i as usize);
        let query = &lens.filter.query;
        // Whether `visible` is the answer to the text as typed now.
        let mut current = true;
        self.visible = if query.is_empty() {
            in_order().filter(in_section).collect()
        } else if let Some(hits) = &lens.filter.hits {
            current = !lens.filter.running;
            hits.iter().copied().filter(in_section).collect()
        } else if rows.len() <= lens.filter_inline_rows {
            filter::matching(query, rows, &self.order, lens.me, lens.now, 1, &|| false)
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
        let best = self.visible.first().copied();
        super::super::sort::apply(lens.sort, &self.rows, &mut self.visible);
        let jump = lens.filter.jump && current && !lens.filter.query.is_empty();
        let keep = if jump {
            lens.filter.jump = false;
            best
        } else {
            keep
        };
        if let Some(pos) = keep.and_then(|k| self.visible.iter().position(|&i| i == k)) {
            self.cursor = pos;
        }
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
        self.scroll_to_cursor(lens.lines);
    }

    /// Start the filter over the queue as it is now. Small queues are
    /// filtered inline by `rebuild`; longer ones off the UI thread, and
    /// until the answer comes back the last result stays on screen.
    pub(super) fn restart_filter(&self, lens: &mut Lens<'_>) -> Refilter {
        let filter = &mut *lens.filter;
        // A run still in flight answers for an older queue or query: drop it.
        filter.generation += 1;
        if filter.query.is_empty() || self.rows.len() <= lens.filter_inline_rows {
            filter.hits = None;
            filter.running = false;
            return Refilter::default();
        }
        filter.running = true;
        // Only the rows of the section on screen are looked at (all of them
        // in All): in Mine, a few dozen, however long the history.
        let bit = section_bit(lens.section);
        let whole = self.count(lens.section) >= self.rows.len();
        let within = (!whole).then(|| {
            self.section_bits
                .iter()
                .enumerate()
                .filter(|&(_, b)| b & bit != 0)
                .map(|(i, _)| i)
                .collect()
        });
        Refilter(Some(Box::new(Snapshot {
            query: filter.query.clone(),
            rows: self.rows.clone(),
            order: self.order.clone(),
            within,
            me: lens.me.name.to_string(),
            my_teams: lens.me.teams.to_vec(),
            now: lens.now,
        })))
    }
}
