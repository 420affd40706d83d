//! One pull: the workspace's queues as handoffs, through
//! `POST /conversations/search` with cursor paging (150 a page,
//! `starting_after`). A full pull asks for mine (open, assigned to me), my
//! teams' unassigned, the conversations Fin still holds, and my teams'
//! history since `history_since` (any assignee, closed too: the lead's
//! figures). An incremental one asks for everything updated since the last
//! sync (with an overlap) and keeps what is mine, my teams' or Fin's, and
//! every change to a conversation already mirrored. Conversations whose
//! version did not change, or with the agent's changes still in the
//! outbox, are not fetched; the others are, one `GET` each (parts as plain
//! text), four at a time. `backend::sync` writes what comes back in one
//! transaction.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

use super::client::{ApiError, Client};
use super::config::IntercomConfig;
use super::map::{self, Names};
use super::model::{Admin, AdminList, Conversation, ConversationList, Team, TeamList};
use crate::backend::{Ask, Me, Pulled, SyncReport};
use crate::domain::import::Imported;
use crate::domain::sanitize::{clean_line, truncate};
use crate::store::SyncWrite;

/// Conversations per search page: Intercom's maximum.
pub const PAGE: usize = 150;
/// Stop paging one search after this many pages (30,000 conversations).
const MAX_PAGES: usize = 200;
/// Older than this, an incremental refresh is not worth it.
const INCREMENTAL_LIMIT: TimeDelta = TimeDelta::days(1);
/// Extra seconds asked for beyond the time since the last sync, for clock
/// skew and changes made while the last refresh ran.
const OVERLAP_SECS: i64 = 120;
/// Conversations fetched at once: enough to hide the round trips, far
/// inside Intercom's limit (10,000 requests a minute per app, metered in
/// 10-second slices).
const FETCHES: usize = 4;

/// `GET /me`: the admin the token belongs to, and who that is for a person.
pub async fn whoami(client: &Client) -> Result<(Admin, Me), ApiError> {
    let admin: Admin = client.get("/me").await?;
    let name = admin
        .name
        .as_deref()
        .or(admin.email.as_deref())
        .map(clean_line)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("admin {}", clean_line(&admin.id)));
    let app = admin.app.as_ref();
    let workspace = app
        .and_then(|a| a.name.as_deref())
        .map(clean_line)
        .unwrap_or_else(|| "the workspace".into());
    let account = match app.and_then(|a| a.id_code.as_deref()) {
        Some(code) => format!("workspace {workspace} (app_id {})", clean_line(code)),
        None => format!("workspace {workspace}"),
    };
    let me = Me {
        id: admin.id.clone(),
        name,
        email: admin.email.as_deref().map(clean_line),
        role: Some("teammate".into()),
        account,
    };
    Ok((admin, me))
}

/// The conversations `ask` asks for; writes nothing.
pub async fn pull(client: &Client, cfg: &IntercomConfig, ask: Ask<'_>) -> Result<Pulled, ApiError> {
    let Ask {
        known,
        since,
        history_since,
        now,
    } = ask;
    let (admin, me) = whoami(client).await?;
    let mut report = SyncReport {
        at: now,
        ..SyncReport::default()
    };
    let dir = directory(client, cfg, &admin, &me, &mut report).await?;
    let scope = Scope {
        me: admin.id.parse().unwrap_or(-1),
        teams: dir.mine.iter().filter_map(|t| t.id.parse().ok()).collect(),
    };

    let incremental = since.filter(|s| now - *s < INCREMENTAL_LIMIT && *s <= now);
    let mut raw = Vec::new();
    match incremental {
        Some(since) => {
            report.incremental = true;
            let after = (since - TimeDelta::seconds(OVERLAP_SECS)).timestamp();
            raw.extend(search(client, vec![filter("updated_at", ">", json!(after))]).await?);
        }
        None => {
            for query in scope.queries(history_since) {
                raw.extend(search(client, query).await?);
            }
        }
    }

    // What to fetch: readable, in scope, not held, changed.
    let mut seen = HashSet::new();
    let mut todo = Vec::new();
    for value in raw {
        let c: Conversation = match serde_json::from_value(value.clone()) {
            Ok(c) => c,
            Err(e) => {
                report.skipped += 1;
                report.warn(format!(
                    "{}: unreadable ({e}); skipped",
                    map::handoff_id(&raw_id(&value))
                ));
                continue;
            }
        };
        if !seen.insert(c.id.clone()) {
            continue;
        }
        let id = map::handoff_id(&c.id);
        // It goes into a path, and into messages: letters and digits only.
        let Some(conversation) = map::conversation_id(&id) else {
            report.skipped += 1;
            report.warn(format!(
                "{}: not an Intercom conversation id; skipped",
                clean(&id)
            ));
            continue;
        };
        let seen_before = known.version(&id);
        let queued = scope.queued(&c);
        // Unknown and neither in my queues nor my teams': not ours to show.
        if seen_before.is_none() && !queued && !scope.team(&c) {
            continue;
        }
        if known.held(&id) {
            report.held += 1;
            continue;
        }
        let version = map::version(&c);
        if seen_before == Some(version.as_str()) {
            report.unchanged += 1;
            report.for_figures += usize::from(!queued);
            continue;
        }
        let path = format!("/conversations/{conversation}?display_as=plaintext");
        todo.push((id, path, queued, version));
    }

    // The conversations themselves, a few at a time: one after another, a
    // team's first sync waits a round trip per conversation.
    let fetched: Vec<_> = futures::stream::iter(todo)
        .map(|(id, path, queued, version)| async move {
            match client.get::<Value>(&path).await {
                Ok(v) => Ok((id, queued, version, Some(v))),
                // Gone while syncing: skipped below, the rest goes on.
                Err(ApiError::NotFound(_)) => Ok((id, queued, version, None)),
                Err(e) => Err(e),
            }
        })
        .buffered(FETCHES)
        .try_collect()
        .await?;

    let mut writes = Vec::new();
    for (id, queued, version, detail) in fetched {
        let Some(detail) = detail else {
            report.skipped += 1;
            report.warn(format!("{id}: gone from Intercom while syncing; skipped"));
            continue;
        };
        let full: Conversation = match serde_json::from_value(detail.clone()) {
            Ok(f) => f,
            Err(e) => {
                report.skipped += 1;
                report.warn(format!("{id}: unreadable ({e}); skipped"));
                continue;
            }
        };
        let (parts, part_warnings) = map::parts(&full);
        for w in part_warnings {
            report.warn(format!("{id}: {w}"));
        }
        match map::handoff(&full, &parts, &dir.names, now) {
            Ok(mapped) => {
                for w in mapped.warnings {
                    report.warn(format!("{id}: {w}"));
                }
                report.for_figures += usize::from(!queued);
                writes.push(SyncWrite {
                    imported: Imported {
                        handoff: mapped.handoff,
                        raw: json!({ "conversation": detail }).to_string(),
                    },
                    version,
                    marks: map::marks(&full, &parts),
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
        my_teams: dir.mine.iter().map(|t| clean_line(&t.name)).collect(),
        all_teams: dir.all.iter().map(|t| clean_line(&t.name)).collect(),
        writes,
        report,
        views: Vec::new(),
    })
}

/// Whose queues a pull fills: my admin id and my teams' ids.
struct Scope {
    me: i64,
    teams: Vec<i64>,
}

impl Scope {
    /// The searches of a full pull: mine, my teams' unassigned, Fin's
    /// (narrowed to the ones it still holds afterwards), my teams' history.
    fn queries(&self, history_since: DateTime<Utc>) -> Vec<Vec<Value>> {
        let open = filter("state", "=", json!("open"));
        let unassigned = filter("admin_assignee_id", "=", json!(0));
        let mut out = vec![
            vec![
                filter("admin_assignee_id", "=", json!(self.me)),
                open.clone(),
            ],
            vec![
                filter("ai_agent_participated", "=", json!(true)),
                unassigned.clone(),
                open.clone(),
            ],
        ];
        if !self.teams.is_empty() {
            let teams = filter("team_assignee_id", "IN", json!(self.teams));
            out.push(vec![teams.clone(), unassigned, open]);
            out.push(vec![
                teams,
                filter("updated_at", ">", json!(history_since.timestamp())),
            ]);
        }
        out
    }

    /// In one of my queues: mine and open, my teams' unassigned and open,
    /// or held by Fin.
    fn queued(&self, c: &Conversation) -> bool {
        let open = c.state == "open";
        (open && c.admin_assignee_id == self.me)
            || (open && c.admin_assignee_id == 0 && self.team(c))
            || map::bot_held(c)
    }

    /// One of my teams' (the lead's figures count it).
    fn team(&self, c: &Conversation) -> bool {
        self.teams.contains(&c.team_assignee_id)
    }
}

fn filter(field: &str, operator: &str, value: Value) -> Value {
    json!({ "field": field, "operator": operator, "value": value })
}

/// Every page of one search (`filters` ANDed), following `starting_after`.
async fn search(client: &Client, filters: Vec<Value>) -> Result<Vec<Value>, ApiError> {
    let query = match filters.len() {
        1 => filters.into_iter().next().unwrap_or_default(),
        _ => json!({ "operator": "AND", "value": filters }),
    };
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut pagination = json!({ "per_page": PAGE });
        if let Some(c) = &cursor {
            pagination["starting_after"] = json!(c);
        }
        let body = json!({ "query": query, "pagination": pagination });
        let page: ConversationList = client.search("/conversations/search", &body).await?;
        let n = page.conversations.len();
        out.extend(page.conversations);
        let next = page
            .pages
            .and_then(|p| p.next)
            .and_then(|n| n.starting_after)
            .filter(|c| !c.is_empty());
        match next {
            Some(c) if n > 0 && cursor.as_ref() != Some(&c) => cursor = Some(c),
            _ => break,
        }
    }
    Ok(out)
}

/// My teams ("Team unassigned" comes from them: configured, else the ones
/// I am in), every team, and the names of admins and teams by id.
struct Directory {
    mine: Vec<Team>,
    all: Vec<Team>,
    names: Names,
}

async fn directory(
    client: &Client,
    cfg: &IntercomConfig,
    admin: &Admin,
    me: &Me,
    report: &mut SyncReport,
) -> Result<Directory, ApiError> {
    let list: TeamList = client.get("/teams").await?;
    let all: Vec<Team> = list
        .teams
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Team>(v).ok())
        .collect();
    let my_id: i64 = admin.id.parse().unwrap_or(-1);
    let mine: Vec<Team> = all
        .iter()
        .filter(|t| {
            let id: i64 = t.id.parse().unwrap_or(-1);
            if cfg.team_ids.is_empty() {
                t.admin_ids.contains(&my_id) || admin.team_ids.contains(&id)
            } else {
                cfg.team_ids.contains(&id)
            }
        })
        .cloned()
        .collect();
    for id in &cfg.team_ids {
        if !all.iter().any(|t| t.id == id.to_string()) {
            report.warn(format!("team_ids: Intercom has no team {id}"));
        }
    }
    let mut names = Names {
        teams: all.iter().map(|t| (t.id.clone(), t.name.clone())).collect(),
        ..Names::default()
    };
    // Teammates' names, for "assigned to" (a token without the scope to list
    // admins still works: they show as "admin <id>").
    match client.get::<AdminList>("/admins").await {
        Ok(list) => {
            for v in list.admins {
                if let (Some(id), Some(name)) = (
                    v.get("id")
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)),
                    v.get("name").and_then(Value::as_str),
                ) {
                    names.admins.insert(id, name.to_string());
                }
            }
        }
        Err(ApiError::Forbidden(why)) => {
            report.warn(format!("listing teammates refused ({why}); shown by id"));
        }
        Err(e) => return Err(e),
    }
    names.admins.insert(admin.id.clone(), me.name.clone());
    Ok(Directory { mine, all, names })
}

/// A raw record's id, for a warning.
fn raw_id(value: &Value) -> String {
    let id = value
        .get("id")
        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
        .unwrap_or_else(|| "?".into());
    clean(&id)
}

fn clean(s: &str) -> String {
    truncate(&clean_line(s), 40)
}

/// What went wrong checking who I am, and what to do about it.
pub fn explain(client: &Client, e: &ApiError) -> String {
    let base = client.shown_base();
    match e {
        ApiError::Unreachable(why) => format!(
            "cannot reach Intercom at {base}: {why}. Check region (or base_url) in [intercom] \
             and your network."
        ),
        ApiError::Tls(_) => format!(
            "TLS error talking to {base}: its certificate is not trusted or it does not speak \
             HTTPS there (a proxy? check base_url)."
        ),
        ApiError::Timeout(s) => {
            format!(
                "{base} did not answer within {s:.0}s. Check your network, or raise timeout_secs."
            )
        }
        ApiError::Unauthorized => format!(
            "{base} refused the access token (401 Unauthorized): it is wrong or was revoked, or \
             the workspace lives in another region (region = \"eu\" or \"au\" in [intercom]). \
             Copy it again from Intercom → Settings → Integrations → Developer Hub → your app \
             → Authentication."
        ),
        ApiError::Forbidden(why) if why.contains("api_plan_restricted") => format!(
            "Intercom refused the API for this workspace's plan (403: {why}): the REST API needs \
             an active subscription that includes it."
        ),
        ApiError::Forbidden(why) => format!(
            "Intercom refused (403: {why}): the app's token lacks a permission. Give it read and \
             write access to conversations, and read access to admins, teams and tags."
        ),
        ApiError::NotFound(_) | ApiError::BadBody(..) => format!(
            "{base} does not look like Intercom's API ({e}). Leave base_url out to use the \
             region's address."
        ),
        ApiError::RateLimited(_) => {
            "Intercom is rate limiting this app (429); try again in a minute.".into()
        }
        other => format!("checking {base}: {other}"),
    }
}
