//! The delivery worker of the full-screen app: a tokio task with its own
//! store connection that sleeps until the next row falls due or a verdict is
//! committed, delivers, and tells the screen how many events wait.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use super::config::WebhookConfig;
use super::delivery::{client, deliver_due};
use crate::app::Event;
use crate::store::{OutboxCounts, Store};

/// Look again at least this often: another process (`handoff tag`) may have
/// added rows without poking us.
const POLL: Duration = Duration::from_secs(30);
/// After a store error, before trying again.
const STORE_RETRY: Duration = Duration::from_secs(5);

/// Run until the screen goes away (its channel closes) or the runtime stops.
/// `wake` is poked after every verdict commit.
pub async fn run(
    database: PathBuf,
    cfg: WebhookConfig,
    wake: Arc<Notify>,
    events: UnboundedSender<Event>,
) {
    let (mut store, client) = match Store::open(&database)
        .map_err(|e| e.to_string())
        .and_then(|s| client(&cfg).map(|c| (s, c)).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(error) => {
            tracing::error!(%error, "outbox worker did not start");
            let _ = events.send(Event::Failed {
                what: "Starting webhook delivery".into(),
                error,
            });
            return;
        }
    };
    let mut shown: Option<OutboxCounts> = None;
    loop {
        let now = Utc::now();
        let paused_until = match deliver_due(&mut store, &client, &cfg, now).await {
            Ok(report) => report.paused_until,
            Err(e) => {
                tracing::error!(error = %e, "outbox delivery pass failed");
                Some(now + STORE_RETRY)
            }
        };
        if let Ok(counts) = store.outbox_counts()
            && shown != Some(counts)
        {
            shown = Some(counts);
            let event = Event::Outbox {
                pending: counts.pending,
                failed: counts.failed,
            };
            if events.send(event).is_err() {
                return;
            }
        }
        let next_due = store.outbox_next_due(super::WEBHOOK).unwrap_or(None);
        let wait = sleep_for(Utc::now(), next_due, paused_until);
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
        }
        if events.is_closed() {
            return;
        }
    }
}

/// Until the next row is due, but not before a pause the receiver asked
/// for ends, and never longer than `POLL`.
fn sleep_for(
    now: DateTime<Utc>,
    next_due: Option<DateTime<Utc>>,
    paused_until: Option<DateTime<Utc>>,
) -> Duration {
    let wake_at = match (next_due, paused_until) {
        (Some(d), Some(p)) => Some(d.max(p)),
        (d, p) => d.or(p),
    };
    wake_at
        .map(|at| (at - now).to_std().unwrap_or(Duration::ZERO))
        .unwrap_or(POLL)
        .min(POLL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_until_due_but_respects_a_pause() {
        let now = Utc::now();
        let s = |secs| Some(now + chrono::Duration::seconds(secs));
        assert_eq!(sleep_for(now, None, None), POLL);
        assert_eq!(sleep_for(now, s(-5), None), Duration::ZERO);
        assert_eq!(sleep_for(now, s(3), None), Duration::from_secs(3));
        assert_eq!(sleep_for(now, s(1), s(8)), Duration::from_secs(8));
        assert_eq!(sleep_for(now, s(3600), None), POLL);
    }
}
