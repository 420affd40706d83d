//! Rendering: one file per screen or widget. Render functions read `State`
//! and draw; they change nothing.

pub mod compose;
pub mod confirm;
pub mod help;
pub mod lead;
pub mod modal;
pub mod palette;
pub mod pane;
pub mod problems;
pub mod queue;
pub mod reason_picker;
pub mod status_bar;
pub mod summary;
pub mod tabs;
pub mod team_picker;
pub mod theme;
pub mod transcript;
pub mod verdict_note;

#[cfg(test)]
mod dialog_tests;
#[cfg(test)]
mod mouse_tests;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::State;
use crate::app::state::{Focus, Modal, Screen};
use crate::view::{layout, text};
pub use theme::Theme;

/// Draw the whole screen for `state`.
pub fn render(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    if layout::too_small(area.width, area.height) {
        too_small(frame, area, theme);
        return;
    }
    if state.screen == Screen::Workspace {
        let areas = layout::areas(area.width, area.height, state.focus == Focus::Detail);
        tabs::render(frame, areas.tabs, state, theme);
        queue::render(frame, areas.queue, state, theme);
        pane::render(frame, areas.detail, state, theme, areas.side_by_side);
        status_bar::render(frame, areas.status, state, theme);
    } else {
        lead::render(frame, area, state, theme);
    }
    match &state.modal {
        None => {}
        Some(Modal::ReasonPicker { id, others }) => {
            let title = match others.len() {
                0 => id.clone(),
                n => format!("{id} + {n} more"),
            };
            reason_picker::render(frame, state, &title, theme);
        }
        Some(Modal::VerdictNote { id, input }) => {
            verdict_note::render(frame, state, id, input, theme);
        }
        Some(Modal::BulkVerdictNote { ids, reason, input }) => {
            let what = match &ids[..] {
                [first, rest @ ..] if !rest.is_empty() => {
                    format!("{first} + {} more", rest.len())
                }
                _ => ids.concat(),
            };
            verdict_note::draw(frame, state, &what, &[reason.label()], input, theme);
        }
        Some(Modal::TeamPicker {
            ids,
            teams,
            selected,
        }) => team_picker::render(frame, state, ids, teams, *selected, theme),
        Some(Modal::Compose { id, kind, input }) => {
            compose::render(frame, state, id, *kind, input, theme);
        }
        Some(Modal::Help { filter, selected }) => {
            help::render(
                frame,
                &state.keymap,
                (
                    &state.section_titles(),
                    state.screen != crate::app::state::Screen::Workspace,
                ),
                filter,
                *selected,
                theme,
            );
        }
        Some(Modal::Palette { filter, selected }) => {
            palette::render(
                frame,
                &state.keymap,
                &state.section_titles(),
                filter,
                *selected,
                theme,
            );
        }
        Some(Modal::Problems { lines }) => problems::render(frame, lines, theme),
        Some(Modal::ConfirmBulk { verdict, count }) => {
            confirm::render(frame, *verdict, *count, theme);
        }
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Clear, area);
    let msg = format!(
        "handoff needs at least {}x{} — now {}x{}",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT,
        area.width,
        area.height
    );
    let lines = text::wrap_spans(&[ratatui::text::Span::raw(msg)], usize::from(area.width));
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    let lines: Vec<Line> = lines.into_iter().map(|l| l.centered()).collect();
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.normal)
            .wrap(Wrap { trim: true }),
        Rect::new(area.x, y, area.width, h),
    );
}
