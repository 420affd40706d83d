//! `handoff import` without the process: parse a JSON Lines file and write it
//! into a fresh store in one transaction. 10k under criterion; 100k three
//! times by hand (each run takes seconds), median and spread printed.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use handoff::domain::import;
use handoff::store::Store;

fn parse_and_store(text: &str, dir: &std::path::Path) -> usize {
    let items =
        import::parse("bench.jsonl", text).unwrap_or_else(|e| panic!("parse: {} errors", e.len()));
    let mut store = match Store::open(&dir.join("handoff.db")) {
        Ok(s) => s,
        Err(e) => panic!("store: {e}"),
    };
    match store.import(&items, Utc::now()) {
        Ok(r) => r.inserted,
        Err(e) => panic!("import: {e}"),
    }
}

fn fresh_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn imports(c: &mut Criterion) {
    let now = Utc::now();
    let text = common::jsonl(10_000, now);
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("parse/10000", |b| {
        b.iter(|| import::parse("bench.jsonl", &text).map(|v| v.len()));
    });
    group.bench_function("parse_and_store/10000", |b| {
        b.iter_batched(
            fresh_dir,
            |dir| parse_and_store(&text, dir.path()),
            BatchSize::PerIteration,
        );
    });
    group.finish();

    let text = common::jsonl(100_000, now);
    println!(
        "import/100000: {:.1} MB of JSON Lines",
        text.len() as f64 / 1e6
    );
    let mut parse = Vec::new();
    let mut total = Vec::new();
    for _ in 0..3 {
        let dir = fresh_dir();
        let start = Instant::now();
        let items = import::parse("bench.jsonl", &text).map_or(0, |v| v.len());
        parse.push(start.elapsed());
        assert_eq!(items, 100_000);
        let start = Instant::now();
        assert_eq!(parse_and_store(&text, dir.path()), 100_000);
        total.push(start.elapsed());
    }
    common::report("import/parse/100000 (3 runs)", &mut parse);
    common::report("import/parse_and_store/100000 (3 runs)", &mut total);
}

criterion_group!(benches, imports);
criterion_main!(benches);
