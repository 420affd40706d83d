//! Where each part of the screen goes, as a pure function of the terminal
//! size. `update` uses it too, to page and scroll by what is visible.

use ratatui::layout::Rect;

/// At this width and above the queue and summary sit side by side: the
/// queue then still has every column a 110-column screen shows (team,
/// owner, confidence, completeness, verdict) and the summary 60 columns.
/// Narrower, stacked panes show more of both.
pub const WIDE: u16 = 160;
/// The side-by-side queue's least width: what its full set of columns and
/// a readable issue need.
const WIDE_QUEUE: u16 = 100;
/// Below this width the screen is in its compact mode: fewer queue columns,
/// short labels, the short forms of the top line and status bar.
pub const COMPACT: u16 = 80;
/// Below this height only one pane shows at a time (the focused one).
pub const SHORT: u16 = 16;
/// Below this the screen just asks for more room.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    /// The queue table, header line included. Zero-sized when hidden.
    pub queue: Rect,
    /// Summary or transcript. Zero-sized when hidden.
    pub detail: Rect,
    pub status: Rect,
    pub side_by_side: bool,
}

pub fn compact(width: u16) -> bool {
    width < COMPACT
}

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// `detail_focused` decides which pane survives on short screens.
pub fn areas(width: u16, height: u16, detail_focused: bool) -> Areas {
    let full = Rect::new(0, 0, width, height);
    let tabs = Rect::new(0, 0, width, 1.min(height));
    let status = Rect::new(0, height.saturating_sub(1), width, 1.min(height));
    let body_y = 1;
    let body_h = height.saturating_sub(2);
    let empty = Rect::new(0, body_y, 0, 0);
    let body = Rect::new(0, body_y, width, body_h).intersection(full);
    if width >= WIDE {
        let queue_w = (width * 11 / 20).max(WIDE_QUEUE);
        return Areas {
            tabs,
            queue: Rect::new(0, body_y, queue_w, body_h),
            detail: Rect::new(queue_w, body_y, width - queue_w, body_h),
            status,
            side_by_side: true,
        };
    }
    if height < SHORT {
        let (queue, detail) = if detail_focused {
            (empty, body)
        } else {
            (body, empty)
        };
        return Areas {
            tabs,
            queue,
            detail,
            status,
            side_by_side: false,
        };
    }
    let queue_h = (body_h * 2 / 5).max(4);
    Areas {
        tabs,
        queue: Rect::new(0, body_y, width, queue_h),
        detail: Rect::new(0, body_y + queue_h, width, body_h - queue_h),
        status,
        side_by_side: false,
    }
}

/// How many queue rows fit (the table's header takes one line).
pub fn queue_lines(width: u16, height: u16) -> usize {
    usize::from(areas(width, height, false).queue.height.saturating_sub(1)).max(1)
}

/// How many lines of summary or transcript fit (its title takes one).
pub fn detail_lines(width: u16, height: u16) -> usize {
    usize::from(areas(width, height, true).detail.height.saturating_sub(1)).max(1)
}
