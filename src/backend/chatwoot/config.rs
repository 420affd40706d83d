//! The `[chatwoot]` table of config.toml. The API token is not here: it
//! comes from the environment or the credentials file (`backend::credentials`).

use serde::Deserialize;

pub use crate::backend::table::TimingKeys;
use crate::config::check_base_url;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatwootConfig {
    /// `https://app.chatwoot.com` or your self-hosted origin.
    pub base_url: String,
    /// The number in `/app/accounts/<id>/` of the web app's address.
    pub account_id: i64,
    /// Only conversations of these inboxes [default: every inbox you see].
    #[serde(default)]
    pub inbox_ids: Vec<i64>,
    /// "Team unassigned" comes from these teams [default: the teams you are in].
    #[serde(default)]
    pub team_ids: Vec<i64>,
    /// Seconds between incremental refreshes in the workspace [default 60].
    pub poll_secs: Option<f64>,
    /// Connect, read and total timeout per request [default 15].
    pub timeout_secs: Option<f64>,
    /// How long a verdict waits before it is sent, so a reason or note given
    /// right after the flag goes out with it [default 10].
    pub hold_secs: Option<f64>,
    /// First retry delay; doubles per attempt, with jitter [default 2].
    pub backoff_secs: Option<f64>,
    /// Longest retry delay [default 300].
    pub max_backoff_secs: Option<f64>,
}

impl TimingKeys for ChatwootConfig {
    fn timing_keys(&self) -> [Option<f64>; 5] {
        [
            self.poll_secs,
            self.timeout_secs,
            self.hold_secs,
            self.backoff_secs,
            self.max_backoff_secs,
        ]
    }
}

impl ChatwootConfig {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Everything serde cannot check. The message names the key.
    pub fn validate(&self) -> Result<(), String> {
        check_base_url("base_url", &self.base_url)?;
        if self.account_id <= 0 {
            return Err("account_id: must be a positive number".into());
        }
        if let Some(bad) = self.inbox_ids.iter().find(|&&i| i <= 0) {
            return Err(format!("inbox_ids: {bad} is not a positive number"));
        }
        if let Some(bad) = self.team_ids.iter().find(|&&i| i <= 0) {
            return Err(format!("team_ids: {bad} is not a positive number"));
        }
        self.check_timing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse(text: &str) -> Result<ChatwootConfig, String> {
        let c: ChatwootConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map(|()| c)
    }

    #[test]
    fn valid_tables() {
        let c = parse("base_url = \"https://app.chatwoot.com/\"\naccount_id = 3\n");
        let c = c.as_ref().ok();
        assert_eq!(c.map(|c| c.base()), Some("https://app.chatwoot.com"));
        assert_eq!(c.map(|c| c.poll()), Some(Duration::from_secs(60)));
        let c = parse(
            "base_url = \"http://127.0.0.1:3000\"\naccount_id = 1\ninbox_ids = [2]\n\
             team_ids = [3, 4]\npoll_secs = 5\nhold_secs = 0\n",
        );
        assert_eq!(c.map(|c| c.team_ids), Ok(vec![3, 4]));
    }

    #[test]
    fn invalid_tables_name_the_key() {
        for (text, key) in [
            ("base_url = \"ftp://x\"\naccount_id = 1", "base_url"),
            (
                "base_url = \"chatwoot.example.com\"\naccount_id = 1",
                "base_url",
            ),
            ("base_url = \"https://x\"\naccount_id = 0", "account_id"),
            ("base_url = \"https://x\"\naccount_id = -4", "account_id"),
            ("base_url = \"https://x\"\naccount_id = \"1\"", "account_id"),
            ("base_url = \"https://x\"", "account_id"),
            (
                "base_url = \"https://x\"\naccount_id = 1\nteam_ids = [0]",
                "team_ids",
            ),
            (
                "base_url = \"https://x\"\naccount_id = 1\npoll_secs = 0",
                "poll_secs",
            ),
            (
                "base_url = \"https://x\"\naccount_id = 1\ntoken = \"t\"",
                "token",
            ),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(key), "{text:?}: {err}");
        }
    }
}
