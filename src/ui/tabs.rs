//! The top line: app name, who is working, the sections with their counts and
//! the filter in force.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::domain::queue::Section;

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    // Try the roomiest form first, then shorter ones, so the sections (the
    // part one acts on) survive on narrow terminals.
    let line = [Form::Full, Form::Short, Form::Bare]
        .into_iter()
        .map(|form| build(state, theme, form, width))
        .find(|line| line.width() <= width)
        .unwrap_or_else(|| build(state, theme, Form::Bare, width));
    let spans = text::fit_spans(line.spans, width);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.normal), area);
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Full,
    Short,
    Bare,
}

fn build<'a>(state: &State, theme: &Theme, form: Form, width: usize) -> Line<'a> {
    let mut spans = Vec::new();
    if form != Form::Bare {
        spans.push(Span::styled(" handoff ", theme.title));
        spans.push(Span::styled(
            format!("{} ", text::cut(&state.me, 20)),
            theme.muted,
        ));
    }
    if !state.loaded {
        spans.push(Span::styled(" loading…", theme.muted));
        return Line::from(spans);
    }
    for (i, section) in Section::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("·", theme.border));
        }
        let title = match (form, section) {
            (Form::Full, s) => s.title(),
            (_, Section::Unassigned) => "Team",
            (_, s) => s.title(),
        };
        let label = format!(" {title} {} ", state.section_count(section));
        let style = if section == state.section {
            theme.tab_active
        } else {
            theme.tab_inactive
        };
        spans.push(Span::styled(label, style));
    }
    if state.sort != crate::app::sort::SortKey::Urgency {
        // Not the usual order: say so, or rows seem out of place.
        let label = match form {
            Form::Full => format!("  ↕ {}", state.sort.label()),
            Form::Short => {
                let word = state.sort.label().split(',').next().unwrap_or_default();
                format!("  ↕ {word}")
            }
            Form::Bare => "  ↕".to_string(),
        };
        spans.push(Span::styled(label, theme.info));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = width.saturating_sub(used + 3);
    if state.filter.error.is_some() || !state.filter.text.is_empty() {
        spans.push(Span::raw("  "));
        match &state.filter.error {
            // While the text does not parse the last good query stays in
            // force; say so instead of showing text that is not applied.
            Some(err) => spans.push(Span::styled(
                format!("/ {}", text::cut(err, room.saturating_sub(2))),
                theme.error,
            )),
            None => spans.push(Span::styled(
                format!(
                    "/ {}",
                    text::cut(&state.filter.text, room.saturating_sub(2))
                ),
                theme.info,
            )),
        }
    }
    Line::from(spans)
}
