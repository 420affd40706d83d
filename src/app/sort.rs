//! Sorting the queue by a column. The urgency order (`QueueView::order`) stays
//! the source of truth; another sort reorders only the visible rows, stably,
//! so urgency still breaks ties and placing a saved row stays cheap.

use std::cmp::Ordering;

use crate::domain::queue::{QueueRow, Rows};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    /// SLA breached / at risk first, then priority, tier, wait (the default).
    #[default]
    Urgency,
    Priority,
    /// Longest waiting first.
    Age,
    /// Least confident first (the AI's weakest handoffs are the ones to check).
    Confidence,
    Customer,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Urgency => SortKey::Priority,
            SortKey::Priority => SortKey::Age,
            SortKey::Age => SortKey::Confidence,
            SortKey::Confidence => SortKey::Customer,
            SortKey::Customer => SortKey::Urgency,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Urgency => "urgency",
            SortKey::Priority => "priority",
            SortKey::Age => "age, oldest first",
            SortKey::Confidence => "confidence, lowest first",
            SortKey::Customer => "customer",
        }
    }

    fn compare(self, a: &QueueRow, b: &QueueRow) -> Ordering {
        match self {
            SortKey::Urgency => Ordering::Equal,
            // Declared Urgent, High, Normal, Low: the derived order puts the
            // most urgent first.
            SortKey::Priority => a.priority.cmp(&b.priority),
            SortKey::Age => a.escalated_at.cmp(&b.escalated_at),
            // Unknown confidence sorts last: there is nothing to compare.
            SortKey::Confidence => match (a.confidence, b.confidence) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortKey::Customer => a.customer.to_lowercase().cmp(&b.customer.to_lowercase()),
        }
    }
}

/// Reorder `visible` (indices into `rows`) by `key`, stably (nothing to do
/// for urgency).
pub(super) fn apply(key: SortKey, rows: &Rows, visible: &mut [usize]) {
    if key == SortKey::Urgency {
        return;
    }
    visible.sort_by(|&a, &b| match (rows.get(a), rows.get(b)) {
        (Some(x), Some(y)) => key.compare(x, y),
        _ => Ordering::Equal,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_through_every_key_and_back() {
        let mut k = SortKey::default();
        let mut seen = vec![k];
        for _ in 0..4 {
            k = k.next();
            seen.push(k);
        }
        assert_eq!(k.next(), SortKey::Urgency);
        seen.dedup();
        assert_eq!(seen.len(), 5);
    }

    #[test]
    fn priority_order_puts_the_most_urgent_first() {
        use crate::domain::handoff::Priority;
        let mut all = [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ];
        all.sort();
        assert_eq!(
            all,
            [
                Priority::Urgent,
                Priority::High,
                Priority::Normal,
                Priority::Low
            ]
        );
    }
}
