//! The helpdesks `handoff` can mirror: the one list outside their own
//! folders that names them. Adding a helpdesk is a folder under `backend/`
//! and a line here (docs/adding-a-helpdesk.md).

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::credentials::TokenFor;
use super::{Settings, chatwoot, intercom, zendesk};
use crate::config::{Config, ConfigError};

/// One helpdesk: its names and how to read its config table.
pub struct Entry {
    /// Its `[backend] kind`, config table, credentials table, outbox
    /// destination and id prefix stem (`chatwoot`).
    pub name: &'static str,
    /// As people write it.
    pub label: &'static str,
    /// What its config table must hold, for the error when it is missing.
    pub needs: &'static str,
    /// How `login` describes it in `--help`.
    pub about: &'static str,
    pub token: TokenFor,
    /// Its table in `config`, read and checked; `None` when there is none.
    pub configure: Configure,
}

/// Reads a helpdesk's table from the config file (at the path given).
pub type Configure = fn(&Config, &Path) -> Result<Option<Arc<dyn Settings>>, ConfigError>;

/// The usual [`Configure`]: the `[name]` table read as `T`, then `validate`
/// (its message names the table and line); `None` without the table.
pub fn table<T: Settings + DeserializeOwned + 'static>(
    config: &Config,
    path: &Path,
    name: &str,
    validate: fn(&T) -> Result<(), String>,
) -> Result<Option<Arc<dyn Settings>>, ConfigError> {
    let Some(cfg) = config.table::<T>(path, name)? else {
        return Ok(None);
    };
    validate(&cfg).map_err(|m| config.table_error(path, name, &m))?;
    Ok(Some(Arc::new(cfg)))
}

/// Every helpdesk, in the order `--help` lists them.
pub static HELPDESKS: &[Entry] = &[chatwoot::ENTRY, intercom::ENTRY, zendesk::ENTRY];

/// The helpdesk called `name` (as the config file writes it).
pub fn find(name: &str) -> Option<&'static Entry> {
    HELPDESKS.iter().find(|e| e.name == name)
}

/// Every helpdesk's name.
pub fn names() -> Vec<&'static str> {
    HELPDESKS.iter().map(|e| e.name).collect()
}

/// Every value `[backend] kind` takes: the local store, then the helpdesks.
pub fn kinds() -> Vec<String> {
    std::iter::once(crate::config::LOCAL)
        .chain(names())
        .map(|k| format!("`{k}`"))
        .collect()
}
