//! The delivery loop of the full-screen app, one per destination (the
//! webhook, the helpdesk): a tokio task with its own store connection that
//! sleeps until the next row falls due or a change is committed, delivers,
//! and says how many changes wait. The same loop for every destination:
//! what differs is the [`Deliverer`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use super::Report;
use crate::config::WebhookConfig;
use crate::store::{OutboxCounts, Store, StoreError};

/// Look again at least this often: another process (`handoff tag`) may have
/// added rows without poking us.
const POLL: Duration = Duration::from_secs(30);
/// After a store error, before trying again.
const STORE_RETRY: Duration = Duration::from_secs(5);

/// Somewhere outbox rows go: one pass sends every due row of `destination`.
pub trait Deliverer: Send + Sync {
    /// The outbox `destination` it drains (`webhook`, a helpdesk's name).
    fn destination(&self) -> &str;
    /// What people call it, for messages ("the webhook", a helpdesk's name).
    fn label(&self) -> &str;
    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>>;
}

/// The configured webhook as a [`Deliverer`].
pub struct Webhook {
    cfg: WebhookConfig,
    client: reqwest::Client,
}

impl Webhook {
    pub fn new(cfg: WebhookConfig) -> Result<Webhook, String> {
        let client = super::client(&cfg).map_err(|e| format!("starting the HTTP client: {e}"))?;
        Ok(Webhook { cfg, client })
    }
}

impl Deliverer for Webhook {
    fn destination(&self) -> &str {
        super::WEBHOOK
    }
    fn label(&self) -> &str {
        "the webhook"
    }
    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>> {
        super::deliver_due(store, &self.client, &self.cfg, now).boxed()
    }
}

/// What a delivery loop tells whoever started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Changes waiting in the whole outbox, and those refused for good.
    Waiting { pending: usize, failed: usize },
    /// The loop could not start (`what` failed); nothing will be delivered.
    NotStarted { what: String, error: String },
}

/// Run until the screen goes away (`notices` closes) or the runtime stops.
/// `wake` is poked after every change the agent commits.
pub async fn run(
    database: PathBuf,
    to: Arc<dyn Deliverer>,
    wake: Arc<Notify>,
    notices: UnboundedSender<Notice>,
) {
    let mut store = match Store::open(&database) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, destination = to.destination(), "delivery did not start");
            let _ = notices.send(Notice::NotStarted {
                what: format!("Starting delivery to {}", to.label()),
                error: e.to_string(),
            });
            return;
        }
    };
    let mut shown: Option<OutboxCounts> = None;
    loop {
        let now = Utc::now();
        let paused_until = match to.deliver(&mut store, now).await {
            Ok(report) => report.paused_until,
            Err(e) => {
                tracing::error!(error = %e, destination = to.destination(), "delivery pass failed");
                Some(now + STORE_RETRY)
            }
        };
        if let Ok(counts) = store.outbox_counts()
            && shown != Some(counts)
        {
            shown = Some(counts);
            let notice = Notice::Waiting {
                pending: counts.pending,
                failed: counts.failed,
            };
            if notices.send(notice).is_err() {
                return;
            }
        }
        let next_due = store.outbox_next_due(to.destination()).unwrap_or(None);
        let wait = sleep_for(Utc::now(), next_due, paused_until);
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
        }
        if notices.is_closed() {
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
