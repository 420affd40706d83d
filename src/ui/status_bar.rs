//! The last line: the filter being typed, else a toast or key hints; on the
//! right, whether changes are safely stored.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text;
use super::theme::Theme;
use crate::app::keymap::chord_label;
use crate::app::state::ToastKind;
use crate::app::{Action, State};
use crate::backend::BackendState;

/// The actions hinted, most used first; as many as fit are shown.
const HINTS: &[Action] = &[
    Action::FlagBad,
    Action::FlagGood,
    Action::Undo,
    Action::Claim,
    Action::Resolve,
    Action::Note,
    Action::Reply,
    Action::ToggleTranscript,
    Action::Filter,
    Action::NextSection,
    Action::Quit,
];

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let line = if state.filter.editing {
        filter_line(state, theme, width)
    } else {
        let right = sync_state(state, theme);
        let right_w = right.width() + 1;
        let room = width.saturating_sub(right_w + 1);
        let mut spans = match &state.toast {
            // A chord half typed: say what can follow (which-key).
            _ if !state.pending_chord.is_empty() => chord_hint(state, theme),
            Some(t) => {
                let style = match t.kind {
                    ToastKind::Error => theme.error,
                    ToastKind::Info => theme.info,
                };
                let glyph = match t.kind {
                    ToastKind::Error => "✖ ",
                    ToastKind::Info => "",
                };
                vec![Span::styled(
                    format!(" {glyph}{}", text::cut(&t.text, room.saturating_sub(3))),
                    style,
                )]
            }
            None if !state.marked.is_empty() => {
                let mut spans = vec![Span::styled(
                    format!(" {} marked ·", state.marked.len()),
                    theme.heading,
                )];
                let used = spans[0].width();
                spans.extend(hints(state, theme, room.saturating_sub(used)));
                spans
            }
            None => hints(state, theme, room),
        };
        let used: usize = spans.iter().map(|s| s.width()).sum();
        if used + right_w <= width {
            spans.push(Span::raw(" ".repeat(width - used - right_w)));
            spans.extend(right.spans);
            spans.push(Span::raw(" "));
        }
        Line::from(text::fit_spans(spans, width))
    };
    frame.render_widget(Paragraph::new(line).style(theme.normal), area);
}

fn filter_line(state: &State, theme: &Theme, width: usize) -> Line<'static> {
    let f = &state.filter;
    let mut spans = vec![
        Span::styled("/", theme.key),
        Span::styled(text::one_line(&f.text), theme.normal),
        // Drawn, not the terminal cursor: visible in every terminal and in tests.
        Span::styled(" ", theme.selection),
    ];
    match &f.error {
        Some(err) => spans.push(Span::styled(format!("  ✖ {}", text::one_line(err)), theme.error)),
        None if f.text.is_empty() => spans.push(Span::styled(
            "  team:billing sla:breached priority:urgent confidence:<0.5 … · Enter keep · Esc clear",
            theme.muted,
        )),
        None => spans.push(Span::styled("  Enter keep · Esc clear", theme.muted)),
    }
    Line::from(text::fit_spans(spans, width))
}

/// "b bad  g good  u undo …", as many as fit in `room` cells, always ending
/// with the way to learn the rest ("? help").
fn hints(state: &State, theme: &Theme, room: usize) -> Vec<Span<'static>> {
    let context = crate::app::update::context(state);
    let hint = |action: Action| -> Option<(String, &'static str, usize)> {
        let key = state.keymap.key_in(context, action)?;
        let w = text::width(&key) + 1 + text::width(action.hint()) + 2;
        Some((key, action.hint(), w))
    };
    let help = hint(Action::Help);
    let reserved = help.as_ref().map_or(0, |h| h.2);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1 + reserved;
    let push = |spans: &mut Vec<Span<'static>>, (key, label, _): (String, &'static str, usize)| {
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::styled(format!(" {label}  "), theme.muted));
    };
    for action in HINTS {
        let Some(h) = hint(*action) else {
            continue;
        };
        if used + h.2 > room {
            break;
        }
        used += h.2;
        push(&mut spans, h);
    }
    if let Some(h) = help.filter(|h| h.2 < room) {
        push(&mut spans, h);
    }
    spans
}

/// "g … g top  G bottom · Esc cancels": the keys that finish the chord.
fn chord_hint(state: &State, theme: &Theme) -> Vec<Span<'static>> {
    let context = crate::app::update::context(state);
    let mut spans = vec![Span::styled(
        format!(" {} … ", chord_label(&state.pending_chord)),
        theme.heading,
    )];
    for (key, action) in state.keymap.continuations(context, &state.pending_chord) {
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::styled(format!(" {}  ", action.hint()), theme.muted));
    }
    spans.push(Span::styled("Esc", theme.key));
    spans.push(Span::styled(" cancels", theme.muted));
    spans
}

/// The helpdesk's live channel ("● live", "◌ polling") and webhook
/// deliveries ("↑ 3 pending", "⚠ 1 failed") beside the store's state.
fn sync_state(state: &State, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    // Only a helpdesk has changes to wait for. Glyph and word, so the
    // state reads without colour.
    if state.backend_state != BackendState::Local {
        spans.push(if state.live {
            Span::styled("● live", theme.ok)
        } else {
            Span::styled("◌ polling", theme.muted)
        });
        spans.push(Span::raw("  "));
    }
    if let Some(span) = helpdesk_state(state, theme) {
        spans.push(span);
        spans.push(Span::raw("  "));
    }
    if state.outbox_failed > 0 {
        spans.push(Span::styled(
            format!("⚠ {} failed", state.outbox_failed),
            theme.error,
        ));
        spans.push(Span::raw("  "));
    }
    if state.outbox_pending > 0 {
        spans.push(Span::styled(
            format!("↑ {} pending", state.outbox_pending),
            theme.info,
        ));
        spans.push(Span::raw("  "));
    }
    spans.extend(store_state(state, theme).spans);
    Line::from(spans)
}

/// "synced 3m ago", or "offline · last synced 14:02" (the queue shown is
/// the last synced one); nothing for the local store.
fn helpdesk_state(state: &State, theme: &Theme) -> Option<Span<'static>> {
    use crate::backend::BackendState;
    let ago = |at: chrono::DateTime<chrono::Utc>| {
        let mins = (state.now - at).num_minutes().max(0);
        match mins {
            0 => "just now".to_string(),
            1..=59 => format!("{mins}m ago"),
            _ => format!("{}h ago", mins / 60),
        }
    };
    let local = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&chrono::Local).format("%H:%M").to_string()
    };
    match (&state.backend_state, state.last_synced) {
        (BackendState::Local, _) => None,
        (BackendState::Syncing, None) => Some(Span::styled("⟳ syncing…", theme.info)),
        (BackendState::Online | BackendState::Syncing, Some(at)) => {
            Some(Span::styled(format!("synced {}", ago(at)), theme.muted))
        }
        (BackendState::Online, None) => Some(Span::styled("synced", theme.muted)),
        (BackendState::Offline(_), Some(at)) => Some(Span::styled(
            format!("⚠ offline · last synced {}", local(at)),
            theme.error,
        )),
        (BackendState::Offline(_), None) => {
            Some(Span::styled("⚠ offline · never synced", theme.error))
        }
    }
}

fn store_state(state: &State, theme: &Theme) -> Line<'static> {
    if state.read_only {
        Line::styled("read-only", theme.heading)
    } else if state.saving > 0 {
        Line::styled("saving…", theme.info)
    } else if let Some(at) = state.last_saved {
        Line::styled(format!("✓ saved {}", at.format("%H:%M:%S")), theme.ok)
    } else {
        Line::styled("local store", theme.muted)
    }
}
