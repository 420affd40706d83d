//! `handoff outbox`: verdict events the webhook has not acknowledged, and
//! `--retry` to send them now with the same code the workspace uses.

use chrono::{DateTime, Utc};
use serde_json::json;

use std::sync::Arc;

use super::output::{Failure, print, to_json};
use crate::domain::sanitize::{clean_line, pad};
use crate::outbox::worker::{Deliverer, Webhook};
use crate::outbox::{Outcome, Report};
use crate::store::OutboxRow;
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Put failed deliveries back and send everything waiting now; exits 1
    /// unless every event was delivered
    #[arg(long)]
    retry: bool,
    /// Print JSON for scripts instead of a table
    #[arg(long)]
    json: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    if args.retry && opts.read_only {
        return Err(Failure::usage(
            "--read-only: 'outbox --retry' changes the workspace",
        ));
    }
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    let mut pass = None;
    if args.retry {
        let to = destinations(&ws)?;
        if to.is_empty() {
            return Err(Failure::config(format!(
                "{}: no [webhook] table and no helpdesk ([backend] kind), so there is nowhere \
                 to deliver to",
                ws.paths.config.display()
            )));
        }
        let revived = ws.store.outbox_retry(now)?;
        let runtime = super::output::runtime()?;
        let mut report = Report::default();
        // The webhook's verdicts and the helpdesk's changes wait in the same
        // outbox, each under its own destination.
        for d in to {
            let more = runtime.block_on(d.deliver(&mut ws.store, now))?;
            report.attempts.extend(more.attempts);
            report.paused_until = report.paused_until.or(more.paused_until);
        }
        pass = Some((revived, report));
    }
    let rows = ws.store.outbox_unsent()?;
    // Where changes go from here, as the config file says.
    let mut going_to: Vec<&str> = Vec::new();
    if ws.config.webhook.is_some() {
        going_to.push(crate::outbox::WEBHOOK);
    }
    going_to.extend(ws.desk.as_ref().map(|d| d.name()));
    if args.json {
        print(&to_json(&json!({
            "destinations": going_to,
            "pass": pass.as_ref().map(|(revived, r)| pass_json(*revived, r)),
            "unsent": rows,
        }))?)?;
    } else {
        let mut out = String::new();
        if let Some((revived, report)) = &pass {
            out.push_str(&pass_text(*revived, report));
        }
        out.push_str(&table(&rows));
        if going_to.is_empty() {
            out.push_str(
                "No webhook and no helpdesk are configured, so verdicts stay in this store. \
                 README: \"Sending verdicts out\" and \"Working a helpdesk\" say how.\n",
            );
        }
        print(&out)?;
    }
    let failed = rows.iter().filter(|r| r.state == "failed").count();
    match (args.retry, failed, rows.len()) {
        (true, f, _) if f > 0 => Err(Failure::runtime(format!(
            "{f} change(s) refused where they were sent"
        ))),
        (true, _, n) if n > 0 => Err(Failure::runtime(format!("{n} event(s) not delivered yet"))),
        _ => Ok(()),
    }
}

/// Where this workspace's outbox rows go: the webhook, the helpdesk.
fn destinations(ws: &Workspace) -> Result<Vec<Arc<dyn Deliverer>>, Failure> {
    let mut to: Vec<Arc<dyn Deliverer>> = Vec::new();
    if let Some(cfg) = ws.config.webhook.clone() {
        to.push(Arc::new(Webhook::new(cfg).map_err(Failure::runtime)?));
    }
    if let Some(desk) = &ws.desk {
        let helpdesk = desk.connect().map_err(|e| Failure::config(e.to_string()))?;
        to.push(Arc::new(crate::backend::task::Outbox {
            name: desk.name(),
            label: desk.label(),
            helpdesk,
        }));
    }
    Ok(to)
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

fn pass_text(revived: usize, report: &Report) -> String {
    let mut out = String::new();
    if revived > 0 {
        out.push_str(&format!(
            "{revived} failed event(s) put back in the queue\n"
        ));
    }
    for a in &report.attempts {
        let what = match &a.outcome {
            Outcome::Sent { status } => format!("delivered ({status})"),
            Outcome::Retry { error, at } => format!("will retry at {}: {error}", when(*at)),
            Outcome::Failed { error } => format!("refused: {error}"),
        };
        out.push_str(&format!(
            "#{} {} {}: {}\n",
            a.id,
            clean_line(&a.handoff_id),
            a.kind,
            what
        ));
    }
    out.push_str(&format!(
        "{} delivered, {} to retry, {} refused\n\n",
        report.sent(),
        report.retrying(),
        report.failed()
    ));
    out
}

fn pass_json(revived: usize, report: &Report) -> serde_json::Value {
    let attempts: Vec<_> = report
        .attempts
        .iter()
        .map(|a| {
            let (outcome, status, error, next) = match &a.outcome {
                Outcome::Sent { status } => ("delivered", Some(*status), None, None),
                Outcome::Retry { error, at } => ("retry", None, Some(error), Some(*at)),
                Outcome::Failed { error } => ("refused", None, Some(error), None),
            };
            json!({
                "id": a.id, "handoff_id": a.handoff_id, "kind": a.kind, "outcome": outcome,
                "status": status, "error": error, "next_attempt_at": next,
            })
        })
        .collect();
    json!({ "revived": revived, "attempts": attempts })
}

fn table(rows: &[OutboxRow]) -> String {
    if rows.is_empty() {
        return "Nothing waiting: every change was delivered.\n".into();
    }
    let mut out = format!(
        "{}{}{}{}{}{}LAST ERROR\n",
        pad("ID", 7),
        pad("HANDOFF", 12),
        pad("TYPE", 27),
        pad("STATE", 9),
        pad("TRIES", 7),
        pad("NEXT ATTEMPT", 22),
    );
    for r in rows {
        let next = if r.state == "failed" {
            "after --retry".to_string()
        } else {
            when(r.next_attempt_at)
        };
        out.push_str(&format!(
            "{}{}{}{}{}{}{}\n",
            pad(&r.id.to_string(), 7),
            pad(&clean_line(&r.handoff_id), 12),
            pad(&r.kind, 27),
            pad(&r.state, 9),
            pad(&r.attempts.to_string(), 7),
            pad(&next, 22),
            clean_line(r.last_error.as_deref().unwrap_or("")),
        ));
    }
    out
}
