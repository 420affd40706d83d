//! A stand-in Intercom workspace for the conformance suite: the fixtures'
//! shapes (tests/fixtures/intercom, from the 2.16 OpenAPI file), with
//! state — conversations a search can find (its query evaluated: AND/OR,
//! `=`, `!=`, `IN`, `NIN`, `>`, `<`, `~`; cursor paging), tags created once
//! and attached by id, replies and notes kept as parts.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::suite::{SENTINEL, StandIn};

/// The admin the token belongs to (fixtures/me.json).
const ME: i64 = 991267459;
/// Intercom's largest search page, which the adapter asks for.
const PAGE: usize = 150;

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/intercom/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[derive(Default)]
struct State {
    /// Conversation id → the conversation (with its parts), in order added.
    conversations: BTreeMap<u64, Value>,
    /// The workspace's tags: lowercase name → (id, name).
    tags: BTreeMap<String, (String, String)>,
    note_posts: usize,
    note_delay: Option<Duration>,
    next: u64,
}

impl State {
    /// Create-or-get the tag `name` (case-insensitive), as `POST /tags` does.
    fn tag(&mut self, name: &str) -> (String, String) {
        let next = 900 + self.tags.len();
        self.tags
            .entry(name.to_lowercase())
            .or_insert_with(|| (next.to_string(), name.to_string()))
            .clone()
    }

    fn attach(&mut self, id: u64, tag: &(String, String)) {
        if let Some(c) = self.conversations.get_mut(&id)
            && let Some(tags) = c["tags"]["tags"].as_array_mut()
            && !tags.iter().any(|t| t["id"] == json!(tag.0))
        {
            tags.push(json!({ "type": "tag", "id": tag.0, "name": tag.1,
                "applied_at": now(), "applied_by": { "type": "admin", "id": ME.to_string() } }));
            c["updated_at"] = json!(now());
        }
    }
}

#[derive(Default)]
pub struct Intercom(Mutex<State>);

impl Intercom {
    pub fn new() -> Intercom {
        Intercom::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s)
    }

    fn add(&self, change: impl FnOnce(&mut Value)) -> String {
        self.with(|s| {
            s.next += 1;
            let id = 5000 + s.next;
            let mut c = fixture("conversation.json");
            c["id"] = json!(id.to_string());
            change(&mut c);
            s.conversations.insert(id, c);
            format!("ic-{id}")
        })
    }

    /// The search result item: the conversation without its parts.
    fn item(c: &Value) -> Value {
        let mut item = c.clone();
        if let Value::Object(o) = &mut item {
            o.remove("conversation_parts");
        }
        item
    }

    fn search(&self, body: &Value) -> ResponseTemplate {
        let query = &body["query"];
        let per_page = body["pagination"]["per_page"]
            .as_u64()
            .map_or(20, |n| n.min(PAGE as u64) as usize);
        let start: usize = body["pagination"]["starting_after"]
            .as_str()
            .and_then(|c| c.strip_prefix("after-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let found: Vec<Value> = self.with(|s| {
            s.conversations
                .values()
                .map(Intercom::item)
                .filter(|c| matches(query, c))
                .collect()
        });
        let total = found.len();
        let page: Vec<Value> = found.into_iter().skip(start).take(per_page).collect();
        let end = start + page.len();
        let mut pages = json!({ "type": "pages", "page": start / per_page.max(1) + 1,
            "per_page": per_page, "total_pages": total.div_ceil(per_page.max(1)) });
        if end < total {
            pages["next"] =
                json!({ "per_page": per_page, "starting_after": format!("after-{end}") });
        }
        ok(
            json!({ "type": "conversation.list", "pages": pages, "total_count": total,
            "conversations": page }),
        )
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(v)
}

fn number(handoff: &str) -> u64 {
    handoff
        .strip_prefix("ic-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not an Intercom id: {handoff}"))
}

/// `value` at a dotted `field` of a search item.
fn field<'a>(item: &'a Value, field: &str) -> &'a Value {
    field.split('.').fold(item, |v, k| &v[k])
}

/// Equal as Intercom's search compares: ids as text or numbers alike.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
            *x == y.to_string()
        }
        _ => a == b,
    }
}

/// Whether search item `c` matches `query` (single or multiple filter).
fn matches(query: &Value, c: &Value) -> bool {
    if let Some(list) = query["value"].as_array()
        && matches!(query["operator"].as_str(), Some("AND" | "OR"))
    {
        return match query["operator"].as_str() {
            Some("AND") => list.iter().all(|q| matches(q, c)),
            _ => list.iter().any(|q| matches(q, c)),
        };
    }
    let Some(name) = query["field"].as_str() else {
        panic!("not a search filter: {query}");
    };
    let have = field(c, name);
    let want = &query["value"];
    let num = |v: &Value| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    };
    match query["operator"].as_str() {
        Some("=") => same(have, want),
        Some("!=") => !same(have, want),
        Some("IN") => want
            .as_array()
            .is_some_and(|l| l.iter().any(|w| same(have, w))),
        Some("NIN") => !want
            .as_array()
            .is_some_and(|l| l.iter().any(|w| same(have, w))),
        Some(">") => num(have).zip(num(want)).is_some_and(|(h, w)| h > w),
        Some("<") => num(have).zip(num(want)).is_some_and(|(h, w)| h < w),
        Some("~") => have
            .as_str()
            .zip(want.as_str())
            .is_some_and(|(h, w)| h.contains(w)),
        other => panic!("operator {other:?} is not one Intercom's search takes"),
    }
}

impl StandIn for Intercom {
    fn name(&self) -> &'static str {
        "intercom"
    }

    fn config(&self, base_url: &str) -> String {
        format!(
            "[backend]\nkind = \"intercom\"\n[intercom]\nbase_url = \"{base_url}\"\n\
             timeout_secs = 1\nhold_secs = 0\nbackoff_secs = 0.05\nmax_backoff_secs = 0.2\n"
        )
    }

    fn page_size(&self) -> usize {
        PAGE
    }

    fn add_conversations(&self, n: usize) -> Vec<String> {
        (0..n).map(|_| self.add(|_| {})).collect()
    }

    fn add_malformed(&self) -> String {
        self.add(|c| c["created_at"] = json!("yesterday"))
    }

    fn tags(&self, id: &str) -> Vec<String> {
        let id = number(id);
        self.with(|s| {
            s.conversations[&id]["tags"]["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["name"].as_str().map(str::to_string))
                .collect()
        })
    }

    fn add_tag(&self, id: &str, tag: &str) {
        let id = number(id);
        self.with(|s| {
            let tag = s.tag(tag);
            s.attach(id, &tag);
        });
    }

    fn notes(&self, id: &str) -> Vec<String> {
        let id = number(id);
        self.with(|s| {
            s.conversations[&id]["conversation_parts"]["conversation_parts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["part_type"] == "note" && p["author"]["type"] == "admin")
                .filter_map(|p| p["body"].as_str().map(str::to_string))
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
        req.headers
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == format!("Bearer {SENTINEL}").as_bytes())
    }

    fn is_write(&self, req: &Request) -> bool {
        req.method.as_str() != "GET" && req.url.path() != "/conversations/search"
    }

    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let method = req.method.as_str().to_string();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let conversation = segments
            .get(1)
            .filter(|_| segments[0] == "conversations")
            .and_then(|id| id.parse::<u64>().ok())
            .filter(|id| self.with(|s| s.conversations.contains_key(id)));
        match (method.as_str(), segments.as_slice(), conversation) {
            ("GET", ["me"], _) => ok(fixture("me.json")),
            ("GET", ["teams"], _) => ok(fixture("teams.json")),
            ("GET", ["admins"], _) => ok(fixture("admins.json")),
            ("POST", ["conversations", "search"], _) => self.search(&body),
            ("GET", ["conversations", _], Some(id)) => {
                ok(self.with(|s| s.conversations[&id].clone()))
            }
            ("POST", ["tags"], _) => {
                let Some(name) = body["name"].as_str() else {
                    return self.error(400);
                };
                let (id, name) = self.with(|s| s.tag(name));
                ok(json!({ "type": "tag", "id": id, "name": name }))
            }
            ("POST", ["conversations", _, "tags"], Some(id)) => {
                let tag = self.with(|s| {
                    let tag = s
                        .tags
                        .values()
                        .find(|t| json!(t.0) == body["id"])
                        .cloned()?;
                    s.attach(id, &tag);
                    Some(tag)
                });
                match tag {
                    Some((tag_id, name)) => ok(json!({ "type": "tag", "id": tag_id, "name": name,
                        "applied_at": now(), "applied_by": { "type": "admin", "id": body["admin_id"] } })),
                    None => self.error(404),
                }
            }
            ("DELETE", ["conversations", _, "tags", tag_id], Some(id)) => {
                let removed = self.with(|s| {
                    let c = s.conversations.get_mut(&id)?;
                    let tags = c["tags"]["tags"].as_array_mut()?;
                    let at = tags.iter().position(|t| t["id"] == json!(tag_id))?;
                    let tag = tags.remove(at);
                    c["updated_at"] = json!(now());
                    Some(tag)
                });
                match removed {
                    Some(tag) => ok(tag),
                    None => ResponseTemplate::new(404).set_body_json(json!({
                        "type": "error.list", "request_id": "1fe3e9ec-6a5b-4abc-b51c-a515f77d9577",
                        "errors": [{ "code": "tag_not_found", "message": "Tag not found" }] })),
                }
            }
            ("POST", ["conversations", _, "reply"], Some(id)) => {
                let posted = self.with(|s| {
                    let note = body["message_type"] == "note";
                    s.note_posts += usize::from(note);
                    let c = s.conversations.get_mut(&id)?;
                    let parts = c["conversation_parts"]["conversation_parts"].as_array_mut()?;
                    let n = parts.len();
                    parts.push(json!({
                        "type": "conversation_part", "id": format!("{}{n:03}", id),
                        "part_type": body["message_type"], "body": body["body"],
                        "created_at": now(), "updated_at": now(), "notified_at": now(),
                        "assigned_to": null,
                        "author": { "type": "admin", "id": body["admin_id"], "name": "Maya Chen",
                            "email": "maya@example.com" },
                        "attachments": [], "external_id": null, "redacted": false
                    }));
                    c["conversation_parts"]["total_count"] = json!(n + 1);
                    c["updated_at"] = json!(now());
                    Some((c.clone(), s.note_delay.filter(|_| note)))
                });
                let Some((answer, delay)) = posted else {
                    return self.error(404);
                };
                match delay {
                    Some(d) => ok(answer).set_delay(d),
                    None => ok(answer),
                }
            }
            ("POST", ["conversations", _, "parts"], Some(id)) => {
                ok(self.with(|s| s.conversations[&id].clone()))
            }
            _ => self.error(404),
        }
    }

    fn error(&self, status: u16) -> ResponseTemplate {
        let body = match status {
            401 => fixture("error_401.json"),
            403 => fixture("error_403.json"),
            404 => fixture("error_404.json"),
            400..=499 => json!({ "type": "error.list", "request_id": null,
                "errors": [{ "code": "parameter_invalid", "message": "invalid parameters" }] }),
            _ => fixture("error_500.json"),
        };
        ResponseTemplate::new(status).set_body_json(body)
    }

    fn rate_limited(&self, wait: Option<Duration>) -> ResponseTemplate {
        let r = ResponseTemplate::new(429).set_body_json(fixture("error_429.json"));
        match wait {
            // Intercom says when the window resets (a Unix time, whole
            // seconds): never sooner than asked.
            Some(w) => {
                let reset = (chrono::Utc::now() + w).timestamp() + 1;
                r.insert_header("X-RateLimit-Limit", "10000")
                    .insert_header("X-RateLimit-Remaining", "0")
                    .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
            }
            None => r,
        }
    }
}
