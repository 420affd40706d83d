//! Verdicts on handoffs: the signal that tunes the AI.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Good,
    Bad,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Bad => "bad",
        }
    }
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "good" => Some(Verdict::Good),
            "bad" => Some(Verdict::Bad),
            _ => None,
        }
    }
    /// How the screens and the command line show it: "✓ good", "✗ bad".
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Good => "✓ good",
            Verdict::Bad => "✗ bad",
        }
    }
    /// The mark's glyph alone, where a column is one cell wide.
    pub fn glyph(self) -> &'static str {
        match self {
            Verdict::Good => "✓",
            Verdict::Bad => "✗",
        }
    }
}

/// Why a handoff was bad. The key is what the reason picker binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    AiCouldResolve,
    WrongData,
    WrongQuestions,
    InaccurateSummary,
    Misrouted,
    TooLate,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::AiCouldResolve,
        Reason::WrongData,
        Reason::WrongQuestions,
        Reason::InaccurateSummary,
        Reason::Misrouted,
        Reason::TooLate,
        Reason::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AiCouldResolve => "ai_could_resolve",
            Reason::WrongData => "wrong_data",
            Reason::WrongQuestions => "wrong_questions",
            Reason::InaccurateSummary => "inaccurate_summary",
            Reason::Misrouted => "misrouted",
            Reason::TooLate => "too_late",
            Reason::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Reason::AiCouldResolve => "AI could have resolved it",
            Reason::WrongData => "wrong or missing data collected",
            Reason::WrongQuestions => "wrong questions asked",
            Reason::InaccurateSummary => "summary inaccurate",
            Reason::Misrouted => "misrouted",
            Reason::TooLate => "escalated too late",
            Reason::Other => "other",
        }
    }
    /// The one key that picks this reason in the picker.
    pub fn key(self) -> char {
        match self {
            Reason::AiCouldResolve => '1',
            Reason::WrongData => '2',
            Reason::WrongQuestions => '3',
            Reason::InaccurateSummary => '4',
            Reason::Misrouted => '5',
            Reason::TooLate => '6',
            Reason::Other => '7',
        }
    }
    pub fn from_key(c: char) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.key() == c)
    }
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The verdict in force on one handoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub handoff_id: String,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub note: Option<String>,
    pub agent: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_keys_are_unique_and_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_key(r.key()), Some(r));
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Reason::from_key('8'), None);
    }
}
