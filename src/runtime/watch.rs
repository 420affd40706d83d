//! The queue's first load, and then, for the local store, other processes'
//! writes brought to the running workspace: `handoff import`, `handoff tag`,
//! `handoff team`, a second workspace on the same data dir.
//!
//! One thread with a read connection of its own loads the queue, then every
//! `POLL` asks SQLite whether any other connection committed
//! (`PRAGMA data_version`: shared memory, no read of the file). Only then
//! does it read the change counter, and only if that moved the rows stamped
//! after the number it last saw (see `store::changes`). Nothing is sent while
//! nothing changes, so an idle workspace neither redraws nor wakes its loop.
//! The UI thread never waits on any of it.
//!
//! Our own writes come round too (our connection is "another" to the
//! watcher's). `OwnWrites` drops them before `update` sees them: the `Saved`
//! event already showed each, and a row read before one of our writes is
//! older than what the screen shows.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Event, State};
use crate::domain::queue::QueueRow;
use crate::store::{Changes, Part, Store};

/// How often the watcher asks whether anything changed.
pub const POLL: Duration = Duration::from_millis(1000);

/// More changed rows than this reload the queue instead of being merged
/// one by one (each merge moves a slice of the order; a reload sorts once).
pub const MERGE_LIMIT: usize = 1000;

/// Load the queue on a thread and connection of their own and send it as
/// `Event::Loaded`; then, if `watch` says so (no answer: no), send other
/// processes' changes on `changes` until the workspace closes.
pub fn spawn(
    database: PathBuf,
    watch: std::sync::mpsc::Receiver<bool>,
    events: UnboundedSender<Event>,
    changes: UnboundedSender<Changes>,
) {
    let spawned = std::thread::Builder::new()
        .name("load-watch".into())
        .spawn(move || run(&database, watch, &events, &changes));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no loader thread");
    }
}

fn run(
    database: &std::path::Path,
    watch: std::sync::mpsc::Receiver<bool>,
    events: &UnboundedSender<Event>,
    changes: &UnboundedSender<Changes>,
) {
    // Only reads: the workspace has opened (and, unless read-only, set up
    // and migrated) the store already, and `--read-only` must write nothing.
    // The store's quick check may still be running: reading is safe.
    let store = match Store::open_read_only(database) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(failed(&e));
            return;
        }
    };
    // Where to watch from, taken before the rows are read: a change
    // committed in between is in both, and merging it twice changes nothing.
    let mark =
        (|| Ok::<_, crate::store::StoreError>((store.data_version()?, store.change_seq()?)))();
    // Rows go in the order read: each row's text then sits in memory in
    // the order the filter walks it (`update` sorts an index instead).
    if let Err(e) = send_queue(&store, database, events) {
        let _ = events.send(failed(&e));
        return;
    }
    if events.is_closed() || !watch.recv().unwrap_or(false) {
        return;
    }
    let (mut version, mut seen) = match mark {
        Ok(mark) => mark,
        Err(e) => {
            tracing::warn!(error = %e, "not watching the store for changes");
            return;
        }
    };
    let mut agents = None;
    let mut failing = false;
    loop {
        std::thread::sleep(POLL);
        if changes.is_closed() {
            return;
        }
        let started = std::time::Instant::now();
        let found = store.data_version().and_then(|v| {
            if v == version {
                return Ok(None);
            }
            let found = store.changes_since(seen, MERGE_LIMIT)?;
            version = v;
            Ok(Some(found))
        });
        let mut found = match found {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => {
                // Said once, not every second; tried again next time.
                if !failing {
                    tracing::warn!(error = %e, "watching the store for changes");
                }
                failing = true;
                continue;
            }
        };
        failing = false;
        seen = found.seq;
        // The agents go only when they changed.
        if found.agents.is_some() && found.agents == agents {
            found.agents = None;
        } else if found.agents.is_some() {
            agents.clone_from(&found.agents);
        }
        if found.is_empty() {
            continue;
        }
        tracing::debug!(
            rows = found.rows.len(),
            all = found.all,
            seq = seen,
            ms = started.elapsed().as_secs_f64() * 1e3,
            "store changed"
        );
        if changes.send(found).is_err() {
            return;
        }
    }
}

/// Below this many handoffs one thread reads them all: a second
/// connection costs more than it saves.
const SPLIT_ABOVE: i64 = 20_000;

/// Where a big store splits in two halves (see [`load_part`]), if it is big.
pub fn split_point(store: &Store) -> crate::store::Result<Option<String>> {
    match store.count()? {
        n if n > SPLIT_ABOVE => store.queue_split(n),
        _ => Ok(None),
    }
}

/// The queue rows of `part`, read in two halves split at `mid` on two
/// threads and connections: reading and building 100k rows is most of the
/// time from start to the queue on screen.
pub fn load_part(
    store: &Store,
    database: &std::path::Path,
    part: Part,
    mid: &str,
) -> crate::store::Result<Vec<QueueRow>> {
    let (first, second) = std::thread::scope(|s| {
        let later =
            s.spawn(|| Store::open_read_only(database)?.queue_rows_between(part, Some(mid), None));
        let first = store.queue_rows_between(part, None, Some(mid));
        let second = later
            .join()
            .unwrap_or_else(|_| store.queue_rows_between(part, Some(mid), None));
        (first, second)
    });
    let mut rows = first?;
    rows.extend(second?);
    Ok(rows)
}

/// Send the queue: a big store's open handoffs first (every row the
/// built-in sections show: on screen sooner), then its resolved history;
/// a small one whole.
fn send_queue(
    store: &Store,
    database: &std::path::Path,
    events: &UnboundedSender<Event>,
) -> crate::store::Result<()> {
    let started = std::time::Instant::now();
    let ms = || started.elapsed().as_secs_f64() * 1e3;
    let Some(mid) = split_point(store)? else {
        let rows = store.queue_rows()?;
        tracing::debug!(rows = rows.len(), ms = ms(), "queue read");
        let _ = events.send(Event::Loaded {
            rows,
            agents: store.agents()?,
        });
        return Ok(());
    };
    let rows = load_part(store, database, Part::Open, &mid)?;
    tracing::debug!(rows = rows.len(), ms = ms(), "open handoffs read");
    let agents = store.agents()?;
    if events.send(Event::LoadedOpen { rows, agents }).is_err() {
        return Ok(());
    }
    let rows = load_part(store, database, Part::Resolved, &mid)?;
    tracing::debug!(rows = rows.len(), ms = ms(), "resolved handoffs read");
    let _ = events.send(Event::LoadedRest { rows });
    Ok(())
}

fn failed(e: &crate::store::StoreError) -> Event {
    Event::Failed {
        what: "Loading the queue".into(),
        error: e.to_string(),
    }
}

/// The change numbers of this workspace's own writes, by handoff, so the
/// watcher's echo of them is dropped (see the module comment).
#[derive(Debug, Default)]
pub struct OwnWrites {
    last: HashMap<String, i64>,
}

impl OwnWrites {
    /// `id` was written by us and took change number `seq`.
    pub fn record(&mut self, id: &str, seq: i64) {
        if seq > 0 {
            self.last.insert(id.to_string(), seq);
        }
    }

    /// What of `changes` is news to the screen, as the event for `update`;
    /// `None` if nothing is. A row whose stamp is no later than our own last
    /// write to it is our write, or older than it: the screen has better.
    /// In a full reload such a row is replaced by the one on screen.
    pub fn screen(&mut self, changes: Changes, state: &State) -> Option<Event> {
        let Changes {
            seq,
            all,
            rows,
            stamps,
            agents,
        } = changes;
        let ours = |id: &str, stamp: i64| self.last.get(id).is_some_and(|&own| stamp <= own);
        let rows: Vec<_> = rows
            .into_iter()
            .zip(stamps)
            .filter_map(|(row, stamp)| match ours(&row.id, stamp) {
                false => Some(row),
                true if all => state.queue.rows().iter().find(|r| r.id == row.id).cloned(),
                true => None,
            })
            .collect();
        // Later reads only bring stamps above `seq`: what we wrote up to it
        // cannot come round again.
        self.last.retain(|_, own| *own > seq);
        if !all && rows.is_empty() && agents.is_none() {
            return None;
        }
        Some(Event::StoreChanged { rows, all, agents })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_writes_and_older_rows_are_dropped() {
        let state = State::new("Maya Chen".into(), chrono::Utc::now());
        let row = |id: &str| {
            let value = serde_json::json!({
                "id": id,
                "escalated_at": "2026-01-01T12:00:00Z",
                "customer": { "name": "Ada" },
            });
            let h = crate::domain::import::from_value(&value).unwrap_or_else(|e| panic!("{e:?}"));
            crate::domain::queue::QueueRow::from_handoff(&h, None)
        };
        let mut own = OwnWrites::default();
        own.record("A", 5);
        let changes = Changes {
            seq: 6,
            all: false,
            rows: vec![row("A"), row("B")],
            stamps: vec![5, 6],
            agents: None,
        };
        match own.screen(changes, &state) {
            Some(Event::StoreChanged { rows, .. }) => {
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].id, "B");
            }
            other => panic!("expected B alone, got {other:?}"),
        }
        // Only our echo: nothing for the screen.
        own.record("C", 7);
        let echo = Changes {
            seq: 7,
            rows: vec![row("C")],
            stamps: vec![7],
            ..Changes::default()
        };
        assert!(own.screen(echo, &state).is_none());
        assert!(own.last.is_empty());
    }
}
