//! The `/` filter over a whole queue, as the filter worker runs it:
//! field queries and fuzzy words over 100k handoffs on one and on two
//! threads, each prefix of a word as it is typed, and the growth from 1k to
//! 100k.

#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use handoff::app::State;
use handoff::domain::filter::{self, Query};

fn parse(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn run(state: &State, query: &Query, threads: usize) -> usize {
    filter::matching(
        query,
        state.queue.rows(),
        state.queue.order(),
        &state.me,
        state.now,
        threads,
        &|| false,
    )
    .map_or(0, |v| v.len())
}

const QUERIES: &[(&str, &str)] = &[
    ("field_team_sla", "team:billing sla:breached"),
    (
        "field_four_terms",
        "priority:urgent -status:resolved verdict:none lang:en",
    ),
    ("field_numbers", "confidence:<0.5 age:>2h"),
    ("word", "refund"),
    ("two_words", "dana card"),
    ("word_and_field", "refund team:billing"),
    ("id", "gen-04213"),
];

fn queries(c: &mut Criterion) {
    let db = common::store_path(100_000);
    let mut store = common::open(&db);
    let state = common::loaded_state(&mut store, 120, 40);
    let mut group = c.benchmark_group("filter");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, text) in QUERIES {
        let query = parse(text);
        println!(
            "filter '{text}': {} of 100000 match",
            run(&state, &query, 1)
        );
        for threads in [1, 2] {
            group.bench_function(
                BenchmarkId::new(format!("{name}_t{threads}"), 100_000),
                |b| {
                    b.iter(|| run(&state, black_box(&query), threads));
                },
            );
        }
    }
    group.finish();

    // Typing a word: every prefix is one keystroke's work on the worker.
    for word in ["refund", "chargeback"] {
        let mut worst = 0.0f64;
        for end in 1..=word.len() {
            let query = parse(&word[..end]);
            let mut samples: Vec<Duration> = (0..15)
                .map(|_| {
                    let start = Instant::now();
                    black_box(run(&state, &query, 2));
                    start.elapsed()
                })
                .collect();
            let p = common::percentiles(&mut samples, &[50]);
            worst = worst.max(p[0]);
            println!(
                "filter/typing '{}' (2 threads): median {:.2} ms",
                &word[..end],
                p[0]
            );
        }
        println!("filter/typing '{word}': slowest keystroke median {worst:.2} ms");
    }
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("filter_growth");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for n in [1_000, 10_000, 100_000] {
        let db = common::store_path(n);
        let mut store = common::open(&db);
        let state = common::loaded_state(&mut store, 120, 40);
        for (name, text) in [("word", "refund"), ("field", "team:billing sla:breached")] {
            let query = parse(text);
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| run(&state, black_box(&query), 2));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, queries, growth);
criterion_main!(benches);
