//! The pure heart: `update(state, event) -> effects`. No I/O happens here;
//! writes are returned as effects and only show as done when their `Saved`
//! event comes back from the runtime.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui_textarea::TextArea;

use super::action::Action;
use super::effect::{Done, DraftKind, Effect, Undo};
use super::event::{Detail, Event};
use super::keymap::{Context, Key, Resolved};
use super::state::{
    Focus, FocusClock, IDLE_SECS, Link, Modal, Pane, Screen, State, TOAST_SECS, Toast, ToastKind,
};
use crate::domain::agent::Agent;
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::filter::{self, Query, Snapshot, Viewer};
use crate::domain::handoff::Status;
use crate::domain::queue::{self, Builtin, QueueRow, Rows, Section};
use crate::domain::{routing, sanitize};
use crate::ui::layout;

pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let mut effects = on_key(state, key);
            effects.extend(track_focus(state));
            effects
        }
        Event::Key(_) => Vec::new(),
        Event::Mouse(mouse) => {
            let mut effects = super::mouse::on_mouse(state, mouse);
            effects.extend(track_focus(state));
            effects
        }
        Event::Paste(text) => on_paste(state, &text),
        Event::Resize { width, height } => {
            state.width = width;
            state.height = height;
            keep_cursor_visible(state);
            Vec::new()
        }
        Event::Tick(now) => {
            let minute_changed = now.timestamp() / 60 != state.now.timestamp() / 60;
            state.now = now;
            if state
                .toast
                .as_ref()
                .is_some_and(|t| now - t.at >= Duration::seconds(TOAST_SECS))
            {
                state.toast = None;
            }
            // SLA states move with the clock, and with them the order.
            let mut effects = Vec::new();
            if minute_changed && state.loaded {
                // Membership changes with the clock only for `sla:` / `age:`.
                let clocked = state.sections.iter().any(|s| s.query.uses_clock());
                effects = resort(state, clocked);
            }
            // The lead screens are live: refresh their figures each minute.
            if minute_changed && state.screen != Screen::Workspace {
                effects.extend(load_dashboard(state));
            }
            effects
        }
        Event::LoadedOpen { rows, agents } => {
            let effects = update(state, Event::Loaded { rows, agents });
            state.loading_rest = true;
            effects
        }
        Event::LoadedRest { rows } => {
            // Resolved handoffs sort after every open one: what is on screen
            // stays where it is, and `resort` keeps the selection.
            for row in rows {
                let i = state.rows.push(row);
                state.order.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
            state.loading_rest = false;
            resort(state, true)
        }
        Event::Loaded { rows, agents } => {
            state.loading_rest = false;
            state.order = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
            state.rows = Rows::from(rows);
            state.my_teams = agents
                .iter()
                .find(|a| a.name == state.me)
                .map(|a| a.teams.clone())
                .unwrap_or_default();
            state.agents = agents;
            state.loaded = true;
            let mut effects = resort(state, true);
            // Start where the work is: the first section that has some
            // (my queue, else my teams' unassigned, else everything).
            if state.section_count(state.section) == 0
                && let Some(first) = (0..state.sections.len()).find(|&k| state.section_count(k) > 0)
            {
                state.section = first;
            }
            if state.agent_guessed {
                let text = format!(
                    "You are \"{}\" (login name): set --agent NAME or agent = \"NAME\" in config",
                    state.me
                );
                toast(state, text, ToastKind::Info);
            }
            rebuild_view(state, None);
            effects.extend(load_selected(state));
            effects
        }
        Event::DashboardLoaded(result) => {
            state.dashboard_loading = false;
            match result {
                Ok(dashboard) => state.dashboard = Some(dashboard),
                Err(error) => {
                    let text = format!("Computing the lead figures failed: {error}");
                    toast(state, text, ToastKind::Error);
                }
            }
            Vec::new()
        }
        Event::TeamsLoaded(teams) => {
            super::team::on_teams_loaded(state, teams);
            Vec::new()
        }
        Event::DetailLoaded(detail) => {
            if state.selected().is_some_and(|r| r.id == detail.handoff.id) {
                state.detail = Some(*detail);
            }
            Vec::new()
        }
        Event::Filtered {
            generation,
            visible,
        } => {
            // A result for text that has since changed: a newer one is coming.
            if generation != state.filter.generation {
                return Vec::new();
            }
            let keep = state.selected().map(|r| r.id.clone());
            state.filter.hits = Some(visible);
            state.filter.running = false;
            rebuild_view(state, keep);
            load_selected(state)
        }
        Event::Saved { row, detail, done } => {
            state.saving.finish(done.write);
            state.last_saved = Some(state.now);
            state.save_failed = None;
            let keep = state.selected().map(|r| r.id.clone());
            let mut effects = place(state, *row, keep);
            if state
                .detail
                .as_ref()
                .is_none_or(|d| d.handoff.id == detail.handoff.id)
            {
                state.detail = Some(*detail);
            }
            if let Some(undo) = done.undo {
                state.undo.push(undo);
            }
            // In a bulk change only the last write carries the summary.
            if !done.toast.is_empty() {
                toast(state, done.toast, ToastKind::Info);
            }
            effects.extend(load_selected(state));
            effects
        }
        Event::DraftSaved | Event::Logged => Vec::new(),
        Event::Shutdown => {
            state.quit = true;
            track_focus(state)
        }
        Event::Outbox { pending, failed } => {
            state.outbox_pending = pending;
            state.outbox_failed = failed;
            Vec::new()
        }
        Event::Live { up } => {
            state.live = up;
            Vec::new()
        }
        Event::Synced {
            data,
            link,
            last_synced,
        } => {
            if let Link::Offline(why) = &link
                && state.link != link
            {
                toast(state, format!("Helpdesk sync: {why}"), ToastKind::Error);
            }
            state.link = link;
            state.last_synced = last_synced.or(state.last_synced);
            let Some((rows, agents)) = data else {
                return Vec::new();
            };
            reload(state, rows, agents)
        }
        // Before the first load the load under way has them.
        Event::StoreChanged { .. } if !state.loaded => Vec::new(),
        Event::StoreChanged {
            rows,
            all: true,
            agents,
        } => {
            let agents = agents.unwrap_or_else(|| state.agents.clone());
            reload(state, rows, agents)
        }
        Event::StoreChanged {
            rows,
            all: false,
            agents,
        } => merge(state, rows, agents),
        Event::Edited { target, result } => super::external::on_edited(state, target, result),
        Event::Notice(result) => {
            match result {
                Ok(text) => toast(state, text, ToastKind::Info),
                Err(text) => toast(state, text, ToastKind::Error),
            }
            Vec::new()
        }
        Event::Failed { what, error } => {
            toast(state, format!("{what} failed: {error}"), ToastKind::Error);
            Vec::new()
        }
        // Only this write ends: others may still be on their way.
        Event::WriteFailed { write, what, error } => {
            let message = format!("{what} failed: {error}");
            state.saving.finish(Some(write));
            state.save_failed = Some(message.clone());
            toast(state, message, ToastKind::Error);
            Vec::new()
        }
    }
}

/// The whole queue anew (a helpdesk sync, or a big change to the local
/// store): same section, cursor on the same handoff, and the bell for
/// urgent work newly in my queue.
fn reload(state: &mut State, rows: Vec<QueueRow>, agents: Vec<Agent>) -> Vec<Effect> {
    let (was_loaded, section) = (state.loaded, state.section);
    let keep = state.selected().map(|r| r.id.clone());
    // What was in my queue, to ring for what lands in it (not on the
    // first load, nor the first sync into an empty store: everything
    // would be new).
    let before = (was_loaded && !state.rows.is_empty()).then(|| super::external::mine(state));
    let mut effects = update(state, Event::Loaded { rows, agents });
    if was_loaded {
        state.section = section;
        rebuild_view(state, keep);
        effects.extend(load_selected(state));
    }
    if let Some(before) = before {
        effects.extend(super::external::announce_arrivals(state, &before));
    }
    effects
}

/// Rows another process changed, merged as a save's row is (`put`), with
/// routing, the filter and the view redone once for the lot. A row the
/// screen already shows as it is (the echo of a write of ours) changes
/// nothing. Dialogs are left alone; the summary on screen is reloaded if
/// its handoff changed (drafts are saved as typed, so none is lost).
/// Urgent or SLA-pressed work newly in my queue rings, as after a sync.
fn merge(state: &mut State, rows: Vec<QueueRow>, agents: Option<Vec<Agent>>) -> Vec<Effect> {
    let keep = state.selected().map(|r| r.id.clone());
    // Where each id is: one pass for a batch, not a scan a row.
    let mut index: Option<std::collections::HashMap<String, usize>> = (rows.len() > 4).then(|| {
        (state.rows.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect()
    });
    let mine = Section::builtin(Builtin::Mine);
    let mut arrived = Vec::new();
    let mut placed = Placed::default();
    let (mut changed, mut selected_changed) = (false, false);
    for row in rows {
        let found = match &index {
            Some(index) => index.get(row.id.as_str()).copied(),
            None => state.rows.position(&row.id),
        };
        let old = found.and_then(|i| state.rows.get(i));
        if old.is_some_and(|old| *old == row) {
            continue;
        }
        let me = Viewer::new(&state.me, &state.my_teams);
        let was_mine = old.is_some_and(|old| mine.contains(old, me, state.now));
        if !was_mine && mine.contains(&row, me, state.now) {
            arrived.push(row.clone());
        }
        changed = true;
        selected_changed |= keep.as_deref() == Some(row.id.as_str());
        let id = index.is_some().then(|| row.id.clone());
        let Some(p) = put(state, row, found) else {
            continue;
        };
        if let (Some(index), Some(id), None) = (index.as_mut(), id, found) {
            index.insert(id, state.rows.len() - 1);
        }
        placed = placed.or(p);
    }
    let agents = agents.filter(|a| *a != state.agents);
    if !changed && agents.is_none() {
        return Vec::new();
    }
    let mut effects = match agents {
        // Whose teams are mine, and who routing may pick: everything anew.
        Some(agents) => {
            state.my_teams = agents
                .iter()
                .find(|a| a.name == state.me)
                .map(|a| a.teams.clone())
                .unwrap_or_default();
            state.agents = agents;
            resort(state, true)
        }
        None => settle(state, placed, keep),
    };
    if selected_changed
        && let Some(id) = state.selected().map(|r| r.id.clone())
        && state.detail.as_ref().is_some_and(|d| d.handoff.id == id)
    {
        effects.push(Effect::LoadDetail { id });
    } else {
        effects.extend(load_selected(state));
    }
    effects.extend(super::external::announce(state, arrived));
    effects
}

pub(super) fn toast(state: &mut State, text: String, kind: ToastKind) {
    state.toast = Some(Toast {
        text,
        kind,
        at: state.now,
    });
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.modal.is_some() {
        return on_modal_key(state, key);
    }
    if state.filter.editing {
        return on_filter_key(state, key);
    }
    // Esc abandons a chord half typed.
    if !state.pending_chord.is_empty() && key.code == KeyCode::Esc {
        state.pending_chord.clear();
        return Vec::new();
    }
    let mut pending = std::mem::take(&mut state.pending_chord);
    let pressed = Key::from_event(&key);
    match state.keymap.resolve(context(state), &pending, pressed) {
        Resolved::Action(action) => apply(state, action),
        Resolved::Pending => {
            pending.push(pressed);
            state.pending_chord = pending;
            Vec::new()
        }
        Resolved::Unbound => Vec::new(),
    }
}

/// Which key table applies now (outside dialogs).
pub fn context(state: &State) -> Context {
    match (state.screen, state.focus) {
        (Screen::Workspace, Focus::Queue) => Context::Queue,
        (Screen::Workspace, Focus::Detail) => Context::Detail,
        _ => Context::Lead,
    }
}

fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    // Pasted text is as untrusted as anything a customer wrote.
    let text = &sanitize::clean(text);
    match &mut state.modal {
        Some(Modal::Compose { id, kind, input }) => {
            input.insert_str(text);
            vec![Effect::SaveDraft {
                id: id.clone(),
                kind: *kind,
                text: input.lines().join("\n"),
            }]
        }
        Some(Modal::VerdictNote { input, .. } | Modal::BulkVerdictNote { input, .. }) => {
            input.insert_str(text);
            Vec::new()
        }
        _ if state.filter.editing => {
            let line = text.replace(['\n', '\r'], " ");
            state.filter.text.push_str(&line);
            refilter(state)
        }
        _ => Vec::new(),
    }
}

/// Actions that change the workspace, refused in read-only mode.
fn writes(action: Action) -> bool {
    matches!(
        action,
        Action::FlagBad
            | Action::FlagGood
            | Action::Undo
            | Action::Claim
            | Action::AssignTeam
            | Action::Resolve
            | Action::Snooze
            | Action::Note
            | Action::Reply
    )
}

fn show(state: &mut State, screen: Screen) -> Vec<Effect> {
    if state.screen != screen {
        state.lead_scroll = 0;
    }
    state.screen = screen;
    load_dashboard(state)
}

fn load_dashboard(state: &mut State) -> Vec<Effect> {
    if state.dashboard_loading {
        return Vec::new();
    }
    state.dashboard_loading = true;
    vec![Effect::LoadDashboard]
}

/// Run one named action. Public so help and tests can run actions directly.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    if state.read_only && writes(action) {
        let text = format!("Read-only: {} is off", action.description());
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    if state.screen != Screen::Workspace && !action.works_on_lead() {
        let text = format!(
            "{} needs the queue: Esc returns to it",
            action.description()
        );
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            Vec::new()
        }
        Action::Help => {
            state.modal = Some(Modal::Help {
                filter: String::new(),
                selected: 0,
            });
            Vec::new()
        }
        Action::Palette => {
            state.modal = Some(Modal::Palette {
                filter: String::new(),
                selected: 0,
            });
            Vec::new()
        }
        // Sending only means something inside the reply box.
        Action::Send => Vec::new(),
        Action::Mark => super::bulk::toggle_mark(state),
        Action::MarkAll => super::bulk::mark_all(state),
        Action::MarkRange => super::bulk::mark_range(state),
        Action::AssignTeam => super::team::open(state),
        Action::ClearMarks => super::bulk::clear_marks(state),
        Action::EditInEditor => super::external::edit_in_editor(state),
        Action::CopyId => super::external::copy(state, super::external::Field::Id),
        Action::CopyCustomer => super::external::copy(state, super::external::Field::Customer),
        Action::CopyEmail => super::external::copy(state, super::external::Field::Email),
        Action::CopyIssue => super::external::copy(state, super::external::Field::Issue),
        Action::CopyNextStep => super::external::copy(state, super::external::Field::NextStep),
        Action::CopySummary => super::external::copy(state, super::external::Field::Summary),
        Action::CopyUrl => super::external::copy(state, super::external::Field::Url),
        Action::OpenInBrowser => super::external::open_in_browser(state),
        Action::Sort => {
            state.sort = state.sort.next();
            let keep = state.selected().map(|r| r.id.clone());
            rebuild_view(state, keep);
            let text = format!("Sorted by {}", state.sort.label());
            toast(state, text, ToastKind::Info);
            load_selected(state)
        }
        Action::Down => move_by(state, 1),
        Action::Up => move_by(state, -1),
        Action::PageDown => move_by(state, page(state) as isize),
        Action::PageUp => move_by(state, -(page(state) as isize)),
        Action::Top => move_by(state, isize::MIN / 2),
        Action::Bottom => move_by(state, isize::MAX / 2),
        Action::NextSection | Action::PrevSection if state.screen != Screen::Workspace => {
            let order = [Screen::Floor, Screen::Quality, Screen::Review];
            let i = order.iter().position(|s| *s == state.screen).unwrap_or(0);
            let next = if action == Action::NextSection {
                i + 1
            } else {
                i + 2
            };
            show(state, order[next % 3])
        }
        Action::ShowFloor => show(state, Screen::Floor),
        Action::ShowQuality => show(state, Screen::Quality),
        Action::ShowReview => show(state, Screen::Review),
        Action::NextSection | Action::PrevSection => {
            let n = state.sections.len().max(1);
            let i = state.section.min(n - 1);
            let next = if action == Action::NextSection {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            select_section(state, next)
        }
        Action::Section(index) => {
            let index = usize::from(index);
            if index >= state.sections.len() {
                let text = format!(
                    "There is no section {} ({} set; [[sections]] in the config file)",
                    index + 1,
                    state.sections.len()
                );
                toast(state, text, ToastKind::Info);
                return Vec::new();
            }
            select_section(state, index)
        }
        Action::FocusDetail => {
            if state.selected().is_some() {
                state.focus = Focus::Detail;
            }
            Vec::new()
        }
        Action::FocusQueue => {
            state.focus = Focus::Queue;
            state.screen = Screen::Workspace;
            Vec::new()
        }
        Action::ToggleTranscript => {
            state.pane = match state.pane {
                Pane::Transcript => Pane::Summary,
                Pane::Summary | Pane::Note => Pane::Transcript,
            };
            state.detail_scroll = 0;
            Vec::new()
        }
        Action::ToggleNote => {
            if state.pane == Pane::Note {
                state.pane = Pane::Summary;
            } else if state
                .selected_detail()
                .is_some_and(|d| d.handoff.has_note())
            {
                state.pane = Pane::Note;
            } else if let Some(row) = state.selected() {
                let text = format!(
                    "{} came as structured fields: there is no bot note to show",
                    row.id
                );
                toast(state, text, ToastKind::Info);
                return Vec::new();
            }
            state.detail_scroll = 0;
            Vec::new()
        }
        Action::FlagBad => flag(state, Verdict::Bad),
        Action::FlagGood => flag(state, Verdict::Good),
        Action::Undo => undo(state),
        Action::Claim => claim(state),
        Action::Resolve => resolve(state),
        Action::Snooze => toggle_status(state, Status::Snoozed, "Snoozed", "Woke"),
        Action::Note => compose(state, DraftKind::Note),
        Action::Reply => compose(state, DraftKind::Reply),
        Action::Filter => {
            state.filter.editing = true;
            state.focus = Focus::Queue;
            Vec::new()
        }
        Action::ClearFilter => {
            if state.filter.text.is_empty() {
                return Vec::new();
            }
            state.filter.text.clear();
            refilter(state)
        }
    }
}

fn page(state: &State) -> usize {
    match state.focus {
        Focus::Queue => layout::queue_lines(state.width, state.height),
        Focus::Detail => layout::detail_lines(state.width, state.height),
    }
    .saturating_sub(1)
    .max(1)
}

pub(super) fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    if state.screen != Screen::Workspace {
        let max = crate::ui::lead::line_count(state)
            .saturating_sub(usize::from(state.height.saturating_sub(3)));
        let scroll = (state.lead_scroll as isize).saturating_add(delta);
        state.lead_scroll = scroll.clamp(0, max.min(u16::MAX as usize) as isize) as u16;
        return Vec::new();
    }
    if state.focus == Focus::Detail {
        scroll_detail(state, delta);
        return Vec::new();
    }
    move_cursor(state, delta)
}

/// Move the queue's selection by `delta` rows (clamped to the list), keep it
/// in view and load its detail. Focus is left as it is.
pub(super) fn move_cursor(state: &mut State, delta: isize) -> Vec<Effect> {
    if state.visible.is_empty() {
        return Vec::new();
    }
    let last = state.visible.len() as isize - 1;
    state.cursor = (state.cursor as isize).saturating_add(delta).clamp(0, last) as usize;
    keep_cursor_visible(state);
    load_selected(state)
}

/// Scroll the summary or transcript by `delta` lines. Focus is left as it
/// is.
pub(super) fn scroll_detail(state: &mut State, delta: isize) {
    // Stop at the last page, so scrolling back up responds at once.
    let total = crate::ui::pane::detail_line_count(state);
    let max = total.saturating_sub(layout::detail_lines(state.width, state.height));
    let scroll = (state.detail_scroll as isize).saturating_add(delta);
    state.detail_scroll = scroll.clamp(0, max.min(u16::MAX as usize) as isize) as u16;
}

pub(super) fn keep_cursor_visible(state: &mut State) {
    let lines = layout::queue_lines(state.width, state.height);
    if state.cursor < state.offset {
        state.offset = state.cursor;
    } else if state.cursor >= state.offset + lines {
        state.offset = state.cursor + 1 - lines;
    }
    let max_offset = state.visible.len().saturating_sub(lines);
    state.offset = state.offset.min(max_offset);
}

/// Show section `index` (of `state.sections`): what keys 1-9 do, and what a
/// click on a section tab does. An index past the last section does nothing.
pub fn select_section(state: &mut State, index: usize) -> Vec<Effect> {
    if index >= state.sections.len() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state.section != index {
        state.section = index;
        state.cursor = 0;
        state.offset = 0;
        // A filter off the UI thread ran over the old section's rows only.
        if !state.filter.query.is_empty() {
            effects = refresh_filter(state);
        }
        rebuild_view(state, None);
    }
    state.focus = Focus::Queue;
    effects.extend(load_selected(state));
    effects
}

/// Put `sections` in force (at most `queue::MAX_SECTIONS`; none means the
/// built-ins), show the first, and recount if the queue has loaded.
pub fn set_sections(state: &mut State, mut sections: Vec<Section>) -> Vec<Effect> {
    if sections.is_empty() {
        sections = Section::builtins();
    }
    sections.truncate(queue::MAX_SECTIONS);
    state.counts = vec![0; sections.len()];
    state.sections = sections;
    state.section = 0;
    state.cursor = 0;
    state.offset = 0;
    if !state.loaded {
        return Vec::new();
    }
    recount(state);
    rebuild_view(state, None);
    load_selected(state)
}

/// Ask for the selected handoff's full record unless it is already shown.
pub(super) fn load_selected(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected().map(|r| r.id.clone()) else {
        state.detail = None;
        return Vec::new();
    };
    if state.detail.as_ref().is_some_and(|d| d.handoff.id == id) {
        return Vec::new();
    }
    state.detail_scroll = 0;
    vec![Effect::LoadDetail { id }]
}

/// Count active time on the selected handoff and log it when the agent moves
/// on or quits. Called after every input.
fn track_focus(state: &mut State) -> Vec<Effect> {
    if state.read_only {
        return Vec::new();
    }
    let now = state.now;
    let selected = state
        .selected()
        .map(|r| r.id.clone())
        .filter(|_| !state.quit);
    let mut effects = Vec::new();
    if let Some(clock) = state.focus_clock.as_mut() {
        clock.active_secs += (now - clock.last_input).num_seconds().clamp(0, IDLE_SECS);
        clock.last_input = now;
        if selected.as_ref() != Some(&clock.id) {
            if clock.active_secs > 0 {
                effects.push(Effect::LogFocus {
                    id: clock.id.clone(),
                    seconds: clock.active_secs,
                });
            }
            state.focus_clock = None;
        }
    }
    if state.focus_clock.is_none()
        && let Some(id) = selected
    {
        state.focus_clock = Some(FocusClock {
            id,
            active_secs: 0,
            last_input: now,
        });
    }
    effects
}

/// Sort by urgency, re-route, recount (when `recount_all`: new rows, or a
/// section that reads the clock) and rebuild the view, keeping the
/// selection. After a minute the order is nearly sorted already (about one
/// comparison a row); from load order, 100k rows take ~4 ms.
fn resort(state: &mut State, recount_all: bool) -> Vec<Effect> {
    let keep = state.selected().map(|r| r.id.clone());
    let now = state.now;
    queue::sort_order(&mut state.order, &state.rows, now);
    state.sorted_at = now;
    reroute(state);
    if recount_all {
        recount(state);
    }
    let effects = refresh_filter(state);
    rebuild_view(state, keep);
    effects
}

fn reroute(state: &mut State) {
    let rows = &state.rows;
    // Which rows wait for routing, found front to back; then only those
    // are read again, in urgency order (100k rows read in that order are a
    // cache miss each).
    let waiting: Vec<bool> = rows
        .iter()
        .map(|r| r.is_open() && r.assignee.is_none())
        .collect();
    let in_order = state
        .order
        .iter()
        .filter(|&&i| waiting.get(i as usize).copied().unwrap_or(false))
        .filter_map(|&i| Some((i, rows.get(i as usize)?)));
    state.routes = routing::route_split(rows.iter(), in_order, &state.agents)
        .into_iter()
        .collect();
}

/// The bits of the sections `row` is in (bit k: `state.sections[k]`), as
/// kept in `State::section_bits`.
fn sections_of(state: &State, row: &QueueRow) -> u16 {
    let me = Viewer::new(&state.me, &state.my_teams);
    state
        .sections
        .iter()
        .take(queue::MAX_SECTIONS)
        .enumerate()
        .fold(0, |bits, (k, s)| {
            let inside = s.contains(row, me, state.now);
            bits | (u16::from(inside) << k)
        })
}

fn section_bit(index: usize) -> u16 {
    if index < queue::MAX_SECTIONS {
        1 << index
    } else {
        0
    }
}

/// Count a row in (`add`) or out of the sections of `bits`.
fn count_bits(counts: &mut [usize], bits: u16, add: bool) {
    for (k, n) in counts.iter_mut().enumerate() {
        if bits & section_bit(k) != 0 {
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
        }
    }
}

/// Every row's sections, from scratch: at load, when the sections change,
/// and each minute if a section reads the clock. Field terms cost a few
/// comparisons a row, so 100k rows and nine sections take a few ms.
fn recount(state: &mut State) {
    let mut counts = vec![0usize; state.sections.len()];
    let mut bits = Vec::with_capacity(state.rows.len());
    for row in state.rows.iter() {
        let inside = sections_of(state, row);
        count_bits(&mut counts, inside, true);
        bits.push(inside);
    }
    state.counts = counts;
    state.section_bits = bits;
}

/// Put a saved row in place without re-sorting the queue: if its urgency
/// changed, move it by binary search; redo routing, counts, the view and the
/// filter only when what changed can affect them. A verdict touches none of
/// them, so `b` and `g` cost a lookup, not a pass over every row.
fn place(state: &mut State, row: QueueRow, keep: Option<String>) -> Vec<Effect> {
    let selected = state.visible.get(state.cursor).copied();
    let found = selected
        .filter(|&i| state.rows.get(i).is_some_and(|r| r.id == row.id))
        .or_else(|| state.rows.position(&row.id));
    match put(state, row, found) {
        Some(placed) => settle(state, placed, keep),
        None => Vec::new(),
    }
}

/// What putting rows in place disturbed, so it is redone once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Placed {
    /// Its place in the urgency order.
    moved: bool,
    /// Who routing would hand unassigned work to.
    routed: bool,
    /// Which sections it is in.
    resectioned: bool,
}

impl Placed {
    fn or(self, other: Placed) -> Placed {
        Placed {
            moved: self.moved || other.moved,
            routed: self.routed || other.routed,
            resectioned: self.resectioned || other.resectioned,
        }
    }
}

/// Put `row` at index `found` (its old place), or add it: the order and
/// the counts kept in step; routing, the filter and the view left to
/// `settle`.
fn put(state: &mut State, row: QueueRow, found: Option<usize>) -> Option<Placed> {
    let at = state.sorted_at;
    let (moved, routed, resectioned) = match found {
        Some(i) => {
            let old = state.rows.get(i)?;
            let moved = !queue::same_urgency(old, &row);
            let routed = !queue::same_routing(old, &row);
            // What the counts hold for the old row is its cached bits, even
            // if a section reading the clock would answer otherwise now.
            let was = state.section_bits.get(i).copied().unwrap_or(0);
            let now_in = sections_of(state, &row);
            if moved {
                let rows = &state.rows;
                let pos = state
                    .order
                    .binary_search_by(|&j| queue::urgency(&rows[j as usize], old, at))
                    .ok()
                    .filter(|&p| state.order[p] as usize == i)
                    .or_else(|| state.order.iter().position(|&j| j as usize == i));
                if let Some(p) = pos {
                    state.order.remove(p);
                }
            }
            count_bits(&mut state.counts, was, false);
            count_bits(&mut state.counts, now_in, true);
            if let Some(slot) = state.rows.get_mut(i) {
                *slot = row;
            }
            if let Some(bits) = state.section_bits.get_mut(i) {
                *bits = now_in;
            }
            if moved {
                let p = queue::insert_position(&state.order, &state.rows, &state.rows[i], at);
                state.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
            }
            (
                moved,
                routed || (moved && state.rows[i].assignee.is_none()),
                was != now_in,
            )
        }
        None => {
            let inside = sections_of(state, &row);
            count_bits(&mut state.counts, inside, true);
            state.section_bits.push(inside);
            let p = queue::insert_position(&state.order, &state.rows, &row, at);
            let i = state.rows.push(row);
            state.order.insert(p, u32::try_from(i).unwrap_or(u32::MAX));
            (true, true, true)
        }
    };
    Some(Placed {
        moved,
        routed,
        resectioned,
    })
}

/// Redo what `put` disturbed: routing, the filter, the view.
fn settle(state: &mut State, placed: Placed, keep: Option<String>) -> Vec<Effect> {
    if placed.routed {
        reroute(state);
    }
    let filtered = !state.filter.query.is_empty();
    let effects = if filtered {
        refresh_filter(state)
    } else {
        Vec::new()
    };
    if placed.moved || placed.resectioned || filtered {
        rebuild_view(state, keep);
    }
    effects
}

/// Start the filter over the queue as it is now. Small queues are filtered
/// inline by `rebuild_view`; longer ones off the UI thread, and until the
/// answer comes back the last result stays on screen.
fn refresh_filter(state: &mut State) -> Vec<Effect> {
    // A run still in flight answers for an older queue or query: drop it.
    state.filter.generation += 1;
    if state.filter.query.is_empty() || state.rows.len() <= state.filter_inline_rows {
        state.filter.hits = None;
        state.filter.running = false;
        return Vec::new();
    }
    state.filter.running = true;
    // Only the rows of the section on screen are looked at (all of them
    // in All): in Mine, a few dozen, however long the history.
    let bit = section_bit(state.section);
    let whole = state.section_count(state.section) >= state.rows.len();
    let within = (!whole).then(|| {
        state
            .section_bits
            .iter()
            .enumerate()
            .filter(|&(_, b)| b & bit != 0)
            .map(|(i, _)| i)
            .collect()
    });
    vec![Effect::Filter {
        generation: state.filter.generation,
        snapshot: Box::new(Snapshot {
            query: state.filter.query.clone(),
            rows: state.rows.clone(),
            order: state.order.clone(),
            within,
            me: state.me.clone(),
            my_teams: state.my_teams.clone(),
            now: state.now,
        }),
    }]
}

/// Rebuild the visible rows from the order (or the filter's result) and the
/// section; keep the cursor on `keep` when it is still visible, otherwise at
/// the same position.
fn rebuild_view(state: &mut State, keep: Option<String>) {
    // The row to keep, by index: found once, not by comparing the id of
    // every visible row (on 100k rows, a cache miss each).
    let keep = keep.and_then(|id| {
        let selected = state.visible.get(state.cursor).copied();
        selected
            .filter(|&i| state.rows.get(i).is_some_and(|r| r.id == id))
            .or_else(|| state.rows.position(&id))
    });
    let me = Viewer::new(&state.me, &state.my_teams);
    let bit = section_bit(state.section);
    let rows = &state.rows;
    let sections = &state.section_bits;
    let in_section = |&i: &usize| sections.get(i).is_some_and(|b| b & bit != 0);
    let in_order = || state.order.iter().map(|&i| i as usize);
    let query = &state.filter.query;
    // Whether `visible` is the answer to the text as typed now.
    let mut current = true;
    state.visible = if query.is_empty() {
        in_order().filter(in_section).collect()
    } else if let Some(hits) = &state.filter.hits {
        current = !state.filter.running;
        hits.iter().copied().filter(in_section).collect()
    } else if rows.len() <= state.filter_inline_rows {
        filter::matching(query, rows, &state.order, me, state.now, 1, &|| false)
            .unwrap_or_default()
            .into_iter()
            .filter(in_section)
            .collect()
    } else {
        // The first result is still being worked out: show the section.
        current = false;
        in_order().filter(in_section).collect()
    };
    // The best match before another column's sort moves it.
    let best = state.visible.first().copied();
    super::sort::apply(state);
    let jump = state.filter.jump && current && !state.filter.query.is_empty();
    let keep = if jump {
        state.filter.jump = false;
        best
    } else {
        keep
    };
    if let Some(pos) = keep.and_then(|k| state.visible.iter().position(|&i| i == k)) {
        state.cursor = pos;
    }
    state.cursor = state.cursor.min(state.visible.len().saturating_sub(1));
    keep_cursor_visible(state);
}

/// Re-apply the filter text; the selection may change, so load its detail.
fn refilter(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    match Query::parse(&state.filter.text) {
        Ok(q) => {
            state.filter.error = None;
            if q != state.filter.query {
                state.filter.jump = !q.is_empty();
                state.filter.query = q;
                effects = refresh_filter(state);
            }
        }
        Err(e) => state.filter.error = Some(e),
    }
    let keep = state.selected().map(|r| r.id.clone());
    rebuild_view(state, keep);
    effects.extend(load_selected(state));
    effects
}

fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Enter => {
            state.filter.editing = false;
            return Vec::new();
        }
        KeyCode::Esc => {
            state.filter.editing = false;
            state.filter.text.clear();
        }
        KeyCode::Backspace => {
            state.filter.text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.filter.text.clear();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.filter.text.push(c);
        }
        _ => return Vec::new(),
    }
    refilter(state)
}

/// The selected row's id, or a toast saying there is nothing to act on.
pub(super) fn target(state: &mut State) -> Option<QueueRow> {
    let row = state.selected().cloned();
    if row.is_none() {
        toast(state, "No handoff selected".into(), ToastKind::Info);
    }
    row
}

pub(super) fn feedback_in_force(state: &State, id: &str) -> Option<Feedback> {
    state
        .detail
        .as_ref()
        .filter(|d| d.handoff.id == id)
        .and_then(|d| d.feedback.clone())
}

fn flag(state: &mut State, verdict: Verdict) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::flag(state, verdict);
    }
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let previous = feedback_in_force(state, &row.id);
    let feedback = Feedback {
        handoff_id: row.id.clone(),
        verdict,
        reasons: Vec::new(),
        note: None,
        agent: state.me.clone(),
        at: state.now,
    };
    let (toast_text, label) = match verdict {
        Verdict::Bad => (
            format!("Flagged {} as a bad handoff", row.id),
            format!("bad-handoff flag on {}", row.id),
        ),
        Verdict::Good => (
            format!("Marked {} as a good handoff", row.id),
            format!("good-handoff mark on {}", row.id),
        ),
    };
    if verdict == Verdict::Bad {
        state.pick_reason(row.id.clone(), Vec::new());
    }
    state.saving.track(vec![Effect::SaveFeedback {
        id: row.id.clone(),
        feedback: Some(feedback),
        done: Done {
            toast: toast_text,
            undo: Some(Undo {
                label,
                effect: Box::new(Effect::SaveFeedback {
                    id: row.id,
                    feedback: previous,
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

fn undo(state: &mut State) -> Vec<Effect> {
    let Some(entry) = state.undo.pop() else {
        toast(state, "Nothing to undo".into(), ToastKind::Info);
        return Vec::new();
    };
    let mut effects: Vec<Effect> = std::iter::once(*entry.effect)
        .chain(entry.rest)
        .map(|e| e.with_done(Done::default()))
        .collect();
    // One toast for the whole batch, when its last write is durable.
    if let Some(last) = effects.pop() {
        let done = Done {
            toast: format!("Undone: {}", entry.label),
            undo: None,
            write: None,
        };
        effects.push(last.with_done(done));
    }
    let effects = state.saving.track(effects);
    effects
}

fn claim(state: &mut State) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::claim(state);
    }
    let Some(row) = target(state) else {
        return Vec::new();
    };
    if row.assignee.as_deref() == Some(state.me.as_str()) {
        toast(
            state,
            format!("{} is already yours", row.id),
            ToastKind::Info,
        );
        return Vec::new();
    }
    let toast_text = match &row.assignee {
        Some(other) => format!("Claimed {} from {other}", row.id),
        None => format!("Claimed {}", row.id),
    };
    state.saving.track(vec![Effect::Assign {
        id: row.id.clone(),
        assignee: Some(state.me.clone()),
        done: Done {
            toast: toast_text,
            undo: Some(Undo {
                label: format!("claim of {}", row.id),
                effect: Box::new(Effect::Assign {
                    id: row.id,
                    assignee: row.assignee.map(String::from),
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

fn resolve(state: &mut State) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::bulk::resolve(state);
    }
    toggle_status(state, Status::Resolved, "Resolved", "Reopened")
}

/// Put the selected handoff in `to`, or back to open if it already is.
fn toggle_status(state: &mut State, to: Status, did: &str, undid: &str) -> Vec<Effect> {
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let (status, text) = if row.status == to {
        (Status::Open, format!("{undid} {}", row.id))
    } else {
        (to, format!("{did} {}", row.id))
    };
    state.saving.track(vec![Effect::SetStatus {
        id: row.id.clone(),
        status,
        done: Done {
            toast: text,
            undo: Some(Undo {
                label: format!("status change of {}", row.id),
                effect: Box::new(Effect::SetStatus {
                    id: row.id,
                    status: row.status,
                    done: Done::default(),
                }),
                rest: Vec::new(),
            }),
            write: None,
        },
    }])
}

pub(super) fn textarea(text: Option<&str>) -> TextArea<'static> {
    let lines: Vec<String> = text
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut input = if lines.is_empty() {
        TextArea::default()
    } else {
        TextArea::new(lines)
    };
    input.move_cursor(ratatui_textarea::CursorMove::Bottom);
    input.move_cursor(ratatui_textarea::CursorMove::End);
    input
}

fn compose(state: &mut State, kind: DraftKind) -> Vec<Effect> {
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let draft = state
        .detail
        .as_ref()
        .filter(|d| d.handoff.id == row.id)
        .and_then(|d| match kind {
            DraftKind::Note => d.note_draft.clone(),
            DraftKind::Reply => d.reply_draft.clone(),
        });
    state.modal = Some(Modal::Compose {
        id: row.id,
        kind,
        input: textarea(draft.as_deref()),
    });
    Vec::new()
}

/// Whether `key` does `action` in the reply box's key table.
pub(super) fn is_compose_key(state: &State, key: &KeyEvent, action: Action) -> bool {
    state
        .keymap
        .resolve(Context::Compose, &[], Key::from_event(key))
        == Resolved::Action(action)
}

fn on_modal_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = state.modal.take() else {
        return Vec::new();
    };
    match modal {
        Modal::ReasonPicker { id, others } if !others.is_empty() => {
            super::bulk::on_reason_key(state, key, id, others)
        }
        Modal::BulkVerdictNote { ids, reason, input } => {
            super::bulk::on_note_key(state, key, ids, reason, input)
        }
        Modal::ConfirmBulk { verdict, .. } => super::bulk::on_confirm_key(state, key, verdict),
        Modal::TeamPicker {
            ids,
            teams,
            selected,
        } => super::team::on_key(state, key, ids, teams, selected),
        Modal::ReasonPicker { id, others } => match key.code {
            KeyCode::Esc => {
                toast(
                    state,
                    format!("{id} stays flagged, no reason given"),
                    ToastKind::Info,
                );
                Vec::new()
            }
            KeyCode::Char(c) => match Reason::from_key(c) {
                Some(reason) => {
                    let note = feedback_in_force(state, &id).and_then(|f| f.note);
                    state.modal = Some(Modal::VerdictNote {
                        id: id.clone(),
                        input: TextArea::default(),
                    });
                    state.saving.track(vec![save_bad(
                        state,
                        id,
                        vec![reason],
                        note,
                        format!("Reason: {}", reason.label()),
                    )])
                }
                None => {
                    state.modal = Some(Modal::ReasonPicker { id, others });
                    Vec::new()
                }
            },
            _ => {
                state.modal = Some(Modal::ReasonPicker { id, others });
                Vec::new()
            }
        },
        Modal::VerdictNote { id, mut input } => match key.code {
            _ if is_compose_key(state, &key, Action::EditInEditor) => {
                state.modal = Some(Modal::VerdictNote { id, input });
                super::external::edit_in_editor(state)
            }
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter if !key.modifiers.contains(KeyModifiers::SHIFT) => {
                let note = input.lines().join("\n").trim().to_string();
                if note.is_empty() {
                    return Vec::new();
                }
                let reasons = feedback_in_force(state, &id)
                    .map(|f| f.reasons)
                    .unwrap_or_default();
                state.saving.track(vec![save_bad(
                    state,
                    id,
                    reasons,
                    Some(note),
                    "Note saved on the verdict".into(),
                )])
            }
            _ => {
                input.input(key);
                state.modal = Some(Modal::VerdictNote { id, input });
                Vec::new()
            }
        },
        Modal::Compose {
            id,
            kind,
            mut input,
        } => {
            if key.code == KeyCode::Esc {
                // The draft is already in the store; closing loses nothing,
                // and the agent is told so.
                let text = input.lines().join("\n");
                super::external::remember_draft(state, &id, kind, &text);
                if !text.trim().is_empty() {
                    let (what, reopen) = match kind {
                        DraftKind::Note => ("Note", Action::Note),
                        DraftKind::Reply => ("Reply", Action::Reply),
                    };
                    let again = state
                        .keymap
                        .key_in(Context::Queue, reopen)
                        .map_or(String::new(), |k| format!(": {k} opens it again"));
                    let text = format!("{what} draft kept{again}");
                    toast(state, text, ToastKind::Info);
                }
                return Vec::new();
            }
            if is_compose_key(state, &key, Action::EditInEditor) {
                state.modal = Some(Modal::Compose { id, kind, input });
                return super::external::edit_in_editor(state);
            }
            if is_compose_key(state, &key, Action::Send) {
                let text = input.lines().join("\n").trim().to_string();
                if text.is_empty() {
                    toast(state, "Nothing to send".into(), ToastKind::Info);
                    state.modal = Some(Modal::Compose { id, kind, input });
                    return Vec::new();
                }
                let what = match kind {
                    DraftKind::Note => "Internal note added to",
                    DraftKind::Reply => "Reply sent on",
                };
                return state.saving.track(vec![Effect::AddMessage {
                    id: id.clone(),
                    kind,
                    text,
                    done: Done {
                        toast: format!("{what} {id}"),
                        undo: None,
                        write: None,
                    },
                }]);
            }
            let changed = input.input(key);
            let effects = if changed {
                vec![Effect::SaveDraft {
                    id: id.clone(),
                    kind,
                    text: input.lines().join("\n"),
                }]
            } else {
                Vec::new()
            };
            state.modal = Some(Modal::Compose { id, kind, input });
            effects
        }
        Modal::Help {
            mut filter,
            mut selected,
        } => {
            let actions = crate::ui::help::runnable(
                &state.keymap,
                &state.section_titles(),
                &filter,
                state.screen != Screen::Workspace,
            );
            match key.code {
                KeyCode::Esc | KeyCode::Char('?') => return Vec::new(),
                KeyCode::Char('q') if filter.is_empty() => return Vec::new(),
                KeyCode::Enter => {
                    return match actions.get(selected) {
                        Some(action) => apply(state, *action),
                        None => Vec::new(),
                    };
                }
                _ => list_key(&key, &mut filter, &mut selected, actions.len()),
            }
            state.modal = Some(Modal::Help { filter, selected });
            Vec::new()
        }
        Modal::Palette {
            mut filter,
            mut selected,
        } => {
            let actions = super::palette::matches(&filter, &state.section_titles());
            match key.code {
                KeyCode::Esc => return Vec::new(),
                KeyCode::Enter => {
                    return match actions.get(selected) {
                        Some(action) => apply(state, *action),
                        None => Vec::new(),
                    };
                }
                _ => list_key(&key, &mut filter, &mut selected, actions.len()),
            }
            state.modal = Some(Modal::Palette { filter, selected });
            Vec::new()
        }
        // Read once; any key goes on to work.
        Modal::Problems { .. } => Vec::new(),
    }
}

/// Typing and moving in a filterable list (help, palette): text narrows it
/// and puts the pick back on the best match, ↑/↓ (Ctrl-P/N) move the pick.
fn list_key(key: &KeyEvent, filter: &mut String, selected: &mut usize, len: usize) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::Char('n') if ctrl => *selected = (*selected + 1).min(len.saturating_sub(1)),
        KeyCode::Backspace => {
            filter.pop();
            *selected = 0;
        }
        KeyCode::Char('u') if ctrl => {
            filter.clear();
            *selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            filter.push(c);
            *selected = 0;
        }
        _ => {}
    }
}

/// A bad verdict with reasons and note; folded into the flag's undo entry.
pub(super) fn save_bad(
    state: &State,
    id: String,
    reasons: Vec<Reason>,
    note: Option<String>,
    toast: String,
) -> Effect {
    Effect::SaveFeedback {
        id: id.clone(),
        feedback: Some(Feedback {
            handoff_id: id,
            verdict: Verdict::Bad,
            reasons,
            note,
            agent: state.me.clone(),
            at: state.now,
        }),
        done: Done { toast, undo: None, write: None },
    }
}

/// Used by tests and the runtime to build a `Detail` with no drafts.
pub fn detail_of(handoff: crate::domain::handoff::Handoff, feedback: Option<Feedback>) -> Detail {
    Detail {
        handoff,
        feedback,
        note_draft: None,
        reply_draft: None,
    }
}
