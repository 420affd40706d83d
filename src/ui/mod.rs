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
#[cfg(test)]
mod scroll_tests;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::State;
use crate::app::state::{Drawn, Focus, Modal, Screen};
use crate::view::{layout, text};
pub use theme::Theme;

/// Draw the whole screen for `state`; say how far what it drew can scroll
/// (the runtime sends that back to `update` as `Event::Drawn`).
pub fn render(frame: &mut Frame, state: &State, theme: &Theme) -> Drawn {
    let area = frame.area();
    let mut drawn = Drawn::default();
    if layout::too_small(area.width, area.height) {
        too_small(frame, area, theme);
        return drawn;
    }
    if state.screen == Screen::Workspace {
        let areas = layout::areas(area.width, area.height, state.focus == Focus::Detail);
        tabs::render(frame, areas.tabs, state, theme);
        queue::render(frame, areas.queue, state, theme);
        drawn.detail = pane::render(frame, areas.detail, state, theme, areas.side_by_side);
        status_bar::render(frame, areas.status, state, theme);
    } else {
        drawn.lead = lead::render(frame, area, state, theme);
    }
    dialog(frame, state, theme);
    drawn
}

/// `state` drawn off screen at its size, as the terminal would show it,
/// and what the frame measured: for tests and benches, which stand in for
/// the runtime.
pub fn draw_offscreen(state: &State, theme: &Theme) -> (Buffer, Drawn) {
    let mut drawn = Drawn::default();
    // A terminal over a buffer: ratatui's own TestBackend, no I/O, so
    // neither step can fail in practice; a blank buffer if one did.
    let backend = ratatui::backend::TestBackend::new(state.width, state.height);
    let buffer = ratatui::Terminal::new(backend)
        .and_then(|mut t| {
            t.draw(|f| drawn = render(f, state, theme))?;
            Ok(t.backend().buffer().clone())
        })
        .unwrap_or_else(|_| Buffer::empty(Rect::new(0, 0, state.width, state.height)));
    (buffer, drawn)
}

/// The dialog on top, if one is open.
fn dialog(frame: &mut Frame, state: &State, theme: &Theme) {
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
            open,
            now_in,
        }) => {
            let picker = team_picker::Picker {
                ids,
                teams,
                selected: *selected,
                open,
                now_in: now_in.as_deref(),
            };
            team_picker::render(frame, state, picker, theme);
        }
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
