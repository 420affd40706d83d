//! Effects: work `update` asks the runtime to do (store writes, loads). Data,
//! not closures, so tests can assert on exactly what would happen.

use crate::domain::feedback::Feedback;
use crate::domain::handoff::Status;

/// Which compose box a draft belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKind {
    /// An internal note, private to agents.
    Note,
    /// A reply the customer sees.
    Reply,
}

impl DraftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::Note => "note",
            DraftKind::Reply => "reply",
        }
    }
}

/// What to show and what can be undone once a write is durable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Done {
    pub toast: String,
    pub undo: Option<Undo>,
    /// Which write this is, so its outcome ends it and no other (see
    /// `app::saving`); set when `update` hands the write out.
    pub write: Option<WriteId>,
}

/// A write in flight, numbered by `app::saving::Saving`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId(pub u64);

/// A compensating change and how to describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub label: String,
    pub effect: Box<Effect>,
    /// The rest of a bulk change's compensations: one `u` undoes the batch.
    pub rest: Vec<Effect>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read the full record (and drafts) for the summary pane.
    LoadDetail { id: String },
    /// Run the filter over a snapshot of the queue off the UI thread; the
    /// answer comes back as `Event::Filtered` with the same `generation`.
    Filter {
        generation: u64,
        snapshot: Box<crate::domain::filter::Snapshot>,
    },
    /// Put a verdict in force, or clear it with `None`.
    SaveFeedback {
        id: String,
        feedback: Option<Feedback>,
        done: Done,
    },
    Assign {
        id: String,
        assignee: Option<String>,
        done: Done,
    },
    SetStatus {
        id: String,
        status: Status,
        done: Done,
    },
    /// Move a handoff to a team (`None`: no team).
    AssignTeam {
        id: String,
        team: Option<String>,
        done: Done,
    },
    /// List the teams the store knows, for the team picker.
    LoadTeams,
    /// Send a reply or internal note (clears its draft in the same commit).
    AddMessage {
        id: String,
        kind: DraftKind,
        text: String,
        done: Done,
    },
    SaveDraft {
        id: String,
        kind: DraftKind,
        text: String,
    },
    /// Compute the lead screens' figures (in the background: it reads a lot).
    LoadDashboard,
    /// Record how long the agent actively worked a handoff (handle time).
    LogFocus { id: String, seconds: i64 },
    /// Hand `text` to `$VISUAL`/`$EDITOR` on the terminal; the edited text
    /// comes back as `Event::Edited` (see `app::external`).
    EditInEditor { target: EditTarget, text: String },
    /// Put cleaned `text` on the clipboard (OSC 52 or the configured
    /// command); `label` names it in the toast ("customer email").
    Copy { label: String, text: String },
    /// Open `url` (http/https only) in the browser, detached from the TUI.
    OpenUrl { url: String },
    /// Ring the terminal bell (an urgent handoff arrived in my queue).
    Bell,
}

impl Effect {
    /// What a change the agent made reports once durable; `None` for loads,
    /// drafts, handle time and the terminal's own effects.
    pub fn done(&self) -> Option<&Done> {
        match self {
            Effect::SaveFeedback { done, .. }
            | Effect::Assign { done, .. }
            | Effect::SetStatus { done, .. }
            | Effect::AssignTeam { done, .. }
            | Effect::AddMessage { done, .. } => Some(done),
            _ => None,
        }
    }

    pub fn done_mut(&mut self) -> Option<&mut Done> {
        match self {
            Effect::SaveFeedback { done, .. }
            | Effect::Assign { done, .. }
            | Effect::SetStatus { done, .. }
            | Effect::AssignTeam { done, .. }
            | Effect::AddMessage { done, .. } => Some(done),
            _ => None,
        }
    }

    /// A change the agent made: shown as done only when durable, counted
    /// in "saving…" until then, refused in read-only mode.
    pub fn is_write(&self) -> bool {
        self.done().is_some()
    }

    /// Whether running it writes the store: a change of the agent's, a
    /// draft, the time spent on a handoff. The runtime holds these until the
    /// store's quick check has answered; everything else runs at once.
    pub fn writes_store(&self) -> bool {
        self.is_write() || matches!(self, Effect::SaveDraft { .. } | Effect::LogFocus { .. })
    }

    /// Whether running it enqueues a change for the helpdesk or the webhook
    /// (see `store::remote`), so their delivery loops are woken.
    pub fn reaches_helpdesk(&self) -> bool {
        self.is_write()
    }

    /// This effect reporting `done` when it is durable (a write; anything
    /// else is returned as it is).
    pub fn with_done(self, done: Done) -> Effect {
        match self {
            Effect::SaveFeedback { id, feedback, .. } => {
                Effect::SaveFeedback { id, feedback, done }
            }
            Effect::Assign { id, assignee, .. } => Effect::Assign { id, assignee, done },
            Effect::SetStatus { id, status, .. } => Effect::SetStatus { id, status, done },
            Effect::AssignTeam { id, team, .. } => Effect::AssignTeam { id, team, done },
            Effect::AddMessage { id, kind, text, .. } => Effect::AddMessage {
                id,
                kind,
                text,
                done,
            },
            other => other,
        }
    }
}

/// Which box an external editor's text goes back into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditTarget {
    /// The reply or note draft of a handoff (saved as a draft on return).
    Draft { id: String, kind: DraftKind },
    /// The optional note on a bad verdict.
    VerdictNote { id: String },
    /// The one optional note on a bulk bad verdict: every handoff of the
    /// batch (`ids`) and the reason they share, so the box can come back.
    BulkVerdictNote {
        ids: Vec<String>,
        reason: crate::domain::feedback::Reason,
    },
}
