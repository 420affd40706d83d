//! `handoff import` without the process: parse a JSON Lines file and write it
//! into a fresh store in one transaction, either parsed whole first (`parse`
//! then `Store::import`, what the demo does) or as `handoff import` reads
//! JSON Lines: a line at a time on one thread, stored on another as records
//! arrive (`LineStream`, `Store::import_from`). 10k under criterion; 100k
//! three times by hand (each run takes seconds), median and spread printed.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use handoff::domain::import::{self, Imported, Line, LineStream};
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

/// Records on their way to the store; dropped once written, they go back to
/// the reading thread to be freed there, as in `src/cli/import.rs` (freeing
/// on the writer what the reader allocated contends on malloc's lock).
struct Batch {
    records: Vec<Imported>,
    back: std::sync::mpsc::Sender<Vec<Imported>>,
}

impl AsRef<[Imported]> for Batch {
    fn as_ref(&self) -> &[Imported] {
        &self.records
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        let _ = self.back.send(std::mem::take(&mut self.records));
    }
}

/// The pipeline `handoff import` runs on a JSON Lines file.
fn stream_and_store(text: &str, dir: &std::path::Path) -> usize {
    let mut store = match Store::open(&dir.join("handoff.db")) {
        Ok(s) => s,
        Err(e) => panic!("store: {e}"),
    };
    let (sender, batches) = std::sync::mpsc::sync_channel::<Batch>(4);
    let (back, written) = std::sync::mpsc::channel::<Vec<Imported>>();
    let stored = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut stream = LineStream::new("bench.jsonl");
            let mut records = Vec::with_capacity(64);
            for line in text.split('\n') {
                match stream.line(line) {
                    Line::Record(r) => records.push(*r),
                    Line::Nothing => {}
                    Line::Whole => panic!("not JSON Lines"),
                }
                if records.len() == 64 {
                    let batch = Batch {
                        records: std::mem::take(&mut records),
                        back: back.clone(),
                    };
                    if sender.send(batch).is_err() {
                        break;
                    }
                    written.try_iter().for_each(drop);
                }
            }
            let _ = sender.send(Batch { records, back });
            stream.finish()
        });
        store.import_from(batches, Utc::now(), || {
            reader.join().is_ok_and(|r| r.is_ok())
        })
    });
    match stored {
        Ok(Some(r)) => r.inserted,
        Ok(None) => panic!("import rolled back"),
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
    group.bench_function("stream_and_store/10000", |b| {
        b.iter_batched(
            fresh_dir,
            |dir| stream_and_store(&text, dir.path()),
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
    let mut streamed = Vec::new();
    for _ in 0..3 {
        let dir = fresh_dir();
        let start = Instant::now();
        let items = import::parse("bench.jsonl", &text).map_or(0, |v| v.len());
        parse.push(start.elapsed());
        assert_eq!(items, 100_000);
        let start = Instant::now();
        assert_eq!(parse_and_store(&text, dir.path()), 100_000);
        total.push(start.elapsed());
        let dir = fresh_dir();
        let start = Instant::now();
        assert_eq!(stream_and_store(&text, dir.path()), 100_000);
        streamed.push(start.elapsed());
    }
    common::report("import/parse/100000 (3 runs)", &mut parse);
    common::report("import/parse_and_store/100000 (3 runs)", &mut total);
    common::report("import/stream_and_store/100000 (3 runs)", &mut streamed);
}

criterion_group!(benches, imports);
criterion_main!(benches);
