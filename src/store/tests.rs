//! Store behaviour a user would notice: re-import never duplicates, verdicts
//! and notes survive reopening, undo restores exactly what was there.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::Store;
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::handoff::{Customer, Handoff, Routing, Status, Summary};
use crate::domain::import::Imported;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn handoff(id: &str, issue: &str) -> Imported {
    let handoff = Handoff {
        id: id.into(),
        created_at: None,
        escalated_at: now() - Duration::minutes(30),
        channel: Some("chat".into()),
        language: Some("en".into()),
        status: Status::Open,
        customer: Customer {
            name: "Ada Park".into(),
            ..Customer::default()
        },
        ai: Default::default(),
        summary: Summary {
            issue: Some(issue.into()),
            ..Summary::default()
        },
        note: None,
        routing: Routing {
            team: Some("billing".into()),
            ..Routing::default()
        },
        transcript: vec![],
    };
    Imported {
        raw: format!("{{\"id\":\"{id}\",\"raw\":true}}"),
        handoff,
    }
}

fn bad(id: &str, reasons: Vec<Reason>, note: Option<&str>) -> Feedback {
    Feedback {
        handoff_id: id.into(),
        verdict: Verdict::Bad,
        reasons,
        note: note.map(str::to_string),
        agent: "Maya".into(),
        at: now(),
    }
}

#[test]
fn reimport_updates_instead_of_duplicating() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    let r1 = s.import(&[handoff("H1", "first"), handoff("H2", "x")], now())?;
    assert_eq!((r1.inserted, r1.updated), (2, 0));
    let r2 = s.import(&[handoff("H1", "second")], now())?;
    assert_eq!((r2.inserted, r2.updated), (0, 1));
    assert_eq!(s.count()?, 2);
    let issue = s.handoff("H1")?.and_then(|h| h.summary.issue);
    assert_eq!(issue.as_deref(), Some("second"));
    assert!(s.raw("H1")?.is_some_and(|r| r.contains("\"raw\":true")));
    Ok(())
}

#[test]
fn verdict_survives_reopening_the_database() -> super::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("h.db");
    {
        let mut s = Store::open(&path)?;
        s.import(&[handoff("H1", "refund")], now())?;
        s.set_feedback(
            "H1",
            Some(&bad("H1", vec![Reason::WrongData], Some("asked twice"))),
            "Maya",
            now(),
        )?;
    }
    let s = Store::open(&path)?;
    let f = s.feedback("H1")?;
    assert_eq!(f.as_ref().map(|f| f.verdict), Some(Verdict::Bad));
    assert_eq!(
        f.as_ref().map(|f| f.reasons.clone()),
        Some(vec![Reason::WrongData])
    );
    assert_eq!(f.and_then(|f| f.note).as_deref(), Some("asked twice"));
    let row = s.queue_row("H1")?;
    assert_eq!(row.and_then(|r| r.verdict), Some(Verdict::Bad));
    Ok(())
}

#[test]
fn set_feedback_returns_what_it_replaced_for_undo() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    s.import(&[handoff("H1", "refund")], now())?;
    assert_eq!(
        s.set_feedback("H1", Some(&bad("H1", vec![], None)), "Maya", now())?,
        None
    );
    let prev = s.set_feedback("H1", None, "Maya", now())?;
    assert_eq!(prev.map(|f| f.verdict), Some(Verdict::Bad));
    assert_eq!(s.feedback("H1")?, None);
    assert!(s.feedback_export(None)?.is_empty());
    Ok(())
}

#[test]
fn verdict_on_unknown_handoff_is_not_found_and_writes_nothing() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    let err = s.set_feedback("nope", Some(&bad("nope", vec![], None)), "Maya", now());
    assert!(matches!(err, Err(super::StoreError::NotFound(_))));
    assert!(s.feedback_export(None)?.is_empty());
    Ok(())
}

#[test]
fn export_filters_by_time_and_carries_attribution() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    let mut item = handoff("H1", "refund");
    item.handoff.ai.procedure = Some("refund-eligibility".into());
    item.handoff.ai.procedure_version = Some("v4".into());
    s.import(&[item, handoff("H2", "other")], now())?;
    let mut old = bad("H2", vec![], None);
    old.at = now() - Duration::days(10);
    s.set_feedback("H2", Some(&old), "Maya", now())?;
    s.set_feedback(
        "H1",
        Some(&bad("H1", vec![Reason::AiCouldResolve], None)),
        "Maya",
        now(),
    )?;
    let all = s.feedback_export(None)?;
    assert_eq!(all.len(), 2);
    let recent = s.feedback_export(Some(now() - Duration::days(7)))?;
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].procedure.as_deref(), Some("refund-eligibility"));
    assert_eq!(recent[0].procedure_version.as_deref(), Some("v4"));
    Ok(())
}

#[test]
fn claim_and_resolve_change_the_queue_row() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    s.import(&[handoff("H1", "refund")], now())?;
    s.assign("H1", Some("Maya"), "Maya", now())?;
    s.set_status("H1", Status::Resolved, "Maya", now())?;
    let row = s.queue_row("H1")?;
    assert_eq!(
        row.as_ref().and_then(|r| r.assignee.clone()).as_deref(),
        Some("Maya")
    );
    assert_eq!(row.map(|r| r.status), Some(Status::Resolved));
    Ok(())
}

#[test]
fn sending_a_note_appends_it_and_drops_the_draft() -> super::Result<()> {
    let mut s = Store::open_in_memory()?;
    s.import(&[handoff("H1", "refund")], now())?;
    s.save_draft("H1", "note", "checked the ledger", now())?;
    assert_eq!(
        s.draft("H1", "note")?.as_deref(),
        Some("checked the ledger")
    );
    let h = s.add_message("H1", "Maya", "checked the ledger\x1b]0;x\x07", true, now())?;
    let last = h.transcript.last();
    assert_eq!(last.map(|m| m.private), Some(true));
    assert!(last.is_some_and(|m| !m.text.contains('\x1b')));
    assert_eq!(s.draft("H1", "note")?, None);
    Ok(())
}

#[test]
fn empty_draft_removes_it() -> super::Result<()> {
    let s = Store::open_in_memory()?;
    s.save_draft("H1", "reply", "hello", now())?;
    s.save_draft("H1", "reply", "   ", now())?;
    assert_eq!(s.draft("H1", "reply")?, None);
    Ok(())
}
