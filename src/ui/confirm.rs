//! The one question a big bulk verdict asks: "Flag 23 handoffs as bad?"

use ratatui::Frame;
use ratatui::layout::Margin;
use ratatui::text::{Line, Span};

use super::modal;
use super::theme::Theme;
use crate::domain::feedback::Verdict;

pub fn render(frame: &mut Frame, verdict: Verdict, count: usize, theme: &Theme) {
    let screen = frame.area();
    let (question, style) = match verdict {
        Verdict::Bad => (format!("Flag {count} handoffs as bad?"), theme.verdict_bad),
        Verdict::Good => (
            format!("Mark {count} handoffs as good?"),
            theme.verdict_good,
        ),
    };
    let inner = modal::open(frame, screen.width.min(48), 6, "Bulk verdict", theme);
    let inner = inner.inner(Margin::new(1, 0));
    let lines = vec![
        (Line::styled(question, style), false),
        (Line::raw(""), true),
        (
            Line::from(vec![
                Span::styled("y", theme.key),
                Span::styled(" or ", theme.muted),
                Span::styled("Enter", theme.key),
                Span::styled(" yes · any other key: no", theme.muted),
            ]),
            false,
        ),
    ];
    modal::fill(frame, inner, lines);
}
