//! Agents' changes going out to Intercom from the outbox (`change.*` rows
//! of destination `intercom`). Per row:
//!
//! - verdict: tags `ai-bad-handoff` / `ai-good-handoff` / `ai-bad-<reason>`,
//!   each created-or-got once a pass (`POST /tags`) and attached by id
//!   (`POST /conversations/{id}/tags`); ours that no longer apply detached
//!   (`DELETE /conversations/{id}/tags/{tag_id}`); others' never touched.
//!   Then an internal note with the structured feedback and our marker;
//! - claim / unassign, move to a team: an `assignment` part
//!   (`POST /conversations/{id}/parts`), the team's id looked up by name in
//!   `GET /teams` once a pass;
//! - close / open / snooze: a `close` / `open` / `snoozed` part;
//! - internal note and reply: `POST /conversations/{id}/reply`
//!   (`message_type` `note` / `comment`).
//!
//! Tags, assignment and state are states: sending them twice is harmless.
//! Messages are not: when an earlier attempt may have landed
//! (`row.attempts > 1`), the conversation's newest parts are read first —
//! a note is found by its `[handoff:…]` marker, a reply (no marker: the
//! customer reads it) by its text from me since the change was made.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::client::{ApiError, Client};
use super::config::IntercomConfig;
use super::model::{Conversation, Part, Tag, Team, TeamList};
use super::{INTERCOM, html, map, sync};
use crate::backend::http::Failure;
use crate::backend::table::TimingKeys;
use crate::domain::change::Change;
use crate::domain::handoff::Status;
use crate::domain::verdict_marks::{self, marker};
use crate::outbox::delivery::{Answer, Pass, Report, Sender, run_pass};
use crate::store::{OutboxRow, Store, StoreError};

/// How long a snooze lasts: Intercom wants an end, and wakes the
/// conversation sooner when the customer answers.
pub const SNOOZE: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Send every due `intercom` row, in per-conversation order, each at most
/// once per pass. Store errors end the pass; API errors are recorded on the row.
pub async fn deliver_due(
    store: &mut Store,
    client: &Client,
    cfg: &IntercomConfig,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let me = crate::backend::sync::me_id(store, INTERCOM)?;
    let pass = Pass {
        destination: INTERCOM,
        // A verdict does a handful of requests; the lease outlives them all.
        lease: cfg.timeout() * 8 + Duration::from_secs(2),
        backoff: cfg.backoff(),
        max_backoff: cfg.max_backoff(),
        what: "intercom delivery",
    };
    let me_name = crate::backend::sync::me_name(store, INTERCOM)?.unwrap_or_default();
    let sender = Intercom {
        client,
        me,
        me_name,
        teams: None,
        tags: HashMap::new(),
    };
    run_pass(store, &pass, now, sender).await
}

struct Intercom<'a> {
    client: &'a Client,
    /// My admin id: from the last sync, else looked up once.
    me: Option<String>,
    /// My name as Intercom gives it (the author of my notes).
    me_name: String,
    /// The workspace's teams, listed once a pass when a move first needs them.
    teams: Option<Vec<Team>>,
    /// Tag name (lowercase) → id, created-or-got once a pass.
    tags: HashMap<String, String>,
}

impl Sender for Intercom<'_> {
    /// A 429's wait (`ApiError::wait`) is the end of Intercom's
    /// rate-limit window.
    async fn send(&mut self, row: &OutboxRow, now: DateTime<Utc>) -> Answer {
        Answer::from(self.deliver(row, now).await)
    }
}

impl Intercom<'_> {
    async fn deliver(&mut self, row: &OutboxRow, now: DateTime<Utc>) -> Result<(), Failure> {
        let change: Change = serde_json::from_str(&row.payload)
            .map_err(|e| Failure::Permanent(format!("stored change is unreadable: {e}")))?;
        let id = map::conversation_id(&row.handoff_id).ok_or_else(|| {
            Failure::Permanent(format!(
                "{} is not an Intercom conversation",
                row.handoff_id
            ))
        })?;
        let me = self.me().await?;
        let parts = format!("/conversations/{id}/parts");
        match &change {
            Change::Verdict {
                verdict, reasons, ..
            } => {
                let conversation = self.conversation(id).await?;
                let mut want = verdict_marks::tags_for(verdict.as_deref(), reasons);
                // Teammates' verdicts on the conversation keep their tags.
                let (parts, _) = map::parts(&conversation);
                let notes = map::marks(&conversation, &parts).notes;
                want.extend(verdict_marks::others_tags(&notes, &self.me_name));
                self.retag(id, &me, &conversation, &want).await?;
                if let Some(text) = verdict_marks::note_text(&change) {
                    let seen = (row.attempts > 1).then_some(&conversation);
                    self.reply(id, &me, row, &text, true, seen).await?;
                }
                Ok(())
            }
            Change::Assign { assignee, agent } => {
                let to = match assignee {
                    None => "0".to_string(),
                    Some(name) if name == agent => me.clone(),
                    Some(name) => {
                        return Err(Failure::Permanent(format!(
                            "assigning to someone else ({name}) is not supported; only claiming"
                        )));
                    }
                };
                let body = json!({ "message_type": "assignment", "type": "admin",
                    "admin_id": me, "assignee_id": to });
                self.client.post(&parts, &body).await?;
                Ok(())
            }
            Change::Team { team, .. } => {
                let to = match team {
                    None => "0".to_string(),
                    Some(name) => self.team_id(name).await?,
                };
                let body = json!({ "message_type": "assignment", "type": "team",
                    "admin_id": me, "assignee_id": to });
                self.client.post(&parts, &body).await?;
                Ok(())
            }
            Change::Status { status, .. } => {
                let body = match status {
                    Status::Resolved => {
                        json!({ "message_type": "close", "type": "admin", "admin_id": me })
                    }
                    Status::Open => json!({ "message_type": "open", "admin_id": me }),
                    Status::Snoozed => json!({ "message_type": "snoozed", "admin_id": me,
                        "snoozed_until": (now + SNOOZE).timestamp() }),
                    Status::Pending => {
                        return Err(Failure::Permanent(
                            "Intercom has no pending state (only Fin holds conversations)".into(),
                        ));
                    }
                };
                self.client.post(&parts, &body).await?;
                Ok(())
            }
            Change::Message { text, private, .. } => {
                let seen = if row.attempts > 1 {
                    Some(self.conversation(id).await?)
                } else {
                    None
                };
                self.reply(id, &me, row, text, *private, seen.as_ref())
                    .await
            }
        }
    }

    async fn me(&mut self) -> Result<String, Failure> {
        if let Some(id) = &self.me {
            return Ok(id.clone());
        }
        let (admin, _) = sync::whoami(self.client).await?;
        self.me = Some(admin.id.clone());
        Ok(admin.id)
    }

    /// The conversation with its newest parts and its tags.
    async fn conversation(&self, id: &str) -> Result<Conversation, Failure> {
        Ok(self
            .client
            .get(&format!("/conversations/{id}?display_as=plaintext"))
            .await?)
    }

    /// Put exactly `want` of our tags on the conversation: detach ours that
    /// are not wanted, attach the wanted ones missing. Others' stay.
    async fn retag(
        &mut self,
        id: &str,
        me: &str,
        conversation: &Conversation,
        want: &[String],
    ) -> Result<(), Failure> {
        let current: Vec<&Tag> = conversation
            .tags
            .iter()
            .flat_map(|t| t.tags.iter())
            .collect();
        let wanted = |name: &str| want.iter().any(|w| w.eq_ignore_ascii_case(name));
        for tag in current
            .iter()
            .filter(|t| verdict_marks::is_ours(&t.name) && !wanted(&t.name))
        {
            let Some(tag_id) = map::path_id(&tag.id) else {
                continue;
            };
            let path = format!("/conversations/{id}/tags/{tag_id}");
            match self.client.delete(&path, &json!({ "admin_id": me })).await {
                // Already gone: what we wanted.
                Ok(_) | Err(ApiError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        for name in want {
            if current.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
                continue;
            }
            let tag_id = self.tag_id(name).await?;
            let body = json!({ "id": tag_id, "admin_id": me });
            self.client
                .post(&format!("/conversations/{id}/tags"), &body)
                .await?;
        }
        Ok(())
    }

    /// The id of tag `name`, created if the workspace has none (Intercom's
    /// `POST /tags` is create-or-get, names case-insensitive); once a pass.
    async fn tag_id(&mut self, name: &str) -> Result<String, Failure> {
        let key = name.to_ascii_lowercase();
        if let Some(id) = self.tags.get(&key) {
            return Ok(id.clone());
        }
        let tag: Value = self.client.post("/tags", &json!({ "name": name })).await?;
        let tag: Tag = serde_json::from_value(tag)
            .map_err(|e| Failure::Permanent(format!("POST /tags answered without a tag: {e}")))?;
        self.tags.insert(key, tag.id.clone());
        Ok(tag.id)
    }

    /// The Intercom id of the team called `name` (as the sync stored it:
    /// cleaned; case ignored, as routing does).
    async fn team_id(&mut self, name: &str) -> Result<String, Failure> {
        if self.teams.is_none() {
            let list: TeamList = self.client.get("/teams").await?;
            let teams = list
                .teams
                .into_iter()
                .filter_map(|v| serde_json::from_value::<Team>(v).ok())
                .collect();
            self.teams = Some(teams);
        }
        let teams = self.teams.as_deref().unwrap_or_default();
        let named = |t: &&Team| crate::domain::sanitize::clean_line(&t.name);
        teams
            .iter()
            .find(|t| named(t) == name)
            .or_else(|| teams.iter().find(|t| named(t).eq_ignore_ascii_case(name)))
            .map(|t| t.id.clone())
            .ok_or_else(|| Failure::Permanent(format!("Intercom has no team called '{name}'")))
    }

    /// Post a note (`private`) or a reply once. `seen`: the conversation as
    /// read after an attempt that may have landed, to look for it first.
    async fn reply(
        &self,
        id: &str,
        me: &str,
        row: &OutboxRow,
        text: &str,
        private: bool,
        seen: Option<&Conversation>,
    ) -> Result<(), Failure> {
        let mark = marker(&row.idempotency_key);
        let content = if private {
            format!("{text}\n\n{mark}")
        } else {
            text.to_string()
        };
        if let Some(c) = seen
            && already_posted(c, me, row, &content, private.then_some(mark.as_str()))
        {
            tracing::info!(id = row.id, "message already in Intercom; not sent again");
            return Ok(());
        }
        let body = json!({
            "message_type": if private { "note" } else { "comment" },
            "type": "admin",
            "admin_id": me,
            "body": html::from_text(&content),
        });
        self.client
            .post(&format!("/conversations/{id}/reply"), &body)
            .await?;
        Ok(())
    }
}

/// Whether the conversation already holds this message: a note by its
/// marker; a reply (no marker: the customer reads it) as the same text
/// from me, written after the change was made.
fn already_posted(
    c: &Conversation,
    me: &str,
    row: &OutboxRow,
    content: &str,
    mark: Option<&str>,
) -> bool {
    let (parts, _) = map::parts(c);
    let since = row.created_at.timestamp() - 60;
    let same = |p: &Part| {
        let text = html::to_text(p.body.as_deref().unwrap_or_default());
        match mark {
            Some(mark) => p.part_type == "note" && text.contains(mark),
            None => {
                p.part_type == "comment"
                    && p.created_at >= since
                    && p.author.as_ref().and_then(|a| a.id.as_deref()) == Some(me)
                    && text == html::to_text(&html::from_text(content))
            }
        }
    };
    parts.iter().rev().any(same)
}
