//! Verdicts leaving the building: the webhook destination, the event it
//! receives, and the delivery that drains the store's outbox table.
//!
//! The store writes an outbox row in the same transaction as the verdict
//! (see `store::outbox`); everything here only reads and updates those rows,
//! so a crash at any point loses nothing and at worst sends an event twice
//! under the same `Idempotency-Key`.

pub mod backoff;
pub mod delivery;
pub mod event;
pub mod slack;
pub mod worker;

pub use crate::config::{Format, WebhookConfig};
pub use delivery::{Attempt, Outcome, Report, client, deliver_due};
pub use event::{EventKind, VerdictEvent};

/// The outbox `destination` of the configured webhook.
pub const WEBHOOK: &str = "webhook";
