//! `handoff review`: the weekly review of bad handoffs, grouped by reason and
//! AI procedure, as Markdown to paste into a review doc, CSV, or JSON Lines.

use std::path::PathBuf;

use chrono::Utc;
use serde_json::json;

use super::output::{Failure, print};
use super::stats::{minute, span, window_arg};
use crate::domain::metrics::wording::count_change;
use crate::domain::metrics::{self, Cluster, Review, ReviewItem};
use crate::domain::sanitize::clean_line;
use crate::workspace::{Options, Workspace};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Csv,
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Window length ending now, e.g. 7d, 2w; compared with the same length before it
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    since: String,
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
    /// Write to this file (replacing it) instead of standard output; "-" is stdout
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let window = window_arg(&args.since, now)?;
    let ws = Workspace::open(opts, true, now)?;
    let inputs = ws.store.metric_inputs(window.previous().from)?;
    let review = metrics::review(&inputs, window);
    let text = match args.format {
        Format::Markdown => markdown(&review, args.since.trim()),
        Format::Csv => csv(&review)?,
        Format::Jsonl => jsonl(&review),
    };
    let Some(path) = args.out.filter(|p| p.as_os_str() != "-") else {
        return print(&text);
    };
    let existed = path.exists();
    std::fs::write(&path, &text)
        .map_err(|e| Failure::runtime(format!("--out {}: {e}", path.display())))?;
    eprintln!(
        "{} {}: {} flagged handoff{} in {} cluster{}",
        if existed { "replaced" } else { "wrote" },
        path.display(),
        review.flagged,
        if review.flagged == 1 { "" } else { "s" },
        review.clusters.len(),
        if review.clusters.len() == 1 { "" } else { "s" },
    );
    Ok(())
}

/// Escape Markdown inline syntax (emphasis, code, links, HTML) so text shows
/// as written; a pipe would end a table cell and a newline the row. Cells and
/// headings never start a line, so block syntax (#, -, >) is harmless.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean_line(text).chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// RFC 3339 to the second: what a reader or a spreadsheet wants.
fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn procedure(c: &Cluster) -> String {
    c.procedure
        .as_deref()
        .unwrap_or("(no procedure)")
        .to_string()
}

fn confidence(item: &ReviewItem) -> String {
    item.confidence
        .map(|c| format!("{:.0}%", c * 100.0))
        .unwrap_or_default()
}

fn reasons(item: &ReviewItem, sep: &str, label: bool) -> String {
    let names: Vec<&str> = item
        .reasons
        .iter()
        .map(|r| if label { r.label() } else { r.as_str() })
        .collect();
    names.join(sep)
}

fn markdown(r: &Review, since: &str) -> String {
    let mut out = format!(
        "# Handoff review: {} to {}\n\n",
        r.window.from.format("%Y-%m-%d"),
        r.window.to.format("%Y-%m-%d")
    );
    out.push_str(&format!(
        "Handoffs escalated {} (last {since}), compared with the {since} before.\n\n",
        span(r.window)
    ));
    out.push_str(&format!(
        "- **{}** handoff{} flagged bad (previous window: {}, {})\n",
        r.flagged,
        if r.flagged == 1 { "" } else { "s" },
        r.previous_flagged,
        count_change(r.flagged, r.previous_flagged)
    ));
    out.push_str(&format!(
        "- {} handoffs escalated; verdicts on {}: the fewer judged, the less these clusters say about the rest\n",
        r.handoffs,
        r.verdict_coverage.display()
    ));
    out.push_str("- a handoff flagged for several reasons appears under each\n\n");
    if r.clusters.is_empty() {
        out.push_str("No handoffs were flagged bad in this window or the one before.\n");
        return out;
    }
    out.push_str("## Clusters\n\n| # | reason | AI procedure | flagged | previous | change |\n| ---: | --- | --- | ---: | ---: | --- |\n");
    for (i, c) in r.clusters.iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            i + 1,
            md(c.reason_label()),
            md(&procedure(c)),
            c.count,
            c.previous,
            count_change(c.count, c.previous)
        ));
    }
    for (i, c) in r.clusters.iter().enumerate().filter(|(_, c)| c.count > 0) {
        out.push_str(&format!(
            "\n## {}. {} · {}: {} ({} vs {} before)\n\n",
            i + 1,
            md(c.reason_label()),
            md(&procedure(c)),
            c.count,
            count_change(c.count, c.previous),
            c.previous
        ));
        out.push_str("| handoff | escalated | issue | trigger | confidence | version | what was wrong | agent note | flagged by |\n");
        out.push_str("| --- | --- | --- | --- | ---: | --- | --- | --- | --- |\n");
        for h in &c.handoffs {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                md(&h.id),
                minute(h.escalated_at),
                md(h.issue.as_deref().unwrap_or("(no issue stated)")),
                md(h.trigger.map_or("", |t| t.label())),
                confidence(h),
                md(h.procedure_version.as_deref().unwrap_or("")),
                md(&reasons(h, "; ", true)),
                md(h.note.as_deref().unwrap_or("")),
                md(&h.agent),
            ));
        }
    }
    let quiet: Vec<&Cluster> = r.clusters.iter().filter(|c| c.count == 0).collect();
    if !quiet.is_empty() {
        out.push_str("\n## Gone quiet\n\nFlagged in the previous window, not in this one:\n\n");
        for c in quiet {
            out.push_str(&format!(
                "- {} · {}: {} before\n",
                md(c.reason_label()),
                md(&procedure(c)),
                c.previous
            ));
        }
    }
    out
}

fn csv(r: &Review) -> Result<String, Failure> {
    super::output::csv_text(|w| {
        w.write_record([
            "reason",
            "procedure",
            "cluster_count",
            "cluster_previous",
            "cluster_change",
            "handoff_id",
            "escalated_at",
            "issue",
            "trigger",
            "confidence",
            "procedure_version",
            "reasons",
            "note",
            "flagged_by",
            "team",
        ])?;
        for c in &r.clusters {
            let head = [
                c.reason_key().to_string(),
                c.procedure.clone().unwrap_or_default(),
                c.count.to_string(),
                c.previous.to_string(),
                c.change().to_string(),
            ];
            if c.handoffs.is_empty() {
                let mut row = head.to_vec();
                row.extend(std::iter::repeat_n(String::new(), 10));
                w.write_record(&row)?;
            }
            for h in &c.handoffs {
                let mut row = head.to_vec();
                row.extend([
                    h.id.clone(),
                    stamp(h.escalated_at),
                    h.issue.clone().unwrap_or_default(),
                    h.trigger.map_or("", |t| t.as_str()).to_string(),
                    h.confidence.map(|c| format!("{c:.2}")).unwrap_or_default(),
                    h.procedure_version.clone().unwrap_or_default(),
                    reasons(h, ";", false),
                    h.note.clone().unwrap_or_default(),
                    h.agent.clone(),
                    h.team.clone().unwrap_or_default(),
                ]);
                w.write_record(&row)?;
            }
        }
        Ok(())
    })
}

/// One cluster per line, its handoffs nested; a cluster gone quiet has none.
fn jsonl(r: &Review) -> String {
    let mut out = String::new();
    for c in &r.clusters {
        let handoffs: Vec<serde_json::Value> = c
            .handoffs
            .iter()
            .map(|h| {
                json!({
                    "id": h.id,
                    "escalated_at": stamp(h.escalated_at),
                    "issue": h.issue,
                    "trigger": h.trigger.map(|t| t.as_str()),
                    "confidence": h.confidence,
                    "procedure_version": h.procedure_version,
                    "reasons": h.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "note": h.note,
                    "flagged_by": h.agent,
                    "team": h.team,
                })
            })
            .collect();
        let line = json!({
            "reason": c.reason_key(),
            "reason_label": c.reason_label(),
            "procedure": c.procedure,
            "count": c.count,
            "previous": c.previous,
            "change": c.change(),
            "window": {"from": stamp(r.window.from), "to": stamp(r.window.to)},
            "handoffs": handoffs,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_escape_their_syntax() {
        assert_eq!(
            md("a | b *c* `d` [e](f) <g>"),
            "a \\| b \\*c\\* \\`d\\` \\[e\\](f) \\<g\\>"
        );
        assert_eq!(md("two\nlines"), "two lines");
        assert_eq!(md("order #4 - ok"), "order #4 - ok");
    }
}
