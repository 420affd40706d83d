//! Every key, from the keymap in force (the same value that handles them), so
//! help cannot drift from behaviour, rebinding included. Typing filters by
//! key, name or meaning; ↑/↓ pick an entry and Enter runs it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::app::keymap::Keymap;
use crate::view::help::{Item, blocks, body_of, desc_width, place, shown_items};
use crate::view::text;

pub fn render(
    frame: &mut Frame,
    keymap: &Keymap,
    (sections, lead): (&[&str], bool),
    filter: &str,
    selected: usize,
    theme: &Theme,
) {
    let blocks = blocks(keymap, sections, filter, lead);
    let p = place(&blocks, frame.area());
    let (cols, hidden, total) = (p.cols, p.hidden, p.total);
    let inner = modal::open(frame, p.w, p.h, "Keys", theme);
    if inner.height == 0 || inner.width < 8 {
        return;
    }

    let cursor = Span::styled(" ", theme.selection);
    let filter_line = if filter.is_empty() {
        Line::from(vec![
            Span::styled(" / ", theme.key),
            cursor,
            Span::styled(" type to filter · ↑↓ Enter runs · Esc closes", theme.muted),
        ])
    } else {
        Line::from(vec![
            Span::styled(" / ", theme.key),
            Span::styled(
                text::cut(filter, usize::from(inner.width) - 6),
                theme.normal,
            ),
            cursor,
        ])
    };
    modal::fill(
        frame,
        Rect { height: 1, ..inner },
        vec![(filter_line, false)],
    );
    let Some(body) = body_of(inner) else {
        return;
    };
    if total == 0 {
        let none = Line::styled(" No key matches. Backspace to widen.", theme.muted);
        modal::fill(frame, body, vec![(none, false)]);
        return;
    }
    for i in 0..cols {
        let shown = shown_items(&p, i, body);
        let mut lines: Vec<(Line<'static>, bool)> = shown
            .iter()
            .flat_map(|(it, _)| item_lines(it, selected, theme, p.col_w, p.keys_w))
            .map(|l| (l, false))
            .collect();
        if hidden > 0 && i + 1 == cols {
            let column = p.columns.get(i).map_or(0, Vec::len);
            let more = hidden + column - shown.len();
            let line = Line::styled(format!(" … {more} more — type to filter"), theme.muted);
            lines.push((line, false));
        }
        let x = body.x + (i * p.col_w) as u16;
        let area = Rect::new(x, body.y, p.col_w as u16, body.height);
        modal::fill(frame, area, lines);
    }
}

/// The lines of one item: a heading, or an entry's keys and its
/// description wrapped under itself.
fn item_lines(
    item: &Item,
    selected: usize,
    theme: &Theme,
    width: usize,
    keys_w: usize,
) -> Vec<Line<'static>> {
    match item {
        Item::Heading(t) => vec![Line::styled(
            text::trunc(&format!(" {t}"), width),
            theme.heading,
        )],
        Item::Entry(e, index) => {
            let picked = *index == Some(selected);
            let desc_w = desc_width(width, keys_w);
            let blank = " ".repeat(keys_w);
            let mut rows: Vec<(String, String)> = Vec::new();
            let mut keys = Some(text::pad(&e.keys, keys_w));
            if text::width(&e.keys) > keys_w {
                rows.push((text::trunc(&e.keys, width.saturating_sub(2)), String::new()));
                keys = None;
            }
            for desc in text::wrap(&e.description, desc_w) {
                rows.push((keys.take().unwrap_or_else(|| blank.clone()), desc));
            }
            rows.into_iter()
                .enumerate()
                .map(|(n, (keys, desc))| {
                    if picked {
                        // The pick is drawn in reverse as a whole, with a
                        // glyph, so it shows without colour too.
                        let mark = if n == 0 { "▸" } else { " " };
                        let line = format!("{mark} {keys} {}", text::pad(&desc, desc_w));
                        return Line::styled(text::trunc(&line, width), theme.selection);
                    }
                    Line::from(vec![
                        Span::raw("  "),
                        Span::styled(keys, theme.key),
                        Span::raw(" "),
                        Span::styled(desc, theme.normal),
                    ])
                })
                .collect()
        }
    }
}
