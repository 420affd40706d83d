//! Pieces every adapter uses to build an import record (the format in
//! docs/handoff-format.md) from its helpdesk's JSON: the AI's summary
//! object as a helpdesk stores it, customer context from a person's or an
//! organization's custom attributes, and the conversion that keeps a
//! conversation whose summary object is broken.

use serde_json::{Map, Value};

use crate::domain::handoff::Handoff;
use crate::domain::{import, sanitize};

/// A summary object as helpdesks store one: the object itself, or a JSON
/// string holding it. `None` for anything else.
pub fn object(v: &Value) -> Option<Map<String, Value>> {
    match v {
        Value::Object(o) => Some(o.clone()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) => Some(o),
            _ => None,
        },
        _ => None,
    }
}

/// A number, or a string holding one (decimal custom fields come as text).
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

/// A value as a message may quote it: cleaned and short.
pub fn quoted(v: &Value) -> String {
    sanitize::truncate(&sanitize::clean_line(&v.to_string()), 40)
}

/// Whether an attribute says yes: `true`, `"yes"`, `"1"`, a non-zero number.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.to_lowercase().as_str(), "true" | "yes" | "1"),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
        _ => false,
    }
}

/// Add `flag` to the record's `customer.flags` once.
pub fn add_flag(customer: &mut Map<String, Value>, flag: &str) {
    let flags = customer
        .entry("flags")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = flags
        && !list.iter().any(|f| f.as_str() == Some(flag))
    {
        list.push(Value::String(flag.to_string()));
    }
}

/// Customer context from custom attributes (a contact's, a user's or an
/// organization's): `plan` (or `tier`, `plan_tier`), `vip` and `at_risk`
/// (true/false), `flags` (a list), `lifetime_value` (or `ltv`),
/// `account_age_days`, `previous_escalations`. What `attrs` has replaces
/// what `customer` had; flags add up.
pub fn customer_attributes(attrs: &Map<String, Value>, customer: &mut Map<String, Value>) {
    if let Some(plan) = ["plan", "tier", "plan_tier"]
        .iter()
        .find_map(|k| attrs.get(*k).and_then(Value::as_str))
        .filter(|p| !p.trim().is_empty())
    {
        customer.insert("plan".into(), Value::String(plan.to_string()));
    }
    let listed = attrs.get("flags").and_then(Value::as_array);
    for flag in listed.into_iter().flatten().filter_map(Value::as_str) {
        add_flag(customer, flag);
    }
    for flag in ["vip", "at_risk"] {
        if truthy(attrs.get(flag)) {
            add_flag(customer, flag);
        }
    }
    for (key, from) in [
        ("lifetime_value", &["lifetime_value", "ltv"][..]),
        ("account_age_days", &["account_age_days"][..]),
        ("previous_escalations", &["previous_escalations"][..]),
    ] {
        let found = from
            .iter()
            .find_map(|k| attrs.get(*k).filter(|v| v.is_number()));
        let valid = key == "lifetime_value"
            || found.is_some_and(|v| v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)));
        if let (Some(v), true) = (found, valid) {
            customer.insert(key.into(), v.clone());
        }
    }
}

/// What the helpdesk itself says for the parts of a record the AI's
/// summary object may also give.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// When the AI handed over, as the helpdesk shows it.
    pub escalated_at: Value,
    pub language: Option<Value>,
    /// The customer as the helpdesk knows them; the object's keys win.
    pub customer: Map<String, Value>,
    /// `agent`, `procedure`, ... where the object's `ai` has none.
    pub ai: Map<String, Value>,
    /// `confidence`, `escalation`, ... where the object's `summary` has none.
    pub summary: Map<String, Value>,
    /// The AI's note, where the object has none.
    pub note: Option<String>,
    /// `team`, `priority`, `assignee`: the helpdesk's; the object adds
    /// `skills` and `sla_due_at`.
    pub routing: Map<String, Value>,
}

/// Lay the AI's summary `object` (if any) over what the helpdesk says into
/// `rec`: `escalated_at`, `language`, `customer`, `ai`, `summary`, `note`
/// and `routing`. What is wrong in the object is left for the import to
/// report (and [`convert`] to drop).
pub fn with_object(
    rec: &mut Map<String, Value>,
    object: Option<&Map<String, Value>>,
    given: Given,
) {
    let attr = |key: &str| object.and_then(|a| a.get(key)).filter(|v| !v.is_null());
    rec.insert(
        "escalated_at".into(),
        attr("escalated_at").cloned().unwrap_or(given.escalated_at),
    );
    if let Some(l) = attr("language").cloned().or(given.language) {
        rec.insert("language".into(), l);
    }
    let mut customer = given.customer;
    if let Some(Value::Object(over)) = attr("customer") {
        customer.extend(over.clone());
    }
    rec.insert("customer".into(), Value::Object(customer));
    let fill = |own: Option<&Value>, fallback: Map<String, Value>| match own {
        Some(Value::Object(o)) => {
            let mut o = o.clone();
            for (k, v) in fallback {
                o.entry(k).or_insert(v);
            }
            Value::Object(o)
        }
        // Not an object: the import says so.
        Some(other) => other.clone(),
        None => Value::Object(fallback),
    };
    rec.insert("ai".into(), fill(attr("ai"), given.ai));
    rec.insert("summary".into(), fill(attr("summary"), given.summary));
    if let Some(note) = attr("note").cloned().or(given.note.map(Value::String)) {
        rec.insert("note".into(), note);
    }
    let mut routing = given.routing;
    if let Some(Value::Object(r)) = attr("routing") {
        for key in ["skills", "sla_due_at"] {
            if let Some(v) = r.get(key) {
                routing.insert(key.into(), v.clone());
            }
        }
    }
    rec.insert("routing".into(), Value::Object(routing));
}

/// Import the record `build` makes with the AI's summary `object`. When
/// the object is what breaks it, the conversation is kept without it and
/// each problem becomes a warning naming `label` (where the object lives).
pub fn convert(
    build: impl Fn(Option<&Map<String, Value>>) -> Value,
    object: Option<Map<String, Value>>,
    label: &str,
    mut warnings: Vec<String>,
) -> Result<(Handoff, Vec<String>), Vec<String>> {
    match import::from_value(&build(object.as_ref())) {
        Ok(handoff) => Ok((handoff, warnings)),
        Err(problems) if object.is_some() => {
            warnings.extend(problems.iter().map(|p| format!("{label}: {p}; ignored")));
            import::from_value(&build(None)).map(|handoff| (handoff, warnings))
        }
        Err(problems) => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_give_customer_context_and_flags_add_up() {
        let mut c = Map::new();
        add_flag(&mut c, "vip");
        let org = json!({ "plan": "Business", "at_risk": "yes", "lifetime_value": 90 });
        let user = json!({ "tier": "Enterprise", "vip": true, "account_age_days": -3 });
        for attrs in [org, user] {
            if let Value::Object(a) = attrs {
                customer_attributes(&a, &mut c);
            }
        }
        assert_eq!(
            Value::Object(c),
            json!({ "flags": ["vip", "at_risk"], "plan": "Enterprise", "lifetime_value": 90 })
        );
    }

    #[test]
    fn summary_objects_and_numbers_as_helpdesks_store_them() {
        assert!(object(&json!("{\"summary\": {}}")).is_some());
        assert!(object(&json!({"summary": {}})).is_some());
        assert!(object(&json!("not json")).is_none());
        assert!(object(&json!([1])).is_none());
        assert_eq!(number(&json!("0.41")), Some(0.41));
        assert_eq!(number(&json!(0.5)), Some(0.5));
        assert_eq!(number(&json!("NaN")), None);
    }
}
