//! `handoff tag ID bad|good|clear`: the same store write the b and g keys
//! (and `u` on a verdict) make.

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
    /// Withdraw the verdict given before (as `u` does in the workspace)
    Clear,
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
        VerdictArg::Clear => return clear(opts, &args),
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
    let sent = send_now(&mut ws, &id)?;
    print(&format!(
        "{id}: {} handoff recorded{sent}\n",
        verdict.as_str()
    ))
}

/// On a helpdesk workspace, send the handoff's change to the helpdesk now
/// (there is no reason or note left to wait for), and say where it stands:
/// "; sent to Chatwoot", or why it waits in the outbox.
fn send_now(ws: &mut Workspace, id: &str) -> Result<String, Failure> {
    let Some(desk) = ws.desk.clone() else {
        return Ok(String::new());
    };
    let now = Utc::now();
    if ws.store.outbox_hurry(id, desk.name(), now)? == 0 {
        // Not mirrored from the helpdesk (an imported handoff): nothing to send.
        return Ok(String::new());
    }
    let waits = |why: &str| {
        format!(
            "; waits in the outbox for {}: {} (`handoff outbox --retry` sends it)",
            desk.label(),
            sanitize::clean_line(why)
        )
    };
    let helpdesk = match desk.connect() {
        Ok(h) => h,
        Err(e) => return Ok(waits(&e.to_string())),
    };
    let runtime = super::output::runtime()?;
    runtime.block_on(helpdesk.deliver(&mut ws.store, now))?;
    let left: Vec<_> = ws
        .store
        .outbox_unsent()?
        .into_iter()
        .filter(|r| r.handoff_id == id && r.destination == desk.name())
        .collect();
    Ok(match left.first() {
        None => format!("; sent to {}", desk.label()),
        Some(row) => match &row.last_error {
            Some(e) => waits(&format!(
                "{e}; next try {}",
                row.next_attempt_at.format("%H:%M:%S UTC")
            )),
            None => waits("not tried yet"),
        },
    })
}

/// Withdraw the handoff's verdict, if it has one.
fn clear(opts: &Options, args: &Args) -> Result<(), Failure> {
    if !args.reasons.is_empty() || args.note.is_some() {
        return Err(Failure::usage(
            "--reason and --note go with bad or good, not clear",
        ));
    }
    let now = Utc::now();
    let mut ws = Workspace::open(opts, true, now)?;
    let id = super::ids::resolve(&ws.store, &args.id)?;
    if ws.store.feedback(&id)?.is_none() {
        return print(&format!("{id}: no verdict to withdraw\n"));
    }
    let agent = ws.agent.clone();
    ws.store.set_feedback(&id, None, &agent, now)?;
    let sent = send_now(&mut ws, &id)?;
    print(&format!("{id}: verdict withdrawn{sent}\n"))
}
