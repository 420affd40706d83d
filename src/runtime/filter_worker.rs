//! The `/` filter's worker thread: only the newest query counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use crate::app::Event;
use crate::domain::filter::{self, Snapshot};

/// Runs the `/` filter on a thread of its own, so typing never waits for
/// it. Only the newest query counts: queued older ones are skipped and a run
/// overtaken by a newer keystroke stops early.
pub(super) struct FilterWorker {
    jobs: std::sync::mpsc::Sender<Job>,
    latest: Arc<AtomicU64>,
}

enum Job {
    Run(u64, Box<Snapshot>),
    /// Read every row once (see [`filter::warm`]).
    Warm(crate::domain::queue::Rows),
}

impl FilterWorker {
    /// `None` if the thread cannot start; filtering then runs inline.
    pub(super) fn spawn(tx: mpsc::UnboundedSender<Event>) -> Option<FilterWorker> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = latest.clone();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let spawned = std::thread::Builder::new()
            .name("filter".into())
            .spawn(move || {
                // The last finished run and its matches in storage order: a
                // query typed on from it need only look at those.
                let mut last: Option<(Box<Snapshot>, Vec<usize>)> = None;
                while let Ok(first) = queue.recv() {
                    // The newest run waiting, else a warm-up (a run warms
                    // the rows anyway).
                    let mut run = None;
                    let mut warm = None;
                    for job in std::iter::once(first).chain(queue.try_iter()) {
                        match job {
                            Job::Run(generation, snapshot) => run = Some((generation, snapshot)),
                            Job::Warm(rows) => warm = Some(rows),
                        }
                    }
                    let Some((generation, snapshot)) = run else {
                        if let Some(rows) = warm {
                            let started = std::time::Instant::now();
                            let read = filter::warm(&rows);
                            let ms = started.elapsed().as_secs_f64() * 1e3;
                            tracing::debug!(rows = rows.len(), read, ms, "filter warm-up");
                        }
                        continue;
                    };
                    let overtaken = || newest.load(Ordering::Relaxed) != generation;
                    let started = std::time::Instant::now();
                    let within = last
                        .as_ref()
                        .filter(|(earlier, _)| snapshot.narrows(earlier))
                        .map(|(_, hits)| hits.as_slice());
                    let looked_at = within.map_or(snapshot.rows.len(), <[usize]>::len);
                    let result = filter::narrowed(&snapshot, within, threads, &overtaken);
                    tracing::debug!(
                        generation,
                        rows = looked_at,
                        hits = result.as_ref().map(|m| m.ranked.len()),
                        ms = started.elapsed().as_secs_f64() * 1e3,
                        "filter run"
                    );
                    let Some(found) = result else {
                        continue;
                    };
                    last = Some((snapshot, found.stored));
                    if tx
                        .send(Event::Filtered {
                            generation,
                            visible: found.ranked,
                        })
                        .is_err()
                    {
                        break;
                    }
                }
            });
        match spawned {
            Ok(_) => Some(FilterWorker { jobs, latest }),
            Err(e) => {
                tracing::warn!(error = %e, "no filter thread; filtering inline");
                None
            }
        }
    }

    /// Runs for any older generation stop at their next check.
    pub(super) fn supersede(&self, generation: u64) {
        self.latest.store(generation, Ordering::Relaxed);
    }

    /// Hands the job back if the thread is gone.
    pub(super) fn send(
        &self,
        generation: u64,
        snapshot: Box<Snapshot>,
    ) -> Result<(), Box<Snapshot>> {
        self.supersede(generation);
        match self.jobs.send(Job::Run(generation, snapshot)) {
            Err(std::sync::mpsc::SendError(Job::Run(_, snapshot))) => {
                tracing::warn!("filter thread gone; filtering inline");
                Err(snapshot)
            }
            // Sent; or (never) handed back a job that is not the one sent.
            _ => Ok(()),
        }
    }

    /// Best effort: a worker that is gone has nothing to warm.
    pub(super) fn warm(&self, rows: crate::domain::queue::Rows) {
        let _ = self.jobs.send(Job::Warm(rows));
    }
}
