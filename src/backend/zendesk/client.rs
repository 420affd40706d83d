//! HTTP to one Zendesk account (`backend::http` does the sorting). With an
//! `email` the token is an API token sent as `Basic base64("{email}/token:
//! {token}")`; without, an OAuth access token sent as `Bearer`. Reads are
//! retried here, honouring `Retry-After`; writes go once (the outbox owns
//! their retries). Lists are paged with cursors: `page[size]`, then
//! `page[after]` while `meta.has_more`.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Secret;
use super::config::ZendeskConfig;
use crate::backend::http::{self, Endpoint, Refusal};
use crate::backend::table::TimingKeys;

pub use crate::backend::http::ApiError;

/// Items per page (Zendesk's most for cursor pages).
pub const PAGE_SIZE: usize = 100;

/// How the token is sent.
#[derive(Clone)]
enum Auth {
    /// An API token: `{email}/token` and the token.
    Token { user: String, token: Secret },
    /// An OAuth access token.
    Bearer(Secret),
}

/// One Zendesk account, as the token's user sees it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    pub endpoint: Endpoint,
    base: String,
    auth: Auth,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &http::shown(&self.base))
            .field(
                "auth",
                &match self.auth {
                    Auth::Token { .. } => "api token",
                    Auth::Bearer(_) => "oauth",
                },
            )
            .finish_non_exhaustive()
    }
}

/// One page of a cursor-paged list.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Value>,
    /// The cursor of the next page, when there is one.
    pub after: Option<String>,
}

impl Client {
    pub fn new(cfg: &ZendeskConfig, token: &Secret) -> Result<Client, String> {
        if HeaderValue::from_str(&format!("Bearer {}", token.expose())).is_err() {
            return Err("the API token has characters a header cannot carry".into());
        }
        let auth = match cfg.email.as_deref() {
            Some(email) => Auth::Token {
                user: format!("{}/token", email.trim()),
                token: token.clone(),
            },
            None => Auth::Bearer(token.clone()),
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("handoff/", env!("CARGO_PKG_VERSION"))),
        );
        let timeout = cfg.timeout();
        let base = cfg.base();
        Ok(Client {
            http: http::client(timeout, headers)?,
            endpoint: Endpoint {
                label: "Zendesk",
                host: http::host_of(&base),
                timeout,
                backoff: cfg.backoff(),
                max_backoff: cfg.max_backoff(),
            },
            base,
            auth,
        })
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> Result<Url, ApiError> {
        let mut url = Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| self.endpoint.bad_body(path, &format!("bad address: {e}")))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// GET `path?query` and decode it, retrying what may pass.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let value = self.get_value(path, query).await?;
        serde_json::from_value(value).map_err(|e| self.endpoint.bad_body(path, &format!("{e}")))
    }

    pub async fn get_value(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.request(Method::GET, path, query, None).await {
                Ok(v) => return Ok(v),
                Err(refusal) => match self.endpoint.retry_wait(attempt, &refusal) {
                    Some(wait) => {
                        tracing::info!(path, error = %refusal.error, ?wait, "zendesk GET: retrying");
                        tokio::time::sleep(wait).await;
                    }
                    None => return Err(refusal.error),
                },
            }
        }
    }

    /// One page of the list under `key` (`tickets`, `results`, ...).
    pub async fn page(
        &self,
        path: &str,
        query: &[(&str, String)],
        key: &str,
        after: Option<&str>,
    ) -> Result<Page, ApiError> {
        let mut query = query.to_vec();
        query.push(("page[size]", PAGE_SIZE.to_string()));
        if let Some(cursor) = after {
            query.push(("page[after]", cursor.to_string()));
        }
        let mut v = self.get_value(path, &query).await?;
        let items = match v.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(self
                    .endpoint
                    .bad_body(path, &format!("no `{key}` list in the answer")));
            }
        };
        let more = v["meta"]["has_more"].as_bool().unwrap_or(false);
        let after = v["meta"]["after_cursor"]
            .as_str()
            .filter(|c| more && !c.is_empty())
            .map(str::to_string);
        Ok(Page { items, after })
    }

    /// Every item of a cursor-paged list, at most `max_pages` pages; the
    /// bool says whether it stopped there with more to come.
    pub async fn all_pages(
        &self,
        path: &str,
        query: &[(&str, String)],
        key: &str,
        max_pages: usize,
    ) -> Result<(Vec<Value>, bool), ApiError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..max_pages {
            let page = self.page(path, query, key, after.as_deref()).await?;
            out.extend(page.items);
            match page.after {
                // A cursor that does not move would loop forever.
                Some(next) if after.as_deref() != Some(next.as_str()) => after = Some(next),
                _ => return Ok((out, false)),
            }
        }
        Ok((out, true))
    }

    /// PUT `body` to `path` once; the refusal keeps the wait and body.
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, Refusal> {
        self.request(Method::PUT, path, &[], Some(body)).await
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, Refusal> {
        let url = self.url(path, query)?;
        let mut request = self.http.request(method, url);
        request = match &self.auth {
            Auth::Token { user, token } => request.basic_auth(user, Some(token.expose())),
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
        };
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        self.endpoint.send(request, path).await
    }
}
