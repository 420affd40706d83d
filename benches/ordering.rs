//! Urgency order and routing over 100k handoffs, and the UI-thread work of
//! the events that touch them: the queue arriving (`Loaded`), a verdict or a
//! claim coming back durable (`Saved`), and the minute tick that re-sorts.

#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use handoff::app::{Done, Event};
use handoff::domain::feedback::Verdict;
use handoff::domain::queue::{self, Name, QueueRow, Rows};
use handoff::domain::routing;

const N: usize = 100_000;

/// A fixed shuffle (xorshift), so every run sorts the same input.
fn shuffled(mut rows: Vec<QueueRow>) -> Vec<QueueRow> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..rows.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.swap(i, (x % (i as u64 + 1)) as usize);
    }
    rows
}

fn done() -> Done {
    Done {
        toast: String::new(),
        undo: None,
        write: None,
    }
}

fn ordering(c: &mut Criterion) {
    let db = common::store_path(N);
    let mut store = common::open(&db);
    let rows = store.queue_rows().unwrap_or_else(|e| panic!("rows: {e}"));
    let agents = store.agents().unwrap_or_else(|e| panic!("agents: {e}"));
    let now = Utc::now();
    let random = shuffled(rows.clone());
    let mut sorted = rows.clone();
    queue::sort_by_urgency(&mut sorted, now);

    let mut group = c.benchmark_group("ordering");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("sort_by_urgency_shuffled/100000", |b| {
        b.iter_batched(
            || random.clone(),
            |mut v| queue::sort_by_urgency(&mut v, now),
            BatchSize::LargeInput,
        );
    });
    let indexed: Rows = rows.iter().cloned().collect();
    group.bench_function("sort_order_index_from_store_order/100000", |b| {
        b.iter_batched(
            || (0..N as u32).collect::<Vec<u32>>(),
            |mut order| queue::sort_order(&mut order, &indexed, now),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("route_all/100000", |b| {
        b.iter(|| routing::route_all(black_box(&sorted), &agents));
    });

    // UI-thread work, through `update` on a loaded 100k workspace.
    let state = common::loaded_state(&mut store, 120, 40);
    // Rows arrive in the order read (the runtime's loader does not sort), so
    // this includes sorting the index from scratch.
    group.bench_function("event_loaded/100000", |b| {
        b.iter_batched(
            || {
                let fresh = handoff::app::State::new(state.me.clone(), now);
                (fresh, rows.clone(), agents.clone())
            },
            |(mut s, rows, agents)| common::step(&mut s, Event::Loaded { rows, agents }),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("event_tick_minute_resort/100000", |b| {
        b.iter_batched(
            || state.clone(),
            |mut s| {
                let later = s.now + TimeDelta::minutes(1);
                common::step(&mut s, Event::Tick(later))
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();

    // A verdict and a claim landing: the row as stored now, as `Saved`.
    let selected = state.selected().cloned();
    let Some(row) = selected else {
        panic!("nothing selected");
    };
    let detail = Box::new(
        handoff::runtime::effects::load_detail(&store, &row.id)
            .unwrap_or_else(|e| panic!("detail: {e}")),
    );
    let mut flagged = row.clone();
    flagged.verdict = Some(match row.verdict {
        Some(Verdict::Bad) => Verdict::Good,
        _ => Verdict::Bad,
    });
    let mut claimed = row.clone();
    claimed.assignee = Some(Name::from(if row.assignee.is_some() {
        "Sam Okafor"
    } else {
        "Maya Chen"
    }));
    let mut group = c.benchmark_group("saved");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (name, changed) in [("verdict", flagged), ("claim", claimed)] {
        let mut s = state.clone();
        let mut flip = false;
        group.bench_function(format!("event_saved_{name}/100000"), |b| {
            b.iter(|| {
                // Alternate between the changed and the original row so
                // every iteration is a real change.
                flip = !flip;
                let r = if flip { changed.clone() } else { row.clone() };
                common::step(
                    &mut s,
                    Event::Saved {
                        row: Box::new(r),
                        detail: detail.clone(),
                        done: done(),
                    },
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, ordering);
criterion_main!(benches);
