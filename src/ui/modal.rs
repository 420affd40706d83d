//! Shared frame for dialogs: centred, background cleared, bordered, and
//! shrunk to the screen so they fit at 80x24 and below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui_textarea::{TextArea, WrapMode};

use super::theme::Theme;
use crate::view::{modal, text};

/// Clear a centred box of at most `want_w` x `want_h` cells, draw its border
/// and title, and return the inside.
pub fn open(frame: &mut Frame, want_w: u16, want_h: u16, title: &str, theme: &Theme) -> Rect {
    let area = modal::area(frame.area(), want_w, want_h);
    frame.render_widget(Clear, area);
    let title = text::cut(title, usize::from(area.width.saturating_sub(4)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.focus_border)
        .style(theme.normal)
        .title(Span::styled(format!(" {title} "), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Draw `lines` into `area`, dropping the spacer lines (marked `true`)
/// first when there is not room for all of them, then cutting the end.
pub fn fill(frame: &mut Frame, area: Rect, lines: Vec<(Line<'static>, bool)>) {
    let h = usize::from(area.height);
    let keep_spacers = lines.len() <= h;
    let shown: Vec<Line> = lines
        .into_iter()
        .filter(|(_, spacer)| keep_spacers || !spacer)
        .map(|(l, _)| l)
        .take(h)
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// The state's text box, styled by the theme. Cloned because rendering must
/// not change state; the clone only lives for this frame.
pub fn textarea<'a>(input: &TextArea<'a>, theme: &Theme, placeholder: &str) -> TextArea<'a> {
    let mut t = input.clone();
    t.set_style(theme.normal);
    t.set_cursor_style(theme.selection);
    t.set_cursor_line_style(theme.normal);
    t.set_selection_style(theme.selection);
    t.set_placeholder_text(placeholder);
    t.set_placeholder_style(theme.muted);
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border),
    );
    t
}
