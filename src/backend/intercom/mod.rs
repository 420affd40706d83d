//! Intercom: the only code that knows its API. `client` speaks HTTP,
//! `model` is its JSON, `html` turns bodies into text and back, `map` turns
//! a conversation into our handoff, `sync` pulls the queues, `actions`
//! delivers the outbox; this file plugs them into the seam
//! (`backend::Helpdesk`). Intercom has no push channel a terminal can use
//! (webhooks need a public address): the poll carries on alone.

pub mod actions;
pub mod client;
pub mod config;
pub mod html;
pub mod map;
pub mod model;
pub mod sync;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;

pub use super::credentials::Secret;
pub use client::{ApiError, Client};
pub use config::IntercomConfig;

use super::registry::Entry;
use super::{Ask, BackendError, Helpdesk, Me, Pulled, Settings, Timing, TokenFor, WebLink};
use crate::backend::table::TimingKeys;
use crate::outbox::Report;
use crate::store::{Store, StoreError};

/// The outbox `destination` of Intercom changes, and its config table.
pub const INTERCOM: &str = "intercom";

pub const ENTRY: Entry = Entry {
    name: INTERCOM,
    label: "Intercom",
    needs: "region = \"us\", \"eu\" or \"au\"; an empty table means us",
    about: "an Intercom workspace, with Fin ([intercom] table)",
    token: TokenFor {
        name: INTERCOM,
        label: "Intercom",
        hint: "the access token is under Settings → Integrations → Developer Hub → your app → \
               Authentication in Intercom",
    },
    configure: |config, path| {
        crate::backend::registry::table(config, path, INTERCOM, IntercomConfig::validate)
    },
};

impl Settings for IntercomConfig {
    fn timing(&self) -> Timing {
        Timing {
            poll: self.poll(),
            hold: self.hold(),
        }
    }

    /// Intercom's inbox, when the app id is configured (it is not known
    /// before talking to Intercom; `login` prints it).
    fn web_link(&self) -> Option<WebLink> {
        let app = self.app_id.as_deref()?;
        Some(WebLink {
            prefix: map::ID_PREFIX.to_string(),
            url: format!(
                "{}/a/inbox/{app}/inbox/conversation/{{n}}",
                self.region().app()
            ),
        })
    }

    fn connect(&self, token: &Secret) -> Result<Arc<dyn Helpdesk>, BackendError> {
        Ok(Arc::new(IntercomBackend::new(self.clone(), token)?))
    }
}

/// One Intercom workspace as a helpdesk.
#[derive(Debug, Clone)]
pub struct IntercomBackend {
    pub config: IntercomConfig,
    pub client: Client,
}

impl IntercomBackend {
    pub fn new(config: IntercomConfig, token: &Secret) -> Result<IntercomBackend, BackendError> {
        let client = Client::new(&config, token).map_err(BackendError::Setup)?;
        Ok(IntercomBackend { config, client })
    }
}

impl Helpdesk for IntercomBackend {
    fn whoami(&self) -> BoxFuture<'_, Result<Me, BackendError>> {
        async move {
            sync::whoami(&self.client)
                .await
                .map(|(_, me)| me)
                .map_err(|e| BackendError::Remote(sync::explain(&self.client, &e)))
        }
        .boxed()
    }

    fn pull<'a>(&'a self, ask: Ask<'a>) -> BoxFuture<'a, Result<Pulled, BackendError>> {
        async move {
            sync::pull(&self.client, &self.config, ask)
                .await
                .map_err(|e| BackendError::Remote(e.to_string()))
        }
        .boxed()
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

    #[test]
    fn a_conversation_opens_in_the_inbox_of_its_region_when_the_app_is_known() {
        let mut cfg = IntercomConfig::default();
        assert_eq!(cfg.web_link(), None);
        cfg.app_id = Some("abc123".into());
        cfg.region = Some("eu".into());
        let link = cfg.web_link();
        assert_eq!(link.as_ref().map(|l| l.prefix.as_str()), Some("ic-"));
        let url = link.map(|l| l.url.replace("{n}", "471"));
        assert_eq!(
            url.as_deref(),
            Some("https://app.eu.intercom.com/a/inbox/abc123/inbox/conversation/471")
        );
    }
}
