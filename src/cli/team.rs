//! `handoff team ID... --to TEAM`: the same store write the `T` key makes
//! (one per handoff, each with its activity record and, for a helpdesk's
//! handoff, its outbox row); `--list` prints the teams the workspace knows.

use chrono::Utc;

use super::output::{Failure, print};
use crate::store::StoreError;
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The handoffs to move
    ids: Vec<String>,
    /// The team to move them to (one the workspace knows: see --list)
    #[arg(long, value_name = "TEAM", conflicts_with_all = ["none", "list"])]
    to: Option<String>,
    /// Take them out of any team
    #[arg(long, conflicts_with = "list")]
    none: bool,
    /// Print the teams the workspace knows (agents', handoffs', the helpdesk's), one a line
    #[arg(long)]
    list: bool,
}

impl Args {
    /// Only reading: allowed with --read-only.
    pub fn lists(&self) -> bool {
        self.list
    }
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, true, now)?;
    let known = ws.store.teams()?;
    if args.list {
        let mut out = known.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        return print(&out);
    }
    if args.ids.is_empty() {
        return Err(Failure::usage("name at least one handoff to move"));
    }
    let team = match (&args.to, args.none) {
        (Some(name), false) => Some(
            // The known spelling, so the helpdesk finds the team by name.
            known
                .iter()
                .find(|t| t.eq_ignore_ascii_case(name.trim()))
                .cloned()
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "no team called '{name}'; known: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ))
                })?,
        ),
        (None, true) => None,
        _ => return Err(Failure::usage("say where to: --to TEAM or --none")),
    };
    // Every id is checked before anything is written.
    let mut ids = Vec::with_capacity(args.ids.len());
    let mut from = Vec::with_capacity(args.ids.len());
    for typed in &args.ids {
        let id = super::ids::resolve(&ws.store, typed)?;
        let h = ws
            .store
            .handoff(&id)?
            .ok_or_else(|| StoreError::NotFound(id.clone()))?;
        from.push(h.routing.team);
        ids.push(id);
    }
    let agent = ws.agent.clone();
    let mut out = String::new();
    for (id, was) in ids.iter().zip(from) {
        let same = match (&was, &team) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        if same {
            out.push_str(&format!("{id}: already in {}\n", describe(&team)));
            continue;
        }
        ws.store.assign_team(id, team.as_deref(), &agent, now)?;
        out.push_str(&format!(
            "{id}: moved to {} (was {})\n",
            describe(&team),
            describe(&was)
        ));
    }
    print(&out)
}

fn describe(team: &Option<String>) -> String {
    team.clone().unwrap_or_else(|| "no team".to_string())
}
