//! The handoff as data: what an AI agent hands a human. Field names are the
//! public import format (docs/handoff-format.md); keep them stable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Conversation status, as helpdesks model it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    Pending,
    Snoozed,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Pending,
        Status::Snoozed,
        Status::Resolved,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Snoozed => "snoozed",
            Status::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Routing priority. Ordered so that `Urgent < High < Normal < Low`, i.e. sorting
/// ascending puts the most urgent first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Urgent,
    High,
    #[default]
    Normal,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }
    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// The queue's four-letter column: "URG" stands out, the rest are words.
    pub fn short(self) -> &'static str {
        match self {
            Priority::Urgent => "URG",
            Priority::High => "high",
            Priority::Normal => "norm",
            Priority::Low => "low",
        }
    }
}

/// Why the AI escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    CustomerRequestedHuman,
    LowConfidence,
    RepeatedFailure,
    NegativeSentiment,
    SensitiveTopic,
    PolicyException,
    BusinessRule,
    Security,
    Other,
}

impl Trigger {
    pub const ALL: [Trigger; 9] = [
        Trigger::CustomerRequestedHuman,
        Trigger::LowConfidence,
        Trigger::RepeatedFailure,
        Trigger::NegativeSentiment,
        Trigger::SensitiveTopic,
        Trigger::PolicyException,
        Trigger::BusinessRule,
        Trigger::Security,
        Trigger::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::CustomerRequestedHuman => "customer_requested_human",
            Trigger::LowConfidence => "low_confidence",
            Trigger::RepeatedFailure => "repeated_failure",
            Trigger::NegativeSentiment => "negative_sentiment",
            Trigger::SensitiveTopic => "sensitive_topic",
            Trigger::PolicyException => "policy_exception",
            Trigger::BusinessRule => "business_rule",
            Trigger::Security => "security",
            Trigger::Other => "other",
        }
    }
    /// Human label for the summary screen.
    pub fn label(self) -> &'static str {
        match self {
            Trigger::CustomerRequestedHuman => "customer asked for a human",
            Trigger::LowConfidence => "low confidence",
            Trigger::RepeatedFailure => "repeated failure",
            Trigger::NegativeSentiment => "negative sentiment",
            Trigger::SensitiveTopic => "sensitive topic",
            Trigger::PolicyException => "policy exception",
            Trigger::BusinessRule => "business rule",
            Trigger::Security => "security",
            Trigger::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Where a collected fact came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Customer,
    Lookup,
    Page,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Customer => "customer",
            Source::Lookup => "lookup",
            Source::Page => "page",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        [Source::Customer, Source::Lookup, Source::Page]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Ai,
    Agent,
    System,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Ai => "ai",
            Author::Agent => "agent",
            Author::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<Author> {
        [Author::Customer, Author::Ai, Author::Agent, Author::System]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_age_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_escalations: Option<u32>,
}

impl Customer {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AiInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub action: String,
    #[serde(default)]
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub trigger: Trigger,
    #[serde(default)]
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promise {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Technical {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

/// The structured handoff summary. Every field may be missing: completeness
/// measures that, and the screen shows what is missing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collected: Vec<Collected>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempted: Vec<Attempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised: Option<Promise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical: Option<Technical>,
    /// Text from a free-text note that no section heading claimed, kept verbatim
    /// (cleaned) so the agent still sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unparsed: Option<String>,
    /// Sections with headings the parser did not know: (heading, body).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Routing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub at: DateTime<Utc>,
    pub author: Author,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub text: String,
    #[serde(default)]
    pub private: bool,
}

/// One escalated conversation with everything the AI handed over.
/// Text fields hold *cleaned* text (see `sanitize`); the raw input is kept
/// separately by the store for audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    pub escalated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub ai: AiInfo,
    #[serde(default)]
    pub summary: Summary,
    /// The free-text note as the bot wrote it (cleaned), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub routing: Routing,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcript: Vec<Message>,
}

impl Handoff {
    /// Whether the bot handed over a free-text note (kept as written).
    pub fn has_note(&self) -> bool {
        self.note.as_deref().is_some_and(|n| !n.trim().is_empty())
    }
}
