//! What every helpdesk's config table has besides its own keys: the timing
//! keys (`poll_secs`, `timeout_secs`, `hold_secs`, `backoff_secs`,
//! `max_backoff_secs`), their defaults and their checks. Each table keeps
//! the keys as its own fields (serde cannot flatten into a table that
//! refuses unknown keys) and says where they are with [`TimingKeys`].

use std::time::Duration;

use crate::config::{check_secs, secs};

pub trait TimingKeys {
    /// `[poll_secs, timeout_secs, hold_secs, backoff_secs, max_backoff_secs]`
    /// as the table gives them.
    fn timing_keys(&self) -> [Option<f64>; 5];

    /// Between incremental refreshes in the workspace [default 60].
    fn poll(&self) -> Duration {
        secs(self.timing_keys()[0], 60.0)
    }
    /// Connect, read and total timeout per request [default 15].
    fn timeout(&self) -> Duration {
        secs(self.timing_keys()[1], 15.0)
    }
    /// How long a verdict waits before it is sent [default 10].
    fn hold(&self) -> Duration {
        secs(self.timing_keys()[2], 10.0)
    }
    /// First retry delay; doubles per attempt, with jitter [default 2].
    fn backoff(&self) -> Duration {
        secs(self.timing_keys()[3], 2.0)
    }
    /// Longest retry delay [default 300].
    fn max_backoff(&self) -> Duration {
        secs(self.timing_keys()[4], 300.0)
    }
    /// Each key unset or in range; the message names the first that is not.
    fn check_timing(&self) -> Result<(), String> {
        let [poll, timeout, hold, backoff, max_backoff] = self.timing_keys();
        check_secs(&[
            ("poll_secs", poll, 1.0),
            ("timeout_secs", timeout, 0.1),
            ("backoff_secs", backoff, 0.01),
            ("max_backoff_secs", max_backoff, 0.01),
            ("hold_secs", hold, 0.0),
        ])
    }
}
