//! Rows in and out of the queue: a whole load, the resolved history after
//! it, a saved row put in place, rows another process changed, and the
//! minute's re-sort. Each keeps the order, routing, the section counts and
//! the visible list in step.

use super::{Lens, QueueView, Refilter};
use crate::domain::filter::Viewer;
use crate::domain::queue::{self, Builtin, QueueRow, Rows, Section};
use crate::domain::routing;

/// What merging rows another process changed did.
#[derive(Debug, Default)]
pub struct Merged {
    /// The filter run the merge needs, if any.
    pub refilter: Refilter,
    /// A row was not as the queue had it.
    pub changed: bool,
    /// The selected row was one of them.
    pub selected_changed: bool,
    /// Rows that were not in my queue and now are.
    pub arrived: Vec<QueueRow>,
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

impl QueueView {
    /// The whole queue anew, in load order, then sorted, routed and counted.
    pub fn load(&mut self, rows: Vec<QueueRow>, mut lens: Lens<'_>) -> Refilter {
        self.order = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
        self.rows = Rows::from(rows);
        self.resort_with(&mut lens, true)
    }

    /// The resolved history after the open handoffs. They sort after every
    /// open one: what is on screen stays where it is, and the selection is
    /// kept.
    pub fn load_rest(&mut self, rows: Vec<QueueRow>, mut lens: Lens<'_>) -> Refilter {
        for row in rows {
            let i = self.rows.push(row);
            self.order.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        self.resort_with(&mut lens, true)
    }

    /// Sort by urgency, re-route, recount (when `recount_all`: new rows, a
    /// section that reads the clock, or new teams) and rebuild the view,
    /// keeping the selection. After a minute the order is nearly sorted
    /// already (about one comparison a row); from load order, 100k rows
    /// take ~4 ms.
    pub fn resort(&mut self, mut lens: Lens<'_>, recount_all: bool) -> Refilter {
        self.resort_with(&mut lens, recount_all)
    }

    fn resort_with(&mut self, lens: &mut Lens<'_>, recount_all: bool) -> Refilter {
        let keep = self.selected().map(|r| r.id.clone());
        self.sorted_at = lens.now;
        queue::sort_order(&mut self.order, &self.rows, self.sorted_at);
        self.reroute(lens);
        if recount_all {
            self.recount(lens);
        }
        let refilter = self.restart_filter(lens);
        self.rebuild_with(lens, keep);
        refilter
    }

    /// Put a saved row in place without re-sorting the queue, keeping the
    /// selection: if its urgency changed, move it by binary search; redo
    /// routing, counts, the view and the filter only when what changed can
    /// affect them. A verdict touches none of them, so `b` and `g` cost a
    /// lookup, not a pass over every row.
    pub fn place(&mut self, row: QueueRow, mut lens: Lens<'_>) -> Refilter {
        let keep = self.selected().map(|r| r.id.clone());
        let selected = self.visible.get(self.cursor).copied();
        let found = selected
            .filter(|&i| self.rows.get(i).is_some_and(|r| r.id == row.id))
            .or_else(|| self.rows.position(&row.id));
        match self.put(row, found, &lens) {
            Some(placed) => self.settle(&mut lens, placed, keep),
            None => Refilter::default(),
        }
    }

    /// Rows another process changed, merged as a saved row is (`place`),
    /// with routing, the filter and the view redone once for the lot. A row
    /// the queue already has as it is (the echo of a write of ours) changes
    /// nothing. With `regroup` (whose teams are mine, or who routing may
    /// pick, changed) everything is re-sorted and recounted.
    pub fn merge(&mut self, rows: Vec<QueueRow>, mut lens: Lens<'_>, regroup: bool) -> Merged {
        let keep = self.selected().map(|r| r.id.clone());
        // Where each id is: one pass for a batch, not a scan a row.
        let mut index: Option<std::collections::HashMap<String, usize>> =
            (rows.len() > 4).then(|| {
                (self.rows.iter().enumerate())
                    .map(|(i, r)| (r.id.clone(), i))
                    .collect()
            });
        let mine = Section::builtin(Builtin::Mine);
        let mut merged = Merged::default();
        let mut placed = Placed::default();
        for row in rows {
            let found = match &index {
                Some(index) => index.get(row.id.as_str()).copied(),
                None => self.rows.position(&row.id),
            };
            let old = found.and_then(|i| self.rows.get(i));
            if old.is_some_and(|old| *old == row) {
                continue;
            }
            let was_mine = old.is_some_and(|old| mine.contains(old, lens.me, lens.now));
            if !was_mine && mine.contains(&row, lens.me, lens.now) {
                merged.arrived.push(row.clone());
            }
            merged.changed = true;
            merged.selected_changed |= keep.as_deref() == Some(row.id.as_str());
            let id = index.is_some().then(|| row.id.clone());
            let Some(p) = self.put(row, found, &lens) else {
                continue;
            };
            if let (Some(index), Some(id), None) = (index.as_mut(), id, found) {
                index.insert(id, self.rows.len() - 1);
            }
            placed = placed.or(p);
        }
        if regroup {
            merged.refilter = self.resort_with(&mut lens, true);
        } else if merged.changed {
            merged.refilter = self.settle(&mut lens, placed, keep);
        }
        merged
    }

    /// Put `row` at index `found` (its old place), or add it: the order and
    /// the counts kept in step; routing, the filter and the view left to
    /// `settle`.
    fn put(&mut self, row: QueueRow, found: Option<usize>, lens: &Lens<'_>) -> Option<Placed> {
        let at = self.sorted_at;
        let (moved, routed, resectioned) = match found {
            Some(i) => {
                let old = self.rows.get(i)?;
                let moved = !queue::same_urgency(old, &row);
                let routed = !queue::same_routing(old, &row);
                // What the counts hold for the old row is its cached bits,
                // even if a section reading the clock would answer otherwise
                // now.
                let was = self.section_bits.get(i).copied().unwrap_or(0);
                let now_in = sections_of(lens, &row);
                if moved {
                    let rows = &self.rows;
                    let pos = self
                        .order
                        .binary_search_by(|&j| queue::urgency(&rows[j as usize], old, at))
                        .ok()
                        .filter(|&p| self.order[p] as usize == i)
                        .or_else(|| self.order.iter().position(|&j| j as usize == i));
                    if let Some(p) = pos {
                        self.order.remove(p);
                    }
                }
                count_bits(&mut self.counts, was, false);
                count_bits(&mut self.counts, now_in, true);
                if let Some(slot) = self.rows.get_mut(i) {
                    *slot = row;
                }
                if let Some(bits) = self.section_bits.get_mut(i) {
                    *bits = now_in;
                }
                if moved {
                    let p = queue::insert_position(&self.order, &self.rows, &self.rows[i], at);
                    self.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
                }
                (
                    moved,
                    routed || (moved && self.rows[i].assignee.is_none()),
                    was != now_in,
                )
            }
            None => {
                let inside = sections_of(lens, &row);
                count_bits(&mut self.counts, inside, true);
                self.section_bits.push(inside);
                let p = queue::insert_position(&self.order, &self.rows, &row, at);
                let i = self.rows.push(row);
                self.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
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
    fn settle(&mut self, lens: &mut Lens<'_>, placed: Placed, keep: Option<String>) -> Refilter {
        if placed.routed {
            self.reroute(lens);
        }
        let filtered = !lens.filter.query.is_empty();
        let refilter = if filtered {
            self.restart_filter(lens)
        } else {
            Refilter::default()
        };
        if placed.moved || placed.resectioned || filtered {
            self.rebuild_with(lens, keep);
        }
        refilter
    }

    fn reroute(&mut self, lens: &Lens<'_>) {
        let rows = &self.rows;
        // Which rows wait for routing, found front to back; then only those
        // are read again, in urgency order (100k rows read in that order are
        // a cache miss each).
        let waiting: Vec<bool> = rows
            .iter()
            .map(|r| r.is_open() && r.assignee.is_none())
            .collect();
        let in_order = self
            .order
            .iter()
            .filter(|&&i| waiting.get(i as usize).copied().unwrap_or(false))
            .filter_map(|&i| Some((i, rows.get(i as usize)?)));
        self.routes = routing::route_split(rows.iter(), in_order, lens.agents)
            .into_iter()
            .collect();
    }

    /// Every row's sections, from scratch: at load, when the sections
    /// change, and each minute if a section reads the clock. Field terms
    /// cost a few comparisons a row, so 100k rows and nine sections take a
    /// few ms.
    pub(super) fn recount(&mut self, lens: &Lens<'_>) {
        let mut counts = vec![0usize; lens.sections.len()];
        let mut bits = Vec::with_capacity(self.rows.len());
        for row in self.rows.iter() {
            let inside = sections_of(lens, row);
            count_bits(&mut counts, inside, true);
            bits.push(inside);
        }
        self.counts = counts;
        self.section_bits = bits;
    }
}

/// The bits of the sections `row` is in (bit k: `lens.sections[k]`), as
/// kept in `QueueView::section_bits`.
fn sections_of(lens: &Lens<'_>, row: &QueueRow) -> u16 {
    let me: Viewer<'_> = lens.me;
    lens.sections
        .iter()
        .take(queue::MAX_SECTIONS)
        .enumerate()
        .fold(0, |bits, (k, s)| {
            let inside = s.contains(row, me, lens.now);
            bits | (u16::from(inside) << k)
        })
}

pub(super) fn section_bit(index: usize) -> u16 {
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
