//! Agents' changes going out to Zendesk from the outbox (`change.*` rows of
//! destination `zendesk`), each one ticket update (`PUT /api/v2/tickets/
//! {id}`), so a row spends one of the 30 updates per ticket per 10 minutes:
//!
//! - verdict: `additional_tags` (ours for the verdict) and `remove_tags`
//!   (our others), never the whole tag set, plus a private comment with the
//!   verdict, ending in our marker;
//! - claim / unassign (`assignee_id`), move to a group (`group_id`, looked
//!   up by name once per pass), status (`open`, `pending`, `solved`): with
//!   `safe_update` and the `updated_stamp` the agent saw, so a colleague's
//!   change in between is not overwritten. On 409 the ticket is read again:
//!   done already is done; the same field changed by someone else is
//!   refused (and said); anything else is retried with the new stamp;
//! - internal note and reply: a comment, private or public.
//!
//! Tags, assignee, group and status are states: sending them twice is
//! harmless. Comments are not, so each update carries the row's key in its
//! custom metadata (and private comments end in `[handoff:…]`); after an
//! attempt that may have landed (`row.attempts > 1`), the comments are
//! read for it before sending again.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use super::client::{ApiError, Client};
use super::config::ZendeskConfig;
use super::model::{Comment, Group, Ticket, TicketEnvelope};
use super::{ZENDESK, map, pull};
use crate::backend::http::Refusal;
use crate::backend::table::TimingKeys;
use crate::domain::change::Change;
use crate::domain::handoff::Status;
use crate::domain::sanitize::clean_line;
use crate::domain::verdict_marks::{self, MarkNote};
use crate::outbox::delivery::{Answer, Pass, Report, Sender, run_pass};
use crate::store::{OutboxRow, Store, StoreError};

/// Tries of a guarded write that keeps meeting a 409 before the row waits.
const CONFLICT_TRIES: usize = 3;

/// Send every due `zendesk` row, in per-ticket order, each at most once
/// per pass. Store errors end the pass; API errors are recorded on the row.
pub async fn deliver_due(
    store: &mut Store,
    client: &Client,
    cfg: &ZendeskConfig,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let me_id = crate::backend::sync::me_id(store, ZENDESK)?.and_then(|v| v.parse().ok());
    let seen = crate::backend::sync::known(store, ZENDESK)?
        .versions
        .into_iter()
        .filter_map(|(id, v)| Some((map::ticket_id(&id)?, Seen::from_version(&v)?)))
        .collect();
    let pass = Pass {
        destination: ZENDESK,
        // A row does a few requests; the lease outlives them all.
        lease: cfg.timeout() * 6 + Duration::from_secs(2),
        backoff: cfg.backoff(),
        max_backoff: cfg.max_backoff(),
        what: "zendesk delivery",
    };
    let sender = Zendesk {
        client,
        me_id,
        groups: None,
        seen,
    };
    run_pass(store, &pass, now, sender).await
}

/// A ticket as the agent last saw it (the synced version), or as our last
/// write left it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    stamp: String,
    status: String,
    assignee: String,
    group: String,
}

impl Seen {
    fn from_version(v: &str) -> Option<Seen> {
        Some(Seen {
            stamp: map::version_part(v, "u")?.to_string(),
            status: map::version_part(v, "s")?.to_string(),
            assignee: map::version_part(v, "a")?.to_string(),
            group: map::version_part(v, "g")?.to_string(),
        })
    }

    fn of(t: &Ticket) -> Seen {
        Seen::from_version(&map::version(t, &[])).unwrap_or_else(|| Seen {
            stamp: t
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            status: t.status.clone(),
            assignee: String::new(),
            group: String::new(),
        })
    }

    fn field(&self, f: Field) -> &str {
        match f {
            Field::Assignee => &self.assignee,
            Field::Group => &self.group,
            Field::Status => &self.status,
        }
    }
}

/// A ticket field a guarded write sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Assignee,
    Group,
    Status,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::Assignee => "assignee_id",
            Field::Group => "group_id",
            Field::Status => "status",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Field::Assignee => "assignee",
            Field::Group => "group",
            Field::Status => "status",
        }
    }
}

struct Zendesk<'a> {
    client: &'a Client,
    /// My Zendesk user id, looked up once when a claim first needs it.
    me_id: Option<i64>,
    /// The account's groups, listed once per pass when a move needs them.
    groups: Option<Vec<Group>>,
    /// Ticket id → how it was seen.
    seen: HashMap<i64, Seen>,
}

impl Sender for Zendesk<'_> {
    async fn send(&mut self, row: &OutboxRow, _now: DateTime<Utc>) -> Answer {
        answer(self.send_row(row).await)
    }
}

enum Failure {
    Api(Refusal),
    Permanent(String),
    /// Worth another try later, not about the server as a whole.
    Later(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::Api(e.into())
    }
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Failure {
        Failure::Api(r)
    }
}

fn answer(result: Result<(), Failure>) -> Answer {
    match result {
        Ok(()) => Answer::Ok(200),
        Err(Failure::Permanent(error)) => Answer::Permanent(error),
        Err(Failure::Later(error)) => Answer::Transient {
            error,
            retry_after: None,
            whole_receiver: false,
        },
        Err(Failure::Api(r)) if !r.error.is_transient() => Answer::Permanent(r.error.to_string()),
        Err(Failure::Api(r)) => Answer::Transient {
            error: r.error.to_string(),
            retry_after: r.retry_after.or(r.error.wait()),
            whole_receiver: r.error.whole_server() && !this_ticket_only(&r),
        },
    }
}

/// A 429 about this one ticket (its 30 updates per 10 minutes), not the
/// account: only this row waits. Zendesk says so in the body.
fn this_ticket_only(r: &Refusal) -> bool {
    let body = r.body.to_lowercase();
    matches!(r.error, ApiError::RateLimited(_))
        && (body.contains("per ticket") || body.contains("this ticket"))
}

impl Zendesk<'_> {
    async fn send_row(&mut self, row: &OutboxRow) -> Result<(), Failure> {
        let change: Change = serde_json::from_str(&row.payload)
            .map_err(|e| Failure::Permanent(format!("stored change is unreadable: {e}")))?;
        let ticket = map::ticket_id(&row.handoff_id).ok_or_else(|| {
            Failure::Permanent(format!(
                "{} is not a Zendesk ticket",
                clean_line(&row.handoff_id)
            ))
        })?;
        match &change {
            Change::Verdict {
                verdict, reasons, ..
            } => {
                let add = verdict_marks::tags_for(verdict.as_deref(), reasons);
                // Teammates' verdicts on the ticket keep their tags.
                let keep = self.others_tags(ticket).await?;
                let remove: Vec<String> = verdict_marks::every_tag()
                    .into_iter()
                    .filter(|t| !add.contains(t) && !keep.contains(t))
                    .collect();
                let mut fields = Map::new();
                if !add.is_empty() {
                    fields.insert("additional_tags".into(), json!(add));
                }
                fields.insert("remove_tags".into(), json!(remove));
                let text = verdict_marks::note_text(&change).unwrap_or_default();
                self.comment(ticket, row, &text, false, fields).await
            }
            Change::Message { text, private, .. } => {
                self.comment(ticket, row, text, !private, Map::new()).await
            }
            Change::Assign { assignee, agent } => {
                let target = match assignee {
                    None => Value::Null,
                    Some(name) if name == agent => json!(self.me().await?),
                    Some(name) => {
                        return Err(Failure::Permanent(format!(
                            "assigning to someone else ({}) is not supported; only claiming",
                            clean_line(name)
                        )));
                    }
                };
                self.guarded(ticket, Field::Assignee, target).await
            }
            Change::Team { team, .. } => {
                let target = match team {
                    None => Value::Null,
                    Some(name) => json!(self.group_id(name).await?),
                };
                self.guarded(ticket, Field::Group, target).await
            }
            Change::Status { status, .. } => {
                let target = match status {
                    Status::Open => "open",
                    Status::Resolved => "solved",
                    // Waiting: on the customer, as Zendesk has it.
                    Status::Snoozed | Status::Pending => "pending",
                };
                self.guarded(ticket, Field::Status, json!(target)).await
            }
        }
    }

    /// One update that adds a comment (with `fields` beside it), once:
    /// after an attempt that may have landed, the comments are read for
    /// the row's key first. Tags ride in the same update, so if the
    /// comment is there, so are they.
    async fn comment(
        &mut self,
        ticket: i64,
        row: &OutboxRow,
        text: &str,
        public: bool,
        mut fields: Map<String, Value>,
    ) -> Result<(), Failure> {
        let mark = verdict_marks::marker(&row.idempotency_key);
        let body = if public {
            text.to_string()
        } else {
            format!("{text}\n\n{mark}")
        };
        if row.attempts > 1 && self.already_posted(ticket, row, &body, &mark).await? {
            tracing::info!(id = row.id, "comment already in Zendesk; not sent again");
            return Ok(());
        }
        fields.insert("comment".into(), json!({ "body": body, "public": public }));
        fields.insert(
            "metadata".into(),
            json!({ "handoff_key": row.idempotency_key }),
        );
        let answer = self
            .client
            .put(
                &format!("/api/v2/tickets/{ticket}"),
                &json!({ "ticket": fields }),
            )
            .await?;
        self.remember(&answer);
        Ok(())
    }

    /// The tags the verdicts of everyone but me on `ticket` need, from
    /// their verdict notes (authors compared by id).
    async fn others_tags(&self, ticket: i64) -> Result<Vec<String>, Failure> {
        let path = format!("/api/v2/tickets/{ticket}/comments");
        let (items, _) = self.client.all_pages(&path, &[], "comments", 10).await?;
        let notes: Vec<MarkNote> = items
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Comment>(v).ok())
            .filter(|c| !c.public && verdict_marks::has_marker(c.text()))
            .map(|c| MarkNote {
                author: c.author_id.map(|a| a.to_string()).unwrap_or_default(),
                at: c.created_at,
                text: c.text().to_string(),
            })
            .collect();
        let me = self.me_id.map(|m| m.to_string()).unwrap_or_default();
        Ok(verdict_marks::others_tags(&notes, &me))
    }

    async fn already_posted(
        &self,
        ticket: i64,
        row: &OutboxRow,
        body: &str,
        mark: &str,
    ) -> Result<bool, Failure> {
        let path = format!("/api/v2/tickets/{ticket}/comments");
        // Newest first: ours is among the latest (a server that ignores the
        // order still gives the first thousand).
        let newest = [("sort_order", "desc".to_string())];
        let (items, _) = self
            .client
            .all_pages(&path, &newest, "comments", 10)
            .await?;
        let since = row.created_at - TimeDelta::seconds(60);
        Ok(items
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Comment>(v).ok())
            .any(|c| {
                c.handoff_key() == Some(row.idempotency_key.as_str())
                    || (!c.public && c.text().contains(mark))
                    // Metadata not shown back: the same reply, after the change.
                    || (c.public && c.text().trim() == body.trim() && c.created_at >= since)
            }))
    }

    /// Set `field` to `target` without overwriting a colleague's change:
    /// `safe_update` with the stamp the agent saw.
    async fn guarded(&mut self, ticket: i64, field: Field, target: Value) -> Result<(), Failure> {
        let path = format!("/api/v2/tickets/{ticket}");
        let want = match &target {
            Value::Null => "-".to_string(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut seen = match self.seen.get(&ticket) {
            Some(s) => s.clone(),
            None => Seen::of(&self.read(ticket).await?),
        };
        for _ in 0..CONFLICT_TRIES {
            let body = json!({ "ticket": {
                field.key(): target,
                "safe_update": true,
                "updated_stamp": seen.stamp,
            }});
            match self.client.put(&path, &body).await {
                Ok(answer) => {
                    self.remember(&answer);
                    return Ok(());
                }
                Err(r) if matches!(r.error, ApiError::Refused(409, _)) => {
                    let now = Seen::of(&self.read(ticket).await?);
                    let current = now.field(field);
                    let done = current == want
                        || (field == Field::Status && want == "solved" && current == "closed");
                    if done {
                        self.seen.insert(ticket, now);
                        return Ok(());
                    }
                    if current != seen.field(field) {
                        return Err(Failure::Permanent(format!(
                            "the ticket's {} was changed in Zendesk meanwhile (now {}); \
                             not overwritten",
                            field.name(),
                            self.describe(field, current)
                        )));
                    }
                    seen = now;
                }
                Err(r) => return Err(r.into()),
            }
        }
        Err(Failure::Later(format!(
            "the ticket kept changing in Zendesk (409 {CONFLICT_TRIES} times); will try again"
        )))
    }

    fn describe(&self, field: Field, value: &str) -> String {
        let value = clean_line(value);
        match field {
            Field::Assignee | Field::Group if value == "-" => "none".into(),
            Field::Group => self
                .groups
                .as_deref()
                .unwrap_or_default()
                .iter()
                .find(|g| g.id.to_string() == value)
                .map_or(format!("group {value}"), |g| clean_line(&g.name)),
            Field::Assignee => format!("user {value}"),
            Field::Status => value,
        }
    }

    async fn read(&self, ticket: i64) -> Result<Ticket, Failure> {
        let t: TicketEnvelope = self
            .client
            .get(&format!("/api/v2/tickets/{ticket}"), &[])
            .await?;
        Ok(t.ticket)
    }

    /// Keep what an update answered as the ticket's state now.
    fn remember(&mut self, answer: &Value) {
        if let Ok(t) = serde_json::from_value::<TicketEnvelope>(answer.clone()) {
            self.seen.insert(t.ticket.id, Seen::of(&t.ticket));
        }
    }

    async fn me(&mut self) -> Result<i64, Failure> {
        if let Some(id) = self.me_id {
            return Ok(id);
        }
        let (id, _) = pull::whoami(self.client).await.map_err(|e| match e {
            pull::PullError::Api(a) => Failure::from(a),
            other => Failure::Permanent(other.to_string()),
        })?;
        self.me_id = Some(id);
        Ok(id)
    }

    /// The id of the group called `name` (as the sync stored it: cleaned;
    /// case ignored, as routing does).
    async fn group_id(&mut self, name: &str) -> Result<i64, Failure> {
        if self.groups.is_none() {
            let (items, _) = self
                .client
                .all_pages("/api/v2/groups", &[], "groups", 100)
                .await?;
            self.groups = Some(
                items
                    .into_iter()
                    .filter_map(|v| serde_json::from_value::<Group>(v).ok())
                    .filter(|g| !g.deleted)
                    .collect(),
            );
        }
        let groups = self.groups.as_deref().unwrap_or_default();
        let named = |g: &&Group| clean_line(&g.name);
        groups
            .iter()
            .find(|g| named(g) == name)
            .or_else(|| groups.iter().find(|g| named(g).eq_ignore_ascii_case(name)))
            .map(|g| g.id)
            .ok_or_else(|| {
                Failure::Permanent(format!(
                    "Zendesk has no group called '{}'",
                    clean_line(name)
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(error: ApiError, body: &str) -> Refusal {
        Refusal {
            error,
            retry_after: Some(Duration::from_secs(7)),
            body: body.into(),
        }
    }

    #[test]
    fn a_429_about_one_ticket_waits_that_row_alone() {
        let one = refusal(
            ApiError::RateLimited(None),
            r#"{"error":"APIRateLimitExceeded","description":"Too many updates to this ticket"}"#,
        );
        let all = refusal(
            ApiError::RateLimited(None),
            r#"{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}"#,
        );
        for (r, whole) in [(one, false), (all, true)] {
            match answer(Err(Failure::Api(r))) {
                Answer::Transient {
                    retry_after,
                    whole_receiver,
                    ..
                } => {
                    assert_eq!(retry_after, Some(Duration::from_secs(7)));
                    assert_eq!(whole_receiver, whole);
                }
                _ => panic!("a 429 is worth another try"),
            }
        }
    }

    #[test]
    fn refusals_are_permanent_and_say_why() {
        let r = refusal(
            ApiError::Refused(422, "RecordInvalid: closed".into()),
            "RecordInvalid: closed",
        );
        match answer(Err(Failure::Api(r))) {
            Answer::Permanent(e) => assert!(e.contains("422") && e.contains("closed"), "{e}"),
            _ => panic!("a 422 will not pass by itself"),
        }
    }

    #[test]
    fn a_version_reads_back_as_what_was_seen() {
        let seen = Seen::from_version("u=2026-05-01T10:00:00Z;s=open;a=-;g=42;v=7,8");
        assert_eq!(
            seen,
            Some(Seen {
                stamp: "2026-05-01T10:00:00Z".into(),
                status: "open".into(),
                assignee: "-".into(),
                group: "42".into(),
            })
        );
    }
}
