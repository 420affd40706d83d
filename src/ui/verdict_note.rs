//! After a reason: an optional note on the verdict. Esc skips it.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use super::modal;
use super::theme::Theme;
use crate::app::keymap::Context;
use crate::app::{Action, State};

pub fn render(
    frame: &mut Frame,
    state: &State,
    id: &str,
    input: &TextArea<'static>,
    theme: &Theme,
) {
    let reasons: Vec<&str> = state
        .selected_detail()
        .filter(|d| d.handoff.id == id)
        .and_then(|d| d.feedback.as_ref())
        .map(|f| f.reasons.iter().map(|r| r.label()).collect())
        .unwrap_or_default();
    draw(frame, state, id, &reasons, input, theme);
}

/// The note box titled `Bad handoff · {what}`, the reasons in force above
/// it. Bulk notes pass the batch's title and shared reason.
pub fn draw(
    frame: &mut Frame,
    state: &State,
    what: &str,
    reasons: &[&str],
    input: &TextArea<'static>,
    theme: &Theme,
) {
    let inner = modal::open(frame, 64, 10, &format!("Bad handoff · {what}"), theme);
    let inner = inner.inner(Margin::new(1, 0));
    if inner.height == 0 {
        return;
    }
    let mut hint = vec![
        Span::styled("Optional note", theme.heading),
        Span::styled(" — ", theme.muted),
        Span::styled("Enter", theme.key),
        Span::styled(" saves, ", theme.muted),
    ];
    // The box takes the reply box's editor key, as the user bound it (none
    // if unbound); Enter and Esc are the dialog's own.
    if let Some(key) = state.keymap.key_in(Context::Compose, Action::EditInEditor) {
        hint.push(Span::styled(key, theme.key));
        hint.push(Span::styled(" editor, ", theme.muted));
    }
    hint.push(Span::styled("Esc", theme.key));
    hint.push(Span::styled(" skips", theme.muted));
    let mut lines = vec![(Line::from(hint), false)];
    if !reasons.is_empty() {
        lines.push((
            Line::styled(format!("✗ {}", reasons.join(", ")), theme.verdict_bad),
            true,
        ));
    }
    let head = (lines.len() as u16).min(inner.height.saturating_sub(3).max(1));
    modal::fill(
        frame,
        Rect {
            height: head,
            ..inner
        },
        lines,
    );
    let box_area = Rect::new(
        inner.x,
        inner.y + head,
        inner.width,
        inner.height.saturating_sub(head),
    );
    if box_area.height > 0 {
        let t = modal::textarea(input, theme, "what should the AI team know?");
        frame.render_widget(&t, box_area);
    }
}
