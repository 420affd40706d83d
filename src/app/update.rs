//! The pure heart: `update(state, event) -> effects`. No I/O happens here;
//! writes are returned as effects and only show as done when their `Saved`
//! event comes back from the runtime.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::effect::Effect;
use super::event::{Detail, Event};
use super::keymap::{Context, Key, Resolved};
use super::navigate::{self, keep_cursor_visible, load_selected};
use super::queue_ops::{ask, merge, place, rebuild_view, refresh_view, reload, resort, split};
use super::state::{
    Focus, FocusClock, IDLE_SECS, Link, Modal, Screen, State, TOAST_SECS, Toast, ToastKind,
};
use super::{external, filter_line, modal};
use crate::domain::feedback::Feedback;
use crate::domain::sanitize;

// The entry points other layers call, wherever they live in `app`.
pub use super::apply::apply;
pub use super::queue_ops::{select_section, set_sections};

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
        Event::Drawn(drawn) => {
            navigate::measured(state, drawn);
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
            state.loading_rest = false;
            let (queue, lens) = split(state);
            let refilter = queue.load_rest(rows, lens);
            ask(state, refilter)
        }
        Event::Loaded { rows, agents } => {
            state.loading_rest = false;
            state.set_agents(agents);
            state.loaded = true;
            let (queue, lens) = split(state);
            let refilter = queue.load(rows, lens);
            let mut effects = ask(state, refilter);
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
            modal::team_picker::on_teams_loaded(state, teams);
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
            state.filter.hits = Some(visible);
            state.filter.running = false;
            refresh_view(state);
            load_selected(state)
        }
        Event::Saved { row, detail, done } => {
            state.saving.finish(done.write);
            state.last_saved = Some(state.now);
            state.save_failed = None;
            let mut effects = place(state, *row);
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
        Event::Edited { target, result } => external::on_edited(state, target, result),
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

pub(super) fn toast(state: &mut State, text: String, kind: ToastKind) {
    state.toast = Some(Toast {
        text,
        kind,
        at: state.now,
    });
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.modal.is_some() {
        return modal::on_key(state, key);
    }
    if state.filter.editing {
        return filter_line::on_filter_key(state, key);
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
            filter_line::refilter(state)
        }
        _ => Vec::new(),
    }
}

pub(super) fn load_dashboard(state: &mut State) -> Vec<Effect> {
    if state.dashboard_loading {
        return Vec::new();
    }
    state.dashboard_loading = true;
    vec![Effect::LoadDashboard]
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

/// Used by tests and the runtime to build a `Detail` with no drafts.
pub fn detail_of(handoff: crate::domain::handoff::Handoff, feedback: Option<Feedback>) -> Detail {
    Detail {
        handoff,
        feedback,
        note_draft: None,
        reply_draft: None,
    }
}
