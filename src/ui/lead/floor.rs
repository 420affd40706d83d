//! The floor now: per team waiting, unassigned, oldest wait, SLA; per agent
//! load against capacity.

use ratatui::text::{Line, Span};

use super::chart;
use crate::domain::metrics::{Dashboard, TeamStatus};
use crate::domain::queue::short_duration;
use crate::ui::theme::Theme;
use crate::view::text;

/// The team table's width with the last hour and day columns; narrower
/// screens leave them out.
const TEAMS_WIDE: usize = 70;

fn team_line(t: &TeamStatus, theme: &Theme, bold: bool, wide: bool) -> Line<'static> {
    let oldest = t
        .oldest_wait_seconds
        .map(short_duration)
        .unwrap_or_else(|| "—".into());
    let style = if bold { theme.heading } else { theme.normal };
    let breached = if t.sla_breached > 0 {
        Span::styled(
            format!("{:>9}", format!("✖ {}", t.sla_breached)),
            theme.breached,
        )
    } else {
        Span::styled(format!("{:>9}", 0), theme.muted)
    };
    let at_risk = if t.sla_at_risk > 0 {
        Span::styled(
            format!("{:>8}", format!("▲ {}", t.sla_at_risk)),
            theme.at_risk,
        )
    } else {
        Span::styled(format!("{:>8}", 0), theme.muted)
    };
    let mut spans = vec![
        Span::styled(format!(" {}", text::pad(&t.team, 13)), style),
        Span::styled(
            format!("{:>8}{:>11}{:>8}", t.waiting, t.unassigned, oldest),
            style,
        ),
        breached,
        at_risk,
    ];
    if wide {
        spans.push(Span::styled(
            format!("{:>6}{:>6}", t.escalated_last_hour, t.escalated_last_day),
            style,
        ));
    }
    Line::from(spans)
}

pub fn lines(d: &Dashboard, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let s = &d.status;
    let wide = width >= TEAMS_WIDE;
    let mut out = vec![
        Line::from(vec![
            Span::styled(" THE FLOOR", theme.heading),
            Span::styled(
                format!(
                    " · {} waiting · {} unassigned · {} breaching · at {}",
                    s.total.waiting,
                    s.total.unassigned,
                    s.total.sla_breached,
                    d.at.format("%H:%M")
                ),
                theme.muted,
            ),
        ]),
        Line::raw(""),
        Line::styled(
            if wide {
                " TEAM          WAITING UNASSIGNED  OLDEST BREACHED AT RISK    1H   24H"
            } else {
                " TEAM          WAITING UNASSIGNED  OLDEST BREACHED AT RISK"
            },
            theme.muted,
        ),
    ];
    out.extend(s.teams.iter().map(|t| team_line(t, theme, false, wide)));
    out.push(team_line(&s.total, theme, true, wide));

    out.push(Line::raw(""));
    out.push(Line::styled(" WAITING BY TEAM", theme.heading));
    let load: Vec<(String, u64)> = s
        .teams
        .iter()
        .map(|t| (t.team.clone(), t.waiting))
        .collect();
    out.extend(chart::bars(&load, 13, width, theme.high, theme.normal));

    out.push(Line::raw(""));
    // Agent, open / capacity, verdicts, then the load bar in what is left
    // (18 cells at most, room kept for " over").
    let bar_w = width.saturating_sub(1 + 19 + 12 + 12 + 6).clamp(4, 18);
    out.push(Line::styled(
        " AGENT               OPEN / CAP  VERDICTS 7d LOAD",
        theme.muted,
    ));
    for a in &s.agents {
        let cap = a.capacity.map_or("—".to_string(), |c| c.to_string());
        let max = u64::from(a.capacity.unwrap_or(1))
            .max(a.open_assigned)
            .max(1);
        let load = chart::bar(a.open_assigned, max, bar_w);
        let (flag, style) = if a.over_capacity() {
            (" over", theme.breached)
        } else {
            ("", theme.ok)
        };
        out.push(Line::from(vec![
            Span::styled(format!(" {}", text::pad(&a.agent, 19)), theme.normal),
            Span::raw(format!("{:>5} / {:<4} ", a.open_assigned, cap)),
            Span::raw(format!("{:>8}    ", a.verdicts_given)),
            Span::styled(format!("{load}{flag}"), style),
        ]));
    }
    out
}
