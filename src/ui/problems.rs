//! Problems found in the config file, shown once at start: the workspace
//! opened anyway (with defaults where the file was wrong), and says so.

use ratatui::Frame;
use ratatui::text::Line;

use super::modal;
use super::theme::Theme;
use crate::view::text;

pub fn render(frame: &mut Frame, lines: &[String], theme: &Theme) {
    let screen = frame.area();
    let w = screen.width.min(100);
    let h = (lines.len() as u16 + 6).min(screen.height);
    let inner = modal::open(frame, w, h, "Config problems", theme);
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    let width = usize::from(inner.width);
    let mut out: Vec<(Line<'static>, bool)> = vec![
        (
            Line::styled(
                text::trunc("Opened with defaults where these apply:", width),
                theme.normal,
            ),
            true,
        ),
        (Line::raw(""), true),
    ];
    for l in lines {
        out.push((
            Line::styled(text::trunc(&format!("✖ {l}"), width), theme.error),
            false,
        ));
    }
    out.push((Line::raw(""), true));
    out.push((
        Line::styled(
            text::trunc(
                "Any key continues · `handoff config check` lists these",
                width,
            ),
            theme.muted,
        ),
        false,
    ));
    modal::fill(frame, inner, out);
}
