//! The floor now: per team waiting, unassigned, oldest wait, SLA; per agent
//! load against capacity.

use ratatui::text::{Line, Span};

use super::chart;
use crate::domain::metrics::{Dashboard, TeamStatus};
use crate::domain::queue::short_duration;
use crate::ui::text;
use crate::ui::theme::Theme;

fn team_line(t: &TeamStatus, theme: &Theme, bold: bool) -> Line<'static> {
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
    Line::from(vec![
        Span::styled(format!(" {}", text::pad(&t.team, 13)), style),
        Span::styled(
            format!("{:>8}{:>11}{:>8}", t.waiting, t.unassigned, oldest),
            style,
        ),
        breached,
        at_risk,
        Span::styled(
            format!("{:>6}{:>6}", t.escalated_last_hour, t.escalated_last_day),
            style,
        ),
    ])
}

pub fn lines(d: &Dashboard, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let s = &d.status;
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
            " TEAM          WAITING UNASSIGNED  OLDEST BREACHED AT RISK    1H   24H",
            theme.muted,
        ),
    ];
    out.extend(s.teams.iter().map(|t| team_line(t, theme, false)));
    out.push(team_line(&s.total, theme, true));

    out.push(Line::raw(""));
    out.push(Line::styled(" WAITING BY TEAM", theme.heading));
    let load: Vec<(String, u64)> = s
        .teams
        .iter()
        .map(|t| (t.team.clone(), t.waiting))
        .collect();
    out.extend(chart::bars(&load, 13, width, theme.high, theme.normal));

    out.push(Line::raw(""));
    out.push(Line::styled(
        " AGENT               OPEN / CAP  LOAD                    VERDICTS 7d",
        theme.muted,
    ));
    for a in &s.agents {
        let cap = a.capacity.map_or("—".to_string(), |c| c.to_string());
        let max = u64::from(a.capacity.unwrap_or(1))
            .max(a.open_assigned)
            .max(1);
        let load = chart::bar(a.open_assigned, max, 18);
        let (flag, style) = if a.over_capacity() {
            (" over", theme.breached)
        } else {
            ("", theme.ok)
        };
        out.push(Line::from(vec![
            Span::styled(format!(" {}", text::pad(&a.agent, 19)), theme.normal),
            Span::raw(format!("{:>5} / {:<4} ", a.open_assigned, cap)),
            Span::styled(text::pad(&format!("{load}{flag}"), 24), style),
            Span::raw(format!("{:>5}", a.verdicts_given)),
        ]));
    }
    out
}
