//! `handoff tag ID bad|good`: the same store write the b and g keys make.

use chrono::Utc;

use super::output::{Failure, print};
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::sanitize;
use crate::workspace::{Options, Workspace};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum VerdictArg {
    /// The AI should not have escalated, or handed over badly
    Bad,
    /// Rightly escalated with a usable note
    Good,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The handoff's id
    id: String,
    #[arg(value_enum)]
    verdict: VerdictArg,
    /// Why it was bad (repeatable): ai_could_resolve, wrong_data, wrong_questions,
    /// inaccurate_summary, misrouted, too_late, other
    #[arg(long = "reason", value_name = "REASON")]
    reasons: Vec<String>,
    /// A note for the people who tune the AI
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let verdict = match args.verdict {
        VerdictArg::Bad => Verdict::Bad,
        VerdictArg::Good => Verdict::Good,
    };
    let mut reasons = Vec::new();
    for r in &args.reasons {
        let reason = Reason::parse(r).ok_or_else(|| {
            let names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
            Failure::usage(format!(
                "--reason: '{r}' is not one of {}",
                names.join(", ")
            ))
        })?;
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if verdict == Verdict::Good && !reasons.is_empty() {
        return Err(Failure::usage("--reason applies to bad handoffs only"));
    }
    let now = Utc::now();
    let mut ws = Workspace::open(opts, true, now)?;
    let id = super::ids::resolve(&ws.store, &args.id)?;
    let note = args
        .note
        .as_deref()
        .map(sanitize::clean)
        .filter(|n| !n.trim().is_empty());
    let feedback = Feedback {
        handoff_id: id.clone(),
        verdict,
        reasons,
        note,
        agent: ws.agent.clone(),
        at: now,
    };
    let agent = ws.agent.clone();
    ws.store.set_feedback(&id, Some(&feedback), &agent, now)?;
    print(&format!("{}: {} handoff recorded\n", id, verdict.as_str()))
}
