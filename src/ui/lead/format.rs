//! How the lead screens write figures: every rate with its sample size,
//! "n/a" for empty samples, changes in points with an arrow.

use crate::domain::metrics::{Distribution, Ratio};
use crate::domain::queue::short_duration;

/// "78% (39/50)" or "n/a (0)".
pub fn ratio(r: Ratio) -> String {
    match r.percent() {
        Some(p) => format!("{p:.0}% ({}/{})", r.numerator, r.denominator),
        None => "n/a (0)".into(),
    }
}

/// "▲ 6 pts", "▼ 3 pts", "= 0 pts", or "" when either side is n/a.
pub fn change(now: Ratio, before: Ratio) -> String {
    match now.change_pts(before) {
        Some(c) if c.round() > 0.0 => format!("▲ {:.0} pts", c),
        Some(c) if c.round() < 0.0 => format!("▼ {:.0} pts", -c),
        Some(_) => "= 0 pts".into(),
        None => String::new(),
    }
}

/// "median 12m · p90 1h05 (n=34)" or "n/a (n=0)".
pub fn distribution(d: Distribution) -> String {
    match (d.median, d.p90) {
        (Some(m), Some(p)) => format!(
            "median {} · p90 {} (n={})",
            short_duration(m),
            short_duration(p),
            d.n
        ),
        _ => "n/a (n=0)".into(),
    }
}

/// A signed count change: "▲ 2", "▼ 1", "= 0".
pub fn count_change(now: u64, before: u64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("▲ {}", now - before),
        std::cmp::Ordering::Less => format!("▼ {}", before - now),
        std::cmp::Ordering::Equal => "= 0".into(),
    }
}
