//! The weekly review: bad handoffs grouped by (reason × AI procedure), the
//! largest cluster first, with the change against the previous window.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Window;
use super::figures::Ratio;
use super::input::MetricInput;
use crate::domain::feedback::{Reason, Verdict};
use crate::domain::handoff::Trigger;

/// One flagged handoff, with what the reviewer needs to judge it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    pub id: String,
    pub escalated_at: DateTime<Utc>,
    pub issue: Option<String>,
    pub trigger: Option<Trigger>,
    pub confidence: Option<f64>,
    pub procedure_version: Option<String>,
    /// Every reason the agent gave (what they said was wrong).
    pub reasons: Vec<Reason>,
    pub note: Option<String>,
    /// Who flagged it.
    pub agent: String,
    pub team: Option<String>,
}

/// Bad handoffs sharing one reason and one AI procedure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// `None`: flagged without a reason ("unspecified").
    pub reason: Option<Reason>,
    /// `None`: no procedure recorded.
    pub procedure: Option<String>,
    /// Handoffs in this cluster in the window.
    pub count: u64,
    /// ... and in the previous window.
    pub previous: u64,
    /// The window's handoffs, oldest first.
    pub handoffs: Vec<ReviewItem>,
}

impl Cluster {
    /// Change against the previous window (positive = more).
    pub fn change(&self) -> i64 {
        i64::try_from(self.count).unwrap_or(i64::MAX)
            - i64::try_from(self.previous).unwrap_or(i64::MAX)
    }

    /// "ai_could_resolve", or "unspecified".
    pub fn reason_key(&self) -> &'static str {
        self.reason
            .map_or(super::quality::UNSPECIFIED, Reason::as_str)
    }

    /// "AI could have resolved it", or "no reason given".
    pub fn reason_label(&self) -> &'static str {
        self.reason.map_or("no reason given", Reason::label)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub window: Window,
    pub previous_window: Window,
    /// Handoffs escalated in the window.
    pub handoffs: u64,
    /// Handoffs with a verdict ÷ handoffs: how far to trust the rest.
    pub verdict_coverage: Ratio,
    /// Distinct bad handoffs in the window and the previous one (a handoff
    /// in several clusters counts once here).
    pub flagged: u64,
    pub previous_flagged: u64,
    /// Largest first; clusters seen only in the previous window come last,
    /// with no handoffs, so a fix that worked shows as a drop to 0.
    pub clusters: Vec<Cluster>,
}

type Key = (Option<Reason>, Option<String>);

/// The review for handoffs escalated in `window`, compared with the window
/// before it. A bad verdict with several reasons appears in each reason's
/// cluster; one with none in the "unspecified" cluster.
pub fn review(inputs: &[MetricInput], window: Window) -> Review {
    let previous_window = window.previous();
    let mut clusters: BTreeMap<Key, Cluster> = BTreeMap::new();
    let mut flagged = 0;
    let mut previous_flagged = 0;
    for h in inputs {
        let Some(f) = h.feedback.as_ref().filter(|f| f.verdict == Verdict::Bad) else {
            continue;
        };
        let current = window.contains(h.escalated_at);
        if !current && !previous_window.contains(h.escalated_at) {
            continue;
        }
        if current {
            flagged += 1;
        } else {
            previous_flagged += 1;
        }
        let reasons: Vec<Option<Reason>> = if f.reasons.is_empty() {
            vec![None]
        } else {
            f.reasons.iter().copied().map(Some).collect()
        };
        for reason in reasons {
            let c = clusters
                .entry((reason, h.procedure.clone()))
                .or_insert_with(|| Cluster {
                    reason,
                    procedure: h.procedure.clone(),
                    count: 0,
                    previous: 0,
                    handoffs: Vec::new(),
                });
            if current {
                c.count += 1;
                c.handoffs.push(ReviewItem {
                    id: h.id.clone(),
                    escalated_at: h.escalated_at,
                    issue: h.issue.clone(),
                    trigger: h.trigger,
                    confidence: h.confidence,
                    procedure_version: h.procedure_version.clone(),
                    reasons: f.reasons.clone(),
                    note: f.note.clone(),
                    agent: f.agent.clone(),
                    team: h.team.clone(),
                });
            } else {
                c.previous += 1;
            }
        }
    }
    let mut clusters: Vec<Cluster> = clusters.into_values().collect();
    for c in &mut clusters {
        c.handoffs.sort_by(|a, b| {
            a.escalated_at
                .cmp(&b.escalated_at)
                .then_with(|| a.id.cmp(&b.id))
        });
    }
    // Largest first; among equals, the one that grew most; then reason order
    // with "unspecified" last, then procedure name.
    clusters.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.change().cmp(&a.change()))
            .then(a.reason.is_none().cmp(&b.reason.is_none()))
            .then(a.reason.cmp(&b.reason))
            .then_with(|| a.procedure.cmp(&b.procedure))
    });
    let in_window = inputs.iter().filter(|h| window.contains(h.escalated_at));
    Review {
        window,
        previous_window,
        handoffs: in_window.clone().count() as u64,
        verdict_coverage: Ratio::count(in_window, |_| true, |h| h.feedback.is_some()),
        flagged,
        previous_flagged,
        clusters,
    }
}
