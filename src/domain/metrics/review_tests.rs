//! The weekly review against the hand-computed scenario in `fixtures`.

use super::Window;
use super::figures::Ratio;
use super::fixtures::{Fx, at, h, scenario, week2};
use super::review::review;
use crate::domain::feedback::Reason;

#[test]
fn clusters_by_reason_and_procedure_largest_first() {
    let r = review(&scenario(), week2());
    // Bad now: B (ai_could_resolve + wrong_data, refunds), C (no reason,
    // login). E is at `to`: excluded. Bad before: Q (ai_could_resolve, refunds).
    assert_eq!((r.flagged, r.previous_flagged), (2, 1));
    assert_eq!(r.handoffs, 4);
    assert_eq!(r.verdict_coverage, Ratio::new(3, 4));
    let keys: Vec<(&str, Option<&str>, u64, u64)> = r
        .clusters
        .iter()
        .map(|c| (c.reason_key(), c.procedure.as_deref(), c.count, c.previous))
        .collect();
    // All three hold 1 now. wrong_data×refunds and unspecified×login grew
    // by 1 (0 → 1); ai_could_resolve×refunds stayed (1 → 1) so comes last;
    // among the two that grew, the named reason before "unspecified".
    assert_eq!(
        keys,
        [
            ("wrong_data", Some("refunds"), 1, 0),
            ("unspecified", Some("login"), 1, 0),
            ("ai_could_resolve", Some("refunds"), 1, 1),
        ]
    );
    assert_eq!(r.clusters[2].change(), 0);
    // B appears in both of its reasons' clusters, carrying every reason.
    for i in [0, 2] {
        let items = &r.clusters[i].handoffs;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id, "B");
        assert_eq!(
            items[0].reasons,
            [Reason::AiCouldResolve, Reason::WrongData]
        );
        assert_eq!(items[0].note.as_deref(), Some("note on B"));
        assert_eq!(items[0].procedure_version.as_deref(), Some("v3"));
    }
    assert_eq!(r.clusters[1].handoffs[0].id, "C");
    assert_eq!(r.clusters[1].reason_label(), "no reason given");
}

#[test]
fn a_cluster_only_in_the_previous_window_shows_as_a_drop() {
    // Last week two misrouted refunds; this week one wrong_data refund.
    let hs = [
        h("old1", at(1, 0))
            .procedure("refunds", "v3")
            .bad(&[Reason::Misrouted]),
        h("old2", at(2, 0))
            .procedure("refunds", "v3")
            .bad(&[Reason::Misrouted]),
        h("new", at(8, 0))
            .procedure("refunds", "v4")
            .bad(&[Reason::WrongData]),
    ];
    let r = review(&hs, week2());
    let keys: Vec<(&str, u64, u64, i64)> = r
        .clusters
        .iter()
        .map(|c| (c.reason_key(), c.count, c.previous, c.change()))
        .collect();
    // wrong_data: 1 now, 0 before (+1); misrouted: 0 now, 2 before (-2).
    assert_eq!(keys, [("wrong_data", 1, 0, 1), ("misrouted", 0, 2, -2)]);
    assert!(r.clusters[1].handoffs.is_empty());
}

#[test]
fn an_empty_window_has_no_clusters() {
    let r = review(&scenario(), Window::new(at(30, 0), at(37, 0)));
    assert_eq!((r.handoffs, r.flagged, r.previous_flagged), (0, 0, 0));
    assert!(r.clusters.is_empty());
    assert_eq!(r.verdict_coverage.value(), None);
}
