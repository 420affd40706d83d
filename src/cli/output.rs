//! Exit codes, error reporting, and writing to a stdout that may be a pipe.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::domain::sanitize::clean;
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

/// A runtime on this thread for a command's network calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("starting the runtime: {e}")))
}

/// The one CSV writer: every cell goes through [`sheet`], so no text that
/// came from a customer, a bot or an agent can run as a spreadsheet formula.
pub struct Sheet(::csv::Writer<Vec<u8>>);

impl Sheet {
    pub fn write_record<I, T>(&mut self, record: I) -> Result<(), ::csv::Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|cell| sheet(cell.as_ref()).into_owned()),
        )
    }
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first) gets a leading apostrophe, which keeps it text
/// (OWASP's advice for CSV injection). Numbers such as `-3` or `-0.25`
/// stay numbers: they cannot be formulas.
pub fn sheet(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// `-12`, `-0.5`, `+3`: a sign, digits, at most one point between digits.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && parts.next().is_none_or(all_digits)
}

/// CSV text from what `write` puts in a [`Sheet`]; any failure says it was
/// the CSV.
pub fn csv_text(
    write: impl FnOnce(&mut Sheet) -> Result<(), ::csv::Error>,
) -> Result<String, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::runtime(format!("writing CSV: {e}"));
    let mut w = Sheet(::csv::Writer::from_writer(Vec::new()));
    write(&mut w).map_err(|e| fail(&e))?;
    let bytes = w.0.into_inner().map_err(|e| fail(&e))?;
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
    /// Ended by signal `number` after putting the terminal back: the
    /// status a shell shows for a process the signal killed, 128 + n.
    pub fn signal(number: i32) -> Failure {
        Failure {
            code: u8::try_from(128 + number).unwrap_or(u8::MAX),
            message: String::new(),
        }
    }
    pub fn report(self) -> ExitCode {
        // Messages echo what they were given (file names, ids, `--since`,
        // text from a file): nothing in them may reach the terminal as an
        // escape sequence.
        let message = clean(&self.message);
        if message.is_empty() {
            // Already reported where it happened (import's ordered report).
        } else if self.code == INVALID_INPUT {
            // FILE:LINE: lines stay bare so editors and grep can jump to them.
            let _ = writeln!(io::stderr(), "{message}");
        } else {
            let _ = writeln!(io::stderr(), "handoff: {message}");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(sheet("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(sheet("@cmd"), "'@cmd");
        assert_eq!(sheet("-2+3"), "'-2+3");
        assert_eq!(sheet("+1 555 0100"), "'+1 555 0100");
        assert_eq!(sheet("\t=1"), "'\t=1");
        assert_eq!(sheet("\r=1"), "'\r=1");
        assert_eq!(sheet("plain = fine"), "plain = fine");
        // Numbers are not formulas, and a figure must stay a figure.
        assert_eq!(sheet("-3"), "-3");
        assert_eq!(sheet("-0.25"), "-0.25");
        assert_eq!(sheet("-"), "'-");
        assert_eq!(sheet("-1."), "'-1.");
    }

    #[test]
    fn every_cell_of_the_writer_is_neutralised() {
        let text = csv_text(|w| w.write_record(["=HYPERLINK(\"x\")", "-7", "@a"]));
        assert_eq!(
            text.ok().as_deref(),
            Some("\"'=HYPERLINK(\"\"x\"\")\",-7,'@a\n")
        );
    }
}
