//! The full conversation: who said what, when, and what was private.

use chrono::{DateTime, Datelike, Utc};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::domain::handoff::{Author, Handoff};
use crate::view::text;

const INDENT: usize = 2;

pub fn lines(h: &Handoff, now: DateTime<Utc>, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if h.transcript.is_empty() {
        return vec![Line::styled(
            "No messages in this conversation.",
            theme.muted,
        )];
    }
    let mut out = Vec::new();
    for m in &h.transcript {
        // The author's kind is spelled out, so colour is never the only cue.
        let (glyph, kind, style) = match m.author {
            Author::Customer => ("▸", "customer", theme.title),
            Author::Ai => ("◆", "AI", theme.info),
            Author::Agent => ("●", "agent", theme.ok),
            Author::System => ("○", "system", theme.muted),
        };
        let mut head = vec![Span::styled(
            format!("{glyph} {kind}"),
            style.add_modifier(Modifier::BOLD),
        )];
        if let Some(name) = &m.name {
            head.push(Span::styled(format!(" {}", text::cut(name, 30)), style));
        }
        head.push(Span::styled(format!("  {}", when(m.at, now)), theme.muted));
        if m.private {
            head.push(Span::styled("  [private]", theme.at_risk));
        }
        out.push(Line::from(text::fit_spans(head, width)));
        let body_style = match m.author {
            Author::System => theme.muted,
            _ => theme.normal,
        };
        out.extend(text::hanging(
            vec![Span::raw(" ".repeat(INDENT))],
            INDENT,
            &[Span::styled(m.text.clone(), body_style)],
            width,
        ));
    }
    out
}

/// "09:12" today, "31 Dec 09:12" this year, "2025-12-31 09:12" before.
/// Times are UTC, like every time the screen shows.
fn when(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at.date_naive() == now.date_naive() {
        at.format("%H:%M").to_string()
    } else if at.year() == now.year() {
        at.format("%-d %b %H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_the_date_only_when_not_today() {
        let now: DateTime<Utc> = "2026-01-01T12:00:00Z".parse().unwrap_or_default();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap_or_default();
        assert_eq!(when(at("2026-01-01T09:05:00Z"), now), "09:05");
        assert_eq!(when(at("2025-12-31T23:59:00Z"), now), "2025-12-31 23:59");
        let later: DateTime<Utc> = "2026-03-02T12:00:00Z".parse().unwrap_or_default();
        assert_eq!(when(at("2026-01-01T09:05:00Z"), later), "1 Jan 09:05");
    }
}
