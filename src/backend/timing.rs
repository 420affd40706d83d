//! The timing keys every helpdesk's table has — `poll_secs`,
//! `timeout_secs`, `hold_secs`, `backoff_secs`, `max_backoff_secs` — with
//! their defaults and their checks, written once.

use std::time::Duration;

use super::Timing;
use crate::config::{check_secs, secs};

/// A helpdesk table's timing keys, in seconds, as the file gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Secs {
    pub poll: Option<f64>,
    pub timeout: Option<f64>,
    pub hold: Option<f64>,
    pub backoff: Option<f64>,
    pub max_backoff: Option<f64>,
}

impl Secs {
    /// Between incremental refreshes in the workspace [default 60].
    pub fn poll(&self) -> Duration {
        secs(self.poll, 60.0)
    }
    /// Connect, read and total timeout per request [default 15].
    pub fn timeout(&self) -> Duration {
        secs(self.timeout, 15.0)
    }
    /// How long a verdict waits before it is sent [default 10].
    pub fn hold(&self) -> Duration {
        secs(self.hold, 10.0)
    }
    /// First retry delay; doubles per attempt, with jitter [default 2].
    pub fn backoff(&self) -> Duration {
        secs(self.backoff, 2.0)
    }
    /// Longest retry delay [default 300].
    pub fn max_backoff(&self) -> Duration {
        secs(self.max_backoff, 300.0)
    }
    pub fn timing(&self) -> Timing {
        Timing {
            poll: self.poll(),
            hold: self.hold(),
        }
    }
    /// Each key unset or in its range; the message names the first that is not.
    pub fn check(&self) -> Result<(), String> {
        check_secs(&[
            ("poll_secs", self.poll, 1.0),
            ("timeout_secs", self.timeout, 0.1),
            ("backoff_secs", self.backoff, 0.01),
            ("max_backoff_secs", self.max_backoff, 0.01),
            ("hold_secs", self.hold, 0.0),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_ranges() {
        let s = Secs::default();
        assert_eq!(s.poll(), Duration::from_secs(60));
        assert_eq!(s.timeout(), Duration::from_secs(15));
        assert_eq!(s.timing().hold, Duration::from_secs(10));
        assert!(s.check().is_ok());
        let bad = Secs {
            poll: Some(0.5),
            ..Secs::default()
        };
        assert!(bad.check().is_err_and(|e| e.contains("poll_secs")));
        let zero_hold = Secs {
            hold: Some(0.0),
            ..Secs::default()
        };
        assert_eq!(zero_hold.hold(), Duration::ZERO);
        assert!(zero_hold.check().is_ok());
    }
}
