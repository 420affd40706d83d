//! `handoff queue`: the routed queue in the order the screen shows it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::output::{Failure, print, to_json};
use crate::domain::filter::{self, Query, Viewer};
use crate::domain::queue::{self, QueueRow, Rows, Section, SlaState};
use crate::domain::routing::{self, Route};
use crate::domain::sanitize::pad;
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which section: mine, unassigned (your teams'), all, bot_held (the AI
    /// still has them), or the name of a section in the config file
    #[arg(long, value_name = "NAME", default_value = "mine")]
    section: String,
    /// Only handoffs matching this filter, e.g. "priority:urgent sla:breached"
    #[arg(long, value_name = "QUERY")]
    filter: Option<String>,
    /// At most this many handoffs
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Print JSON (an array, most urgent first) instead of a table
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Item<'a> {
    #[serde(flatten)]
    row: &'a QueueRow,
    sla: SlaState,
    clock: String,
    routed_to: Option<&'a str>,
}

/// The rows of `section` for `me` in the order the screen shows them
/// (urgency; with words in `query`, the best match first), with routing.
pub fn routed_queue(
    ws: &Workspace,
    section: &Section,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<(Vec<QueueRow>, HashMap<String, Route>), Failure> {
    let rows = Rows::from(ws.store.queue_rows()?);
    let agents = ws.store.agents()?;
    let teams = agents
        .iter()
        .find(|a| a.name == ws.agent)
        .map(|a| a.teams.clone())
        .unwrap_or_default();
    let mut order: Vec<u32> = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
    queue::sort_order(&mut order, &rows, now);
    let routes = routing::route_all(order.iter().filter_map(|&i| rows.get(i as usize)), &agents);
    let me = Viewer::new(&ws.agent, &teams);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shown = filter::matching(query, &rows, &order, me, now, threads, &|| false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| rows.get(i))
        .filter(|r| section.contains(r, me, now))
        .cloned()
        .collect();
    Ok((shown, routes))
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let ws = Workspace::open(opts, true, now)?;
    let query = Query::parse(args.filter.as_deref().unwrap_or(""))
        .map_err(|e| Failure::usage(format!("--filter: {e}")))?;
    let sections = match &ws.desk {
        Some(desk) => desk.sections(ws.config.sections(), &ws.store),
        None => ws.config.sections(),
    };
    let section = Section::find(&sections, &args.section).ok_or_else(|| {
        let names: Vec<String> = sections.iter().map(|s| format!("\"{}\"", s.name)).collect();
        Failure::usage(format!(
            "--section: no section `{}` (sections: {}; or mine, unassigned, all, bot_held)",
            args.section,
            names.join(", ")
        ))
    })?;
    let (mut rows, routes) = routed_queue(&ws, &section, &query, now)?;
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    let route_of = |r: &QueueRow| match routes.get(&r.id) {
        Some(Route::To(name)) => Some(name.as_str()),
        _ => None,
    };
    if args.json {
        let items: Vec<Item> = rows
            .iter()
            .map(|r| Item {
                row: r,
                sla: r.sla(now),
                clock: queue::clock(r.due_at, now),
                routed_to: route_of(r),
            })
            .collect();
        return print(&to_json(&items)?);
    }
    let mut out = format!(
        "{} {} — {} · {} handoff{}\n",
        "queue:",
        section.name,
        ws.agent,
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    // The screen's column names and glyphs (`✖` breached, `▲` at risk,
    // `★` VIP, `→` who routing picks, `✓ good` / `✗ bad`), plus the id.
    out.push_str("SLA      PRI  ID          CUSTOMER              ISSUE                                     TEAM        WHO           CONF CMP VERDICT\n");
    for r in &rows {
        let who = match (&r.assignee, route_of(r)) {
            (Some(a), _) => a.to_string(),
            (None, Some(to)) => format!("→ {to}"),
            (None, None) => "—".into(),
        };
        let star = if r.vip { "★ " } else { "" };
        let line = format!(
            "{} {} {} {} {} {} {} {} {} {}/5 {}",
            r.sla(now).glyph(),
            pad(&queue::clock(r.due_at, now), 6),
            pad(r.priority.short(), 4),
            pad(&r.id, 11),
            pad(&format!("{star}{}", r.customer), 21),
            pad(r.issue.as_deref().unwrap_or("(no issue stated)"), 41),
            pad(r.team.as_deref().unwrap_or("—"), 11),
            pad(&who, 13),
            pad(
                &r.confidence
                    .map(|c| format!("{:.0}%", c * 100.0))
                    .unwrap_or_else(|| "—".into()),
                4
            ),
            r.completeness,
            r.verdict.map(|v| v.mark()).unwrap_or(""),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    print(&out)
}
