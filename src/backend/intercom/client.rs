//! HTTP to one Intercom workspace: the token as a Bearer header (marked
//! sensitive), `Intercom-Version: 2.16`, every timeout set, bodies capped,
//! errors sorted (`backend::http`) with Intercom's `error.list` codes in
//! the message. Reads — GETs and the search POST — are retried here with
//! backoff, a 429 waiting for its `X-RateLimit-Reset`; writes are not: the
//! outbox owns their retries and idempotency.

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Secret;
use super::config::IntercomConfig;
use super::model::ErrorList;
use crate::backend::http::{self, Endpoint, Refusal};
use crate::backend::table::TimingKeys;

pub use crate::backend::http::ApiError;

/// The API version every request asks for (IC-spec `intercom_version`).
pub const API_VERSION: &str = "2.16";

/// One Intercom workspace, as the token's admin sees it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    base: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &http::shown(&self.base))
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(cfg: &IntercomConfig, token: &Secret) -> Result<Client, String> {
        let mut headers = http::headers(AUTHORIZATION, &format!("Bearer {}", token.expose()))?;
        headers.insert("Intercom-Version", HeaderValue::from_static(API_VERSION));
        let timeout = cfg.timeout();
        Ok(Client {
            http: http::client(timeout, headers)?,
            endpoint: Endpoint {
                label: "Intercom",
                host: http::host_of(cfg.base()),
                timeout,
                backoff: cfg.backoff(),
                max_backoff: cfg.max_backoff(),
            },
            base: cfg.base().to_string(),
        })
    }

    /// The API's address, as it may be shown.
    pub fn shown_base(&self) -> String {
        http::shown(&self.base)
    }

    /// GET `path` and decode it, retrying transient failures.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let value = self.read(Method::GET, path, None).await?;
        self.decoded(path, value)
    }

    /// POST a search `body` to `path` and decode the answer: a read, so
    /// retried like a GET.
    pub async fn search<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        let value = self.read(Method::POST, path, Some(body)).await?;
        self.decoded(path, value)
    }

    /// POST `body` to `path` once.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.request(Method::POST, path, Some(body)).await
    }

    /// DELETE `path` (with `body`, as Intercom's untag wants it) once.
    pub async fn delete(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.request(Method::DELETE, path, Some(body)).await
    }

    fn decoded<T: DeserializeOwned>(&self, path: &str, value: Value) -> Result<T, ApiError> {
        serde_json::from_value(value).map_err(|e| self.endpoint.bad_body(path, &format!("{e}")))
    }

    async fn read(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.endpoint
            .read(path, || self.send(method.clone(), path, body))
            .await
            .map_err(described)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.send(method, path, body).await.map_err(described)
    }

    async fn send(
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

/// The error, with Intercom's own `code: message` in place of the raw body
/// where it sent an `error.list`.
fn described(refusal: Refusal) -> ApiError {
    let Some(said) = ErrorList::describe(&refusal.body) else {
        return refusal.error;
    };
    match refusal.error {
        ApiError::Forbidden(what) => {
            let path = what.split(" (").next().unwrap_or(&what).to_string();
            ApiError::Forbidden(format!("{path} ({said})"))
        }
        ApiError::Server(code, _) => ApiError::Server(code, said),
        ApiError::Refused(code, _) => ApiError::Refused(code, said),
        other => other,
    }
}
