//! The embedded store as a backend: the data is already where the screens
//! read it, so there is nothing to pull and nothing to push.

use chrono::{DateTime, Utc};

use super::{Backend, BackendError, SyncReport};
use crate::outbox::Report;
use crate::store::Store;

#[derive(Debug, Clone, Copy, Default)]
pub struct LocalBackend;

impl Backend for LocalBackend {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn refresh(
        &self,
        store: &mut Store,
        _since: Option<DateTime<Utc>>,
    ) -> Result<SyncReport, BackendError> {
        Ok(SyncReport {
            unchanged: usize::try_from(store.count()?).unwrap_or(0),
            at: Utc::now(),
            ..SyncReport::default()
        })
    }

    async fn deliver(&self, _store: &mut Store) -> Result<Report, BackendError> {
        Ok(Report::default())
    }

    fn last_sync(&self, _store: &Store) -> Option<DateTime<Utc>> {
        None
    }
}
