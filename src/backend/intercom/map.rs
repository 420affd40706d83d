//! Intercom JSON → our handoff. The adapter writes a record in the import
//! format and hands it to `import::from_value` (through `backend::mapping`),
//! so a synced handoff gets the same validation, cleaning, note parsing and
//! merge as an imported one.
//!
//! Where each part comes from (docs/intercom.md):
//! - the conversation's `custom_attributes.handoff`: an object (or a JSON
//!   string of one) in the import format, and the flat `ai_confidence`,
//!   `escalation_trigger`;
//! - Fin's handoff note: the last `note` part written by a bot, parsed like
//!   an imported `note`;
//! - `ai_agent`: `source_title` is the procedure; the resolution state and
//!   the customer's rating of Fin go into the transcript as a system line;
//! - the customer from the source message's author (or the first part a
//!   customer wrote); status, priority, team, assignee, tags and the
//!   transcript (`conversation_parts`, HTML stripped) from Intercom itself.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::html;
use super::model::{Author, AuthorKind, Conversation, Part};
use crate::backend::record;
use crate::domain::handoff::{Handoff, Trigger};
use crate::domain::sanitize;
use crate::domain::verdict_marks::{self, MarkNote, Marks};

/// The conversation attribute that holds the AI's summary.
pub const HANDOFF_ATTRIBUTE: &str = "handoff";

/// What our ids for Intercom conversations start with.
pub const ID_PREFIX: &str = "ic-";

/// Fin's states in which it has handed the conversation to people.
const HANDED_OVER: [&str; 2] = ["escalated", "procedure_handoff"];

/// Our id for a conversation: `ic-<conversation id>`.
pub fn handoff_id(id: &str) -> String {
    format!("{ID_PREFIX}{id}")
}

/// The conversation id in one of our ids, if it is an Intercom one.
pub fn conversation_id(handoff_id: &str) -> Option<&str> {
    handoff_id.strip_prefix(ID_PREFIX).and_then(path_id)
}

/// `id` if it can go into a request path as it is: letters and digits only.
pub fn path_id(id: &str) -> Option<&str> {
    Some(id)
        .filter(|n| !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// What changed on the server since we last wrote this conversation (from
/// a search item: tags are in it, so a teammate's verdict tag counts).
pub fn version(c: &Conversation) -> String {
    let mut tags: Vec<&str> = c
        .tags
        .iter()
        .flat_map(|t| t.tags.iter())
        .map(|t| t.name.as_str())
        .collect();
    tags.sort_unstable();
    format!(
        "{}:{}:{}:{}:{}",
        c.updated_at.unwrap_or_default(),
        c.state,
        c.admin_assignee_id,
        c.team_assignee_id,
        tags.join(",")
    )
}

/// Fin still holds it: it took part, has not handed over, and no person
/// has it. Shown as `pending`, in the Bot-held section.
pub fn bot_held(c: &Conversation) -> bool {
    let handed_over = c
        .ai_agent
        .as_ref()
        .and_then(|a| a.resolution_state.as_deref())
        .is_some_and(|s| HANDED_OVER.contains(&s));
    c.state == "open"
        && c.ai_agent_participated == Some(true)
        && !handed_over
        && c.admin_assignee_id == 0
}

/// Names Intercom gives by id only.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Admin id → name.
    pub admins: HashMap<String, String>,
    /// Team id → name.
    pub teams: HashMap<String, String>,
}

impl Names {
    fn admin(&self, id: i64) -> Option<String> {
        (id > 0).then(|| {
            self.admins
                .get(&id.to_string())
                .cloned()
                .unwrap_or_else(|| format!("admin {id}"))
        })
    }
    fn team(&self, id: i64) -> Option<String> {
        (id > 0).then(|| {
            self.teams
                .get(&id.to_string())
                .cloned()
                .unwrap_or_else(|| format!("team {id}"))
        })
    }
}

/// The parts of a fetched conversation that can be read, oldest first, and
/// a warning naming each one that cannot.
pub fn parts(c: &Conversation) -> (Vec<Part>, Vec<String>) {
    let mut warnings = Vec::new();
    let list = c.conversation_parts.clone().unwrap_or_default();
    let mut parts: Vec<Part> = list
        .conversation_parts
        .into_iter()
        .filter_map(|v| match serde_json::from_value::<Part>(v.clone()) {
            Ok(p) => Some(p),
            Err(e) => {
                let id = v
                    .get("id")
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .unwrap_or_else(|| "?".into());
                warnings.push(format!(
                    "part {} is unreadable ({e}); left out",
                    sanitize::truncate(&sanitize::clean_line(&id), 40)
                ));
                None
            }
        })
        .collect();
    // Intercom lists them oldest first; a stable sort keeps that within a second.
    parts.sort_by_key(|p| p.created_at);
    if list
        .total_count
        .is_some_and(|n| n > parts.len() as i64 + warnings.len() as i64)
    {
        warnings.push(format!(
            "transcript holds the newest {} parts (Intercom returns at most 500)",
            parts.len()
        ));
    }
    (parts, warnings)
}

/// A part's body as plain text ("" when it has none).
fn text(p: &Part) -> String {
    p.body.as_deref().map(html::to_text).unwrap_or_default()
}

fn author_name(a: Option<&Author>) -> String {
    a.and_then(|a| a.name.as_deref().or(a.email.as_deref()))
        .map(sanitize::clean_line)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The verdict tags and notes on a conversation: its tags, and the notes
/// that carry our marker, whoever wrote them.
pub fn marks(c: &Conversation, parts: &[Part]) -> Marks {
    let notes = parts
        .iter()
        .filter(|p| p.part_type == "note")
        .filter_map(|p| {
            let text = text(p);
            if !verdict_marks::has_marker(&text) {
                return None;
            }
            Some(MarkNote {
                author: author_name(p.author.as_ref()),
                at: time(p.created_at)?,
                text: sanitize::clean(&text),
            })
        })
        .collect();
    Marks {
        tags: c
            .tags
            .iter()
            .flat_map(|t| t.tags.iter())
            .map(|t| t.name.clone())
            .collect(),
        notes,
    }
}

/// A mapped conversation, and what could not be used.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub handoff: Handoff,
    pub warnings: Vec<String>,
}

/// Map one fetched conversation (with its readable `parts`).
pub fn handoff(
    c: &Conversation,
    parts: &[Part],
    names: &Names,
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
        |attribute| self::record(c, parts, names, attribute, now),
        attribute,
        &format!("custom_attributes.{HANDOFF_ATTRIBUTE}"),
        warnings,
    )
    .map(|(handoff, warnings)| Mapped { handoff, warnings })
}

/// One transcript message.
struct Line {
    at: DateTime<Utc>,
    /// `customer`, `ai`, `agent` or `system`.
    author: &'static str,
    name: Option<String>,
    text: String,
    private: bool,
}

impl Line {
    fn value(&self) -> Value {
        let mut msg = json!({
            "at": self.at.to_rfc3339(),
            "author": self.author,
            "text": self.text,
            "private": self.private,
        });
        if let (Some(name), Value::Object(o)) = (&self.name, &mut msg) {
            o.insert("name".into(), Value::String(name.clone()));
        }
        msg
    }
}

fn time(secs: i64) -> Option<DateTime<Utc>> {
    (secs > 0)
        .then(|| DateTime::from_timestamp(secs, 0))
        .flatten()
}

/// Intercom's priority (`none low medium high urgent`) as ours.
fn priority(p: Option<&str>) -> &'static str {
    match p {
        Some("urgent") => "urgent",
        Some("high") => "high",
        Some("low") => "low",
        _ => "normal",
    }
}

fn status(c: &Conversation) -> &'static str {
    if bot_held(c) {
        return "pending";
    }
    match c.state.as_str() {
        "closed" => "resolved",
        "snoozed" => "snoozed",
        _ => "open",
    }
}

/// Fin's handoff note: the last note a bot wrote.
fn bot_note(parts: &[Part]) -> Option<&Part> {
    parts.iter().rev().find(|p| {
        p.part_type == "note"
            && p.author
                .as_ref()
                .is_some_and(|a| a.kind() == AuthorKind::Bot)
    })
}

/// When the AI handed over: its note, else the first assignment a bot made.
fn handed_over_at(parts: &[Part]) -> Option<DateTime<Utc>> {
    let by_bot = |p: &&Part| {
        p.author
            .as_ref()
            .is_some_and(|a| a.kind() == AuthorKind::Bot)
    };
    bot_note(parts)
        .or_else(|| {
            parts
                .iter()
                .filter(by_bot)
                .find(|p| p.part_type.starts_with("assign"))
        })
        .and_then(|p| time(p.created_at))
}

/// Who the customer is: the source message's author, else the first part
/// a customer wrote.
fn customer(c: &Conversation, parts: &[Part]) -> Map<String, Value> {
    let from_source = c
        .source
        .as_ref()
        .and_then(|s| s.author.as_ref())
        .filter(|a| a.kind() == AuthorKind::Customer);
    let author = from_source.or_else(|| {
        parts
            .iter()
            .filter_map(|p| p.author.as_ref())
            .find(|a| a.kind() == AuthorKind::Customer)
    });
    let mut out = Map::new();
    let Some(a) = author else { return out };
    let name = a
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| a.email.clone())
        .or_else(|| a.id.as_ref().map(|id| format!("contact {id}")))
        .unwrap_or_default();
    out.insert("name".into(), Value::String(name));
    if let Some(email) = a.email.clone().filter(|e| !e.is_empty()) {
        out.insert("email".into(), Value::String(email));
    }
    out
}

fn channel(c: &Conversation) -> Option<String> {
    c.channel
        .as_ref()
        .and_then(|ch| ch.initial.clone().or_else(|| ch.current.clone()))
        .or_else(|| {
            c.source.as_ref().and_then(|s| s.kind.clone()).map(|k| {
                if k == "conversation" {
                    "messenger".into()
                } else {
                    k
                }
            })
        })
        .filter(|ch| !ch.is_empty())
}

fn author(a: Option<&Author>) -> &'static str {
    match a.map(Author::kind) {
        Some(AuthorKind::Customer) => "customer",
        Some(AuthorKind::Bot) => "ai",
        Some(AuthorKind::Agent) => "agent",
        _ => "system",
    }
}

/// What a part without a body says, for the ones worth a line.
fn event(p: &Part, names: &Names) -> Option<String> {
    let details = p.event_details.as_ref();
    let named = |key: &str| {
        details
            .and_then(|d| d.get(key))
            .and_then(|v| v.get("name").or(Some(v)))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match p.part_type.as_str() {
        t if t.starts_with("assign") || t.ends_with("assignment") => {
            let to = p.assigned_to.as_ref().and_then(|r| {
                let id = r.get("id").and_then(|i| {
                    i.as_i64()
                        .or_else(|| i.as_str().and_then(|s| s.parse().ok()))
                })?;
                match r.get("type").and_then(Value::as_str) {
                    Some("team") => names.team(id),
                    Some("admin") => names.admin(id),
                    _ => None,
                }
            });
            Some(match to {
                Some(n) => format!("Assigned to {n}"),
                None => "Assigned".to_string(),
            })
        }
        "open" => Some("Reopened".into()),
        "close" => Some("Closed".into()),
        "snoozed" => Some("Snoozed".into()),
        "unsnoozed" => Some("Woke from snooze".into()),
        t if t.starts_with("conversation_attribute_updated") => {
            let attribute = named("attribute")?;
            let value = named("value").unwrap_or_default();
            Some(format!("{attribute} set to {value}"))
        }
        _ => None,
    }
}

/// One transcript message of a part, if it says anything.
fn message(p: &Part, names: &Names) -> Option<Line> {
    let body = text(p);
    let (author, text) = if !body.is_empty() {
        (author(p.author.as_ref()), body)
    } else if !p.attachments.is_empty() {
        (
            author(p.author.as_ref()),
            format!("[{} attachment(s)]", p.attachments.len()),
        )
    } else {
        ("system", event(p, names)?)
    };
    Some(Line {
        at: time(p.created_at)?,
        author,
        name: p.author.as_ref().and_then(|a| a.name.clone()),
        text,
        private: p.part_type == "note",
    })
}

/// The source message: the conversation's first.
fn opening(c: &Conversation) -> Option<Line> {
    let s = c.source.as_ref()?;
    let body = s.body.as_deref().map(html::to_text).unwrap_or_default();
    let subject = s.subject.as_deref().map(html::to_text).unwrap_or_default();
    let text = match (subject.is_empty(), body.is_empty()) {
        (_, true) if s.attachments.is_empty() => return None,
        (_, true) => format!("[{} attachment(s)]", s.attachments.len()),
        (true, false) => body,
        (false, false) => format!("{subject}\n{body}"),
    };
    Some(Line {
        at: time(c.created_at.unwrap_or_default())?,
        author: author(s.author.as_ref()),
        name: s.author.as_ref().and_then(|a| a.name.clone()),
        text,
        private: false,
    })
}

/// Fin's own account of the conversation, as a system line.
fn ai_line(c: &Conversation, bot: Option<&str>) -> Option<String> {
    let ai = c.ai_agent.as_ref()?;
    let mut bits = Vec::new();
    if let Some(state) = ai.resolution_state.as_deref() {
        bits.push(state.replace('_', " "));
    }
    if let Some(title) = ai.source_title.as_deref().filter(|t| !t.is_empty()) {
        bits.push(format!("procedure “{title}”"));
    }
    if let Some(rating) = ai.rating {
        let remark = ai
            .rating_remark
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| format!(" “{r}”"))
            .unwrap_or_default();
        bits.push(format!("rated {rating}/5 by the customer{remark}"));
    }
    (!bits.is_empty()).then(|| format!("{}: {}", bot.unwrap_or("AI agent"), bits.join(" · ")))
}

/// The import record: what Intercom says, with the AI's `attribute` laid over.
fn record(
    c: &Conversation,
    parts: &[Part],
    names: &Names,
    attribute: Option<&Map<String, Value>>,
    now: DateTime<Utc>,
) -> Value {
    let created = c.created_at.and_then(time);
    let escalated = handed_over_at(parts)
        .or(created)
        .or(c.updated_at.and_then(time))
        .unwrap_or(now);
    let mut rec = Map::new();
    rec.insert("id".into(), Value::String(handoff_id(&c.id)));
    if let Some(t) = created {
        rec.insert("created_at".into(), Value::String(t.to_rfc3339()));
    }
    if let Some(ch) = channel(c) {
        rec.insert("channel".into(), Value::String(ch));
    }
    rec.insert("status".into(), Value::String(status(c).into()));

    let bot_name = parts
        .iter()
        .rev()
        .filter_map(|p| p.author.as_ref())
        .find(|a| a.kind() == AuthorKind::Bot)
        .and_then(|a| a.name.clone());
    let mut given = record::Given {
        escalated_at: Value::String(escalated.to_rfc3339()),
        customer: customer(c, parts),
        note: bot_note(parts).map(text).filter(|t| !t.is_empty()),
        ..record::Given::default()
    };
    if let Some(name) = bot_name.clone() {
        given.ai.insert("agent".into(), Value::String(name));
    }
    if let Some(title) = c
        .ai_agent
        .as_ref()
        .and_then(|a| a.source_title.clone())
        .filter(|t| !t.is_empty())
    {
        given.ai.insert("procedure".into(), Value::String(title));
    }
    // The flat attributes a workflow can set, for what the summary lacks.
    let attr = |key: &str| c.custom_attributes.get(key);
    if let Some(conf) = attr("ai_confidence")
        .and_then(record::number)
        .filter(|x| (0.0..=1.0).contains(x))
    {
        given.summary.insert("confidence".into(), json!(conf));
    }
    if let Some(trigger) = attr("escalation_trigger")
        .and_then(Value::as_str)
        .filter(|t| Trigger::parse(t).is_some())
    {
        given
            .summary
            .insert("escalation".into(), json!({ "trigger": trigger }));
    }
    if let Some(team) = names.team(c.team_assignee_id) {
        given.routing.insert("team".into(), Value::String(team));
    }
    given.routing.insert(
        "priority".into(),
        Value::String(priority(c.priority.as_deref()).into()),
    );
    if let Some(a) = names.admin(c.admin_assignee_id) {
        given.routing.insert("assignee".into(), Value::String(a));
    }
    record::with_object(&mut rec, attribute, given);

    let mut transcript: Vec<Line> = opening(c)
        .into_iter()
        .chain(parts.iter().filter_map(|p| message(p, names)))
        .collect();
    if let Some(text) = ai_line(c, bot_name.as_deref()) {
        transcript.push(Line {
            at: escalated,
            author: "system",
            name: None,
            text,
            private: true,
        });
    }
    // Stable: within a second, the order Intercom gave.
    transcript.sort_by_key(|m| m.at);
    rec.insert(
        "transcript".into(),
        Value::Array(transcript.iter().map(Line::value).collect()),
    );
    Value::Object(rec)
}
