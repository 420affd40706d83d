//! Events: everything that can change state. Terminal input, clock ticks, and
//! the results of effects all arrive here.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use super::effect::Done;
use crate::domain::agent::Agent;
use crate::domain::feedback::Feedback;
use crate::domain::handoff::Handoff;
use crate::domain::queue::QueueRow;

#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    /// A click or wheel turn (only those are passed on; see `app::mouse`).
    Mouse(MouseEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    Tick(DateTime<Utc>),
    /// A frame went out: how far what it drew can scroll.
    Drawn(super::state::Drawn),
    /// The queue index finished loading.
    Loaded {
        rows: Vec<QueueRow>,
        agents: Vec<Agent>,
    },
    /// A big store's open handoffs, loaded first: the queue is on screen
    /// while its resolved history loads (`LoadedRest`).
    LoadedOpen {
        rows: Vec<QueueRow>,
        agents: Vec<Agent>,
    },
    /// The rest of a big store's queue (its resolved handoffs), after
    /// `LoadedOpen`.
    LoadedRest {
        rows: Vec<QueueRow>,
    },
    DetailLoaded(Box<Detail>),
    /// The teams the store knows (agents', handoffs', the helpdesk's).
    TeamsLoaded(Vec<String>),
    /// A filter run off the UI thread finished: every row its query matches
    /// (indices into `rows`, in display order). Dropped unless `generation`
    /// is the latest asked for.
    Filtered {
        generation: u64,
        visible: Vec<usize>,
    },
    /// The lead screens' figures, computed off the UI thread.
    DashboardLoaded(Result<Box<crate::domain::metrics::Dashboard>, String>),
    /// A write is durable. `row`/`detail` carry the record as stored now.
    Saved {
        row: Box<QueueRow>,
        detail: Box<Detail>,
        done: Done,
    },
    DraftSaved,
    /// Something was recorded that changes nothing on screen.
    Logged,
    /// SIGTERM or SIGHUP: wind down as if the user quit.
    Shutdown,
    /// Webhook deliveries waiting, and refused for good (see `outbox`).
    Outbox {
        pending: usize,
        failed: usize,
    },
    /// The helpdesk's live channel came up or went down.
    Live {
        up: bool,
    },
    /// The helpdesk sync task ran: the reloaded queue (when the store
    /// changed), the link state and the last successful sync.
    Synced {
        data: Option<(Vec<QueueRow>, Vec<Agent>)>,
        link: super::state::Link,
        last_synced: Option<DateTime<Utc>>,
    },
    /// Other processes changed the local store (see `runtime::watch`): the
    /// handoffs they changed or added — with `all`, every handoff, to
    /// reload — and the agents when those changed.
    StoreChanged {
        rows: Vec<QueueRow>,
        all: bool,
        agents: Option<Vec<Agent>>,
    },
    /// The external editor closed: the text it saved, or why it failed
    /// (the draft is then unchanged).
    Edited {
        target: super::effect::EditTarget,
        result: Result<String, String>,
    },
    /// An escape hatch (clipboard, browser) finished: a toast to show, or
    /// an error to show as one.
    Notice(Result<String, String>),
    /// A load or a background job failed (not a write of the agent's:
    /// see `WriteFailed`); nothing changed.
    Failed {
        what: String,
        error: String,
    },
    /// A write failed (`write`, as its `Done` carried it); nothing changed.
    WriteFailed {
        write: super::effect::WriteId,
        what: String,
        error: String,
    },
}

/// The selected handoff in full, with its verdict and drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub handoff: Handoff,
    pub feedback: Option<Feedback>,
    pub note_draft: Option<String>,
    pub reply_draft: Option<String>,
}
