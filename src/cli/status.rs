//! `handoff status`: the floor right now, per team and per agent.

use chrono::Utc;

use super::output::{Failure, print, to_json};
use super::stats::{minute, secs, window_arg};
use crate::domain::metrics::{self, AgentStatus, TeamStatus};
use crate::domain::sanitize::{clean_line, pad};
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Count each agent's verdicts given within this long, e.g. 24h, 7d
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    since: String,
    /// Print JSON for scripts instead of tables
    #[arg(long)]
    json: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let window = window_arg(&args.since, now)?;
    let ws = Workspace::open(opts, true, now)?;
    let rows = ws.store.queue_rows()?;
    let agents = ws.store.agents()?;
    let verdicts = ws.store.verdicts_since(window.from)?;
    let status = metrics::queue_status(&rows, &agents, &verdicts, window, now);
    if args.json {
        return print(&to_json(&status)?);
    }
    let mut out = format!("Queue status at {} UTC\n\n", minute(now));
    out.push_str(&format!(
        "{}{}{}{}{}{}{}{}\n",
        pad("TEAM", 16),
        pad("WAITING", 9),
        pad("UNASSIGNED", 12),
        pad("OLDEST", 9),
        pad("BREACHED", 10),
        pad("AT RISK", 9),
        pad("NEW 1H", 8),
        "NEW 24H"
    ));
    for t in status.teams.iter().chain(std::iter::once(&status.total)) {
        out.push_str(&team_line(t));
    }
    out.push_str(&format!(
        "\n{}{}{}TEAMS\n",
        pad("AGENT", 22),
        pad("OPEN / CAPACITY", 18),
        pad(&format!("VERDICTS {}", args.since.trim()), 14),
    ));
    for a in &status.agents {
        out.push_str(&agent_line(a));
    }
    if status.agents.is_empty() {
        out.push_str("no agents\n");
    }
    if status.agents.iter().any(|a| a.capacity.is_none()) {
        out.push_str("? = an assignee with no agent record (capacity unknown)\n");
    }
    print(&out)
}

fn team_line(t: &TeamStatus) -> String {
    // Glyphs as the queue uses them, so meaning never rests on colour.
    let flagged = |n: u64, glyph: &str| {
        if n > 0 {
            format!("{glyph}{n}")
        } else {
            "0".to_string()
        }
    };
    let line = format!(
        "{}{}{}{}{}{}{}{}",
        pad(&clean_line(&t.team), 16),
        pad(&t.waiting.to_string(), 9),
        pad(&t.unassigned.to_string(), 12),
        pad(&secs(t.oldest_wait_seconds), 9),
        pad(&flagged(t.sla_breached, "!"), 10),
        pad(&flagged(t.sla_at_risk, "▲"), 9),
        pad(&t.escalated_last_hour.to_string(), 8),
        t.escalated_last_day
    );
    format!("{}\n", line.trim_end())
}

fn agent_line(a: &AgentStatus) -> String {
    let load = match a.capacity {
        Some(c) if a.over_capacity() => format!("{} / {c} ⚠", a.open_assigned),
        Some(c) => format!("{} / {c}", a.open_assigned),
        None => format!("{} / ?", a.open_assigned),
    };
    let teams: Vec<String> = a.teams.iter().map(|t| clean_line(t)).collect();
    let line = format!(
        "{}{}{}{}",
        pad(&clean_line(&a.agent), 22),
        pad(&load, 18),
        pad(&a.verdicts_given.to_string(), 14),
        teams.join(", ")
    );
    format!("{}\n", line.trim_end())
}
