//! Everything the lead screens show, computed in one pass: the floor now, the
//! quality of this window against the last, a weekly trend, and the review.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::figures::Ratio;
use super::quality::{Comparison, compare, quality};
use super::review::{Review, review};
use super::status::{QueueStatus, queue_status};
use super::{DEFAULT_WINDOW, MetricInput, Window};
use crate::domain::agent::Agent;
use crate::domain::feedback::{Feedback, Verdict};
use crate::domain::queue::QueueRow;

/// Weeks of history in the trend sparklines.
pub const TREND_WEEKS: i32 = 8;

/// One week of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub window: Window,
    pub handoffs: u64,
    pub appropriate: Ratio,
    pub completeness: Ratio,
    /// Bad verdicts on handoffs escalated that week.
    pub flagged: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub at: DateTime<Utc>,
    pub status: QueueStatus,
    pub quality: Comparison,
    /// Oldest first, the current week last.
    pub weeks: Vec<Week>,
    pub review: Review,
    /// The store holds the demo: its figures are the demo team's, made up.
    pub demo: bool,
}

/// How far back the inputs must reach: the whole trend.
pub fn inputs_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - DEFAULT_WINDOW * TREND_WEEKS
}

/// `inputs` from `inputs_since(now)`, `rows` and `agents` for the floor, and
/// `verdicts` given within the last window.
pub fn dashboard(
    inputs: &[MetricInput],
    rows: &[QueueRow],
    agents: &[Agent],
    verdicts: &[Feedback],
    now: DateTime<Utc>,
) -> Dashboard {
    let window = Window::ending(now, DEFAULT_WINDOW);
    let weeks = (0..TREND_WEEKS)
        .rev()
        .map(|back| {
            let w = Window::ending(now - Duration::weeks(i64::from(back)), DEFAULT_WINDOW);
            let q = quality(inputs, w, now);
            let flagged = inputs
                .iter()
                .filter(|h| w.contains(h.escalated_at))
                .filter(|h| {
                    h.feedback
                        .as_ref()
                        .is_some_and(|f| f.verdict == Verdict::Bad)
                })
                .count() as u64;
            Week {
                window: w,
                handoffs: q.handoffs,
                appropriate: q.appropriate_escalation,
                completeness: q.completeness,
                flagged,
            }
        })
        .collect();
    Dashboard {
        at: now,
        status: queue_status(rows, agents, verdicts, window, now),
        quality: compare(inputs, window, now),
        weeks,
        review: review(inputs, window),
        demo: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::fixtures::{at, h};

    #[test]
    fn the_trend_has_eight_weeks_ending_now_with_the_current_week_last() {
        let now = at(60, 0);
        let mut recent = h("recent", now - Duration::days(2));
        recent.completeness = 5;
        let old = h("old", now - Duration::days(20));
        let d = dashboard(&[recent, old], &[], &[], &[], now);
        assert_eq!(d.weeks.len(), 8);
        assert_eq!(d.weeks.last().map(|w| w.window.to), Some(now));
        // "recent" is in this week [now-7d, now); "old", 20 days back, in
        // [now-21d, now-14d): the third window from the end.
        assert_eq!(d.weeks[7].handoffs, 1);
        assert_eq!(d.weeks[7].completeness, Ratio::new(1, 1));
        assert_eq!(d.weeks[5].handoffs, 1);
        assert_eq!(d.weeks.iter().map(|w| w.handoffs).sum::<u64>(), 2);
        assert_eq!(d.quality.current.handoffs, 1);
    }

    #[test]
    fn an_empty_store_gives_empty_figures_not_errors() {
        let d = dashboard(&[], &[], &[], &[], at(60, 0));
        assert!(
            d.weeks
                .iter()
                .all(|w| w.handoffs == 0 && w.appropriate.value().is_none())
        );
        assert!(d.review.clusters.is_empty());
    }
}
