//! The top line: app name, who is working, the sections with their counts and
//! the filter in force.
//!
//! The line is laid out once as plain pieces by `view::tabs` (which the
//! mouse reads too), then styled here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::view::tabs::{self, Kind};
use crate::view::text;

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let spans = tabs::fit(state, width)
        .into_iter()
        .map(|p| Span::styled(p.text, style(p.kind, theme)))
        .collect();
    let spans = text::fit_spans(spans, width);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.normal), area);
}

/// How a piece of the top line is drawn.
fn style(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Title => theme.title,
        Kind::Muted => theme.muted,
        Kind::Border => theme.border,
        Kind::Tab { active: true, .. } => theme.tab_active,
        Kind::Tab { active: false, .. } => theme.tab_inactive,
        Kind::Info => theme.info,
        Kind::Error => theme.error,
        Kind::Plain => Style::default(),
    }
}
