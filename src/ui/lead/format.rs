//! How the lead screens write figures: every rate with its sample size,
//! "n/a" for empty samples, changes as signed numbers (see `wording`).

use crate::domain::metrics::{Distribution, Ratio, wording};
use crate::domain::queue::short_duration;

/// "78% (39/50)" or "n/a (0)".
pub fn ratio(r: Ratio) -> String {
    match r.percent() {
        Some(p) => format!("{p:.0}% ({}/{})", r.numerator, r.denominator),
        None => "n/a (0)".into(),
    }
}

/// "+6 pts", "-3 pts", "= 0 pts", or "" when either side is n/a.
pub fn change(now: Ratio, before: Ratio) -> String {
    wording::points(now.change_pts(before)).unwrap_or_default()
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
