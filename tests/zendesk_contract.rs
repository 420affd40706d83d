//! Contract tests for the Zendesk adapter against wiremock. Fixtures under
//! tests/fixtures/zendesk/ are written in the shapes of Zendesk's recorded
//! responses (tests/fixtures/zendesk/recorded, from the go-zendesk client;
//! the first test reads every one of those through the adapter's types).

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use handoff::backend::zendesk::client::Client;
use handoff::backend::zendesk::model::{
    Comment, Group, GroupMembership, Ticket, TicketEnvelope, User, UserEnvelope, View, ViewCounts,
    ViewEnvelope,
};
use handoff::backend::zendesk::pull::{self, PullError};
use handoff::backend::zendesk::{ApiError, Secret, ZENDESK, ZendeskConfig, actions};
use handoff::backend::{Ask, SyncReport};
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::handoff::{Author, Status};
use handoff::store::{Destination, Store};
use serde_json::{Value, json};
use wiremock::matchers::{
    body_partial_json, header, method, path, path_regex, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "SENTINEL-TOKEN-4242";
const EMAIL: &str = "maya@acme.test";
const MINE: &str = "assignee:me status<solved";
const TEAM: &str = "group:98738 assignee:none status<solved";

fn fixture(name: &str) -> Value {
    common::zendesk_fixture(name)
}

fn recorded(name: &str) -> Value {
    fixture(&format!("recorded/{name}"))
}

fn config(base: &str) -> ZendeskConfig {
    let text = format!(
        "base_url = \"{base}\"\nemail = \"{EMAIL}\"\ntimeout_secs = 1\nhold_secs = 0\n\
         backoff_secs = 0.05\nmax_backoff_secs = 0.2\n\
         [fields]\nconfidence = 27648\ntrigger = 27642\nprocedure = 27652\nhandoff = 27650\n"
    );
    let cfg: ZendeskConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    cfg.validate().unwrap_or_else(|e| panic!("{e}"));
    cfg
}

fn client(cfg: &ZendeskConfig) -> Client {
    Client::new(cfg, &Secret::new(TOKEN)).unwrap_or_else(|e| panic!("{e}"))
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    s.set_helpdesk(Some(Destination {
        name: ZENDESK.into(),
        hold: Duration::ZERO,
    }));
    s
}

/// The fixture ticket as `id`.
fn ticket(id: i64) -> Value {
    let mut t = fixture("ticket.json");
    t["id"] = json!(id);
    t
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A cursor page under `key`: `after` is the next cursor, if any.
fn cursor_page(key: &str, items: Vec<Value>, after: Option<&str>) -> Value {
    let mut v = json!({
        "meta": { "has_more": after.is_some(), "after_cursor": after, "before_cursor": "b0" },
        "links": { "next": after.map(|a| format!("https://acme.zendesk.com/x?page%5Bafter%5D={a}")), "prev": null }
    });
    v[key] = Value::Array(items);
    v
}

fn results(items: Vec<Value>) -> Value {
    let mut v = cursor_page("results", items, None);
    v["facets"] = Value::Null;
    v
}

/// Me, the groups, my memberships, people, the default comments, and
/// every search empty unless mounted otherwise (priority 1 beats 10).
async fn mount_account(server: &MockServer) {
    for (p, body) in [
        ("/api/v2/users/me", fixture("me.json")),
        ("/api/v2/groups", fixture("groups.json")),
        (
            "/api/v2/users/7001/group_memberships",
            fixture("group_memberships.json"),
        ),
        ("/api/v2/users/show_many", fixture("users.json")),
        (
            "/api/v2/organizations/show_many",
            fixture("organizations.json"),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ok(body))
            .with_priority(10)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v2/tickets/\d+/comments$"))
        .respond_with(ok(fixture("comments.json")))
        .with_priority(10)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .respond_with(ok(results(Vec::new())))
        .with_priority(10)
        .mount(server)
        .await;
}

async fn mount_search(server: &MockServer, query: &str, items: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .and(query_param("query", query))
        .respond_with(ok(results(items)))
        .mount(server)
        .await;
}

/// One refresh as `backend::sync::refresh` does it: pull, then write.
async fn refresh(
    cfg: &ZendeskConfig,
    store: &mut Store,
    since: Option<DateTime<Utc>>,
) -> Result<SyncReport, PullError> {
    let known = handoff::backend::sync::known(store, ZENDESK).unwrap_or_else(|e| panic!("{e}"));
    let now = Utc::now();
    let ask = Ask {
        known: &known,
        since,
        history_since: now - TimeDelta::days(56),
        now,
    };
    let pulled = pull::pull(&client(cfg), cfg, ask).await?;
    Ok(
        handoff::backend::sync::write(store, ZENDESK, pulled, now)
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

async fn full_sync(server: &MockServer, store: &mut Store) -> Result<SyncReport, PullError> {
    refresh(&config(&server.uri()), store, None).await
}

fn requests_to(reqs: &[Request], p: &str) -> usize {
    reqs.iter().filter(|r| r.url.path() == p).count()
}

fn basic() -> String {
    format!(
        "Basic {}",
        common::base64(format!("{EMAIL}/token:{TOKEN}").as_bytes())
    )
}

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

/// Every recorded Zendesk response reads through the adapter's types.
#[test]
fn the_recorded_responses_read_through_the_adapters_types() {
    fn each<T: serde::de::DeserializeOwned>(v: &Value, key: &str) -> usize {
        let items = v[key].as_array().unwrap_or_else(|| panic!("no {key}"));
        for item in items {
            serde_json::from_value::<T>(item.clone()).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        items.len()
    }
    fn one<T: serde::de::DeserializeOwned>(v: Value) -> T {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }
    assert_eq!(each::<Ticket>(&recorded("get-tickets.json"), "tickets"), 2);
    assert_eq!(
        each::<Ticket>(&recorded("get-search_ticket.json"), "results"),
        1
    );
    assert_eq!(
        each::<Comment>(&recorded("get-ticket_comments.json"), "comments"),
        2
    );
    assert_eq!(each::<User>(&recorded("get-users.json"), "users"), 2);
    assert_eq!(each::<Group>(&recorded("get-groups.json"), "groups"), 1);
    assert_eq!(
        each::<GroupMembership>(&recorded("get-group_memberships.json"), "group_memberships"),
        2
    );
    assert_eq!(each::<View>(&recorded("get-views.json"), "views"), 2);
    let t: TicketEnvelope = one(recorded("get-ticket.json"));
    assert_eq!((t.ticket.id, t.ticket.status.as_str()), (2, "solved"));
    let posted: TicketEnvelope = one(recorded("post-ticket.json"));
    assert_eq!(posted.ticket.priority.as_deref(), Some("urgent"));
    let u: UserEnvelope = one(recorded("get-user.json"));
    assert!(u.user.is_end_user());
    let v: ViewEnvelope = one(recorded("get-view.json"));
    assert_eq!(v.view.title, "Wonderful tickets");
    let counts: ViewCounts = one(recorded("get-views_ticket_count.json"));
    assert_eq!(counts.view_counts[1].value, None, "still counting");
    // And ours are in the same shapes.
    let _: Ticket = one(fixture("ticket.json"));
    assert_eq!(each::<Comment>(&fixture("comments.json"), "comments"), 4);
}

// ---------------------------------------------------------------------------
// Pull
// ---------------------------------------------------------------------------

/// Every endpoint the full sync reads; the mapping of one ticket: summary
/// from the `handoff` field merged with the AI's private note, the mapped
/// fields, requester and organization, the transcript with the AI and the
/// customer told apart, private comments marked; the API token as Basic.
#[tokio::test]
async fn sync_maps_a_ticket_from_every_source() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            report.new,
            report.updated,
            report.skipped,
            report.for_figures
        ),
        (1, 0, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.me, "Maya Chen");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let h = store
        .handoff("zd-35436")
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("not stored"));
    assert_eq!(h.status, Status::Open);
    assert_eq!(h.channel.as_deref(), Some("native_messaging"));
    assert_eq!(h.language.as_deref(), Some("es"));
    // The requester's own fields win over the organization's; flags add up.
    assert_eq!(h.customer.name, "Dana Ruiz");
    assert_eq!(h.customer.email.as_deref(), Some("dana@example.com"));
    assert_eq!(h.customer.plan.as_deref(), Some("Enterprise"));
    assert!(h.customer.has_flag("vip") && h.customer.has_flag("at_risk"));
    assert_eq!(h.customer.lifetime_value, Some(2380.5));
    assert_eq!(h.customer.account_age_days, Some(412));
    assert_eq!(h.routing.team.as_deref(), Some("Billing"));
    assert_eq!(h.routing.assignee.as_deref(), Some("Maya Chen"));
    assert_eq!(h.routing.priority.as_str(), "high");
    assert_eq!(h.routing.skills, ["refunds"]);
    assert_eq!(h.ai.agent.as_deref(), Some("Support Bot"));
    assert_eq!(h.ai.procedure.as_deref(), Some("refunds"));
    assert_eq!(h.ai.procedure_version.as_deref(), Some("7"));
    // The field's object wins; the note fills what it lacks.
    assert_eq!(
        h.summary.issue.as_deref(),
        Some("Charged twice for the May invoice")
    );
    assert_eq!(h.summary.confidence, Some(0.41));
    let escalation = h
        .summary
        .escalation
        .clone()
        .unwrap_or_else(|| panic!("no escalation"));
    assert_eq!(escalation.trigger.as_str(), "policy_exception");
    assert!(
        escalation.detail.contains("refunds above $25"),
        "{escalation:?}"
    );
    assert!(!h.summary.findings.is_empty());
    assert!(h.note.as_deref().is_some_and(|n| n.contains("Next step")));
    // The note's time is when the AI handed over.
    assert_eq!(h.escalated_at.to_rfc3339(), "2026-05-01T09:30:00+00:00");
    let authors: Vec<Author> = h.transcript.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [Author::Customer, Author::Ai, Author::Ai, Author::Customer]
    );
    let private: Vec<bool> = h.transcript.iter().map(|m| m.private).collect();
    assert_eq!(private, [false, false, true, false]);
    assert_eq!(h.transcript[3].text, "[1 attachment(s)]");

    let reqs = server.received_requests().await.unwrap_or_default();
    let want = basic();
    assert!(reqs.iter().all(|r| {
        r.headers
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == want.as_bytes())
    }));
    for p in [
        "/api/v2/users/me",
        "/api/v2/groups",
        "/api/v2/users/7001/group_memberships",
        "/api/v2/search/export",
        "/api/v2/tickets/35436/comments",
        "/api/v2/users/show_many",
        "/api/v2/organizations/show_many",
    ] {
        assert!(requests_to(&reqs, p) > 0, "{p} not used");
    }
    let queries: Vec<String> = reqs
        .iter()
        .filter(|r| r.url.path() == "/api/v2/search/export")
        .flat_map(|r| {
            r.url
                .query_pairs()
                .filter(|(k, _)| k == "query")
                .map(|(_, v)| v.into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(queries.iter().any(|q| q == MINE), "{queries:?}");
    assert!(queries.iter().any(|q| q == TEAM), "{queries:?}");
    assert!(
        queries
            .iter()
            .any(|q| q.starts_with("group:98738 updated>")),
        "{queries:?}"
    );
    // Technical (98739) is not my group: not searched.
    assert!(!queries.iter().any(|q| q.contains("98739")), "{queries:?}");
    // Cursor pages of 100, searches for tickets only.
    assert!(
        reqs.iter()
            .filter(|r| r.url.path() == "/api/v2/search/export")
            .all(|r| {
                let q = r.url.query().unwrap_or_default();
                q.contains("page%5Bsize%5D=100") && q.contains("filter%5Btype%5D=ticket")
            })
    );
    // I am an agent of Billing now, so "Team unassigned" works; Technical
    // is known for the team picker.
    let agents = store.agents().unwrap_or_default();
    assert!(
        agents
            .iter()
            .any(|a| a.name == "Maya Chen" && a.teams == ["Billing"])
    );
    assert_eq!(store.teams().unwrap_or_default(), ["Billing", "Technical"]);
}

/// The verdict read-back: the ticket's tags and our marked private
/// comments, with their author and time.
#[tokio::test]
async fn a_pull_carries_the_tickets_verdict_marks() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    let mut t = ticket(35436);
    t["tags"] = json!(["billing", "ai-bad-handoff", "ai-bad-wrong-data"]);
    mount_search(&server, MINE, vec![t]).await;
    let mut comments = fixture("comments.json");
    if let Some(list) = comments["comments"].as_array_mut() {
        let mut ours = list[2].clone();
        ours["id"] = json!(1290);
        ours["author_id"] = json!(7001);
        ours["via"]["channel"] = json!("web");
        ours["plain_body"] = json!(
            "Bad AI handoff, flagged by Maya Chen in handoff.\nReasons: wrong or missing data collected\n\n[handoff:0f2d5c1e8a41]"
        );
        ours["created_at"] = json!("2026-05-01T10:00:00Z");
        list.push(ours);
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35436/comments"))
        .respond_with(ok(comments))
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let known = handoff::backend::Known::default();
    let now = Utc::now();
    let pulled = pull::pull(
        &client(&cfg),
        &cfg,
        Ask {
            known: &known,
            since: None,
            history_since: now - TimeDelta::days(56),
            now,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let marks = &pulled.writes[0].marks;
    assert_eq!(
        marks.tags,
        ["billing", "ai-bad-handoff", "ai-bad-wrong-data"]
    );
    assert_eq!(marks.notes.len(), 1, "{marks:?}");
    assert_eq!(marks.notes[0].author, "Maya Chen");
    assert_eq!(marks.notes[0].at.to_rfc3339(), "2026-05-01T10:00:00+00:00");
    // Our note is not the AI's handoff note.
    let h = &pulled.writes[0].imported.handoff;
    assert!(h.note.as_deref().is_some_and(|n| n.contains("Next step")));
}

/// Without `email` the token is an OAuth access token: `Bearer`.
#[tokio::test]
async fn an_oauth_token_is_sent_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok(fixture("me.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    cfg.email = None;
    let (id, me) = pull::whoami(&client(&cfg))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((id, me.name.as_str()), (7001, "Maya Chen"));
    assert_eq!(me.role.as_deref(), Some("agent"));
    // And the client never shows it.
    let shown = format!("{:?}", client(&cfg));
    assert!(!shown.contains(TOKEN), "{shown}");
    server.verify().await;
}

/// 100 + 100 + 50 tickets: three cursor pages, each asked for with the
/// cursor the last one gave.
#[tokio::test]
async fn sync_pages_past_100_with_cursors() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    let tickets = |r: std::ops::Range<i64>| r.map(ticket).collect::<Vec<_>>();
    for (after, range, next) in [
        (None, 1..101, Some("c100")),
        (Some("c100"), 101..201, Some("c200")),
        (Some("c200"), 201..251, None),
    ] {
        let mut body = cursor_page("results", tickets(range), next);
        body["facets"] = Value::Null;
        let mock = Mock::given(method("GET"))
            .and(path("/api/v2/search/export"))
            .and(query_param("query", MINE))
            .and(query_param("page[size]", "100"));
        let mock = match after {
            None => mock.and(query_param_is_missing("page[after]")),
            Some(a) => mock.and(query_param("page[after]", a)),
        };
        mock.respond_with(ok(body)).expect(1).mount(&server).await;
    }
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 250, "{report:?}");
    assert_eq!(store.count().unwrap_or_default(), 250);
    // The people of 250 tickets: one batched request, not one per ticket.
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests_to(&reqs, "/api/v2/users/show_many"), 1);
    server.verify().await;
}

/// One unreadable ticket in a page is skipped with a warning naming it, one
/// unreadable comment is left out with a warning; the rest land.
#[tokio::test]
async fn a_malformed_ticket_is_skipped_with_a_warning() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    let mut bad = ticket(35999);
    bad["status"] = json!(7);
    mount_search(&server, MINE, vec![ticket(35001), bad, ticket(35003)]).await;
    let mut comments = fixture("comments.json");
    comments["comments"][1]["created_at"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35003/comments"))
        .respond_with(ok(comments))
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
            .any(|w| w.contains("ticket 35999") && w.contains("skipped")),
        "{:?}",
        report.warnings
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("zd-35003") && w.contains("comment is unreadable")),
        "{:?}",
        report.warnings
    );
    let h = store.handoff("zd-35003").ok().flatten();
    assert_eq!(h.map(|h| h.transcript.len()), Some(3));
}

async fn sync_fails_and_writes_nothing(response: ResponseTemplate) -> PullError {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .and(query_param("query", TEAM))
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
    assert!(handoff::backend::sync::last_sync(&store, ZENDESK).is_none());
    err
}

#[tokio::test]
async fn an_html_page_is_a_clear_error_and_nothing_is_written() {
    let err = sync_fails_and_writes_nothing(ResponseTemplate::new(200).set_body_raw(
        "<!DOCTYPE html><html><body>Sign in to Zendesk</body></html>",
        "text/html",
    ))
    .await;
    assert!(err.to_string().contains("HTML page, not JSON"), "{err}");
}

#[tokio::test]
async fn a_5xx_is_retried_then_reported_and_nothing_is_written() {
    let err = sync_fails_and_writes_nothing(
        ResponseTemplate::new(503).set_body_raw("Service Unavailable", "text/plain"),
    )
    .await;
    assert!(
        matches!(err, PullError::Api(ApiError::Server(503, _))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_passing_5xx_is_retried() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("Bad Gateway", "text/plain"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 1);
}

#[tokio::test]
async fn a_timeout_is_reported_as_such_and_nothing_is_written() {
    let err =
        sync_fails_and_writes_nothing(ok(results(Vec::new())).set_delay(Duration::from_secs(3)))
            .await;
    assert!(
        matches!(err, PullError::Api(ApiError::Timeout(_))),
        "{err:?}"
    );
}

/// 401: not retried (the token will not get better), and `login` says what
/// to do about it.
#[tokio::test]
async fn a_401_says_the_token_is_wrong() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": "Couldn't authenticate you"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut store = store();
    let err = full_sync(&server, &mut store)
        .await
        .err()
        .unwrap_or_else(|| panic!("must fail"));
    assert!(
        matches!(err, PullError::Api(ApiError::Unauthorized)),
        "{err:?}"
    );
    let why = pull::explain(&config(&server.uri()), &err);
    assert!(
        why.contains("401") && why.contains("API token") && why.contains("email"),
        "{why}"
    );
    server.verify().await;
}

/// A ticket deleted while syncing (its comments 404) is skipped with a
/// warning; a 404 for who I am (a wrong address) fails, saying so.
#[tokio::test]
async fn a_404_ticket_is_skipped_and_a_404_account_fails() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(1), ticket(2)]).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/2/comments"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "RecordNotFound", "description": "Not found"})),
        )
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.skipped), (1, 1));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("zd-2") && w.contains("gone"))
    );

    let wrong = MockServer::start().await;
    let err = full_sync(
        &wrong,
        &mut Store::open_in_memory().unwrap_or_else(|e| panic!("{e}")),
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("must fail"));
    assert!(
        matches!(err, PullError::Api(ApiError::NotFound(_))),
        "{err:?}"
    );
    let why = pull::explain(&config(&wrong.uri()), &err);
    assert!(why.contains("does not look like Zendesk"), "{why}");
}

/// A 429 with `Retry-After` on a read: the next try waits at least that.
#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    Mock::given(method("GET"))
        .and(path("/api/v2/groups"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"error": "APIRateLimitExceeded", "description": "Number of allowed API requests per minute exceeded"})),
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
    assert_eq!(report.new, 1);
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests_to(&reqs, "/api/v2/groups"), 2);
    assert!(started.elapsed() >= Duration::from_millis(950));
}

/// A whoami that is not an agent's: anonymous (Zendesk answers a bad
/// login so) or an end user.
#[tokio::test]
async fn an_anonymous_or_end_user_token_is_named() {
    let server = MockServer::start().await;
    let mut anonymous = fixture("me.json");
    anonymous["user"]["id"] = Value::Null;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(ok(anonymous))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let cfg = config(&server.uri());
    let err = pull::whoami(&client(&cfg))
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("anonymous")),
        "{err:?}"
    );
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(ok(recorded("get-user.json")))
        .mount(&server)
        .await;
    let err = pull::whoami(&client(&cfg))
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("end user")),
        "{err:?}"
    );
}

/// The second refresh reads the incremental export from a little before
/// the last sync, page by page, and keeps what is mine, my groups' or
/// already here; another group's ticket is left out; a colleague's solved
/// ticket of my group comes for the figures.
#[tokio::test]
async fn an_incremental_refresh_reads_the_export_and_keeps_what_matters() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    let mut store = store();
    let cfg = config(&server.uri());
    refresh(&cfg, &mut store, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let mut changed = ticket(35436);
    changed["updated_at"] = json!("2026-05-01T11:00:00Z");
    changed["priority"] = json!("urgent");
    let mut other = ticket(36001);
    other["group_id"] = json!(98739);
    other["assignee_id"] = Value::Null;
    let mut solved = ticket(36002);
    solved["status"] = json!("solved");
    solved["assignee_id"] = json!(7002);
    solved["updated_at"] = json!(Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(json!({
            "tickets": [changed, other], "after_cursor": "MTU3", "after_url": "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3",
            "before_cursor": null, "before_url": null, "end_of_stream": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .and(query_param("cursor", "MTU3"))
        .respond_with(ok(json!({
            "tickets": [solved], "after_cursor": "MTU4", "after_url": null,
            "before_cursor": "MTU3", "before_url": null, "end_of_stream": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let since = Utc::now() - TimeDelta::seconds(60);
    let report = refresh(&cfg, &mut store, Some(since))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.incremental);
    assert_eq!(
        (report.new, report.updated, report.for_figures),
        (1, 1, 1),
        "{report:?}"
    );
    assert!(store.handoff("zd-36001").ok().flatten().is_none());
    let h = store.handoff("zd-36002").ok().flatten();
    assert_eq!(h.map(|h| h.status), Some(Status::Resolved));
    let reqs = server.received_requests().await.unwrap_or_default();
    let start: i64 = reqs
        .iter()
        .find(|r| r.url.path() == "/api/v2/incremental/tickets/cursor")
        .and_then(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "start_time")
                .and_then(|(_, v)| v.parse().ok())
        })
        .unwrap_or_default();
    assert!(
        start <= since.timestamp() - 60 && start > since.timestamp() - 600,
        "{start}"
    );
    server.verify().await;
}

/// The full sync pulls the team's history for the lead's figures: a
/// colleague's solved ticket of my group is stored and counted as such;
/// a second sync fetches nothing again.
#[tokio::test]
async fn the_teams_history_comes_for_the_figures_and_unchanged_is_not_fetched_again() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    let mut solved = ticket(34000);
    solved["status"] = json!("closed");
    solved["assignee_id"] = json!(7002);
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .and(wiremock::matchers::query_param_contains(
            "query",
            "group:98738 updated>",
        ))
        .respond_with(ok(results(vec![solved, ticket(35436)])))
        .mount(&server)
        .await;
    let mut store = store();
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.new, report.for_figures), (2, 1), "{report:?}");
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            report.new,
            report.updated,
            report.unchanged,
            report.for_figures
        ),
        (0, 0, 2, 1),
        "{report:?}"
    );
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests_to(&reqs, "/api/v2/tickets/35436/comments"), 1);
}

/// A configured view: its count, title and tickets (cursor pages), even
/// tickets in no other queue of mine.
#[tokio::test]
async fn a_views_tickets_are_pulled_with_its_count() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    let mut theirs = ticket(35500);
    theirs["assignee_id"] = json!(7002);
    Mock::given(method("GET"))
        .and(path("/api/v2/views/count_many"))
        .and(query_param("ids", "360011"))
        .respond_with(ok(fixture("view_counts.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/views/360011"))
        .respond_with(ok(fixture("view.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/views/360011/tickets"))
        .and(query_param("page[size]", "100"))
        .respond_with(ok(cursor_page("tickets", vec![theirs], None)))
        .expect(1)
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    cfg.view_ids = vec![360011];
    let mut store = store();
    let report = refresh(&cfg, &mut store, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.new, 1, "{report:?}");
    assert!(store.handoff("zd-35500").ok().flatten().is_some());
    assert_eq!(
        handoff::backend::views::stored(&store, ZENDESK),
        [handoff::backend::views::View {
            key: "360011".into(),
            title: "AI escalations".into(),
            count: Some(1),
            ids: vec!["zd-35500".into()],
        }]
    );
    server.verify().await;
}

/// As a user sees it: a configured view is a queue section named as in
/// Zendesk, holding its tickets and nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn a_view_is_a_queue_section() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    mount_search(&server, MINE, vec![ticket(35436)]).await;
    let mut theirs = ticket(35500);
    theirs["assignee_id"] = json!(7002);
    for (p, body) in [
        ("/api/v2/views/count_many", fixture("view_counts.json")),
        ("/api/v2/views/360011", fixture("view.json")),
        (
            "/api/v2/views/360011/tickets",
            cursor_page("tickets", vec![theirs], None),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ok(body))
            .mount(&server)
            .await;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[backend]\nkind = \"zendesk\"\n[zendesk]\nbase_url = \"{}\"\nemail = \"{EMAIL}\"\n\
             view_ids = [360011]\ntimeout_secs = 1\n",
            server.uri()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = |args: &[&str]| {
        std::process::Command::new(common::BIN)
            .args(args)
            .env("HANDOFF_DATA_DIR", dir.path().join("data"))
            .env("HANDOFF_CONFIG", &config)
            .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
            .env("HANDOFF_ZENDESK_TOKEN", TOKEN)
            .env_remove("HANDOFF_AGENT")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let out = run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["queue", "--section", "AI escalations", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = rows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["zd-35500"]);
    let out = run(&["queue", "--section", "nope"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"AI escalations\""), "{err}");
}

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

/// A store synced with ticket 35436 (mine) and 35437 (Billing's, unassigned).
async fn synced_store(server: &MockServer) -> Store {
    mount_account(server).await;
    mount_search(server, MINE, vec![ticket(35436)]).await;
    let mut unassigned = ticket(35437);
    unassigned["assignee_id"] = Value::Null;
    mount_search(server, TEAM, vec![unassigned]).await;
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

/// The answer to an update: the ticket as it is now.
fn updated(id: i64, stamp: &str) -> ResponseTemplate {
    let mut t = ticket(id);
    t["updated_at"] = json!(stamp);
    ok(json!({ "ticket": t, "audit": { "id": 1, "ticket_id": id, "events": [] } }))
}

async fn deliver(server: &MockServer, store: &mut Store) -> handoff::outbox::Report {
    let cfg = config(&server.uri());
    actions::deliver_due(store, &client(&cfg), &cfg, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn puts(reqs: &[Request], id: i64) -> Vec<Value> {
    reqs.iter()
        .filter(|r| r.method.as_str() == "PUT" && r.url.path() == format!("/api/v2/tickets/{id}"))
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect()
}

/// Verdict, claim, group move, status, note and reply: each one ticket
/// update with Zendesk's request body.
#[tokio::test]
async fn every_action_is_one_ticket_update() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(updated(35436, "2026-05-01T12:00:00Z"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35437"))
        .respond_with(updated(35437, "2026-05-01T12:00:00Z"))
        .mount(&server)
        .await;
    let now = Utc::now();
    let f = bad(
        "zd-35436",
        vec![Reason::WrongData],
        "asked for the wrong order",
    );
    store
        .set_feedback("zd-35436", Some(&f), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message("zd-35436", "Maya Chen", "Checked the processor.", true, now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .add_message(
            "zd-35436",
            "Maya Chen",
            "We refunded the second charge.",
            false,
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_status("zd-35436", Status::Resolved, "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .assign("zd-35437", Some("Maya Chen"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .assign_team("zd-35437", Some("Technical"), "Maya Chen", now)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.sent(), 6, "{report:?}");

    let reqs = server.received_requests().await.unwrap_or_default();
    let mine = puts(&reqs, 35436);
    assert_eq!(mine.len(), 4, "{mine:?}");
    // The verdict: our tags added, our others removed, a private comment
    // with the feedback and the marker, the row's key in the metadata.
    let v = &mine[0]["ticket"];
    assert_eq!(
        v["additional_tags"],
        json!(["ai-bad-handoff", "ai-bad-wrong-data"])
    );
    let removed: Vec<&str> = v["remove_tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(removed.contains(&"ai-good-handoff") && removed.contains(&"ai-bad-misrouted"));
    assert!(!removed.contains(&"ai-bad-handoff"));
    assert!(
        v.get("tags").is_none(),
        "a write that replaces the tag set: {v}"
    );
    assert_eq!(v["comment"]["public"], json!(false));
    let body = v["comment"]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("Bad AI handoff")
            && body.contains("wrong or missing data collected")
            && body.contains("asked for the wrong order")
            && body.contains("[handoff:"),
        "{body}"
    );
    assert!(v["metadata"]["handoff_key"].is_string());
    // Note and reply: the reply as written, without our marker.
    assert_eq!(mine[1]["ticket"]["comment"]["public"], json!(false));
    assert_eq!(
        mine[2]["ticket"]["comment"],
        json!({"body": "We refunded the second charge.", "public": true})
    );
    // Status with the stamp the agent saw.
    assert_eq!(
        mine[3]["ticket"],
        json!({"status": "solved", "safe_update": true, "updated_stamp": "2026-05-01T12:00:00Z"})
    );
    let theirs = puts(&reqs, 35437);
    assert_eq!(
        theirs[0]["ticket"],
        json!({"assignee_id": 7001, "safe_update": true, "updated_stamp": "2026-05-01T09:31:10Z"})
    );
    assert_eq!(
        theirs[1]["ticket"],
        json!({"group_id": 98739, "safe_update": true, "updated_stamp": "2026-05-01T12:00:00Z"})
    );
}

/// Withdrawing a verdict takes our tags off and adds none: never a write
/// of the whole set, so everyone else's stay.
#[tokio::test]
async fn undo_removes_our_tags_only() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(updated(35436, "2026-05-01T12:00:00Z"))
        .mount(&server)
        .await;
    let f = bad("zd-35436", vec![Reason::Misrouted], "");
    store
        .set_feedback("zd-35436", Some(&f), "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deliver(&server, &mut store).await.sent(), 1);
    store
        .set_feedback("zd-35436", None, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deliver(&server, &mut store).await.sent(), 1);
    let reqs = server.received_requests().await.unwrap_or_default();
    let undo = &puts(&reqs, 35436)[1]["ticket"];
    assert!(
        undo.get("additional_tags").is_none() && undo.get("tags").is_none(),
        "{undo}"
    );
    let removed = undo["remove_tags"].to_string();
    assert!(removed.contains("ai-bad-handoff") && removed.contains("ai-bad-misrouted"));
    assert!(!removed.contains("billing"));
    assert!(
        undo["comment"]["body"]
            .as_str()
            .is_some_and(|b| b.contains("withdrawn"))
    );
}

fn conflict() -> ResponseTemplate {
    ResponseTemplate::new(409).set_body_json(json!({
        "error": "UpdateConflict",
        "description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."
    }))
}

/// A claim meets a 409 (the ticket changed since the sync, a comment):
/// the ticket is read again, nobody took it, so the claim goes again with
/// the new stamp.
#[tokio::test]
async fn a_409_is_read_again_and_retried_with_the_new_stamp() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35437"))
        .and(body_partial_json(
            json!({"ticket": {"updated_stamp": "2026-05-01T09:31:10Z"}}),
        ))
        .respond_with(conflict())
        .expect(1)
        .mount(&server)
        .await;
    let mut now = ticket(35437);
    now["assignee_id"] = Value::Null;
    now["updated_at"] = json!("2026-05-01T09:40:00Z");
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35437"))
        .respond_with(ok(json!({ "ticket": now })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35437"))
        .and(body_partial_json(
            json!({"ticket": {"assignee_id": 7001, "updated_stamp": "2026-05-01T09:40:00Z"}}),
        ))
        .respond_with(updated(35437, "2026-05-01T09:41:00Z"))
        .expect(1)
        .mount(&server)
        .await;
    store
        .assign("zd-35437", Some("Maya Chen"), "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.sent(), 1, "{report:?}");
    server.verify().await;
}

/// A claim meets a 409 because a colleague took the ticket meanwhile: not
/// overwritten; the change fails, saying so.
#[tokio::test]
async fn a_409_from_a_colleagues_claim_is_not_overwritten() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35437"))
        .respond_with(conflict())
        .expect(1)
        .mount(&server)
        .await;
    let mut now = ticket(35437);
    now["assignee_id"] = json!(7002);
    now["updated_at"] = json!("2026-05-01T09:40:00Z");
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35437"))
        .respond_with(ok(json!({ "ticket": now })))
        .mount(&server)
        .await;
    store
        .assign("zd-35437", Some("Maya Chen"), "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.failed(), 1, "{report:?}");
    let error = format!("{:?}", report.attempts[0].outcome);
    assert!(
        error.contains("assignee was changed in Zendesk meanwhile"),
        "{error}"
    );
    server.verify().await;
}

/// 422 (a closed ticket cannot be updated): refused for good, with why.
#[tokio::test]
async fn a_422_fails_the_change_with_zendesks_reason() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": "RecordInvalid", "description": "Record validation errors",
            "details": { "status": [ { "description": "Status: closed prevents ticket update" } ] }
        })))
        .expect(1)
        .mount(&server)
        .await;
    store
        .add_message("zd-35436", "Maya Chen", "Checked.", true, Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.failed(), 1, "{report:?}");
    let error = format!("{:?}", report.attempts[0].outcome);
    assert!(
        error.contains("422") && error.contains("closed prevents"),
        "{error}"
    );
    server.verify().await;
}

/// A 429 on an update waits its `Retry-After`. One about this ticket's
/// update limit holds that row only; one about the account pauses them all.
#[tokio::test]
async fn a_429_on_an_update_waits_as_asked_for_the_row_or_the_account() {
    for (description, whole) in [
        ("Too many updates to this ticket; try again later", false),
        ("Number of allowed API requests per minute exceeded", true),
    ] {
        let server = MockServer::start().await;
        let mut store = synced_store(&server).await;
        Mock::given(method("PUT"))
            .and(path("/api/v2/tickets/35436"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "120")
                    .set_body_json(
                        json!({"error": "APIRateLimitExceeded", "description": description}),
                    ),
            )
            .mount(&server)
            .await;
        store
            .set_status("zd-35436", Status::Resolved, "Maya Chen", Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
        let before = Utc::now();
        let report = deliver(&server, &mut store).await;
        assert_eq!(report.retrying(), 1, "{report:?}");
        let next = store
            .outbox_unsent()
            .unwrap_or_default()
            .first()
            .map(|r| r.next_attempt_at);
        assert!(
            next.is_some_and(|n| n >= before + TimeDelta::seconds(119)),
            "{next:?}"
        );
        assert_eq!(report.paused_until.is_some(), whole, "{description}");
    }
}

/// A note whose update got a 500 (it may have landed) is looked for by its
/// key on the next attempt and not sent twice.
#[tokio::test]
async fn an_uncertain_comment_is_looked_for_before_it_is_sent_again() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw("Internal Server Error", "text/plain"),
        )
        .expect(1)
        .mount(&server)
        .await;
    store
        .add_message(
            "zd-35436",
            "Maya Chen",
            "Checked the processor.",
            true,
            Utc::now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.retrying(), 1, "{report:?}");

    // What Zendesk now holds: our comment, with the key in its metadata.
    let key = store
        .outbox_unsent()
        .unwrap_or_default()
        .first()
        .map(|r| r.idempotency_key.clone())
        .unwrap_or_default();
    let mut held = fixture("comments.json");
    if let Some(list) = held["comments"].as_array_mut() {
        let mut ours = list[2].clone();
        ours["author_id"] = json!(7001);
        ours["plain_body"] = json!("Checked the processor.");
        ours["metadata"] = json!({ "system": {}, "custom": { "handoff_key": key } });
        list.push(ours);
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35436/comments"))
        .and(query_param("sort_order", "desc"))
        .respond_with(ok(held))
        .with_priority(1)
        .mount(&server)
        .await;
    store
        .outbox_retry(Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = deliver(&server, &mut store).await;
    assert_eq!(report.sent(), 1, "{report:?}");
    server.verify().await;
}

/// A sync does not overwrite a ticket whose changes are still going out.
#[tokio::test]
async fn sync_holds_tickets_with_unsent_changes() {
    let server = MockServer::start().await;
    let mut store = synced_store(&server).await;
    store
        .set_status("zd-35436", Status::Resolved, "Maya Chen", Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = full_sync(&server, &mut store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.held, 1);
    assert_eq!(
        store.handoff("zd-35436").ok().flatten().map(|h| h.status),
        Some(Status::Resolved)
    );
}

/// The same ticket from two sources (a view, and a search that indexed it
/// later): the copy updated last is the one written.
#[tokio::test]
async fn the_latest_copy_of_a_ticket_wins() {
    let server = MockServer::start().await;
    mount_account(&server).await;
    let mut fresh = ticket(35436);
    fresh["updated_at"] = json!("2026-05-01T12:00:00Z");
    fresh["priority"] = json!("urgent");
    mount_search(&server, MINE, vec![fresh]).await;
    for (p, body) in [
        ("/api/v2/views/count_many", fixture("view_counts.json")),
        ("/api/v2/views/360011", fixture("view.json")),
        (
            "/api/v2/views/360011/tickets",
            cursor_page("tickets", vec![ticket(35436)], None),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ok(body))
            .mount(&server)
            .await;
    }
    let mut cfg = config(&server.uri());
    cfg.view_ids = vec![360011];
    let mut store = store();
    refresh(&cfg, &mut store, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let h = store.handoff("zd-35436").ok().flatten();
    assert_eq!(h.map(|h| h.routing.priority.as_str()), Some("urgent"));
}
