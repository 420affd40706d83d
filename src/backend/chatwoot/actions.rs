//! Agents' changes going out to Chatwoot from the outbox (`change.*` rows of
//! destination `chatwoot`). Per row:
//!
//! - verdict: labels `ai-bad-handoff` / `ai-good-handoff` / `ai-bad-<reason>`
//!   by read-merge-write (Chatwoot's POST replaces the whole set: GET it
//!   right before, change only ours, keep everyone else's), then a private
//!   note with the structured feedback;
//! - claim / unassign: `assignments`; resolve, reopen, snooze: `toggle_status`;
//! - move to a team: `assignments` with `team_id` only (Chatwoot reads
//!   `team_id` only when the `assignee_id` key is absent), the id looked up
//!   by name in `GET …/teams` once per pass;
//! - internal note (`private: true`) and reply.
//!
//! Labels, assignment and status are states: sending them twice is harmless.
//! Messages are not, so each carries the row's idempotency key (in
//! `content_attributes.handoff_key`, and for private notes also as a
//! `[handoff:…]` suffix) and, when an earlier attempt may have landed, the
//! recent messages are checked for it before sending again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::client::Client;
use super::config::ChatwootConfig;
use super::model::{Labels, MessageList, Team};
use super::{CHATWOOT, map, sync};
use crate::backend::http::Failure;
use crate::backend::table::TimingKeys;
use crate::domain::change::Change;
use crate::outbox::delivery::{Answer, Pass, Report, Sender, run_pass};
use crate::store::{OutboxRow, Store, StoreError};

pub use crate::domain::verdict_marks::{BAD_TAG as BAD_LABEL, GOOD_TAG as GOOD_LABEL, marker};

/// The labels after putting `verdict` in force: everyone else's kept.
pub fn merged_labels(current: &[String], verdict: Option<&str>, reasons: &[String]) -> Vec<String> {
    crate::domain::verdict_marks::merged_tags(current, verdict, reasons, &[])
}

/// The private note that carries a verdict to the people reading Chatwoot.
pub fn verdict_note(change: &Change) -> Option<String> {
    crate::domain::verdict_marks::note_text(change)
}

/// Send every due `chatwoot` row, in per-conversation order, each at most
/// once per pass. Store errors end the pass; API errors are recorded on the row.
pub async fn deliver_due(
    store: &mut Store,
    client: &Client,
    cfg: &ChatwootConfig,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let mut me_id: Option<i64> =
        crate::backend::sync::me_id(store, CHATWOOT)?.and_then(|v| v.parse().ok());
    let pass = Pass {
        destination: CHATWOOT,
        // A row does a few requests; the lease outlives them all.
        lease: cfg.timeout() * 4 + Duration::from_secs(2),
        backoff: cfg.backoff(),
        max_backoff: cfg.max_backoff(),
        what: "chatwoot delivery",
    };
    let me_name = crate::backend::sync::me_name(store, CHATWOOT)?.unwrap_or_default();
    let sender = Chatwoot {
        client,
        me_id: &mut me_id,
        me_name: &me_name,
        teams: None,
    };
    run_pass(store, &pass, now, sender).await
}

struct Chatwoot<'a> {
    client: &'a Client,
    /// My Chatwoot user id, looked up once when a claim first needs it.
    me_id: &'a mut Option<i64>,
    /// My name as Chatwoot gives it (the author of my notes).
    me_name: &'a str,
    /// The account's teams, listed once per pass when a move first needs them.
    teams: Option<Vec<Team>>,
}

impl Sender for Chatwoot<'_> {
    /// Chatwoot's own 429 carries no Retry-After (our backoff decides); a
    /// proxy's may.
    async fn send(&mut self, row: &OutboxRow, _now: DateTime<Utc>) -> Answer {
        let me = Me {
            id: self.me_id,
            name: self.me_name,
        };
        Answer::from(send(self.client, row, me, &mut self.teams).await)
    }
}

/// Who I am in Chatwoot, as far as a delivery needs to know.
struct Me<'a> {
    id: &'a mut Option<i64>,
    name: &'a str,
}

async fn send(
    client: &Client,
    row: &OutboxRow,
    me: Me<'_>,
    teams: &mut Option<Vec<Team>>,
) -> Result<(), Failure> {
    let change: Change = serde_json::from_str(&row.payload)
        .map_err(|e| Failure::Permanent(format!("stored change is unreadable: {e}")))?;
    let conversation = map::display_id(&row.handoff_id).ok_or_else(|| {
        Failure::Permanent(format!("{} is not a Chatwoot conversation", row.handoff_id))
    })?;
    let path = |rest: &str| client.account_path(&format!("conversations/{conversation}/{rest}"));
    match &change {
        Change::Verdict {
            verdict, reasons, ..
        } => {
            let current: Labels = client.get(&path("labels")).await?;
            // Teammates' verdicts on the same conversation keep their labels.
            let (messages, ..) = super::sync::messages(client, conversation).await?;
            let notes = super::map::marks(&[], &messages).notes;
            let keep = crate::domain::verdict_marks::others_tags(&notes, me.name);
            let next = crate::domain::verdict_marks::merged_tags(
                &current.payload,
                verdict.as_deref(),
                reasons,
                &keep,
            );
            if next != current.payload {
                client
                    .post(&path("labels"), &json!({ "labels": next }))
                    .await?;
            }
            if let Some(text) = verdict_note(&change) {
                post_message(client, &path("messages"), row, &text, true).await?;
            }
            Ok(())
        }
        Change::Assign { assignee, agent } => {
            let assignee_id = match assignee {
                None => Value::Null,
                Some(name) if name == agent => json!(my_id(client, me.id).await?),
                Some(name) => {
                    return Err(Failure::Permanent(format!(
                        "assigning to someone else ({name}) is not supported; only claiming"
                    )));
                }
            };
            client
                .post(&path("assignments"), &json!({ "assignee_id": assignee_id }))
                .await?;
            Ok(())
        }
        Change::Status { status, .. } => {
            client
                .post(
                    &path("toggle_status"),
                    &json!({ "status": status.as_str() }),
                )
                .await?;
            Ok(())
        }
        Change::Message { text, private, .. } => {
            post_message(client, &path("messages"), row, text, *private).await
        }
        Change::Team { team, .. } => {
            let team_id = match team {
                None => Value::Null,
                Some(name) => json!(team_id(client, teams, name).await?),
            };
            // No `assignee_id` key: with it, Chatwoot ignores `team_id`.
            client
                .post(&path("assignments"), &json!({ "team_id": team_id }))
                .await?;
            Ok(())
        }
    }
}

/// The Chatwoot id of the team called `name` (as the sync stored it:
/// cleaned; case ignored, as routing does).
async fn team_id(
    client: &Client,
    cached: &mut Option<Vec<Team>>,
    name: &str,
) -> Result<i64, Failure> {
    if cached.is_none() {
        let values: Vec<Value> = client.get(&client.account_path("teams")).await?;
        // One unreadable entry does not hide the others.
        let list = values
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Team>(v).ok())
            .collect();
        *cached = Some(list);
    }
    let teams = cached.as_deref().unwrap_or_default();
    let named = |t: &&Team| crate::domain::sanitize::clean_line(&t.name);
    teams
        .iter()
        .find(|t| named(t) == name)
        .or_else(|| teams.iter().find(|t| named(t).eq_ignore_ascii_case(name)))
        .map(|t| t.id)
        .ok_or_else(|| Failure::Permanent(format!("Chatwoot has no team called '{name}'")))
}

async fn my_id(client: &Client, cached: &mut Option<i64>) -> Result<i64, Failure> {
    if let Some(id) = *cached {
        return Ok(id);
    }
    let (_, me) = sync::whoami(client).await.map_err(|e| match e {
        sync::SyncError::Api(a) => Failure::Api(a),
        other => Failure::Permanent(other.to_string()),
    })?;
    let id = me
        .id
        .parse()
        .map_err(|_| Failure::Permanent(format!("Chatwoot user id '{}' is not a number", me.id)))?;
    *cached = Some(id);
    Ok(id)
}

/// Post a message once: after an attempt that may have landed, look for
/// our key among the newest messages first.
async fn post_message(
    client: &Client,
    path: &str,
    row: &OutboxRow,
    text: &str,
    private: bool,
) -> Result<(), Failure> {
    let mark = marker(&row.idempotency_key);
    let content = if private {
        format!("{text}\n\n{mark}")
    } else {
        text.to_string()
    };
    if row.attempts > 1 && already_posted(client, path, row, &content, &mark).await? {
        tracing::info!(id = row.id, "message already in Chatwoot; not sent again");
        return Ok(());
    }
    let body = json!({
        "content": content,
        "message_type": "outgoing",
        "private": private,
        "content_attributes": { "handoff_key": row.idempotency_key },
    });
    client.post(path, &body).await?;
    Ok(())
}

async fn already_posted(
    client: &Client,
    path: &str,
    row: &OutboxRow,
    content: &str,
    mark: &str,
) -> Result<bool, Failure> {
    let list: MessageList = client.get(path).await?;
    let since = row.created_at.timestamp() as f64 - 60.0;
    Ok(list.payload.iter().any(|v| {
        let key = v
            .get("content_attributes")
            .and_then(|a| a.get("handoff_key"))
            .and_then(Value::as_str);
        let text = v.get("content").and_then(Value::as_str).unwrap_or("");
        let at = v.get("created_at").and_then(Value::as_f64).unwrap_or(0.0);
        key == Some(row.idempotency_key.as_str())
            || text.contains(mark)
            // Servers that drop unknown content_attributes: the same reply,
            // sent after the change was made.
            || (text == content && at >= since)
    }))
}
