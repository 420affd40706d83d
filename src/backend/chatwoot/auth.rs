//! The API token: from `HANDOFF_CHATWOOT_TOKEN`, else the credentials file
//! (`credentials.toml` in the platform config directory, mode 0600). The OS
//! keyring is not used (see docs/chatwoot.md). The token only ever lives in a
//! `Secret`, which prints as `***`.

use std::fmt;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const TOKEN_ENV: &str = "HANDOFF_CHATWOOT_TOKEN";
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

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no Chatwoot API token: set {TOKEN_ENV}, or run `handoff login chatwoot --save` with it set \
         (the token is under Profile settings → Access Token in Chatwoot)"
    )]
    Missing,
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
struct CredentialsFile {
    chatwoot: ChatwootCredentials,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatwootCredentials {
    token: String,
}

/// `credentials.toml` beside the default config file.
pub fn credentials_path() -> PathBuf {
    crate::config::default_config_path()
        .parent()
        .map(|d| d.join(CREDENTIALS_FILE))
        .unwrap_or_else(|| PathBuf::from(CREDENTIALS_FILE))
}

/// The token, from the environment first, then the credentials file.
pub fn load_token() -> Result<Secret, AuthError> {
    if let Some(t) = std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        return Ok(Secret(t));
    }
    read_credentials(&credentials_path())?.ok_or(AuthError::Missing)
}

/// The token in `path`; `None` if there is no such file.
pub fn read_credentials(path: &Path) -> Result<Option<Secret>, AuthError> {
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
    // toml's error text quotes the offending line, which may be the token.
    let file: CredentialsFile = toml::from_str(&text).map_err(|_| AuthError::Unreadable {
        path: shown.clone(),
        message: "not a credentials file: expected [chatwoot] with token = \"…\"".into(),
    })?;
    let token = file.chatwoot.token.trim().to_string();
    if token.is_empty() {
        return Err(AuthError::Unreadable {
            path: shown,
            message: "the token is empty".into(),
        });
    }
    Ok(Some(Secret(token)))
}

/// Write `token` to `path`, created with mode 0600 (and made 0600 if it existed).
pub fn save_credentials(path: &Path, token: &Secret) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = toml::to_string(&CredentialsFile {
        chatwoot: ChatwootCredentials {
            token: token.expose().to_string(),
        },
    })
    .map_err(std::io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
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
        assert!(matches!(read_credentials(&path), Ok(None)));
        assert!(save_credentials(&path, &Secret::new("tok-1")).is_ok());
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        let read = read_credentials(&path).ok().flatten();
        assert_eq!(read.as_ref().map(Secret::expose), Some("tok-1"));

        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        let err = read_credentials(&path).err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(
            err.contains("readable by other users") && err.contains("chmod 600"),
            "{err}"
        );
        assert!(!err.contains("tok-1"));

        let _ = std::fs::write(&path, "token = SENTINEL broken");
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        let err = read_credentials(&path).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| !e.contains("SENTINEL")));
    }
}
