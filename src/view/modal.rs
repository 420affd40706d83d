//! Where a dialog's box goes: centred, shrunk to the screen. `ui::modal`
//! draws it there; the mouse maps clicks inside it.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};

/// Where `open` puts a box of at most `want_w` x `want_h` on `screen`.
pub fn area(screen: Rect, want_w: u16, want_h: u16) -> Rect {
    let w = want_w.min(screen.width);
    let h = want_h.min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

/// The inside of the box `open` draws at `area` (inside its border); the
/// mouse maps clicks with it.
pub fn inner(area: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(area)
}
