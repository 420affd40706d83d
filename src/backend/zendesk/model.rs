//! Serde types for the Zendesk Support API JSON we read. Field names are
//! those of Zendesk's recorded responses (tests/fixtures/zendesk, from the
//! go-zendesk client's fixtures) and its reference pages. Everything the
//! adapter can live without is optional, so a field Zendesk drops or adds
//! does not fail a record. Lists stay raw JSON where one bad item must not
//! blank the rest, and are decoded item by item.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

/// `GET /api/v2/users/me` and friends: `{"user": {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct UserEnvelope {
    pub user: User,
}

/// A user (agent, admin or end user).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct User {
    /// Zendesk answers `users/me` for an anonymous caller with `id: null`.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `end-user`, `agent`, `admin`.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub user_fields: Map<String, Value>,
}

impl User {
    pub fn is_end_user(&self) -> bool {
        self.role.as_deref() == Some("end-user")
    }
}

/// An organization (`organizations/show_many`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Organization {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub organization_fields: Map<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GroupMembership {
    pub user_id: i64,
    pub group_id: i64,
}

/// `GET /api/v2/views/{id}`: `{"view": {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ViewEnvelope {
    pub view: View,
}

#[derive(Debug, Clone, Deserialize)]
pub struct View {
    pub id: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `GET /api/v2/views/count_many`.
#[derive(Debug, Clone, Deserialize)]
pub struct ViewCounts {
    #[serde(default)]
    pub view_counts: Vec<ViewCount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ViewCount {
    pub view_id: i64,
    /// `null` while Zendesk is still counting (`fresh: false`).
    #[serde(default)]
    pub value: Option<u64>,
}

/// One ticket (`tickets`, `results`, `ticket`).
#[derive(Debug, Clone, Deserialize)]
pub struct Ticket {
    pub id: i64,
    pub status: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub requester_id: Option<i64>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub organization_id: Option<i64>,
    #[serde(default)]
    pub group_id: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    #[serde(default)]
    pub via: Option<Via>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CustomField {
    pub id: i64,
    #[serde(default)]
    pub value: Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Via {
    #[serde(default)]
    pub channel: Option<String>,
}

/// `{"ticket": {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct TicketEnvelope {
    pub ticket: Ticket,
}

/// One comment (`GET /api/v2/tickets/{id}/comments`).
#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    pub id: i64,
    #[serde(default)]
    pub author_id: Option<i64>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub plain_body: Option<String>,
    #[serde(default = "yes")]
    pub public: bool,
    #[serde(default)]
    pub attachments: Vec<Value>,
    #[serde(default)]
    pub via: Option<Via>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    pub created_at: DateTime<Utc>,
}

impl Comment {
    /// The text as people read it: `plain_body` (HTML stripped by Zendesk)
    /// when there is one, else `body`.
    pub fn text(&self) -> &str {
        self.plain_body
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .or(self.body.as_deref())
            .unwrap_or("")
    }

    /// The idempotency key we put in the update's custom metadata, as
    /// Zendesk shows it on the comment (`metadata.custom.handoff_key`).
    pub fn handoff_key(&self) -> Option<&str> {
        self.metadata
            .as_ref()?
            .get("custom")?
            .get("handoff_key")?
            .as_str()
    }

    pub fn channel(&self) -> Option<&str> {
        self.via.as_ref().and_then(|v| v.channel.as_deref())
    }
}
