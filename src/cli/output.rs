//! Exit codes, error reporting, and writing to a stdout that may be a pipe.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::store::StoreError;

/// A failure with its exit status. Codes are part of the CLI contract.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

pub const RUNTIME: u8 = 1;
pub const USAGE: u8 = 2;
pub const INVALID_INPUT: u8 = 3;
pub const NOT_FOUND: u8 = 4;
pub const CONFIG: u8 = 78;

/// CSV text from what `write` puts in a writer; any failure says it was
/// the CSV.
pub fn csv_text(
    write: impl FnOnce(&mut ::csv::Writer<Vec<u8>>) -> Result<(), ::csv::Error>,
) -> Result<String, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::runtime(format!("writing CSV: {e}"));
    let mut w = ::csv::Writer::from_writer(Vec::new());
    write(&mut w).map_err(|e| fail(&e))?;
    let bytes = w.into_inner().map_err(|e| fail(&e))?;
    String::from_utf8(bytes).map_err(|e| fail(&e))
}

impl Failure {
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            code: RUNTIME,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: INVALID_INPUT,
            message: message.into(),
        }
    }
    pub fn config(message: impl Into<String>) -> Failure {
        Failure {
            code: CONFIG,
            message: message.into(),
        }
    }
    pub fn report(self) -> ExitCode {
        if self.message.is_empty() {
            // Already reported where it happened (import's ordered report).
        } else if self.code == INVALID_INPUT {
            // FILE:LINE: lines stay bare so editors and grep can jump to them.
            let _ = writeln!(io::stderr(), "{}", self.message);
        } else if !self.message.is_empty() {
            let _ = writeln!(io::stderr(), "handoff: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::NotFound(_) => Failure {
                code: NOT_FOUND,
                message: e.to_string(),
            },
            other => Failure::runtime(other.to_string()),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::runtime(e.to_string())
    }
}

/// Write all of `text` to stdout. A closed pipe (`| head`) is success: the
/// reader got what it wanted.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Failure::runtime(format!("encoding JSON: {e}")))
}
