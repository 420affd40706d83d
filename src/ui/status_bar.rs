//! The last line: the filter being typed, else a toast or key hints; on the
//! right, whether changes are safely stored.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::Link;
use crate::app::action::ALL;
use crate::app::keymap::chord_label;
use crate::app::state::ToastKind;
use crate::app::{Action, State};
use crate::view::{layout, text};

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
    Action::ToggleNote,
    Action::Filter,
    Action::NextSection,
    Action::Quit,
];

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    // The status bar spans the terminal, so its width says compact or not.
    let compact = layout::compact(area.width);
    let line = if state.filter.editing {
        filter_line(state, theme, width, compact)
    } else {
        let mut right = sync_state(state, theme, compact);
        // Compact: a toast that does not fit beside the store's state gets
        // the whole line (the state is back with the next frame after it).
        if let Some(t) = state.toast.as_ref().filter(|_| compact)
            && text::width(&t.text) + 3 + right.width() + 2 > width
        {
            right = Line::default();
        }
        let right_w = if right.width() == 0 {
            0
        } else {
            right.width() + 1
        };
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
            None if !state.marked.is_empty() => marked_hints(state, theme, room),
            None => hints(state, theme, room),
        };
        let used: usize = spans.iter().map(|s| s.width()).sum();
        if right_w > 0 && used + right_w <= width {
            spans.push(Span::raw(" ".repeat(width - used - right_w)));
            spans.extend(right.spans);
            spans.push(Span::raw(" "));
        }
        Line::from(text::fit_spans(spans, width))
    };
    frame.render_widget(Paragraph::new(line).style(theme.normal), area);
}

fn filter_line(state: &State, theme: &Theme, width: usize, compact: bool) -> Line<'static> {
    let f = &state.filter;
    let mut spans = vec![
        Span::styled("/", theme.key),
        Span::styled(text::one_line(&f.text), theme.normal),
        // Drawn, not the terminal cursor: visible in every terminal and in tests.
        Span::styled(" ", theme.selection),
    ];
    match &f.error {
        Some(err) => spans.push(Span::styled(format!("  ✖ {}", text::one_line(err)), theme.error)),
        None if !compact && f.text.is_empty() => spans.push(Span::styled(
            "  team:billing sla:breached priority:urgent confidence:<0.5 … · Enter keep · Esc clear",
            theme.muted,
        )),
        None if !compact => spans.push(Span::styled("  Enter keep · Esc clear", theme.muted)),
        None => {
            // The roomiest hint that fits whole: examples go before the keys.
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let hints: &[&str] = if f.text.is_empty() {
                &[
                    "  sla:breached team:billing … · Enter keep · Esc clear",
                    "  Enter keep · Esc clear",
                    "  Enter · Esc",
                ]
            } else {
                &["  Enter keep · Esc clear", "  Enter · Esc"]
            };
            if let Some(h) = hints.iter().find(|h| used + text::width(h) <= width) {
                spans.push(Span::styled(*h, theme.muted));
            }
        }
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
    // The bot's note, when this handoff came as one and its summary is read.
    let note = state.focus == crate::app::state::Focus::Detail
        && state
            .selected_detail()
            .is_some_and(|d| d.handoff.has_note());
    for action in HINTS {
        if *action == Action::ToggleNote && !note {
            continue;
        }
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

/// When room runs short, which marked-set hints stay, first kept first:
/// the verdicts, then the way out of the marks, then the rest.
fn keep_rank(action: Action) -> u8 {
    match action {
        Action::FlagBad | Action::FlagGood => 0,
        Action::ClearMarks => 1,
        _ => 2,
    }
}

/// "3 marked: b bad  g good  c claim  x resolve  T team  U clear": what
/// acts on the marked set, with the keys in force, as many as fit in `room`
/// (by `keep_rank`), the way out last; `? help` only if there is room to
/// spare.
fn marked_hints(state: &State, theme: &Theme, room: usize) -> Vec<Span<'static>> {
    let context = crate::app::update::context(state);
    let head = format!(" {} marked:", state.marked.len());
    let mut used = text::width(&head);
    // Each hint costs its gap before it ("  ", one space after the head).
    let cost = |key: &str, action: Action, first: bool| {
        let gap = if first { 1 } else { 2 };
        gap + text::width(key) + 1 + text::width(action.hint())
    };
    // The actions the table says act on marks, in its order.
    let mut on_marks: Vec<Action> = ALL.into_iter().filter(|a| a.on_marks()).collect();
    let mut kept: Vec<(Action, String)> = Vec::new();
    on_marks.sort_by_key(|a| keep_rank(*a));
    for &action in &on_marks {
        let Some(key) = state.keymap.key_in(context, action) else {
            continue;
        };
        let w = cost(&key, action, kept.is_empty());
        if used + w > room {
            break;
        }
        used += w;
        kept.push((action, key));
    }
    // Shown in the table's order, the way out last.
    kept.sort_by_key(|(a, _)| (*a == Action::ClearMarks, ALL.iter().position(|m| m == a)));
    if let Some(key) = state.keymap.key_in(context, Action::Help) {
        let w = cost(&key, Action::Help, kept.is_empty());
        if used + w <= room {
            kept.push((Action::Help, key));
        }
    }
    let mut spans = vec![Span::styled(head, theme.heading)];
    for (i, (action, key)) in kept.into_iter().enumerate() {
        spans.push(Span::raw(if i == 0 { " " } else { "  " }));
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::styled(format!(" {}", action.hint()), theme.muted));
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

/// The helpdesk's live channel ("◉ live", "◌ polling") and webhook
/// deliveries ("⇡ 3 pending", "⚠ 1 failed") beside the store's state.
/// Glyphs here mean nothing else on the screen (`●` marks a handoff, `↑`
/// is high priority, `✓` a good verdict).
/// Compact: shorter words ("◌ poll", "synced 3m", "⚠ offline 14:02",
/// "saved 14:02", "local") and one space between them.
fn sync_state(state: &State, theme: &Theme, compact: bool) -> Line<'static> {
    let mut spans = Vec::new();
    let gap = if compact { " " } else { "  " };
    // Only a helpdesk has changes to wait for. Glyph and word, so the
    // state reads without colour.
    if state.link != Link::Local {
        spans.push(match (state.live, compact) {
            (true, _) => Span::styled("◉ live", theme.ok),
            (false, false) => Span::styled("◌ polling", theme.muted),
            (false, true) => Span::styled("◌ poll", theme.muted),
        });
        spans.push(Span::raw(gap));
    }
    if let Some(span) = helpdesk_state(state, theme, compact) {
        spans.push(span);
        spans.push(Span::raw(gap));
    }
    if state.outbox_failed > 0 {
        spans.push(Span::styled(
            format!("⚠ {} failed", state.outbox_failed),
            theme.error,
        ));
        spans.push(Span::raw(gap));
    }
    if state.outbox_pending > 0 {
        spans.push(Span::styled(
            format!("⇡ {} pending", state.outbox_pending),
            theme.info,
        ));
        spans.push(Span::raw(gap));
    }
    spans.extend(store_state(state, theme, compact).spans);
    Line::from(spans)
}

/// "synced 3m ago", or "offline · last synced 14:02" (the queue shown is
/// the last synced one); nothing for the local store.
fn helpdesk_state(state: &State, theme: &Theme, compact: bool) -> Option<Span<'static>> {
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
    match (&state.link, state.last_synced) {
        (Link::Local, _) => None,
        (Link::Syncing, None) => Some(Span::styled("⟳ syncing…", theme.info)),
        (Link::Online | Link::Syncing, Some(at)) => {
            let ago = ago(at);
            let ago = match ago.strip_suffix(" ago") {
                Some(short) if compact => short.to_string(),
                _ => ago,
            };
            Some(Span::styled(format!("synced {ago}"), theme.muted))
        }
        (Link::Online, None) => Some(Span::styled("synced", theme.muted)),
        (Link::Offline(_), Some(at)) if compact => Some(Span::styled(
            format!("⚠ offline {}", local(at)),
            theme.error,
        )),
        (Link::Offline(_), Some(at)) => Some(Span::styled(
            format!("⚠ offline · last synced {}", local(at)),
            theme.error,
        )),
        (Link::Offline(_), None) if compact => Some(Span::styled("⚠ offline", theme.error)),
        (Link::Offline(_), None) => Some(Span::styled("⚠ offline · never synced", theme.error)),
    }
}

fn store_state(state: &State, theme: &Theme, compact: bool) -> Line<'static> {
    if state.read_only {
        Line::styled("read-only", theme.heading)
    } else if !state.saving.is_empty() {
        Line::styled("saving…", theme.info)
    } else if let Some(at) = state.last_saved {
        let time = if compact { "%H:%M" } else { "%H:%M:%S" };
        Line::styled(format!("saved {}", at.format(time)), theme.ok)
    } else if compact {
        Line::styled("local", theme.muted)
    } else {
        Line::styled("local store", theme.muted)
    }
}
