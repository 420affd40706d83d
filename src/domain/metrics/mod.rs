//! Metrics for team leads and for the people who tune the AI: handoff
//! quality, speed, queue status and the weekly review.
//!
//! Pure: every function takes plain inputs (loaded by `Store::metric_inputs`
//! or built by a screen or test) and a [`Window`]; nothing reads a clock, the
//! disk or the network. Every figure carries its sample size ([`Ratio`],
//! [`Distribution`]) and an empty sample is `None` ("n/a"), never NaN.
//! Definitions, targets and caveats: docs/metrics.md.
//!
//! Cohort rule: a handoff belongs to the window its `escalated_at` falls in,
//! `from` inclusive, `to` exclusive; so do its verdict, response and
//! resolution, whenever they happened.

pub mod dashboard;
pub mod figures;
pub mod input;
pub mod quality;
pub mod review;
pub mod status;
pub mod wording;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod quality_tests;
#[cfg(test)]
mod review_tests;
#[cfg(test)]
mod status_tests;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

pub use dashboard::{Dashboard, Week, dashboard};
pub use figures::{Count, Distribution, Ratio, percentile};
pub use input::{ActivityEvent, ActivityKind, MetricInput};
pub use quality::{Comparison, Dimension, Group, Quality, breakdown, compare, quality};
pub use review::{Cluster, Review, ReviewItem, review};
pub use status::{AgentStatus, QueueStatus, TeamStatus, queue_status};

/// Target for handoff completeness, in percent: flag below.
pub const COMPLETENESS_TARGET: u8 = 90;
/// Target for the appropriate escalation rate, in percent: flag below.
pub const APPROPRIATE_TARGET: u8 = 85;
/// Default window length: a week, so comparisons are week over week.
pub const DEFAULT_WINDOW: Duration = Duration::days(7);

/// A half-open time range `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Window {
        Window { from, to }
    }

    /// The `length` before `to`, e.g. the last 7 days ending now.
    pub fn ending(to: DateTime<Utc>, length: Duration) -> Window {
        let from = to
            .checked_sub_signed(length)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Window { from, to }
    }

    /// The window of the same length that ends where this one starts.
    pub fn previous(&self) -> Window {
        Window::ending(self.from, self.length())
    }

    pub fn length(&self) -> Duration {
        self.to - self.from
    }

    /// `from <= t < to`.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }
}
