//! A helpdesk's API token: from `HANDOFF_<NAME>_TOKEN`, else the
//! credentials file (`credentials.toml` in the platform config directory,
//! mode 0600, one `[<name>] token = "…"` table per helpdesk). The OS keyring
//! is not used (see docs/adding-a-helpdesk.md). A token only ever lives in a
//! `Secret`, which prints as `***`, and is never written to the store.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const CREDENTIALS_FILE: &str = "credentials.toml";

/// A value that must never be shown: Debug and Display print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The value itself, for the one place that needs it (a request header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Which helpdesk a token is for, and how to tell a person where to find one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenFor {
    /// Its name in the config file and credentials file.
    pub name: &'static str,
    /// As people write it.
    pub label: &'static str,
    /// Where the helpdesk shows the token, for the error when there is none.
    pub hint: &'static str,
}

impl TokenFor {
    /// `HANDOFF_<NAME>_TOKEN`.
    pub fn env_var(&self) -> String {
        format!("HANDOFF_{}_TOKEN", self.name.to_ascii_uppercase())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no {label} API token: set {env}, or run `handoff login {name} --save` with it set ({hint})"
    )]
    Missing {
        label: &'static str,
        name: &'static str,
        env: String,
        hint: &'static str,
    },
    #[error(
        "{path}: readable by other users (mode {mode:o}); refusing to read a token from it. \
         Run: chmod 600 {path}"
    )]
    Exposed { path: String, mode: u32 },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    token: String,
}

/// `[name] token = "…"` per helpdesk.
type CredentialsFile = BTreeMap<String, Credentials>;

/// `credentials.toml` beside the default config file.
pub fn credentials_path() -> PathBuf {
    crate::config::default_config_path()
        .parent()
        .map(|d| d.join(CREDENTIALS_FILE))
        .unwrap_or_else(|| PathBuf::from(CREDENTIALS_FILE))
}

/// The token for `desk`, from the environment first, then the credentials file.
pub fn load_token(desk: TokenFor) -> Result<Secret, AuthError> {
    if let Some(t) = std::env::var(desk.env_var())
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        return Ok(Secret(t));
    }
    read_credentials(&credentials_path(), desk.name)?.ok_or(AuthError::Missing {
        label: desk.label,
        name: desk.name,
        env: desk.env_var(),
        hint: desk.hint,
    })
}

/// The file's tables; `None` if there is no such file. Refuses a file other
/// users can read.
fn read_file(path: &Path) -> Result<Option<CredentialsFile>, AuthError> {
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AuthError::Unreadable {
                path: shown,
                message: e.to_string(),
            });
        }
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(AuthError::Exposed { path: shown, mode });
    }
    let text = std::fs::read_to_string(path).map_err(|e| AuthError::Unreadable {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    // toml's error text quotes the offending line, which may be a token.
    toml::from_str(&text)
        .map(Some)
        .map_err(|_| AuthError::Unreadable {
            path: shown,
            message: "not a credentials file: expected a [<helpdesk>] table with token = \"…\""
                .into(),
        })
}

/// The token for helpdesk `name` in `path`; `None` if the file or its table
/// is not there.
pub fn read_credentials(path: &Path, name: &str) -> Result<Option<Secret>, AuthError> {
    let Some(file) = read_file(path)? else {
        return Ok(None);
    };
    let Some(entry) = file.get(name) else {
        return Ok(None);
    };
    let token = entry.token.trim().to_string();
    if token.is_empty() {
        return Err(AuthError::Unreadable {
            path: path.display().to_string(),
            message: format!("[{name}] token is empty"),
        });
    }
    Ok(Some(Secret(token)))
}

/// Keep `token` for helpdesk `name` in `path`, beside the other helpdesks'
/// tokens; the file is created with mode 0600 (and made 0600 if it existed).
pub fn save_credentials(path: &Path, name: &str, token: &Secret) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // An unreadable old file is replaced rather than merged: its tokens
    // could not have been used anyway.
    let mut file = read_file(path).ok().flatten().unwrap_or_default();
    file.insert(
        name.to_string(),
        Credentials {
            token: token.expose().to_string(),
        },
    );
    let text = toml::to_string(&file).map_err(std::io::Error::other)?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    out.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    out.write_all(text.as_bytes())?;
    out.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("SENTINEL-TOKEN-4242");
        assert_eq!(format!("{s} {s:?} {:?}", Some(&s)), "*** *** Some(***)");
    }

    #[test]
    fn credentials_round_trip_with_mode_0600_and_refuse_when_exposed() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let path = dir.path().join("sub").join(CREDENTIALS_FILE);
        assert!(matches!(read_credentials(&path, "desk"), Ok(None)));
        assert!(save_credentials(&path, "desk", &Secret::new("tok-1")).is_ok());
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        let read = read_credentials(&path, "desk").ok().flatten();
        assert_eq!(read.as_ref().map(Secret::expose), Some("tok-1"));

        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        let err = read_credentials(&path, "desk").err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(
            err.contains("readable by other users") && err.contains("chmod 600"),
            "{err}"
        );
        assert!(!err.contains("tok-1"));

        let _ = std::fs::write(&path, "token = SENTINEL broken");
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        let err = read_credentials(&path, "desk").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| !e.contains("SENTINEL")));
    }

    #[test]
    fn each_helpdesk_keeps_its_own_token() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let path = dir.path().join(CREDENTIALS_FILE);
        assert!(save_credentials(&path, "one", &Secret::new("tok-one")).is_ok());
        assert!(save_credentials(&path, "two", &Secret::new("tok-two")).is_ok());
        assert!(save_credentials(&path, "one", &Secret::new("tok-new")).is_ok());
        let token = |name| {
            read_credentials(&path, name)
                .ok()
                .flatten()
                .map(|s| s.expose().to_string())
        };
        assert_eq!(token("one").as_deref(), Some("tok-new"));
        assert_eq!(token("two").as_deref(), Some("tok-two"));
        assert_eq!(token("three"), None);
    }

    #[test]
    fn a_missing_token_says_where_to_get_one() {
        let desk = TokenFor {
            name: "desk",
            label: "Desk",
            hint: "Settings → API",
        };
        assert_eq!(desk.env_var(), "HANDOFF_DESK_TOKEN");
        let e = AuthError::Missing {
            label: desk.label,
            name: desk.name,
            env: desk.env_var(),
            hint: desk.hint,
        };
        assert_eq!(
            e.to_string(),
            "no Desk API token: set HANDOFF_DESK_TOKEN, or run `handoff login desk --save` \
             with it set (Settings → API)"
        );
    }
}
