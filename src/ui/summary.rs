//! The handoff summary: what this is, what was tried, what to do next, in the
//! order an agent reads it. Missing fields are shown as missing, never skipped.

use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::queue::conf_style;
use super::theme::Theme;
use crate::app::Detail;
use crate::domain::completeness::{self, Field};
use crate::domain::feedback::Verdict;
use crate::domain::handoff::{Handoff, Summary};
use crate::domain::queue::{self, AT_RISK_WINDOW};
use crate::view::text;

/// Width of the label column ("WHY ESCALATED "), and in narrow panes
/// ("CONFIDENCE "), where "WHY ESCALATED" becomes "ESCALATED".
const LABEL_W: usize = 14;
const LABEL_W_NARROW: usize = 11;
/// Below this width the narrow label column is used.
const WIDE_LABELS_MIN: usize = 70;
/// Below this width labels go on their own line above the text.
const SIDE_LABELS_MIN: usize = 44;
/// In the compact mode (terminals under 80 columns) labels are short words
/// ("WHY", "NEXT") in a column this wide, down to `COMPACT_LABELS_MIN`.
const LABEL_W_COMPACT: usize = 8;
const COMPACT_LABELS_MIN: usize = 26;
pub const MISSING: &str = "— missing —";

/// Collects labelled blocks as wrapped lines.
struct Out<'t> {
    lines: Vec<Line<'static>>,
    width: usize,
    theme: &'t Theme,
    compact: bool,
}

/// The short word for a label in the compact mode: a shorter word, never a
/// cut one. Labels without an entry are short enough already.
fn short_label(label: &str) -> &str {
    match label {
        "CUSTOMER" => "ACCOUNT",
        "COLLECTED" => "DATA",
        "FINDINGS" => "FOUND",
        "WHY ESCALATED" => "WHY",
        "CONFIDENCE" => "CONF",
        "SENTIMENT" => "MOOD",
        "NEXT STEP" => "NEXT",
        "PROMISED" => "PROMISE",
        other => other,
    }
}

impl Out<'_> {
    fn label_w(&self) -> usize {
        if self.compact {
            return if self.width >= COMPACT_LABELS_MIN {
                LABEL_W_COMPACT
            } else {
                0
            };
        }
        match self.width {
            w if w >= WIDE_LABELS_MIN => LABEL_W,
            w if w >= SIDE_LABELS_MIN => LABEL_W_NARROW,
            _ => 0,
        }
    }

    fn why_label(&self) -> &'static str {
        if self.label_w() == LABEL_W_NARROW {
            "ESCALATED"
        } else {
            "WHY ESCALATED"
        }
    }

    /// A labelled block: one item per entry, each wrapped under the label.
    fn block(&mut self, label: &str, items: Vec<Vec<Span<'static>>>) {
        let lw = self.label_w();
        let label = if lw == LABEL_W_COMPACT {
            short_label(label)
        } else {
            label
        };
        let heading = self.theme.heading;
        if lw == 0 {
            self.lines.push(Line::styled(label.to_string(), heading));
        }
        let indent = if lw == 0 { 2 } else { lw };
        for (i, item) in items.into_iter().enumerate() {
            let first = if i == 0 && lw > 0 {
                vec![Span::styled(text::pad(label, lw), heading)]
            } else {
                vec![Span::raw(" ".repeat(indent))]
            };
            self.lines
                .extend(text::hanging(first, indent, &item, self.width));
        }
    }

    fn one(&mut self, label: &str, item: Vec<Span<'static>>) {
        self.block(label, vec![item]);
    }

    fn missing(&mut self, label: &str) {
        let m = self.theme.missing;
        self.one(label, vec![Span::styled(MISSING, m)]);
    }

    /// A heading on its own line and its text below (free-form sections).
    fn section(&mut self, heading: &str, body: &str, style: Style) {
        let h = self.theme.heading;
        self.lines
            .push(Line::styled(text::cut(heading, self.width), h));
        let indent = 2;
        self.lines.extend(text::hanging(
            vec![Span::raw(" ".repeat(indent))],
            indent,
            &[Span::styled(body.to_string(), style)],
            self.width,
        ));
    }
}

/// Every line of the summary body, wrapped to `width`. `compact`: the
/// terminal is in its compact mode (see `layout::COMPACT`), so labels and
/// the customer's context take their short forms. A verdict someone other
/// than `me` gave (a teammate's, read back from the helpdesk) names them.
pub fn lines(
    detail: &Detail,
    me: &str,
    now: DateTime<Utc>,
    theme: &Theme,
    width: usize,
    compact: bool,
) -> Vec<Line<'static>> {
    let h = &detail.handoff;
    let s = &h.summary;
    let mut out = Out {
        lines: Vec::new(),
        width,
        theme,
        compact,
    };
    let missing = completeness::missing(s);
    let lacks = |f: Field| missing.contains(&f);
    let bold = |st: Style| st.add_modifier(Modifier::BOLD);

    if let Some(fb) = &detail.feedback {
        let (word, style) = match fb.verdict {
            Verdict::Bad => ("✗ bad handoff", theme.verdict_bad),
            Verdict::Good => ("✓ good handoff", theme.verdict_good),
        };
        let mut item = vec![Span::styled(word, style)];
        for r in &fb.reasons {
            item.push(Span::styled(format!(" · {}", r.label()), style));
        }
        if let Some(note) = &fb.note {
            item.push(Span::styled(format!(" · “{note}”"), theme.normal));
        }
        if fb.agent != me {
            item.push(Span::styled(format!(" · by {}", fb.agent), theme.muted));
        }
        out.one("VERDICT", item);
    }

    match s.issue.as_deref() {
        Some(issue) if !lacks(Field::Issue) => {
            out.one(
                "ISSUE",
                vec![Span::styled(issue.to_string(), bold(theme.normal))],
            );
        }
        _ => out.missing("ISSUE"),
    }

    let ctx = customer_context(h, compact);
    if !ctx.is_empty() {
        out.one("CUSTOMER", vec![Span::styled(ctx, theme.normal)]);
    }

    if lacks(Field::Collected) {
        out.missing("COLLECTED");
    } else {
        let items = s
            .collected
            .iter()
            .map(|c| {
                vec![
                    Span::styled(format!("{}: ", c.label), theme.muted),
                    Span::styled(c.value.clone(), theme.normal),
                    Span::styled(format!("  [{}]", c.source.as_str()), theme.muted),
                ]
            })
            .collect();
        out.block("COLLECTED", items);
    }

    if !s.findings.is_empty() {
        let items = s
            .findings
            .iter()
            .map(|f| vec![Span::styled(format!("• {f}"), theme.normal)])
            .collect();
        out.block("FINDINGS", items);
    }
    if !s.attempted.is_empty() {
        let items = s
            .attempted
            .iter()
            .map(|a| {
                let mut item = vec![Span::styled(a.action.clone(), theme.normal)];
                if !a.outcome.trim().is_empty() {
                    item.push(Span::styled(format!(" → {}", a.outcome), theme.muted));
                }
                item
            })
            .collect();
        out.block("TRIED", items);
    }
    if lacks(Field::Findings) {
        out.missing("FINDINGS");
    }

    let why = out.why_label();
    match &s.escalation {
        Some(e) if !lacks(Field::EscalationReason) => out.one(
            why,
            vec![
                Span::styled(e.trigger.label().to_string(), bold(theme.normal)),
                Span::styled(format!(" — {}", e.detail), theme.normal),
            ],
        ),
        Some(e) => out.one(
            why,
            vec![
                Span::styled(format!("{} · ", e.trigger.label()), bold(theme.normal)),
                Span::styled(MISSING, theme.missing),
            ],
        ),
        None => out.missing(why),
    }

    if let Some(c) = s.confidence {
        out.one(
            "CONFIDENCE",
            vec![Span::styled(confidence_bar(c), conf_style(c, theme))],
        );
    }
    if let Some(sent) = &s.sentiment {
        out.one("SENTIMENT", vec![Span::styled(sent.clone(), theme.normal)]);
    }

    match s.next_step.as_deref() {
        Some(step) if !lacks(Field::NextStep) => {
            out.one(
                "NEXT STEP",
                vec![Span::styled(step.to_string(), bold(theme.info))],
            );
        }
        _ => out.missing("NEXT STEP"),
    }

    // Text the note parser could not place: often the whole message when a
    // bot writes prose, so it comes right after the five fields.
    if let Some(raw) = &s.unparsed {
        let heading = if compact {
            "NOTE TEXT (verbatim)"
        } else {
            "UNPARSED NOTE TEXT (kept verbatim)"
        };
        out.section(heading, raw, theme.normal);
    }
    for (heading, body) in &s.extra {
        out.section(&text::one_line(heading).to_uppercase(), body, theme.normal);
    }

    if let Some(p) = &s.promised {
        let mut item = vec![Span::styled(p.text.clone(), theme.normal)];
        if let Some(due) = p.due_at {
            let (label, style) = due_in(due, now, theme);
            item.push(Span::styled(format!(" · {label}"), style));
        }
        out.one("PROMISED", item);
    }
    if let Some(page) = &s.page {
        out.one("PAGE", vec![Span::styled(page.clone(), theme.code)]);
    }
    if let Some(t) = &s.technical {
        if let Some(err) = &t.error {
            out.one("ERROR", vec![Span::styled(err.clone(), theme.code)]);
        }
        if let Some(client) = &t.client {
            out.one("CLIENT", vec![Span::styled(client.clone(), theme.muted)]);
        }
    }
    let ai = ai_line(h, s);
    if !ai.is_empty() {
        out.one("AI", vec![Span::styled(ai, theme.muted)]);
    }
    out.one("ROUTING", routing(h, now, theme));
    out.lines
}

/// "Business · ★ vip · at risk · account age 13mo · LTV 2,381 · 1 prior escalation · en · web";
/// compact: "age 13mo", "1 escalation before".
fn customer_context(h: &Handoff, compact: bool) -> String {
    let c = &h.customer;
    let mut parts: Vec<String> = Vec::new();
    if let Some(plan) = &c.plan {
        parts.push(plan.clone());
    }
    if c.has_flag("vip") {
        parts.push("★ vip".into());
    }
    if c.has_flag("at_risk") {
        parts.push("at risk".into());
    }
    if let Some(days) = c.account_age_days {
        let word = if compact { "age" } else { "account age" };
        parts.push(format!("{word} {}", age(days)));
    }
    if let Some(v) = c.lifetime_value {
        parts.push(format!("LTV {}", thousands(v)));
    }
    match c.previous_escalations {
        Some(0) | None => {}
        Some(1) => parts.push("1 prior escalation".into()),
        Some(n) => parts.push(format!("{n} prior escalations")),
    }
    parts.extend(h.language.clone());
    parts.extend(h.channel.clone());
    parts.join(" · ")
}

fn age(days: u32) -> String {
    match days {
        0..60 => format!("{days}d"),
        60..730 => format!("{}mo", days / 30),
        _ => format!("{}y", days / 365),
    }
}

/// 2380.5 -> "2,381"
fn thousands(v: f64) -> String {
    let n = v.round().max(0.0) as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "██████░░░░ 0.62"
pub fn confidence_bar(v: f64) -> String {
    let v = v.clamp(0.0, 1.0);
    let filled = (v * 10.0).round() as usize;
    format!("{}{} {v:.2}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// "due in 2h10" / "overdue 15m", styled by how close it is.
pub fn due_in(due: DateTime<Utc>, now: DateTime<Utc>, theme: &Theme) -> (String, Style) {
    let secs = (due - now).num_seconds();
    if secs <= 0 {
        let late = queue::short_duration(secs.unsigned_abs());
        (format!("overdue {late}"), theme.breached)
    } else {
        let style = if due - now <= AT_RISK_WINDOW {
            theme.at_risk
        } else {
            theme.normal
        };
        (
            format!("due in {}", queue::short_duration(secs.unsigned_abs())),
            style,
        )
    }
}

fn ai_line(h: &Handoff, s: &Summary) -> String {
    let mut parts = Vec::new();
    parts.extend(h.ai.agent.clone());
    match (&h.ai.procedure, &h.ai.procedure_version) {
        (Some(p), Some(v)) => {
            // Versions arrive as "7" or "v7"; show "v7" either way.
            let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
            parts.push(format!("procedure {p} v{v}"));
        }
        (Some(p), None) => parts.push(format!("procedure {p}")),
        _ => {}
    }
    if let Some(intent) = &s.intent {
        parts.push(format!("intent {intent}"));
    }
    parts.join(" · ")
}

fn routing(h: &Handoff, now: DateTime<Utc>, theme: &Theme) -> Vec<Span<'static>> {
    let r = &h.routing;
    let mut parts = vec![format!("team {}", r.team.as_deref().unwrap_or("—"))];
    if !r.skills.is_empty() {
        parts.push(format!("skills {}", r.skills.join(", ")));
    }
    parts.push(format!("priority {}", r.priority.as_str()));
    if let Some(a) = &r.assignee {
        parts.push(format!("assigned to {a}"));
    }
    let mut spans = vec![Span::styled(parts.join(" · "), theme.normal)];
    if let Some(due) = r.sla_due_at {
        let (label, style) = due_in(due, now, theme);
        spans.push(Span::styled(format!(" · SLA {label}"), style));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(2380.5), "2,381");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(confidence_bar(0.62), "██████░░░░ 0.62");
        assert_eq!(confidence_bar(1.7), "██████████ 1.00");
        assert_eq!(age(412), "13mo");
        assert_eq!(age(3), "3d");
    }
}
