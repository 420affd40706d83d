//! The command palette's box and list: its size, the first command shown,
//! and which command lies under a cell. `ui::palette` draws by it.

use ratatui::layout::{Position, Rect};

use super::modal;
use crate::app::palette;

/// The box's width and height for `len` commands on `screen`.
pub fn size(screen: Rect, len: usize) -> (u16, u16) {
    let w = screen.width.min(72);
    let len = u16::try_from(len).unwrap_or(u16::MAX);
    let h = len.saturating_add(4).min(screen.height.min(20)).max(6);
    (w, h)
}

/// The first command listed: the pick is kept in view by whole pages.
pub fn first_shown(body: Rect, selected: usize) -> usize {
    let rows = usize::from(body.height).max(1);
    selected / rows * rows
}

/// The index (into `palette::matches(filter, sections)`) of the command
/// drawn at `x`, `y` on `screen`, as `render` lays the list out.
pub fn entry_at(
    filter: &str,
    sections: &[&str],
    selected: usize,
    screen: Rect,
    x: u16,
    y: u16,
) -> Option<usize> {
    let len = palette::matches(filter, sections).len();
    let (w, h) = size(screen, len);
    let inner = modal::inner(modal::area(screen, w, h));
    if inner.height < 3 || inner.width < 8 {
        return None;
    }
    let body = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    if !body.contains(Position { x, y }) {
        return None;
    }
    let i = first_shown(body, selected) + usize::from(y - body.y);
    (i < len).then_some(i)
}
