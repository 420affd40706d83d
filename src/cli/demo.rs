//! `handoff demo`: the demo workspace, or many generated handoffs.

use chrono::Utc;

use super::output::{Failure, print};
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Delete everything in the data dir's store first (verdicts and drafts too)
    #[arg(long)]
    reset: bool,
    /// Generate this many realistic handoffs instead of the hand-written demo
    /// (0 with --reset: an empty store, for your own data)
    #[arg(long, value_name = "N")]
    count: Option<usize>,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    if args.reset {
        ws.store.clear()?;
    }
    let report = ws.seed_demo(args.count, now)?;
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
