//! `:` / Ctrl-P: every action by name, fuzzy; Enter runs the picked one.
//! The list comes from the same registry as help (`app::palette`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::app::keymap::Keymap;
use crate::app::palette::matches;
use crate::view::palette;
use crate::view::text;

pub fn render(
    frame: &mut Frame,
    keymap: &Keymap,
    sections: &[&str],
    filter: &str,
    selected: usize,
    theme: &Theme,
) {
    let actions = matches(filter, sections);
    let (w, h) = palette::size(frame.area(), actions.len());
    let inner = modal::open(frame, w, h, "Commands", theme);
    if inner.height == 0 || inner.width < 8 {
        return;
    }
    let width = usize::from(inner.width);
    let prompt = Line::from(vec![
        Span::styled(" : ", theme.key),
        Span::styled(text::cut(filter, width.saturating_sub(6)), theme.normal),
        Span::styled(" ", theme.selection),
        Span::styled(
            if filter.is_empty() {
                " type a name · ↑↓ Enter runs · Esc closes"
            } else {
                ""
            },
            theme.muted,
        ),
    ]);
    modal::fill(frame, Rect { height: 1, ..inner }, vec![(prompt, false)]);
    if inner.height < 3 {
        return;
    }
    let body = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    if actions.is_empty() {
        let none = Line::styled(" No command matches. Backspace to widen.", theme.muted);
        modal::fill(frame, body, vec![(none, false)]);
        return;
    }
    let rows = usize::from(body.height).max(1);
    let first = palette::first_shown(body, selected);
    let name_w = 18.min(width / 3);
    let key_w = 10.min(width / 6);
    let lines = actions
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, a)| {
            let key = keymap.first_key(*a).unwrap_or_default();
            let desc_w = width.saturating_sub(name_w + key_w + 5);
            if i == selected {
                let line = format!(
                    "▸ {} {} {}",
                    text::pad(&text::trunc(a.name(), name_w), name_w),
                    text::pad(&text::trunc(&key, key_w), key_w),
                    text::pad(&text::trunc(&a.describe(sections), desc_w), desc_w),
                );
                return (
                    Line::styled(text::trunc(&line, width), theme.selection),
                    false,
                );
            }
            let line = Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    text::pad(&text::trunc(a.name(), name_w), name_w),
                    theme.normal,
                ),
                Span::raw(" "),
                Span::styled(text::pad(&text::trunc(&key, key_w), key_w), theme.key),
                Span::raw(" "),
                Span::styled(text::trunc(&a.describe(sections), desc_w), theme.muted),
            ]);
            (line, false)
        })
        .collect();
    modal::fill(frame, body, lines);
}
