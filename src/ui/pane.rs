//! The detail pane's frame: a title line naming the handoff (and showing
//! focus), then the summary or transcript body scrolled by whole lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{summary, transcript};
use crate::app::Action;
use crate::app::State;
use crate::app::keymap::Context;
use crate::app::state::{Focus, Pane};
use crate::domain::completeness;
use crate::domain::feedback::Verdict;
use crate::domain::handoff::Status;
use crate::view::{layout, text};

/// The body's inner width for a detail area (the rule or margins excluded).
fn inner_rect(area: Rect, side_by_side: bool) -> Rect {
    if side_by_side {
        Rect::new(
            area.x + 2,
            area.y,
            area.width.saturating_sub(3),
            area.height,
        )
    } else {
        Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(2),
            area.height,
        )
    }
}

/// Draw the summary, transcript or bot note; say how far it can scroll
/// (the first line of its last page), for `update` to clamp scroll keys to.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    theme: &Theme,
    side_by_side: bool,
) -> Option<usize> {
    if area.height == 0 || area.width < 4 {
        return None;
    }
    let focused = state.focus == Focus::Detail;
    let edge = if focused {
        theme.focus_border
    } else {
        theme.border
    };
    // Side by side, a rule separates the panes; stacked, the title line does.
    if side_by_side {
        let rule: Vec<Line> = (0..area.height).map(|_| Line::styled("│", edge)).collect();
        frame.render_widget(Paragraph::new(rule), Rect { width: 1, ..area });
    }
    let inner = inner_rect(area, side_by_side);
    let width = usize::from(inner.width);
    let body_h = usize::from(inner.height.saturating_sub(1));

    let body = body_lines(state, theme, width);
    let total = body.len();
    // `update` knows the room as of the last frame; clamp here too, so a
    // scroll that outran a shorter body shows its last page, not blank space.
    let room = total.saturating_sub(body_h);
    let scroll = usize::from(state.detail_scroll).min(room);
    let shown: Vec<Line> = body.into_iter().skip(scroll).take(body_h).collect();

    let pane = match state.pane {
        Pane::Summary => "summary",
        Pane::Transcript => "transcript",
        Pane::Note => "bot note",
    };
    // Narrow panes keep the room for naming the handoff: the lines shown
    // without the pane's name (the body says what it is).
    let pane = if width < 50 { "" } else { pane };
    let position = match (total > body_h, pane.is_empty()) {
        (true, false) => format!(" {pane} {}-{}/{total} ", scroll + 1, scroll + shown.len()),
        (true, true) => format!(" {}-{}/{total} ", scroll + 1, scroll + shown.len()),
        (false, false) => format!(" {pane} "),
        (false, true) => String::new(),
    };
    let title = title_line(state, theme, width, &position, focused);
    frame.render_widget(Paragraph::new(title), Rect { height: 1, ..inner });
    let body_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    frame.render_widget(Paragraph::new(shown).style(theme.normal), body_area);
    Some(room)
}

fn body_lines(state: &State, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if state.selected().is_none() {
        let msg = if state.loaded {
            "No handoff selected."
        } else {
            "loading…"
        };
        return vec![Line::styled(msg, theme.muted)];
    }
    let Some(detail) = state.selected_detail() else {
        return vec![Line::styled("loading…", theme.muted)];
    };
    match state.pane {
        Pane::Summary => {
            let mut lines = summary::lines(
                detail,
                &state.me,
                state.now,
                theme,
                width,
                layout::compact(state.width),
            );
            // The note the summary was parsed from, one key away.
            let key = state.keymap.key_in(Context::Detail, Action::ToggleNote);
            if let Some(key) = key.filter(|_| detail.handoff.has_note()) {
                lines.push(Line::raw(""));
                lines.extend(text::wrap_spans(
                    &[
                        Span::styled(key, theme.key),
                        Span::styled(" shows the bot's note as it was written", theme.muted),
                    ],
                    width,
                ));
            }
            lines
        }
        Pane::Transcript => transcript::lines(&detail.handoff, state.now, theme, width),
        Pane::Note => note_lines(&detail.handoff, theme, width),
    }
}

/// The bot's note as it was written (cleaned of control sequences on the
/// way in), wrapped; the summary is what the parser made of it.
fn note_lines(
    h: &crate::domain::handoff::Handoff,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let Some(note) = h.note.as_deref().filter(|_| h.has_note()) else {
        return vec![Line::styled(
            "No note: this handoff came as structured fields.",
            theme.muted,
        )];
    };
    let mut lines = vec![
        Line::styled(
            "As the bot wrote it; the summary was parsed from this.",
            theme.muted,
        ),
        Line::raw(""),
    ];
    lines.extend(
        text::wrap(note, width)
            .into_iter()
            .map(|l| Line::styled(l, theme.normal)),
    );
    lines
}

/// "▌HO-1001 · ★ Dana Whitfield · open · completeness 4/5 (missing: next step) · ✗ bad ── summary 1-13/40"
/// In narrow panes the compact form ("4/5", no missing names: the body
/// marks them) keeps the verdict visible.
fn title_line(
    state: &State,
    theme: &Theme,
    width: usize,
    position: &str,
    focused: bool,
) -> Line<'static> {
    let edge = if focused {
        theme.focus_border
    } else {
        theme.border
    };
    let room = width.saturating_sub(text::width(position) + 2);
    // Roomiest form that fits; the customer is always named (cut last).
    let fits = |spans: &Vec<Span>| spans.iter().map(|s| s.width()).sum::<usize>() <= room;
    let left = [Title::Full, Title::Compact, Title::Named]
        .into_iter()
        .map(|form| title_parts(state, theme, form))
        .find(fits)
        .unwrap_or_else(|| {
            // The name shortened ("Dana W."), in what the rest leaves.
            let named = title_parts(state, theme, Title::Named);
            let rest: usize = named.iter().map(|s| s.width()).sum::<usize>()
                - named.last().map_or(0, |s| s.width());
            title_parts(state, theme, Title::Short(room.saturating_sub(rest)))
        });
    let mut spans = text::fit_spans(left, room);
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let fill = width.saturating_sub(used + text::width(position));
    if fill > 0 {
        spans.push(Span::styled(format!(" {}", "─".repeat(fill - 1)), edge));
    }
    spans.push(Span::styled(position.to_string(), theme.muted));
    Line::from(text::fit_spans(spans, width))
}

#[derive(Clone, Copy, PartialEq)]
enum Title {
    /// Everything, with the names of missing fields.
    Full,
    /// "4/5", status only when not open.
    Compact,
    /// The id, the verdict and the customer: what says which handoff this
    /// is, whatever else is left out.
    Named,
    /// Named, the customer's name shortened to fit this many cells.
    Short(usize),
}

fn title_parts(state: &State, theme: &Theme, form: Title) -> Vec<Span<'static>> {
    let compact = form != Title::Full;
    let focused = state.focus == Focus::Detail;
    let marker = Span::styled(if focused { "▌" } else { " " }, theme.focus_border);
    let mut left: Vec<Span<'static>> = vec![marker];
    let Some(row) = state.selected() else {
        return left;
    };
    let sep = || Span::styled(" · ", theme.border);
    left.push(Span::styled(text::one_line(&row.id), theme.title));
    let star = if row.vip { "★ " } else { "" };
    let name = match form {
        Title::Short(w) => text::short_name(
            &text::one_line(&row.customer),
            w.saturating_sub(text::width(star)),
        ),
        _ => text::one_line(&row.customer),
    };
    let customer = Span::styled(format!("{star}{name}"), theme.normal);
    if matches!(form, Title::Named | Title::Short(_)) {
        if let Some(verdict) = verdict_span(row.verdict, theme) {
            left.extend([sep(), verdict]);
        }
        left.extend([sep(), customer]);
        return left;
    }
    left.extend([sep(), customer]);
    // Compact titles name the status only when it is not the usual "open".
    if !compact || row.status != Status::Open {
        left.push(sep());
        let status_style = if row.status == Status::Resolved {
            theme.ok
        } else {
            theme.normal
        };
        left.push(Span::styled(row.status.as_str(), status_style));
    }
    left.push(sep());
    let score_style = if row.completeness >= 5 {
        theme.ok
    } else {
        theme.missing
    };
    let score = if compact {
        format!("{}/5", row.completeness)
    } else {
        format!("completeness {}/5", row.completeness)
    };
    left.push(Span::styled(score, score_style));
    if let Some(d) = state.selected_detail().filter(|_| !compact) {
        let missing = completeness::missing(&d.handoff.summary);
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|f| f.label()).collect();
            left.push(Span::styled(
                format!(" (missing: {})", names.join(", ")),
                theme.missing,
            ));
        }
    }
    if let Some(verdict) = verdict_span(row.verdict, theme) {
        left.extend([sep(), verdict]);
    }
    left
}

fn verdict_span(verdict: Option<Verdict>, theme: &Theme) -> Option<Span<'static>> {
    let v = verdict?;
    let style = match v {
        Verdict::Bad => theme.verdict_bad,
        Verdict::Good => theme.verdict_good,
    };
    Some(Span::styled(v.mark(), style))
}
