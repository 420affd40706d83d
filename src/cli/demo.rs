//! `handoff demo`: the demo workspace, or many generated handoffs.

use chrono::Utc;

use super::output::{Failure, print};
use crate::workspace::{History, Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Delete everything in the data dir's store first (verdicts and drafts too)
    #[arg(long)]
    reset: bool,
    /// Generate this many realistic handoffs instead of the hand-written demo
    /// (0 with --reset: an empty store, for your own data)
    #[arg(long, value_name = "N")]
    count: Option<usize>,
    /// Leave out the demo team's eight weeks of history: only the live
    /// handoffs, no verdicts (a clean slate for trying verdicts and stats)
    #[arg(long, conflicts_with = "count")]
    no_history: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    if args.reset {
        ws.store.clear()?;
    }
    let history = if args.no_history {
        History::Never
    } else {
        History::Now
    };
    let report = ws.seed(args.count, history, now)?;
    // Unless someone said otherwise, the demo is worked as its own agent.
    let me = if ws.agent_guessed {
        crate::domain::demo::DEFAULT_AGENT
    } else {
        ws.agent.as_str()
    };
    print(&format!(
        "demo workspace in {}: {} new, {} updated handoffs; you are {me}\n",
        ws.paths.data_dir.display(),
        report.inserted,
        report.updated,
    ))
}
