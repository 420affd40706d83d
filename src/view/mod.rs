//! Where things are on screen, as pure functions of the state and the
//! terminal size: the layout's areas, which row, tab or entry lies under a
//! cell, and the plain text measures both need. `ui` draws with it; `app`
//! pages, scrolls and hit-tests with it, so neither imports the other's
//! internals and a click lands on what is drawn under it.

pub mod help;
pub mod layout;
pub mod lead;
pub mod modal;
pub mod palette;
pub mod queue;
pub mod tabs;
pub mod text;
