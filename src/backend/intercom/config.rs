//! The `[intercom]` table of config.toml. The access token is not here: it
//! comes from the environment or the credentials file (`backend::credentials`).

use serde::Deserialize;

pub use crate::backend::table::TimingKeys;
use crate::config::check_base_url;

/// Where an Intercom workspace's data is hosted: its API and its inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
    Au,
}

impl Region {
    fn parse(s: &str) -> Option<Region> {
        match s.to_ascii_lowercase().as_str() {
            "us" => Some(Region::Us),
            "eu" => Some(Region::Eu),
            "au" => Some(Region::Au),
            _ => None,
        }
    }
    /// The REST API's origin (IC-spec `servers`).
    pub fn api(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
    /// The web app's origin, for links to a conversation.
    pub fn app(self) -> &'static str {
        match self {
            Region::Us => "https://app.intercom.com",
            Region::Eu => "https://app.eu.intercom.com",
            Region::Au => "https://app.au.intercom.com",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntercomConfig {
    /// `us` (default), `eu` or `au`: where the workspace is hosted.
    pub region: Option<String>,
    /// The API's address, instead of the region's (a proxy, a test server).
    pub base_url: Option<String>,
    /// The workspace's app id (`app.id_code`, which `handoff login intercom`
    /// prints): with it, `O` opens a conversation in Intercom's inbox.
    pub app_id: Option<String>,
    /// "Team unassigned" comes from these teams [default: the teams you are in].
    #[serde(default)]
    pub team_ids: Vec<i64>,
    /// The timing keys every helpdesk table has, in seconds
    /// (`backend::table::TimingKeys`: defaults 60, 15, 10, 2 and 300).
    pub poll_secs: Option<f64>,
    pub timeout_secs: Option<f64>,
    pub hold_secs: Option<f64>,
    pub backoff_secs: Option<f64>,
    pub max_backoff_secs: Option<f64>,
}

impl TimingKeys for IntercomConfig {
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

impl IntercomConfig {
    /// The region (checked by `validate`; `us` when unset).
    pub fn region(&self) -> Region {
        self.region
            .as_deref()
            .and_then(Region::parse)
            .unwrap_or(Region::Us)
    }

    /// The API's address without a trailing slash: `base_url`, else the region's.
    pub fn base(&self) -> &str {
        match self.base_url.as_deref() {
            Some(b) => b.trim_end_matches('/'),
            None => self.region().api(),
        }
    }

    /// Everything serde cannot check. The message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(r) = self.region.as_deref()
            && Region::parse(r).is_none()
        {
            return Err(format!(
                "region: \"{}\" is not one of us, eu, au",
                crate::domain::sanitize::clean_line(r)
            ));
        }
        if let Some(b) = self.base_url.as_deref() {
            check_base_url("base_url", b)?;
        }
        if let Some(app) = self.app_id.as_deref()
            && (app.is_empty()
                || !app
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            return Err("app_id: must be letters, digits, _ or - (the app's id_code)".into());
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

    fn parse(text: &str) -> Result<IntercomConfig, String> {
        let c: IntercomConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map(|()| c)
    }

    #[test]
    fn the_region_picks_the_api_and_base_url_wins() {
        let c = parse("").unwrap_or_default();
        assert_eq!(c.base(), "https://api.intercom.io");
        assert_eq!(c.poll(), std::time::Duration::from_secs(60));
        let c = parse("region = \"eu\"").unwrap_or_default();
        assert_eq!(c.base(), "https://api.eu.intercom.io");
        let c = parse("region = \"AU\"").unwrap_or_default();
        assert_eq!(c.base(), "https://api.au.intercom.io");
        assert_eq!(c.region().app(), "https://app.au.intercom.com");
        let c = parse("region = \"eu\"\nbase_url = \"http://127.0.0.1:9/\"\nteam_ids = [5]")
            .unwrap_or_default();
        assert_eq!(c.base(), "http://127.0.0.1:9");
        assert_eq!(c.team_ids, [5]);
    }

    #[test]
    fn invalid_tables_name_the_key() {
        for (text, key) in [
            ("region = \"mars\"", "region"),
            ("region = 1", "region"),
            ("base_url = \"api.intercom.io\"", "base_url"),
            ("app_id = \"a b\"", "app_id"),
            ("app_id = \"\"", "app_id"),
            ("team_ids = [0]", "team_ids"),
            ("team_ids = [\"5\"]", "team_ids"),
            ("timeout_secs = 0", "timeout_secs"),
            ("token = \"t\"", "token"),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(key), "{text:?}: {err}");
        }
    }
}
