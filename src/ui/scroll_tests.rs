//! Scrolling as a user sees it: `update` clamps scroll keys to the room the
//! last frame measured, so these tests draw between keys, as the runtime
//! does.

use crossterm::event::KeyCode;

use crate::app::event::Event;
use crate::app::state::{Focus, Pane};
use crate::app::test_harness::Harness;
use crate::app::update::update;
use crate::app::update_tests::harness;
use crate::ui::{Theme, draw_offscreen};

/// The app's harness, with a frame drawn after each key.
struct Drawing(Harness);

impl Drawing {
    fn key(&mut self, code: KeyCode) {
        self.0.key(code);
        let (_, drawn) = draw_offscreen(&self.0.state, &Theme::monochrome());
        update(&mut self.0.state, Event::Drawn(drawn));
    }

    fn selected(&self) -> String {
        self.0.selected()
    }
}

impl std::ops::Deref for Drawing {
    type Target = Harness;
    fn deref(&self) -> &Harness {
        &self.0
    }
}

#[test]
fn transcript_toggle_and_detail_focus_scroll() {
    let mut h = Drawing(harness());
    h.key(KeyCode::Char('t'));
    assert_eq!(h.state.pane, Pane::Transcript);
    h.key(KeyCode::Enter);
    assert_eq!(h.state.focus, Focus::Detail);
    h.key(KeyCode::Char('j'));
    assert_eq!(
        h.state.detail_scroll, 0,
        "a short transcript does not scroll"
    );
    assert_eq!(h.selected(), "H1", "j scrolls the pane, not the queue");
    h.key(KeyCode::End);
    let bottom = h.state.detail_scroll;
    assert!(
        bottom < 1000,
        "scroll stops at the last page, not at {bottom}"
    );
    h.key(KeyCode::Char('k'));
    assert_eq!(
        h.state.detail_scroll,
        bottom.saturating_sub(1),
        "and up responds at once"
    );
    h.key(KeyCode::Esc);
    assert_eq!(h.state.focus, Focus::Queue);
    h.key(KeyCode::Char('t'));
    assert_eq!(h.state.pane, Pane::Summary);
}
