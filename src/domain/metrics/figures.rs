//! The shapes every figure takes: a ratio that keeps its sample size, a
//! distribution (median, p90) with its n, and ranked counts. None of them can
//! produce NaN: an empty sample is `None`, shown as "n/a".

use std::collections::HashMap;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// `numerator` of `denominator` items. The value is `None` when the
/// denominator is zero, never a division by zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    pub fn new(numerator: u64, denominator: u64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }

    /// Count, over `items`, those in the denominator and those of them in
    /// the numerator (numerator items outside the denominator are ignored, so
    /// the ratio never exceeds 1).
    pub fn count<T>(
        items: impl IntoIterator<Item = T>,
        mut in_denominator: impl FnMut(&T) -> bool,
        mut in_numerator: impl FnMut(&T) -> bool,
    ) -> Ratio {
        let mut r = Ratio::default();
        for item in items {
            if in_denominator(&item) {
                r.denominator += 1;
                if in_numerator(&item) {
                    r.numerator += 1;
                }
            }
        }
        r
    }

    /// 0.0..=1.0, or `None` for an empty denominator.
    pub fn value(self) -> Option<f64> {
        // u64 -> f64 loses precision only beyond 2^53 handoffs.
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    pub fn percent(self) -> Option<f64> {
        self.value().map(|v| v * 100.0)
    }

    /// Change in percentage points from `previous`; `None` if either is n/a.
    pub fn change_pts(self, previous: Ratio) -> Option<f64> {
        Some(self.percent()? - previous.percent()?)
    }

    /// Whether the ratio is below `target_percent`, compared exactly in
    /// integers; `None` (no flag) when there is nothing to judge.
    pub fn below(self, target_percent: u8) -> Option<bool> {
        (self.denominator > 0).then(|| {
            u128::from(self.numerator) * 100
                < u128::from(target_percent) * u128::from(self.denominator)
        })
    }

    /// "78% (39/50)", or "n/a (0/0)".
    pub fn display(self) -> String {
        match self.percent() {
            Some(p) => format!("{p:.0}% ({}/{})", self.numerator, self.denominator),
            None => format!("n/a ({}/{})", self.numerator, self.denominator),
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Ratio", 3)?;
        st.serialize_field("numerator", &self.numerator)?;
        st.serialize_field("denominator", &self.denominator)?;
        st.serialize_field("value", &self.value())?;
        st.end()
    }
}

/// Median and 90th percentile (nearest rank) of durations in seconds, with
/// the sample size. Both are `None` when `n` is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Distribution {
    pub n: u64,
    pub median: Option<u64>,
    pub p90: Option<u64>,
}

impl Distribution {
    pub fn of(mut values: Vec<u64>) -> Distribution {
        values.sort_unstable();
        Distribution {
            n: values.len() as u64,
            median: percentile(&values, 50),
            p90: percentile(&values, 90),
        }
    }

    /// Change of the median in seconds (positive = slower); `None` if either is n/a.
    pub fn median_change(self, previous: Distribution) -> Option<i64> {
        let now = i64::try_from(self.median?).ok()?;
        let before = i64::try_from(previous.median?).ok()?;
        Some(now - before)
    }
}

impl Serialize for Distribution {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Distribution", 3)?;
        st.serialize_field("n", &self.n)?;
        st.serialize_field("median_seconds", &self.median)?;
        st.serialize_field("p90_seconds", &self.p90)?;
        st.end()
    }
}

/// Nearest-rank percentile of an ascending slice: the value at 1-based rank
/// ceil(p/100 × n). Always a value that occurred; `None` for an empty slice.
/// With 2 samples the median is the smaller one and p90 the larger.
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p.min(100)) * n).div_ceil(100).max(1);
    let index = usize::try_from(rank - 1).ok()?;
    sorted.get(index).copied()
}

/// How many times one key occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

/// Tallies into counts, largest first; ties by key so output is stable.
pub fn ranked(tally: HashMap<String, u64>) -> Vec<Count> {
    let mut counts: Vec<Count> = tally
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    counts
}

/// The count for `key` in `counts`, 0 when absent (for comparisons).
pub fn count_of(counts: &[Count], key: &str) -> u64 {
    counts.iter().find(|c| c.key == key).map_or(0, |c| c.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominator_is_none_not_nan() {
        let r = Ratio::new(0, 0);
        assert_eq!(r.value(), None);
        assert_eq!(r.display(), "n/a (0/0)");
        assert_eq!(r.below(90), None);
        assert_eq!(r.change_pts(Ratio::new(1, 2)), None);
        let json = serde_json::to_value(r).unwrap_or_default();
        assert_eq!(json["value"], serde_json::Value::Null);
    }

    #[test]
    fn ratio_display_change_and_target() {
        // 39/50 = 78%; 42/50 = 84%; change = 78 - 84 = -6 pts.
        let now = Ratio::new(39, 50);
        let before = Ratio::new(42, 50);
        assert_eq!(now.display(), "78% (39/50)");
        assert_eq!(now.change_pts(before).map(f64::round), Some(-6.0));
        assert_eq!(now.below(85), Some(true));
        // 17/20 = 85% exactly is not below 85%: 1700 < 1700 is false.
        assert_eq!(Ratio::new(17, 20).below(85), Some(false));
    }

    #[test]
    fn count_keeps_numerator_inside_denominator() {
        // Denominator: even numbers 2, 4, 6 (3); numerator: of those, > 3 → 4, 6 (2).
        let r = Ratio::count(1..=6, |n| n % 2 == 0, |n| *n > 3);
        assert_eq!(r, Ratio::new(2, 3));
    }

    #[test]
    fn percentile_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        // n=1: rank ceil(0.5) = 1 and ceil(0.9) = 1 → the only sample.
        assert_eq!(percentile(&[7], 50), Some(7));
        assert_eq!(percentile(&[7], 90), Some(7));
        // n=2: median rank ceil(1.0) = 1 → 10; p90 rank ceil(1.8) = 2 → 20.
        assert_eq!(percentile(&[10, 20], 50), Some(10));
        assert_eq!(percentile(&[10, 20], 90), Some(20));
        // n=10 (1..=10): median rank 5 → 5; p90 rank 9 → 9.
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 50), Some(5));
        assert_eq!(percentile(&ten, 90), Some(9));
        // n=11: median rank ceil(5.5) = 6 → 6; p90 rank ceil(9.9) = 10 → 10.
        let eleven: Vec<u64> = (1..=11).collect();
        assert_eq!(percentile(&eleven, 50), Some(6));
        assert_eq!(percentile(&eleven, 90), Some(10));
    }

    #[test]
    fn distribution_sorts_and_reports_n() {
        let d = Distribution::of(vec![300, 60, 120]);
        // sorted 60, 120, 300: median rank ceil(1.5) = 2 → 120; p90 rank ceil(2.7) = 3 → 300.
        assert_eq!(
            d,
            Distribution {
                n: 3,
                median: Some(120),
                p90: Some(300)
            }
        );
        assert_eq!(Distribution::of(Vec::new()), Distribution::default());
        assert_eq!(d.median_change(Distribution::of(vec![100])), Some(20));
        assert_eq!(d.median_change(Distribution::default()), None);
    }

    #[test]
    fn ranked_is_largest_first_then_by_key() {
        let tally = HashMap::from([
            ("b".to_string(), 2),
            ("a".to_string(), 2),
            ("c".to_string(), 5),
        ]);
        let keys: Vec<String> = ranked(tally).into_iter().map(|c| c.key).collect();
        assert_eq!(keys, ["c", "a", "b"]);
    }
}
