//! Everything the screen shows, and nothing the screen computes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;

use super::effect::{DraftKind, Undo};
use super::event::Detail;
use super::keymap::{Key, Keymap};
use super::queue_view::QueueView;
use crate::domain::agent::Agent;
use crate::domain::filter::Query;
use crate::domain::metrics::Dashboard;
use crate::domain::queue::{Builtin, QueueRow, Section};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Queue,
    Detail,
}

/// Which screen fills the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The agent's queue and summary.
    Workspace,
    /// Team lead: queue status per team and agent.
    Floor,
    /// Team lead: handoff quality, this window against the last.
    Quality,
    /// Team lead: bad handoffs grouped by reason and AI procedure.
    Review,
}

/// What the detail pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Summary,
    Transcript,
    /// The bot's handoff note as it was written (a handoff that came as
    /// free text).
    Note,
}

/// A dialog on top of the workspace; it takes the keys while open.
#[derive(Debug, Clone)]
pub enum Modal {
    /// After `b`: the flag is saved; pick a reason (one key) or Esc.
    ReasonPicker {
        id: String,
        /// The rest of a bulk flag: the reason applies to all of them.
        others: Vec<String>,
    },
    /// After a reason: an optional note on the verdict.
    VerdictNote {
        id: String,
        input: TextArea<'static>,
    },
    /// After a bulk `b` and its reason: one optional note for every
    /// handoff of the batch.
    BulkVerdictNote {
        ids: Vec<String>,
        reason: crate::domain::feedback::Reason,
        input: TextArea<'static>,
    },
    /// `T`: move the selected or marked handoffs (`ids`) to a team; a
    /// number picks at once, ↑/↓ and Enter pick, Esc cancels.
    TeamPicker {
        ids: Vec<String>,
        teams: Vec<String>,
        selected: usize,
        /// Open handoffs in each of `teams`, counted when the picker
        /// opened (not on each frame: a pass over every row).
        open: Vec<usize>,
        /// The team all of `ids` are in, if one.
        now_in: Option<String>,
    },
    /// Writing a reply or internal note.
    Compose {
        id: String,
        kind: DraftKind,
        input: TextArea<'static>,
    },
    /// Every key; typing filters, ↑/↓ pick, Enter runs the picked action.
    Help { filter: String, selected: usize },
    /// `:` / Ctrl-P: every action by name, fuzzy; Enter runs it.
    Palette { filter: String, selected: usize },
    /// Problems found in the config file, shown once at start.
    Problems { lines: Vec<String> },
    /// A verdict on more marked handoffs than `bulk::CONFIRM_ABOVE`: asked
    /// once for the whole batch; `count` would get it.
    ConfirmBulk {
        verdict: crate::domain::feedback::Verdict,
        count: usize,
    },
}

/// Active time on the selected handoff. Gaps between inputs count up to
/// `IDLE_SECS`, so a handoff left open over lunch does not count as worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusClock {
    pub id: String,
    pub active_secs: i64,
    pub last_input: DateTime<Utc>,
}

pub const IDLE_SECS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub kind: ToastKind,
    pub at: DateTime<Utc>,
}

/// How long a toast stays up.
pub const TOAST_SECS: i64 = 5;

#[derive(Debug, Clone, Default)]
pub struct FilterState {
    /// What the user typed.
    pub text: String,
    /// The query in force (last text that parsed).
    pub query: Query,
    /// Why the current text does not parse, if it does not.
    pub error: Option<String>,
    /// The filter line has the keyboard.
    pub editing: bool,
    /// Numbers each run of the filter off the UI thread; only the result of
    /// the latest is taken, older ones are dropped.
    pub generation: u64,
    /// The latest result from off the UI thread: every row the query matches
    /// (indices into `QueueView::rows`, in display order), before the section
    /// applies. Shown until a newer one arrives; `None` when the filter runs
    /// inline.
    pub hits: Option<Vec<usize>>,
    /// A run off the UI thread is under way: `hits` answers older text
    /// or an older queue.
    pub running: bool,
    /// The text changed: the next result for it moves the cursor to its
    /// best match (a change to the queue under a filter does not).
    pub jump: bool,
}

/// Up to this many rows the filter runs inside `update` (about 1 ms); above,
/// on a worker thread, so typing never waits for it.
pub const FILTER_INLINE_ROWS: usize = 10_000;

/// How far the summary (or transcript) and the lead screen can scroll: the
/// first line of each one's last page. The renderer measures them as it
/// draws and the runtime sends them back (`Event::Drawn`), so a scroll key
/// clamps without building every styled line of the summary again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScrollRoom {
    pub detail: usize,
    pub lead: usize,
}

/// What a frame measured; `None` for what it did not draw (the summary
/// under a lead screen keeps its room, and its scroll, for the return).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub detail: Option<usize>,
    pub lead: Option<usize>,
}

impl Drawn {
    /// Whether it says anything `room` does not already hold.
    pub fn is_news(&self, room: &ScrollRoom) -> bool {
        self.detail.is_some_and(|d| d != room.detail) || self.lead.is_some_and(|l| l != room.lead)
    }
}

#[derive(Debug, Clone)]
pub struct State {
    pub now: DateTime<Utc>,
    pub me: String,
    /// `me` is the login name: nobody said who is working (`--agent`,
    /// config `agent`), so the screen says how to.
    pub agent_guessed: bool,
    /// Only the open handoffs have loaded; the resolved history is coming
    /// (`Event::LoadedRest`), so counts that include it are not final.
    pub loading_rest: bool,
    pub my_teams: Vec<String>,
    pub agents: Vec<Agent>,
    pub width: u16,
    pub height: u16,
    /// False until the queue index has loaded.
    pub loaded: bool,
    /// The rows, their order, sections and routing, and the visible list
    /// with its cursor, kept in step by `QueueView`'s methods.
    pub queue: QueueView,
    /// Queues longer than this are filtered off the UI thread.
    pub filter_inline_rows: usize,
    /// The sections in force, in tab order (the config's saved queries, or
    /// the built-ins); at most `queue::MAX_SECTIONS`. Change them with
    /// `update::set_sections`, which recounts.
    pub sections: Vec<Section>,
    /// Index into `sections` of the one shown.
    pub section: usize,
    pub filter: FilterState,
    pub focus: Focus,
    pub pane: Pane,
    pub detail: Option<Detail>,
    pub detail_scroll: u16,
    /// How far the summary and the lead screen can scroll, as last drawn.
    pub room: ScrollRoom,
    pub modal: Option<Modal>,
    pub toast: Option<Toast>,
    pub undo: Vec<Undo>,
    /// Writes asked for and not yet durable, each by its own id.
    pub saving: super::saving::Saving,
    pub last_saved: Option<DateTime<Utc>>,
    /// The last write that failed ("Saving the verdict failed: disk is
    /// full"), until a write lands or a new flag starts: the reason dialog
    /// shows it instead of "saved".
    pub save_failed: Option<String>,
    /// Verdict events the webhook has not acknowledged, and those it refused.
    pub outbox_pending: usize,
    pub outbox_failed: usize,
    /// The helpdesk link (Local without one) and its last successful sync.
    pub link: Link,
    pub last_synced: Option<DateTime<Utc>>,
    /// The helpdesk's live channel is up: its changes arrive as they happen,
    /// not only with the next poll.
    pub live: bool,
    pub focus_clock: Option<FocusClock>,
    pub screen: Screen,
    /// The lead screens' figures, as last computed (off the UI thread).
    pub dashboard: Option<Box<Dashboard>>,
    pub dashboard_loading: bool,
    /// Scroll of the lead screens, in lines.
    pub lead_scroll: u16,
    /// A lead looking on: no verdicts, no assignment, no writes at all.
    pub read_only: bool,
    pub quit: bool,
    /// The keys in force (built once at start from the preset and config).
    pub keymap: Keymap,
    /// Keys typed so far of a chord ("g" of "g g"); the status bar shows
    /// what can follow, Esc cancels.
    pub pending_chord: Vec<Key>,
    /// Handoff ids marked for bulk work; b/g/c/x act on all of them.
    pub marked: HashSet<String>,
    /// The last row marked: `V` marks from it to the cursor.
    pub mark_anchor: Option<String>,
    /// The column the queue is sorted by (urgency unless the user chose).
    pub sort: super::sort::SortKey,
    /// Where a handoff's page in the helpdesk's web UI is (`O`, `y u`).
    pub web_ui: super::external::WebUi,
}

/// How the workspace stands with its helpdesk, for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Link {
    /// The embedded store only: nothing to sync.
    #[default]
    Local,
    /// The first refresh is running.
    Syncing,
    /// The last refresh succeeded.
    Online,
    /// The last refresh failed (why); the queue shown is the last synced one.
    Offline(String),
}

/// What the app is told at start, resolved by the runtime from the config
/// file and the helpdesk: the app itself reads no files.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub keymap: Keymap,
    /// The queue's sections in tab order (empty: the built-ins).
    pub sections: Vec<Section>,
    pub web_ui: super::external::WebUi,
    /// What is wrong in the config file, one line each: shown first (any
    /// key continues).
    pub problems: Vec<String>,
    /// A lead looking on: nothing is written.
    pub read_only: bool,
}

impl State {
    /// The workspace as `settings` say, before anything is loaded.
    pub fn with_settings(me: String, now: DateTime<Utc>, settings: Settings) -> State {
        let mut state = State::new(me, now);
        state.keymap = settings.keymap;
        state.read_only = settings.read_only;
        state.web_ui = settings.web_ui;
        super::update::set_sections(&mut state, settings.sections);
        if !settings.problems.is_empty() {
            state.modal = Some(Modal::Problems {
                lines: settings.problems,
            });
        }
        state
    }

    pub fn new(me: String, now: DateTime<Utc>) -> State {
        State {
            now,
            me,
            agent_guessed: false,
            loading_rest: false,
            my_teams: Vec::new(),
            agents: Vec::new(),
            width: 80,
            height: 24,
            loaded: false,
            queue: QueueView::new(now, Builtin::ALL.len()),
            filter_inline_rows: FILTER_INLINE_ROWS,
            sections: Section::builtins(),
            section: 0,
            filter: FilterState::default(),
            focus: Focus::Queue,
            pane: Pane::Summary,
            detail: None,
            detail_scroll: 0,
            room: ScrollRoom::default(),
            modal: None,
            toast: None,
            undo: Vec::new(),
            saving: super::saving::Saving::default(),
            last_saved: None,
            save_failed: None,
            outbox_pending: 0,
            outbox_failed: 0,
            link: Link::Local,
            last_synced: None,
            live: false,
            focus_clock: None,
            screen: Screen::Workspace,
            dashboard: None,
            dashboard_loading: false,
            lead_scroll: 0,
            read_only: false,
            quit: false,
            keymap: Keymap::default(),
            pending_chord: Vec::new(),
            marked: HashSet::new(),
            mark_anchor: None,
            sort: super::sort::SortKey::Urgency,
            web_ui: super::external::WebUi::default(),
        }
    }

    /// After `b`: ask why `id` (and `others`, in a bulk flag) are bad while
    /// their flags are being saved. An earlier write's failure is not theirs.
    pub fn pick_reason(&mut self, id: String, others: Vec<String>) {
        self.modal = Some(Modal::ReasonPicker { id, others });
        self.save_failed = None;
    }

    /// The agents routing may pick, and so which teams are mine.
    pub fn set_agents(&mut self, agents: Vec<Agent>) {
        self.my_teams = agents
            .iter()
            .find(|a| a.name == self.me)
            .map(|a| a.teams.clone())
            .unwrap_or_default();
        self.agents = agents;
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&QueueRow> {
        self.queue.selected()
    }

    /// The loaded detail, if it belongs to the selected row.
    pub fn selected_detail(&self) -> Option<&Detail> {
        let id = &self.selected()?.id;
        self.detail.as_ref().filter(|d| &d.handoff.id == id)
    }

    /// Handoffs in section `index` (before the filter).
    pub fn section_count(&self, index: usize) -> usize {
        self.queue.count(index)
    }

    /// The section shown.
    pub fn current_section(&self) -> Option<&Section> {
        self.sections.get(self.section)
    }

    /// Which built-in the section shown is, if it is one.
    pub fn current_builtin(&self) -> Option<Builtin> {
        self.current_section().and_then(|s| s.builtin)
    }

    /// The sections' names in tab order: help and the palette word
    /// `section_N` with them and leave out numbers with no section.
    pub fn section_titles(&self) -> Vec<&str> {
        self.sections.iter().map(|s| s.name.as_str()).collect()
    }

    /// Where `b` is among the sections in force, if it is.
    pub fn builtin_index(&self, b: Builtin) -> Option<usize> {
        self.sections.iter().position(|s| s.builtin == Some(b))
    }
}
