//! `handoff show ID`: the summary as the screen presents it, as text,
//! JSON or Markdown (for pasting into a ticket or review doc).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::output::{Failure, print, to_json};
use crate::domain::completeness::{self, Field};
use crate::domain::feedback::Feedback;
use crate::domain::handoff::{Handoff, Source};
use crate::domain::queue::{self, QueueRow};
use crate::store::StoreError;
use crate::workspace::{Options, Workspace};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The handoff's id, e.g. HO-1001
    id: String,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Include the full transcript
    #[arg(long)]
    transcript: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let ws = Workspace::open(opts, true, now)?;
    let id = super::ids::resolve(&ws.store, &args.id)?;
    let h = ws
        .store
        .handoff(&id)?
        .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    let feedback = ws.store.feedback(&id)?;
    let text = match args.format {
        Format::Json => {
            let row = QueueRow::from_handoff(&h, feedback.as_ref().map(|f| f.verdict));
            let missing: Vec<&str> = completeness::missing(&h.summary)
                .iter()
                .map(|f| f.label())
                .collect();
            to_json(&json!({
                "handoff": h,
                "completeness": { "score": row.completeness, "missing": missing },
                "sla": { "state": row.sla(now), "due_at": row.due_at, "clock": queue::clock(row.due_at, now) },
                "feedback": feedback,
            }))?
        }
        Format::Text => render(&h, feedback.as_ref(), now, args.transcript, false),
        Format::Markdown => render(&h, feedback.as_ref(), now, args.transcript, true),
    };
    print(&text)
}

const MISSING: &str = "— missing —";

/// One renderer for text and Markdown: the same order and words as the screen.
fn render(
    h: &Handoff,
    fb: Option<&Feedback>,
    now: DateTime<Utc>,
    transcript: bool,
    md: bool,
) -> String {
    let s = &h.summary;
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        if md {
            out.push_str(&format!("\n### {title}\n\n"));
        } else {
            out.push_str(&format!("\n{}\n", title.to_uppercase()));
        }
    };
    let bullet = if md { "- " } else { "  • " };
    let row = QueueRow::from_handoff(h, fb.map(|f| f.verdict));
    let title = format!("{} · {} · {}", h.id, h.customer.name, h.status.as_str());
    if md {
        out.push_str(&format!("## {title}\n\n"));
    } else {
        out.push_str(&format!("{title}\n"));
    }
    let missing = completeness::missing(s);
    let mut facts = vec![
        format!("completeness {}/5", row.completeness),
        format!("priority {}", h.routing.priority.as_str()),
        format!("SLA {}", queue::clock(row.due_at, now)),
    ];
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|f| f.label()).collect();
        facts[0].push_str(&format!(" (missing: {})", names.join(", ")));
    }
    if let Some(f) = fb {
        let reasons: Vec<&str> = f.reasons.iter().map(|r| r.label()).collect();
        let mut v = format!("verdict {}", f.verdict.as_str());
        if !reasons.is_empty() {
            v.push_str(&format!(" ({})", reasons.join(", ")));
        }
        // Whose: a teammate's verdict comes back from the helpdesk.
        v.push_str(&format!(
            " by {}",
            crate::domain::sanitize::clean_line(&f.agent)
        ));
        facts.push(v);
    }
    out.push_str(&facts.join(" · "));
    out.push('\n');

    heading(&mut out, "Issue");
    let issue_present = completeness::has(s, Field::Issue);
    out.push_str(
        s.issue
            .as_deref()
            .filter(|_| issue_present)
            .unwrap_or(MISSING),
    );
    out.push('\n');

    let c = &h.customer;
    let mut who = vec![c.name.clone()];
    who.extend(c.plan.clone());
    who.extend(c.flags.iter().cloned());
    who.extend(c.account_age_days.map(|d| format!("customer {d} days")));
    who.extend(c.lifetime_value.map(|v| format!("LTV {v:.0}")));
    who.extend(
        c.previous_escalations
            .map(|n| format!("{n} previous escalations")),
    );
    who.extend(h.language.clone());
    heading(&mut out, "Customer");
    out.push_str(&who.join(" · "));
    out.push('\n');

    heading(&mut out, "Collected");
    if !completeness::has(s, Field::Collected) {
        out.push_str(MISSING);
        out.push('\n');
    }
    for item in &s.collected {
        let src = match item.source {
            Source::Customer => "customer said",
            Source::Lookup => "lookup",
            Source::Page => "page",
        };
        out.push_str(&format!(
            "{bullet}{}: {}  [{src}]\n",
            item.label, item.value
        ));
    }

    heading(&mut out, "Findings");
    if s.findings.is_empty() {
        out.push_str(if completeness::has(s, Field::Findings) {
            "(none; see tried)\n"
        } else {
            "— missing —\n"
        });
    }
    for f in &s.findings {
        out.push_str(&format!("{bullet}{f}\n"));
    }
    if !s.attempted.is_empty() {
        heading(&mut out, "Tried");
        for a in &s.attempted {
            out.push_str(&format!("{bullet}{} → {}\n", a.action, a.outcome));
        }
    }

    heading(&mut out, "Why escalated");
    match &s.escalation {
        Some(e) if completeness::has(s, Field::EscalationReason) => {
            out.push_str(&format!("{}: {}\n", e.trigger.label(), e.detail));
        }
        Some(e) => out.push_str(&format!("{} ({MISSING} detail)\n", e.trigger.label())),
        None => out.push_str(&format!("{MISSING}\n")),
    }
    if let Some(conf) = s.confidence {
        let filled = (conf.clamp(0.0, 1.0) * 10.0).round() as usize;
        out.push_str(&format!(
            "AI confidence {}{} {conf:.2}\n",
            "█".repeat(filled),
            "░".repeat(10 - filled)
        ));
    }
    if let Some(sent) = &s.sentiment {
        out.push_str(&format!("Sentiment: {sent}\n"));
    }

    heading(&mut out, "Next step");
    let next_present = completeness::has(s, Field::NextStep);
    out.push_str(
        s.next_step
            .as_deref()
            .filter(|_| next_present)
            .unwrap_or(MISSING),
    );
    out.push('\n');

    if let Some(p) = &s.promised {
        heading(&mut out, "Promised to the customer");
        match p.due_at {
            Some(due) => out.push_str(&format!(
                "{} (due {})\n",
                p.text,
                queue::clock(Some(due), now)
            )),
            None => out.push_str(&format!("{}\n", p.text)),
        }
    }
    if let Some(t) = &s.technical {
        heading(&mut out, "Technical");
        if let Some(err) = &t.error {
            if md {
                out.push_str(&format!("```\n{err}\n```\n"));
            } else {
                out.push_str(&format!("  {err}\n"));
            }
        }
        if let Some(client) = &t.client {
            out.push_str(&format!("client: {client}\n"));
        }
    }
    if let Some(page) = &s.page {
        out.push_str(&format!("Page: {page}\n"));
    }
    for (title, body) in &s.extra {
        heading(&mut out, title);
        out.push_str(body);
        out.push('\n');
    }
    if let Some(text) = &s.unparsed {
        heading(&mut out, "Unparsed note text (kept verbatim)");
        out.push_str(text);
        out.push('\n');
    }
    let ai: Vec<String> = [
        h.ai.agent.clone(),
        h.ai.procedure.clone(),
        h.ai.procedure_version.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !ai.is_empty() {
        out.push_str(&format!("\nAI: {}\n", ai.join(" · ")));
    }
    if let Some(f) = fb.and_then(|f| f.note.as_ref()) {
        out.push_str(&format!("Agent note on the verdict: {f}\n"));
    }
    if transcript {
        heading(&mut out, "Transcript");
        for m in &h.transcript {
            let who = m
                .name
                .clone()
                .unwrap_or_else(|| m.author.as_str().to_string());
            let private = if m.private { " [private]" } else { "" };
            out.push_str(&format!(
                "{bullet}{} {} ({}){private}: {}\n",
                m.at.format("%Y-%m-%d %H:%M"),
                who,
                m.author.as_str(),
                m.text
            ));
        }
    }
    out
}
