//! One pull: the account's queues as handoffs. A full pull pages through
//! mine, my teams' unassigned and the bot-held `pending` conversations; an
//! incremental one asks only for what changed since the last sync
//! (`updated_within`, unpaginated: CW `conversation_finder.rb`).
//! Conversations whose version did not change are not fetched again; ones
//! with the agent's changes still in the outbox are left alone until sent.
//! `backend::sync` writes what comes back in one transaction: a failed pull
//! writes nothing.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::CHATWOOT;
use super::client::{ApiError, Client};
use super::config::ChatwootConfig;
use super::map;
use super::model::{Contact, Conversation, ConversationList, Message, MessageList, Profile, Team};
use crate::backend::{Ask, Me, Pulled, SyncReport};
use crate::domain::import::Imported;
use crate::domain::sanitize::clean_line;
use crate::store::{Store, StoreError, SyncWrite};

/// Chatwoot's page size (`CONVERSATION_RESULTS_PER_PAGE`, default 25).
pub const PAGE: usize = 25;
/// Messages per `before=` page (CW `message_finder.rb`).
pub const MESSAGE_PAGE: usize = 20;
/// A transcript is cut to its newest messages beyond this.
const MAX_MESSAGES: usize = 500;
/// Stop paging a queue after this many pages (10,000 conversations).
const MAX_PAGES: usize = 400;
/// Older than this, an incremental refresh is not worth it.
const INCREMENTAL_LIMIT: TimeDelta = TimeDelta::days(1);
/// Extra seconds asked for beyond the time since the last sync, for clock
/// skew and changes made while the last refresh ran.
const OVERLAP_SECS: i64 = 120;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Account(String),
}

/// `GET /api/v1/profile`, and the configured account among its accounts.
pub async fn whoami(client: &Client) -> Result<(Profile, Me), SyncError> {
    let profile: Profile = client.get("/api/v1/profile").await?;
    let wanted = client.account_id();
    let account = profile.accounts.iter().find(|a| a.id == wanted);
    let Some(account) = account else {
        let have: Vec<String> = profile
            .accounts
            .iter()
            .map(|a| format!("{} ({})", a.id, clean_line(&a.name)))
            .collect();
        return Err(SyncError::Account(format!(
            "account_id {wanted} is not one of this user's accounts; they are: {}",
            if have.is_empty() {
                "none".to_string()
            } else {
                have.join(", ")
            }
        )));
    };
    let me = Me {
        id: profile.id.to_string(),
        name: clean_line(&profile.name),
        email: profile.email.as_deref().map(clean_line),
        role: Some(clean_line(account.role.as_deref().unwrap_or("agent"))),
        account: format!("account {} ({})", account.id, clean_line(&account.name)),
    };
    Ok((profile, me))
}

/// Pull conversations into `store` and write them (`backend::sync`).
/// `since`: the last successful sync, for an incremental refresh; `None`
/// (or too long ago) pages through every queue.
pub async fn refresh(
    client: &Client,
    cfg: &ChatwootConfig,
    store: &mut Store,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<SyncReport, SyncError> {
    let known = crate::backend::sync::known(store, CHATWOOT)?;
    let ask = Ask {
        known: &known,
        since,
        history_since: now - TimeDelta::days(i64::from(crate::backend::HISTORY_DAYS)),
        now,
    };
    let pulled = pull(client, cfg, ask).await?;
    Ok(crate::backend::sync::write(store, CHATWOOT, pulled, now)?)
}

/// The conversations `ask` asks for; writes nothing.
pub async fn pull(
    client: &Client,
    cfg: &ChatwootConfig,
    ask: Ask<'_>,
) -> Result<Pulled, SyncError> {
    let Ask {
        known, since, now, ..
    } = ask;
    let (_, me) = whoami(client).await?;
    let me_id: i64 = me.id.parse().unwrap_or_default();
    let (teams, every_team) = my_teams(client, cfg).await?;
    let team_ids: HashSet<i64> = teams.iter().map(|t| t.id).collect();

    let mut report = SyncReport {
        at: now,
        ..SyncReport::default()
    };
    let incremental = since.filter(|s| now - *s < INCREMENTAL_LIMIT && *s <= now);
    let mut raw = Vec::new();
    match incremental {
        Some(since) => {
            report.incremental = true;
            let secs = (now - since).num_seconds().max(0) + OVERLAP_SECS;
            let path = client.account_path(&format!(
                "conversations?assignee_type=all&status=all&updated_within={secs}"
            ));
            let list: ConversationList = client.get(&path).await?;
            raw.extend(list.data.payload);
        }
        None => {
            raw.extend(all_pages(client, "assignee_type=me&status=open").await?);
            for team in &teams {
                let q = format!("assignee_type=unassigned&status=open&team_id={}", team.id);
                raw.extend(all_pages(client, &q).await?);
            }
            raw.extend(all_pages(client, "assignee_type=all&status=pending").await?);
        }
    }

    let mut seen = HashSet::new();
    let mut writes = Vec::new();
    for value in raw {
        let c: Conversation = match serde_json::from_value(value.clone()) {
            Ok(c) => c,
            Err(e) => {
                report.skipped += 1;
                let id = value
                    .get("id")
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "?".into());
                report.warn(format!(
                    "conversation {}: unreadable ({e}); skipped",
                    clean(&id)
                ));
                continue;
            }
        };
        if !seen.insert(c.id) {
            continue;
        }
        if !cfg.inbox_ids.is_empty() && !c.inbox_id.is_some_and(|i| cfg.inbox_ids.contains(&i)) {
            continue;
        }
        let id = map::handoff_id(c.id);
        let seen_before = known.version(&id);
        if report.incremental && seen_before.is_none() && !relevant(&c, me_id, &team_ids) {
            continue;
        }
        if known.held(&id) {
            report.held += 1;
            continue;
        }
        let version = map::version(&c);
        if seen_before == Some(version.as_str()) {
            report.unchanged += 1;
            continue;
        }
        let (messages, contact, message_values) = match messages(client, c.id, &mut report).await {
            Ok(m) => m,
            Err(ApiError::NotFound(_)) => {
                report.skipped += 1;
                report.warn(format!("{id}: gone from Chatwoot while syncing; skipped"));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        match map::handoff(&c, &messages, contact.as_ref(), now) {
            Ok(mapped) => {
                for w in mapped.warnings {
                    report.warn(format!("{id}: {w}"));
                }
                let raw = json!({ "conversation": value, "messages": message_values });
                writes.push(SyncWrite {
                    imported: Imported {
                        handoff: mapped.handoff,
                        raw: raw.to_string(),
                    },
                    version,
                    marks: map::marks(&c, &messages),
                });
            }
            Err(problems) => {
                report.skipped += 1;
                report.warn(format!("{id}: {}; skipped", problems.join("; ")));
            }
        }
    }

    Ok(Pulled {
        me,
        my_teams: teams.iter().map(|t| clean_line(&t.name)).collect(),
        all_teams: every_team,
        writes,
        report,
    })
}

/// The last successful sync, from the store.
pub fn last_sync(store: &Store) -> Option<DateTime<Utc>> {
    crate::backend::sync::last_sync(store, CHATWOOT)
}

fn clean(s: &str) -> String {
    crate::domain::sanitize::truncate(&clean_line(s), 40)
}

/// Mine, unassigned in my teams, or held by the bot.
fn relevant(c: &Conversation, me: i64, teams: &HashSet<i64>) -> bool {
    let bot_held = c.meta.assignee_type.as_deref() == Some("AgentBot");
    let assignee = c.meta.assignee.as_ref().filter(|_| !bot_held).map(|a| a.id);
    c.status == "pending"
        || assignee == Some(me)
        || (assignee.is_none() && c.meta.team.as_ref().is_some_and(|t| teams.contains(&t.id)))
}

/// The teams "Team unassigned" comes from (configured, else those I am in),
/// and the names of all the account's teams.
async fn my_teams(
    client: &Client,
    cfg: &ChatwootConfig,
) -> Result<(Vec<Team>, Vec<String>), ApiError> {
    let values: Vec<Value> = client.get(&client.account_path("teams")).await?;
    let all: Vec<Team> = values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Team>(v).ok())
        .collect();
    let names = all.iter().map(|t| t.name.clone()).collect();
    let teams = all
        .into_iter()
        .filter(|t| {
            if cfg.team_ids.is_empty() {
                t.is_member
            } else {
                cfg.team_ids.contains(&t.id)
            }
        })
        .collect();
    Ok((teams, names))
}

/// Every page of one conversation query, until a short page.
async fn all_pages(client: &Client, query: &str) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for page in 1..=MAX_PAGES {
        let path = client.account_path(&format!("conversations?{query}&page={page}"));
        let list: ConversationList = client.get(&path).await?;
        let n = list.data.payload.len();
        out.extend(list.data.payload);
        if n < PAGE {
            break;
        }
    }
    Ok(out)
}

type Messages = (Vec<Message>, Option<Contact>, Vec<Value>);

/// The transcript, newest page first, then older ones with `before=`.
async fn messages(client: &Client, id: i64, report: &mut SyncReport) -> Result<Messages, ApiError> {
    let mut out = Vec::new();
    let mut values = Vec::new();
    let mut contact = None;
    let mut before: Option<i64> = None;
    loop {
        let rest = match before {
            None => format!("conversations/{id}/messages"),
            Some(b) => format!("conversations/{id}/messages?before={b}"),
        };
        let list: MessageList = client.get(&client.account_path(&rest)).await?;
        if contact.is_none() {
            contact = list.meta.and_then(|m| m.contact);
        }
        let n = list.payload.len();
        let mut oldest = before;
        for v in list.payload {
            match serde_json::from_value::<Message>(v.clone()) {
                Ok(m) => {
                    oldest = Some(oldest.map_or(m.id, |o| o.min(m.id)));
                    out.push(m);
                    values.push(v);
                }
                Err(e) => report.warn(format!(
                    "{}: a message is unreadable ({e}); left out",
                    map::handoff_id(id)
                )),
            }
        }
        if n < MESSAGE_PAGE || oldest == before {
            break;
        }
        if out.len() >= MAX_MESSAGES {
            report.warn(format!(
                "{}: transcript cut to the newest {MAX_MESSAGES} messages",
                map::handoff_id(id)
            ));
            break;
        }
        before = oldest;
    }
    Ok((out, contact, values))
}

/// What went wrong checking who I am, and what to do about it.
pub fn explain(cfg: &ChatwootConfig, e: &SyncError) -> String {
    let base = clean_line(cfg.base());
    match e {
        SyncError::Api(ApiError::Unreachable(why)) => format!(
            "cannot reach Chatwoot at {base}: {why}. Check base_url and that the server is up."
        ),
        SyncError::Api(ApiError::Tls(_)) => format!(
            "TLS error talking to {base}: its certificate is not trusted or it does not speak \
             HTTPS on that port (self-hosted without TLS? use http://)."
        ),
        SyncError::Api(ApiError::Timeout(s)) => {
            format!("{base} did not answer within {s:.0}s. Check base_url and your network.")
        }
        SyncError::Api(ApiError::Unauthorized) => format!(
            "{base} refused the API token (401): it is wrong or was reset. Copy it again from \
             Chatwoot → Profile settings → Access Token."
        ),
        SyncError::Api(ApiError::NotFound(_) | ApiError::BadBody(..)) => format!(
            "{base} does not look like Chatwoot ({e}). base_url is the address you open Chatwoot \
             at, without /app/..."
        ),
        SyncError::Account(why) => format!("{why}. Set account_id in the [chatwoot] table."),
        other => format!("checking {base}: {other}"),
    }
}
