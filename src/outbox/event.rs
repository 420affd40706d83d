//! The generic JSON event a webhook receives for every verdict change.
//!
//! A receiver reconciles with two fields: `sequence` increases per handoff
//! (the highest one seen is what is in force; a retraction means "no
//! verdict"), and `retracts` names the `event_id` a retraction withdraws.
//! `event_id` is also the request's `Idempotency-Key`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "handoff.verdict")]
    Verdict,
    #[serde(rename = "handoff.verdict_retracted")]
    Retracted,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Verdict => "handoff.verdict",
            EventKind::Retracted => "handoff.verdict_retracted",
        }
    }
    pub fn parse(s: &str) -> Option<EventKind> {
        [EventKind::Verdict, EventKind::Retracted]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictEvent {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub handoff_id: String,
    /// 1, 2, 3… per handoff, in the order the changes were made.
    pub sequence: i64,
    /// For a retraction, the `event_id` of the verdict it withdraws.
    pub retracts: Option<String>,
    /// For a retraction, the verdict being withdrawn (with its reasons and note).
    pub verdict: String,
    pub reasons: Vec<String>,
    pub note: Option<String>,
    /// Who gave the verdict, or who withdrew it.
    pub agent: String,
    pub at: DateTime<Utc>,
    pub ai_agent: Option<String>,
    pub procedure: Option<String>,
    pub procedure_version: Option<String>,
    pub trigger: Option<String>,
    pub confidence: Option<f64>,
}
