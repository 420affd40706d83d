//! Application state and the pure `update` that changes it.

pub mod action;
mod actions;
mod apply;
mod bulk;
pub mod effect;
pub mod event;
pub mod external;
mod filter_line;
pub mod keymap;
pub mod keymap_config;
mod modal;
pub mod mouse;
mod navigate;
mod queue_ops;
pub mod queue_view;
pub mod saving;
pub mod sort;
pub mod state;
pub mod update;

#[cfg(test)]
mod actions_tests;
#[cfg(test)]
mod bulk_tests;
#[cfg(test)]
mod external_tests;
#[cfg(test)]
mod modal_tests;
#[cfg(test)]
mod queue_view_tests;
#[cfg(test)]
pub(crate) mod test_harness;
#[cfg(test)]
pub(crate) mod update_tests;

pub use action::Action;
pub use effect::{Done, DraftKind, EditTarget, Effect, Undo, WriteId};
pub use event::{Detail, Event};
pub use modal::palette;
pub use state::{Link, Settings, State};
pub use update::update;
