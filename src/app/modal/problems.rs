//! The config file's problems, shown once at start (`Modal::Problems`):
//! read, then any key or a click closes them.

use crate::app::effect::Effect;
use crate::app::state::State;

/// A key closes the list (`modal::on_key` has already taken it off the
/// screen) and does nothing else: the agent is still reading, so a `q` or
/// `b` typed to dismiss it must not quit or flag a handoff.
pub(super) fn on_key(_state: &mut State) -> Vec<Effect> {
    Vec::new()
}
