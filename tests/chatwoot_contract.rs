//! Contract tests for the Chatwoot adapter against wiremock. Fixtures under
//! tests/fixtures/chatwoot/ follow the OpenAPI file's field names and types
//! (/work/shared/specs/chatwoot-swagger.json: `user`, `team`,
//! `conversation_list`, `conversation_messages`, `conversation_labels`, ...).

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use handoff::backend::chatwoot::client::{ApiError, Client};
use handoff::backend::chatwoot::sync::{self, SyncError};
use handoff::backend::chatwoot::{CHATWOOT, ChatwootConfig, Secret, actions};
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::handoff::{Author, Status};
use handoff::store::{Destination, Store};
use serde_json::{Value, json};
use wiremock::matchers::{
    body_partial_json, method, path, path_regex, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACCOUNT: &str = "/api/v1/accounts/1";

fn raw_fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/chatwoot/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn config(base: &str) -> ChatwootConfig {
    ChatwootConfig {
        base_url: base.to_string(),
        account_id: 1,
        inbox_ids: Vec::new(),
        team_ids: Vec::new(),
        poll_secs: None,
        timeout_secs: Some(1.0),
        hold_secs: Some(0.0),
        backoff_secs: Some(0.2),
        max_backoff_secs: Some(0.4),
    }
}

fn client(cfg: &ChatwootConfig) -> Client {
    Client::new(cfg, &Secret::new("SENTINEL-TOKEN-4242")).unwrap_or_else(|e| panic!("{e}"))
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    s.set_helpdesk(Some(Destination {
        name: CHATWOOT.into(),
        hold: Duration::ZERO,
    }));
    s
}

/// The fixture conversation as display id `id`.
fn conversation(id: i64) -> Value {
    let mut c = common::chatwoot_fixture("conversation.json");
    c["id"] = json!(id);
    c
}

fn list(items: Vec<Value>) -> Value {
    let n = items.len();
    json!({ "data": {
        "meta": { "mine_count": n, "assigned_count": n, "unassigned_count": 0, "all_count": n },
        "payload": items } })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_identity(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(ok(common::chatwoot_fixture("profile.json")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/teams")))
        .respond_with(ok(common::chatwoot_fixture("teams.json")))
        .mount(server)
        .await;
}

/// Team 3's unassigned queue, the pending queue and the team's history for
/// the figures: empty unless mounted otherwise with a higher priority.
async fn mount_empty_queues(server: &MockServer) {
    for (k, v) in [
        ("assignee_type", "unassigned"),
        ("status", "pending"),
        ("status", "all"),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("{ACCOUNT}/conversations")))
            .and(query_param(k, v))
            .respond_with(ok(list(Vec::new())))
            .with_priority(10)
            .mount(server)
            .await;
    }
}

async fn mount_messages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path_regex(
            r"^/api/v1/accounts/1/conversations/\d+/messages$",
        ))
        .respond_with(ok(common::chatwoot_fixture("messages.json")))
        .with_priority(10)
        .mount(server)
        .await;
}

async fn mount_mine(server: &MockServer, items: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("assignee_type", "me"))
        .respond_with(ok(list(items)))
        .mount(server)
        .await;
}

async fn full_sync(
    server: &MockServer,
    store: &mut Store,
) -> Result<handoff::backend::SyncReport, SyncError> {
    let cfg = config(&server.uri());
    sync::refresh(&client(&cfg), &cfg, store, None, Utc::now()).await
}

fn requests_to(reqs: &[Request], p: &str) -> usize {
    reqs.iter().filter(|r| r.url.path() == p).count()
}

/// Every endpoint the sync reads; the mapping of one conversation: summary
/// from custom_attributes.handoff merged with the bot's private note, the
/// contact's plan and VIP flag, Captain and agent-bot messages as AI, the
/// token sent as `api_access_token`.
#[tokio::test]
async fn sync_maps_a_conversation_from_every_source() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    mount_mine(&server, vec![conversation(1042)]).await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.new, report.updated, report.skipped),
        (1, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.me, "Maya Chen");

    let h = store
        .handoff("cw-1042")
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("not stored"));
    assert_eq!(h.status, Status::Open);
    assert_eq!(h.customer.name, "Dana Ruiz");
    assert_eq!(h.customer.plan.as_deref(), Some("business"));
    assert!(h.customer.has_flag("vip"));
    assert_eq!(h.routing.team.as_deref(), Some("billing"));
    assert_eq!(h.routing.assignee.as_deref(), Some("Maya Chen"));
    assert_eq!(h.routing.skills, ["refunds"]);
    assert_eq!(h.channel.as_deref(), Some("web_widget"));
    assert_eq!(h.language.as_deref(), Some("en"));
    assert_eq!(h.ai.procedure.as_deref(), Some("refunds"));
    // Explicit attribute wins; the note fills what it lacks.
    assert_eq!(
        h.summary.issue.as_deref(),
        Some("Charged twice for the May invoice")
    );
    assert_eq!(h.summary.confidence, Some(0.41));
    assert_eq!(
        h.summary.escalation.as_ref().map(|e| e.trigger.as_str()),
        Some("policy_exception")
    );
    assert!(h.note.as_deref().is_some_and(|n| n.contains("Next step")));
    let authors: Vec<Author> = h.transcript.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [Author::Customer, Author::Ai, Author::Ai, Author::System]
    );
    assert!(h.transcript[2].private);

    let reqs = server.received_requests().await.unwrap_or_default();
    assert!(reqs.iter().all(|r| {
        r.headers
            .get("api_access_token")
            .is_some_and(|v| v.as_bytes() == b"SENTINEL-TOKEN-4242")
    }));
    for p in [
        "/api/v1/profile",
        &format!("{ACCOUNT}/teams"),
        &format!("{ACCOUNT}/conversations"),
    ] {
        assert!(requests_to(&reqs, p) > 0, "{p} not used");
    }
    // Mine, my team's (3, not 4: not a member) unassigned, and pending.
    let queries: Vec<String> = reqs
        .iter()
        .filter_map(|r| r.url.query().map(str::to_string))
        .collect();
    assert!(
        queries
            .iter()
            .any(|q| q.contains("assignee_type=unassigned") && q.contains("team_id=3"))
    );
    assert!(!queries.iter().any(|q| q.contains("team_id=4")));
    assert!(queries.iter().any(|q| q.contains("status=pending")));
    // I am an agent of team billing now, so "Team unassigned" works.
    let agents = store.agents().unwrap_or_default();
    assert!(
        agents
            .iter()
            .any(|a| a.name == "Maya Chen" && a.teams == ["billing"])
    );
}

/// 25 + 25 + 3 conversations: three pages, stopping at the short one.
#[tokio::test]
async fn sync_pages_through_three_pages() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    for (page, range) in [(1, 1..26), (2, 26..51), (3, 51..54)] {
        Mock::given(method("GET"))
            .and(path(format!("{ACCOUNT}/conversations")))
            .and(query_param("assignee_type", "me"))
            .and(query_param("page", page.to_string()))
            .respond_with(ok(list(range.map(conversation).collect())))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 53);
    assert_eq!(store.count().unwrap_or_default(), 53);
    server.verify().await;
}

/// Transcripts page backwards with `before=` until a short page.
#[tokio::test]
async fn messages_page_backwards_with_before() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_mine(&server, vec![conversation(1042)]).await;
    let page = |ids: std::ops::Range<i64>| {
        let mut m = common::chatwoot_fixture("messages.json");
        let template = m["payload"][0].clone();
        m["payload"] = Value::Array(
            ids.map(|id| {
                let mut x = template.clone();
                x["id"] = json!(id);
                x["content"] = json!(format!("message {id}"));
                x["created_at"] = json!(1763800000 + id);
                x
            })
            .collect(),
        );
        m
    };
    let messages = format!("{ACCOUNT}/conversations/1042/messages");
    Mock::given(method("GET"))
        .and(path(&messages))
        .and(query_param_is_missing("before"))
        .respond_with(ok(page(120..140)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&messages))
        .and(query_param("before", "120"))
        .respond_with(ok(page(115..120)))
        .expect(1)
        .mount(&server)
        .await;
    let mut store = store();
    full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let h = store.handoff("cw-1042").ok().flatten();
    let texts: Vec<String> = h
        .map(|h| h.transcript.into_iter().map(|m| m.text).collect())
        .unwrap_or_default();
    assert_eq!(texts.len(), 25);
    assert_eq!(texts.first().map(String::as_str), Some("message 115"));
    assert_eq!(texts.last().map(String::as_str), Some("message 139"));
    server.verify().await;
}

/// One malformed record in a list is skipped with a warning; the rest land.
#[tokio::test]
async fn a_malformed_record_is_skipped_with_a_warning() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("assignee_type", "me"))
        .respond_with(ok(common::chatwoot_fixture("conversations_malformed.json")))
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (2, 1), "{report:?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("not-a-number") && w.contains("skipped"))
    );
    assert!(store.handoff("cw-2001").ok().flatten().is_some());
    assert!(store.handoff("cw-2003").ok().flatten().is_some());
}

async fn sync_fails_and_writes_nothing(response: ResponseTemplate) -> SyncError {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("assignee_type", "me"))
        .and(query_param("page", "1"))
        .respond_with(ok(list((1..26).map(conversation).collect())))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("assignee_type", "me"))
        .and(query_param("page", "2"))
        .respond_with(response)
        .mount(&server)
        .await;
    let mut store = store();
    let err = full_sync(&server, &mut store)
        .await
        .err()
        .unwrap_or_else(|| panic!("must fail"));
    assert_eq!(
        store.count().unwrap_or(-1),
        0,
        "a failed sync wrote something"
    );
    assert!(sync::last_sync(&store).is_none());
    err
}

#[tokio::test]
async fn an_html_page_is_a_clear_error_and_nothing_is_written() {
    let err = sync_fails_and_writes_nothing(
        ResponseTemplate::new(200)
            .set_body_raw(raw_fixture("login_page.html"), "text/html; charset=utf-8"),
    )
    .await;
    let text = err.to_string();
    assert!(text.contains("HTML page, not JSON"), "{text}");
}

#[tokio::test]
async fn a_truncated_body_is_a_clear_error_and_nothing_is_written() {
    let err = sync_fails_and_writes_nothing(
        ResponseTemplate::new(200).set_body_raw(raw_fixture("truncated.json"), "application/json"),
    )
    .await;
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[tokio::test]
async fn a_401_says_the_token_is_wrong() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"errors": ["Invalid Access Token"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut store = store();
    let err = full_sync(&server, &mut store).await.err();
    assert!(
        matches!(err, Some(SyncError::Api(ApiError::Unauthorized))),
        "{err:?}"
    );
    // 401 is not retried within a sync: the token will not get better.
    server.verify().await;
}

#[tokio::test]
async fn a_404_conversation_is_skipped_and_a_404_account_fails() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    mount_mine(&server, vec![conversation(1), conversation(2)]).await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations/2/messages")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource could not be found"})),
        )
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (1, 1));
    assert!(report.warnings.iter().any(|w| w.starts_with("cw-2: gone")));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(ResponseTemplate::new(404).set_body_string("Not Found"))
        .mount(&server)
        .await;
    let err = full_sync(&server, &mut store).await.err();
    assert!(
        matches!(err, Some(SyncError::Api(ApiError::NotFound(_)))),
        "{err:?}"
    );
}

/// Chatwoot's 429: text/plain "Retry later", no Retry-After. We back off on
/// our own and then succeed.
#[tokio::test]
async fn a_429_without_retry_after_is_backed_off_then_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(ResponseTemplate::new(429).set_body_raw("Retry later\n", "text/plain"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(ok(common::chatwoot_fixture("profile.json")))
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let started = Instant::now();
    let result = sync::whoami(&client(&cfg)).await;
    assert!(result.is_ok(), "{:?}", result.err());
    // First retry waits at least half of backoff_secs (0.2 s).
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(reqs.len(), 2);
}

#[tokio::test]
async fn a_500_is_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "boom"})))
        .expect(4)
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let err = sync::whoami(&client(&cfg)).await.err();
    assert!(
        matches!(err, Some(SyncError::Api(ApiError::Server(500, _)))),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_timeout_is_reported_as_such() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profile"))
        .respond_with(
            ok(common::chatwoot_fixture("profile.json")).set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    cfg.timeout_secs = Some(0.3);
    cfg.backoff_secs = Some(0.01);
    let err = sync::whoami(&client(&cfg)).await.err();
    assert!(
        matches!(err, Some(SyncError::Api(ApiError::Timeout(_)))),
        "{err:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(9)
    };
    let mut cfg = config(&format!("http://127.0.0.1:{port}"));
    cfg.backoff_secs = Some(0.01);
    let err = sync::whoami(&client(&cfg)).await.err();
    match err {
        Some(SyncError::Api(ApiError::Unreachable(why))) => {
            assert!(why.contains("connection refused"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_account_not_in_the_profile_is_named() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    let mut cfg = config(&server.uri());
    cfg.account_id = 9;
    let err = sync::whoami(&client(&cfg))
        .await
        .err()
        .map(|e| e.to_string());
    let err = err.unwrap_or_default();
    assert!(
        err.contains("account_id 9") && err.contains("1 (Acme Support)"),
        "{err}"
    );
}

/// The second sync asks only for what changed (`updated_within`, one
/// request, no paging) and does not refetch unchanged conversations.
#[tokio::test]
async fn incremental_sync_asks_for_changes_only() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    mount_mine(&server, vec![conversation(1), conversation(2)]).await;
    let mut store = store();
    full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let since = sync::last_sync(&store);
    assert!(since.is_some());

    server.reset().await;
    mount_identity(&server).await;
    mount_messages(&server).await;
    let mut changed = conversation(2);
    changed["updated_at"] = json!(1763900000.25);
    changed["status"] = json!("resolved");
    let mut stranger = conversation(3);
    stranger["meta"]["assignee"]["id"] = json!(99);
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("status", "all"))
        .and(query_param("assignee_type", "all"))
        .and(query_param_is_missing("page"))
        .respond_with(ok(list(vec![conversation(1), changed, stranger])))
        .expect(1)
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let report = sync::refresh(&client(&cfg), &cfg, &mut store, since, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.incremental);
    assert_eq!(
        (report.new, report.updated, report.unchanged),
        (0, 1, 1),
        "{report:?}"
    );
    let reqs = server.received_requests().await.unwrap_or_default();
    let list_req = reqs
        .iter()
        .find(|r| r.url.path() == format!("{ACCOUNT}/conversations"));
    let within: Option<i64> = list_req.and_then(|r| {
        r.url
            .query_pairs()
            .find(|(k, _)| k == "updated_within")
            .and_then(|(_, v)| v.parse().ok())
    });
    assert!(
        within.is_some_and(|s| (120..300).contains(&s)),
        "{within:?}"
    );
    // Only the changed one's transcript was fetched.
    assert_eq!(
        requests_to(&reqs, &format!("{ACCOUNT}/conversations/2/messages")),
        1
    );
    assert_eq!(
        requests_to(&reqs, &format!("{ACCOUNT}/conversations/1/messages")),
        0
    );
    assert_eq!(
        store.handoff("cw-2").ok().flatten().map(|h| h.status),
        Some(Status::Resolved)
    );
    // Someone else's conversation is not pulled in by an incremental sync.
    assert!(store.handoff("cw-3").ok().flatten().is_none());
    server.verify().await;
}

/// Bot-held conversations come in as pending.
#[tokio::test]
async fn pending_conversations_map_to_pending() {
    let server = MockServer::start().await;
    mount_identity(&server).await;
    mount_empty_queues(&server).await;
    mount_messages(&server).await;
    mount_mine(&server, Vec::new()).await;
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("assignee_type", "unassigned"))
        .respond_with(ok(list(Vec::new())))
        .mount(&server)
        .await;
    let mut pending = conversation(77);
    pending["status"] = json!("pending");
    pending["meta"]["assignee_type"] = json!("AgentBot");
    Mock::given(method("GET"))
        .and(path(format!("{ACCOUNT}/conversations")))
        .and(query_param("status", "pending"))
        .respond_with(ok(list(vec![pending])))
        .mount(&server)
        .await;
    let mut store = store();
    full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let h = store.handoff("cw-77").ok().flatten();
    assert_eq!(h.as_ref().map(|h| h.status), Some(Status::Pending));
    // Held by the bot: nobody's queue yet.
    assert_eq!(h.and_then(|h| h.routing.assignee), None);
}

// ---------------------------------------------------------------------------
// Actions through the outbox
// ---------------------------------------------------------------------------

async fn synced_store(server: &MockServer) -> Store {
    mount_identity(server).await;
    mount_empty_queues(server).await;
    mount_messages(server).await;
    mount_mine(server, vec![conversation(1042)]).await;
    let mut store = store();
    full_sync(server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

fn bad(reasons: Vec<Reason>, note: &str) -> Feedback {
    Feedback {
        handoff_id: "cw-1042".into(),
        verdict: Verdict::Bad,
        reasons,
        note: Some(note.into()),
        agent: "Maya Chen".into(),
        at: Utc::now(),
    }
}

/// Verdict (labels read-merge-write + private note with the feedback),
/// claim, resolve, internal note and reply: every write endpoint, with the
/// spec's request bodies.
#[tokio::test]
async fn every_action_reaches_its_endpoint() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let conv = format!("{ACCOUNT}/conversations/1042");
    Mock::given(method("GET"))
        .and(path(format!("{conv}/labels")))
        .respond_with(ok(common::chatwoot_fixture("labels.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/labels")))
        .and(body_partial_json(json!({
            "labels": ["billing", "vip-escalation", "ai-bad-handoff", "ai-bad-wrong-data"]
        })))
        .respond_with(ok(json!({"payload": ["billing", "vip-escalation", "ai-bad-handoff", "ai-bad-wrong-data"]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/messages")))
        .and(body_partial_json(
            json!({"private": true, "message_type": "outgoing"}),
        ))
        .respond_with(ok(common::chatwoot_fixture("message_created.json")))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/messages")))
        .and(body_partial_json(
            json!({"private": false, "content": "We refunded the second charge."}),
        ))
        .respond_with(ok(common::chatwoot_fixture("message_created.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/assignments")))
        .and(body_partial_json(json!({"assignee_id": 7})))
        .respond_with(ok(common::chatwoot_fixture("profile.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/toggle_status")))
        .and(body_partial_json(json!({"status": "resolved"})))
        .respond_with(ok(common::chatwoot_fixture("toggle_status.json")))
        .expect(1)
        .mount(&server)
        .await;

    let now = Utc::now();
    let f = bad(vec![Reason::WrongData], "asked for the wrong order");
    store
        .set_feedback("cw-1042", Some(&f), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .assign("cw-1042", Some("Maya Chen"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message("cw-1042", "Maya Chen", "Checked the processor.", true, now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message(
            "cw-1042",
            "Maya Chen",
            "We refunded the second charge.",
            false,
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_status("cw-1042", Status::Resolved, "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.outbox_unsent().unwrap_or_default().len(), 5);

    let cfg = config(&server.uri());
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.sent(), 5, "{report:?}");
    assert!(store.outbox_unsent().unwrap_or_default().is_empty());
    server.verify().await;

    // The verdict note carries the feedback and our marker; every message
    // carries the idempotency key.
    let reqs = server.received_requests().await.unwrap_or_default();
    let notes: Vec<Value> = reqs
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == format!("{conv}/messages"))
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect();
    let verdict_note = notes.iter().find(|n| {
        n["content"]
            .as_str()
            .is_some_and(|c| c.contains("Bad AI handoff"))
    });
    let content = verdict_note
        .and_then(|n| n["content"].as_str())
        .unwrap_or_default();
    assert!(
        content.contains("wrong or missing data collected"),
        "{content}"
    );
    assert!(
        content.contains("asked for the wrong order") && content.contains("[handoff:"),
        "{content}"
    );
    assert!(
        notes
            .iter()
            .all(|n| n["content_attributes"]["handoff_key"].is_string())
    );
}

/// A sync does not overwrite a handoff whose changes are still going out.
#[tokio::test]
async fn sync_holds_handoffs_with_unsent_changes() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    store
        .set_status("cw-1042", Status::Resolved, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.held, 1);
    assert_eq!(
        store.handoff("cw-1042").ok().flatten().map(|h| h.status),
        Some(Status::Resolved)
    );
}

/// A note whose POST timed out (it landed, the answer did not) is found by
/// its marker on the retry and not posted twice.
#[tokio::test]
async fn an_uncertain_note_is_checked_before_it_is_sent_again() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let conv = format!("{ACCOUNT}/conversations/1042");
    Mock::given(method("POST"))
        .and(path(format!("{conv}/messages")))
        .respond_with(
            ok(common::chatwoot_fixture("message_created.json")).set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    store
        .add_message(
            "cw-1042",
            "Maya Chen",
            "Checked the processor.",
            true,
            Utc::now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config(&server.uri());
    cfg.timeout_secs = Some(0.3);
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.retrying(), 1, "{report:?}");

    // What the server now holds: our note, found by its key.
    let key = store
        .outbox_unsent()
        .unwrap_or_default()
        .first()
        .map(|r| r.idempotency_key.clone())
        .unwrap_or_default();
    let mut held = common::chatwoot_fixture("messages.json");
    held["payload"] = json!([{ "id": 99300, "content": format!("Checked the processor.\n\n{}", actions::marker(&key)),
        "inbox_id": 2, "conversation_id": 1042, "message_type": 1, "content_type": "text", "status": "sent",
        "content_attributes": { "handoff_key": key }, "created_at": Utc::now().timestamp(), "private": true,
        "source_id": null, "sender": { "id": 7, "name": "Maya Chen", "type": "user" }, "attachments": [] }]);
    Mock::given(method("GET"))
        .and(path(format!("{conv}/messages")))
        .respond_with(ok(held))
        .with_priority(1)
        .mount(&server)
        .await;
    store
        .outbox_retry(Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.sent(), 1, "{report:?}");
    let posts = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == format!("{conv}/messages"))
        .count();
    assert_eq!(posts, 1, "the note was posted twice");
}

/// A 429 on delivery (no Retry-After) reschedules with our own backoff and
/// pauses the pass; a 404 (conversation deleted) fails the row for a person.
#[tokio::test]
async fn delivery_backs_off_on_429_and_fails_on_404() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let conv = format!("{ACCOUNT}/conversations/1042");
    Mock::given(method("POST"))
        .and(path(format!("{conv}/toggle_status")))
        .respond_with(ResponseTemplate::new(429).set_body_raw("Retry later\n", "text/plain"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    store
        .set_status("cw-1042", Status::Resolved, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = config(&server.uri());
    cfg.backoff_secs = Some(30.0);
    cfg.max_backoff_secs = Some(60.0);
    let before = Utc::now();
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, before)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.retrying(), 1);
    let next = store
        .outbox_unsent()
        .unwrap_or_default()
        .first()
        .map(|r| r.next_attempt_at);
    assert!(
        next.is_some_and(|n| n >= before + chrono::Duration::seconds(15)),
        "{next:?}"
    );
    assert!(report.paused_until.is_some());

    Mock::given(method("POST"))
        .and(path(format!("{conv}/toggle_status")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource could not be found"})),
        )
        .mount(&server)
        .await;
    store
        .outbox_retry(Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.failed(), 1, "{report:?}");
}

/// Flag, reason and note within the hold go out as one change; a flag
/// undone within it, as none.
#[tokio::test]
async fn quick_verdict_edits_fold_into_one_change() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    store.set_helpdesk(Some(Destination {
        name: CHATWOOT.into(),
        hold: Duration::from_secs(30),
    }));
    let now = Utc::now();
    store
        .set_feedback("cw-1042", Some(&bad(Vec::new(), "x")), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_feedback(
            "cw-1042",
            Some(&bad(vec![Reason::Misrouted], "y")),
            "Maya Chen",
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = store.outbox_unsent().unwrap_or_default();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].payload.contains("misrouted"));
    store
        .set_feedback("cw-1042", None, "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(store.outbox_unsent().unwrap_or_default().is_empty());
}

/// Moving to a team, back, and to none: `POST …/assignments {"team_id": T}`
/// (or null) with no `assignee_id` key (with it Chatwoot ignores
/// `team_id`), the id looked up by name in `GET …/teams` once per pass, each
/// change sent exactly once. The sync remembers every team of the account
/// for the picker, not only mine.
#[tokio::test]
async fn a_team_move_and_its_undo_post_the_team_ids_once() {
    use wiremock::matchers::body_json;
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    assert_eq!(
        store.teams().unwrap_or_default(),
        ["access", "billing"],
        "access is not my team, and still listed"
    );
    let conv = format!("{ACCOUNT}/conversations/1042");
    Mock::given(method("POST"))
        .and(path(format!("{conv}/assignments")))
        .and(body_json(json!({"team_id": 4})))
        .respond_with(ok(json!({"id": 4, "name": "access"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/assignments")))
        .and(body_json(json!({"team_id": 3})))
        .respond_with(ok(json!({"id": 3, "name": "billing"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{conv}/assignments")))
        .and(body_json(json!({"team_id": null})))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let teams_before = requests_to(
        &server.received_requests().await.unwrap_or_default(),
        &format!("{ACCOUNT}/teams"),
    );

    let now = Utc::now();
    store
        .assign_team("cw-1042", Some("access"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    // The undo: back to the team it came from.
    store
        .assign_team("cw-1042", Some("billing"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    // No team at all.
    store
        .assign_team("cw-1042", None, "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.outbox_unsent().unwrap_or_default().len(), 3);

    let cfg = config(&server.uri());
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.sent(), 3, "{report:?}");
    // A second pass has nothing left to send.
    let again = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.attempts.len(), 0, "{again:?}");
    server.verify().await;

    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests_to(&reqs, &format!("{ACCOUNT}/teams")) - teams_before,
        1,
        "the teams are listed once per pass"
    );
    let posted: Vec<Value> = reqs
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == format!("{conv}/assignments"))
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect();
    assert!(
        posted.iter().all(|b| b.get("assignee_id").is_none()),
        "{posted:?}"
    );
}

/// A team Chatwoot does not have (renamed or deleted since the sync) fails
/// that change for good, with the team's name in the error.
#[tokio::test]
async fn an_unknown_team_fails_with_its_name() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    let conv = format!("{ACCOUNT}/conversations/1042");
    Mock::given(method("POST"))
        .and(path(format!("{conv}/assignments")))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    store
        .assign_team("cw-1042", Some("Night shift"), "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&server.uri());
    let report = actions::deliver_due(&mut store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.failed(), 1, "{report:?}");
    let rows = store.outbox_all().unwrap_or_default();
    assert!(
        rows.iter().any(|r| r
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("no team called 'Night shift'"))),
        "{rows:?}"
    );
    server.verify().await;
}
