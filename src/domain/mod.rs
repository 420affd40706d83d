//! Pure data and logic: no I/O, no terminal.

pub mod agent;
pub mod change;
pub mod completeness;
pub mod demo;
pub mod duration;
pub mod feedback;
pub mod filter;
pub mod handoff;
pub mod hostile;
pub mod import;
pub mod metrics;
pub mod note_parser;
pub mod problem;
pub mod queue;
pub mod routing;
pub mod sanitize;
pub mod spelling;
pub mod text_dates;
pub mod verdict_marks;

#[cfg(test)]
mod queue_tests;
