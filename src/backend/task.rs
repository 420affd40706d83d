//! The full screen's sync task: on a store connection of its own, send the
//! outbox's due changes, refresh (full at start, then incremental every
//! `poll_secs`), and hand the screen the reloaded queue with the link state.
//! It never touches the screen's state directly; it sends `Event::Synced`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use super::chatwoot::{CHATWOOT, ChatwootBackend, ChatwootConfig, auth};
use super::{Backend, BackendState};
use crate::app::Event;
use crate::store::Store;
use crate::workspace::Workspace;

/// After a store error, before trying again.
const STORE_RETRY: Duration = Duration::from_secs(5);

/// Pokes for the sync task: `deliver` after the agent changed something,
/// `refresh` when something changed on the server (the websocket's cue).
#[derive(Debug, Clone, Default)]
pub struct SyncHandle {
    pub deliver: Arc<Notify>,
    pub refresh: Arc<Notify>,
}

/// Start the task when the workspace mirrors a helpdesk (and may write).
pub fn spawn(ws: &Workspace, events: UnboundedSender<Event>) -> Option<SyncHandle> {
    let cfg = ws.config.chatwoot_backend()?.clone();
    if ws.read_only {
        return None;
    }
    let handle = SyncHandle::default();
    tokio::spawn(run(
        ws.database().to_path_buf(),
        cfg,
        handle.clone(),
        events,
    ));
    Some(handle)
}

async fn run(
    database: PathBuf,
    cfg: ChatwootConfig,
    handle: SyncHandle,
    events: UnboundedSender<Event>,
) {
    let send = |backend: BackendState, store: Option<&Store>, rows: bool| {
        let last_synced = store.and_then(super::chatwoot::sync::last_sync);
        let data = match (rows, store) {
            (true, Some(s)) => match (s.queue_rows(), s.agents()) {
                (Ok(mut rows), Ok(agents)) => {
                    crate::domain::queue::sort_by_urgency(&mut rows, Utc::now());
                    Some((rows, agents))
                }
                _ => None,
            },
            _ => None,
        };
        events
            .send(Event::Synced {
                data,
                backend,
                last_synced,
            })
            .is_ok()
    };
    let mut store = match Store::open(&database) {
        Ok(s) => s,
        Err(e) => {
            send(BackendState::Offline(format!("sync: {e}")), None, false);
            return;
        }
    };
    let backend = match auth::load_token()
        .map_err(|e| e.to_string())
        .and_then(|t| ChatwootBackend::new(cfg.clone(), &t).map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(error) => {
            tracing::error!(%error, "chatwoot sync did not start");
            send(BackendState::Offline(error), Some(&store), false);
            return;
        }
    };
    send(BackendState::Syncing, Some(&store), false);
    let mut full = true;
    let mut next_refresh = tokio::time::Instant::now();
    loop {
        let pause = match backend.deliver(&mut store).await {
            Ok(report) => report.paused_until,
            Err(e) => {
                tracing::error!(error = %e, "chatwoot delivery pass failed");
                Some(Utc::now() + STORE_RETRY)
            }
        };
        if let Ok(counts) = store.outbox_counts() {
            let _ = events.send(Event::Outbox {
                pending: counts.pending,
                failed: counts.failed,
            });
        }
        if tokio::time::Instant::now() >= next_refresh {
            let since = if full {
                None
            } else {
                backend.last_sync(&store)
            };
            let ok = match backend.refresh(&mut store, since).await {
                Ok(report) => {
                    // The queue goes to the screen after a full refresh and
                    // when this one wrote rows: a quiet poll (every few
                    // seconds, and on every live nudge) re-reads and re-sorts
                    // nothing.
                    let rows = full || report.new + report.updated > 0;
                    full = false;
                    tracing::info!(
                        new = report.new,
                        updated = report.updated,
                        unchanged = report.unchanged,
                        held = report.held,
                        skipped = report.skipped,
                        "chatwoot refresh"
                    );
                    send(BackendState::Online, Some(&store), rows)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "chatwoot refresh failed");
                    send(BackendState::Offline(e.to_string()), Some(&store), false)
                }
            };
            if !ok {
                return;
            }
            next_refresh = tokio::time::Instant::now() + cfg.poll();
        }
        let due = store.outbox_next_due(CHATWOOT).unwrap_or(None);
        let now = Utc::now();
        let until_due = due
            .map(|d| {
                (d.max(pause.unwrap_or(d)) - now)
                    .to_std()
                    .unwrap_or(Duration::ZERO)
            })
            .unwrap_or(Duration::MAX);
        let until_refresh = next_refresh.saturating_duration_since(tokio::time::Instant::now());
        let wait = until_due.min(until_refresh).max(Duration::from_millis(50));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = handle.deliver.notified() => {}
            _ = handle.refresh.notified() => { next_refresh = tokio::time::Instant::now(); }
        }
        if events.is_closed() {
            return;
        }
    }
}
