//! The queue index read three ways gives the same rows: from the queue's
//! covering index in id order with verdicts merged in, in two halves split
//! at the middle id, and from the table of a store opened read-only before
//! it had the index.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{Part, Store};
use crate::domain::demo;
use crate::domain::feedback::{Feedback, Verdict};
use crate::domain::queue::QueueRow;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn sorted(mut rows: Vec<QueueRow>) -> Vec<QueueRow> {
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}

#[test]
fn the_queue_reads_the_same_from_its_index_in_halves_and_from_the_table() -> super::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("h.db");
    let items = demo::generate(600, now(), 3).map_err(|e| super::StoreError::Corrupt {
        id: "demo".into(),
        reason: e,
    })?;
    let mut s = Store::open(&path)?;
    s.import(&items, now())?;
    // Verdicts on every seventh, the first and the last id included.
    let ids: Vec<String> = sorted(s.queue_rows()?).into_iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 600);
    for (i, id) in ids.iter().enumerate() {
        if i % 7 == 0 || i + 1 == ids.len() {
            let verdict = if i % 2 == 0 {
                Verdict::Bad
            } else {
                Verdict::Good
            };
            let f = Feedback {
                handoff_id: id.clone(),
                verdict,
                reasons: vec![],
                note: None,
                agent: "Maya".into(),
                at: now() + Duration::minutes(1),
            };
            s.set_feedback(id, Some(&f), "Maya", now())?;
        }
    }
    let whole = s.queue_rows()?;
    assert_eq!(whole.len(), 600);
    assert!(whole.iter().filter(|r| r.verdict.is_some()).count() > 80);
    for row in &whole {
        assert_eq!(s.queue_row(&row.id)?.as_ref(), Some(row), "{}", row.id);
    }
    // Open handoffs first, then resolved ones, each in id order.
    let open = s.queue_rows_between(Part::Open, None, None)?;
    let resolved = s.queue_rows_between(Part::Resolved, None, None)?;
    assert!(open.iter().all(QueueRow::is_open) && !open.is_empty());
    assert!(resolved.iter().all(|r| !r.is_open()) && !resolved.is_empty());
    for part in [&open, &resolved] {
        assert!(part.windows(2).all(|w| w[0].id < w[1].id), "in id order");
    }
    assert_eq!([open, resolved].concat(), whole);

    // Two halves of each part, split at the middle id, hold the same rows.
    let Some(mid) = s.queue_split(600)? else {
        panic!("a store with the queue index splits");
    };
    let mut halves = Vec::new();
    for part in [Part::Open, Part::Resolved] {
        let first = s.queue_rows_between(part, None, Some(&mid))?;
        let second = s.queue_rows_between(part, Some(&mid), None)?;
        assert!(first.iter().all(|r| r.id < mid) && second.iter().all(|r| r.id >= mid));
        halves.extend(first);
        halves.extend(second);
    }
    assert_eq!(sorted(halves), sorted(whole.clone()));

    // A store from before the index, opened read-only: the table, no split.
    drop(s);
    rusqlite::Connection::open(&path)?.execute_batch("DROP INDEX handoffs_queue")?;
    let old = Store::open_read_only(&path)?;
    assert_eq!(old.queue_split(600)?, None);
    assert_eq!(sorted(old.queue_rows()?), sorted(whole));
    // Opened for writing, it gets the index back.
    assert!(Store::open(&path)?.queue_split(600)?.is_some());
    Ok(())
}
