//! Fixtures shared by the benches: generated handoffs, stores of 1k/10k/100k
//! handoffs (built once and kept under the target dir), and a workspace
//! `State` loaded the way the runtime loads it.
//!
//! Each bench binary uses part of this, hence `allow(dead_code)` where it is
//! included.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use handoff::app::{Effect, Event, State, update};
use handoff::domain::demo;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::import::Imported;
use handoff::runtime::effects;
use handoff::store::Store;

/// Generated stores are rebuilt when older than this, so their SLA clocks
/// still look like a working desk's.
const FRESH: Duration = Duration::from_secs(6 * 3600);

/// Share of handoffs that carry a verdict in the bench stores.
pub const VERDICT_SHARE: usize = 3; // one in three

pub fn generated(n: usize, now: DateTime<Utc>) -> Vec<Imported> {
    match demo::generate(n, now, 42) {
        Ok(v) => v,
        Err(e) => panic!("generating {n} handoffs: {e}"),
    }
}

/// `n` handoffs as a JSON Lines file's text.
pub fn jsonl(n: usize, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for item in generated(n, now) {
        out.push_str(&item.raw);
        out.push('\n');
    }
    out
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A store of `n` generated handoffs with the demo agents, a verdict on one
/// in three (bad ones with a reason), built on first use and reused after.
pub fn store_path(n: usize) -> PathBuf {
    let dir = tmp_dir().join(format!("bench-store-{n}"));
    let db = dir.join("handoff.db");
    let fresh = std::fs::metadata(&db)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age < FRESH);
    if fresh
        && Store::open(&db)
            .and_then(|s| s.meta("bench_complete"))
            .is_ok_and(|m| m.is_some())
    {
        return db;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let now = Utc::now();
    let mut store = open(&db);
    let agents = demo::agents().unwrap_or_else(|e| panic!("demo agents: {e}"));
    if let Err(e) = store.upsert_agents(&agents) {
        panic!("agents: {e}");
    }
    let items = generated(n, now);
    if let Err(e) = store.import(&items, now) {
        panic!("import: {e}");
    }
    for (i, item) in items
        .iter()
        .enumerate()
        .filter(|(i, _)| i % VERDICT_SHARE == 0)
    {
        let bad = i % (2 * VERDICT_SHARE) == 0;
        let feedback = Feedback {
            handoff_id: item.handoff.id.clone(),
            verdict: if bad { Verdict::Bad } else { Verdict::Good },
            reasons: if bad {
                vec![Reason::WrongData]
            } else {
                Vec::new()
            },
            note: None,
            agent: demo::DEFAULT_AGENT.to_string(),
            at: now,
        };
        if let Err(e) =
            store.set_feedback(&item.handoff.id, Some(&feedback), demo::DEFAULT_AGENT, now)
        {
            panic!("verdict: {e}");
        }
    }
    if let Err(e) = store.set_meta("bench_complete", &now.to_rfc3339()) {
        panic!("meta: {e}");
    }
    eprintln!(
        "built bench store of {n} handoffs in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        db.display()
    );
    db
}

pub fn open(db: &std::path::Path) -> Store {
    match Store::open(db) {
        Ok(s) => s,
        Err(e) => panic!("{}: {e}", db.display()),
    }
}

/// The workspace after the queue has loaded, as the runtime does it: rows
/// read off the UI thread in store order, then `Event::Loaded` (which sorts
/// an index), at `width`x`height`.
pub fn loaded_state(store: &mut Store, width: u16, height: u16) -> State {
    let now = Utc::now();
    let rows = store.queue_rows().unwrap_or_else(|e| panic!("rows: {e}"));
    let agents = store.agents().unwrap_or_else(|e| panic!("agents: {e}"));
    let mut state = State::new(demo::DEFAULT_AGENT.to_string(), now);
    drive(&mut state, store, Event::Resize { width, height });
    drive(&mut state, store, Event::Loaded { rows, agents });
    state
}

/// Feed one event and run every effect it causes, as the event loop does
/// (filter runs inline here).
pub fn drive(state: &mut State, store: &mut Store, event: Event) {
    let mut pending = vec![event];
    while let Some(event) = pending.pop() {
        for effect in update(state, event) {
            pending.push(effects::run(store, demo::DEFAULT_AGENT, effect));
        }
    }
}

/// Feed one event; return its effects unrun.
pub fn step(state: &mut State, event: Event) -> Vec<Effect> {
    update(state, event)
}

/// Milliseconds at the given percentiles (0..=100) of `samples`.
pub fn percentiles(samples: &mut [Duration], ps: &[usize]) -> Vec<f64> {
    samples.sort();
    ps.iter()
        .map(|&p| {
            let i = (samples.len().saturating_sub(1) * p).div_ceil(100);
            samples.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
        })
        .collect()
}

/// One line for the bench log and docs/performance.md.
pub fn report(name: &str, samples: &mut [Duration]) {
    let n = samples.len();
    let p = percentiles(samples, &[0, 50, 90, 99, 100]);
    println!(
        "{name}: n={n} min {:.3} ms · median {:.3} ms · p90 {:.3} ms · p99 {:.3} ms · max {:.3} ms",
        p[0], p[1], p[2], p[3], p[4]
    );
}
