//! A stand-in Chatwoot account for the conformance suite: the fixtures'
//! shapes (tests/fixtures/chatwoot, from the OpenAPI file), with state.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::common;
use super::suite::{SENTINEL, StandIn};

const ACCOUNT: &str = "/api/v1/accounts/1";
/// CONVERSATION_RESULTS_PER_PAGE's default.
const PAGE: usize = 25;

#[derive(Default)]
struct State {
    /// Display id → conversation, in the order they were added.
    conversations: BTreeMap<i64, Value>,
    labels: BTreeMap<i64, Vec<String>>,
    /// Messages posted to each conversation.
    posted: BTreeMap<i64, Vec<Value>>,
    note_posts: usize,
    note_delay: Option<Duration>,
    next: i64,
}

#[derive(Default)]
pub struct Chatwoot(Mutex<State>);

impl Chatwoot {
    pub fn new() -> Chatwoot {
        Chatwoot::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s)
    }

    fn add(&self, conversation: impl FnOnce(i64) -> Value) -> i64 {
        self.with(|s| {
            s.next += 1;
            let id = 2000 + s.next;
            s.conversations.insert(id, conversation(id));
            s.labels.insert(id, vec!["billing".into()]);
            id
        })
    }
}

fn display_id(handoff: &str) -> i64 {
    handoff
        .strip_prefix("cw-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a Chatwoot id: {handoff}"))
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

impl StandIn for Chatwoot {
    fn name(&self) -> &'static str {
        "chatwoot"
    }

    fn config(&self, base_url: &str) -> String {
        format!(
            "[backend]\nkind = \"chatwoot\"\n[chatwoot]\nbase_url = \"{base_url}\"\naccount_id = 1\n\
             timeout_secs = 1\nhold_secs = 0\nbackoff_secs = 0.05\nmax_backoff_secs = 0.2\n"
        )
    }

    fn page_size(&self) -> usize {
        PAGE
    }

    fn add_conversations(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let id = self.add(|id| {
                    let mut c = common::chatwoot_fixture("conversation.json");
                    c["id"] = json!(id);
                    c
                });
                format!("cw-{id}")
            })
            .collect()
    }

    fn add_malformed(&self) -> String {
        let id = self.add(|id| {
            let mut c = common::chatwoot_fixture("conversation.json");
            c["id"] = json!(id);
            c["status"] = json!(["not", "a", "status"]);
            c
        });
        id.to_string()
    }

    fn tags(&self, id: &str) -> Vec<String> {
        let id = display_id(id);
        self.with(|s| s.labels.get(&id).cloned().unwrap_or_default())
    }

    fn add_tag(&self, id: &str, tag: &str) {
        let id = display_id(id);
        self.with(|s| s.labels.entry(id).or_default().push(tag.into()));
    }

    fn notes(&self, id: &str) -> Vec<String> {
        let id = display_id(id);
        self.with(|s| {
            s.posted
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|m| m["private"] == json!(true))
                .filter_map(|m| m["content"].as_str().map(str::to_string))
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
            .get("api_access_token")
            .is_some_and(|v| v.as_bytes() == SENTINEL.as_bytes())
    }

    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let post = req.method.as_str() == "POST";
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let conversation: Option<i64> = path
            .strip_prefix(&format!("{ACCOUNT}/conversations/"))
            .and_then(|rest| rest.split('/').next())
            .and_then(|id| id.parse().ok());
        match (post, path.as_str(), conversation) {
            (false, "/api/v1/profile", _) => ok(common::chatwoot_fixture("profile.json")),
            (false, p, _) if p == format!("{ACCOUNT}/teams") => {
                ok(common::chatwoot_fixture("teams.json"))
            }
            (false, p, _) if p == format!("{ACCOUNT}/conversations") => {
                // Mine, or what changed lately; the other queues are empty.
                let mine = query(req, "assignee_type").as_deref() == Some("me")
                    || query(req, "updated_within").is_some();
                let paged = query(req, "updated_within").is_none();
                let page: usize = query(req, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
                let all: Vec<Value> = if mine {
                    self.with(|s| s.conversations.values().cloned().collect())
                } else {
                    Vec::new()
                };
                let items: Vec<Value> = if paged {
                    all.into_iter().skip((page - 1) * PAGE).take(PAGE).collect()
                } else {
                    all
                };
                ok(json!({ "data": { "meta": {}, "payload": items } }))
            }
            (false, p, Some(id)) if p.ends_with("/messages") => {
                let mut m = common::chatwoot_fixture("messages.json");
                let posted = self.with(|s| s.posted.get(&id).cloned().unwrap_or_default());
                if let Some(payload) = m["payload"].as_array_mut() {
                    payload.extend(posted);
                }
                ok(m)
            }
            (false, p, Some(id)) if p.ends_with("/labels") => ok(
                json!({ "payload": self.with(|s| s.labels.get(&id).cloned().unwrap_or_default()) }),
            ),
            (true, p, Some(id)) if p.ends_with("/labels") => {
                let labels: Vec<String> =
                    serde_json::from_value(body["labels"].clone()).unwrap_or_default();
                self.with(|s| s.labels.insert(id, labels.clone()));
                ok(json!({ "payload": labels }))
            }
            (true, p, Some(id)) if p.ends_with("/messages") => {
                let delay = self.with(|s| {
                    s.note_posts += 1;
                    let n = s.posted.values().map(Vec::len).sum::<usize>() as i64;
                    let message = json!({
                        "id": 300_000 + n, "content": body["content"], "private": body["private"],
                        "content_attributes": body["content_attributes"], "message_type": 1,
                        "content_type": "text", "status": "sent", "conversation_id": id,
                        "inbox_id": 2, "created_at": chrono::Utc::now().timestamp(),
                        "source_id": null, "attachments": [],
                        "sender": { "id": 7, "name": "Maya Chen", "type": "user" }
                    });
                    s.posted.entry(id).or_default().push(message);
                    s.note_delay
                });
                let answer = ok(common::chatwoot_fixture("message_created.json"));
                match delay {
                    Some(d) => answer.set_delay(d),
                    None => answer,
                }
            }
            (true, p, Some(_)) if p.ends_with("/assignments") || p.ends_with("/toggle_status") => {
                ok(json!({}))
            }
            _ => self.error(404),
        }
    }

    fn error(&self, status: u16) -> ResponseTemplate {
        match status {
            401 => ResponseTemplate::new(401)
                .set_body_json(json!({ "errors": ["Invalid Access Token"] })),
            404 => ResponseTemplate::new(404)
                .set_body_json(json!({ "error": "Resource could not be found" })),
            code => ResponseTemplate::new(code).set_body_string("Internal Server Error"),
        }
    }

    fn rate_limited(&self, wait: Option<Duration>) -> ResponseTemplate {
        // Chatwoot's own (rack-attack) 429 is text/plain with no hint; a
        // proxy in front of it may add Retry-After.
        let r = ResponseTemplate::new(429).set_body_raw("Retry later\n", "text/plain");
        match wait {
            Some(w) => r.insert_header("Retry-After", w.as_secs().to_string().as_str()),
            None => r,
        }
    }
}
