//! Chatwoot JSON → our handoff. The adapter writes a record in the import
//! format and hands it to `import::from_value`, so a synced handoff gets the
//! same validation, cleaning, note parsing and merge as an imported one.
//!
//! Where each part comes from (docs/chatwoot.md):
//! - the conversation's `custom_attributes.handoff`: an object (or a JSON
//!   string of one) in the import format — `summary`, `ai`, `customer`,
//!   `note`, `language`, `escalated_at`, `routing.skills`/`sla_due_at`;
//! - else / also the bot's private note: the last private message from an
//!   agent bot or Captain, parsed like an imported `note`;
//! - the contact (`meta.sender`): name, email, and `custom_attributes`
//!   `plan`, `vip`, `at_risk`, `flags`, `lifetime_value`, ...;
//! - status, priority, team, assignee and the transcript from Chatwoot itself.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::model::{Contact, Conversation, Message, SenderKind};
use crate::backend::record;
use crate::domain::handoff::{Handoff, Priority, Status};
use crate::domain::verdict_marks::{self, MarkNote, Marks};

/// The custom attribute that holds the AI's summary.
pub const HANDOFF_ATTRIBUTE: &str = "handoff";

/// What our ids for Chatwoot conversations start with.
pub const ID_PREFIX: &str = "cw-";

/// Our id for a conversation: `cw-<display id>`.
pub fn handoff_id(display_id: i64) -> String {
    format!("{ID_PREFIX}{display_id}")
}

/// The display id in one of our ids, if it is a Chatwoot one.
pub fn display_id(handoff_id: &str) -> Option<i64> {
    handoff_id
        .strip_prefix(ID_PREFIX)
        .and_then(|n| n.parse().ok())
        .filter(|&n: &i64| n > 0)
}

/// What changed on the server since we last wrote this conversation.
pub fn version(c: &Conversation) -> String {
    format!(
        "{}:{}:{}",
        c.updated_at.unwrap_or_default(),
        c.last_activity_at.unwrap_or_default(),
        c.status
    )
}

/// The verdict tags and notes on a conversation: its labels, and the
/// private notes that carry our marker, whoever wrote them.
pub fn marks(c: &Conversation, messages: &[Message]) -> Marks {
    let mut notes: Vec<MarkNote> = messages
        .iter()
        .filter(|m| m.private)
        .filter_map(|m| {
            let text = m
                .content
                .as_deref()
                .filter(|t| verdict_marks::has_marker(t))?;
            Some(MarkNote {
                author: m
                    .sender
                    .as_ref()
                    .and_then(|s| s.name.as_deref())
                    .map(crate::domain::sanitize::clean_line)
                    .unwrap_or_else(|| "unknown".into()),
                at: time(Some(m.created_at))?,
                text: text.to_string(),
            })
        })
        .collect();
    notes.sort_by_key(|n| n.at);
    Marks {
        tags: c.labels.clone(),
        notes,
    }
}

/// A mapped conversation, and what could not be used.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub handoff: Handoff,
    pub warnings: Vec<String>,
}

/// Map one conversation and its messages (oldest first or in any order).
/// `contact` is the messages endpoint's richer contact, when fetched.
pub fn handoff(
    c: &Conversation,
    messages: &[Message],
    contact: Option<&Contact>,
    now: DateTime<Utc>,
) -> Result<Mapped, Vec<String>> {
    let mut warnings = Vec::new();
    let attribute = match c.custom_attributes.get(HANDOFF_ATTRIBUTE) {
        None | Some(Value::Null) => None,
        Some(v) => {
            let object = record::object(v);
            if object.is_none() {
                warnings.push(format!(
                    "custom_attributes.{HANDOFF_ATTRIBUTE}: not a JSON object; ignored"
                ));
            }
            object
        }
    };
    record::convert(
        |attribute| self::record(c, messages, contact, attribute, now),
        attribute,
        &format!("custom_attributes.{HANDOFF_ATTRIBUTE}"),
        warnings,
    )
    .map(|(handoff, warnings)| Mapped { handoff, warnings })
}

fn time(secs: Option<f64>) -> Option<DateTime<Utc>> {
    secs.filter(|s| s.is_finite() && *s > 0.0)
        .and_then(|s| DateTime::from_timestamp_millis((s * 1000.0).round() as i64))
}

fn rfc3339(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339())
}

/// `Channel::WebWidget` → `web_widget`.
fn channel(name: &str) -> String {
    let bare = name.strip_prefix("Channel::").unwrap_or(name);
    let mut out = String::new();
    for (i, ch) in bare.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// Chatwoot's priority, or `normal` (none, or one we do not know).
fn priority(p: Option<&str>) -> &'static str {
    p.and_then(Priority::parse).unwrap_or_default().as_str()
}

/// Chatwoot's status, or `open` (one we do not know).
fn status(s: &str) -> &'static str {
    Status::parse(s).unwrap_or_default().as_str()
}

/// Customer context from the contact and its custom attributes.
fn customer(contact: Option<&Contact>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(contact) = contact else {
        return out;
    };
    let name = contact
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| contact.email.clone())
        .or_else(|| contact.id.map(|id| format!("contact #{id}")))
        .unwrap_or_default();
    out.insert("name".into(), Value::String(name));
    if let Some(email) = contact.email.clone().filter(|e| !e.is_empty()) {
        out.insert("email".into(), Value::String(email));
    }
    record::customer_attributes(&contact.custom_attributes, &mut out);
    out
}

fn author(m: &Message) -> &'static str {
    match (m.message_type, m.sender_kind()) {
        (2, _) => "system",
        (0, _) | (_, SenderKind::Contact) => "customer",
        (_, SenderKind::Bot) => "ai",
        (_, SenderKind::User) => "agent",
        // Templates (forms, cards) come from bots; other outgoing from agents.
        (3, _) => "ai",
        _ => "agent",
    }
}

fn text_of(m: &Message) -> Option<String> {
    let content = m.content.clone().unwrap_or_default();
    if !content.trim().is_empty() {
        return Some(content);
    }
    (!m.attachments.is_empty()).then(|| format!("[{} attachment(s)]", m.attachments.len()))
}

/// The bot's handoff note: its last private message.
fn bot_note(messages: &[&Message]) -> Option<String> {
    messages
        .iter()
        .rev()
        .find(|m| m.private && m.sender_kind() == SenderKind::Bot)
        .and_then(|m| m.content.clone())
        .filter(|t| !t.trim().is_empty())
}

fn record(
    c: &Conversation,
    messages: &[Message],
    contact: Option<&Contact>,
    attribute: Option<&Map<String, Value>>,
    now: DateTime<Utc>,
) -> Value {
    let mut sorted: Vec<&Message> = messages.iter().collect();
    sorted.sort_by(|a, b| a.created_at.total_cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let created = time(c.created_at);
    let escalated = time(c.waiting_since)
        .or(created)
        .or(time(c.updated_at))
        .unwrap_or(now);
    let mut rec = Map::new();
    rec.insert("id".into(), Value::String(handoff_id(c.id)));
    if let Some(t) = created {
        rec.insert("created_at".into(), rfc3339(t));
    }
    if let Some(ch) = c.meta.channel.as_deref() {
        rec.insert("channel".into(), Value::String(channel(ch)));
    }
    rec.insert("status".into(), Value::String(status(&c.status).into()));

    let mut given = record::Given {
        escalated_at: rfc3339(escalated),
        language: ["conversation_language", "browser_language"]
            .iter()
            .find_map(|k| c.additional_attributes.get(*k).filter(|v| v.is_string()))
            .cloned(),
        customer: customer(contact.or(c.meta.sender.as_ref())),
        note: bot_note(&sorted),
        ..record::Given::default()
    };
    if let Some(name) = sorted
        .iter()
        .rev()
        .find(|m| m.sender_kind() == SenderKind::Bot)
        .and_then(|m| m.sender.as_ref().and_then(|s| s.name.clone()))
    {
        given.ai.insert("agent".into(), Value::String(name));
    }
    // Two flat keys bots commonly set (reference §1.8), as a fallback.
    if let Some(conf) = c
        .custom_attributes
        .get("ai_confidence")
        .and_then(Value::as_f64)
        .filter(|x| (0.0..=1.0).contains(x))
    {
        given.summary.insert("confidence".into(), json!(conf));
    }
    if let Some(trigger) = c
        .custom_attributes
        .get("escalation_trigger")
        .and_then(Value::as_str)
        .filter(|t| crate::domain::handoff::Trigger::parse(t).is_some())
    {
        given
            .summary
            .insert("escalation".into(), json!({ "trigger": trigger }));
    }
    if let Some(team) = c
        .meta
        .team
        .as_ref()
        .map(|t| t.name.clone())
        .filter(|t| !t.is_empty())
    {
        given.routing.insert("team".into(), Value::String(team));
    }
    given.routing.insert(
        "priority".into(),
        Value::String(priority(c.priority.as_deref()).into()),
    );
    let bot_held = c.meta.assignee_type.as_deref() == Some("AgentBot");
    if let Some(a) = c.meta.assignee.as_ref().filter(|_| !bot_held) {
        given
            .routing
            .insert("assignee".into(), Value::String(a.name.clone()));
    }
    record::with_object(&mut rec, attribute, given);

    let transcript: Vec<Value> = sorted
        .iter()
        .filter_map(|m| {
            let text = text_of(m)?;
            let at = time(Some(m.created_at)).unwrap_or(escalated);
            let mut msg = json!({
                "at": at.to_rfc3339(),
                "author": author(m),
                "text": text,
                "private": m.private,
            });
            if let Some(name) = m.sender.as_ref().and_then(|s| s.name.clone())
                && let Value::Object(o) = &mut msg
            {
                o.insert("name".into(), Value::String(name));
            }
            Some(msg)
        })
        .collect();
    rec.insert("transcript".into(), Value::Array(transcript));
    Value::Object(rec)
}
