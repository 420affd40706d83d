//! What every adapter's map does the same way on its way to an import
//! record (docs/handoff-format.md): the adapter says what its helpdesk
//! knows of a conversation ([`Facts`]); the AI's `handoff` custom attribute
//! is laid over it (`summary`, `ai`, `customer`, `note`, `language`,
//! `escalated_at`, `routing.skills` / `sla_due_at`), two flat attributes
//! bots commonly set fill the summary's gaps, and the record is imported —
//! without the attribute, and saying why, when the attribute is what made
//! it invalid.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::SyncReport;
use crate::domain::handoff::{Handoff, Trigger};
use crate::domain::import;

/// The custom attribute that holds the AI's summary.
pub const HANDOFF_ATTRIBUTE: &str = "handoff";

/// A mapped conversation, and what could not be used.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub handoff: Handoff,
    pub warnings: Vec<String>,
}

/// What a helpdesk itself says of a conversation, in the import format's
/// terms (text is cleaned by the import).
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Our id (`cw-1042`).
    pub id: String,
    pub created_at: Option<DateTime<Utc>>,
    /// When the AI handed over, as far as the helpdesk tells.
    pub escalated_at: DateTime<Utc>,
    pub channel: Option<String>,
    pub language: Option<Value>,
    /// `open`, `pending`, `snoozed` or `resolved`.
    pub status: &'static str,
    /// `name`, `email`, `plan`, ... (the attribute's `customer` goes over it).
    pub customer: Map<String, Value>,
    /// `ai` keys for what the attribute's `ai` lacks (`agent`, `procedure`).
    pub ai: Map<String, Value>,
    /// The bot's free-text handoff note, parsed like an imported `note`.
    pub note: Option<String>,
    pub team: Option<String>,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: &'static str,
    pub assignee: Option<String>,
    pub transcript: Vec<Line>,
    /// The conversation's custom attributes: `handoff`, `ai_confidence`,
    /// `escalation_trigger` are read from them.
    pub attributes: &'a Map<String, Value>,
}

/// One transcript message.
#[derive(Debug, Clone)]
pub struct Line {
    pub at: DateTime<Utc>,
    /// `customer`, `ai`, `agent` or `system`.
    pub author: &'static str,
    pub name: Option<String>,
    pub text: String,
    pub private: bool,
}

/// Map one conversation: its facts, with the AI's attribute laid over them.
pub fn handoff(facts: &Facts) -> Result<Mapped, Vec<String>> {
    let mut warnings = Vec::new();
    let attribute = handoff_attribute(facts.attributes, &mut warnings);
    import(attribute, warnings, |a| record(facts, a))
}

/// The handoff of a mapped conversation `id`, its warnings added to
/// `report`; `None`, counted as skipped with why, when it could not be.
pub fn accept(
    report: &mut SyncReport,
    id: &str,
    mapped: Result<Mapped, Vec<String>>,
) -> Option<Handoff> {
    match mapped {
        Ok(mapped) => {
            for w in mapped.warnings {
                report.warn(format!("{id}: {w}"));
            }
            Some(mapped.handoff)
        }
        Err(problems) => {
            report.skipped += 1;
            report.warn(format!("{id}: {}; skipped", problems.join("; ")));
            None
        }
    }
}

fn rfc3339(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339())
}

/// The import record of `facts` with `attribute` (the AI's) laid over.
fn record(facts: &Facts, attribute: Option<&Map<String, Value>>) -> Value {
    let attr = |key: &str| attribute.and_then(|a| a.get(key)).filter(|v| !v.is_null());
    let mut rec = Map::new();
    rec.insert("id".into(), Value::String(facts.id.clone()));
    if let Some(t) = facts.created_at {
        rec.insert("created_at".into(), rfc3339(t));
    }
    rec.insert(
        "escalated_at".into(),
        attr("escalated_at")
            .cloned()
            .unwrap_or_else(|| rfc3339(facts.escalated_at)),
    );
    if let Some(ch) = &facts.channel {
        rec.insert("channel".into(), Value::String(ch.clone()));
    }
    if let Some(l) = attr("language").or(facts.language.as_ref()) {
        rec.insert("language".into(), l.clone());
    }
    rec.insert("status".into(), Value::String(facts.status.into()));

    let mut customer = facts.customer.clone();
    if let Some(Value::Object(over)) = attr("customer") {
        customer.extend(over.clone());
    }
    rec.insert("customer".into(), Value::Object(customer));

    // Not an object: put as it is, for the import to say what is wrong.
    let ai = match attr("ai") {
        Some(Value::Object(o)) => {
            let mut ai = o.clone();
            for (k, v) in &facts.ai {
                ai.entry(k.clone()).or_insert_with(|| v.clone());
            }
            Value::Object(ai)
        }
        Some(other) => other.clone(),
        None => Value::Object(facts.ai.clone()),
    };
    rec.insert("ai".into(), ai);

    let mut summary = attr("summary").cloned().unwrap_or_else(|| json!({}));
    flat_summary(&mut summary, facts.attributes);
    rec.insert("summary".into(), summary);
    if let Some(note) = attr("note")
        .cloned()
        .or_else(|| facts.note.clone().map(Value::String))
    {
        rec.insert("note".into(), note);
    }

    let mut routing = Map::new();
    if let Some(team) = facts.team.clone().filter(|t| !t.is_empty()) {
        routing.insert("team".into(), Value::String(team));
    }
    if let Some(Value::Object(r)) = attr("routing") {
        for key in ["skills", "sla_due_at"] {
            if let Some(v) = r.get(key) {
                routing.insert(key.into(), v.clone());
            }
        }
    }
    routing.insert("priority".into(), Value::String(facts.priority.into()));
    if let Some(a) = &facts.assignee {
        routing.insert("assignee".into(), Value::String(a.clone()));
    }
    rec.insert("routing".into(), Value::Object(routing));

    let transcript = facts
        .transcript
        .iter()
        .map(|m| {
            let mut msg = json!({
                "at": m.at.to_rfc3339(),
                "author": m.author,
                "text": m.text,
                "private": m.private,
            });
            if let (Some(name), Value::Object(o)) = (&m.name, &mut msg) {
                o.insert("name".into(), Value::String(name.clone()));
            }
            msg
        })
        .collect();
    rec.insert("transcript".into(), Value::Array(transcript));
    Value::Object(rec)
}

/// The `handoff` attribute among `attributes`: an object, or a JSON string
/// of one. Anything else is ignored with a warning.
fn handoff_attribute(
    attributes: &Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Option<Map<String, Value>> {
    let object = match attributes.get(HANDOFF_ATTRIBUTE) {
        None | Some(Value::Null) => return None,
        Some(Value::Object(o)) => Some(o.clone()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) => Some(o),
            _ => None,
        },
        Some(_) => None,
    };
    if object.is_none() {
        warnings.push(format!(
            "custom_attributes.{HANDOFF_ATTRIBUTE}: not a JSON object; ignored"
        ));
    }
    object
}

/// Fill what `summary` lacks from the flat attributes `ai_confidence` (0..1)
/// and `escalation_trigger` (one of the triggers).
fn flat_summary(summary: &mut Value, attributes: &Map<String, Value>) {
    let Value::Object(s) = summary else { return };
    if !s.contains_key("confidence")
        && let Some(conf) = attributes
            .get("ai_confidence")
            .and_then(Value::as_f64)
            .filter(|x| (0.0..=1.0).contains(x))
    {
        s.insert("confidence".into(), json!(conf));
    }
    if !s.contains_key("escalation")
        && let Some(trigger) = attributes
            .get("escalation_trigger")
            .and_then(Value::as_str)
            .filter(|t| Trigger::parse(t).is_some())
    {
        s.insert("escalation".into(), json!({ "trigger": trigger }));
    }
}

/// Import the record `build` makes with `attribute`. When the attribute is
/// what broke it, keep the conversation without it and say why.
fn import(
    attribute: Option<Map<String, Value>>,
    mut warnings: Vec<String>,
    build: impl Fn(Option<&Map<String, Value>>) -> Value,
) -> Result<Mapped, Vec<String>> {
    match import::from_value(&build(attribute.as_ref())) {
        Ok(handoff) => Ok(Mapped { handoff, warnings }),
        Err(problems) if attribute.is_some() => {
            warnings.extend(
                problems
                    .iter()
                    .map(|p| format!("custom_attributes.{HANDOFF_ATTRIBUTE}: {p}; ignored")),
            );
            import::from_value(&build(None)).map(|handoff| Mapped { handoff, warnings })
        }
        Err(problems) => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attribute_is_an_object_or_a_json_string_of_one() {
        let mut w = Vec::new();
        let attrs = |v: Value| {
            json!({ "handoff": v })
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let got = handoff_attribute(&attrs(json!({"note": "x"})), &mut w);
        assert!(got.is_some_and(|o| o.contains_key("note")));
        let got = handoff_attribute(&attrs(json!("{\"note\": \"x\"}")), &mut w);
        assert!(got.is_some());
        assert!(w.is_empty());
        assert!(handoff_attribute(&attrs(json!(3)), &mut w).is_none());
        assert!(handoff_attribute(&attrs(json!("not json")), &mut w).is_none());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(handoff_attribute(&Map::new(), &mut w).is_none());
    }

    #[test]
    fn flat_attributes_fill_only_what_is_missing() {
        let attrs = json!({ "ai_confidence": 0.41, "escalation_trigger": "policy_exception" });
        let attrs = attrs.as_object().cloned().unwrap_or_default();
        let mut summary = json!({});
        flat_summary(&mut summary, &attrs);
        assert_eq!(
            summary,
            json!({ "confidence": 0.41, "escalation": { "trigger": "policy_exception" } })
        );
        let mut summary = json!({ "confidence": 0.9 });
        let bad = json!({ "ai_confidence": 41, "escalation_trigger": "whim" });
        flat_summary(&mut summary, bad.as_object().unwrap_or(&Map::new()));
        assert_eq!(summary, json!({ "confidence": 0.9 }));
    }

    fn facts(attributes: &Map<String, Value>) -> Facts<'_> {
        let at = DateTime::parse_from_rfc3339("2026-05-01T09:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        Facts {
            id: "x-7".into(),
            created_at: None,
            escalated_at: at,
            channel: Some("email".into()),
            language: Some(json!("de")),
            status: "open",
            customer: json!({ "name": "Dana", "plan": "Free" })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ai: json!({ "agent": "Fin", "procedure": "refunds" })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            note: Some("Issue: from the bot's note\nNext step: call".into()),
            team: Some("Billing".into()),
            priority: "high",
            assignee: Some("Maya".into()),
            transcript: vec![Line {
                at,
                author: "customer",
                name: Some("Dana".into()),
                text: "Hello".into(),
                private: false,
            }],
            attributes,
        }
    }

    #[test]
    fn the_attribute_is_laid_over_what_the_helpdesk_says() {
        let attributes = json!({ "ai_confidence": 0.3, "handoff": {
            "customer": { "plan": "Business" }, "ai": { "procedure_version": "7" },
            "language": "en", "routing": { "skills": ["refunds"], "team": "ignored" },
            "summary": { "issue": "Charged twice" } } });
        let attributes = attributes.as_object().cloned().unwrap_or_default();
        let h = handoff(&facts(&attributes)).map(|m| m.handoff);
        let h = h.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(h.customer.name, "Dana");
        assert_eq!(h.customer.plan.as_deref(), Some("Business"));
        assert_eq!(h.ai.agent.as_deref(), Some("Fin"));
        assert_eq!(h.ai.procedure.as_deref(), Some("refunds"));
        assert_eq!(h.ai.procedure_version.as_deref(), Some("7"));
        assert_eq!(h.language.as_deref(), Some("en"));
        assert_eq!(h.routing.team.as_deref(), Some("Billing"));
        assert_eq!(h.routing.skills, ["refunds"]);
        assert_eq!(h.routing.assignee.as_deref(), Some("Maya"));
        // The attribute's fields win; the note fills what they lack.
        assert_eq!(h.summary.issue.as_deref(), Some("Charged twice"));
        assert_eq!(h.summary.confidence, Some(0.3));
        assert_eq!(h.summary.next_step.as_deref(), Some("call"));
        assert_eq!(h.transcript.len(), 1);
        // Without an attribute, the helpdesk's own facts.
        let bare = Map::new();
        let h = handoff(&facts(&bare)).map(|m| m.handoff);
        let h = h.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(h.language.as_deref(), Some("de"));
        assert_eq!(h.summary.issue.as_deref(), Some("from the bot's note"));
    }

    #[test]
    fn a_broken_attribute_is_dropped_with_a_warning() {
        let attribute = json!({ "summary": { "confidence": 2 } })
            .as_object()
            .cloned();
        let mapped = import(attribute, Vec::new(), |a| {
            let mut rec = json!({ "id": "x-1", "escalated_at": "2026-05-01T09:30:00Z" });
            if let Some(s) = a.and_then(|a| a.get("summary")) {
                rec["summary"] = s.clone();
            }
            rec
        });
        let mapped = mapped.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(mapped.handoff.summary.confidence, None);
        assert!(
            mapped.warnings.iter().any(|w| w.contains("confidence")),
            "{:?}",
            mapped.warnings
        );
    }
}
