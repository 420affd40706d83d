//! HTTP as every helpdesk adapter speaks it: a client with every timeout
//! set and no redirects, bodies capped, and each answer sorted into what a
//! person or the outbox can act on ([`ApiError`]). Adapters build their
//! requests (paths, auth) and hand them to [`Endpoint::send`]; reads are
//! retried with [`Endpoint::retry_wait`], writes never (the outbox owns them).

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

use crate::domain::sanitize;
use crate::outbox::backoff;
use crate::outbox::delivery::Answer;

/// A JSON body larger than this is refused; nothing is buffered past it.
pub const MAX_BODY: usize = 16 * 1024 * 1024;
/// Tries per read before the error is reported.
pub const READ_ATTEMPTS: u32 = 4;
/// How much of an error body goes into a message.
const ERROR_TEXT: usize = 200;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach {0}")]
    Unreachable(String),
    #[error("TLS error talking to {0} (certificate or protocol)")]
    Tls(String),
    #[error("no answer within {0:.1}s")]
    Timeout(f64),
    #[error("401 Unauthorized: the API token is wrong or revoked")]
    Unauthorized,
    #[error("403 Forbidden: {0}")]
    Forbidden(String),
    #[error("404 Not Found: {0}")]
    NotFound(String),
    /// With the wait asked for, when the server says (`Retry-After`).
    #[error("429 Too Many Requests: rate limited; backing off")]
    RateLimited(Option<Duration>),
    #[error("server error {0}: {1}")]
    Server(u16, String),
    #[error("refused with {0}: {1}")]
    Refused(u16, String),
    #[error("unusable response from {0}: {1}")]
    BadBody(String, String),
}

impl ApiError {
    /// Worth trying again later, unchanged.
    pub fn is_transient(&self) -> bool {
        self.whole_server() || matches!(self, ApiError::Server(..))
    }
    /// About the server as a whole, not one request: stop for now.
    pub fn whole_server(&self) -> bool {
        matches!(
            self,
            ApiError::Unreachable(_)
                | ApiError::Tls(_)
                | ApiError::Timeout(_)
                | ApiError::RateLimited(_)
                | ApiError::Unauthorized
        )
    }
    /// How long the server asked us to wait before trying again.
    pub fn wait(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited(wait) => *wait,
            _ => None,
        }
    }
    /// The request may have reached the server and done its work even
    /// though no answer came back: re-check before sending it again.
    pub fn uncertain(&self) -> bool {
        matches!(self, ApiError::Timeout(_) | ApiError::Server(..))
    }
}

/// Why one outbox change did not go out: the helpdesk's answer, or ours
/// (a change it can never take).
#[derive(Debug)]
pub enum Failure {
    Api(ApiError),
    Permanent(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::Api(e)
    }
}

/// What the outbox makes of a change's delivery: sent, refused for good,
/// or to try again (after the wait the server asked for, if it did).
impl From<Result<(), Failure>> for Answer {
    fn from(result: Result<(), Failure>) -> Answer {
        match result {
            Ok(()) => Answer::Ok(200),
            Err(Failure::Permanent(error)) => Answer::Permanent(error),
            Err(Failure::Api(e)) if !e.is_transient() => Answer::Permanent(e.to_string()),
            Err(Failure::Api(e)) => Answer::Transient {
                error: e.to_string(),
                retry_after: e.wait(),
                whole_receiver: e.whole_server(),
            },
        }
    }
}

/// A refused or failed request: the error, the wait the server asked for,
/// and the start of its body (cleaned), for adapters that read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub error: ApiError,
    pub retry_after: Option<Duration>,
    pub body: String,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        Refusal {
            error,
            retry_after: None,
            body: String::new(),
        }
    }
}

/// A reqwest client with every timeout set (reqwest has none), no
/// redirects (a redirected POST turns into a GET; a login page is not
/// JSON) and `headers` on every request.
pub fn client(timeout: Duration, headers: HeaderMap) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .read_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .map_err(|e| format!("starting the HTTP client: {e}"))
}

/// The headers every request to a helpdesk carries: `auth` with the
/// token (marked sensitive: it stays out of reqwest's Debug output),
/// `Accept: application/json` and our User-Agent.
pub fn headers(auth: HeaderName, value: &str) -> Result<HeaderMap, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| "the API token has characters a header cannot carry".to_string())?;
    value.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(auth, value);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("handoff/", env!("CARGO_PKG_VERSION"))),
    );
    Ok(headers)
}

/// `host[:port]` of `base`, for messages: never a user or password.
pub fn host_of(base: &str) -> String {
    reqwest::Url::parse(base)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                format!(
                    "{h}{}",
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| "the server".to_string())
}

/// `base` as it may be shown: a password in it is replaced by `***`.
pub fn shown(base: &str) -> String {
    match reqwest::Url::parse(base) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            sanitize::clean_line(u.as_str().trim_end_matches('/'))
        }
        Ok(_) => sanitize::clean_line(base.trim_end_matches('/')),
        Err(_) => "(an address that does not parse)".to_string(),
    }
}

/// One helpdesk server as the adapters' requests reach it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The helpdesk's name as people write it ("Chatwoot").
    pub label: &'static str,
    /// `host[:port]`, for messages.
    pub host: String,
    pub timeout: Duration,
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Endpoint {
    /// Send `request` (to `path`, for messages) and read its JSON answer.
    pub async fn send(&self, request: RequestBuilder, path: &str) -> Result<Value, Refusal> {
        let mut response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let retry_after = wait_hint(status, response.headers(), chrono::Utc::now());
        let bytes = read_capped(&mut response)
            .await
            .map_err(|e| self.transport(e))?;
        tracing::debug!(label = self.label, path = %path_only(path), status = status.as_u16(), "request");
        let Some(bytes) = bytes else {
            return Err(self
                .bad_body(path, &format!("larger than {} MiB", MAX_BODY >> 20))
                .into());
        };
        if !status.is_success() {
            let body = sanitize::truncate(
                &sanitize::clean_line(&String::from_utf8_lossy(&bytes)),
                ERROR_TEXT,
            );
            return Err(Refusal {
                error: status_error(status, path, &body, retry_after),
                retry_after,
                body,
            });
        }
        self.decode(path, &bytes).map_err(Refusal::from)
    }

    /// A read: `send` tried until it succeeds, or [`Endpoint::retry_wait`]
    /// gives up on it (`path` is for the log).
    pub async fn read<F, Fut>(&self, path: &str, send: F) -> Result<Value, Refusal>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Value, Refusal>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let refusal = match send().await {
                Ok(v) => return Ok(v),
                Err(refusal) => refusal,
            };
            let Some(wait) = self.retry_wait(attempt, &refusal) else {
                return Err(refusal);
            };
            tracing::info!(label = self.label, path = %path_only(path), error = %refusal.error, ?wait, "read: retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// After read attempt `attempt` (1-based) failed with `e`: how long to
    /// wait before the next, or `None` to give up (not worth it, or tried
    /// enough). A refused token will not get better within a sync.
    pub fn retry_wait(&self, attempt: u32, refusal: &Refusal) -> Option<Duration> {
        let e = &refusal.error;
        if !e.is_transient() || *e == ApiError::Unauthorized || attempt >= READ_ATTEMPTS {
            return None;
        }
        let wait = backoff::delay(attempt, self.backoff, self.max_backoff, backoff::jitter())
            .max(refusal.retry_after.unwrap_or(Duration::ZERO));
        Some(wait)
    }

    fn decode(&self, path: &str, bytes: &[u8]) -> Result<Value, ApiError> {
        let text = String::from_utf8_lossy(bytes);
        let start = text.trim_start();
        if start.is_empty() {
            return Err(self.bad_body(path, "empty body where JSON was expected"));
        }
        if start.starts_with('<') {
            return Err(self.bad_body(
                path,
                &format!(
                    "an HTML page, not JSON (is base_url the {} address, not a proxy or login page?)",
                    self.label
                ),
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| {
            if e.is_eof() {
                self.bad_body(path, "the JSON was cut off (truncated response)")
            } else {
                self.bad_body(path, &format!("malformed JSON: {e}"))
            }
        })
    }

    /// A body that is not what `path` should answer.
    pub fn bad_body(&self, path: &str, why: &str) -> ApiError {
        ApiError::BadBody(path_only(path), sanitize::clean_line(why))
    }

    fn transport(&self, e: reqwest::Error) -> Refusal {
        if e.is_timeout() {
            return ApiError::Timeout(self.timeout.as_secs_f64()).into();
        }
        // The URL is never part of it.
        let chain = sanitize::error_chain(&e.without_url()).to_lowercase();
        let error = if ["certificate", "tls", "handshake", "ssl"]
            .iter()
            .any(|w| chain.contains(w))
        {
            ApiError::Tls(self.host.clone())
        } else if chain.contains("dns") || chain.contains("lookup") || chain.contains("resolve") {
            ApiError::Unreachable(format!("{} (name not found)", self.host))
        } else if chain.contains("refused") {
            ApiError::Unreachable(format!("{} (connection refused)", self.host))
        } else {
            ApiError::Unreachable(format!(
                "{} ({})",
                self.host,
                sanitize::truncate(&chain, ERROR_TEXT)
            ))
        };
        error.into()
    }
}

/// How long the server asks us to wait: `Retry-After`, else on a 429 the
/// end of the rate-limit window (`X-RateLimit-Reset`, a Unix time; servers
/// send it on every answer, so it means nothing on other statuses).
fn wait_hint(
    status: StatusCode,
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(RETRY_AFTER.as_str())
        .and_then(|v| backoff::retry_after(v, now))
        .or_else(|| {
            (status == StatusCode::TOO_MANY_REQUESTS)
                .then(|| header("x-ratelimit-reset"))
                .flatten()
                .and_then(|v| backoff::reset_at(v, now, backoff::jitter()))
        })
}

fn status_error(
    status: StatusCode,
    path: &str,
    excerpt: &str,
    retry_after: Option<Duration>,
) -> ApiError {
    let code = status.as_u16();
    match code {
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden(format!("{} ({excerpt})", path_only(path))),
        404 => ApiError::NotFound(path_only(path)),
        429 => ApiError::RateLimited(retry_after),
        500..=599 => ApiError::Server(code, excerpt.to_string()),
        _ => ApiError::Refused(code, excerpt.to_string()),
    }
}

/// The path without its query, for messages.
pub fn path_only(path: &str) -> String {
    sanitize::clean_line(path.split('?').next().unwrap_or(path))
}

/// The body, or `None` when it is larger than `MAX_BODY`.
async fn read_capped(response: &mut reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_an_address_is_never_shown() {
        let s = shown("https://agent:SENTINEL-PW@help.acme.example/");
        assert!(!s.contains("SENTINEL-PW"), "{s}");
        assert!(s.contains("help.acme.example"), "{s}");
        assert_eq!(
            host_of("https://agent:SENTINEL-PW@help.acme.example:8443/x"),
            "help.acme.example:8443"
        );
        assert_eq!(
            shown("https://help.acme.example/"),
            "https://help.acme.example"
        );
    }

    #[test]
    fn a_429_waits_for_the_window_to_reset() {
        let now = chrono::Utc::now();
        let mut headers = HeaderMap::new();
        let reset = (now.timestamp() + 20).to_string();
        headers.insert(
            "x-ratelimit-reset",
            reset.parse().unwrap_or(HeaderValue::from_static("")),
        );
        let wait = wait_hint(StatusCode::TOO_MANY_REQUESTS, &headers, now);
        assert!(
            wait.is_some_and(|w| w >= Duration::from_secs(19) && w <= Duration::from_secs(21)),
            "{wait:?}"
        );
        // Sent on every answer: a 503's retry is not held to the window.
        assert_eq!(
            wait_hint(StatusCode::SERVICE_UNAVAILABLE, &headers, now),
            None
        );
        // Retry-After, when both are there, is the one asked for.
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let wait = wait_hint(StatusCode::TOO_MANY_REQUESTS, &headers, now);
        assert_eq!(wait, Some(Duration::from_secs(3)));
    }

    #[test]
    fn statuses_sort_into_errors() {
        let wait = Some(Duration::from_secs(7));
        assert_eq!(
            status_error(StatusCode::TOO_MANY_REQUESTS, "/x?a=1", "", wait),
            ApiError::RateLimited(wait)
        );
        assert_eq!(
            status_error(
                StatusCode::NOT_FOUND,
                "/api/v2/tickets/9?include=users",
                "",
                None
            ),
            ApiError::NotFound("/api/v2/tickets/9".into())
        );
        assert!(matches!(
            status_error(StatusCode::CONFLICT, "/x", "stale", None),
            ApiError::Refused(409, _)
        ));
        assert!(ApiError::Server(503, String::new()).uncertain());
        assert!(!ApiError::Refused(422, String::new()).is_transient());
    }
}
