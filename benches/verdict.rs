//! A verdict key to a durable commit on a store of 100k handoffs:
//! `Store::set_feedback` (one transaction, synchronous=FULL, WAL), and the
//! whole path the event loop runs for `g` (update, commit, re-read of the row
//! and detail, `Saved`). Criterion gives the mean; p99 comes from our own
//! samples.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use handoff::app::Event;
use handoff::domain::demo::DEFAULT_AGENT;
use handoff::domain::feedback::{Feedback, Verdict};
use handoff::runtime::effects;
use handoff::store::Store;

const N: usize = 100_000;

fn verdict(id: &str, i: usize) -> Feedback {
    Feedback {
        handoff_id: id.to_string(),
        verdict: if i % 2 == 0 {
            Verdict::Bad
        } else {
            Verdict::Good
        },
        reasons: Vec::new(),
        note: None,
        agent: DEFAULT_AGENT.to_string(),
        at: Utc::now(),
    }
}

fn commit(store: &mut Store, ids: &[String], i: usize) -> Duration {
    let id = &ids[(i * 7919) % ids.len()];
    let f = verdict(id, i);
    let start = Instant::now();
    if let Err(e) = store.set_feedback(id, Some(&f), DEFAULT_AGENT, Utc::now()) {
        panic!("set_feedback: {e}");
    }
    start.elapsed()
}

fn verdicts(c: &mut Criterion) {
    let db = common::store_path(N);
    let mut store = common::open(&db);
    let ids: Vec<String> = store
        .queue_rows()
        .unwrap_or_else(|e| panic!("rows: {e}"))
        .into_iter()
        .map(|r| r.id)
        .collect();

    let mut group = c.benchmark_group("verdict");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let mut i = 0;
    group.bench_function("set_feedback/100000", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    i += 1;
                    commit(&mut store, &ids, i)
                })
                .sum()
        });
    });
    group.finish();

    let mut samples: Vec<Duration> = (0..2000).map(|i| commit(&mut store, &ids, i)).collect();
    common::report("verdict/set_feedback/100000 (2000 commits)", &mut samples);

    // The `g` key end to end, as the event loop runs it: update, the store
    // write (durable), the row and detail read back, and `Saved`.
    let mut state = common::loaded_state(&mut store, 120, 40);
    let g = Event::Key(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE));
    let mut to_durable = Vec::new();
    let mut to_shown = Vec::new();
    for _ in 0..1000 {
        let start = Instant::now();
        let effects = common::step(&mut state, g.clone());
        let mut events = Vec::new();
        for effect in effects {
            events.push(effects::run(&mut store, DEFAULT_AGENT, effect));
        }
        to_durable.push(start.elapsed());
        for event in events {
            common::drive(&mut state, &mut store, event);
        }
        to_shown.push(start.elapsed());
        // Undo it, untimed, so the store does not drift.
        common::drive(
            &mut state,
            &mut store,
            Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)),
        );
    }
    common::report(
        "verdict/key_g_to_durable_and_reread/100000 (1000 keys)",
        &mut to_durable,
    );
    common::report(
        "verdict/key_g_to_saved_in_state/100000 (1000 keys)",
        &mut to_shown,
    );
}

criterion_group!(benches, verdicts);
criterion_main!(benches);
