//! `handoff`: a terminal workspace for humans taking over AI-escalated support
//! conversations. Data flows one way: events → `app::update` → state →
//! `ui::render`; effects (store writes) run in `runtime`.

pub mod app;
pub mod backend;
pub mod cli;
pub mod config;
pub mod domain;
pub mod outbox;
pub mod private;
pub mod runtime;
pub mod store;
pub mod ui;
pub mod view;
pub mod workspace;
