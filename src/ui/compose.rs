//! Writing a reply or an internal note. The draft is saved as it is typed,
//! so closing the box never loses it.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use super::modal;
use super::theme::Theme;
use crate::app::keymap::Context;
use crate::app::{Action, DraftKind, State};
use crate::view::text;

pub fn render(
    frame: &mut Frame,
    state: &State,
    id: &str,
    kind: DraftKind,
    input: &TextArea<'static>,
    theme: &Theme,
) {
    // The box is nearly always on the selected handoff: no scan then.
    let customer = state
        .selected()
        .filter(|r| r.id == id)
        .or_else(|| state.queue.rows().iter().find(|r| r.id == id))
        .map(|r| text::one_line(&r.customer))
        .unwrap_or_else(|| "the customer".into());
    let (title, who) = match kind {
        DraftKind::Note => (
            format!("Internal note on {}", text::one_line(id)),
            Span::styled("[private] only agents see this", theme.at_risk),
        ),
        DraftKind::Reply => (
            format!("Reply to {customer}"),
            Span::styled(format!("{customer} will see this ({id})"), theme.info),
        ),
    };
    let screen = frame.area();
    let w = screen.width.saturating_sub(4).clamp(20, 96);
    let h = screen.height.saturating_sub(2).clamp(6, 18);
    let inner = modal::open(frame, w, h, &title, theme).inner(Margin::new(1, 0));
    if inner.height < 3 {
        return;
    }
    // The keys in force (the user may have rebound them), first two for send.
    let keys = |action: Action| state.keymap.keys_for(Context::Compose, action);
    let mut footer = Vec::new();
    let send = keys(Action::Send);
    for (i, key) in send.iter().take(2).enumerate() {
        if i > 0 {
            footer.push(Span::styled(" or ", theme.muted));
        }
        footer.push(Span::styled(key.clone(), theme.key));
    }
    if !send.is_empty() {
        footer.push(Span::styled(" send · ", theme.muted));
    }
    if let Some(key) = state.keymap.key_in(Context::Compose, Action::EditInEditor) {
        footer.push(Span::styled(key, theme.key));
        footer.push(Span::styled(" editor · ", theme.muted));
    }
    footer.push(Span::styled("Esc", theme.key));
    footer.push(Span::styled(" close (draft is kept)", theme.muted));
    let footer = Line::from(footer);
    modal::fill(
        frame,
        Rect { height: 1, ..inner },
        vec![(Line::from(who), false)],
    );
    let box_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 2);
    let placeholder = match kind {
        DraftKind::Note => "note for the team…",
        DraftKind::Reply => "reply to the customer…",
    };
    frame.render_widget(&modal::textarea(input, theme, placeholder), box_area);
    let footer_area = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
    modal::fill(frame, footer_area, vec![(footer, false)]);
}
