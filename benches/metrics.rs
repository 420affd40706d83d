//! `handoff stats` without the process, on 100k handoffs (one in three with a
//! verdict): loading its inputs from the store (`Store::metric_inputs` for the
//! window and the one before), the comparison, and the three breakdowns the
//! default report prints. Also the lead dashboard load.

#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use handoff::domain::metrics::{self, Dimension, Window};
use handoff::runtime::effects;

fn stats(c: &mut Criterion) {
    let db = common::store_path(100_000);
    let store = common::open(&db);
    let now = Utc::now();
    let window = Window::ending(now, TimeDelta::days(7));
    let since = window.previous().from;
    let inputs = store
        .metric_inputs(since)
        .unwrap_or_else(|e| panic!("inputs: {e}"));
    println!("metrics: {} handoffs in the two windows", inputs.len());

    let mut group = c.benchmark_group("metrics");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(6));
    group.bench_function("store_metric_inputs_14d/100000", |b| {
        b.iter(|| store.metric_inputs(black_box(since)).map(|v| v.len()));
    });
    group.bench_function("compare_and_breakdowns/100000", |b| {
        b.iter(|| {
            let overall = metrics::compare(&inputs, window, now);
            let groups: usize = [Dimension::Team, Dimension::Priority, Dimension::Procedure]
                .into_iter()
                .map(|d| metrics::breakdown(&inputs, window, now, d).len())
                .sum();
            (overall.current.handoffs, groups)
        });
    });
    group.bench_function("stats_default_report/100000", |b| {
        b.iter(|| {
            let inputs = store.metric_inputs(since).unwrap_or_default();
            let overall = metrics::compare(&inputs, window, now);
            let groups: usize = [Dimension::Team, Dimension::Priority, Dimension::Procedure]
                .into_iter()
                .map(|d| metrics::breakdown(&inputs, window, now, d).len())
                .sum();
            (overall.current.handoffs, groups)
        });
    });
    group.bench_function("lead_dashboard_load/100000", |b| {
        b.iter(|| effects::load_dashboard(&store, now).map(|d| black_box(d).weeks.len()));
    });
    group.finish();
}

criterion_group!(benches, stats);
criterion_main!(benches);
