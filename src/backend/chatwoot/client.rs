//! HTTP to one Chatwoot account: every timeout set, bodies capped, errors
//! sorted into what a person or the outbox can act on (`backend::http`).
//! GETs are retried here with backoff (Chatwoot's 429 carries no
//! `Retry-After`, so the delay is ours); POSTs are not: the outbox owns
//! their retries and idempotency.

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderName};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Secret;
use super::config::ChatwootConfig;
use crate::backend::http::{self, Endpoint, Refusal};
use crate::backend::table::TimingKeys;

pub use crate::backend::http::ApiError;

/// One Chatwoot account, as the token's user sees it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    base: String,
    account_id: i64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &http::shown(&self.base))
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(cfg: &ChatwootConfig, token: &Secret) -> Result<Client, String> {
        let headers = http::headers(HeaderName::from_static("api_access_token"), token.expose())?;
        let timeout = cfg.timeout();
        Ok(Client {
            http: http::client(timeout, headers)?,
            endpoint: Endpoint {
                label: "Chatwoot",
                host: http::host_of(cfg.base()),
                timeout,
                backoff: cfg.backoff(),
                max_backoff: cfg.max_backoff(),
            },
            base: cfg.base().to_string(),
            account_id: cfg.account_id,
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
        serde_json::from_value(value).map_err(|e| self.endpoint.bad_body(path, &format!("{e}")))
    }

    pub async fn get_value(&self, path: &str) -> Result<Value, ApiError> {
        self.endpoint
            .read(path, || self.request(Method::GET, path, None))
            .await
            .map_err(|r| r.error)
    }

    /// POST `body` to `path` once.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.request(Method::POST, path, Some(body))
            .await
            .map_err(|r| r.error)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Refusal> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        self.endpoint.send(request, path).await
    }
}
