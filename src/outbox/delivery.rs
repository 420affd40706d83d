//! One delivery pass: send every due outbox row to the webhook, mark it sent
//! only after a 2xx, and reschedule or fail it otherwise.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Client, StatusCode};

use super::backoff;
use super::event::VerdictEvent;
use super::slack;
use crate::config::{Format, WebhookConfig};
use crate::domain::sanitize;
use crate::store::{OutboxRow, Store, StoreError};

/// Rows fetched per query; a pass repeats until nothing more is due.
const BATCH: usize = 50;
/// Enough of a response body to explain a refusal; the rest is not read.
const BODY_CAP: usize = 4096;
/// How much of that body goes into `last_error`.
const ERROR_TEXT: usize = 300;

/// What happened to one row in a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: i64,
    pub handoff_id: String,
    pub kind: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        status: u16,
    },
    /// Will be tried again at `at`.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// Refused for good; waits for `handoff outbox --retry`.
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub attempts: Vec<Attempt>,
    /// The receiver as a whole is unwell (unreachable, rate limiting):
    /// nothing more should be sent before this.
    pub paused_until: Option<DateTime<Utc>>,
}

impl Report {
    pub fn sent(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Sent { .. }))
    }
    pub fn retrying(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Retry { .. }))
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.attempts.iter().filter(|a| f(&a.outcome)).count()
    }
}

/// The HTTP client for `cfg`: every timeout set (reqwest has none by
/// default) and no redirects (a redirected POST turns into a GET).
pub fn client(cfg: &WebhookConfig) -> Result<Client, reqwest::Error> {
    let timeout = cfg.timeout();
    let mut headers = HeaderMap::new();
    for (name, value) in &cfg.headers {
        // Validated with the config; anything unparsable is skipped, not fatal.
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(n, v);
        }
    }
    Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .read_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
}

/// Send every row due at `now`, each at most once, in per-handoff order.
/// After a row is acknowledged its handoff's next event is sent in the same
/// pass. Store errors end the pass; delivery errors are recorded on the row.
/// `now` is the pass's clock (tests move it); it advances with real time
/// during the pass so leases and retries stay right after slow requests.
pub async fn deliver_due(
    store: &mut Store,
    client: &Client,
    cfg: &WebhookConfig,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let pass = Pass {
        destination: super::WEBHOOK,
        // A request cannot outlive the total timeout, so after this the
        // lease is safe to take over.
        lease: cfg.timeout() + Duration::from_secs(2),
        backoff: cfg.backoff(),
        max_backoff: cfg.max_backoff(),
        what: "outbox delivery",
    };
    run_pass(store, &pass, now, Webhook { client, cfg }).await
}

struct Webhook<'a> {
    client: &'a Client,
    cfg: &'a WebhookConfig,
}

impl Sender for Webhook<'_> {
    fn send(&mut self, row: &OutboxRow, now: DateTime<Utc>) -> impl Future<Output = Answer> + Send {
        send(self.client, self.cfg, row, now)
    }
}

/// Sends one outbox row to a destination. A trait rather than an async
/// closure so the pass stays `Send` for the spawned worker.
pub(crate) trait Sender {
    fn send(&mut self, row: &OutboxRow, now: DateTime<Utc>) -> impl Future<Output = Answer> + Send;
}

/// What differs between destinations in a delivery pass.
pub(crate) struct Pass {
    pub destination: &'static str,
    /// How long a claimed row is ours before another pass may take it over.
    pub lease: Duration,
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// For the log line of each attempt.
    pub what: &'static str,
}

/// One delivery pass for any destination: send every due row, each at most
/// once, in per-handoff order, with `send`. After a row is acknowledged its
/// handoff's next event goes in the same pass. Store errors end the pass;
/// delivery errors are recorded on the row; a whole-receiver failure pauses
/// the pass. `now` is the pass's clock (tests move it); it advances with
/// real time so leases and retries stay right after slow requests.
pub(crate) async fn run_pass(
    store: &mut Store,
    pass: &Pass,
    now: DateTime<Utc>,
    mut sender: impl Sender,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let mut tried = HashSet::new();
    let started = Instant::now();
    let clock = || whole_ms(now + started.elapsed());
    'pass: loop {
        let due = store.outbox_due(pass.destination, clock(), BATCH)?;
        let fresh: Vec<OutboxRow> = due.into_iter().filter(|r| !tried.contains(&r.id)).collect();
        if fresh.is_empty() {
            break;
        }
        for candidate in fresh {
            tried.insert(candidate.id);
            let t = clock();
            let Some(row) = store.outbox_claim(candidate.id, t, whole_ms(t + pass.lease))? else {
                continue;
            };
            let outcome = match sender.send(&row, t).await {
                Answer::Ok(status) => {
                    store.outbox_sent(row.id)?;
                    Outcome::Sent { status }
                }
                Answer::Permanent(error) => {
                    store.outbox_failed(row.id, &error)?;
                    Outcome::Failed { error }
                }
                Answer::Transient {
                    error,
                    retry_after,
                    whole_receiver,
                } => {
                    let attempt = u32::try_from(row.attempts).unwrap_or(u32::MAX);
                    let wait =
                        backoff::delay(attempt, pass.backoff, pass.max_backoff, backoff::jitter())
                            .max(retry_after.unwrap_or(Duration::ZERO));
                    let at = whole_ms(clock() + wait);
                    store.outbox_retry_at(row.id, at, &error)?;
                    if whole_receiver {
                        report.paused_until = Some(at);
                    }
                    Outcome::Retry { error, at }
                }
            };
            tracing::info!(id = row.id, handoff = %row.handoff_id, kind = %row.kind, ?outcome, "{}", pass.what);
            report.attempts.push(Attempt {
                id: row.id,
                handoff_id: row.handoff_id,
                kind: row.kind,
                outcome,
            });
            if report.paused_until.is_some() {
                break 'pass;
            }
        }
    }
    Ok(report)
}

/// Whole milliseconds, as the store keeps times.
fn whole_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// How the receiver answered, as far as the outbox cares.
pub(crate) enum Answer {
    Ok(u16),
    Transient {
        error: String,
        retry_after: Option<Duration>,
        /// Unreachable or rate limited: about the receiver, not this event.
        whole_receiver: bool,
    },
    Permanent(String),
}

async fn send(client: &Client, cfg: &WebhookConfig, row: &OutboxRow, now: DateTime<Utc>) -> Answer {
    let event: VerdictEvent = match serde_json::from_str(&row.payload) {
        Ok(e) => e,
        Err(e) => return Answer::Permanent(format!("stored event is unreadable: {e}")),
    };
    let body = match cfg.format {
        Format::Json => serde_json::to_vec(&event),
        Format::Slack => serde_json::to_vec(&slack::message(&event)),
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return Answer::Permanent(format!("encoding the event: {e}")),
    };
    let request = client
        .post(&cfg.url)
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, concat!("handoff/", env!("CARGO_PKG_VERSION")))
        .header("Idempotency-Key", row.idempotency_key.as_str())
        .body(body);
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => return transport_error(e, cfg),
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| backoff::retry_after(v, now));
    let body = read_capped(&mut response).await;
    classify(status, retry_after, &body)
}

fn classify(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Answer {
    let code = status.as_u16();
    if status.is_success() {
        return Answer::Ok(code);
    }
    let mut error = format!("HTTP {status}");
    let excerpt = sanitize::truncate(
        &sanitize::clean_line(&String::from_utf8_lossy(body)),
        ERROR_TEXT,
    );
    if !excerpt.is_empty() {
        error.push_str(": ");
        error.push_str(&excerpt);
    }
    match code {
        429 | 503 => Answer::Transient {
            error,
            retry_after,
            whole_receiver: true,
        },
        408 | 500..=599 => Answer::Transient {
            error,
            retry_after: None,
            whole_receiver: false,
        },
        // 4xx: the receiver will refuse this event every time; 3xx: the URL
        // moved and we do not follow POSTs. Both need a person.
        _ => Answer::Permanent(error),
    }
}

fn transport_error(e: reqwest::Error, cfg: &WebhookConfig) -> Answer {
    if e.is_builder() {
        return Answer::Permanent(sanitize::error_chain(&e.without_url()));
    }
    let error = if e.is_timeout() {
        format!("timed out after {:.1}s", cfg.timeout().as_secs_f64())
    } else {
        // The URL can hold a secret (Slack's does): never in errors or logs.
        sanitize::error_chain(&e.without_url())
    };
    Answer::Transient {
        error,
        retry_after: None,
        whole_receiver: true,
    }
}

/// At most `BODY_CAP` bytes of the body; a receiver cannot make us buffer more.
async fn read_capped(response: &mut reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < BODY_CAP {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = BODY_CAP - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(a: &Answer) -> &'static str {
        match a {
            Answer::Ok(_) => "ok",
            Answer::Transient {
                whole_receiver: true,
                ..
            } => "pause",
            Answer::Transient { .. } => "retry",
            Answer::Permanent(_) => "failed",
        }
    }

    #[test]
    fn statuses_are_classified() {
        for (code, want) in [
            (200, "ok"),
            (202, "ok"),
            (204, "ok"),
            (301, "failed"),
            (400, "failed"),
            (401, "failed"),
            (404, "failed"),
            (408, "retry"),
            (422, "failed"),
            (429, "pause"),
            (500, "retry"),
            (502, "retry"),
            (503, "pause"),
        ] {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
            assert_eq!(kind(&classify(status, None, b"")), want, "{code}");
        }
    }

    #[test]
    fn error_text_is_one_clean_short_line() {
        let body = format!("bad\n\u{1b}[31mfield{}", "x".repeat(10_000));
        match classify(StatusCode::BAD_REQUEST, None, body.as_bytes()) {
            Answer::Permanent(e) => {
                assert!(e.starts_with("HTTP 400 Bad Request: bad field"), "{e}");
                assert!(!e.contains('\u{1b}') && !e.contains('\n'));
                assert!(e.chars().count() < ERROR_TEXT + 40);
            }
            _ => panic!("400 must be permanent"),
        }
    }
}
