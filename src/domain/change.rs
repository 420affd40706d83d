//! A change an agent made that the helpdesk the workspace mirrors must hear
//! about. The store enqueues these in the change's own transaction (outbox
//! kind `change.*`); a backend adapter turns each into requests. Nothing here
//! knows any helpdesk.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::handoff::Status;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// The verdict in force became this (`verdict: None`: withdrawn). A
    /// state, not a delta, so sending it twice is harmless.
    Verdict {
        verdict: Option<String>,
        #[serde(default)]
        reasons: Vec<String>,
        #[serde(default)]
        note: Option<String>,
        agent: String,
        at: DateTime<Utc>,
    },
    /// Assigned to this agent name (`None`: unassigned).
    Assign {
        assignee: Option<String>,
        agent: String,
    },
    Status {
        status: Status,
        agent: String,
    },
    /// Moved to this team, by name (`None`: no team). A state, like `Assign`.
    Team {
        team: Option<String>,
        agent: String,
    },
    /// An internal note (`private`) or a reply the customer sees.
    Message {
        text: String,
        private: bool,
        agent: String,
    },
}

impl Change {
    /// The outbox `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Verdict { .. } => "change.verdict",
            Change::Assign { .. } => "change.assign",
            Change::Status { .. } => "change.status",
            Change::Team { .. } => "change.team",
            Change::Message { private: true, .. } => "change.note",
            Change::Message { private: false, .. } => "change.reply",
        }
    }
}
