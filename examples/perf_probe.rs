//! Helpers for scripts/bench: fixtures and in-process measurements that the
//! `handoff` binary itself has no business offering.
//!
//! ```text
//! perf_probe jsonl N FILE            N generated handoffs as JSON Lines
//! perf_probe verdicts DB EVERY       a verdict on one handoff in EVERY
//! perf_probe lines DB FILE           the text the filter matches, one line per handoff
//! perf_probe filter DB RUNS QUERY..  our filter on those rows, as the worker runs it
//! perf_probe memory DB               the queue index's memory once loaded
//! perf_probe load DB RUNS            the loader's read and `update` taking it, timed
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use handoff::app::{Event, State, update};
use handoff::domain::demo;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::filter::{self, Query};
use handoff::domain::queue::{self, QueueRow, Rows};
use handoff::store::Store;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> anyhow::Result<&str> {
        args.get(i)
            .map(String::as_str)
            .with_context(|| format!("missing argument {i}; see the top of examples/perf_probe.rs"))
    };
    match arg(0)? {
        "jsonl" => jsonl(arg(1)?.parse()?, Path::new(arg(2)?)),
        "verdicts" => verdicts(Path::new(arg(1)?), arg(2)?.parse()?),
        "lines" => lines(Path::new(arg(1)?), Path::new(arg(2)?)),
        "filter" => filter_times(Path::new(arg(1)?), arg(2)?.parse()?, &args[3..]),
        "memory" => memory(Path::new(arg(1)?)),
        "load" => load_times(Path::new(arg(1)?), arg(2)?.parse()?),
        other => bail!("unknown command {other}"),
    }
}

fn jsonl(n: usize, out: &Path) -> anyhow::Result<()> {
    let items = demo::generate(n, Utc::now(), 42).map_err(anyhow::Error::msg)?;
    let mut text = String::new();
    for item in items {
        text.push_str(&item.raw);
        text.push('\n');
    }
    std::fs::write(out, text)?;
    Ok(())
}

fn verdicts(db: &Path, every: usize) -> anyhow::Result<()> {
    let mut store = Store::open(db)?;
    let now = Utc::now();
    let ids: Vec<String> = store.queue_rows()?.into_iter().map(|r| r.id).collect();
    let mut n = 0;
    for (i, id) in ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every.max(1) == 0)
    {
        let bad = i % (2 * every.max(1)) == 0;
        let feedback = Feedback {
            handoff_id: id.clone(),
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
        store.set_feedback(id, Some(&feedback), demo::DEFAULT_AGENT, now)?;
        n += 1;
    }
    println!("{n} verdicts on {} handoffs", ids.len());
    Ok(())
}

/// The same text the filter scores, in the same field order.
fn line(row: &QueueRow) -> String {
    [
        Some(row.id.as_str()),
        Some(row.customer.as_str()),
        row.issue.as_deref(),
        row.team.as_deref(),
        row.procedure.as_deref(),
        row.assignee.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.replace(['\n', '\r'], " "))
    .collect::<Vec<_>>()
    .join(" ")
}

/// Rows as the app holds them: in store order, chunked, with an index in
/// urgency order.
fn loaded(db: &Path) -> anyhow::Result<(Rows, Vec<u32>)> {
    let store = Store::open(db)?;
    let rows = Rows::from(store.queue_rows()?);
    let mut order = (0..u32::try_from(rows.len())?).collect::<Vec<_>>();
    queue::sort_order(&mut order, &rows, Utc::now());
    Ok((rows, order))
}

fn lines(db: &Path, out: &Path) -> anyhow::Result<()> {
    let (rows, _) = loaded(db)?;
    let mut text = String::new();
    for row in rows.iter() {
        text.push_str(&line(row));
        text.push('\n');
    }
    std::fs::write(out, text)?;
    Ok(())
}

fn filter_times(db: &Path, runs: usize, queries: &[String]) -> anyhow::Result<()> {
    let (rows, order) = loaded(db)?;
    let now = Utc::now();
    // The worker uses every core it is given.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // PERF_PROBE_PAUSE_MS: idle time before each run, like a typist's.
    let pause = Duration::from_millis(
        std::env::var("PERF_PROBE_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    );
    for text in queries {
        let query = Query::parse(text).map_err(anyhow::Error::msg)?;
        let mut samples: Vec<Duration> = Vec::new();
        let mut matches = 0;
        for _ in 0..runs.max(1) {
            // As between keystrokes: caches cool, cores idle.
            std::thread::sleep(pause);
            let start = Instant::now();
            let hits = filter::matching(
                &query,
                &rows,
                &order,
                demo::DEFAULT_AGENT,
                now,
                threads,
                &|| false,
            );
            samples.push(start.elapsed());
            matches = hits.map_or(0, |h| h.len());
        }
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{}",
            serde_json::json!({
                "query": text,
                "threads": threads,
                "matches": matches,
                "median_ms": ms(samples[samples.len() / 2]),
                "min_ms": ms(samples[0]),
                "max_ms": ms(samples[samples.len() - 1]),
            })
        );
    }
    Ok(())
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// What glibc's malloc takes for `n` requested bytes (its chunk: 8 bytes of
/// header, 16-byte steps, 32 at least); 0 for nothing allocated.
fn chunk(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        ((n + 8 + 15) & !15).max(32)
    }
}

/// The queue index's bytes, counted: rows (inline and the text they own),
/// the urgency order, the visible list and the routes. Shared names are
/// counted once per distinct value, which is next to nothing.
fn index_bytes(state: &State) -> usize {
    let rows: usize = state
        .queue
        .rows()
        .iter()
        .map(|r| {
            std::mem::size_of::<QueueRow>()
                + chunk(r.id.capacity())
                + if r.customer.is_heap_allocated() {
                    chunk(r.customer.capacity())
                } else {
                    0
                }
                + r.issue.as_deref().map_or(0, |s| chunk(s.len()))
        })
        .sum();
    let capacity = state.queue.capacity();
    let order = capacity.order * 4;
    let visible = capacity.visible * 8;
    // hashbrown: (key, value) slots plus a control byte each.
    let route_slot = std::mem::size_of::<(u32, handoff::domain::routing::Route)>() + 1;
    let routes = capacity.routes * route_slot * 8 / 7;
    rows + order + visible + routes
}

/// What stands between start and the queue on screen, as the runtime's
/// loader does it: the open handoffs read (two halves, two connections)
/// and taken in by `update`, then the resolved ones read and appended.
fn load_times(db: &Path, runs: usize) -> anyhow::Result<()> {
    use handoff::runtime::watch;
    use handoff::store::Part;
    let mut open_read = Vec::new();
    let mut open_taken = Vec::new();
    let mut rest_read = Vec::new();
    let mut rest_taken = Vec::new();
    let mut n = (0, 0);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let store = Store::open_read_only(db)?;
        let mid = watch::split_point(&store)?.context("a store this small loads in one go")?;
        let open = watch::load_part(&store, db, Part::Open, &mid)?;
        let agents = store.agents()?;
        open_read.push(start.elapsed());
        let mut state = State::new(demo::DEFAULT_AGENT.to_string(), Utc::now());
        update(
            &mut state,
            Event::Resize {
                width: 120,
                height: 40,
            },
        );
        n.0 = open.len();
        let start = Instant::now();
        update(&mut state, Event::LoadedOpen { rows: open, agents });
        open_taken.push(start.elapsed());
        let start = Instant::now();
        let rest = watch::load_part(&store, db, Part::Resolved, &mid)?;
        rest_read.push(start.elapsed());
        n.1 = rest.len();
        let start = Instant::now();
        update(&mut state, Event::LoadedRest { rows: rest });
        rest_taken.push(start.elapsed());
    }
    let ms = |xs: &mut Vec<Duration>| {
        xs.sort();
        let at = |i: usize| xs.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3);
        serde_json::json!({"median_ms": at(xs.len() / 2), "min_ms": at(0), "max_ms": at(xs.len().saturating_sub(1))})
    };
    println!(
        "{}",
        serde_json::json!({
            "open": n.0, "resolved": n.1,
            "open_read": ms(&mut open_read), "open_taken_in": ms(&mut open_taken),
            "resolved_read": ms(&mut rest_read), "resolved_taken_in": ms(&mut rest_taken),
        })
    );
    Ok(())
}

fn memory(db: &Path) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let agents = store.agents()?;
    let before = rss_kb();
    // What the runtime does: the loader reads, `update` takes it.
    let rows = store.queue_rows()?;
    let n = rows.len();
    let mut state = State::new(demo::DEFAULT_AGENT.to_string(), Utc::now());
    update(&mut state, Event::Loaded { rows, agents });
    let after = rss_kb();
    let per = |kb: u64| (kb * 1024) as f64 / n.max(1) as f64;
    println!(
        "{}",
        serde_json::json!({
            "handoffs": n,
            "rss_kb_delta": after.saturating_sub(before),
            "bytes_per_handoff": per(after.saturating_sub(before)),
            "index_bytes_per_handoff": index_bytes(&state) as f64 / n.max(1) as f64,
            "queue_row_inline_bytes": std::mem::size_of::<QueueRow>(),
            "section": format!("{:?}", state.section),
            "visible": state.queue.visible().len(),
            "routes": state.queue.routes().len(),
        })
    );
    Ok(())
}
