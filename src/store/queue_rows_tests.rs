//! The queue index read three ways gives the same rows: from the queue's
//! covering index in id order with verdicts merged in, in two halves split
//! at the middle id, and from the table of a store opened read-only before
//! it had the index.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::Store;
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
    for (row, id) in whole.iter().zip(&ids) {
        assert_eq!(&row.id, id, "in id order");
        assert_eq!(s.queue_row(id)?.as_ref(), Some(row));
    }

    let mid = s.queue_split()?;
    let Some(mid) = mid else {
        panic!("a store with the queue index splits");
    };
    let mut halves = s.queue_rows_between(None, Some(&mid))?;
    let second = s.queue_rows_between(Some(&mid), None)?;
    assert!(halves.len().abs_diff(second.len()) <= 1);
    halves.extend(second);
    assert_eq!(halves, whole);

    // A store from before the index, opened read-only: the table, no split.
    drop(s);
    rusqlite::Connection::open(&path)?.execute_batch("DROP INDEX handoffs_queue")?;
    let old = Store::open_read_only(&path)?;
    assert_eq!(old.queue_split()?, None);
    assert_eq!(sorted(old.queue_rows()?), whole);
    // Opened for writing, it gets the index back.
    assert!(Store::open(&path)?.queue_split()?.is_some());
    Ok(())
}
