//! Webhook delivery against a real HTTP server on loopback (wiremock): the
//! library's `deliver_due` pass, with time passed in so retries are checked
//! on the stored schedule instead of by sleeping.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use handoff::domain::demo;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::outbox::{Format, Outcome, WEBHOOK, WebhookConfig, client, deliver_due};
use handoff::store::{Destination, OutboxRow, Store};

/// refund-eligibility v4, AI "Fin", business_rule, confidence 0.36.
const A: &str = "HO-1040";
const B: &str = "HO-1025";
const ME: &str = "Maya Chen";

fn store(hold: Duration) -> Store {
    let now = Utc::now();
    let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
    let items = demo::workspace(now).unwrap_or_else(|e| panic!("demo: {e}"));
    store
        .import(&items, now)
        .unwrap_or_else(|e| panic!("import: {e}"));
    store.set_destinations(vec![Destination {
        name: WEBHOOK.into(),
        hold,
    }]);
    store
}

fn config(url: String) -> WebhookConfig {
    WebhookConfig {
        url,
        format: Format::Json,
        timeout_secs: Some(0.5),
        hold_secs: Some(0.0),
        backoff_secs: Some(1.0),
        max_backoff_secs: Some(10.0),
        headers: [("Authorization".to_string(), "Bearer t0ken".to_string())].into(),
    }
}

fn hook(server: &MockServer) -> String {
    format!("{}/hooks/secret-path", server.uri())
}

fn set(
    store: &mut Store,
    id: &str,
    verdict: Option<(Verdict, &[Reason], Option<&str>)>,
    at: DateTime<Utc>,
) {
    let feedback = verdict.map(|(verdict, reasons, note)| Feedback {
        handoff_id: id.into(),
        verdict,
        reasons: reasons.to_vec(),
        note: note.map(str::to_string),
        agent: ME.into(),
        at,
    });
    store
        .set_feedback(id, feedback.as_ref(), ME, at)
        .unwrap_or_else(|e| panic!("set_feedback: {e}"));
}

fn bad(store: &mut Store, id: &str, at: DateTime<Utc>) {
    set(
        store,
        id,
        Some((
            Verdict::Bad,
            &[Reason::WrongData],
            Some("asked for the wrong order"),
        )),
        at,
    );
}

fn rows(store: &Store) -> Vec<OutboxRow> {
    store.outbox_all().unwrap_or_else(|e| panic!("outbox: {e}"))
}

fn row(store: &Store, id: i64) -> OutboxRow {
    rows(store)
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no outbox row {id}"))
}

async fn pass(
    store: &mut Store,
    cfg: &WebhookConfig,
    now: DateTime<Utc>,
) -> handoff::outbox::Report {
    let client = client(cfg).unwrap_or_else(|e| panic!("client: {e}"));
    deliver_due(store, &client, cfg, now)
        .await
        .unwrap_or_else(|e| panic!("deliver: {e}"))
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn key(r: &Request) -> String {
    r.headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn ok() -> Mock {
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200))
}

/// The store keeps milliseconds; so do the times we compare with it.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap_or_default()
}

fn secs(s: i64) -> chrono::Duration {
    chrono::Duration::seconds(s)
}

#[tokio::test]
async fn a_200_is_delivered_once_with_the_event_and_its_key() {
    let server = MockServer::start().await;
    ok().expect(1).mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);

    let report = pass(&mut store, &cfg, now).await;
    assert_eq!(report.sent(), 1, "{report:?}");
    // Sent means sent: a later pass has nothing to do.
    let again = pass(&mut store, &cfg, now + secs(3600)).await;
    assert!(again.attempts.is_empty(), "{again:?}");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    let stored = row(&store, report.attempts[0].id);
    assert_eq!(stored.state, "sent");
    assert_eq!(key(r), stored.idempotency_key);
    assert_eq!(
        uuid::Uuid::parse_str(&key(r))
            .map(|u| u.get_version_num())
            .ok(),
        Some(7)
    );
    assert_eq!(r.url.path(), "/hooks/secret-path");
    assert_eq!(
        r.headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer t0ken")
    );
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let b = body(r);
    assert_eq!(b["event_id"], key(r).as_str());
    assert_eq!(b["type"], "handoff.verdict");
    assert_eq!(b["handoff_id"], A);
    assert_eq!(b["sequence"], 1);
    assert_eq!(b["retracts"], Value::Null);
    assert_eq!(b["verdict"], "bad");
    assert_eq!(b["reasons"], json!(["wrong_data"]));
    assert_eq!(b["note"], "asked for the wrong order");
    assert_eq!(b["agent"], ME);
    assert_eq!(b["ai_agent"], "Fin");
    assert_eq!(b["procedure"], "refund-eligibility");
    assert_eq!(b["procedure_version"], "v4");
    assert_eq!(b["trigger"], "business_rule");
    assert_eq!(b["confidence"], 0.36);
    assert!(
        b["at"]
            .as_str()
            .is_some_and(|t| t.parse::<DateTime<Utc>>().is_ok()),
        "{b}"
    );
}

#[tokio::test]
async fn a_500_is_retried_after_backoff_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("db down"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);

    let first = pass(&mut store, &cfg, now).await;
    let id = first.attempts[0].id;
    let Outcome::Retry { error, at } = &first.attempts[0].outcome else {
        panic!("500 must be retried: {first:?}");
    };
    assert!(
        error.contains("500") && error.contains("db down"),
        "{error}"
    );
    // backoff_secs = 1 with equal jitter: between 0.5 s and 1 s after the
    // attempt (the pass's clock moves on while the request runs).
    assert!(
        *at >= now + chrono::Duration::milliseconds(500) && *at <= now + secs(2),
        "{at} vs {now}"
    );
    let stored = row(&store, id);
    assert_eq!((stored.state.as_str(), stored.attempts), ("pending", 1));
    assert_eq!(stored.next_attempt_at, *at);

    // Not before the backoff ends.
    assert!(pass(&mut store, &cfg, now).await.attempts.is_empty());
    let second = pass(&mut store, &cfg, now + secs(2)).await;
    assert_eq!(second.sent(), 1, "{second:?}");
    assert_eq!(row(&store, id).attempts, 2);

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(key(&reqs[0]), key(&reqs[1]));
    assert_eq!(
        body(&reqs[0]),
        body(&reqs[1]),
        "a retry sends the same bytes' worth"
    );
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);

    let started = std::time::Instant::now();
    let first = pass(&mut store, &cfg, now).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout held"
    );
    assert!(
        matches!(&first.attempts[0].outcome, Outcome::Retry { error, .. } if error.contains("timed out")),
        "{first:?}"
    );
    let id = first.attempts[0].id;
    assert_eq!(row(&store, id).state, "pending");

    let second = pass(&mut store, &cfg, now + secs(60)).await;
    assert_eq!(second.sent(), 1, "{second:?}");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(key(&reqs[0]), key(&reqs[1]));
}

#[tokio::test]
async fn a_429_retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let mut cfg = config(hook(&server));
    cfg.backoff_secs = Some(0.1);
    let now = now();
    bad(&mut store, A, now);
    bad(&mut store, B, now);

    let first = pass(&mut store, &cfg, now).await;
    // Rate limited: the pass stops rather than hit the receiver again.
    assert_eq!(first.attempts.len(), 1, "{first:?}");
    let id = first.attempts[0].id;
    let next = row(&store, id).next_attempt_at;
    assert!(
        next >= now + secs(2) && next < now + secs(3),
        "{next} vs {now}"
    );
    assert_eq!(first.paused_until, Some(next));

    // 1 s later the limited event is not due yet (the other one is).
    let early = pass(&mut store, &cfg, now + secs(1)).await;
    assert!(early.attempts.iter().all(|a| a.id != id), "{early:?}");
    let later = pass(&mut store, &cfg, next).await;
    assert_eq!(later.sent(), 1, "{later:?}");
    assert_eq!(row(&store, id).state, "sent");
}

#[tokio::test]
async fn connection_refused_keeps_the_event_pending() {
    // A port with nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let cfg = config(format!("http://127.0.0.1:{port}/hooks/secret-path"));
    let mut store = store(Duration::ZERO);
    let now = now();
    bad(&mut store, A, now);

    let report = pass(&mut store, &cfg, now).await;
    assert_eq!(report.retrying(), 1, "{report:?}");
    let stored = &rows(&store)[0];
    assert_eq!((stored.state.as_str(), stored.attempts), ("pending", 1));
    let error = stored.last_error.clone().unwrap_or_default();
    assert!(error.to_lowercase().contains("connect"), "{error}");
    assert!(
        !error.contains("secret-path"),
        "the URL may hold a secret: {error}"
    );
    assert!(
        stored.payload.contains("asked for the wrong order"),
        "nothing lost"
    );
    assert_eq!(
        store.outbox_counts().map(|c| (c.pending, c.failed)).ok(),
        Some((1, 0))
    );
}

#[tokio::test]
async fn a_400_fails_until_retried_by_hand() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_string(format!("missing field{}", "!".repeat(100_000))),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);

    let first = pass(&mut store, &cfg, now).await;
    assert_eq!(first.failed(), 1, "{first:?}");
    let id = first.attempts[0].id;
    let stored = row(&store, id);
    assert_eq!(stored.state, "failed");
    let error = stored.last_error.unwrap_or_default();
    assert!(
        error.starts_with("HTTP 400 Bad Request: missing field"),
        "{error}"
    );
    assert!(error.len() < 1000, "the body is capped");
    assert_eq!(
        store.outbox_counts().map(|c| (c.pending, c.failed)).ok(),
        Some((0, 1))
    );

    // Never retried on its own, however long we wait.
    assert!(
        pass(&mut store, &cfg, now + secs(86_400))
            .await
            .attempts
            .is_empty()
    );
    assert_eq!(received(&server).await.len(), 1);

    let later = now + secs(10);
    assert_eq!(store.outbox_retry(later).ok(), Some(1));
    let retried = pass(&mut store, &cfg, later).await;
    assert_eq!(retried.sent(), 1, "{retried:?}");
    assert_eq!(row(&store, id).state, "sent");
}

#[tokio::test]
async fn events_are_ordered_per_handoff_and_others_proceed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({ "handoff_id": A })))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);
    bad(&mut store, B, now);

    let first = pass(&mut store, &cfg, now).await;
    assert_eq!((first.retrying(), first.sent()), (1, 1), "{first:?}");
    // A changes its mind while its first event is still undelivered:
    // a retraction and the new verdict queue up behind it.
    set(&mut store, A, Some((Verdict::Good, &[], None)), now);
    assert_eq!(rows(&store).iter().filter(|r| r.handoff_id == A).count(), 3);

    let blocked = pass(&mut store, &cfg, now).await;
    assert!(
        blocked.attempts.is_empty(),
        "nothing overtakes A's first event: {blocked:?}"
    );

    let drained = pass(&mut store, &cfg, now + secs(5)).await;
    assert_eq!(drained.sent(), 3, "{drained:?}");

    let a_events: Vec<Value> = received(&server)
        .await
        .iter()
        .map(body)
        .filter(|b| b["handoff_id"] == A)
        .collect();
    let order: Vec<(i64, &str)> = a_events
        .iter()
        .map(|b| {
            (
                b["sequence"].as_i64().unwrap_or(0),
                b["type"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (1, "handoff.verdict"),
            (1, "handoff.verdict"),
            (2, "handoff.verdict_retracted"),
            (3, "handoff.verdict")
        ]
    );
    assert_eq!(a_events[2]["retracts"], a_events[0]["event_id"]);
    assert_eq!(a_events[3]["verdict"], "good");
}

#[tokio::test]
async fn undo_sends_a_retraction_after_the_verdict() {
    let server = MockServer::start().await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let cfg = config(hook(&server));
    let now = now();
    bad(&mut store, A, now);
    assert_eq!(pass(&mut store, &cfg, now).await.sent(), 1);
    // What `u` does: put back what was in force before (nothing).
    set(&mut store, A, None, now + secs(1));
    assert_eq!(pass(&mut store, &cfg, now + secs(1)).await.sent(), 1);

    let events: Vec<Value> = received(&server).await.iter().map(body).collect();
    assert_eq!(events.len(), 2);
    let (verdict, retraction) = (&events[0], &events[1]);
    assert_eq!(retraction["type"], "handoff.verdict_retracted");
    assert_eq!(retraction["retracts"], verdict["event_id"]);
    assert_eq!(retraction["sequence"], 2);
    assert_eq!(retraction["verdict"], "bad");
    assert_eq!(retraction["reasons"], json!(["wrong_data"]));
    assert_ne!(retraction["event_id"], verdict["event_id"]);
}

#[tokio::test]
async fn changes_within_the_hold_send_one_event_or_none() {
    let server = MockServer::start().await;
    ok().mount(&server).await;
    let mut store = store(Duration::from_secs(30));
    let cfg = config(hook(&server));
    let now = now();
    // b, then the reason, then a note: three writes, as the keys make them.
    set(&mut store, A, Some((Verdict::Bad, &[], None)), now);
    set(
        &mut store,
        A,
        Some((Verdict::Bad, &[Reason::WrongData], None)),
        now + secs(2),
    );
    bad(&mut store, A, now + secs(10));
    let queued = rows(&store);
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(
        queued[0].next_attempt_at,
        now + secs(40),
        "the hold restarts on each change"
    );
    assert!(
        pass(&mut store, &cfg, now + secs(39))
            .await
            .attempts
            .is_empty()
    );

    // Undo within the hold: nothing ever leaves.
    set(&mut store, B, Some((Verdict::Good, &[], None)), now);
    set(&mut store, B, None, now + secs(1));
    assert!(rows(&store).iter().all(|r| r.handoff_id != B));

    assert_eq!(pass(&mut store, &cfg, now + secs(40)).await.sent(), 1);
    let events: Vec<Value> = received(&server).await.iter().map(body).collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["reasons"], json!(["wrong_data"]));
    assert_eq!(events[0]["note"], "asked for the wrong order");
    assert_eq!(events[0]["sequence"], 1);
}

#[test]
fn nothing_is_queued_without_a_webhook_or_when_nothing_changed() {
    let mut plain = store(Duration::ZERO);
    plain.set_destinations(Vec::new());
    bad(&mut plain, A, now());
    assert!(rows(&plain).is_empty());

    let mut store = store(Duration::ZERO);
    let at = now();
    bad(&mut store, A, at);
    // Same verdict, reasons and note again (g on a good handoff, say).
    bad(&mut store, A, at + secs(5));
    assert_eq!(rows(&store).len(), 1);
}

#[tokio::test]
async fn slack_format_posts_a_readable_message() {
    let server = MockServer::start().await;
    ok().mount(&server).await;
    let mut store = store(Duration::ZERO);
    let mut cfg = config(hook(&server));
    cfg.format = Format::Slack;
    let now = now();
    bad(&mut store, A, now);
    assert_eq!(pass(&mut store, &cfg, now).await.sent(), 1);

    let reqs = received(&server).await;
    let b = body(&reqs[0]);
    assert_eq!(
        b["text"],
        "✗ Bad handoff HO-1040 — wrong or missing data collected · refund-eligibility v4 · Maya Chen: asked for the wrong order"
    );
    assert!(b["blocks"].as_array().is_some_and(|a| !a.is_empty()), "{b}");
    assert!(!key(&reqs[0]).is_empty());
}

#[test]
fn status_bar_shows_deliveries_beside_the_store_state() {
    use handoff::app::{Event, State, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let draw = |state: &State| -> String {
        let mut term = Terminal::new(TestBackend::new(100, 1)).unwrap_or_else(|e| panic!("{e}"));
        let theme = handoff::ui::Theme::monochrome();
        term.draw(|f| handoff::ui::status_bar::render(f, f.area(), state, &theme))
            .unwrap_or_else(|e| panic!("{e}"));
        term.backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect()
    };
    let mut state = State::new(ME.into(), Utc::now());
    assert!(draw(&state).contains("local store"));
    let effects = update(
        &mut state,
        Event::Outbox {
            pending: 3,
            failed: 1,
        },
    );
    assert!(effects.is_empty());
    let line = draw(&state);
    assert!(
        line.contains("⇡ 3 pending") && line.contains("⚠ 1 failed"),
        "{line}"
    );
    update(
        &mut state,
        Event::Outbox {
            pending: 0,
            failed: 0,
        },
    );
    let line = draw(&state);
    assert!(
        !line.contains("pending") && line.contains("local store"),
        "{line}"
    );
}
