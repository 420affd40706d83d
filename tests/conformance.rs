//! The helpdesk conformance suite: every adapter, the same checks, through
//! the real binary against a stand-in of its helpdesk (see
//! tests/conformance/suite.rs). A helpdesk joins with a stand-in in
//! tests/conformance/<name>.rs and one `conformance!` line below.

#[path = "conformance/chatwoot.rs"]
mod chatwoot;
mod common;
#[path = "conformance/intercom.rs"]
mod intercom;
#[path = "conformance/suite.rs"]
mod suite;
#[path = "conformance/zendesk.rs"]
mod zendesk;

use std::sync::Arc;

/// Every check of the suite, for the stand-in `make` builds.
macro_rules! conformance {
    ($module:ident, $make:expr) => {
        mod $module {
            use super::suite;
            use std::sync::Arc;

            fn desk() -> Arc<dyn suite::StandIn> {
                Arc::new($make)
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn pages_past_one_page() {
                suite::pages_past_one_page(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn skips_a_malformed_record_with_a_warning() {
                suite::skips_a_malformed_record_with_a_warning(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_401_fails_and_writes_nothing() {
                suite::a_401_fails_and_writes_nothing(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_404_fails_and_writes_nothing() {
                suite::a_404_fails_and_writes_nothing(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_429_with_a_wait_is_waited_out() {
                suite::a_429_with_a_wait_is_waited_out(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_429_without_a_wait_is_backed_off() {
                suite::a_429_without_a_wait_is_backed_off(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_5xx_is_retried_then_reported() {
                suite::a_5xx_is_retried_then_reported(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_timeout_fails_cleanly() {
                suite::a_timeout_fails_cleanly(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_rate_limited_verdict_waits_then_goes_out_once() {
                suite::a_rate_limited_verdict_waits_then_goes_out_once(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn a_verdict_arrives_exactly_once_across_kill_9() {
                suite::a_verdict_arrives_exactly_once_across_kill_9(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn others_tags_are_kept_and_undo_removes_only_ours() {
                suite::others_tags_are_kept_and_undo_removes_only_ours(desk()).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn the_token_is_sent_and_never_stored() {
                suite::the_token_is_sent_and_never_stored(desk()).await
            }
        }
    };
}

conformance!(chatwoot_conforms, super::chatwoot::Chatwoot::new());
conformance!(intercom_conforms, super::intercom::Intercom::new());
conformance!(zendesk_conforms, super::zendesk::Zendesk::new());

/// Every helpdesk the binary knows has a stand-in here.
#[test]
fn every_helpdesk_is_in_the_suite() {
    let covered: Vec<Arc<dyn suite::StandIn>> = vec![
        Arc::new(chatwoot::Chatwoot::new()),
        Arc::new(intercom::Intercom::new()),
        Arc::new(zendesk::Zendesk::new()),
    ];
    let mut names: Vec<&str> = covered.iter().map(|d| d.name()).collect();
    names.sort();
    let mut known = handoff::backend::registry::names();
    known.sort();
    assert_eq!(names, known);
}
