//! The event as a Slack incoming-webhook message: a one-line `text` (what
//! notifications show) and `blocks` that lay the same facts out.

use serde_json::{Value, json};

use super::event::{EventKind, VerdictEvent};
use crate::domain::feedback::Reason;
use crate::domain::sanitize;

/// Slack's section text limit is 3000 characters; a note is kept well under.
const NOTE_MAX: usize = 1000;

pub fn message(e: &VerdictEvent) -> Value {
    let head = headline(e);
    let reasons = reason_labels(e);
    let attribution = attribution(e);
    let note = e
        .note
        .as_deref()
        .map(|n| sanitize::truncate(&sanitize::clean_line(n), NOTE_MAX))
        .filter(|n| !n.is_empty());

    let mut text = head.clone();
    if !reasons.is_empty() {
        text.push_str(&format!(" — {reasons}"));
    }
    text.push_str(&format!(" · {attribution}"));
    if let Some(n) = &note {
        text.push_str(&format!(": {n}"));
    }

    let mut section = format!("*{}*", escape(&head));
    if !reasons.is_empty() {
        section.push_str(&format!(" — {}", escape(&reasons)));
    }
    if let Some(n) = &note {
        section.push_str(&format!("\n>{}", escape(n)));
    }
    let mut context = vec![escape(&attribution)];
    if let Some(ai) = &e.ai_agent {
        context.push(format!("AI: {}", escape(ai)));
    }
    if let Some(t) = &e.trigger {
        context.push(format!("trigger: {}", escape(t)));
    }
    if let Some(c) = e.confidence {
        context.push(format!("confidence {:.0}%", c * 100.0));
    }
    json!({
        "text": escape(&text),
        "blocks": [
            { "type": "section", "text": { "type": "mrkdwn", "text": section } },
            { "type": "context", "elements": [ { "type": "mrkdwn", "text": context.join(" · ") } ] },
        ],
    })
}

/// "✗ Bad handoff HO-1042", "✓ Good handoff HO-1042", or a retraction.
fn headline(e: &VerdictEvent) -> String {
    let id = sanitize::clean_line(&e.handoff_id);
    match (e.kind, e.verdict.as_str()) {
        (EventKind::Verdict, "good") => format!("✓ Good handoff {id}"),
        (EventKind::Verdict, _) => format!("✗ Bad handoff {id}"),
        (EventKind::Retracted, v) => format!("↺ Retracted: {} handoff verdict on {id}", v),
    }
}

fn reason_labels(e: &VerdictEvent) -> String {
    let labels: Vec<&str> = e
        .reasons
        .iter()
        .map(|r| Reason::parse(r).map_or(r.as_str(), |x| x.label()))
        .collect();
    labels.join(", ")
}

/// "refund-eligibility v4 · Maya Chen"
fn attribution(e: &VerdictEvent) -> String {
    let mut parts = Vec::new();
    match (&e.procedure, &e.procedure_version) {
        (Some(p), Some(v)) if v.starts_with(['v', 'V']) => parts.push(format!("{p} {v}")),
        (Some(p), Some(v)) => parts.push(format!("{p} v{v}")),
        (Some(p), None) => parts.push(p.clone()),
        _ => {}
    }
    parts.push(e.agent.clone());
    sanitize::clean_line(&parts.join(" · "))
}

/// Slack reads `<…>` as links and mentions (`<!channel>`) and `&` as an
/// entity: escaped, text from people stays text.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, verdict: &str, reasons: &[&str], note: Option<&str>) -> VerdictEvent {
        VerdictEvent {
            event_id: "k".into(),
            kind,
            handoff_id: "HO-1042".into(),
            sequence: 1,
            retracts: None,
            verdict: verdict.into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            note: note.map(str::to_string),
            agent: "Maya Chen".into(),
            at: chrono::DateTime::UNIX_EPOCH,
            ai_agent: Some("Fin".into()),
            procedure: Some("refund-eligibility".into()),
            procedure_version: Some("v4".into()),
            trigger: Some("low_confidence".into()),
            confidence: Some(0.36),
        }
    }

    fn text(v: &Value) -> &str {
        v.get("text").and_then(Value::as_str).unwrap_or("")
    }

    #[test]
    fn bad_verdict_reads_as_one_line() {
        let m = message(&event(
            EventKind::Verdict,
            "bad",
            &["wrong_data"],
            Some("asked for the\nwrong order"),
        ));
        assert_eq!(
            text(&m),
            "✗ Bad handoff HO-1042 — wrong or missing data collected · refund-eligibility v4 · Maya Chen: asked for the wrong order"
        );
        let blocks = m
            .get("blocks")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        assert_eq!(blocks, 2);
        assert!(m.to_string().contains("confidence 36%"));
    }

    #[test]
    fn good_and_retracted() {
        let m = message(&event(EventKind::Verdict, "good", &[], None));
        assert_eq!(
            text(&m),
            "✓ Good handoff HO-1042 · refund-eligibility v4 · Maya Chen"
        );
        let m = message(&event(EventKind::Retracted, "bad", &["misrouted"], None));
        assert_eq!(
            text(&m),
            "↺ Retracted: bad handoff verdict on HO-1042 — misrouted · refund-eligibility v4 · Maya Chen"
        );
    }

    #[test]
    fn mentions_and_links_in_a_note_stay_text() {
        let m = message(&event(
            EventKind::Verdict,
            "bad",
            &[],
            Some("<!channel> see <http://x|here> & \u{1b}[2J"),
        ));
        let all = m.to_string();
        assert!(
            !all.contains("<!channel>") && !all.contains("<http"),
            "{all}"
        );
        assert!(
            all.contains("&lt;!channel&gt;") && all.contains("&amp;"),
            "{all}"
        );
        assert!(!all.contains('\u{1b}'), "{all}");
    }
}
