//! HTTP to one Chatwoot account: every timeout set, bodies capped, errors
//! sorted into what a person or the outbox can act on. GETs are retried here
//! with backoff (Chatwoot's 429 carries no `Retry-After`, so the delay is
//! ours); POSTs are not: the outbox owns their retries and idempotency.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Secret;
use super::config::ChatwootConfig;
use crate::domain::sanitize;
use crate::outbox::backoff;

/// A JSON body larger than this is refused (a 5,000-conversation page is
/// far below it); nothing is buffered past it.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// Tries per GET before the error is reported.
const GET_ATTEMPTS: u32 = 4;
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
    /// With the wait asked for, when something in front of Chatwoot says
    /// (Chatwoot's own 429 does not).
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

/// One Chatwoot account, as the token's user sees it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    host: String,
    account_id: i64,
    timeout: Duration,
    backoff: Duration,
    max_backoff: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(cfg: &ChatwootConfig, token: &Secret) -> Result<Client, String> {
        let mut value = HeaderValue::from_str(token.expose())
            .map_err(|_| "the API token has characters a header cannot carry".to_string())?;
        // Keeps the value out of reqwest's own Debug output.
        value.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert("api_access_token", value);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("handoff/", env!("CARGO_PKG_VERSION"))),
        );
        let timeout = cfg.timeout();
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .read_timeout(timeout)
            .timeout(timeout)
            // A redirected POST turns into a GET; a login page is not JSON.
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .map_err(|e| format!("starting the HTTP client: {e}"))?;
        let host = reqwest::Url::parse(cfg.base())
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| {
                    format!(
                        "{h}{}",
                        u.port().map(|p| format!(":{p}")).unwrap_or_default()
                    )
                })
            })
            .unwrap_or_else(|| cfg.base().to_string());
        Ok(Client {
            http,
            base: cfg.base().to_string(),
            host,
            account_id: cfg.account_id,
            timeout,
            backoff: cfg.backoff(),
            max_backoff: cfg.max_backoff(),
        })
    }

    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// `/api/v1/accounts/{account_id}/{rest}`.
    pub fn account_path(&self, rest: &str) -> String {
        format!("/api/v1/accounts/{}/{rest}", self.account_id)
    }

    /// GET `path` and decode it, retrying transient failures with backoff.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let value = self.get_value(path).await?;
        serde_json::from_value(value).map_err(|e| self.bad_body(path, &format!("{e}")))
    }

    pub async fn get_value(&self, path: &str) -> Result<Value, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.request(Method::GET, path, None).await {
                // A refused token will not get better within a sync.
                Err((e, retry_after))
                    if e.is_transient()
                        && e != ApiError::Unauthorized
                        && attempt < GET_ATTEMPTS =>
                {
                    let wait =
                        backoff::delay(attempt, self.backoff, self.max_backoff, backoff::jitter())
                            .max(retry_after.unwrap_or(Duration::ZERO));
                    tracing::info!(path, error = %e, ?wait, "chatwoot GET: retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other.map_err(|(e, _)| e),
            }
        }
    }

    /// POST `body` to `path` once.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.request(Method::POST, path, Some(body))
            .await
            .map_err(|(e, _)| e)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, (ApiError, Option<Duration>)> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| (self.transport(e), None))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| backoff::retry_after(v, chrono::Utc::now()));
        let bytes = read_capped(&mut response)
            .await
            .map_err(|e| (self.transport(e), None))?;
        tracing::debug!(%method, path, status = status.as_u16(), "chatwoot request");
        let Some(bytes) = bytes else {
            return Err((
                self.bad_body(path, &format!("larger than {} MiB", MAX_BODY >> 20)),
                None,
            ));
        };
        if !status.is_success() {
            return Err((
                self.status_error(status, path, &bytes, retry_after),
                retry_after,
            ));
        }
        self.decode(path, &bytes).map_err(|e| (e, None))
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
                "an HTML page, not JSON (is base_url the Chatwoot address, not a proxy or login page?)",
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

    fn bad_body(&self, path: &str, why: &str) -> ApiError {
        ApiError::BadBody(path_only(path), sanitize::clean_line(why))
    }

    fn status_error(
        &self,
        status: StatusCode,
        path: &str,
        body: &[u8],
        retry_after: Option<Duration>,
    ) -> ApiError {
        let excerpt = sanitize::truncate(
            &sanitize::clean_line(&String::from_utf8_lossy(body)),
            ERROR_TEXT,
        );
        let code = status.as_u16();
        match code {
            401 => ApiError::Unauthorized,
            403 => ApiError::Forbidden(format!("{} ({excerpt})", path_only(path))),
            404 => ApiError::NotFound(path_only(path)),
            429 => ApiError::RateLimited(retry_after),
            500..=599 => ApiError::Server(code, excerpt),
            _ => ApiError::Refused(code, excerpt),
        }
    }

    fn transport(&self, e: reqwest::Error) -> ApiError {
        if e.is_timeout() {
            return ApiError::Timeout(self.timeout.as_secs_f64());
        }
        // The URL is never part of it.
        let chain = sanitize::error_chain(&e.without_url()).to_lowercase();
        if ["certificate", "tls", "handshake", "ssl"]
            .iter()
            .any(|w| chain.contains(w))
        {
            return ApiError::Tls(self.host.clone());
        }
        if chain.contains("dns") || chain.contains("lookup") || chain.contains("resolve") {
            return ApiError::Unreachable(format!("{} (name not found)", self.host));
        }
        if chain.contains("refused") {
            return ApiError::Unreachable(format!("{} (connection refused)", self.host));
        }
        ApiError::Unreachable(format!(
            "{} ({})",
            self.host,
            sanitize::truncate(&chain, ERROR_TEXT)
        ))
    }
}

/// The path without its query, for messages.
fn path_only(path: &str) -> String {
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
