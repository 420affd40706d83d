//! The `[backend]` table of config.toml: where conversations live.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// The embedded store only: imports and the demo.
    #[default]
    Local,
    /// A Chatwoot account (the `[chatwoot]` table), mirrored into the store.
    Chatwoot,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Local => "local",
            BackendKind::Chatwoot => "chatwoot",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    #[serde(default)]
    pub kind: BackendKind,
    /// A handoff's page in the helpdesk's web UI, `{id}` replaced by its id
    /// (for `O` and `y u`); Chatwoot's is known without it.
    pub web_url: Option<String>,
}
