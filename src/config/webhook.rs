//! The `[webhook]` table of config.toml: where verdicts go and how patiently.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::secs;

/// What the webhook receives: our generic event, or a Slack incoming-webhook
/// message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Slack,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// http or https URL the events are POSTed to.
    pub url: String,
    #[serde(default)]
    pub format: Format,
    /// Connect, read and total timeout per request [default 10].
    pub timeout_secs: Option<f64>,
    /// How long a new verdict waits before it is sent, so picking a reason,
    /// adding a note or undoing within it sends one event, or none [default 30].
    pub hold_secs: Option<f64>,
    /// First retry delay; doubles per attempt, with jitter [default 5].
    pub backoff_secs: Option<f64>,
    /// Longest retry delay [default 600].
    pub max_backoff_secs: Option<f64>,
    /// Extra request headers, e.g. Authorization.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

const DEFAULT_TIMEOUT: f64 = 10.0;
const DEFAULT_HOLD: f64 = 30.0;
const DEFAULT_BACKOFF: f64 = 5.0;
const DEFAULT_MAX_BACKOFF: f64 = 600.0;

impl WebhookConfig {
    pub fn timeout(&self) -> Duration {
        secs(self.timeout_secs, DEFAULT_TIMEOUT)
    }
    pub fn hold(&self) -> Duration {
        secs(self.hold_secs, DEFAULT_HOLD)
    }
    pub fn backoff(&self) -> Duration {
        secs(self.backoff_secs, DEFAULT_BACKOFF)
    }
    pub fn max_backoff(&self) -> Duration {
        secs(self.max_backoff_secs, DEFAULT_MAX_BACKOFF)
    }

    /// Everything serde cannot check. The message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let url = reqwest::Url::parse(&self.url).map_err(|e| format!("url: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err("url: must be an http:// or https:// address".into());
        }
        let positive = |name: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && x > 0.0 && x <= 86_400.0) => Err(format!(
                "{name}: must be a number of seconds above 0 and at most 86400"
            )),
            _ => Ok(()),
        };
        positive("timeout_secs", self.timeout_secs)?;
        positive("backoff_secs", self.backoff_secs)?;
        positive("max_backoff_secs", self.max_backoff_secs)?;
        if let Some(h) = self.hold_secs
            && !(h.is_finite() && (0.0..=86_400.0).contains(&h))
        {
            return Err("hold_secs: must be a number of seconds from 0 to 86400".into());
        }
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("headers: '{name}' is not a valid header name"))?;
            // We set this one per event; a fixed value would defeat it.
            if header.as_str() == "idempotency-key" {
                return Err(
                    "headers: Idempotency-Key is set per event and cannot be configured".into(),
                );
            }
            HeaderValue::from_str(value).map_err(|_| {
                format!("headers: the value of '{name}' is not a valid header value")
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<WebhookConfig, String> {
        let c: WebhookConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map(|()| c)
    }

    #[test]
    fn defaults() {
        let c = parse("url = \"https://example.com/hook\"").map_err(|e| e.to_string());
        let c = c.as_ref().ok();
        assert_eq!(c.map(|c| c.format), Some(Format::Json));
        assert_eq!(c.map(|c| c.timeout()), Some(Duration::from_secs(10)));
        assert_eq!(c.map(|c| c.hold()), Some(Duration::from_secs(30)));
        assert_eq!(c.map(|c| c.max_backoff()), Some(Duration::from_secs(600)));
    }

    #[test]
    fn every_key_and_fractional_seconds() {
        let c = parse(
            "url = \"http://127.0.0.1:9/h\"\nformat = \"slack\"\ntimeout_secs = 0.5\n\
             hold_secs = 0\nbackoff_secs = 1\nmax_backoff_secs = 60\n\
             [headers]\nAuthorization = \"Bearer x\"\n",
        );
        let c = c.as_ref().ok();
        assert_eq!(c.map(|c| c.format), Some(Format::Slack));
        assert_eq!(c.map(|c| c.timeout()), Some(Duration::from_millis(500)));
        assert_eq!(c.map(|c| c.hold()), Some(Duration::ZERO));
        assert_eq!(
            c.and_then(|c| c.headers.get("Authorization"))
                .map(String::as_str),
            Some("Bearer x")
        );
    }

    #[test]
    fn rejects_what_would_fail_later() {
        for (text, key) in [
            ("url = \"ftp://x/\"", "url"),
            ("url = \"not a url\"", "url"),
            ("url = \"https://x/\"\ntimeout_secs = 0", "timeout_secs"),
            ("url = \"https://x/\"\nhold_secs = -1", "hold_secs"),
            (
                "url = \"https://x/\"\n[headers]\n\"bad name\" = \"v\"",
                "headers",
            ),
            (
                "url = \"https://x/\"\n[headers]\nIdempotency-Key = \"v\"",
                "headers",
            ),
            ("url = \"https://x/\"\nformat = \"xml\"", "format"),
            ("url = \"https://x/\"\nretries = 3", "retries"),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(key), "{text:?}: {err}");
        }
    }
}
