//! Chatwoot: the only code that knows its API. `client` speaks HTTP,
//! `model` is its JSON, `map` turns a conversation into our handoff, `sync`
//! pulls queues, `actions` delivers the outbox, `live` listens on the
//! websocket; this file plugs them into the seam (`backend::Helpdesk`).

pub mod actions;
pub mod client;
pub mod config;
pub mod live;
pub mod map;
pub mod model;
pub mod sync;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

pub use super::credentials::Secret;
pub use client::{ApiError, Client};
pub use config::ChatwootConfig;

use super::registry::Entry;
use super::{Ask, BackendError, Helpdesk, Me, News, Pulled, Settings, Timing, TokenFor, WebLink};
use crate::backend::table::TimingKeys;
use crate::outbox::Report;
use crate::store::{Store, StoreError};

/// The outbox `destination` of Chatwoot changes, and its config table.
pub const CHATWOOT: &str = "chatwoot";

pub const ENTRY: Entry = Entry {
    name: CHATWOOT,
    label: "Chatwoot",
    needs: "base_url and account_id",
    about: "Chatwoot Cloud or self-hosted ([chatwoot] table)",
    token: TokenFor {
        name: CHATWOOT,
        label: "Chatwoot",
        hint: "the token is under Profile settings → Access Token in Chatwoot",
    },
    configure: |config, path| {
        crate::backend::registry::table(config, path, CHATWOOT, ChatwootConfig::validate)
    },
};

impl Settings for ChatwootConfig {
    fn timing(&self) -> Timing {
        Timing {
            poll: self.poll(),
            hold: self.hold(),
        }
    }

    fn web_link(&self) -> Option<WebLink> {
        Some(WebLink {
            prefix: map::ID_PREFIX.to_string(),
            url: format!(
                "{}/app/accounts/{}/conversations/{{n}}",
                self.base(),
                self.account_id
            ),
        })
    }

    fn connect(&self, token: &Secret) -> Result<Arc<dyn Helpdesk>, BackendError> {
        Ok(Arc::new(ChatwootBackend::new(self.clone(), token)?))
    }
}

/// One Chatwoot account as a helpdesk.
#[derive(Debug, Clone)]
pub struct ChatwootBackend {
    pub config: ChatwootConfig,
    pub client: Client,
}

impl ChatwootBackend {
    pub fn new(config: ChatwootConfig, token: &Secret) -> Result<ChatwootBackend, BackendError> {
        let client = Client::new(&config, token).map_err(BackendError::Setup)?;
        Ok(ChatwootBackend { config, client })
    }
}

impl From<sync::SyncError> for BackendError {
    fn from(e: sync::SyncError) -> BackendError {
        match e {
            sync::SyncError::Api(a) => BackendError::Remote(a.to_string()),
            sync::SyncError::Store(s) => BackendError::Store(s),
            sync::SyncError::Account(m) => BackendError::Setup(m),
        }
    }
}

impl Helpdesk for ChatwootBackend {
    fn whoami(&self) -> BoxFuture<'_, Result<Me, BackendError>> {
        async move {
            sync::whoami(&self.client)
                .await
                .map(|(_, me)| me)
                .map_err(|e| BackendError::Remote(sync::explain(&self.config, &e)))
        }
        .boxed()
    }

    fn pull<'a>(&'a self, ask: Ask<'a>) -> BoxFuture<'a, Result<Pulled, BackendError>> {
        async move { Ok(sync::pull(&self.client, &self.config, ask).await?) }.boxed()
    }

    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>> {
        actions::deliver_due(store, &self.client, &self.config, now).boxed()
    }

    fn live(
        self: Arc<Self>,
        nudge: Arc<Notify>,
        news: UnboundedSender<News>,
    ) -> Option<BoxFuture<'static, ()>> {
        Some(live::watch(self.client.clone(), self.config.clone(), nudge, news).boxed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_opens_at_its_chatwoot_address() {
        let cfg = ChatwootConfig {
            base_url: "https://app.chatwoot.com/".into(),
            account_id: 7,
            inbox_ids: Vec::new(),
            team_ids: Vec::new(),
            poll_secs: None,
            timeout_secs: None,
            hold_secs: None,
            backoff_secs: None,
            max_backoff_secs: None,
        };
        let link = cfg.web_link();
        assert_eq!(link.as_ref().map(|l| l.prefix.as_str()), Some("cw-"));
        let url = link.map(|l| l.url.replace("{n}", "42"));
        assert_eq!(
            url.as_deref(),
            Some("https://app.chatwoot.com/app/accounts/7/conversations/42")
        );
    }
}
