//! One pull: the account's queues as handoffs, and the team's history for
//! the lead's figures. Writes nothing (`backend::sync` does, in one go).
//!
//! - Full: Mine (`assignee:me status<solved`), each of my groups'
//!   unassigned (`group:<id> assignee:none status<solved`), the configured
//!   views, and every ticket of my groups updated since `history_since`
//!   (`group:<id> updated><time>`, any assignee or status). Searches go
//!   through the search export (cursor pages of 100); views through their
//!   ticket lists (cursor pages too).
//! - Incremental (the last sync less than a day ago): the incremental
//!   ticket export from a little before the last sync (`cursor` pages until
//!   `end_of_stream`), kept when the ticket is in my queues, already
//!   mirrored, or my groups' (a paging of the export costs one of its 10
//!   requests a minute: one refresh a minute uses one); and the views
//!   again (their membership is Zendesk's to say).
//!
//! Tickets whose version did not change, and those with the agent's
//! changes still on the way out, are not fetched again. For the others the
//! comments are fetched (the transcript), then their people in batches
//! (`users/show_many`, `organizations/show_many`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::client::{ApiError, Client};
use super::config::ZendeskConfig;
use super::map::{self, People};
use super::model::{
    Comment, Group, GroupMembership, Organization, Ticket, User, UserEnvelope, ViewCounts,
    ViewEnvelope,
};
use crate::backend::views::View;
use crate::backend::{Ask, Me, Pulled, SyncReport};
use crate::domain::import::Imported;
use crate::domain::sanitize::{clean_line, truncate};
use crate::store::SyncWrite;

/// Pages of one list before we stop (10,000 tickets).
const MAX_PAGES: usize = 100;
/// Comment pages per ticket (the newest 1,000 comments... in order).
const MAX_COMMENT_PAGES: usize = 10;
/// Older than this, an incremental refresh is not worth it.
const INCREMENTAL_LIMIT: TimeDelta = TimeDelta::days(1);
/// Seconds asked for before the last sync, for clock skew, changes made
/// while it ran, and the export's last minute (it leaves that out).
const OVERLAP_SECS: i64 = 180;
/// Ids per `show_many` request (Zendesk's most).
const SHOW_MANY: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The token works but is not an agent's.
    #[error("{0}")]
    Account(String),
}

/// `GET /api/v2/users/me`: my id and who I am.
pub async fn whoami(client: &Client) -> Result<(i64, Me), PullError> {
    let me: UserEnvelope = client.get("/api/v2/users/me", &[]).await?;
    let user = me.user;
    let Some(id) = user.id else {
        // Zendesk answers an unauthenticated caller as an anonymous user.
        return Err(PullError::Account(
            "Zendesk answered as an anonymous user: the token was not accepted \
             (with an API token, email must be the agent's sign-in email)"
                .into(),
        ));
    };
    if user.is_end_user() {
        return Err(PullError::Account(format!(
            "{} is an end user in Zendesk, not an agent: use an agent's token",
            clean_line(user.name.as_deref().unwrap_or("this user"))
        )));
    }
    let name = user
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .or(user.email.as_deref())
        .map(clean_line)
        .unwrap_or_else(|| format!("user {id}"));
    Ok((
        id,
        Me {
            id: id.to_string(),
            name,
            email: user.email.as_deref().map(clean_line),
            role: user.role.as_deref().map(clean_line),
            account: client.endpoint.host.clone(),
        },
    ))
}

/// Why a ticket was pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// Mine, my groups' unassigned, or in a configured view.
    Queue,
    /// Only for the team's figures (or mirrored before, out of my queues now).
    Figures,
}

/// One configured view as pulled.
#[derive(Debug, Clone)]
pub struct ViewQueue {
    pub id: i64,
    pub title: String,
    /// What Zendesk counts in it (`None`: still counting).
    pub count: Option<u64>,
    pub tickets: Vec<i64>,
}

/// The tickets `ask` asks for; writes nothing.
pub async fn pull(client: &Client, cfg: &ZendeskConfig, ask: Ask<'_>) -> Result<Pulled, PullError> {
    let Ask {
        known,
        since,
        history_since,
        now,
    } = ask;
    let (me_id, me) = whoami(client).await?;
    let (groups, mine) = groups(client, cfg, me_id).await?;
    let mut report = SyncReport {
        at: now,
        ..SyncReport::default()
    };
    let (views, view_tickets) = views(client, cfg, &mut report).await?;
    let in_views: HashMap<i64, Vec<i64>> = views.iter().fold(HashMap::new(), |mut m, v| {
        for t in &v.tickets {
            m.entry(*t).or_default().push(v.id);
        }
        m
    });

    // Every candidate once, in the order found; a queue reason wins.
    let mut found: BTreeMap<i64, (Value, Why)> = BTreeMap::new();
    let mut order = Vec::new();
    let mut add = |value: Value, why: Why, report: &mut SyncReport| {
        let Some(id) = value.get("id").and_then(Value::as_i64) else {
            report.skipped += 1;
            report.warn(format!(
                "a ticket without an id: {}; skipped",
                truncate(&clean_line(&value.to_string()), 60)
            ));
            return;
        };
        match found.get_mut(&id) {
            Some(entry) => {
                if why == Why::Queue {
                    entry.1 = Why::Queue;
                }
                // Sources lag differently (search is indexed late): the
                // latest copy wins.
                if updated_at(&value) > updated_at(&entry.0) {
                    entry.0 = value;
                }
            }
            None => {
                order.push(id);
                found.insert(id, (value, why));
            }
        }
    };
    for v in view_tickets {
        add(v, Why::Queue, &mut report);
    }
    let incremental = since.filter(|s| now - *s < INCREMENTAL_LIMIT && *s <= now);
    match incremental {
        Some(since) => {
            report.incremental = true;
            let start = (since - TimeDelta::seconds(OVERLAP_SECS)).timestamp();
            for v in changed_since(client, start, &mut report).await? {
                let Ok(t) = serde_json::from_value::<Ticket>(v.clone()) else {
                    // Let the decode below name it.
                    add(v, Why::Queue, &mut report);
                    continue;
                };
                let seen = known.version(&map::handoff_id(t.id)).is_some();
                let unsolved = !matches!(t.status.as_str(), "solved" | "closed");
                let my_group = t.group_id.is_some_and(|g| mine.contains(&g));
                let queue = (unsolved && t.assignee_id == Some(me_id))
                    || (unsolved && t.assignee_id.is_none() && my_group);
                if queue {
                    add(v, Why::Queue, &mut report);
                } else if seen || (my_group && t.updated_at >= history_since) {
                    // Here already (it left my queues), or the team's.
                    add(v, Why::Figures, &mut report);
                }
            }
        }
        None => {
            for v in search(client, "assignee:me status<solved", &mut report).await? {
                add(v, Why::Queue, &mut report);
            }
            for g in &mine {
                let q = format!("group:{g} assignee:none status<solved");
                for v in search(client, &q, &mut report).await? {
                    add(v, Why::Queue, &mut report);
                }
            }
            let after = history_since.format("%Y-%m-%dT%H:%M:%SZ");
            for g in &mine {
                let q = format!("group:{g} updated>{after}");
                for v in search(client, &q, &mut report).await? {
                    add(v, Why::Figures, &mut report);
                }
            }
        }
    }

    // What to fetch: readable, not held, changed.
    let mut fetch: Vec<(Ticket, Value, Why, String)> = Vec::new();
    for id in order {
        let Some((value, why)) = found.remove(&id) else {
            continue;
        };
        let t: Ticket = match serde_json::from_value(value.clone()) {
            Ok(t) => t,
            Err(e) => {
                report.skipped += 1;
                report.warn(format!(
                    "ticket {id}: unreadable ({}); skipped",
                    truncate(&clean_line(&e.to_string()), 120)
                ));
                continue;
            }
        };
        let hid = map::handoff_id(t.id);
        if known.held(&hid) {
            report.held += 1;
            continue;
        }
        let version = map::version(&t, in_views.get(&t.id).map_or(&[][..], Vec::as_slice));
        if known.version(&hid) == Some(version.as_str()) {
            report.unchanged += 1;
            if why == Why::Figures {
                report.for_figures += 1;
            }
            continue;
        }
        fetch.push((t, value, why, version));
    }

    // Their comments, then everyone they name.
    let mut fetched = Vec::new();
    for (t, value, why, version) in fetch {
        let path = format!("/api/v2/tickets/{}/comments", t.id);
        let (items, more) = match client
            .all_pages(&path, &[], "comments", MAX_COMMENT_PAGES)
            .await
        {
            Ok(x) => x,
            Err(ApiError::NotFound(_)) => {
                report.skipped += 1;
                report.warn(format!(
                    "{}: gone from Zendesk while syncing; skipped",
                    map::handoff_id(t.id)
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let hid = map::handoff_id(t.id);
        truncated(&mut report, more, &format!("{hid}: comments"));
        let comments: Vec<Comment> = decode_each(items.iter(), &mut report, |e| {
            format!("{hid}: a comment is unreadable ({e}); left out")
        });
        fetched.push((t, value, why, version, comments, items));
    }
    let people = people(client, &groups, &fetched, &mut report).await?;

    let mut writes = Vec::new();
    for (t, value, why, version, comments, raw_comments) in fetched {
        let hid = map::handoff_id(t.id);
        match map::handoff(&t, &comments, &people, cfg, now) {
            Ok(mapped) => {
                for w in mapped.warnings {
                    report.warn(format!("{hid}: {w}"));
                }
                if why == Why::Figures {
                    report.for_figures += 1;
                }
                let raw = json!({ "ticket": value, "comments": raw_comments });
                writes.push(SyncWrite {
                    imported: Imported {
                        handoff: mapped.handoff,
                        raw: raw.to_string(),
                    },
                    version,
                    marks: map::marks(&t, &comments, &people),
                });
            }
            Err(problems) => {
                report.skipped += 1;
                report.warn(format!("{hid}: {}; skipped", problems.join("; ")));
            }
        }
    }

    let mut my_teams: Vec<String> = mine
        .iter()
        .filter_map(|g| groups.get(g).map(|n| clean_line(n)))
        .collect();
    my_teams.sort();
    let mut all_teams: Vec<String> = groups.values().map(|n| clean_line(n)).collect();
    all_teams.sort();
    let views = views
        .into_iter()
        .map(|v| View {
            key: v.id.to_string(),
            title: v.title,
            count: v.count,
            ids: v.tickets.into_iter().map(map::handoff_id).collect(),
        })
        .collect();
    Ok(Pulled {
        me,
        my_teams,
        all_teams,
        writes,
        report,
        views,
    })
}

/// A ticket's `updated_at` as JSON holds it, if readable.
fn updated_at(ticket: &Value) -> Option<DateTime<Utc>> {
    ticket
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn truncated(report: &mut SyncReport, more: bool, what: &str) {
    if more {
        report.warn(format!(
            "{what}: stopped after {MAX_PAGES} pages; the rest is not shown"
        ));
    }
}

/// Decode each item; one that does not decode is left out with `warning`.
fn decode_each<'v, T: DeserializeOwned>(
    items: impl Iterator<Item = &'v Value>,
    report: &mut SyncReport,
    warning: impl Fn(String) -> String,
) -> Vec<T> {
    items
        .filter_map(|v| match serde_json::from_value(v.clone()) {
            Ok(x) => Some(x),
            Err(e) => {
                report.warn(warning(truncate(&clean_line(&e.to_string()), 120)));
                None
            }
        })
        .collect()
}

/// Every group (id → name), and the ids "Team unassigned" comes from:
/// `group_ids`, else the groups I am a member of.
async fn groups(
    client: &Client,
    cfg: &ZendeskConfig,
    me: i64,
) -> Result<(HashMap<i64, String>, Vec<i64>), ApiError> {
    let (items, _) = client
        .all_pages("/api/v2/groups", &[], "groups", MAX_PAGES)
        .await?;
    let groups: HashMap<i64, String> = items
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Group>(v).ok())
        .filter(|g| !g.deleted)
        .map(|g| (g.id, g.name))
        .collect();
    if !cfg.group_ids.is_empty() {
        return Ok((groups, cfg.group_ids.clone()));
    }
    let path = format!("/api/v2/users/{me}/group_memberships");
    let (items, _) = client
        .all_pages(&path, &[], "group_memberships", MAX_PAGES)
        .await?;
    let mut mine: Vec<i64> = items
        .into_iter()
        .filter_map(|v| serde_json::from_value::<GroupMembership>(v).ok())
        .filter(|m| m.user_id == me)
        .map(|m| m.group_id)
        .collect();
    mine.sort_unstable();
    mine.dedup();
    Ok((groups, mine))
}

/// The configured views (title, Zendesk's count, their tickets' ids), and
/// their tickets.
pub async fn views(
    client: &Client,
    cfg: &ZendeskConfig,
    report: &mut SyncReport,
) -> Result<(Vec<ViewQueue>, Vec<Value>), ApiError> {
    let mut out = Vec::new();
    let mut all = Vec::new();
    if cfg.view_ids.is_empty() {
        return Ok((out, all));
    }
    let ids: Vec<String> = cfg.view_ids.iter().map(i64::to_string).collect();
    let counts: ViewCounts = client
        .get("/api/v2/views/count_many", &[("ids", ids.join(","))])
        .await?;
    for &id in &cfg.view_ids {
        let view = match client
            .get::<ViewEnvelope>(&format!("/api/v2/views/{id}"), &[])
            .await
        {
            Ok(v) => v.view,
            Err(ApiError::NotFound(_)) => {
                report.warn(format!(
                    "view {id}: not found in Zendesk (view_ids); left out"
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        if !view.active {
            report.warn(format!(
                "view {id} ({}) is inactive in Zendesk; its tickets are still listed",
                clean_line(&view.title)
            ));
        }
        let path = format!("/api/v2/views/{id}/tickets");
        let (items, more) = client.all_pages(&path, &[], "tickets", MAX_PAGES).await?;
        truncated(report, more, &format!("view {id}"));
        let tickets = items
            .iter()
            .filter_map(|v| v.get("id").and_then(Value::as_i64))
            .collect();
        all.extend(items);
        out.push(ViewQueue {
            id,
            title: clean_line(&view.title),
            count: counts
                .view_counts
                .iter()
                .find(|c| c.view_id == id)
                .and_then(|c| c.value),
            tickets,
        });
    }
    Ok((out, all))
}

/// Every ticket a search finds, through the search export (cursor pages).
async fn search(
    client: &Client,
    query: &str,
    report: &mut SyncReport,
) -> Result<Vec<Value>, ApiError> {
    let params = [
        ("query", query.to_string()),
        ("filter[type]", "ticket".to_string()),
    ];
    let (items, more) = client
        .all_pages("/api/v2/search/export", &params, "results", MAX_PAGES)
        .await?;
    truncated(report, more, &format!("search `{query}`"));
    Ok(items)
}

/// Every ticket changed since `start` (unix seconds): the incremental
/// export, `cursor` by `cursor` until `end_of_stream`.
async fn changed_since(
    client: &Client,
    start: i64,
    report: &mut SyncReport,
) -> Result<Vec<Value>, ApiError> {
    const PATH: &str = "/api/v2/incremental/tickets/cursor";
    let mut out = Vec::new();
    let mut query = vec![("start_time", start.to_string())];
    for _ in 0..MAX_PAGES {
        let mut v = client.get_value(PATH, &query).await?;
        match v.get_mut("tickets").map(Value::take) {
            Some(Value::Array(items)) => out.extend(items),
            _ => {
                return Err(client
                    .endpoint
                    .bad_body(PATH, "no `tickets` list in the answer"));
            }
        }
        let end = v["end_of_stream"].as_bool().unwrap_or(true);
        match v["after_cursor"].as_str().filter(|c| !c.is_empty()) {
            Some(cursor) if !end => query = vec![("cursor", cursor.to_string())],
            _ => return Ok(out),
        }
    }
    truncated(report, true, "the incremental export");
    Ok(out)
}

type Fetched = (Ticket, Value, Why, String, Vec<Comment>, Vec<Value>);

/// The users and organizations the fetched tickets name, and the groups.
async fn people(
    client: &Client,
    groups: &HashMap<i64, String>,
    fetched: &[Fetched],
    report: &mut SyncReport,
) -> Result<People, ApiError> {
    let mut user_ids = HashSet::new();
    for (t, _, _, _, comments, _) in fetched {
        user_ids.extend(t.requester_id);
        user_ids.extend(t.assignee_id);
        user_ids.extend(comments.iter().filter_map(|c| c.author_id));
    }
    let users: Vec<User> = show_many(client, "users", user_ids, report).await?;
    let mut org_ids: HashSet<i64> = users.iter().filter_map(|u| u.organization_id).collect();
    org_ids.extend(fetched.iter().filter_map(|f| f.0.organization_id));
    let organizations: Vec<Organization> =
        show_many(client, "organizations", org_ids, report).await?;
    Ok(People {
        users: users
            .into_iter()
            .filter_map(|u| u.id.map(|id| (id, u)))
            .collect(),
        organizations: organizations.into_iter().map(|o| (o.id, o)).collect(),
        groups: groups.clone(),
    })
}

/// `GET /api/v2/{kind}/show_many?ids=…`, a hundred at a time.
async fn show_many<T: DeserializeOwned>(
    client: &Client,
    kind: &str,
    ids: HashSet<i64>,
    report: &mut SyncReport,
) -> Result<Vec<T>, ApiError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    let mut out = Vec::new();
    for chunk in ids.chunks(SHOW_MANY) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let path = format!("/api/v2/{kind}/show_many");
        let v = client.get_value(&path, &[("ids", list.join(","))]).await?;
        let Some(items) = v.get(kind).and_then(Value::as_array) else {
            return Err(client
                .endpoint
                .bad_body(&path, &format!("no `{kind}` list in the answer")));
        };
        out.extend(decode_each(items.iter(), report, |e| {
            format!("one of the {kind} is unreadable ({e}); left out")
        }));
    }
    Ok(out)
}

/// What went wrong checking who I am, and what to do about it.
pub fn explain(cfg: &ZendeskConfig, e: &PullError) -> String {
    let base = cfg.shown_base();
    let auth = if cfg.email.is_some() {
        "Make a new API token in Admin Center → Apps and integrations → Zendesk API, and check \
         that email is the agent's sign-in email"
    } else {
        "The OAuth access token is wrong or expired (without email in [zendesk] the token is \
         sent as an OAuth Bearer token; for an API token, set email)"
    };
    match e {
        PullError::Api(ApiError::Unreachable(why)) => format!(
            "cannot reach Zendesk at {base}: {why}. Check subdomain (or base_url) and your network."
        ),
        PullError::Api(ApiError::Tls(_)) => format!(
            "TLS error talking to {base}: its certificate is not trusted or it does not speak \
             HTTPS on that port."
        ),
        PullError::Api(ApiError::Timeout(s)) => {
            format!("{base} did not answer within {s:.0}s. Check the address and your network.")
        }
        PullError::Api(ApiError::Unauthorized) => {
            format!("{base} refused the API token (401). {auth}.")
        }
        PullError::Api(ApiError::Forbidden(_)) => format!(
            "{base} refused the request (403): the token's user may not use the API, or API \
             token access is off (Admin Center → Zendesk API → Settings)."
        ),
        PullError::Api(ApiError::NotFound(_) | ApiError::BadBody(..)) => format!(
            "{base} does not look like Zendesk ({e}). subdomain is the name before \
             .zendesk.com; base_url, if set, is the address without /api/v2."
        ),
        PullError::Account(why) => format!("{why}."),
        other => format!("checking {base}: {other}"),
    }
}
