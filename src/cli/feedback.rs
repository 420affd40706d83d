//! `handoff feedback export`: every verdict in force, for the people who
//! tune the AI.

use chrono::Utc;
use serde_json::json;

use super::output::{Failure, print};
use crate::domain::duration;
use crate::store::FeedbackRecord;
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Export verdicts: one record per handoff with handoff_id, verdict,
    /// reasons, note, agent, at, procedure, procedure_version, trigger
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Jsonl,
    Csv,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Only verdicts given within this long, e.g. 24h, 7d, 2w
    #[arg(long, value_name = "DURATION")]
    since: Option<String>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
}

pub fn run(opts: &Options, cmd: Command) -> Result<(), Failure> {
    let Command::Export(args) = cmd;
    let now = Utc::now();
    let since = args
        .since
        .as_deref()
        .map(|s| duration::parse(s).map(|d| now - d))
        .transpose()
        .map_err(|e| Failure::usage(format!("--since: {e}")))?;
    let ws = Workspace::open(opts, true, now)?;
    let records = ws.store.feedback_export(since)?;
    let text = match args.format {
        Format::Jsonl => jsonl(&records),
        Format::Csv => csv(&records)?,
        Format::Markdown => markdown(&records),
    };
    print(&text)
}

fn reasons(r: &FeedbackRecord) -> Vec<&'static str> {
    r.reasons.iter().map(|x| x.as_str()).collect()
}

fn jsonl(records: &[FeedbackRecord]) -> String {
    let mut out = String::new();
    for r in records {
        let line = json!({
            "handoff_id": r.handoff_id,
            "verdict": r.verdict.as_str(),
            "reasons": reasons(r),
            "note": r.note,
            "agent": r.agent,
            "at": r.at.to_rfc3339(),
            "procedure": r.procedure,
            "procedure_version": r.procedure_version,
            "trigger": r.trigger,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn csv(records: &[FeedbackRecord]) -> Result<String, Failure> {
    super::output::csv_text(|w| {
        w.write_record([
            "handoff_id",
            "verdict",
            "reasons",
            "note",
            "agent",
            "at",
            "procedure",
            "procedure_version",
            "trigger",
        ])?;
        for r in records {
            w.write_record([
                r.handoff_id.as_str(),
                r.verdict.as_str(),
                &reasons(r).join(";"),
                r.note.as_deref().unwrap_or(""),
                &r.agent,
                &r.at.to_rfc3339(),
                r.procedure.as_deref().unwrap_or(""),
                r.procedure_version.as_deref().unwrap_or(""),
                r.trigger.as_deref().unwrap_or(""),
            ])?;
        }
        Ok(())
    })
}

/// Pipes and newlines would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(records: &[FeedbackRecord]) -> String {
    let mut out = String::from(
        "| handoff | verdict | reasons | note | agent | at | procedure | trigger |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in records {
        let procedure = match (&r.procedure, &r.procedure_version) {
            (Some(p), Some(v)) => format!("{p} {v}"),
            (Some(p), None) => p.clone(),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&r.handoff_id),
            r.verdict.as_str(),
            reasons(r).join(", "),
            cell(r.note.as_deref().unwrap_or("")),
            cell(&r.agent),
            r.at.format("%Y-%m-%d %H:%M"),
            cell(&procedure),
            r.trigger.as_deref().unwrap_or(""),
        ));
    }
    out
}
