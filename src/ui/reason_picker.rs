//! After `b`: the flag is already saved; one key says why.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::app::State;
use crate::domain::feedback::Reason;

pub fn render(frame: &mut Frame, state: &State, id: &str, theme: &Theme) {
    // Say "saved" only once the store has it: nothing shows as done early,
    // and a write that failed says so.
    let saved = match (&state.save_failed, state.saving.count()) {
        (Some(_), 0) => Span::styled("NOT saved", theme.error),
        (None, 0) => Span::styled("saved", theme.ok),
        _ => Span::styled("saving…", theme.info),
    };
    let mut lines = vec![
        (
            Line::from(vec![
                Span::styled("Flagged as bad handoff ", theme.verdict_bad),
                saved,
                Span::styled(". Why? (one key)", theme.normal),
            ]),
            // On tiny screens the reasons matter more than the headline.
            true,
        ),
        // Why it failed, in the line that is otherwise blank.
        match state
            .save_failed
            .as_deref()
            .filter(|_| state.saving.is_empty())
        {
            Some(why) => (Line::styled(why.to_string(), theme.error), true),
            None => (Line::raw(""), true),
        },
    ];
    for r in Reason::ALL {
        lines.push((
            Line::from(vec![
                Span::styled(format!(" {} ", r.key()), theme.key),
                Span::styled(format!(" {}", r.label()), theme.normal),
            ]),
            false,
        ));
    }
    lines.push((Line::raw(""), true));
    lines.push((
        Line::from(vec![
            Span::styled("Esc", theme.key),
            Span::styled(": keep the flag without a reason", theme.muted),
        ]),
        false,
    ));
    let inner = modal::open(frame, 54, 13, &format!("Bad handoff · {id}"), theme);
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    modal::fill(frame, inner, lines);
}
