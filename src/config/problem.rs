//! A config file that failed to load, as the one [`Problem`] it shows.

pub use crate::domain::problem::{Problem, line_of};

use super::ConfigError;

impl Problem {
    /// A config file that failed to load as a whole, as one problem.
    pub fn from_error(e: &ConfigError) -> Problem {
        match e {
            ConfigError::Invalid { path, message } => {
                // `describe_toml_error` starts messages with "line N: ".
                let line = message
                    .strip_prefix("line ")
                    .and_then(|rest| rest.split_once(": "))
                    .and_then(|(n, m)| Some((n.parse().ok()?, m)));
                match line {
                    Some((n, m)) => Problem {
                        file: path.clone(),
                        line: Some(n),
                        message: m.to_string(),
                    },
                    None => Problem {
                        file: path.clone(),
                        line: None,
                        message: message.clone(),
                    },
                }
            }
            ConfigError::Read { path, source } => Problem {
                file: path.clone(),
                line: None,
                message: source.to_string(),
            },
        }
    }
}
