//! Handoff quality and speed over a window: completeness, verdict rates, bad
//! handoffs by reason / procedure / trigger, first human response, SLA,
//! resolution, reassignment and handle time.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Window;
use super::figures::{Count, Distribution, Ratio, ranked};
use super::input::MetricInput;
use crate::domain::feedback::Reason;
use crate::domain::feedback::Verdict;
use crate::domain::handoff::Status;

/// Every quality figure for the handoffs escalated in one window.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Quality {
    /// Handoffs escalated in the window.
    pub handoffs: u64,
    /// Notes with all five fields ÷ handoffs.
    pub completeness: Ratio,
    /// Good verdicts ÷ verdicts.
    pub appropriate_escalation: Ratio,
    /// Bad verdicts with reason ai_could_resolve ÷ verdicts.
    pub unnecessary_escalation: Ratio,
    /// Handoffs with a verdict ÷ handoffs.
    pub verdict_coverage: Ratio,
    /// Reasons on bad verdicts ("unspecified" for none); a verdict with
    /// several reasons counts once under each.
    pub bad_by_reason: Vec<Count>,
    /// Bad verdicts per "procedure version".
    pub bad_by_procedure: Vec<Count>,
    /// Bad verdicts per escalation trigger.
    pub bad_by_trigger: Vec<Count>,
    /// Seconds from escalation to first human response, of those answered.
    pub first_response: Distribution,
    /// Handoffs whose SLA was missed ÷ handoffs with an SLA and a known outcome.
    pub sla_breached: Ratio,
    /// Resolved by the first assignee ÷ resolved with a known resolver.
    pub first_touch_resolution: Ratio,
    /// Reassigned at least once ÷ ever assigned.
    pub reassigned: Ratio,
    /// Total moves from one assignee to another.
    pub reassignments: u64,
    /// Focus seconds per handoff, of those with focus time logged.
    pub handle_time: Distribution,
}

/// Key for "no value" in breakdowns and counts.
pub const NONE_KEY: &str = "(none)";
/// Reason key for a bad verdict given without a reason.
pub const UNSPECIFIED: &str = "unspecified";

/// "refunds v3", "refunds" without a version, "(none)" without a procedure.
pub fn procedure_label(procedure: Option<&str>, version: Option<&str>) -> String {
    match (procedure, version) {
        (Some(p), Some(v)) => format!("{p} {v}"),
        (Some(p), None) => p.to_string(),
        (None, _) => NONE_KEY.to_string(),
    }
}

/// Whether the handoff missed its SLA: answered (first response, else
/// resolution) after it was due, or still waiting at `now` when it is due.
/// `None` when there is no SLA or the outcome is unknown (resolved with no
/// recorded time) or not yet decided (waiting, not yet due).
pub fn sla_breached(h: &MetricInput, now: DateTime<Utc>) -> Option<bool> {
    let due = h.due_at?;
    match h.first_response_at.or(h.resolved_at) {
        Some(answered) => Some(answered > due),
        None if h.status != Status::Resolved => (due <= now).then_some(true),
        None => None,
    }
}

/// The figures for the handoffs escalated in `window`. `now` decides whether
/// a still-waiting handoff has breached its SLA.
pub fn quality(inputs: &[MetricInput], window: Window, now: DateTime<Utc>) -> Quality {
    let hs: Vec<&MetricInput> = inputs
        .iter()
        .filter(|h| window.contains(h.escalated_at))
        .collect();
    figures(&hs, now)
}

/// The figures for handoffs already chosen (`quality` and `breakdown`
/// share this so a breakdown need not copy its members).
fn figures(hs: &[&MetricInput], now: DateTime<Utc>) -> Quality {
    let verdict = |h: &MetricInput| h.feedback.as_ref().map(|f| f.verdict);
    let is_bad = |h: &MetricInput| verdict(h) == Some(Verdict::Bad);

    let mut by_reason = HashMap::new();
    let mut by_procedure = HashMap::new();
    let mut by_trigger = HashMap::new();
    for h in hs.iter().filter(|h| is_bad(h)) {
        let reasons = h
            .feedback
            .as_ref()
            .map(|f| f.reasons.as_slice())
            .unwrap_or_default();
        if reasons.is_empty() {
            *by_reason.entry(UNSPECIFIED.to_string()).or_insert(0) += 1;
        }
        for r in reasons {
            *by_reason.entry(r.as_str().to_string()).or_insert(0) += 1;
        }
        let procedure = procedure_label(h.procedure.as_deref(), h.procedure_version.as_deref());
        *by_procedure.entry(procedure).or_insert(0) += 1;
        let trigger = h.trigger.map_or(NONE_KEY, |t| t.as_str());
        *by_trigger.entry(trigger.to_string()).or_insert(0) += 1;
    }

    let unnecessary = |h: &MetricInput| {
        h.feedback.as_ref().is_some_and(|f| {
            f.verdict == Verdict::Bad && f.reasons.contains(&Reason::AiCouldResolve)
        })
    };
    let mut sla = Ratio::default();
    for h in hs {
        if let Some(breached) = sla_breached(h, now) {
            sla.denominator += 1;
            sla.numerator += u64::from(breached);
        }
    }
    let response_secs = hs.iter().filter_map(|h| {
        let t = h.first_response_at?;
        u64::try_from((t - h.escalated_at).num_seconds()).ok()
    });

    Quality {
        handoffs: hs.len() as u64,
        completeness: Ratio::count(hs, |_| true, |h| h.is_complete()),
        appropriate_escalation: Ratio::count(
            hs,
            |h| verdict(h).is_some(),
            |h| verdict(h) == Some(Verdict::Good),
        ),
        unnecessary_escalation: Ratio::count(hs, |h| verdict(h).is_some(), |h| unnecessary(h)),
        verdict_coverage: Ratio::count(hs, |_| true, |h| verdict(h).is_some()),
        bad_by_reason: ranked(by_reason),
        bad_by_procedure: ranked(by_procedure),
        bad_by_trigger: ranked(by_trigger),
        first_response: Distribution::of(response_secs.collect()),
        sla_breached: sla,
        first_touch_resolution: Ratio::count(
            hs,
            |h| h.status == Status::Resolved && h.resolved_by.is_some(),
            |h| h.resolved_by.is_some() && h.resolved_by == h.first_assignee,
        ),
        reassigned: Ratio::count(hs, |h| h.first_assignee.is_some(), |h| h.reassignments > 0),
        reassignments: hs.iter().map(|h| u64::from(h.reassignments)).sum(),
        handle_time: Distribution::of(hs.iter().filter_map(|h| h.handle_seconds).collect()),
    }
}

/// One window and the one before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub window: Window,
    pub previous_window: Window,
    pub current: Quality,
    pub previous: Quality,
}

/// Every figure for `window` and for the window of the same length before it.
pub fn compare(inputs: &[MetricInput], window: Window, now: DateTime<Utc>) -> Comparison {
    let previous_window = window.previous();
    Comparison {
        window,
        previous_window,
        current: quality(inputs, window, now),
        previous: quality(inputs, previous_window, now),
    }
}

/// What to break the figures down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Team,
    Priority,
    /// The AI procedure (all versions together).
    Procedure,
    Trigger,
    /// The current assignee.
    Agent,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Team,
        Dimension::Priority,
        Dimension::Procedure,
        Dimension::Trigger,
        Dimension::Agent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Team => "team",
            Dimension::Priority => "priority",
            Dimension::Procedure => "procedure",
            Dimension::Trigger => "trigger",
            Dimension::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The group a handoff falls in.
    pub fn key(self, h: &MetricInput) -> String {
        let or = |v: Option<&str>, none: &str| v.unwrap_or(none).to_string();
        match self {
            Dimension::Team => or(h.team.as_deref(), "(no team)"),
            Dimension::Priority => h.priority.as_str().to_string(),
            Dimension::Procedure => or(h.procedure.as_deref(), NONE_KEY),
            Dimension::Trigger => or(h.trigger.map(|t| t.as_str()), NONE_KEY),
            Dimension::Agent => or(h.assignee.as_deref(), "(unassigned)"),
        }
    }
}

/// One group of a breakdown, in both windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub group: String,
    pub current: Quality,
    pub previous: Quality,
}

/// The figures per group of `by`, for `window` and the one before. Groups
/// seen in either window appear; most handoffs (this window, then the
/// previous) first, then by name.
pub fn breakdown(
    inputs: &[MetricInput],
    window: Window,
    now: DateTime<Utc>,
    by: Dimension,
) -> Vec<Group> {
    let previous_window = window.previous();
    let in_either = |h: &&MetricInput| {
        window.contains(h.escalated_at) || previous_window.contains(h.escalated_at)
    };
    let mut members: BTreeMap<String, Vec<&MetricInput>> = BTreeMap::new();
    for h in inputs.iter().filter(in_either) {
        members.entry(by.key(h)).or_default().push(h);
    }
    let mut groups: Vec<Group> = members
        .into_iter()
        .map(|(group, hs)| {
            let (now_hs, prev_hs): (Vec<&MetricInput>, Vec<&MetricInput>) = hs
                .into_iter()
                .partition(|h| window.contains(h.escalated_at));
            Group {
                group,
                current: figures(&now_hs, now),
                previous: figures(&prev_hs, now),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.current
            .handoffs
            .cmp(&a.current.handoffs)
            .then(b.previous.handoffs.cmp(&a.previous.handoffs))
            .then_with(|| a.group.cmp(&b.group))
    });
    groups
}
