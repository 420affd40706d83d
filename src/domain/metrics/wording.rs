//! How figures and their keys read, the same on the lead screens and in
//! `handoff stats` / `review`: changes as signed numbers (`+6 pts`,
//! `-2`), so `▲` keeps its one meaning (an SLA at risk), and reasons and
//! triggers by their labels, as the dialogs name them.

use super::quality::UNSPECIFIED;
use crate::domain::feedback::Reason;
use crate::domain::handoff::Trigger;
use crate::domain::queue::short_duration;

/// Where the demo workspace's team figures come from, said once under the
/// quality screen's heading and after `handoff stats`.
pub const DEMO_SOURCE: &str = "Demo workspace: these figures come from the demo team's made-up verdicts (see docs/metrics.md).";

/// A change in percentage points: "+6 pts", "-3 pts", "= 0 pts"; `None`
/// when either side has no sample.
pub fn points(change: Option<f64>) -> Option<String> {
    let c = change?.round();
    Some(if c > 0.0 {
        format!("+{c:.0} pts")
    } else if c < 0.0 {
        format!("-{:.0} pts", -c)
    } else {
        "= 0 pts".to_string()
    })
}

/// A change in a count: "+2", "-1", "= 0".
pub fn count_change(now: u64, before: u64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("-{}", before - now),
        std::cmp::Ordering::Equal => "= 0".to_string(),
    }
}

/// A change in seconds: "+5m", "-1h05", "= same"; `None` without a sample.
pub fn duration_change(change: Option<i64>) -> Option<String> {
    Some(match change? {
        0 => "= same".to_string(),
        c if c > 0 => format!("+{}", short_duration(c.unsigned_abs())),
        c => format!("-{}", short_duration(c.unsigned_abs())),
    })
}

/// A bad-handoff reason key as the reason picker names it ("wrong_data" is
/// "wrong or missing data collected"); other keys as they are.
pub fn reason_label(key: &str) -> &str {
    if key == UNSPECIFIED {
        return "no reason given";
    }
    Reason::parse(key).map_or(key, |r| r.label())
}

/// An escalation trigger key as the summary names it ("low_confidence" is
/// "low confidence").
pub fn trigger_label(key: &str) -> &str {
    Trigger::parse(key).map_or(key, |t| t.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_numbers_and_keys_read_as_labels() {
        assert_eq!(points(Some(5.6)).as_deref(), Some("+6 pts"));
        assert_eq!(points(Some(-3.2)).as_deref(), Some("-3 pts"));
        assert_eq!(points(Some(0.2)).as_deref(), Some("= 0 pts"));
        assert_eq!(points(None), None);
        assert_eq!(count_change(3, 1), "+2");
        assert_eq!(count_change(0, 4), "-4");
        assert_eq!(duration_change(Some(-3900)).as_deref(), Some("-1h05"));
        assert_eq!(
            reason_label("wrong_data"),
            "wrong or missing data collected"
        );
        assert_eq!(reason_label("unspecified"), "no reason given");
        assert_eq!(trigger_label("low_confidence"), "low confidence");
        assert_eq!(trigger_label("(none)"), "(none)");
    }
}
