//! Running effects against the store. Each write is committed before its
//! `Saved` event exists, so the screen can only show what is durable.

use chrono::{DateTime, Utc};

use crate::domain::metrics::{self, Dashboard};

use crate::app::{Detail, Done, DraftKind, Effect, Event, WriteId};
use crate::store::{Store, StoreError};

/// Run one effect and return the event that reports its outcome.
pub fn run(store: &mut Store, me: &str, effect: Effect) -> Event {
    let now = Utc::now();
    // A write's failure names the write, so it ends that write only.
    let write = effect.done().and_then(|d| d.write);
    let result = match effect {
        Effect::LoadDetail { id } => {
            return match load_detail(store, &id) {
                Ok(detail) => Event::DetailLoaded(Box::new(detail)),
                Err(e) => failed("Loading", &e),
            };
        }
        // The event loop hands filter runs to its worker thread; run here
        // (tests, scripts) it is simply done at once.
        Effect::Filter {
            generation,
            snapshot,
        } => {
            return Event::Filtered {
                generation,
                visible: crate::domain::filter::run(&snapshot, 1, &|| false).unwrap_or_default(),
            };
        }
        Effect::LoadDashboard => {
            let result = load_dashboard(store, now).map(Box::new);
            return Event::DashboardLoaded(result.map_err(|e| e.to_string()));
        }
        Effect::LogFocus { id, seconds } => {
            return match store.log_focus(&id, me, seconds, now) {
                Ok(()) => Event::Logged,
                Err(e) => failed("Recording handle time", &e),
            };
        }
        // The terminal's own effects (editor, clipboard, browser, bell) are
        // carried out by the event loop, which owns the terminal (see
        // `runtime::external`); run here (tests, scripts) they do nothing.
        Effect::EditInEditor { .. }
        | Effect::Copy { .. }
        | Effect::OpenUrl { .. }
        | Effect::Bell => {
            return Event::Logged;
        }
        Effect::SaveDraft { id, kind, text } => {
            return match store.save_draft(&id, kind.as_str(), &text, now) {
                Ok(()) => Event::DraftSaved,
                Err(e) => failed("Saving the draft", &e),
            };
        }
        Effect::SaveFeedback { id, feedback, done } => {
            let stamped = feedback.map(|mut f| {
                f.at = now;
                f
            });
            store
                .set_feedback(&id, stamped.as_ref(), me, now)
                .map(|_| (id, done, "Saving the verdict"))
                .map_err(|e| ("Saving the verdict", e))
        }
        Effect::Assign { id, assignee, done } => store
            .assign(&id, assignee.as_deref(), me, now)
            .map(|_| (id, done, "Assigning"))
            .map_err(|e| ("Assigning", e)),
        Effect::SetStatus { id, status, done } => store
            .set_status(&id, status, me, now)
            .map(|_| (id, done, "Changing the status"))
            .map_err(|e| ("Changing the status", e)),
        Effect::AssignTeam { id, team, done } => store
            .assign_team(&id, team.as_deref(), me, now)
            .map(|_| (id, done, "Moving to a team"))
            .map_err(|e| ("Moving to a team", e)),
        Effect::LoadTeams => {
            // Not a write: a failure must not count as one (`Failed` does),
            // and the picker keeps the teams it already shows.
            return Event::TeamsLoaded(store.teams().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "listing the teams failed");
                Vec::new()
            }));
        }
        Effect::AddMessage {
            id,
            kind,
            text,
            done,
        } => store
            .add_message(&id, me, &text, kind == DraftKind::Note, now)
            .map(|_| (id, done, "Sending"))
            .map_err(|e| ("Sending", e)),
    };
    match result {
        Ok((id, done, what)) => {
            saved(store, &id, done).unwrap_or_else(|e| failed_write(write, what, &e))
        }
        Err((what, e)) => failed_write(write, what, &e),
    }
}

fn failed_write(write: Option<WriteId>, what: &str, e: &StoreError) -> Event {
    match (write, failed(what, e)) {
        (Some(write), Event::Failed { what, error }) => Event::WriteFailed { write, what, error },
        (_, event) => event,
    }
}

fn failed(what: &str, e: &StoreError) -> Event {
    tracing::error!(what, error = %e, "effect failed");
    Event::Failed {
        what: what.to_string(),
        error: e.to_string(),
    }
}

/// Everything the lead screens show, from one read of the store.
pub fn load_dashboard(store: &Store, now: DateTime<Utc>) -> Result<Dashboard, StoreError> {
    let inputs = store.metric_inputs(metrics::dashboard::inputs_since(now))?;
    let rows = store.queue_rows()?;
    let agents = store.agents()?;
    let verdicts = store.verdicts_since(now - metrics::DEFAULT_WINDOW)?;
    let mut dashboard = metrics::dashboard(&inputs, &rows, &agents, &verdicts, now);
    dashboard.demo = store.meta(crate::workspace::DEMO)?.is_some();
    Ok(dashboard)
}

pub fn load_detail(store: &Store, id: &str) -> Result<Detail, StoreError> {
    let handoff = store
        .handoff(id)?
        .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
    Ok(Detail {
        handoff,
        feedback: store.feedback(id)?,
        note_draft: store.draft(id, DraftKind::Note.as_str())?,
        reply_draft: store.draft(id, DraftKind::Reply.as_str())?,
    })
}

fn saved(store: &Store, id: &str, done: Done) -> Result<Event, StoreError> {
    let row = store
        .queue_row(id)?
        .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
    Ok(Event::Saved {
        row: Box::new(row),
        detail: Box::new(load_detail(store, id)?),
        done,
    })
}
