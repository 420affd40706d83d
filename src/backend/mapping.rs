//! What every adapter's map does the same way on its way to an import
//! record (docs/handoff-format.md): read the `handoff` custom attribute the
//! AI wrote, fill the summary from two flat attributes bots commonly set,
//! and import the record — without the attribute, and saying why, when the
//! attribute is what made it invalid.

use serde_json::{Map, Value, json};

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

/// The `handoff` attribute among `attributes`: an object, or a JSON string
/// of one. Anything else is ignored with a warning.
pub fn handoff_attribute(
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
pub fn flat_summary(summary: &mut Value, attributes: &Map<String, Value>) {
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
pub fn import(
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
