//! Where things live and what the user configured. One TOML file in the
//! platform config directory; every key optional.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The user's config file, `config.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who you are: your queue is the handoffs assigned to this name.
    pub agent: Option<String>,
    /// Theme name (a file in themes/ or the config dir's themes/).
    pub theme: Option<String>,
    /// Where the database and log live.
    pub data_dir: Option<PathBuf>,
    /// Clicks and the wheel in the full screen (default on; `--no-mouse`).
    pub mouse: Option<bool>,
    /// Where verdicts are sent (see `outbox::WebhookConfig`).
    pub webhook: Option<crate::outbox::WebhookConfig>,
    /// Where conversations live: `kind = "local"` (default) or `"chatwoot"`.
    pub backend: Option<crate::backend::BackendConfig>,
    /// The Chatwoot account, when `[backend] kind = "chatwoot"`.
    pub chatwoot: Option<crate::backend::chatwoot::ChatwootConfig>,
    /// Key preset: "default" or "vim".
    pub keymap: Option<toml::Spanned<String>>,
    /// `[keys.CONTEXT]` tables (key → action name) merged over the preset.
    pub keys: Option<crate::app::keymap_config::KeysTable>,
    /// Ring the terminal bell when an urgent or SLA-pressed handoff lands in
    /// my queue [default true; the toast shows either way].
    pub bell: Option<bool>,
    /// How `y` copies: a command instead of the terminal's OSC 52.
    pub clipboard: Option<crate::app::external::ClipboardConfig>,
    /// `[[sections]]`: the queue's sections as saved queries, in tab order;
    /// they replace the built-ins (`builtin = "mine"` keeps one). Checked
    /// entry by entry in `config_sections`.
    pub sections: Option<Vec<toml::Spanned<crate::config_sections::Entry>>>,
    /// The sections `sections` defines that are usable (empty: the
    /// built-ins apply; see [`Config::sections`]).
    #[serde(skip)]
    pub sections_in_force: Vec<crate::domain::queue::Section>,
    /// The keys in force, built from `keymap` and `keys` when parsed.
    #[serde(skip)]
    pub keys_in_force: crate::app::keymap::Keymap,
    /// What is wrong in the file without stopping it from loading (a bad
    /// key binding), each with its line: shown at start and by `config check`.
    #[serde(skip)]
    pub problems: Vec<crate::config_problem::Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Config {
    /// Read `path`. A missing file is an empty config unless `required`
    /// (the user named it with --config).
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        match Config::read_text(path, required)? {
            Some(text) => Config::parse(path, &text),
            None => Ok(Config::default()),
        }
    }

    /// The file's text; `None` when it is missing and not `required`.
    pub fn read_text(path: &Path, required: bool) -> Result<Option<String>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe_toml_error(text, &e),
        })?;
        if let Some(webhook) = &config.webhook {
            webhook.validate().map_err(|m| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!("[webhook] {m}"),
            })?;
        }
        if let Some(chatwoot) = &config.chatwoot {
            chatwoot.validate().map_err(|m| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!("[chatwoot] {m}"),
            })?;
        }
        if let Some(url) = config.backend.as_ref().and_then(|b| b.web_url.as_deref()) {
            crate::app::external::validate_web_url(url).map_err(|m| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!("[backend] {m}"),
            })?;
        }
        if config.backend_kind() == crate::backend::BackendKind::Chatwoot
            && config.chatwoot.is_none()
        {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: "[backend] kind = \"chatwoot\" needs a [chatwoot] table with \
                          base_url and account_id"
                    .into(),
            });
        }
        let (keys, problems) = crate::app::keymap_config::build(
            config.keymap.as_ref(),
            config.keys.as_ref(),
            path,
            text,
        );
        config.keys_in_force = keys;
        config.problems = problems;
        let (sections, problems) =
            crate::config_sections::build(config.sections.as_deref(), path, text);
        config.sections_in_force = sections;
        config.problems.extend(problems);
        Ok(config)
    }

    /// The queue's sections, in tab order: the file's, else the built-ins.
    pub fn sections(&self) -> Vec<crate::domain::queue::Section> {
        if self.sections_in_force.is_empty() {
            crate::domain::queue::Section::builtins()
        } else {
            self.sections_in_force.clone()
        }
    }

    pub fn backend_kind(&self) -> crate::backend::BackendKind {
        self.backend.as_ref().map(|b| b.kind).unwrap_or_default()
    }

    /// The Chatwoot account, when it is the backend in use.
    pub fn chatwoot_backend(&self) -> Option<&crate::backend::chatwoot::ChatwootConfig> {
        match self.backend_kind() {
            crate::backend::BackendKind::Chatwoot => self.chatwoot.as_ref(),
            crate::backend::BackendKind::Local => None,
        }
    }
}

/// "line 3: unknown field `agnet`, expected one of ..." — toml's own message
/// carries a source excerpt; a single line with the line number reads better.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// The platform directories (XDG on Linux, ~/Library on macOS, AppData on Windows).
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "handoff", "handoff")
}

pub fn default_config_path() -> PathBuf {
    project_dirs()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("handoff.toml"))
}

pub fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".handoff"))
}

pub const DATABASE_FILE: &str = "handoff.db";
pub const LOG_FILE: &str = "handoff.log";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_default() {
        let c = Config::parse(Path::new("c.toml"), "").map_err(|e| e.to_string());
        assert_eq!(c.ok(), Some(Config::default()));
    }

    #[test]
    fn reads_every_key() {
        let text = "agent = \"Aiko Tanaka\"\ntheme = \"light\"\ndata_dir = \"/tmp/h\"\n";
        let c = Config::parse(Path::new("c.toml"), text).ok();
        assert_eq!(
            c,
            Some(Config {
                agent: Some("Aiko Tanaka".into()),
                theme: Some("light".into()),
                data_dir: Some(PathBuf::from("/tmp/h")),
                webhook: None,
                backend: None,
                chatwoot: None,
                ..Config::default()
            })
        );
    }

    #[test]
    fn webhook_table_is_read_and_checked() {
        let text = "[webhook]\nurl = \"https://hooks.example.com/x\"\nformat = \"slack\"\n\
                    [webhook.headers]\nAuthorization = \"Bearer t\"\n";
        let c = Config::parse(Path::new("c.toml"), text).ok();
        let w = c.and_then(|c| c.webhook);
        assert_eq!(
            w.as_ref().map(|w| w.format),
            Some(crate::outbox::Format::Slack)
        );
        assert_eq!(w.map(|w| w.headers.len()), Some(1));

        let err = Config::parse(Path::new("c.toml"), "[webhook]\nurl = \"ftp://x\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("c.toml: [webhook] url:"), "{err}");
    }

    #[test]
    fn chatwoot_backend_is_read_and_checked() {
        let text = "[backend]\nkind = \"chatwoot\"\n[chatwoot]\n\
                    base_url = \"https://app.chatwoot.com\"\naccount_id = 7\nteam_ids = [3]\n";
        let c = Config::parse(Path::new("c.toml"), text).ok();
        let cw = c.as_ref().and_then(|c| c.chatwoot_backend());
        assert_eq!(cw.map(|c| c.account_id), Some(7));
        assert_eq!(
            c.map(|c| c.backend_kind()),
            Some(crate::backend::BackendKind::Chatwoot)
        );
        // The table alone does not switch the backend.
        let text = "[chatwoot]\nbase_url = \"https://x.example\"\naccount_id = 1\n";
        let c = Config::parse(Path::new("c.toml"), text).ok();
        assert!(c.is_some_and(|c| c.chatwoot_backend().is_none()));
        for (text, want) in [
            (
                "[backend]\nkind = \"chatwoot\"\n",
                "needs a [chatwoot] table",
            ),
            ("[backend]\nkind = \"zendesk\"\n", "unknown variant"),
            ("[backend]\nkind = \"local\"\nurl = 1\n", "unknown field"),
            (
                "[chatwoot]\nbase_url = \"nope\"\naccount_id = 1\n",
                "[chatwoot] base_url",
            ),
            (
                "[chatwoot]\nbase_url = \"https://x\"\naccount_id = 0\n",
                "[chatwoot] account_id",
            ),
            (
                "[chatwoot]\nbase_url = \"https://x\"\naccount_id = 1\napi_token = \"t\"\n",
                "unknown field `api_token`",
            ),
        ] {
            let err = Config::parse(Path::new("c.toml"), text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn typo_is_reported_with_file_and_line() {
        let text = "theme = \"dark\"\nagnet = \"Maya\"\n";
        let err = Config::parse(Path::new("/x/config.toml"), text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("/x/config.toml: line 2: unknown field `agnet`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_is_reported() {
        let err = Config::parse(Path::new("c.toml"), "agent = 3\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("line 1") && err.contains("invalid type"),
            "{err}"
        );
    }
}
