//! One full frame (tabs, queue, summary, status line) at 120x40 into
//! ratatui's TestBackend, over 1k/10k/100k handoffs; and moving the
//! selection at 100k: the key's `update`, the detail load it asks for (from
//! the store, as the event loop does) and the frame after it.

#[allow(dead_code)]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use handoff::app::{Event, State};
use handoff::store::Store;
use handoff::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("terminal: {e}"))
}

fn draw(t: &mut Terminal<TestBackend>, state: &State, theme: &Theme) {
    if let Err(e) = t.draw(|f| {
        ui::render(f, state, theme);
    }) {
        panic!("draw: {e}");
    }
}

/// The All section (every handoff) with the first row's summary loaded.
fn all_section(n: usize) -> (State, Store) {
    let db = common::store_path(n);
    let mut store = common::open(&db);
    let mut state = common::loaded_state(&mut store, 120, 40);
    common::drive(&mut state, &mut store, key(KeyCode::Char('3')));
    (state, store)
}

fn frames(c: &mut Criterion) {
    let theme = Theme::dark();
    let mut group = c.benchmark_group("render");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [1_000, 10_000, 100_000] {
        let (state, _store) = all_section(n);
        let mut t = terminal();
        group.bench_with_input(BenchmarkId::new("frame_120x40", n), &n, |b, _| {
            b.iter(|| draw(&mut t, black_box(&state), &theme));
        });
    }
    group.finish();
}

/// Move by `code` and draw, `iters` times; jump back to the top (untimed)
/// before running off the end of the queue.
fn moving(state: &mut State, store: &mut Store, code: KeyCode, iters: u64) -> Duration {
    let theme = Theme::dark();
    let mut t = terminal();
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        if state.queue.cursor() + 100 >= state.queue.visible().len() {
            common::drive(state, store, key(KeyCode::Home));
        }
        let start = Instant::now();
        common::drive(state, store, key(code));
        draw(&mut t, state, &theme);
        total += start.elapsed();
    }
    total
}

fn selection(c: &mut Criterion) {
    let (mut state, mut store) = all_section(100_000);
    let mut group = c.benchmark_group("select");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, code) in [
        ("next_then_frame", KeyCode::Char('j')),
        ("page_down_then_frame", KeyCode::PageDown),
    ] {
        group.bench_function(BenchmarkId::new(name, 100_000), |b| {
            b.iter_custom(|iters| moving(&mut state, &mut store, code, iters));
        });
    }
    group.finish();

    // Spread, for docs/performance.md: 2000 presses of j, one frame each.
    let mut samples: Vec<Duration> = (0..2000)
        .map(|_| moving(&mut state, &mut store, KeyCode::Char('j'), 1))
        .collect();
    common::report("select/next_then_frame/100000 (2000 keys)", &mut samples);
}

criterion_group!(benches, frames, selection);
criterion_main!(benches);
