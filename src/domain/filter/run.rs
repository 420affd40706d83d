//! Filtering a whole queue: what the filter worker runs off the UI thread
//! (and `update` inline on small queues), split over threads, best matches
//! first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::{Query, Scorer, Viewer};
use crate::domain::queue::Rows;

/// Everything one filter run needs, owned, so it can run on another thread
/// while the screen goes on showing the last result.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub query: Query,
    /// A snapshot of the queue: cloning [`Rows`] copies pointers, not rows.
    pub rows: Rows,
    /// Indices into `rows` in urgency order.
    pub order: Vec<u32>,
    /// The rows to look at, in storage order (the section on screen);
    /// `None`: all of them.
    pub within: Option<Vec<usize>>,
    pub me: String,
    /// The viewer's teams, for `team:mine`.
    pub my_teams: Vec<String>,
    pub now: DateTime<Utc>,
}

impl Snapshot {
    /// Whether every row this run would match is among `earlier`'s
    /// matches: the same queue, viewer and clock, and a query that narrows
    /// the earlier one (a word typed on, a term added).
    pub fn narrows(&self, earlier: &Snapshot) -> bool {
        self.query.narrows(&earlier.query)
            && self.within == earlier.within
            && self.rows.same(&earlier.rows)
            && (self.now == earlier.now || !self.query.uses_clock())
            && self.me == earlier.me
            && self.my_teams == earlier.my_teams
            && self.order == earlier.order
    }
}

/// Read the text of every row once, front to back, as a run would: done
/// when the filter opens, so the first letter's run (a full scan) finds the
/// rows in the caches rather than in memory gone cold while the agent read.
/// Returns a sum of the bytes, so the reads are not optimised away.
pub fn warm(rows: &Rows) -> u64 {
    let sum = |t: &str| t.bytes().fold(0u64, |a, b| a.wrapping_add(u64::from(b)));
    rows.iter().fold(0u64, |total, r| {
        let issue = r.issue.as_deref().map_or(0, sum);
        total.wrapping_add(sum(&r.id)).wrapping_add(issue)
    })
}

/// Rows per check of `cancelled`: a superseded run stops within ~0.5 ms.
const CANCEL_EVERY: usize = 2048;

/// How many rows ahead a scan asks for a row's text.
const AHEAD: usize = 8;

/// Rows per piece of work handed to a thread.
const PIECE: usize = 4096;

/// Every row of `snap` the query matches; see [`matching`].
pub fn run(
    snap: &Snapshot,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<usize>> {
    narrowed(snap, None, threads, cancelled).map(|m| m.ranked)
}

/// What one run found.
#[derive(Debug, Clone, PartialEq)]
pub struct Matches {
    /// Indices into the rows, best match first (see [`matching`]).
    pub ranked: Vec<usize>,
    /// The same rows in storage order: what a later run that narrows this
    /// one looks at, reading memory front to back.
    pub stored: Vec<usize>,
}

/// As [`run`], looking only at `within` (indices into `snap.rows`, in
/// storage order) when given: the matches of an earlier run that `snap`
/// narrows (see [`Snapshot::narrows`]), so each letter typed on scans fewer
/// rows. Else the snapshot's own rows to look at.
pub fn narrowed(
    snap: &Snapshot,
    within: Option<&[usize]>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Matches> {
    let me = Viewer::new(&snap.me, &snap.my_teams);
    let within = within.or(snap.within.as_deref());
    scan(
        &snap.query,
        &snap.rows,
        &snap.order,
        within,
        me,
        snap.now,
        threads,
        cancelled,
    )
}

/// Every row the query matches, as indices into `rows`: best match first
/// when the query has words, else (and among equals) in `order`. Splits the
/// work over up to `threads` threads. `None` when `cancelled` turned true
/// (a newer query is waiting).
///
/// Rows are scored in storage order, not urgency order: their text then
/// comes from memory in the order it was allocated, which on 100k rows is
/// about 40% faster than chasing it in urgency order. The result is put in
/// urgency order afterwards, from a score per row.
pub fn matching<'v>(
    query: &Query,
    rows: &Rows,
    order: &[u32],
    me: impl Into<Viewer<'v>>,
    now: DateTime<Utc>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<usize>> {
    scan(query, rows, order, None, me.into(), now, threads, cancelled).map(|m| m.ranked)
}

#[allow(clippy::too_many_arguments)]
fn scan(
    query: &Query,
    rows: &Rows,
    order: &[u32],
    within: Option<&[usize]>,
    me: Viewer<'_>,
    now: DateTime<Utc>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Matches> {
    let count = within.map_or(rows.len(), <[usize]>::len);
    let row_at = |p: usize| within.map_or(Some(p), |w| w.get(p).copied());
    // score + 1 per row looked at; 0 = no match.
    let mut found = vec![0u32; count];
    let threads = threads.clamp(1, 8);
    // Work is handed out in pieces from a shared list, not in one half per
    // thread: a thread that starts late or is preempted then costs only its
    // current piece, not half the run.
    let pieces: Vec<(usize, &mut [u32])> = found
        .chunks_mut(PIECE)
        .enumerate()
        .map(|(k, out)| (k * PIECE, out))
        .collect();
    let threads = threads.min(pieces.len()).max(1);
    let work = Mutex::new(pieces);
    let stopped = AtomicBool::new(false);
    let scan = || {
        let mut scorer = Scorer::for_run();
        loop {
            let next = match work.lock() {
                Ok(mut list) => list.pop(),
                Err(_) => None,
            };
            let Some((first, out)) = next else {
                return;
            };
            for (n, slot) in out.iter_mut().enumerate() {
                if n % CANCEL_EVERY == 0 && (stopped.load(Ordering::Relaxed) || cancelled()) {
                    stopped.store(true, Ordering::Relaxed);
                    return;
                }
                // Ask for a later row's text now: its reads then overlap
                // this row's work instead of stalling when it comes up.
                if let Some(ahead) = row_at(first + n + AHEAD).and_then(|i| rows.get(i)) {
                    std::hint::black_box((
                        ahead.id.as_bytes().first(),
                        ahead
                            .issue
                            .as_deref()
                            .map(str::as_bytes)
                            .and_then(<[u8]>::first),
                    ));
                }
                if let Some(row) = row_at(first + n).and_then(|i| rows.get(i)) {
                    *slot = query
                        .score(row, me, now, &mut scorer)
                        .map_or(0, |s| s.saturating_add(1));
                }
            }
        }
    };
    if threads == 1 {
        scan();
    } else {
        std::thread::scope(|s| {
            let helpers: Vec<_> = (1..threads).map(|_| s.spawn(scan)).collect();
            scan();
            for h in helpers {
                // A helper that panicked leaves its piece unscored: no
                // partial results.
                if h.join().is_err() {
                    stopped.store(true, Ordering::Relaxed);
                }
            }
        });
    }
    if stopped.load(Ordering::Relaxed) {
        return None;
    }
    // One score per row of the queue, to read in urgency order.
    let scores = match within {
        None => found,
        Some(within) => {
            let mut scores = vec![0u32; rows.len()];
            for (&i, &s) in within.iter().zip(&found) {
                if let Some(slot) = scores.get_mut(i) {
                    *slot = s;
                }
            }
            scores
        }
    };
    let stored = scores
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s > 0)
        .map(|(i, _)| i)
        .collect();
    let matched = |i: u32| scores.get(i as usize).copied().unwrap_or(0);
    let ranked = if query.ranks() {
        let hits: Vec<(u32, u32)> = order
            .iter()
            .filter_map(|&i| Some((matched(i).checked_sub(1)?, i)))
            .collect();
        best_first(hits)
    } else {
        order
            .iter()
            .filter(|&&i| matched(i) > 0)
            .map(|&i| i as usize)
            .collect()
    };
    Some(Matches { ranked, stored })
}

/// Highest score first, equal scores in the order given (urgency). Scores
/// are small numbers, so this counts them rather than sorting: on 100k
/// matches a comparison sort took a few milliseconds of the keystroke.
fn best_first(hits: Vec<(u32, u32)>) -> Vec<usize> {
    let top = hits.iter().map(|&(s, _)| s).max().unwrap_or(0) as usize;
    if top > 1 << 16 {
        let mut hits = hits;
        hits.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
        return hits.into_iter().map(|(_, i)| i as usize).collect();
    }
    // Bucket b holds score top - b; `next[b]` is where its next row goes.
    let mut next = vec![0usize; top + 2];
    for &(s, _) in &hits {
        next[top - s as usize + 1] += 1;
    }
    for b in 1..next.len() {
        next[b] += next[b - 1];
    }
    let mut out = vec![0usize; hits.len()];
    for &(s, i) in &hits {
        let b = top - s as usize;
        out[next[b]] = i as usize;
        next[b] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_first_keeps_the_given_order_among_equals() {
        let hits = vec![(1, 10), (3, 11), (1, 12), (3, 13), (0, 14)];
        assert_eq!(best_first(hits), vec![11, 13, 10, 12, 14]);
        assert!(best_first(Vec::new()).is_empty());
        // Scores too spread out to count go through a sort, same answer.
        let spread = vec![(1 << 20, 1), (5, 2), (1 << 20, 3)];
        assert_eq!(best_first(spread), vec![1, 3, 2]);
    }
}
