//! People who take over handoffs, and the teams they belong to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub name: String,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    /// Languages the agent can work in (ISO 639-1, e.g. "en"). Empty = English only.
    #[serde(default)]
    pub languages: Vec<String>,
    /// How many open handoffs the agent can hold at once.
    #[serde(default = "default_capacity")]
    pub capacity: u32,
}

fn default_capacity() -> u32 {
    8
}

impl Agent {
    pub fn in_team(&self, team: &str) -> bool {
        self.teams.iter().any(|t| t.eq_ignore_ascii_case(team))
    }
    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s.eq_ignore_ascii_case(skill))
    }
    pub fn speaks(&self, language: &str) -> bool {
        let lang = primary_language(language);
        if self.languages.is_empty() {
            return lang == "en";
        }
        self.languages
            .iter()
            .any(|l| primary_language(l).eq_ignore_ascii_case(lang))
    }
}

/// "pt-BR" -> "pt".
pub fn primary_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}
