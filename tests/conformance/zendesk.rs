//! A stand-in Zendesk account for the conformance suite: the fixtures'
//! shapes (tests/fixtures/zendesk, on Zendesk's recorded responses), with
//! state — tickets with their tags, comments and `updated_at`; ticket
//! updates apply `additional_tags`/`remove_tags`, a comment, assignee,
//! group and status, and refuse a stale `safe_update` with 409.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::common;
use super::suite::{SENTINEL, StandIn};

/// Zendesk's cursor page size as the adapter asks for it.
const PAGE: usize = 100;
pub const ME: i64 = 7001;
pub const EMAIL: &str = "maya@acme.test";

#[derive(Default)]
struct State {
    tickets: BTreeMap<i64, Value>,
    /// Comments added by updates, per ticket.
    posted: BTreeMap<i64, Vec<Value>>,
    /// Updates per ticket, for `updated_at`.
    updates: BTreeMap<i64, i64>,
    note_posts: usize,
    note_delay: Option<Duration>,
    next: i64,
}

#[derive(Default)]
pub struct Zendesk(Mutex<State>);

impl Zendesk {
    pub fn new() -> Zendesk {
        Zendesk::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s)
    }

    fn add(&self, change: impl FnOnce(&mut Value)) -> i64 {
        self.with(|s| {
            s.next += 1;
            let id = 35000 + s.next;
            let mut t = common::zendesk_fixture("ticket.json");
            t["id"] = json!(id);
            t["url"] = json!(format!("https://acme.zendesk.com/api/v2/tickets/{id}.json"));
            t["tags"] = json!(["billing"]);
            change(&mut t);
            s.tickets.insert(id, t);
            id
        })
    }
}

/// The `updated_at` after `n` updates: a second apart, so a stale stamp is
/// always told from a fresh one.
fn stamp(n: i64) -> String {
    let base = DateTime::parse_from_rfc3339("2026-05-01T09:31:10Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    (base + TimeDelta::seconds(n))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn ticket_number(handoff: &str) -> i64 {
    handoff
        .strip_prefix("zd-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a Zendesk id: {handoff}"))
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(v)
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// One cursor page of `items` under `key`, as the request asks for it.
pub fn page(req: &Request, key: &str, items: Vec<Value>) -> Value {
    let size: usize = query(req, "page[size]")
        .and_then(|s| s.parse().ok())
        .unwrap_or(PAGE);
    let start: usize = query(req, "page[after]")
        .and_then(|c| c.strip_prefix('c').and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let end = (start + size).min(items.len());
    let more = end < items.len();
    let after = more.then(|| format!("c{end}"));
    let next = after.as_ref().map(|c| {
        format!(
            "https://acme.zendesk.com{}?page%5Bafter%5D={c}&page%5Bsize%5D={size}",
            req.url.path()
        )
    });
    let mut v = json!({
        "meta": { "has_more": more, "after_cursor": after, "before_cursor": format!("c{start}") },
        "links": { "next": next, "prev": null },
    });
    v[key] = Value::Array(items.into_iter().skip(start).take(size).collect());
    v
}

/// The answer to a ticket update, as Zendesk gives it: the ticket and the
/// update's audit (shape of the recorded `post-ticket.json`).
fn updated(ticket: &Value, comment: Option<&Value>) -> Value {
    let events: Vec<Value> = comment.into_iter().cloned().collect();
    json!({
        "ticket": ticket,
        "audit": {
            "id": 653915434212_i64,
            "ticket_id": ticket["id"],
            "created_at": ticket["updated_at"],
            "author_id": ME,
            "metadata": { "system": { "client": "handoff" }, "custom": {} },
            "events": events,
            "via": { "channel": "api", "source": { "from": {}, "to": {}, "rel": null } }
        }
    })
}

impl Zendesk {
    /// `PUT /api/v2/tickets/{id}`.
    fn update(&self, id: i64, body: &Value) -> ResponseTemplate {
        let change = &body["ticket"];
        let (answer, delay) = self.with(|s| {
            let n = s.updates.get(&id).copied().unwrap_or(0);
            let Some(t) = s.tickets.get_mut(&id) else {
                return (error(404), None);
            };
            if change["safe_update"] == json!(true) && change["updated_stamp"] != t["updated_at"] {
                return (
                    ResponseTemplate::new(409).set_body_json(json!({
                        "error": "UpdateConflict",
                        "description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."
                    })),
                    None,
                );
            }
            let mut tags: Vec<String> =
                serde_json::from_value(t["tags"].clone()).unwrap_or_default();
            for tag in change["additional_tags"].as_array().into_iter().flatten() {
                let tag = tag.as_str().unwrap_or_default().to_string();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            let remove: Vec<&str> = change["remove_tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            tags.retain(|t| !remove.contains(&t.as_str()));
            if let Some(set) = change.get("tags") {
                // The replacing write the adapter must never make.
                tags = serde_json::from_value(set.clone()).unwrap_or_default();
            }
            t["tags"] = json!(tags);
            for key in ["status", "assignee_id", "group_id"] {
                if let Some(v) = change.get(key) {
                    t[key] = v.clone();
                }
            }
            t["updated_at"] = json!(stamp(n + 1));
            s.updates.insert(id, n + 1);
            let ticket = t.clone();
            let mut delay = None;
            let comment = change.get("comment").map(|c| {
                let public = c["public"].as_bool().unwrap_or(true);
                let number = s.posted.values().map(Vec::len).sum::<usize>() as i64;
                let comment = json!({
                    "id": 500_000 + number, "type": "Comment", "author_id": ME,
                    "body": c["body"], "html_body": "", "plain_body": c["body"],
                    "public": public, "attachments": [], "audit_id": 653915434212_i64,
                    "via": { "channel": "api", "source": { "from": {}, "to": {}, "rel": null } },
                    "created_at": Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    "metadata": { "system": {}, "custom": change["metadata"].clone() }
                });
                if !public {
                    s.note_posts += 1;
                    delay = s.note_delay;
                }
                s.posted.entry(id).or_default().push(comment.clone());
                comment
            });
            (ok(updated(&ticket, comment.as_ref())), delay)
        });
        match delay {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }

    fn comments(&self, id: i64) -> Vec<Value> {
        let mut all: Vec<Value> = common::zendesk_fixture("comments.json")["comments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        all.extend(self.with(|s| s.posted.get(&id).cloned().unwrap_or_default()));
        all
    }
}

fn error(status: u16) -> ResponseTemplate {
    match status {
        401 => ResponseTemplate::new(401)
            .set_body_json(json!({ "error": "Couldn't authenticate you" })),
        404 => ResponseTemplate::new(404)
            .set_body_json(json!({ "error": "RecordNotFound", "description": "Not found" })),
        code => ResponseTemplate::new(code)
            .set_body_raw("<html><body>Service Unavailable</body></html>", "text/html"),
    }
}

impl StandIn for Zendesk {
    fn name(&self) -> &'static str {
        "zendesk"
    }

    fn config(&self, base_url: &str) -> String {
        format!(
            "[backend]\nkind = \"zendesk\"\n[zendesk]\nbase_url = \"{base_url}\"\n\
             email = \"{EMAIL}\"\ntimeout_secs = 1\nhold_secs = 0\nbackoff_secs = 0.05\n\
             max_backoff_secs = 0.2\n[zendesk.fields]\nconfidence = 27648\ntrigger = 27642\n\
             procedure = 27652\nhandoff = 27650\n"
        )
    }

    fn page_size(&self) -> usize {
        PAGE
    }

    fn add_conversations(&self, n: usize) -> Vec<String> {
        (0..n).map(|_| format!("zd-{}", self.add(|_| {}))).collect()
    }

    fn add_malformed(&self) -> String {
        let id = self.add(|t| t["status"] = json!(["not", "a", "status"]));
        format!("ticket {id}")
    }

    fn tags(&self, id: &str) -> Vec<String> {
        let id = ticket_number(id);
        self.with(|s| {
            s.tickets
                .get(&id)
                .and_then(|t| serde_json::from_value(t["tags"].clone()).ok())
                .unwrap_or_default()
        })
    }

    fn add_tag(&self, id: &str, tag: &str) {
        let id = ticket_number(id);
        self.with(|s| {
            let n = s.updates.get(&id).copied().unwrap_or(0) + 1;
            if let Some(t) = s.tickets.get_mut(&id) {
                if let Some(tags) = t["tags"].as_array_mut() {
                    tags.push(json!(tag));
                }
                t["updated_at"] = json!(stamp(n));
            }
            s.updates.insert(id, n);
        });
    }

    fn notes(&self, id: &str) -> Vec<String> {
        let id = ticket_number(id);
        self.with(|s| {
            s.posted
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|c| c["public"] == json!(false))
                .filter_map(|c| c["body"].as_str().map(str::to_string))
                .collect()
        })
    }

    fn delay_notes(&self, delay: Option<Duration>) {
        self.with(|s| s.note_delay = delay);
    }

    fn notes_posted(&self) -> usize {
        self.with(|s| s.note_posts)
    }

    fn authorized(&self, req: &Request) -> bool {
        let want = format!(
            "Basic {}",
            common::base64(format!("{EMAIL}/token:{SENTINEL}").as_bytes())
        );
        req.headers
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == want.as_bytes())
    }

    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let put = req.method.as_str() == "PUT";
        let ticket: Option<i64> = path
            .strip_prefix("/api/v2/tickets/")
            .and_then(|rest| rest.split('/').next())
            .and_then(|id| id.parse().ok());
        match (put, path.as_str(), ticket) {
            (false, "/api/v2/users/me", _) => ok(common::zendesk_fixture("me.json")),
            (false, "/api/v2/groups", _) => ok(common::zendesk_fixture("groups.json")),
            (false, p, _) if p == format!("/api/v2/users/{ME}/group_memberships") => {
                ok(common::zendesk_fixture("group_memberships.json"))
            }
            (false, "/api/v2/users/show_many", _) => ok(common::zendesk_fixture("users.json")),
            (false, "/api/v2/organizations/show_many", _) => {
                ok(common::zendesk_fixture("organizations.json"))
            }
            (false, "/api/v2/search/export", _) => {
                // Mine: every ticket; my group's unassigned and its history: none.
                let q = query(req, "query").unwrap_or_default();
                let items = if q.contains("assignee:me") {
                    self.with(|s| s.tickets.values().cloned().collect())
                } else {
                    Vec::new()
                };
                let mut v = page(req, "results", items);
                v["facets"] = Value::Null;
                ok(v)
            }
            (false, "/api/v2/incremental/tickets/cursor", _) => {
                let all: Vec<Value> = self.with(|s| s.tickets.values().cloned().collect());
                ok(json!({
                    "tickets": all, "after_url": null, "after_cursor": null,
                    "before_url": null, "before_cursor": null, "end_of_stream": true
                }))
            }
            (false, p, Some(id)) if p.ends_with("/comments") => {
                ok(page(req, "comments", self.comments(id)))
            }
            (false, _, Some(id)) => match self.with(|s| s.tickets.get(&id).cloned()) {
                Some(t) => ok(json!({ "ticket": t })),
                None => error(404),
            },
            (true, _, Some(id)) => {
                let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                self.update(id, &body)
            }
            _ => error(404),
        }
    }

    fn error(&self, status: u16) -> ResponseTemplate {
        error(status)
    }

    fn rate_limited(&self, wait: Option<Duration>) -> ResponseTemplate {
        let r = ResponseTemplate::new(429).set_body_json(json!({
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed API requests per minute exceeded"
        }));
        match wait {
            Some(w) => r.insert_header("Retry-After", w.as_secs().to_string().as_str()),
            None => r,
        }
    }
}
