//! Where things live and what the user configured. One TOML file in the
//! platform config directory; every key optional.
//!
//! A leaf: it knows the file's shape, not what the rest of the program does
//! with it. The keys are read into a keymap by the app, themes by the ui, and
//! a helpdesk's table (`[<helpdesk>]`) by `backend`, which asks for it by
//! name with [`Config::table`]; the runtime puts them together.

pub mod check;
pub mod problem;
pub mod sections;
pub mod webhook;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

pub use problem::Problem;
pub use webhook::{Format, WebhookConfig};

/// `[keys.CONTEXT]` tables as written (key → action name), spans kept so a
/// problem can name its line; the app turns them into a keymap.
pub type KeysTable = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

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
    /// Where verdicts are sent.
    pub webhook: Option<WebhookConfig>,
    /// Where conversations live: `kind = "local"` (default) or a helpdesk,
    /// whose own table (`[<kind>]`) says how to reach it.
    pub backend: Option<BackendTable>,
    /// Key preset: "default" or "vim".
    pub keymap: Option<Spanned<String>>,
    /// `[keys.CONTEXT]` tables merged over the preset.
    pub keys: Option<KeysTable>,
    /// Ring the terminal bell when an urgent or SLA-pressed handoff lands in
    /// my queue [default true; the toast shows either way].
    pub bell: Option<bool>,
    /// How `y` copies: a command instead of the terminal's OSC 52.
    pub clipboard: Option<ClipboardConfig>,
    /// `[[sections]]`: the queue's sections as saved queries, in tab order;
    /// they replace the built-ins (`builtin = "mine"` keeps one). Checked
    /// entry by entry in `sections`.
    pub sections: Option<Vec<Spanned<sections::Entry>>>,
    /// The sections `sections` defines that are usable (empty: the
    /// built-ins apply; see [`Config::sections`]).
    #[serde(skip)]
    pub sections_in_force: Vec<crate::domain::queue::Section>,
    /// What is wrong in the file without stopping it from loading (a bad
    /// section), each with its line: shown at start and by `config check`.
    #[serde(skip)]
    pub problems: Vec<Problem>,
    /// Top-level tables that are not settings of ours: a helpdesk's, read
    /// with [`Config::table`] by whoever knows its shape.
    #[serde(skip)]
    pub other_tables: Vec<String>,
    /// The file's text: the spans above point into it.
    #[serde(skip)]
    pub text: String,
}

/// The `[backend]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendTable {
    /// `local` (the embedded store, the default) or a helpdesk's name.
    pub kind: Option<Spanned<String>>,
    /// A handoff's page in the helpdesk's web UI, `{id}` replaced by its id
    /// (for `O` and `y u`); a helpdesk that knows its own needs none.
    pub web_url: Option<String>,
    /// How many days back a sync pulls the team's conversations (anyone's,
    /// resolved too) for the lead's figures [default 56].
    pub history_days: Option<u32>,
}

/// The `[clipboard]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipboardConfig {
    /// A command that reads the text on stdin ("wl-copy", "xclip -selection
    /// clipboard", "pbcopy") instead of the terminal's OSC 52.
    pub command: Option<String>,
}

/// The top-level tables that are settings of ours; any other table is left
/// for [`Config::table`].
const OWN_TABLES: [&str; 5] = ["webhook", "backend", "keys", "clipboard", "sections"];

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
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mut root =
            toml::de::DeTable::parse(text).map_err(|e| invalid(describe_toml_error(text, &e)))?;
        // Tables we do not know are someone else's (a helpdesk's): set them
        // aside by name; plain unknown keys stay and are refused below.
        let other_tables: Vec<String> = root
            .get_ref()
            .iter()
            .filter(|(key, value)| {
                !OWN_TABLES.contains(&key.get_ref().as_ref())
                    && matches!(value.get_ref(), toml::de::DeValue::Table(_))
            })
            .map(|(key, _)| key.get_ref().to_string())
            .collect();
        for name in &other_tables {
            root.get_mut().remove(name.as_str());
        }
        let mut config = Config::deserialize(toml::de::Deserializer::from(root))
            .map_err(|e| invalid(describe_toml_error(text, &e)))?;
        config.other_tables = other_tables;
        config.text = text.to_string();
        if let Some(webhook) = &config.webhook {
            webhook
                .validate()
                .map_err(|m| config.table_error(path, "webhook", &m))?;
        }
        if let Some(url) = config.backend.as_ref().and_then(|b| b.web_url.as_deref()) {
            validate_web_url(url).map_err(|m| config.table_error(path, "backend", &m))?;
        }
        let (sections, problems) = sections::build(config.sections.as_deref(), path, text);
        config.sections_in_force = sections;
        config.problems = problems;
        Ok(config)
    }

    /// The top-level table `name` (`[<name>]`), read as `T`; `None` when
    /// the file has no such table. Errors carry the line they are about.
    pub fn table<T: DeserializeOwned>(
        &self,
        path: &Path,
        name: &str,
    ) -> Result<Option<T>, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if !self.other_tables.iter().any(|t| t == name) {
            return Ok(None);
        }
        let mut root = toml::de::DeTable::parse(&self.text)
            .map_err(|e| invalid(describe_toml_error(&self.text, &e)))?;
        let Some(value) = root.get_mut().remove(name) else {
            return Ok(None);
        };
        T::deserialize(toml::de::ValueDeserializer::from(value))
            .map(Some)
            .map_err(|e| invalid(describe_toml_error(&self.text, &e)))
    }

    /// A problem with table `name` that serde could not see (a value out
    /// of range), at the line of the key it names ("base_url: ..."), else
    /// at the table's header line.
    pub fn table_error(&self, path: &Path, name: &str, message: &str) -> ConfigError {
        let key = message.split_once(':').map(|(k, _)| k.trim());
        let line = key
            .and_then(|k| check::line_in_table(&self.text, name, k))
            .or_else(|| check::line_of_key(&self.text, name));
        let message = match line {
            Some(line) => format!("line {line}: [{name}] {message}"),
            None => format!("[{name}] {message}"),
        };
        ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        }
    }

    /// The queue's sections, in tab order: the file's, else the built-ins.
    pub fn sections(&self) -> Vec<crate::domain::queue::Section> {
        if self.sections_in_force.is_empty() {
            crate::domain::queue::Section::builtins()
        } else {
            self.sections_in_force.clone()
        }
    }

    /// The helpdesk `[backend] kind` names, if not the local store.
    pub fn helpdesk_kind(&self) -> Option<&Spanned<String>> {
        self.backend
            .as_ref()
            .and_then(|b| b.kind.as_ref())
            .filter(|k| k.get_ref() != LOCAL)
    }
}

/// `[backend] kind` of the embedded store.
pub const LOCAL: &str = "local";

/// `[backend] web_url` must be an http(s) address with `{id}` in it: the
/// opener is handed nothing else (no `file:`, no command line).
pub fn validate_web_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err("web_url: must be an http:// or https:// address".into());
    }
    if !url.contains("{id}") {
        return Err("web_url: must contain {id}, replaced by the handoff id".into());
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("web_url: must not contain spaces or control characters".into());
    }
    Ok(())
}

/// Seconds from a config value, `default` when unset.
pub fn secs(v: Option<f64>, default: f64) -> Duration {
    Duration::try_from_secs_f64(v.unwrap_or(default)).unwrap_or(Duration::ZERO)
}

/// Each `(key, value, least)` is unset or a number of seconds from `least`
/// to a day; the message names the first key that is not.
pub fn check_secs(fields: &[(&str, Option<f64>, f64)]) -> Result<(), String> {
    for (name, v, min) in fields {
        if let Some(x) = v
            && !(x.is_finite() && x >= min && *x <= 86_400.0)
        {
            return Err(format!(
                "{name}: must be a number of seconds from {min} to 86400"
            ));
        }
    }
    Ok(())
}

/// An `http(s)://host` address with no query or fragment; the message
/// names `key`.
pub fn check_base_url(key: &str, value: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(value).map_err(|e| format!("{key}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{key}: must be an http:// or https:// address"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{key}: must not have a query or fragment"));
    }
    // The address is shown in errors, the log and the status bar; a
    // password in it would be shown with it. (The message does not repeat
    // the address either.)
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{key}: must not hold a user name or password (the API token is given \
             apart from the address; see the README)"
        ));
    }
    Ok(())
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

/// User themes live beside the config file: `themes/NAME.toml`.
pub fn themes_dir(config: &Path) -> PathBuf {
    config
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("themes")
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
                text: text.into(),
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
        assert_eq!(w.as_ref().map(|w| w.format), Some(Format::Slack));
        assert_eq!(w.map(|w| w.headers.len()), Some(1));

        let err = Config::parse(Path::new("c.toml"), "[webhook]\nurl = \"ftp://x\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("c.toml: line 2: [webhook] url:"), "{err}");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Desk {
        base_url: String,
        #[serde(default)]
        team_ids: Vec<i64>,
    }

    #[test]
    fn another_layers_table_is_set_aside_and_read_by_name() {
        let text = "[backend]\nkind = \"desk\"\n[desk]\n\
                    base_url = \"https://desk.example\"\nteam_ids = [3]\n";
        let path = Path::new("c.toml");
        let c = Config::parse(path, text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            c.helpdesk_kind().map(|k| k.get_ref().as_str()),
            Some("desk")
        );
        assert_eq!(c.other_tables, ["desk"]);
        let desk: Option<Desk> = c.table(path, "desk").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            desk.as_ref().map(|d| d.base_url.as_str()),
            Some("https://desk.example")
        );
        assert_eq!(desk.map(|d| d.team_ids), Some(vec![3]));
        let missing: Option<Desk> = c.table(path, "other").unwrap_or_else(|e| panic!("{e}"));
        assert!(missing.is_none());
        // A mistake inside it is reported with its own line.
        let text = "agent = \"Maya\"\n[desk]\nbase_url = \"https://x\"\napi_token = \"t\"\n";
        let c = Config::parse(path, text).unwrap_or_else(|e| panic!("{e}"));
        let err = c
            .table::<Desk>(path, "desk")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 4: unknown field `api_token`"), "{err}");
        // `local` is no helpdesk; plain unknown keys are still refused.
        let c = Config::parse(path, "[backend]\nkind = \"local\"\n").ok();
        assert!(c.is_some_and(|c| c.helpdesk_kind().is_none()));
        for (text, want) in [
            ("[backend]\nkind = \"local\"\nurl = 1\n", "unknown field"),
            (
                "[backend]\nweb_url = \"ftp://x/{id}\"\n",
                "[backend] web_url",
            ),
        ] {
            let err = Config::parse(path, text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn web_url_templates_must_be_http_with_an_id() {
        assert!(validate_web_url("https://h.example/{id}").is_ok());
        for bad in [
            "ftp://h.example/{id}",
            "https://h.example/x",
            "javascript:alert(1)//{id}",
            "https://h.example/{id} rm",
        ] {
            assert!(validate_web_url(bad).is_err(), "{bad}");
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
