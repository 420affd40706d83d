//! `handoff sync`: one refresh from the helpdesk in the foreground: first
//! send the agent's waiting changes, then pull, and print what happened.

use chrono::Utc;
use serde_json::json;

use super::output::{Failure, print, to_json};
use crate::backend::{self, SyncReport};
use crate::domain::sanitize::clean_line;
use crate::outbox::{Outcome, Report};
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Page through every queue instead of asking for what changed since the last sync
    #[arg(long)]
    full: bool,
    /// Print JSON for scripts
    #[arg(long)]
    json: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    let _log = super::init_logging(&ws.paths.log);
    let desk = ws.desk.clone().ok_or_else(|| {
        Failure::config(format!(
            "{}: [backend] kind is \"local\", so there is nothing to sync \
             (helpdesks: {}; see README: Working a helpdesk)",
            ws.paths.config.display(),
            backend::registry::names().join(", ")
        ))
    })?;
    let helpdesk = desk.connect().map_err(|e| Failure::config(e.to_string()))?;
    let runtime = super::output::runtime()?;
    let (sent, refreshed) = runtime.block_on(async {
        let sent = helpdesk.deliver(&mut ws.store, now).await;
        let refreshed =
            backend::sync::refresh(&desk, &*helpdesk, &mut ws.store, args.full, Utc::now()).await;
        (sent, refreshed)
    });
    let sent = sent.map_err(|e| Failure::runtime(e.to_string()))?;
    let report = refreshed.map_err(|e| {
        tracing::warn!(error = %e, "sync failed");
        Failure::runtime(format!("sync failed, nothing written: {e}"))
    })?;
    if args.json {
        return print(&to_json(
            &json!({ "sync": report, "sent": sent_json(&sent) }),
        )?);
    }
    print(&text(desk.label(), &report, &sent))
}

fn text(label: &str, r: &SyncReport, sent: &Report) -> String {
    let mut out = String::new();
    if !sent.attempts.is_empty() {
        out.push_str(&format!(
            "Sent {} change(s) to {label}, {} to retry, {} refused\n",
            sent.sent(),
            sent.retrying(),
            sent.failed()
        ));
        for a in &sent.attempts {
            if let Outcome::Retry { error, .. } | Outcome::Failed { error } = &a.outcome {
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    clean_line(&a.handoff_id),
                    a.kind,
                    error
                ));
            }
        }
    }
    out.push_str(&format!(
        "Synced from {label} as {} ({}): {} new, {} updated, {} unchanged, {} held, {} skipped\n",
        r.me,
        if r.incremental {
            "changes since the last sync"
        } else {
            "full"
        },
        r.new,
        r.updated,
        r.unchanged,
        r.held,
        r.skipped,
    ));
    if r.held > 0 {
        out.push_str("  held: your changes to them are still on the way out\n");
    }
    for w in &r.warnings {
        out.push_str(&format!("  warning: {}\n", clean_line(w)));
    }
    out
}

fn sent_json(r: &Report) -> serde_json::Value {
    json!({ "sent": r.sent(), "retrying": r.retrying(), "refused": r.failed() })
}
