//! The weekly review: bad handoffs grouped by reason × AI procedure, largest
//! cluster first, each with what the agents said.

use ratatui::text::{Line, Span};

use super::format;
use crate::domain::metrics::Dashboard;
use crate::ui::text;
use crate::ui::theme::Theme;

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
                    format::count_change(r.flagged, r.previous_flagged),
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
                format::count_change(c.count, c.previous),
                c.previous
            )),
        ]));
        for h in &c.handoffs {
            let conf = h
                .confidence
                .map_or("—".to_string(), |v| format!("{:.0}%", v * 100.0));
            let trigger = h.trigger.map_or("—", |t| t.as_str());
            let issue = h.issue.as_deref().unwrap_or("(no issue stated)");
            out.push(Line::from(vec![
                Span::styled(format!("      {} ", text::pad(&h.id, 10)), theme.key),
                Span::raw(text::cut(issue, width.saturating_sub(50).max(10))),
                Span::styled(
                    format!("  {trigger} · conf {conf} · {}", h.agent),
                    theme.muted,
                ),
            ]));
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
