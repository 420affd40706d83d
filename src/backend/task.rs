//! The full screen's helpdesk tasks, the same for every helpdesk: connect,
//! then refresh on a store connection of its own (full at start, then what
//! changed every `poll`, or at once when the live channel says so), keep
//! the live channel, and drain the outbox (`outbox::worker`). They never
//! touch the screen's state: they report [`News`], which the runtime turns
//! into screen events.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use super::{Desk, Helpdesk};
use crate::domain::agent::Agent;
use crate::domain::queue::QueueRow;
use crate::outbox::Report;
use crate::outbox::worker::Deliverer;
use crate::store::{Routing, Store, StoreError};

/// What the helpdesk tasks report.
#[derive(Debug, Clone)]
pub enum News {
    /// The first refresh is under way.
    Syncing { last_synced: Option<DateTime<Utc>> },
    /// A refresh succeeded: the reloaded queue when it wrote rows.
    Synced {
        rows: Option<(Vec<QueueRow>, Vec<Agent>)>,
        last_synced: Option<DateTime<Utc>>,
    },
    /// A refresh failed, or the helpdesk could not be set up (why); the
    /// queue shown is the last synced one.
    Failed {
        error: String,
        last_synced: Option<DateTime<Utc>>,
    },
    /// The live channel came up or went down.
    Live { up: bool },
}

/// A running helpdesk: poke `refresh` to refresh now; `outbox` is what the
/// delivery loop drains.
pub struct Started {
    pub refresh: Arc<Notify>,
    pub outbox: Arc<dyn Deliverer>,
}

/// Connect to `desk` and start its refresh and live tasks. Without a
/// usable token (or client) the reason goes out as [`News::Failed`] and
/// nothing starts.
/// `routing`: where the workspace's connection enqueues changes; the
/// refresh's connection does the same (a teammate's verdict read back goes
/// to the webhook).
pub fn start(
    desk: &Desk,
    database: PathBuf,
    routing: Routing,
    news: UnboundedSender<News>,
) -> Option<Started> {
    let helpdesk = match desk.connect() {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, helpdesk = desk.name(), "sync did not start");
            let last_synced = Store::open_read_only(&database)
                .ok()
                .and_then(|s| desk.last_sync(&s));
            let _ = news.send(News::Failed {
                error: e.to_string(),
                last_synced,
            });
            return None;
        }
    };
    let refresh = Arc::new(Notify::new());
    tokio::spawn(refreshing(
        desk.clone(),
        helpdesk.clone(),
        database,
        routing,
        refresh.clone(),
        news.clone(),
    ));
    if let Some(live) = helpdesk.clone().live(refresh.clone(), news) {
        tokio::spawn(live);
    }
    Some(Started {
        refresh,
        outbox: Arc::new(Outbox {
            name: desk.name(),
            label: desk.label(),
            helpdesk,
        }),
    })
}

/// A helpdesk's changes in the outbox, as a delivery loop sees them.
pub struct Outbox {
    pub name: &'static str,
    pub label: &'static str,
    pub helpdesk: Arc<dyn Helpdesk>,
}

impl Deliverer for Outbox {
    fn destination(&self) -> &str {
        self.name
    }
    fn label(&self) -> &str {
        self.label
    }
    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>> {
        self.helpdesk.deliver(store, now).boxed()
    }
}

async fn refreshing(
    desk: Desk,
    helpdesk: Arc<dyn Helpdesk>,
    database: PathBuf,
    routing: Routing,
    refresh: Arc<Notify>,
    news: UnboundedSender<News>,
) {
    let mut store = match Store::open(&database) {
        Ok(mut s) => {
            s.set_routing(routing);
            s
        }
        Err(e) => {
            let _ = news.send(News::Failed {
                error: format!("sync: {e}"),
                last_synced: None,
            });
            return;
        }
    };
    let name = desk.name();
    let poll = desk.timing().poll;
    let last = |s: &Store| desk.last_sync(s);
    let _ = news.send(News::Syncing {
        last_synced: last(&store),
    });
    let mut full = true;
    loop {
        let refreshed = super::sync::refresh(&desk, &*helpdesk, &mut store, full, Utc::now());
        let sent = match refreshed.await {
            Ok(report) => {
                tracing::info!(
                    helpdesk = name,
                    new = report.new,
                    updated = report.updated,
                    unchanged = report.unchanged,
                    held = report.held,
                    skipped = report.skipped,
                    "refresh"
                );
                // The queue goes to the screen after a full refresh and
                // when this one wrote rows: a quiet poll (every few
                // seconds, and on every live nudge) re-reads and re-sorts
                // nothing.
                let wrote = full || report.new + report.updated > 0;
                full = false;
                desk.relist(&store);
                news.send(News::Synced {
                    rows: wrote.then(|| queue(&store)).flatten(),
                    last_synced: last(&store),
                })
            }
            Err(e) => {
                tracing::warn!(helpdesk = name, error = %e, "refresh failed");
                news.send(News::Failed {
                    error: e.to_string(),
                    last_synced: last(&store),
                })
            }
        };
        if sent.is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = refresh.notified() => {}
        }
        if news.is_closed() {
            return;
        }
    }
}

/// The queue as the screen shows it, most urgent first.
fn queue(store: &Store) -> Option<(Vec<QueueRow>, Vec<Agent>)> {
    let mut rows = store.queue_rows().ok()?;
    let agents = store.agents().ok()?;
    crate::domain::queue::sort_by_urgency(&mut rows, Utc::now());
    Some((rows, agents))
}
