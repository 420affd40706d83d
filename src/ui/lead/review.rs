//! The weekly review: bad handoffs grouped by reason × AI procedure, largest
//! cluster first, each with what the agents said.

use ratatui::text::{Line, Span};

use super::format;
use crate::domain::metrics::{Dashboard, wording};
use crate::ui::theme::Theme;
use crate::view::text;

pub fn lines(d: &Dashboard, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let r = &d.review;
    let mut out = vec![
        Line::from(vec![
            Span::styled(" WEEKLY REVIEW", theme.heading),
            Span::styled(
                format!(
                    " · {} to {} · {} flagged ({} vs {} the week before) · verdict coverage {}",
                    r.window.from.format("%b %d"),
                    r.window.to.format("%b %d"),
                    r.flagged,
                    wording::count_change(r.flagged, r.previous_flagged),
                    r.previous_flagged,
                    format::ratio(r.verdict_coverage)
                ),
                theme.muted,
            ),
        ]),
        Line::raw(""),
    ];
    if r.clusters.is_empty() {
        out.push(Line::styled(
            " No bad handoffs flagged in this window or the one before. Flag one with b in the queue.",
            theme.muted,
        ));
        return out;
    }
    for (i, c) in r.clusters.iter().enumerate() {
        let procedure = c.procedure.as_deref().unwrap_or("(no procedure)");
        out.push(Line::from(vec![
            Span::styled(format!(" {:>2}. ", i + 1), theme.muted),
            Span::styled(c.reason_label().to_string(), theme.verdict_bad),
            Span::styled(" × ", theme.muted),
            Span::styled(procedure.to_string(), theme.heading),
            Span::raw(format!(
                "   {}  ({} vs {})",
                c.count,
                wording::count_change(c.count, c.previous),
                c.previous
            )),
        ]));
        for h in &c.handoffs {
            let conf = h
                .confidence
                .map_or("—".to_string(), |v| format!("{:.0}%", v * 100.0));
            let trigger = h.trigger.map_or("—", |t| t.label());
            let issue = h.issue.as_deref().unwrap_or("(no issue stated)");
            // The whole issue, wrapped under itself, then why and who: on
            // its last line if it fits there, else on a line of its own.
            let mut lines = text::hanging(
                vec![Span::styled(
                    format!("      {} ", text::pad(&h.id, 10)),
                    theme.key,
                )],
                17,
                &[Span::raw(issue.to_string())],
                width,
            );
            let tail = format!("{trigger} · conf {conf} · {}", h.agent);
            match lines.last_mut() {
                Some(last) if last.width() + 2 + text::width(&tail) <= width => {
                    last.spans
                        .push(Span::styled(format!("  {tail}"), theme.muted));
                }
                _ => lines.push(Line::styled(
                    format!("{}{tail}", " ".repeat(17)),
                    theme.muted,
                )),
            }
            out.extend(lines);
            if let Some(note) = &h.note {
                let wrapped = text::wrap(&format!("“{note}”"), width.saturating_sub(18).max(10));
                for line in wrapped {
                    out.push(Line::styled(format!("                 {line}"), theme.info));
                }
            }
        }
    }
    out
}
