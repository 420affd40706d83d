//! Application state and the pure `update` that changes it.

pub mod action;
mod bulk;
pub mod effect;
pub mod event;
pub mod external;
pub mod keymap;
pub mod keymap_config;
pub mod mouse;
pub mod palette;
pub mod saving;
pub mod sort;
pub mod state;
mod team;
pub mod update;

#[cfg(test)]
mod bulk_tests;
#[cfg(test)]
mod external_tests;
#[cfg(test)]
mod test_harness;
#[cfg(test)]
mod update_tests;

pub use action::Action;
pub use effect::{Done, DraftKind, EditTarget, Effect, Undo, WriteId};
pub use event::{Detail, Event};
pub use state::{Link, Settings, State};
pub use update::update;
