//! The `[zendesk]` table of config.toml (and its `[zendesk.fields]`). The
//! API token is not here: it comes from the environment or the credentials
//! file (`backend::credentials`).

use serde::Deserialize;

use crate::backend::http;
pub use crate::backend::table::TimingKeys;
use crate::config::check_base_url;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZendeskConfig {
    /// `acme` for https://acme.zendesk.com.
    pub subdomain: Option<String>,
    /// The address itself, when not `https://{subdomain}.zendesk.com` (a
    /// proxy, a test server); wins over `subdomain`.
    pub base_url: Option<String>,
    /// With an API token: the agent's sign-in email (`{email}/token` auth).
    /// Without it the token is an OAuth access token (Bearer).
    pub email: Option<String>,
    /// "Team unassigned" comes from these groups [default: the groups you are in].
    #[serde(default)]
    pub group_ids: Vec<i64>,
    /// Views whose tickets are pulled too, each a queue section.
    #[serde(default)]
    pub view_ids: Vec<i64>,
    /// The AI's Zendesk user(s): their private comment is the handoff
    /// note, their comments are the AI's in the transcript [default: private
    /// comments written through the API].
    #[serde(default)]
    pub bot_user_ids: Vec<i64>,
    /// Custom ticket fields the AI fills.
    #[serde(default)]
    pub fields: FieldMap,
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

/// `[zendesk.fields]`: custom ticket field ids → what they hold.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMap {
    /// A decimal (or text) field: the AI's confidence, 0..1.
    pub confidence: Option<i64>,
    /// A drop-down or text field: the escalation trigger.
    pub trigger: Option<i64>,
    /// A drop-down or text field: the AI procedure that ran.
    pub procedure: Option<i64>,
    /// A multi-line text field holding a JSON object in our handoff format.
    pub handoff: Option<i64>,
}

impl FieldMap {
    fn all(&self) -> [(&'static str, Option<i64>); 4] {
        [
            ("confidence", self.confidence),
            ("trigger", self.trigger),
            ("procedure", self.procedure),
            ("handoff", self.handoff),
        ]
    }
}

impl TimingKeys for ZendeskConfig {
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

impl ZendeskConfig {
    /// Where the API is, without a trailing slash: `base_url`, else the
    /// subdomain's address.
    pub fn base(&self) -> String {
        match (&self.base_url, &self.subdomain) {
            (Some(url), _) => url.trim_end_matches('/').to_string(),
            (None, Some(sub)) => format!("https://{}.zendesk.com", sub.trim()),
            (None, None) => String::new(),
        }
    }

    /// The base as messages may show it (no password).
    pub fn shown_base(&self) -> String {
        http::shown(&self.base())
    }

    /// Everything serde cannot check. The message names the key and never
    /// repeats an address (it may hold a password).
    pub fn validate(&self) -> Result<(), String> {
        match (&self.base_url, &self.subdomain) {
            (None, None) => return Err("needs subdomain (or base_url)".into()),
            (Some(url), _) => {
                check_base_url("base_url", url).map_err(|e| {
                    // reqwest's parse errors never quote the address.
                    e.replace(url.as_str(), "…")
                })?;
                if reqwest::Url::parse(url).is_ok_and(|u| u.password().is_some()) {
                    return Err(
                        "base_url: must not carry a password (the API token is the credential)"
                            .into(),
                    );
                }
            }
            (None, Some(sub)) => {
                let ok = !sub.is_empty()
                    && sub.len() <= 63
                    && sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !sub.starts_with('-')
                    && !sub.ends_with('-');
                if !ok {
                    return Err(
                        "subdomain: the name before .zendesk.com, letters, digits and -".into(),
                    );
                }
            }
        }
        if let Some(email) = &self.email
            && (!email.contains('@') || email.chars().any(|c| c.is_whitespace() || c == ':'))
        {
            return Err("email: not an email address".into());
        }
        for (key, ids) in [
            ("group_ids", &self.group_ids),
            ("view_ids", &self.view_ids),
            ("bot_user_ids", &self.bot_user_ids),
        ] {
            if let Some(bad) = ids.iter().find(|&&i| i <= 0) {
                return Err(format!("{key}: {bad} is not a positive number"));
            }
        }
        for (key, id) in self.fields.all() {
            if let Some(bad) = id.filter(|&i| i <= 0) {
                return Err(format!("fields.{key}: {bad} is not a positive number"));
            }
        }
        self.check_timing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse(text: &str) -> Result<ZendeskConfig, String> {
        let c: ZendeskConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map(|()| c)
    }

    #[test]
    fn valid_tables() {
        let c = parse("subdomain = \"acme\"\nemail = \"maya@acme.com\"\n");
        let c = c.as_ref().ok();
        assert_eq!(
            c.map(|c| c.base()).as_deref(),
            Some("https://acme.zendesk.com")
        );
        assert_eq!(c.map(|c| c.poll()), Some(Duration::from_secs(60)));
        let c = parse(
            "subdomain = \"acme\"\nbase_url = \"http://127.0.0.1:8080/\"\ngroup_ids = [3]\n\
             view_ids = [360011, 360012]\npoll_secs = 5\nhold_secs = 0\n\
             [fields]\nconfidence = 27648\ntrigger = 27642\nhandoff = 27650\n",
        );
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.base(), "http://127.0.0.1:8080");
        assert_eq!(c.view_ids, [360011, 360012]);
        assert_eq!(c.fields.handoff, Some(27650));
        assert_eq!(c.fields.procedure, None);
    }

    #[test]
    fn invalid_tables_name_the_key() {
        for (text, key) in [
            ("email = \"a@b.c\"", "subdomain"),
            ("subdomain = \"acme.zendesk.com\"", "subdomain"),
            ("subdomain = \"\"", "subdomain"),
            ("base_url = \"ftp://x\"", "base_url"),
            ("subdomain = \"acme\"\nemail = \"maya\"", "email"),
            ("subdomain = \"acme\"\ngroup_ids = [0]", "group_ids"),
            ("subdomain = \"acme\"\nview_ids = [-1]", "view_ids"),
            (
                "subdomain = \"acme\"\n[fields]\nconfidence = 0",
                "fields.confidence",
            ),
            ("subdomain = \"acme\"\n[fields]\nsentiment = 4", "sentiment"),
            ("subdomain = \"acme\"\npoll_secs = 0", "poll_secs"),
            ("subdomain = \"acme\"\ntoken = \"t\"", "token"),
        ] {
            let err = parse(text).err().unwrap_or_default();
            assert!(err.contains(key), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_password_in_base_url_is_refused_without_repeating_it() {
        let err = parse("base_url = \"https://maya:SENTINEL-PW@acme.example\"")
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("base_url") && err.contains("password"),
            "{err}"
        );
        assert!(!err.contains("SENTINEL-PW"), "{err}");
        let c: Result<ZendeskConfig, _> =
            toml::from_str("base_url = \"https://maya:SENTINEL-PW@acme.example/\"");
        let shown = c.map(|c| c.shown_base()).unwrap_or_default();
        assert!(
            !shown.contains("SENTINEL-PW") && shown.contains("acme.example"),
            "{shown}"
        );
    }
}
