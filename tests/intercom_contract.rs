//! Contract tests for the Intercom adapter against wiremock. Fixtures under
//! tests/fixtures/intercom/ follow the 2.16 OpenAPI file's schemas and
//! examples (`admin_with_app`, `team_list`, `admin_list`,
//! `conversation_list`, `conversation`, `conversation_part`, `tag`,
//! `error.list`); the requests are checked against its request schemas
//! (`search_request`, `admin_reply_conversation_request`,
//! `assign_conversation_request`, `close_/open_/snooze_conversation_request`).

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use handoff::backend::intercom::{INTERCOM, IntercomBackend, IntercomConfig, Secret, map};
use handoff::backend::{self, BackendError, Desk, Helpdesk, SyncReport, registry};
use handoff::config::Config;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::handoff::{Author, Status};
use handoff::store::{Destination, Store};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, path_regex, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "SENTINEL-TOKEN-4242";
const ME: &str = "991267459";

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/intercom/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn config(base: &str) -> IntercomConfig {
    IntercomConfig {
        base_url: Some(base.to_string()),
        timeout_secs: Some(1.0),
        hold_secs: Some(0.0),
        backoff_secs: Some(0.2),
        max_backoff_secs: Some(0.4),
        ..IntercomConfig::default()
    }
}

fn helpdesk(cfg: &IntercomConfig) -> IntercomBackend {
    IntercomBackend::new(cfg.clone(), &Secret::new(TOKEN)).unwrap_or_else(|e| panic!("{e}"))
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    s.set_helpdesk(Some(Destination {
        name: INTERCOM.into(),
        hold: Duration::ZERO,
    }));
    s
}

/// The fixture conversation as `id`, with its parts.
fn conversation(id: &str) -> Value {
    let mut c = fixture("conversation.json");
    c["id"] = json!(id);
    c
}

/// A search item: the conversation without its parts.
fn item(id: &str) -> Value {
    let mut c = conversation(id);
    if let Value::Object(o) = &mut c {
        o.remove("conversation_parts");
    }
    c
}

/// A `conversation.list` page; `next`: the cursor of the page after it.
fn page(items: Vec<Value>, next: Option<&str>) -> Value {
    let mut pages = json!({ "type": "pages", "page": 1, "per_page": 150, "total_pages": 1 });
    if let Some(n) = next {
        pages["next"] = json!({ "per_page": 150, "starting_after": n });
    }
    json!({ "type": "conversation.list", "pages": pages, "total_count": items.len(),
        "conversations": items })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A search whose query holds a filter on `field` with `operator` (and,
/// given, `value`).
struct Searching(&'static str, &'static str, Option<Value>);

impl Match for Searching {
    fn matches(&self, req: &Request) -> bool {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        fn any(q: &Value, f: &dyn Fn(&Value) -> bool) -> bool {
            match q["value"].as_array() {
                Some(list) if q.get("field").is_none() => list.iter().any(|x| any(x, f)),
                _ => f(q),
            }
        }
        req.url.path() == "/conversations/search"
            && any(&body["query"], &|x| {
                x["field"] == self.0
                    && x["operator"] == self.1
                    && self.2.as_ref().is_none_or(|v| x["value"] == *v)
            })
    }
}

fn mine() -> Searching {
    Searching("admin_assignee_id", "=", Some(json!(991267459)))
}

async fn mount_identity(server: &MockServer) {
    for (p, f) in [
        ("/me", "me.json"),
        ("/teams", "teams.json"),
        ("/admins", "admins.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ok(fixture(f)))
            .mount(server)
            .await;
    }
}

/// Every search answers an empty page unless a mock of higher priority
/// says otherwise; every conversation answers as the fixture, by its id.
async fn mount_defaults(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/conversations/search"))
        .respond_with(ok(page(Vec::new(), None)))
        .with_priority(10)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/conversations/\d+$"))
        .respond_with(|req: &Request| {
            let id = req.url.path().rsplit('/').next().unwrap_or("0").to_string();
            ok(conversation(&id))
        })
        .with_priority(10)
        .mount(server)
        .await;
}

async fn mount_mine(server: &MockServer, items: Vec<Value>) {
    Mock::given(method("POST"))
        .and(mine())
        .respond_with(ok(page(items, None)))
        .mount(server)
        .await;
}

/// The helpdesk as a config file sets it up: what `refresh` reads of it
/// (its name, its history window).
fn desk(cfg: &IntercomConfig) -> Desk {
    let text = format!(
        "[backend]\nkind = \"intercom\"\n[intercom]\nbase_url = \"{}\"\n",
        cfg.base()
    );
    let path = std::path::Path::new("config.toml");
    let config = Config::parse(path, &text).unwrap_or_else(|e| panic!("{e}"));
    let entry = registry::find(INTERCOM).unwrap_or_else(|| panic!("not registered"));
    let desk = backend::named(&config, path, entry).unwrap_or_else(|e| panic!("{e}"));
    desk.unwrap_or_else(|| panic!("no [intercom] table"))
}

async fn sync_with(
    cfg: &IntercomConfig,
    store: &mut Store,
    full: bool,
) -> Result<SyncReport, BackendError> {
    backend::sync::refresh(&desk(cfg), &helpdesk(cfg), store, full, Utc::now()).await
}

async fn full_sync(server: &MockServer, store: &mut Store) -> Result<SyncReport, BackendError> {
    sync_with(&config(&server.uri()), store, true).await
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn bodies(reqs: &[Request], m: &str, p: &str) -> Vec<Value> {
    reqs.iter()
        .filter(|r| r.method.as_str() == m && r.url.path() == p)
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect()
}

// ---------------------------------------------------------------------------
// Pulling
// ---------------------------------------------------------------------------

/// Every endpoint the sync reads, and one conversation mapped from every
/// source: the `handoff` attribute (a JSON string), the flat
/// `ai_confidence` / `escalation_trigger`, Fin's handoff note, `ai_agent`,
/// the source's author, the parts as a transcript; the token sent as a
/// Bearer header with `Intercom-Version: 2.16`.
#[tokio::test]
async fn sync_maps_a_conversation_from_every_source() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471")]).await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (1, 0), "{report:?}");
    assert_eq!(report.me, "Maya Chen");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let h = store
        .handoff("ic-471")
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("not stored"));
    assert_eq!(h.status, Status::Open);
    assert_eq!(h.customer.name, "Dana Ruiz");
    assert_eq!(h.customer.email.as_deref(), Some("dana@example.com"));
    assert_eq!(h.customer.plan.as_deref(), Some("Business"));
    assert!(h.customer.has_flag("vip"));
    assert_eq!(h.routing.team.as_deref(), Some("Billing"));
    assert_eq!(h.routing.assignee.as_deref(), Some("Maya Chen"));
    assert_eq!(h.routing.skills, ["refunds"]);
    assert_eq!(h.language.as_deref(), Some("en"));
    assert_eq!(h.channel.as_deref(), Some("messenger"));
    assert_eq!(h.ai.agent.as_deref(), Some("Fin"));
    assert_eq!(h.ai.procedure.as_deref(), Some("Billing Fin workflow"));
    // The attribute's fields, the flat ones where it has none, and Fin's
    // note (HTML stripped) for what both lack.
    assert_eq!(
        h.summary.issue.as_deref(),
        Some("Charged twice for the May invoice")
    );
    assert_eq!(h.summary.intent.as_deref(), Some("billing.refund"));
    assert_eq!(h.summary.confidence, Some(0.41));
    assert_eq!(
        h.summary.escalation.as_ref().map(|e| e.trigger.as_str()),
        Some("policy_exception")
    );
    assert_eq!(
        h.summary.next_step.as_deref(),
        Some("Refund the second charge to the card")
    );
    assert!(
        h.note
            .as_deref()
            .is_some_and(|n| n.contains("Why escalated"))
    );
    let collected: Vec<(&str, &str)> = h
        .summary
        .collected
        .iter()
        .map(|c| (c.label.as_str(), c.value.as_str()))
        .collect();
    assert_eq!(
        collected,
        [("Order", "A-1932"), ("Charges", "2 x $49.00 on 1 May")]
    );
    // Escalated when Fin wrote its note.
    assert_eq!(h.escalated_at.timestamp(), 1763800390);

    let authors: Vec<Author> = h.transcript.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [
            Author::Customer, // the source message
            Author::Ai,
            Author::Customer,
            Author::System, // order_number set by Fin
            Author::Ai,     // Fin's note, private
            Author::System, // Fin's own account: escalated, rated 2/5
            Author::System, // assigned to Billing
            Author::System, // assigned to Maya Chen
        ]
    );
    let texts: Vec<&str> = h.transcript.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts[0], "I was charged twice for the May invoice");
    assert!(
        texts[2].contains("should not be there & I want"),
        "{texts:?}"
    );
    assert_eq!(texts[3], "order_number set to A-1932");
    assert!(h.transcript[4].private);
    assert!(
        texts[5].contains("escalated") && texts[5].contains("rated 2/5"),
        "{texts:?}"
    );
    assert_eq!(texts[6], "Assigned to Billing");
    assert_eq!(texts[7], "Assigned to Maya Chen");

    let reqs = requests(&server).await;
    assert!(reqs.iter().all(|r| {
        r.headers
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == format!("Bearer {TOKEN}").as_bytes())
            && r.headers
                .get("intercom-version")
                .is_some_and(|v| v.as_bytes() == b"2.16")
    }));
    for p in ["/me", "/teams", "/admins", "/conversations/search"] {
        assert!(reqs.iter().any(|r| r.url.path() == p), "{p} not used");
    }
    assert!(
        reqs.iter().any(|r| r.url.path() == "/conversations/471"
            && r.url.query() == Some("display_as=plaintext"))
    );
    // Mine; my team's (Billing, not Access: not a member) unassigned;
    // Fin's; my team's history. Each with a search_request body.
    let searches = bodies(&reqs, "POST", "/conversations/search");
    assert!(searches.iter().all(|b| b["pagination"]["per_page"] == 150));
    let filters: Vec<String> = searches.iter().map(|b| b["query"].to_string()).collect();
    assert!(filters.iter().any(|q| {
        q.contains(r#""field":"admin_assignee_id","operator":"=","value":991267459"#)
            && q.contains(r#""field":"state","operator":"=","value":"open""#)
    }));
    assert!(filters.iter().any(|q| {
        q.contains(r#""field":"team_assignee_id","operator":"IN","value":[5017691]"#)
            && q.contains(r#""field":"admin_assignee_id","operator":"=","value":0"#)
    }));
    assert!(
        filters
            .iter()
            .any(|q| q.contains(r#""field":"ai_agent_participated","operator":"=","value":true"#))
    );
    assert!(
        filters
            .iter()
            .any(|q| q.contains(r#""field":"updated_at","operator":">""#))
    );
    assert!(
        !filters.iter().any(|q| q.contains("5017692")),
        "{filters:?}"
    );
    // I am an agent of Billing now, so "Team unassigned" works; every team
    // is known to the team picker.
    let agents = store.agents().unwrap_or_default();
    assert!(
        agents
            .iter()
            .any(|a| a.name == "Maya Chen" && a.teams == ["Billing"])
    );
    assert_eq!(store.teams().unwrap_or_default(), ["Access", "Billing"]);
}

/// The verdict read-back: the conversation's tags, and every note that
/// carries our marker with its author and time (Fin's note has none).
#[test]
fn marks_are_the_tags_and_our_notes() {
    let c = with_part(part(
        "note",
        "<p>Bad AI handoff, flagged by Sam Ortiz in handoff.</p><p>Reasons: misrouted</p><p><br></p><p>[handoff:0f2d5c1e8a41]</p>",
        ("991267460", "Sam Ortiz"),
    ));
    let c: handoff::backend::intercom::model::Conversation =
        serde_json::from_value(c).unwrap_or_else(|e| panic!("{e}"));
    let (parts, warnings) = map::parts(&c);
    assert!(warnings.is_empty(), "{warnings:?}");
    let marks = map::marks(&c, &parts);
    assert_eq!(marks.tags, ["billing"]);
    assert_eq!(marks.notes.len(), 1, "{marks:?}");
    assert_eq!(marks.notes[0].author, "Sam Ortiz");
    assert!(marks.notes[0].at.timestamp() > 1763801000);
    let read = handoff::domain::verdict_marks::parse_note(&marks.notes[0].text);
    assert_eq!(
        read.map(|n| (n.verdict, n.agent)),
        Some((Some(Verdict::Bad), "Sam Ortiz".into()))
    );
}

/// 150 + 150 + 3 conversations: three search pages, the second and third
/// asked for with the `starting_after` cursor of the one before.
#[tokio::test]
async fn search_pages_past_150_with_starting_after() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    let ids = |r: std::ops::Range<u32>| r.map(|n| item(&n.to_string())).collect::<Vec<_>>();
    for (after, range, next) in [
        (None, 1..151, Some("WzE1MF0=")),
        (Some("WzE1MF0="), 151..301, Some("WzMwMF0=")),
        (Some("WzMwMF0="), 301..304, None),
    ] {
        let cursor = Searching("admin_assignee_id", "=", Some(json!(991267459)));
        let mut mock = Mock::given(method("POST")).and(cursor);
        mock = match after {
            Some(a) => mock.and(body_partial_json(
                json!({ "pagination": { "starting_after": a } }),
            )),
            None => mock.and(|req: &Request| {
                let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                body["pagination"].get("starting_after").is_none()
            }),
        };
        mock.respond_with(ok(page(ids(range), next)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 303, "{report:?}");
    assert_eq!(store.count().unwrap_or_default(), 303);
    server.verify().await;
}

/// The conversations are fetched a few at a time, not one round trip after
/// another: while the first one's answer is held back, the next ones are
/// already asked for. All of them land.
#[tokio::test]
async fn conversations_are_fetched_a_few_at_a_time() {
    const HELD: Duration = Duration::from_secs(2);
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    let ids: Vec<String> = (601..609).map(|n| n.to_string()).collect();
    mount_mine(&server, ids.iter().map(|id| item(id)).collect()).await;
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, Instant)>::new()));
    let seen = asked.clone();
    Mock::given(method("GET"))
        .and(path_regex(r"^/conversations/6\d\d$"))
        .respond_with(move |req: &Request| {
            let id = req.url.path().rsplit('/').next().unwrap_or("0").to_string();
            let mut asked = seen.lock().unwrap_or_else(|e| e.into_inner());
            asked.push((id.clone(), Instant::now()));
            let answer = ok(conversation(&id));
            if asked.len() == 1 {
                answer.set_delay(HELD)
            } else {
                answer
            }
        })
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 8, "{report:?}");
    let asked = asked.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let first = asked.first().map(|a| a.1).unwrap_or_else(Instant::now);
    // Asked for before the first answer could have come back: fetched one
    // after another, the second request would wait for it.
    let overlapping = asked.iter().skip(1).filter(|a| a.1 < first + HELD).count();
    assert!(
        overlapping >= 3,
        "{overlapping} asked while the first was out: {asked:?}"
    );
    let mut order: Vec<String> = store
        .queue_rows()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.id)
        .collect();
    order.sort();
    let want: Vec<String> = ids.iter().map(|id| format!("ic-{id}")).collect();
    assert_eq!(order, want);
}

/// One part that cannot be read is left out with a warning naming it; the
/// conversation and its other parts are kept.
#[tokio::test]
async fn a_malformed_part_is_left_out_with_a_warning() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471")]).await;
    let mut c = conversation("471");
    c["conversation_parts"]["conversation_parts"][1]["created_at"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path("/conversations/471"))
        .respond_with(ok(c))
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (1, 0), "{report:?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("ic-471") && w.contains("part 9002") && w.contains("left out")),
        "{:?}",
        report.warnings
    );
    let h = store.handoff("ic-471").ok().flatten();
    let texts: Vec<String> = h
        .map(|h| h.transcript.into_iter().map(|m| m.text).collect())
        .unwrap_or_default();
    assert_eq!(texts.len(), 7, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("should not be there")));
}

/// One conversation that cannot be read is skipped with a warning naming
/// it; the others land.
#[tokio::test]
async fn a_malformed_conversation_is_skipped_with_a_warning() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    let mut bad = item("472");
    bad["admin_assignee_id"] = json!({ "id": 5 });
    mount_mine(&server, vec![item("471"), bad, item("473")]).await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (2, 1), "{report:?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("ic-472") && w.contains("skipped"))
    );
    assert!(store.handoff("ic-473").ok().flatten().is_some());
    // Not fetched: it could not be read.
    let reqs = requests(&server).await;
    assert!(!reqs.iter().any(|r| r.url.path() == "/conversations/472"));
}

/// A refused token: not retried (it will not get better within a sync),
/// nothing written, and `login` says what is wrong and what to do.
#[tokio::test]
async fn a_401_says_the_token_is_wrong() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("error_401.json")))
        .expect(2)
        .mount(&server)
        .await;
    let mut store = store();
    let err = full_sync(&server, &mut store)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("401")), "{err:?}");
    assert_eq!(store.count().unwrap_or(-1), 0);
    let cfg = config(&server.uri());
    let said = helpdesk(&cfg).whoami().await.err().map(|e| e.to_string());
    let said = said.unwrap_or_default();
    assert!(
        said.contains("401") && said.contains("access token"),
        "{said}"
    );
    assert!(said.contains("region"), "{said}");
    assert!(!said.contains(TOKEN));
    server.verify().await;
}

/// A workspace whose plan has no API: `login` says so, with Intercom's code.
#[tokio::test]
async fn a_403_plan_restriction_is_explained() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(403).set_body_json(fixture("error_403.json")))
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let said = helpdesk(&cfg).whoami().await.err().map(|e| e.to_string());
    let said = said.unwrap_or_default();
    assert!(
        said.contains("plan") && said.contains("api_plan_restricted"),
        "{said}"
    );
    assert!(said.contains("Active subscription needed."), "{said}");
}

/// A conversation deleted while syncing is skipped with a warning; `/me`
/// not found (not Intercom's API at that address) fails the sync.
#[tokio::test]
async fn a_404_conversation_is_skipped_and_a_404_me_fails() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471"), item("472")]).await;
    Mock::given(method("GET"))
        .and(path("/conversations/472"))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error_404.json")))
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (1, 1), "{report:?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("ic-472") && w.contains("gone"))
    );

    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error_404.json")))
        .mount(&other)
        .await;
    let mut fresh = self::store();
    let err = full_sync(&other, &mut fresh)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("404")), "{err:?}");
    assert_eq!(fresh.count().unwrap_or(-1), 0);
    let said = helpdesk(&config(&other.uri())).whoami().await.err();
    let said = said.map(|e| e.to_string()).unwrap_or_default();
    assert!(said.contains("does not look like Intercom"), "{said}");
}

/// A 429 carries `X-RateLimit-Reset` (a Unix time) and no `Retry-After`:
/// the search is tried again no sooner than that, then the sync works.
#[tokio::test]
async fn a_429_waits_for_x_ratelimit_reset() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471")]).await;
    let reset = (Utc::now() + TimeDelta::seconds(2)).timestamp() + 1;
    Mock::given(method("POST"))
        .and(path("/conversations/search"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(fixture("error_429.json"))
                .insert_header("X-RateLimit-Limit", "10000")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut store = store();
    let started = Instant::now();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Our own backoff is 0.2-0.4 s here: only the reset explains the wait.
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.new, 1, "{report:?}");
}

/// A passing 5xx is retried; one that stays fails the sync, naming it,
/// after a few tries, and writes nothing.
#[tokio::test]
async fn a_5xx_is_retried_then_reported() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471")]).await;
    Mock::given(method("GET"))
        .and(path("/conversations/471"))
        .respond_with(ResponseTemplate::new(502).set_body_json(fixture("error_500.json")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 1);

    let down = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(503).set_body_json(fixture("error_500.json")))
        .expect(4)
        .mount(&down)
        .await;
    let mut fresh = self::store();
    let err = full_sync(&down, &mut fresh)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("503")), "{err:?}");
    assert_eq!(fresh.count().unwrap_or(-1), 0);
    down.verify().await;
}

/// No answer within `timeout_secs`: reported as such, nothing written.
#[tokio::test]
async fn a_timeout_is_reported_as_such() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ok(fixture("me.json")).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    cfg.timeout_secs = Some(0.3);
    let mut store = store();
    let err = sync_with(&cfg, &mut store, true)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("no answer within 0.3s")),
        "{err:?}"
    );
    assert_eq!(store.count().unwrap_or(-1), 0);
}

/// A login page from a proxy is a clear error, not a JSON parse failure.
#[tokio::test]
async fn an_html_page_is_a_clear_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<!DOCTYPE html><html><body>Sign in</body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let said = helpdesk(&config(&server.uri())).whoami().await.err();
    let said = said.map(|e| e.to_string()).unwrap_or_default();
    assert!(said.contains("HTML page, not JSON"), "{said}");
}

/// Fin's conversations: the ones it still holds are `pending` and nobody's;
/// the team's history (a teammate's closed conversation) is pulled for the
/// lead's figures and counted as such; another team's escalation is not
/// pulled at all.
#[tokio::test]
async fn fin_held_conversations_are_pending_and_history_counts_for_figures() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    let mut held = item("480");
    held["admin_assignee_id"] = json!(0);
    held["team_assignee_id"] = json!(0);
    held["ai_agent"]["resolution_state"] = Value::Null;
    let mut elsewhere = item("481");
    elsewhere["admin_assignee_id"] = json!(0);
    elsewhere["team_assignee_id"] = json!(5017692);
    Mock::given(method("POST"))
        .and(Searching("ai_agent_participated", "=", Some(json!(true))))
        .respond_with(ok(page(vec![held, elsewhere], None)))
        .mount(&server)
        .await;
    let mut closed = item("490");
    closed["state"] = json!("closed");
    closed["open"] = json!(false);
    closed["admin_assignee_id"] = json!(991267460);
    closed["updated_at"] = json!(Utc::now().timestamp() - 3600);
    Mock::given(method("POST"))
        .and(Searching("updated_at", ">", None))
        .respond_with(ok(page(vec![closed], None)))
        .mount(&server)
        .await;
    for (id, state, admin) in [("480", "open", 0), ("490", "closed", 991267460)] {
        let mut c = conversation(id);
        c["state"] = json!(state);
        c["admin_assignee_id"] = json!(admin);
        if id == "480" {
            c["team_assignee_id"] = json!(0);
            c["ai_agent"]["resolution_state"] = Value::Null;
        }
        Mock::given(method("GET"))
            .and(path(format!("/conversations/{id}")))
            .respond_with(ok(c))
            .mount(&server)
            .await;
    }
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.for_figures), (2, 1), "{report:?}");
    let held = store.handoff("ic-480").ok().flatten();
    assert_eq!(held.as_ref().map(|h| h.status), Some(Status::Pending));
    assert_eq!(held.and_then(|h| h.routing.assignee), None);
    let closed = store.handoff("ic-490").ok().flatten();
    assert_eq!(closed.as_ref().map(|h| h.status), Some(Status::Resolved));
    assert_eq!(
        closed.and_then(|h| h.routing.assignee).as_deref(),
        Some("Sam Ortiz")
    );
    assert!(store.handoff("ic-481").ok().flatten().is_none());
}

/// After a full sync, the next asks only for what was updated since (one
/// `updated_at >` search with an overlap), skips what did not change, and
/// rewrites what did.
#[tokio::test]
async fn incremental_sync_asks_for_what_changed() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_defaults(&server).await;
    mount_mine(&server, vec![item("471"), item("472")]).await;
    let mut store = store();
    let cfg = config(&server.uri());
    sync_with(&cfg, &mut store, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let synced_at = Utc::now();

    let mut changed = item("472");
    changed["updated_at"] = json!(Utc::now().timestamp());
    changed["state"] = json!("snoozed");
    let mut stranger = item("499");
    stranger["admin_assignee_id"] = json!(991267460);
    stranger["team_assignee_id"] = json!(5017692);
    Mock::given(method("POST"))
        .and(path("/conversations/search"))
        .and(body_partial_json(
            json!({ "query": { "field": "updated_at", "operator": ">" } }),
        ))
        .respond_with(ok(page(vec![item("471"), changed, stranger], None)))
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut c = conversation("472");
    c["state"] = json!("snoozed");
    Mock::given(method("GET"))
        .and(path("/conversations/472"))
        .respond_with(ok(c))
        .mount(&server)
        .await;
    let before = requests(&server).await.len();
    let report = sync_with(&cfg, &mut store, false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.incremental);
    assert_eq!(
        (report.updated, report.unchanged, report.new),
        (1, 1, 0),
        "{report:?}"
    );
    let h = store.handoff("ic-472").ok().flatten();
    assert_eq!(h.map(|h| h.status), Some(Status::Snoozed));
    assert!(store.handoff("ic-499").ok().flatten().is_none());
    let reqs = requests(&server).await;
    let fetched: Vec<&str> = reqs[before..].iter().map(|r| r.url.path()).collect();
    assert!(!fetched.contains(&"/conversations/471"), "{fetched:?}");
    let search = bodies(&reqs[before..], "POST", "/conversations/search");
    let after = search[0]["query"]["value"].as_i64().unwrap_or_default();
    assert!(after <= synced_at.timestamp() - 120, "{search:?}");
    server.verify().await;
}

/// A sync does not overwrite a handoff whose changes are still going out.
#[tokio::test]
async fn sync_holds_handoffs_with_unsent_changes() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    store
        .set_status("ic-471", Status::Resolved, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.held, 1);
    assert_eq!(
        store.handoff("ic-471").ok().flatten().map(|h| h.status),
        Some(Status::Resolved)
    );
}

// ---------------------------------------------------------------------------
// Delivering
// ---------------------------------------------------------------------------

async fn synced_store(server: &MockServer) -> Store {
    mount_identity(server).await;
    mount_defaults(server).await;
    mount_mine(server, vec![item("471"), item("472")]).await;
    let mut store = store();
    full_sync(server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

fn bad(id: &str, reasons: Vec<Reason>, note: &str) -> Feedback {
    Feedback {
        handoff_id: id.into(),
        verdict: Verdict::Bad,
        reasons,
        note: Some(note.into()),
        agent: "Maya Chen".into(),
        at: Utc::now(),
    }
}

async fn deliver(server: &MockServer, store: &mut Store) -> handoff::outbox::Report {
    deliver_with(&config(&server.uri()), store).await
}

async fn deliver_with(cfg: &IntercomConfig, store: &mut Store) -> handoff::outbox::Report {
    helpdesk(cfg)
        .deliver(store, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `POST /tags` answers the tag called `name`, created or not.
async fn mount_tags(server: &MockServer, tags: &[(&str, &str)]) {
    for (name, id) in tags {
        Mock::given(method("POST"))
            .and(path("/tags"))
            .and(body_partial_json(json!({ "name": name })))
            .respond_with(ok(json!({ "type": "tag", "id": id, "name": name })))
            .expect(1)
            .mount(server)
            .await;
    }
}

/// Every write endpoint with the spec's request bodies: a verdict (tags
/// created-or-got and attached by id, then a note with the feedback and
/// our marker), claim, team move, close, note and reply.
#[tokio::test]
async fn every_action_reaches_its_endpoint() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    mount_tags(
        &server,
        &[("ai-bad-handoff", "86"), ("ai-bad-wrong-data", "87")],
    )
    .await;
    for tag in ["86", "87"] {
        Mock::given(method("POST"))
            .and(path("/conversations/471/tags"))
            .and(body_partial_json(json!({ "id": tag, "admin_id": ME })))
            .respond_with(ok(fixture("tag_applied.json")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let reply = |kind: &str, n: u64| {
        Mock::given(method("POST"))
            .and(path("/conversations/471/reply"))
            .and(body_partial_json(
                json!({ "message_type": kind, "type": "admin", "admin_id": ME }),
            ))
            .respond_with(ok(conversation("471")))
            .expect(n)
    };
    reply("note", 2).mount(&server).await;
    reply("comment", 1).mount(&server).await;
    let part = |body: Value| {
        Mock::given(method("POST"))
            .and(path("/conversations/471/parts"))
            .and(body_partial_json(body))
            .respond_with(ok(conversation("471")))
            .expect(1)
    };
    part(
        json!({ "message_type": "assignment", "type": "admin", "admin_id": ME, "assignee_id": ME }),
    )
    .mount(&server)
    .await;
    part(json!({ "message_type": "assignment", "type": "team", "admin_id": ME, "assignee_id": "5017692" }))
        .mount(&server)
        .await;
    part(json!({ "message_type": "close", "type": "admin", "admin_id": ME }))
        .mount(&server)
        .await;

    let now = Utc::now();
    let id = "ic-471";
    store
        .set_feedback(
            id,
            Some(&bad(
                id,
                vec![Reason::WrongData],
                "asked for the wrong order",
            )),
            "Maya Chen",
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .assign(id, Some("Maya Chen"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .assign_team(id, Some("Access"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message(
            id,
            "Maya Chen",
            "Checked the processor: <both> settled.",
            true,
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message(
            id,
            "Maya Chen",
            "We refunded the second charge.",
            false,
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_status(id, Status::Resolved, "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.outbox_unsent().unwrap_or_default().len(), 6);

    let report = deliver(&server, &mut store).await;
    assert_eq!(report.sent(), 6, "{report:?}");
    assert!(store.outbox_unsent().unwrap_or_default().is_empty());
    server.verify().await;

    // The verdict note carries the feedback and our marker, as HTML that
    // shows the text verbatim; the reply carries no marker.
    let reqs = requests(&server).await;
    let posted = bodies(&reqs, "POST", "/conversations/471/reply");
    let text = |b: &Value| b["body"].as_str().unwrap_or_default().to_string();
    let verdict = posted
        .iter()
        .map(text)
        .find(|b| b.contains("Bad AI handoff"));
    let verdict = verdict.unwrap_or_default();
    assert!(
        verdict.contains("wrong or missing data collected"),
        "{verdict}"
    );
    assert!(
        verdict.contains("asked for the wrong order") && verdict.contains("[handoff:"),
        "{verdict}"
    );
    let note = posted
        .iter()
        .map(text)
        .find(|b| b.contains("Checked the processor"));
    assert!(note.is_some_and(|n| n.contains("&lt;both&gt;") && n.contains("[handoff:")));
    let reply = posted
        .iter()
        .find(|b| b["message_type"] == "comment")
        .map(text);
    assert_eq!(
        reply.as_deref(),
        Some("<p>We refunded the second charge.</p>")
    );
}

/// Tags are created once a pass (`POST /tags`), however many conversations
/// need them, and attached by their id; a tag already on a conversation is
/// not attached again.
#[tokio::test]
async fn tags_are_created_once_and_attached_by_id() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    mount_tags(
        &server,
        &[("ai-bad-handoff", "86"), ("ai-bad-misrouted", "88")],
    )
    .await;
    for conversation in ["471", "472"] {
        for tag in ["86", "88"] {
            Mock::given(method("POST"))
                .and(path(format!("/conversations/{conversation}/tags")))
                .and(body_partial_json(json!({ "id": tag, "admin_id": ME })))
                .respond_with(ok(fixture("tag_applied.json")))
                .expect(1)
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path(format!("/conversations/{conversation}/reply")))
            .respond_with(ok(self::conversation(conversation)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let now = Utc::now();
    for id in ["ic-471", "ic-472"] {
        store
            .set_feedback(
                id,
                Some(&bad(id, vec![Reason::Misrouted], "")),
                "Maya Chen",
                now,
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.sent(), 2, "{report:?}");
    server.verify().await;
    let reqs = requests(&server).await;
    // The billing tag someone else put on stays untouched.
    assert!(!reqs.iter().any(|r| r.method.as_str() == "DELETE"));
}

/// Withdrawing a verdict detaches our tags by id — any case — and never
/// anyone else's; nothing is created.
#[tokio::test]
async fn undo_detaches_only_ours() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let mut c = conversation("471");
    c["tags"]["tags"] = json!([
        { "type": "tag", "id": "123456", "name": "billing" },
        { "type": "tag", "id": "86", "name": "AI-Bad-Handoff" },
        { "type": "tag", "id": "88", "name": "ai-bad-misrouted" },
        { "type": "tag", "id": "99", "name": "ai-review" }
    ]);
    Mock::given(method("GET"))
        .and(path("/conversations/471"))
        .and(query_param("display_as", "plaintext"))
        .respond_with(ok(c))
        .with_priority(1)
        .mount(&server)
        .await;
    for tag in ["86", "88"] {
        Mock::given(method("DELETE"))
            .and(path(format!("/conversations/471/tags/{tag}")))
            .and(body_partial_json(json!({ "admin_id": ME })))
            .respond_with(ok(json!({ "type": "tag", "id": tag, "name": "x" })))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/conversations/471/reply"))
        .and(body_partial_json(json!({ "message_type": "note" })))
        .respond_with(ok(conversation("471")))
        .expect(2)
        .mount(&server)
        .await;
    let now = Utc::now();
    let id = "ic-471";
    store
        .set_feedback(
            id,
            Some(&bad(id, vec![Reason::Misrouted], "")),
            "Maya Chen",
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // Already tagged as wanted: nothing to attach, only the note.
    assert_eq!(deliver(&server, &mut store).await.sent(), 1);
    store
        .set_feedback(id, None, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deliver(&server, &mut store).await.sent(), 1);
    server.verify().await;
    let reqs = requests(&server).await;
    let deleted: Vec<&str> = reqs
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .map(|r| r.url.path())
        .collect();
    assert_eq!(deleted.len(), 2, "{deleted:?}");
    assert!(!reqs.iter().any(|r| r.url.path() == "/tags"));
    let notes = bodies(&reqs, "POST", "/conversations/471/reply");
    assert!(
        notes
            .iter()
            .any(|n| n["body"].as_str().is_some_and(|b| b.contains("withdrawn")))
    );
}

/// A part written now by teammate `id` called `name`.
fn part(kind: &str, body: &str, (id, name): (&str, &str)) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "type": "conversation_part", "id": format!("90{now}"), "part_type": kind, "body": body,
        "created_at": now, "updated_at": now, "notified_at": now, "assigned_to": null,
        "author": { "type": "admin", "id": id, "name": name, "email": "someone@example.com" },
        "attachments": [], "external_id": null, "redacted": false
    })
}

/// Conversation 471 with `extra` after its fixture parts.
fn with_part(extra: Value) -> Value {
    let mut c = conversation("471");
    if let Some(parts) = c["conversation_parts"]["conversation_parts"].as_array_mut() {
        parts.push(extra);
    }
    c
}

/// A message whose first attempt may have landed (`first` is how it was
/// answered), retried once Intercom holds `landed(marker)`: how many times
/// it was posted.
async fn posts_of_a_retried_message(
    private: bool,
    first: ResponseTemplate,
    landed: impl Fn(&str) -> Value,
) -> usize {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("POST"))
        .and(path("/conversations/471/reply"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/conversations/471/reply"))
        .respond_with(ok(conversation("471")))
        .with_priority(10)
        .mount(&server)
        .await;
    store
        .add_message(
            "ic-471",
            "Maya Chen",
            "We refunded it.",
            private,
            Utc::now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config(&server.uri());
    cfg.timeout_secs = Some(0.3);
    let report = deliver_with(&cfg, &mut store).await;
    assert_eq!(report.retrying(), 1, "{report:?}");
    let key = store
        .outbox_unsent()
        .unwrap_or_default()
        .first()
        .map(|r| r.idempotency_key.clone())
        .unwrap_or_default();
    let mark = handoff::domain::verdict_marks::marker(&key);
    Mock::given(method("GET"))
        .and(path("/conversations/471"))
        .respond_with(ok(with_part(landed(&mark))))
        .with_priority(1)
        .mount(&server)
        .await;
    store
        .outbox_retry(Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver_with(&cfg, &mut store).await;
    assert_eq!(report.sent(), 1, "{report:?}");
    bodies(&requests(&server).await, "POST", "/conversations/471/reply").len()
}

/// A note whose answer timed out (it landed) is found by its marker among
/// the newest parts on the retry, and not posted again.
#[tokio::test]
async fn an_uncertain_note_is_checked_before_it_is_sent_again() {
    let slow = ok(conversation("471")).set_delay(Duration::from_secs(3));
    let posts = posts_of_a_retried_message(true, slow, |mark| {
        part(
            "note",
            &format!("<p>We refunded it.</p><p><br></p><p>{mark}</p>"),
            (ME, "Maya Chen"),
        )
    })
    .await;
    assert_eq!(posts, 1, "the note was posted twice");
}

/// A reply carries no marker (the customer reads it): after an uncertain
/// attempt it is recognised as the same text from me, sent since — and
/// the same words from a teammate do not count.
#[tokio::test]
async fn an_uncertain_reply_is_not_sent_twice() {
    let failed = || ResponseTemplate::new(502).set_body_json(fixture("error_500.json"));
    let mine = posts_of_a_retried_message(false, failed(), |_| {
        part("comment", "We refunded it.", (ME, "Maya Chen"))
    })
    .await;
    assert_eq!(mine, 1, "the reply was sent twice");
    let theirs = posts_of_a_retried_message(false, failed(), |_| {
        part("comment", "We refunded it.", ("991267460", "Sam Ortiz"))
    })
    .await;
    assert_eq!(theirs, 2, "a teammate's reply was taken for mine");
}

/// A 429 on delivery waits for `X-RateLimit-Reset` (the outbox reschedules
/// the change no sooner, and pauses); a 404 (deleted) fails it for a person.
#[tokio::test]
async fn delivery_waits_for_the_rate_limit_reset_and_fails_on_404() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let reset = (Utc::now() + TimeDelta::seconds(60)).timestamp();
    Mock::given(method("POST"))
        .and(path("/conversations/471/parts"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(fixture("error_429.json"))
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    store
        .set_status("ic-471", Status::Resolved, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.retrying(), 1, "{report:?}");
    assert!(report.paused_until.is_some());
    let next = store
        .outbox_unsent()
        .unwrap_or_default()
        .first()
        .map(|r| r.next_attempt_at.timestamp());
    assert!(
        next.is_some_and(|n| n >= reset - 1),
        "{next:?} before {reset}"
    );

    Mock::given(method("POST"))
        .and(path("/conversations/471/parts"))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error_404.json")))
        .mount(&server)
        .await;
    store
        .outbox_retry(Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.failed(), 1, "{report:?}");
}

/// Snooze sends the end Intercom wants (a week on, or the customer's next
/// message); `pending` is Fin's, not a state a person sets.
#[tokio::test]
async fn snooze_has_an_end_and_pending_is_refused() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("POST"))
        .and(path("/conversations/471/parts"))
        .and(body_partial_json(
            json!({ "message_type": "snoozed", "admin_id": ME }),
        ))
        .respond_with(ok(conversation("471")))
        .expect(1)
        .mount(&server)
        .await;
    let asked = Utc::now();
    store
        .set_status("ic-471", Status::Snoozed, "Maya Chen", asked)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_status("ic-472", Status::Pending, "Maya Chen", asked)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!((report.sent(), report.failed()), (1, 1), "{report:?}");
    server.verify().await;
    let snoozed = bodies(&requests(&server).await, "POST", "/conversations/471/parts");
    let until = snoozed[0]["snoozed_until"].as_i64().unwrap_or_default();
    assert!(
        until >= (asked + TimeDelta::days(7)).timestamp() - 1,
        "{snoozed:?}"
    );
    let rows = store.outbox_all().unwrap_or_default();
    assert!(rows.iter().any(|r| {
        r.last_error
            .as_deref()
            .is_some_and(|e| e.contains("pending"))
    }));
}

/// A team Intercom does not have (renamed or deleted since the sync) fails
/// that change for good, with the team's name in the error.
#[tokio::test]
async fn an_unknown_team_fails_with_its_name() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("POST"))
        .and(path("/conversations/471/parts"))
        .respond_with(ok(conversation("471")))
        .expect(0)
        .mount(&server)
        .await;
    store
        .assign_team("ic-471", Some("Night shift"), "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.failed(), 1, "{report:?}");
    let rows = store.outbox_all().unwrap_or_default();
    assert!(rows.iter().any(|r| {
        r.last_error
            .as_deref()
            .is_some_and(|e| e.contains("no team called 'Night shift'"))
    }));
    server.verify().await;
}
