//! When to try again: jittered exponential backoff, and the receiver's own
//! `Retry-After` when it sends one.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A server may ask for a long pause, but not stall a verdict for days.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(3600);

/// Delay before attempt `attempt + 1`, after `attempt` (1-based) failed:
/// `first * 2^(attempt-1)` capped at `cap`, then "equal jitter" — half fixed,
/// half random — so receivers that come back are not hit by every client at
/// once, yet no retry comes sooner than half the nominal delay.
pub fn delay(attempt: u32, first: Duration, cap: Duration, jitter: f64) -> Duration {
    let exp = attempt.saturating_sub(1).min(30);
    let nominal = first.saturating_mul(1u32 << exp).min(cap);
    let half = nominal / 2;
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    half + half.mul_f64(jitter)
}

/// A number in [0, 1) without a random-number crate: std seeds every
/// `RandomState` with fresh keys, so hashing nothing yields fresh bits.
pub fn jitter() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as seconds ("120") or an HTTP date; `None` if unreadable.
/// A date in the past means "now".
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = DateTime::parse_from_rfc2822(value)
            .ok()?
            .with_timezone(&Utc);
        (at - now).to_std().unwrap_or(Duration::ZERO)
    };
    Some(wait.min(RETRY_AFTER_MAX))
}

/// A rate limit's reset as a Unix time in seconds (`X-RateLimit-Reset`, sent
/// by APIs that count requests in windows instead of `Retry-After`): the
/// wait until then, plus up to a second of `jitter` (0..1) so clients
/// sharing a window do not all come back at its first instant. A time in
/// the past means "now"; `None` if unreadable.
pub fn reset_at(value: &str, now: DateTime<Utc>, jitter: f64) -> Option<Duration> {
    let secs = value.trim().parse::<i64>().ok()?;
    let at = DateTime::from_timestamp(secs, 0)?;
    let wait = (at - now).to_std().unwrap_or(Duration::ZERO);
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    Some((wait + Duration::from_secs_f64(jitter)).min(RETRY_AFTER_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn doubles_up_to_the_cap_with_bounded_jitter() {
        assert_eq!(delay(1, S(5), S(600), 0.0), Duration::from_millis(2500));
        assert_eq!(delay(1, S(5), S(600), 1.0), S(5));
        assert_eq!(delay(3, S(5), S(600), 1.0), S(20));
        assert_eq!(delay(20, S(5), S(600), 1.0), S(600));
        assert_eq!(delay(u32::MAX, S(5), S(600), 0.0), S(300));
        for _ in 0..100 {
            let d = delay(4, S(5), S(600), jitter());
            assert!(d >= S(20) && d <= S(40), "{d:?}");
        }
    }

    #[test]
    fn jitter_varies() {
        let draws: std::collections::HashSet<u64> = (0..20).map(|_| jitter().to_bits()).collect();
        assert!(draws.len() > 10);
        assert!((0..1000).map(|_| jitter()).all(|j| (0.0..1.0).contains(&j)));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(retry_after("2", now), Some(S(2)));
        assert_eq!(retry_after(" 120 ", now), Some(S(120)));
        assert_eq!(
            retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now),
            Some(S(30))
        );
        assert_eq!(
            retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now),
            Some(S(0))
        );
        assert_eq!(retry_after("999999", now), Some(RETRY_AFTER_MAX));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }

    #[test]
    fn a_reset_time_is_waited_for_with_at_most_a_second_more() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T12:00:00.250Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let reset = (now.timestamp() + 30).to_string();
        assert_eq!(
            reset_at(&reset, now, 0.0),
            Some(Duration::from_millis(29_750))
        );
        assert_eq!(
            reset_at(&reset, now, 1.0),
            Some(Duration::from_millis(30_750))
        );
        assert_eq!(
            reset_at(&now.timestamp().to_string(), now, 0.5),
            Some(Duration::from_millis(500))
        );
        assert_eq!(reset_at("99999999999", now, 0.0), Some(RETRY_AFTER_MAX));
        assert_eq!(reset_at("soon", now, 0.0), None);
    }
}
