//! Zendesk Support: the only code that knows its API. `client` speaks
//! HTTP, `model` is its JSON, `map` turns a ticket into our handoff, `pull`
//! pulls queues, views and the team's history, `actions` delivers the
//! outbox; this file plugs them into the seam (`backend::Helpdesk`).
//! Zendesk has no push channel a terminal can use: the poll does it all.

pub mod actions;
pub mod client;
pub mod config;
pub mod map;
pub mod model;
pub mod pull;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;

pub use super::credentials::Secret;
pub use client::{ApiError, Client};
pub use config::ZendeskConfig;

use super::registry::Entry;
use super::{Ask, BackendError, Helpdesk, Me, Pulled, Settings, Timing, TokenFor, WebLink};
use crate::backend::table::TimingKeys;
use crate::outbox::Report;
use crate::store::{Store, StoreError};

/// The outbox `destination` of Zendesk changes, and its config table.
pub const ZENDESK: &str = "zendesk";

pub const ENTRY: Entry = Entry {
    name: ZENDESK,
    label: "Zendesk",
    needs: "subdomain (or base_url), and email for an API token",
    about: "Zendesk Support ([zendesk] table)",
    token: TokenFor {
        name: ZENDESK,
        label: "Zendesk",
        hint: "an API token is made in Admin Center → Apps and integrations → Zendesk API; \
               set email in [zendesk] with it, or leave email out for an OAuth access token",
    },
    configure: |config, path| {
        crate::backend::registry::table(config, path, ZENDESK, ZendeskConfig::validate)
    },
};

impl Settings for ZendeskConfig {
    fn timing(&self) -> Timing {
        Timing {
            poll: self.poll(),
            hold: self.hold(),
        }
    }

    fn web_link(&self) -> Option<WebLink> {
        Some(WebLink {
            prefix: map::ID_PREFIX.to_string(),
            url: format!("{}/agent/tickets/{{n}}", self.base()),
        })
    }

    fn connect(&self, token: &Secret) -> Result<Arc<dyn Helpdesk>, BackendError> {
        Ok(Arc::new(ZendeskBackend::new(self.clone(), token)?))
    }

    fn views(&self) -> Vec<String> {
        self.view_ids.iter().map(i64::to_string).collect()
    }
}

/// One Zendesk account as a helpdesk.
#[derive(Debug, Clone)]
pub struct ZendeskBackend {
    pub config: ZendeskConfig,
    pub client: Client,
}

impl ZendeskBackend {
    pub fn new(config: ZendeskConfig, token: &Secret) -> Result<ZendeskBackend, BackendError> {
        let client = Client::new(&config, token).map_err(BackendError::Setup)?;
        Ok(ZendeskBackend { config, client })
    }
}

impl From<pull::PullError> for BackendError {
    fn from(e: pull::PullError) -> BackendError {
        match e {
            pull::PullError::Api(a) => BackendError::Remote(a.to_string()),
            pull::PullError::Account(m) => BackendError::Setup(m),
        }
    }
}

impl Helpdesk for ZendeskBackend {
    fn whoami(&self) -> BoxFuture<'_, Result<Me, BackendError>> {
        async move {
            pull::whoami(&self.client)
                .await
                .map(|(_, me)| me)
                .map_err(|e| BackendError::Remote(pull::explain(&self.config, &e)))
        }
        .boxed()
    }

    fn pull<'a>(&'a self, ask: Ask<'a>) -> BoxFuture<'a, Result<Pulled, BackendError>> {
        async move { Ok(pull::pull(&self.client, &self.config, ask).await?) }.boxed()
    }

    fn deliver<'a>(
        &'a self,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Report, StoreError>> {
        actions::deliver_due(store, &self.client, &self.config, now).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> ZendeskConfig {
        toml::from_str(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_ticket_opens_at_its_zendesk_address() {
        for (text, want) in [
            (
                "subdomain = \"acme\"",
                "https://acme.zendesk.com/agent/tickets/42",
            ),
            (
                "subdomain = \"acme\"\nbase_url = \"https://help.acme.test/\"",
                "https://help.acme.test/agent/tickets/42",
            ),
        ] {
            let link = config(text).web_link();
            assert_eq!(link.as_ref().map(|l| l.prefix.as_str()), Some("zd-"));
            let url = link.map(|l| l.url.replace("{n}", "42"));
            assert_eq!(url.as_deref(), Some(want));
        }
    }
}
