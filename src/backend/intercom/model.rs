//! Serde types for the Intercom API JSON we read (schemas of the 2.16
//! OpenAPI file: `admin_with_app`, `team_list`, `admin_list`,
//! `conversation_list`, `conversation`, `conversation_part`, `tag`,
//! `ai_agent`, `error`). Everything the adapter can live without is
//! optional, so a field Intercom drops or adds does not fail a record. Ids
//! are strings in most schemas and integers in some (`admin_assignee_id`,
//! `admin_ids`): both are read.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// An id as text, whether the JSON has `"42"` or `42`.
fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Ok(s),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("{other} is not an id"))),
    }
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!("{other} is not an id"))),
    }
}

/// An integer id (`admin_assignee_id`: 0 is "nobody"), given as a number or
/// a numeric string; null reads as 0.
fn int_id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an id"))),
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("\"{s}\" is not an id"))),
        Some(other) => Err(serde::de::Error::custom(format!("{other} is not an id"))),
    }
}

fn int_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "int_id")] i64);
    Ok(Option::<Vec<Wrap>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|w| w.0)
        .collect())
}

/// `GET /me` (schema `admin_with_app`).
#[derive(Debug, Clone, Deserialize)]
pub struct Admin {
    #[serde(deserialize_with = "id")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "int_ids")]
    pub team_ids: Vec<i64>,
    #[serde(default)]
    pub app: Option<App>,
}

/// The workspace (schema `app`).
#[derive(Debug, Clone, Deserialize)]
pub struct App {
    #[serde(default)]
    pub id_code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

/// `GET /admins` (schema `admin_list`). Items are decoded one by one.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminList {
    #[serde(default)]
    pub admins: Vec<Value>,
}

/// `GET /teams` (schema `team_list`). Items are decoded one by one.
#[derive(Debug, Clone, Deserialize)]
pub struct TeamList {
    #[serde(default)]
    pub teams: Vec<Value>,
}

/// One team (schema `team`).
#[derive(Debug, Clone, Deserialize)]
pub struct Team {
    #[serde(deserialize_with = "id")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "int_ids")]
    pub admin_ids: Vec<i64>,
}

/// `POST /conversations/search` (schema `conversation_list`). Items stay
/// raw JSON and are decoded one by one, so one bad record does not blank
/// the queue.
#[derive(Debug, Clone, Deserialize)]
pub struct ConversationList {
    pub conversations: Vec<Value>,
    #[serde(default)]
    pub pages: Option<Pages>,
}

/// Schema `cursor_pages`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pages {
    #[serde(default)]
    pub next: Option<Next>,
}

/// Schema `starting_after_paging`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Next {
    #[serde(default)]
    pub starting_after: Option<String>,
}

/// One conversation: a list or search item (schema
/// `conversation_list_item`), or `GET /conversations/{id}` with its parts
/// (schema `conversation`).
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    #[serde(deserialize_with = "id")]
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
    #[serde(default)]
    pub waiting_since: Option<i64>,
    /// `open`, `closed` or `snoozed`.
    pub state: String,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "int_id")]
    pub admin_assignee_id: i64,
    #[serde(default, deserialize_with = "int_id")]
    pub team_assignee_id: i64,
    #[serde(default)]
    pub tags: Option<TagList>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub custom_attributes: Map<String, Value>,
    #[serde(default)]
    pub ai_agent_participated: Option<bool>,
    #[serde(default)]
    pub ai_agent: Option<AiAgent>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub conversation_parts: Option<PartList>,
}

/// Schema `tags`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TagList {
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// Schema `tag` (also `POST /tags`' answer).
#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    #[serde(deserialize_with = "id")]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// The message that started the conversation (schema `conversation_source`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Source {
    /// `conversation`, `email`, `push`, `facebook`, ...
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub author: Option<Author>,
    #[serde(default)]
    pub attachments: Vec<Value>,
}

/// Schema `conversation_channel`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Channel {
    #[serde(default)]
    pub initial: Option<String>,
    #[serde(default)]
    pub current: Option<String>,
}

/// Schema `ai_agent`: what Fin did, read-only.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AiAgent {
    #[serde(default)]
    pub source_type: Option<String>,
    /// The workflow or procedure that ran.
    #[serde(default)]
    pub source_title: Option<String>,
    /// `assumed_resolution`, `confirmed_resolution`, `escalated`,
    /// `negative_feedback`, `procedure_handoff`, or null.
    #[serde(default)]
    pub resolution_state: Option<String>,
    /// The customer's rating of Fin, 1..5.
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(default)]
    pub rating_remark: Option<String>,
}

/// Schema `conversation_parts`. Parts stay raw and are decoded one by one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartList {
    #[serde(default)]
    pub conversation_parts: Vec<Value>,
    #[serde(default)]
    pub total_count: Option<i64>,
}

/// One part (schema `conversation_part`).
#[derive(Debug, Clone, Deserialize)]
pub struct Part {
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// `comment`, `note`, `assignment`, `open`, `close`, ...
    pub part_type: String,
    #[serde(default)]
    pub body: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub author: Option<Author>,
    #[serde(default)]
    pub attachments: Vec<Value>,
    /// Who an assignment part assigned it to (`{type, id}`).
    #[serde(default)]
    pub assigned_to: Option<Value>,
    #[serde(default)]
    pub event_details: Option<Value>,
}

/// Schemas `conversation_part_author` / `conversation_source_author`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Author {
    /// `user`, `lead`, `contact`, `admin`, `bot`, `team`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub from_ai_agent: Option<bool>,
    #[serde(default)]
    pub is_ai_answer: Option<bool>,
}

/// Who wrote a part, as the transcript needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorKind {
    Customer,
    Agent,
    Bot,
    Unknown,
}

impl Author {
    /// Fin's parts are the bot's whatever `type` says (`from_ai_agent`;
    /// `is_ai_answer` says where a text came from, not who sent it).
    pub fn kind(&self) -> AuthorKind {
        if self.from_ai_agent == Some(true) {
            return AuthorKind::Bot;
        }
        match self.kind.as_deref() {
            Some("user" | "lead" | "contact") => AuthorKind::Customer,
            Some("admin" | "team") => AuthorKind::Agent,
            Some("bot") => AuthorKind::Bot,
            _ => AuthorKind::Unknown,
        }
    }
}

/// Schema `error`: `{"type": "error.list", "errors": [{code, message}]}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorList {
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorItem {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorList {
    /// `code: message; …` from an error body, if it is one.
    pub fn describe(body: &str) -> Option<String> {
        let list: ErrorList = serde_json::from_str(body).ok()?;
        let parts: Vec<String> = list
            .errors
            .iter()
            .map(|e| match e.message.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => format!("{}: {m}", e.code),
                None => e.code.clone(),
            })
            .collect();
        (!parts.is_empty()).then(|| crate::domain::sanitize::clean_line(&parts.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_read_as_text_or_numbers() {
        let c: Result<Conversation, _> = serde_json::from_value(json!({
            "id": 471, "state": "open", "admin_assignee_id": "991267459",
            "team_assignee_id": null
        }));
        let c = c.map_err(|e| e.to_string());
        assert_eq!(
            c.as_ref()
                .map(|c| (c.id.as_str(), c.admin_assignee_id, c.team_assignee_id)),
            Ok(("471", 991267459, 0))
        );
        let bad: Result<Conversation, _> =
            serde_json::from_value(json!({ "id": "1", "state": ["open"] }));
        assert!(bad.is_err());
    }

    #[test]
    fn an_error_list_reads_as_codes_and_messages() {
        let body = r#"{"type":"error.list","request_id":"x","errors":[{"code":"api_plan_restricted","message":"Active subscription needed."}]}"#;
        assert_eq!(
            ErrorList::describe(body).as_deref(),
            Some("api_plan_restricted: Active subscription needed.")
        );
        assert_eq!(ErrorList::describe("Internal Server Error"), None);
    }
}
