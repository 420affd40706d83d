//! Completeness: does the note carry the five fields a usable handoff needs?

use super::handoff::Summary;

/// The five fields a usable handoff note must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Issue,
    Collected,
    Findings,
    EscalationReason,
    NextStep,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Issue,
        Field::Collected,
        Field::Findings,
        Field::EscalationReason,
        Field::NextStep,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Field::Issue => "issue",
            Field::Collected => "collected data",
            Field::Findings => "findings or attempts",
            Field::EscalationReason => "escalation reason",
            Field::NextStep => "next step",
        }
    }
}

/// Text that says nothing ("n/a", "-", "unknown", two letters) does not count.
pub fn is_trivial(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    t.chars().filter(|c| c.is_alphanumeric()).count() < 3
        || matches!(
            t.as_str(),
            "n/a"
                | "na"
                | "none"
                | "unknown"
                | "tbd"
                | "todo"
                | "null"
                | "nil"
                | "see transcript"
                | "-"
        )
}

fn present(text: Option<&str>) -> bool {
    text.is_some_and(|t| !is_trivial(t))
}

pub fn has(summary: &Summary, field: Field) -> bool {
    match field {
        Field::Issue => present(summary.issue.as_deref()),
        Field::Collected => summary.collected.iter().any(|c| !is_trivial(&c.value)),
        Field::Findings => {
            summary.findings.iter().any(|f| !is_trivial(f))
                || summary.attempted.iter().any(|a| !is_trivial(&a.action))
        }
        // A trigger alone says *that* it escalated; the detail says why.
        Field::EscalationReason => summary
            .escalation
            .as_ref()
            .is_some_and(|e| !is_trivial(&e.detail)),
        Field::NextStep => present(summary.next_step.as_deref()),
    }
}

pub fn missing(summary: &Summary) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|f| !has(summary, *f))
        .collect()
}

/// How many of the five are present (0..=5).
pub fn score(summary: &Summary) -> u8 {
    (5 - missing(summary).len()) as u8
}

pub fn is_complete(summary: &Summary) -> bool {
    missing(summary).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::handoff::{Attempt, Collected, Escalation, Source, Trigger};

    fn full() -> Summary {
        Summary {
            issue: Some("Refund for a duplicate charge".into()),
            collected: vec![Collected {
                label: "Order".into(),
                value: "A-1234".into(),
                source: Source::Customer,
            }],
            findings: vec!["Two charges of $49 on 3 May".into()],
            escalation: Some(Escalation {
                trigger: Trigger::PolicyException,
                detail: "Refund exceeds the AI's $25 limit".into(),
            }),
            next_step: Some("Refund the second charge".into()),
            ..Summary::default()
        }
    }

    #[test]
    fn a_full_summary_is_complete() {
        assert!(is_complete(&full()));
        assert_eq!(score(&full()), 5);
    }

    #[test]
    fn attempts_count_when_findings_are_absent() {
        let mut s = full();
        s.findings.clear();
        assert!(!has(&s, Field::Findings));
        s.attempted.push(Attempt {
            action: "Resent the verification email".into(),
            outcome: "bounced".into(),
        });
        assert!(has(&s, Field::Findings));
    }

    #[test]
    fn trivial_text_counts_as_missing() {
        let mut s = full();
        s.next_step = Some("n/a".into());
        s.issue = Some("  ".into());
        if let Some(e) = s.escalation.as_mut() {
            e.detail = "-".into();
        }
        assert_eq!(
            missing(&s),
            vec![Field::Issue, Field::EscalationReason, Field::NextStep]
        );
        assert_eq!(score(&s), 2);
    }

    #[test]
    fn empty_summary_misses_all_five() {
        assert_eq!(missing(&Summary::default()).len(), 5);
    }
}
