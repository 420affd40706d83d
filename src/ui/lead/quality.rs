//! Handoff quality: every figure with its sample size against the previous
//! window, targets flagged, weekly trends and where bad handoffs come from.

use ratatui::text::{Line, Span};

use super::{chart, format};
use crate::domain::metrics::{APPROPRIATE_TARGET, COMPLETENESS_TARGET, Dashboard, Ratio};
use crate::ui::text;
use crate::ui::theme::Theme;

fn figure(
    name: &str,
    now: Ratio,
    before: Ratio,
    target: Option<u8>,
    theme: &Theme,
) -> Line<'static> {
    let below = target
        .zip(now.percent())
        .is_some_and(|(t, p)| p < f64::from(t));
    let mut spans = vec![
        Span::styled(format!(" {}", text::pad(name, 24)), theme.normal),
        Span::styled(
            text::pad(&format::ratio(now), 16),
            if below { theme.breached } else { theme.heading },
        ),
        Span::styled(text::pad(&format::ratio(before), 16), theme.muted),
        Span::raw(text::pad(&format::change(now, before), 10)),
    ];
    if let Some(t) = target {
        let flag = if below { " ⚠ below" } else { "" };
        spans.push(Span::styled(
            format!("target {t}%{flag}"),
            if below { theme.breached } else { theme.muted },
        ));
    }
    Line::from(spans)
}

pub fn lines(d: &Dashboard, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let q = &d.quality;
    let (c, p) = (&q.current, &q.previous);
    let mut out = vec![
        Line::from(vec![
            Span::styled(" HANDOFF QUALITY", theme.heading),
            Span::styled(
                format!(
                    " · {} to {} ({} handoffs) vs the week before ({})",
                    q.window.from.format("%b %d"),
                    q.window.to.format("%b %d"),
                    c.handoffs,
                    p.handoffs
                ),
                theme.muted,
            ),
        ]),
        Line::raw(""),
        Line::styled(
            " FIGURE                  THIS WEEK       WEEK BEFORE     CHANGE",
            theme.muted,
        ),
        figure(
            "completeness",
            c.completeness,
            p.completeness,
            Some(COMPLETENESS_TARGET),
            theme,
        ),
        figure(
            "appropriate escalation",
            c.appropriate_escalation,
            p.appropriate_escalation,
            Some(APPROPRIATE_TARGET),
            theme,
        ),
        figure(
            "unnecessary escalation",
            c.unnecessary_escalation,
            p.unnecessary_escalation,
            None,
            theme,
        ),
        figure(
            "verdict coverage",
            c.verdict_coverage,
            p.verdict_coverage,
            None,
            theme,
        ),
        figure("SLA breached", c.sla_breached, p.sla_breached, None, theme),
        figure(
            "first-touch resolution",
            c.first_touch_resolution,
            p.first_touch_resolution,
            None,
            theme,
        ),
        figure("reassigned", c.reassigned, p.reassigned, None, theme),
        Line::from(vec![
            Span::styled(" first human response    ", theme.normal),
            Span::styled(format::distribution(c.first_response), theme.heading),
            Span::styled(
                format!("  was {}", format::distribution(p.first_response)),
                theme.muted,
            ),
        ]),
        Line::from(vec![
            Span::styled(" handle time             ", theme.normal),
            Span::styled(format::distribution(c.handle_time), theme.heading),
            Span::styled(
                format!("  was {}", format::distribution(p.handle_time)),
                theme.muted,
            ),
        ]),
        Line::raw(""),
        Line::styled(
            format!(" TRENDS · {} weeks, oldest → this week", d.weeks.len()),
            theme.heading,
        ),
    ];
    let pct = |r: Ratio| r.value();
    let last = |f: &dyn Fn(&crate::domain::metrics::Week) -> String| {
        d.weeks.last().map(f).unwrap_or_default()
    };
    let appropriate: Vec<Option<f64>> = d.weeks.iter().map(|w| pct(w.appropriate)).collect();
    let complete: Vec<Option<f64>> = d.weeks.iter().map(|w| pct(w.completeness)).collect();
    let flagged: Vec<Option<f64>> = d.weeks.iter().map(|w| Some(w.flagged as f64)).collect();
    let max_flagged = d.weeks.iter().map(|w| w.flagged).max().unwrap_or(0) as f64;
    for (name, values, max, now) in [
        (
            "appropriate escalation",
            appropriate,
            1.0,
            last(&|w| format::ratio(w.appropriate)),
        ),
        (
            "completeness",
            complete,
            1.0,
            last(&|w| format::ratio(w.completeness)),
        ),
        (
            "flagged handoffs",
            flagged,
            max_flagged,
            last(&|w| w.flagged.to_string()),
        ),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!(" {}", text::pad(name, 24)), theme.normal),
            Span::styled(chart::sparkline(&values, max), theme.ok),
            Span::styled(format!("  {now}"), theme.muted),
        ]));
    }
    for (title, counts) in [
        ("BAD HANDOFFS BY REASON", &c.bad_by_reason),
        ("BY AI PROCEDURE", &c.bad_by_procedure),
        ("BY TRIGGER", &c.bad_by_trigger),
    ] {
        out.push(Line::raw(""));
        out.push(Line::styled(format!(" {title}"), theme.heading));
        if counts.is_empty() {
            out.push(Line::styled(" none flagged this week", theme.muted));
        }
        let items: Vec<(String, u64)> = counts.iter().map(|c| (c.key.clone(), c.count)).collect();
        out.extend(chart::bars(
            &items,
            24,
            width,
            theme.verdict_bad,
            theme.normal,
        ));
    }
    out
}
