//! The escape hatches to the world outside the screen: write a draft in
//! `$EDITOR`, copy a field, open the conversation in the helpdesk's web UI,
//! and the bell when urgent work lands in my queue. Everything here is pure:
//! it decides what to do and returns effects; the runtime does it.

use std::collections::HashSet;

use super::actions::target;
use super::effect::{DraftKind, EditTarget, Effect};
use super::event::Detail;
use super::modal::textarea;
use super::state::{Modal, State, ToastKind};
use super::update::toast;
use crate::domain::filter::Viewer;
use crate::domain::handoff::{Handoff, Priority};
use crate::domain::queue::{Builtin, QueueRow, Section, SlaState};
use crate::domain::sanitize;

/// Where a handoff's page in the helpdesk's web UI is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebUi {
    /// The helpdesk's own web app: ids starting with the prefix ("cw-")
    /// have the rest put for `{n}` in the address.
    pub helpdesk: Option<(String, String)>,
    /// `[backend] web_url`: an address with `{id}` for the handoff id.
    pub template: Option<String>,
}

impl WebUi {
    /// The page for handoff `id`, or why there is none (as a toast).
    pub fn url(&self, id: &str) -> Result<String, String> {
        if let Some((prefix, url)) = &self.helpdesk
            && let Some(n) = id.strip_prefix(prefix.as_str()).filter(|n| !n.is_empty())
        {
            return Ok(url.replace("{n}", &percent_encode(n)));
        }
        match &self.template {
            Some(template) => Ok(template.replace("{id}", &percent_encode(id))),
            None => Err(format!(
                "No web UI for {id}: set [backend] web_url = \"https://…/{{id}}\" in the config"
            )),
        }
    }
}

/// Everything but RFC 3986's unreserved characters, as `%XX`: an id is
/// text from an import, and must stay one path segment.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What `y` then a key copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Customer,
    Email,
    Issue,
    NextStep,
    Summary,
    Url,
}

impl Field {
    /// As the toast says it: "Copied customer email".
    pub fn label(self) -> &'static str {
        match self {
            Field::Id => "handoff id",
            Field::Customer => "customer name",
            Field::Email => "customer email",
            Field::Issue => "issue",
            Field::NextStep => "next step",
            Field::Summary => "summary",
            Field::Url => "conversation link",
        }
    }
}

/// Copy `field` of the selected handoff, or say why not.
pub fn copy(state: &mut State, field: Field) -> Vec<Effect> {
    let Some(row) = target(state) else {
        return Vec::new();
    };
    let detail = state.selected_detail();
    let text = match field {
        Field::Id => Ok(row.id.clone()),
        Field::Customer => Ok(row.customer.to_string()),
        Field::Url => state.web_ui.url(&row.id),
        _ => match detail {
            None => Err(format!("{} is still loading; try again", row.id)),
            Some(d) => detail_field(d, field, &state.web_ui)
                .ok_or_else(|| format!("{} has no {}", row.id, field.label())),
        },
    };
    match text {
        // Text was cleaned when it came in; cleaning again costs nothing and
        // means no control character can reach a clipboard from here.
        Ok(text) => vec![Effect::Copy {
            label: field.label().to_string(),
            text: match field {
                Field::Summary => sanitize::clean(&text),
                _ => sanitize::clean_line(&text),
            },
        }],
        Err(why) => {
            toast(state, why, ToastKind::Info);
            Vec::new()
        }
    }
}

fn detail_field(d: &Detail, field: Field, web: &WebUi) -> Option<String> {
    let h = &d.handoff;
    let present = |s: &Option<String>| s.clone().filter(|t| !t.trim().is_empty());
    match field {
        Field::Email => present(&h.customer.email),
        Field::Issue => present(&h.summary.issue),
        Field::NextStep => present(&h.summary.next_step),
        Field::Summary => Some(summary_text(h, web.url(&h.id).ok())),
        Field::Id => Some(h.id.clone()),
        Field::Customer => Some(h.customer.name.clone()),
        Field::Url => web.url(&h.id).ok(),
    }
}

/// The summary as plain text, for a ticket or a chat with a colleague.
pub fn summary_text(h: &Handoff, url: Option<String>) -> String {
    let s = &h.summary;
    let mut out = format!("{} · {}\n", h.id, h.customer.name);
    let mut line = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            out.push_str(&format!("{label}: {value}\n"));
        }
    };
    line("Issue", s.issue.as_deref().unwrap_or_default());
    line("Email", h.customer.email.as_deref().unwrap_or_default());
    line("Priority", h.routing.priority.as_str());
    line("Team", h.routing.team.as_deref().unwrap_or_default());
    let list = |title: &str, items: Vec<String>, out: &mut String| {
        if !items.is_empty() {
            out.push_str(&format!("{title}:\n"));
            for item in items {
                out.push_str(&format!("- {item}\n"));
            }
        }
    };
    list(
        "Collected",
        s.collected
            .iter()
            .map(|c| format!("{}: {}", c.label, c.value))
            .collect(),
        &mut out,
    );
    list("Findings", s.findings.clone(), &mut out);
    list(
        "Tried",
        s.attempted
            .iter()
            .map(|a| format!("{} → {}", a.action, a.outcome))
            .collect(),
        &mut out,
    );
    let mut line = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            out.push_str(&format!("{label}: {value}\n"));
        }
    };
    if let Some(e) = &s.escalation {
        line(
            "Why escalated",
            &format!("{} — {}", e.trigger.label(), e.detail),
        );
    }
    line("Next step", s.next_step.as_deref().unwrap_or_default());
    line("Link", url.as_deref().unwrap_or_default());
    out
}

/// `O`: open the selected handoff's page in the browser.
pub fn open_in_browser(state: &mut State) -> Vec<Effect> {
    let Some(id) = target(state).map(|r| r.id) else {
        return Vec::new();
    };
    match state.web_ui.url(&id) {
        Ok(url) => vec![Effect::OpenUrl { url }],
        Err(why) => {
            toast(state, why, ToastKind::Info);
            Vec::new()
        }
    }
}

/// Ctrl-E in the reply, note or verdict-note box: hand its text to the
/// editor. The box stays open; the text comes back as `Event::Edited`.
pub fn edit_in_editor(state: &mut State) -> Vec<Effect> {
    let (target, text) = match &state.modal {
        Some(Modal::Compose { id, kind, input }) => (
            EditTarget::Draft {
                id: id.clone(),
                kind: *kind,
            },
            input.lines().join("\n"),
        ),
        Some(Modal::VerdictNote { id, input }) => (
            EditTarget::VerdictNote { id: id.clone() },
            input.lines().join("\n"),
        ),
        Some(Modal::BulkVerdictNote { ids, reason, input }) => (
            EditTarget::BulkVerdictNote {
                ids: ids.clone(),
                reason: *reason,
            },
            input.lines().join("\n"),
        ),
        _ => {
            let text = "The editor is for a reply (r) or a note (n): open one first".into();
            toast(state, text, ToastKind::Info);
            return Vec::new();
        }
    };
    vec![Effect::EditInEditor { target, text }]
}

/// The editor closed: put its text in the box it came from (a draft is
/// saved at once, as typing would), or say why nothing changed.
pub fn on_edited(
    state: &mut State,
    target: EditTarget,
    result: Result<String, String>,
) -> Vec<Effect> {
    let text = match result {
        Ok(text) => text,
        Err(why) => {
            toast(state, why, ToastKind::Error);
            return Vec::new();
        }
    };
    // The agent's own words, but whatever a terminal could act on goes, as
    // with a paste; editors end the file with a newline the box does not need.
    let text = sanitize::clean(&text).trim_end().to_string();
    match target {
        EditTarget::Draft { id, kind } => {
            remember_draft(state, &id, kind, &text);
            state.modal = Some(Modal::Compose {
                id: id.clone(),
                kind,
                input: textarea(Some(&text)),
            });
            vec![Effect::SaveDraft { id, kind, text }]
        }
        EditTarget::VerdictNote { id } => {
            state.modal = Some(Modal::VerdictNote {
                id,
                input: textarea(Some(&text)),
            });
            Vec::new()
        }
        EditTarget::BulkVerdictNote { ids, reason } => {
            state.modal = Some(Modal::BulkVerdictNote {
                ids,
                reason,
                input: textarea(Some(&text)),
            });
            Vec::new()
        }
    }
}

/// Keep the loaded detail's copy of a draft in step with what was saved,
/// so reopening the box at once shows the latest text.
pub fn remember_draft(state: &mut State, id: &str, kind: DraftKind, text: &str) {
    if let Some(d) = state.detail.as_mut().filter(|d| d.handoff.id == id) {
        let draft = Some(text.to_string()).filter(|t| !t.is_empty());
        match kind {
            DraftKind::Note => d.note_draft = draft,
            DraftKind::Reply => d.reply_draft = draft,
        }
    }
}

/// The ids in my queue now, to tell arrivals after a reload.
pub fn mine(state: &State) -> HashSet<String> {
    let mine = Section::builtin(Builtin::Mine);
    let me = Viewer::new(&state.me, &state.my_teams);
    (state.queue.rows().iter())
        .filter(|r| mine.contains(r, me, state.now))
        .map(|r| r.id.clone())
        .collect()
}

/// Urgent, breached or at-risk handoffs in my queue that were not in it
/// `before` a reload: a toast naming them, and the bell.
pub fn announce_arrivals(state: &mut State, before: &HashSet<String>) -> Vec<Effect> {
    let mine = Section::builtin(Builtin::Mine);
    let me = Viewer::new(&state.me, &state.my_teams);
    let landed: Vec<QueueRow> = (state.queue.rows().iter())
        .filter(|r| !before.contains(r.id.as_str()))
        .filter(|r| mine.contains(r, me, state.now))
        .cloned()
        .collect();
    announce(state, landed)
}

/// Of handoffs that just landed in my queue, the urgent, breached or
/// at-risk ones: a toast naming them, and the bell.
pub fn announce(state: &mut State, landed: Vec<QueueRow>) -> Vec<Effect> {
    let now = state.now;
    let pressing = |r: &QueueRow| {
        r.priority == Priority::Urgent
            || matches!(r.sla(now), SlaState::Breached | SlaState::AtRisk)
    };
    let mut arrived: Vec<&QueueRow> = landed.iter().filter(|r| pressing(r)).collect();
    if arrived.is_empty() {
        return Vec::new();
    }
    arrived.sort_by(|a, b| crate::domain::queue::urgency(a, b, now));
    let first = arrived[0];
    let why = if first.priority == Priority::Urgent {
        "Urgent"
    } else if first.sla(now) == SlaState::Breached {
        "SLA breached"
    } else {
        "SLA at risk"
    };
    let mut text = format!("{why}: {} · {} in your queue", first.id, first.customer);
    if arrived.len() > 1 {
        text.push_str(&format!(" (+{} more)", arrived.len() - 1));
    }
    toast(state, sanitize::clean_line(&text), ToastKind::Info);
    vec![Effect::Bell]
}
