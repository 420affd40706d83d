//! Where each effect `update` asks for is carried out: the filter worker,
//! the terminal (editor, clipboard, browser, bell), a thread for the lead
//! figures, or the store. The event loop hands every effect here; whatever
//! it reports comes back as an event in `pending`.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc;

use super::filter_worker::FilterWorker;
use super::{editor, effects, external, input, watch};
use crate::app::{Effect, Event};
use crate::domain::filter::Snapshot;
use crate::store::Store;
use crate::workspace::Workspace;

/// What of the event loop's running effects need, borrowed for one effect.
pub(super) struct Runner<'a> {
    pub ws: &'a mut Workspace,
    pub me: &'a str,
    pub input: &'a input::Input,
    pub editor_tx: &'a mpsc::UnboundedSender<editor::Outcome>,
    pub tx: &'a mpsc::UnboundedSender<Event>,
    pub filter_worker: Option<&'a FilterWorker>,
    /// One per delivery loop (webhook, helpdesk), poked after each write.
    pub wakes: &'a [Arc<tokio::sync::Notify>],
    pub own_writes: &'a mut watch::OwnWrites,
    /// An external editor has the terminal.
    pub suspended: &'a mut bool,
    /// The newest filter run asked for, handed to the worker after the
    /// frame is drawn.
    pub filter_job: &'a mut Option<(u64, Box<Snapshot>)>,
    pub pending: &'a mut VecDeque<Event>,
}

impl Runner<'_> {
    pub async fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::Filter {
                generation,
                snapshot,
            } if self.filter_worker.is_some() => {
                // A run still going for older text stops now.
                if let Some(worker) = self.filter_worker {
                    worker.supersede(generation);
                }
                *self.filter_job = Some((generation, snapshot));
            }
            // The terminal's own effects: only the event loop owns the terminal.
            Effect::EditInEditor { target, text } if !*self.suspended => {
                let dir = self.ws.paths.data_dir.as_path();
                let started = editor::start(self.input, dir, target, &text, self.editor_tx.clone());
                match started.await {
                    Ok(()) => *self.suspended = true,
                    Err(event) => self.pending.push_back(event),
                }
            }
            // One editor at a time (a second Ctrl-E typed ahead).
            Effect::EditInEditor { .. } => {}
            Effect::Copy { label, text } => {
                let config = &self.ws.config;
                let command = config.clipboard.as_ref().and_then(|c| c.command.as_deref());
                let mut out = std::io::stdout();
                let done = external::copy(command, &label, text, &mut out, self.tx);
                self.pending.extend(done);
            }
            Effect::OpenUrl { url } => self.pending.push_back(external::open(&url, self.tx)),
            Effect::Bell => {
                if self.ws.config.bell != Some(false) {
                    external::bell(&mut std::io::stdout());
                }
            }
            // Metrics read every recent handoff: never on the UI thread.
            Effect::LoadDashboard => {
                spawn_dashboard(self.ws.database().to_path_buf(), self.tx.clone());
            }
            effect => self.on_store(effect),
        }
    }

    /// Store writes take well under a millisecond; running them here keeps
    /// "durable before shown" trivially true.
    fn on_store(&mut self, effect: Effect) {
        let outgoing = effect.reaches_helpdesk();
        let done = effects::run(&mut self.ws.store, self.me, effect);
        // The watcher will bring this write round: note it to drop.
        if let Event::Saved { row, .. } = &done {
            self.own_writes.record(&row.id, self.ws.store.written_seq());
        }
        self.pending.push_back(done);
        // A delivery loop with nothing due goes back to sleep.
        if outgoing {
            self.wakes.iter().for_each(|w| w.notify_one());
        }
    }
}

fn spawn_dashboard(database: std::path::PathBuf, tx: mpsc::UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        let result = Store::open_read_only(&database)
            .and_then(|s| effects::load_dashboard(&s, Utc::now()))
            .map(Box::new)
            .map_err(|e| e.to_string());
        let _ = tx.send(Event::DashboardLoaded(result));
    });
}
