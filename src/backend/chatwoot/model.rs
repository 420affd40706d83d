//! Serde types for the Chatwoot API JSON we read (field names from the
//! OpenAPI file, /work/shared/specs/chatwoot-swagger.json, and the jbuilder
//! views it documents). Everything the adapter can live without is optional,
//! so a field Chatwoot drops or adds does not fail a record.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Ids are `number` in the spec: accept `7` and `7.0`, refuse the rest.
fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an id")))
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "id")] i64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// `GET /api/v1/profile` (schema `user`).
#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub available_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub accounts: Vec<ProfileAccount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProfileAccount {
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
}

/// `GET .../teams` items (schema `team`).
#[derive(Debug, Clone, Deserialize)]
pub struct Team {
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub is_member: bool,
}

/// `GET .../conversations` (schema `conversation_list`). Items stay raw JSON
/// and are decoded one by one, so one bad record does not blank the queue.
#[derive(Debug, Clone, Deserialize)]
pub struct ConversationList {
    pub data: ConversationListData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConversationListData {
    #[serde(default)]
    pub meta: Map<String, Value>,
    pub payload: Vec<Value>,
}

/// One conversation (schemas `conversation` + `conversation_show`'s meta).
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    /// The per-account display id: the one URLs take.
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default, deserialize_with = "opt_id")]
    pub inbox_id: Option<i64>,
    pub status: String,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub custom_attributes: Map<String, Value>,
    #[serde(default)]
    pub additional_attributes: Map<String, Value>,
    #[serde(default)]
    pub created_at: Option<f64>,
    #[serde(default)]
    pub updated_at: Option<f64>,
    #[serde(default)]
    pub last_activity_at: Option<f64>,
    #[serde(default)]
    pub waiting_since: Option<f64>,
    #[serde(default)]
    pub meta: ConversationMeta,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConversationMeta {
    #[serde(default)]
    pub sender: Option<Contact>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// `"User"` or `"AgentBot"`, present only when assigned.
    #[serde(default)]
    pub assignee_type: Option<String>,
    #[serde(default)]
    pub team: Option<Team>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Contact {
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub custom_attributes: Map<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assignee {
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub available_name: Option<String>,
}

/// `GET .../messages` (schema `conversation_messages`).
#[derive(Debug, Clone, Deserialize)]
pub struct MessageList {
    #[serde(default)]
    pub meta: Option<MessagesMeta>,
    pub payload: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessagesMeta {
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// One message (schemas `message` / `message_detailed`).
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    #[serde(deserialize_with = "id")]
    pub id: i64,
    #[serde(default)]
    pub content: Option<String>,
    /// 0 incoming, 1 outgoing, 2 activity, 3 template.
    pub message_type: i64,
    pub created_at: f64,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub content_attributes: Map<String, Value>,
    /// `Contact`, `User`, `AgentBot`, `Captain::Assistant`.
    #[serde(default)]
    pub sender_type: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub sender_id: Option<i64>,
    #[serde(default)]
    pub sender: Option<Sender>,
    #[serde(default)]
    pub attachments: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Sender {
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    /// `contact`, `user`, `agent_bot`, `captain_assistant`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `GET`/`POST .../labels` (schema `conversation_labels`).
#[derive(Debug, Clone, Deserialize)]
pub struct Labels {
    pub payload: Vec<String>,
}

/// Who sent a message, as the transcript needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderKind {
    Contact,
    User,
    Bot,
    Unknown,
}

impl Message {
    pub fn sender_kind(&self) -> SenderKind {
        let by_type = self.sender.as_ref().and_then(|s| s.kind.as_deref());
        match (self.sender_type.as_deref(), by_type) {
            (Some("AgentBot" | "Captain::Assistant"), _)
            | (_, Some("agent_bot" | "captain_assistant")) => SenderKind::Bot,
            (Some("User"), _) | (_, Some("user")) => SenderKind::User,
            (Some("Contact"), _) | (_, Some("contact")) => SenderKind::Contact,
            _ => SenderKind::Unknown,
        }
    }

    pub fn sender_id(&self) -> Option<i64> {
        self.sender_id
            .or_else(|| self.sender.as_ref().and_then(|s| s.id))
    }
}
