//! Handoff quality: every figure with its sample size against the previous
//! window, targets flagged, weekly trends and where bad handoffs come from.

use ratatui::text::{Line, Span};

use super::{chart, format};
use crate::domain::metrics::{APPROPRIATE_TARGET, COMPLETENESS_TARGET, Dashboard, Ratio, wording};
use crate::ui::theme::Theme;
use crate::view::text;

/// The figure table's width with the week before's column and the targets
/// written out; narrower screens show the change only.
const FIGURES_WIDE: usize = 86;

fn figure(
    name: &str,
    (now, before): (Ratio, Ratio),
    target: Option<u8>,
    theme: &Theme,
    wide: bool,
) -> Line<'static> {
    let below = target
        .zip(now.percent())
        .is_some_and(|(t, p)| p < f64::from(t));
    // Narrow: a little tighter, no week before, "⚠" without "below" (60
    // columns in all).
    let (name_w, value_w, change_w) = if wide { (24, 16, 10) } else { (23, 15, 9) };
    let mut spans = vec![
        Span::styled(format!(" {}", text::pad(name, name_w)), theme.normal),
        Span::styled(
            text::pad(&format::ratio(now), value_w),
            if below { theme.breached } else { theme.heading },
        ),
    ];
    if wide {
        spans.push(Span::styled(
            text::pad(&format::ratio(before), value_w),
            theme.muted,
        ));
    }
    spans.push(Span::raw(text::pad(&format::change(now, before), change_w)));
    if let Some(t) = target {
        let flag = match (below, wide) {
            (false, _) => "",
            (true, true) => " ⚠ below",
            (true, false) => " ⚠",
        };
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
    let wide = width >= FIGURES_WIDE;
    let fig = |name: &str, pair: (Ratio, Ratio), target: Option<u8>| {
        figure(name, pair, target, theme, wide)
    };
    let mut out = vec![Line::from(vec![
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
    ])];
    if d.demo {
        out.push(Line::styled(
            format!(" {}", wording::DEMO_SOURCE),
            theme.muted,
        ));
    }
    out.extend([
        Line::raw(""),
        Line::styled(
            if wide {
                " FIGURE                  THIS WEEK       WEEK BEFORE     CHANGE    TARGET"
            } else {
                " FIGURE                 THIS WEEK      CHANGE   TARGET"
            },
            theme.muted,
        ),
        fig(
            "completeness",
            (c.completeness, p.completeness),
            Some(COMPLETENESS_TARGET),
        ),
        fig(
            "appropriate escalation",
            (c.appropriate_escalation, p.appropriate_escalation),
            Some(APPROPRIATE_TARGET),
        ),
        fig(
            "unnecessary escalation",
            (c.unnecessary_escalation, p.unnecessary_escalation),
            None,
        ),
        fig(
            "verdict coverage",
            (c.verdict_coverage, p.verdict_coverage),
            None,
        ),
        fig("SLA breached", (c.sla_breached, p.sla_breached), None),
        fig(
            "first-touch resolution",
            (c.first_touch_resolution, p.first_touch_resolution),
            None,
        ),
        fig("reassigned", (c.reassigned, p.reassigned), None),
    ]);
    for (name, now, before) in [
        ("first human response", c.first_response, p.first_response),
        ("handle time", c.handle_time, p.handle_time),
    ] {
        let now = format::distribution(now);
        let was = format!("was {}", format::distribution(before));
        let head = vec![
            Span::styled(format!(" {}", text::pad(name, 24)), theme.normal),
            Span::styled(now.clone(), theme.heading),
        ];
        // Beside the figure when it fits, else under it.
        if 25 + text::width(&now) + 2 + text::width(&was) <= width {
            let mut spans = head;
            spans.push(Span::styled(format!("  {was}"), theme.muted));
            out.push(Line::from(spans));
        } else {
            out.push(Line::from(head));
            out.push(Line::styled(
                format!("{}{was}", " ".repeat(25)),
                theme.muted,
            ));
        }
    }
    out.extend([
        Line::raw(""),
        Line::styled(
            format!(" TRENDS · {} weeks, oldest → this week", d.weeks.len()),
            theme.heading,
        ),
    ]);
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
    let labels: [fn(&str) -> &str; 3] = [wording::reason_label, |k| k, wording::trigger_label];
    for ((title, counts), label) in [
        ("BAD HANDOFFS BY REASON", &c.bad_by_reason),
        ("BY AI PROCEDURE", &c.bad_by_procedure),
        ("BY TRIGGER", &c.bad_by_trigger),
    ]
    .into_iter()
    .zip(labels)
    {
        out.push(Line::raw(""));
        out.push(Line::styled(format!(" {title}"), theme.heading));
        if counts.is_empty() {
            out.push(Line::styled(" none flagged this week", theme.muted));
        }
        let items: Vec<(String, u64)> = counts
            .iter()
            .map(|c| (label(&c.key).to_string(), c.count))
            .collect();
        // As wide as the longest label, leaving room for a bar.
        let longest = items.iter().map(|(l, _)| text::width(l)).max().unwrap_or(0);
        let label_w = (longest + 1).clamp(24, width.saturating_sub(20).max(24));
        out.extend(chart::bars(
            &items,
            label_w,
            width,
            theme.verdict_bad,
            theme.normal,
        ));
    }
    out
}
