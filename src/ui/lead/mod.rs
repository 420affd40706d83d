//! The team lead's screens: the floor now, handoff quality, the weekly review.
//! Each is built as lines so it scrolls, wraps and snapshots like the rest.

mod chart;
mod floor;
mod format;
mod quality;
mod review;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::app::state::{Screen, ToastKind};
use crate::view::lead::{self, Kind};
use crate::view::text;

fn body(state: &State, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let Some(d) = state.dashboard.as_deref() else {
        return vec![Line::styled(" computing the figures…", theme.muted)];
    };
    let lines = match state.screen {
        Screen::Floor => floor::lines(d, theme, width),
        Screen::Quality => quality::lines(d, theme, width),
        Screen::Review => review::lines(d, theme, width),
        Screen::Workspace => Vec::new(),
    };
    fit(lines, width)
}

/// Lines wider than the screen wrapped at spaces, the rest of each indented
/// under its start, so nothing is cut off mid-word on a narrow terminal.
/// The screens lay their tables out for the width first; this catches what
/// is left (headlines, notes, a long team or procedure name).
fn fit(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let lead = line
            .spans
            .first()
            .map_or(0, |s| s.content.len() - s.content.trim_start().len());
        let indent = (lead + 2).min(width / 3);
        let mut wrapped = text::wrap_spans(&line.spans, width.saturating_sub(indent)).into_iter();
        out.extend(wrapped.next());
        out.extend(wrapped.map(|l| {
            let mut spans = vec![Span::raw(" ".repeat(indent))];
            spans.extend(l.spans);
            Line::from(spans)
        }));
    }
    out
}

/// Tabs, body and status line of a lead screen; how far the body can
/// scroll (the first line of its last page).
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> Option<usize> {
    if area.height < 3 {
        return None;
    }
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(tabs(state, theme, width)).style(theme.normal),
        Rect { height: 1, ..area },
    );
    let body_area = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    let body = body(state, theme, width);
    let room = body.len().saturating_sub(usize::from(body_area.height));
    let lines: Vec<Line> = body
        .into_iter()
        .skip(usize::from(state.lead_scroll))
        .take(usize::from(body_area.height))
        .collect();
    frame.render_widget(Paragraph::new(lines).style(theme.normal), body_area);
    frame.render_widget(
        Paragraph::new(status(state, theme, width)).style(theme.normal),
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
    );
    Some(room)
}

fn tabs(state: &State, theme: &Theme, width: usize) -> Line<'static> {
    let spans = lead::pieces(state)
        .into_iter()
        .map(|(text, kind)| {
            let style = match kind {
                Kind::Title => theme.title,
                Kind::Muted => theme.muted,
                Kind::Border => theme.border,
                Kind::Tab { active: true } => theme.tab_active,
                Kind::Tab { active: false } => theme.tab_inactive,
            };
            Span::styled(text, style)
        })
        .collect();
    Line::from(text::fit_spans(spans, width))
}

fn status(state: &State, theme: &Theme, width: usize) -> Line<'static> {
    if let Some(t) = &state.toast {
        let style = match t.kind {
            ToastKind::Error => theme.error,
            ToastKind::Info => theme.info,
        };
        return Line::styled(text::cut(&format!(" {}", t.text), width), style);
    }
    let right = if state.dashboard_loading {
        "updating…".to_string()
    } else if let Some(d) = &state.dashboard {
        format!("live · figures at {}", d.at.format("%H:%M"))
    } else {
        String::new()
    };
    // Whole hints beside the time, the most needed kept when room is short
    // (drawn in their usual order).
    let right_w = text::width(&right) + 1;
    let hints = [
        ("Tab", "next"),
        ("j/k", "scroll"),
        ("Esc", "queue"),
        ("?", "help"),
        ("q", "quit"),
    ];
    let hint_w = |(key, what): (&str, &str)| text::width(key) + text::width(what) + 3;
    let mut keep = [false; 5];
    let mut used = 0;
    for i in [2, 3, 0, 4, 1] {
        if let Some(&h) = hints.get(i)
            && used + hint_w(h) + right_w <= width
        {
            used += hint_w(h);
            keep[i] = true;
        }
    }
    let mut spans = Vec::new();
    for (&(key, what), _) in hints.iter().zip(keep).filter(|(_, k)| *k) {
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::styled(format!(" {what} "), theme.muted));
    }
    if used + right_w <= width {
        spans.push(Span::raw(" ".repeat(width - used - right_w)));
        spans.push(Span::styled(right, theme.muted));
    }
    Line::from(spans)
}
