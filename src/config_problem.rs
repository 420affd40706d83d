//! One thing wrong in a config file, with where it is. Problems that do not
//! stop the program (a bad key binding) are collected and shown, not fatal.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; `None` when the problem is about the whole file.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn at(file: &Path, text: &str, offset: usize, message: String) -> Problem {
        Problem {
            file: file.to_path_buf(),
            line: Some(line_of(text, offset)),
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

impl Problem {
    /// A config file that failed to load as a whole, as one problem.
    pub fn from_error(e: &crate::config::ConfigError) -> Problem {
        use crate::config::ConfigError;
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
