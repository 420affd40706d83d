//! The lead screens' top line as plain pieces: `ui::lead` styles and draws
//! them, and [`tab_at`] reads the same pieces, so a click switches to the
//! screen whose tab is drawn under it.

use ratatui::text::Span;

use super::text;
use crate::app::State;
use crate::app::state::Screen;

/// What a piece of the lead top line is, which decides its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Title,
    Muted,
    Border,
    Tab { active: bool },
}

/// The lead top line's pieces, in order, before it is fitted to the width.
pub fn pieces(state: &State) -> Vec<(String, Kind)> {
    let mut pieces = vec![
        (" handoff ".to_string(), Kind::Title),
        ("lead ".to_string(), Kind::Muted),
    ];
    for (i, (screen, title)) in [
        (Screen::Floor, "Floor"),
        (Screen::Quality, "Quality"),
        (Screen::Review, "Review"),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            pieces.push(("·".to_string(), Kind::Border));
        }
        let active = screen == state.screen;
        pieces.push((format!(" {title} "), Kind::Tab { active }));
    }
    pieces
}

/// The lead screen whose tab covers column `x` of the top line drawn
/// `width` columns wide (the mouse switches screens with it).
pub fn tab_at(state: &State, width: u16, x: u16) -> Option<Screen> {
    let spans = pieces(state)
        .into_iter()
        .map(|(text, _)| Span::raw(text))
        .collect();
    let mut start = 0u16;
    for span in text::fit_spans(spans, usize::from(width)) {
        let w = u16::try_from(span.width()).unwrap_or(u16::MAX);
        if (start..start.saturating_add(w)).contains(&x) {
            return match span.content.trim() {
                "Floor" => Some(Screen::Floor),
                "Quality" => Some(Screen::Quality),
                "Review" => Some(Screen::Review),
                _ => None,
            };
        }
        start = start.saturating_add(w);
    }
    None
}
