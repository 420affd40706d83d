//! Reading an import a line at a time: the first read of every file (as
//! JSON Lines, storing records as they come), and the passes over a file
//! that turned out not to be JSON Lines. A line is at most the record limit.

use std::io::{self, BufRead};
use std::path::Path;

use super::feed::{ReadEnd, Sink};
use super::input::{self, Limits, Stop};
use crate::domain::import::{Line, LineStream, MAX_PROBLEMS};

/// The reason given when reading stops at [`MAX_PROBLEMS`].
pub fn stopped() -> String {
    format!("stopped reading here after {MAX_PROBLEMS} problems")
}

/// The first read: parse line by line and hand valid records over while the
/// file is still good. A line that is not one of JSON Lines ends it with
/// [`ReadEnd::Again`]; `copied` input is then read to its end first, so
/// its copy is whole for the second read.
pub fn read(
    mut input: Box<dyn BufRead + Send>,
    label: &str,
    limits: &Limits,
    copied: bool,
    mut sink: Sink,
) -> ReadEnd {
    let again = |mut input: Box<dyn BufRead + Send>| {
        if copied && let Err(e) = io::copy(&mut input, &mut io::sink()) {
            return ReadEnd::Unreadable(e.to_string());
        }
        ReadEnd::Again
    };
    let mut stream = LineStream::new(label);
    let mut buf = Vec::new();
    let mut offset = 0;
    loop {
        buf.clear();
        match input::read_line(&mut input, &mut buf, limits.record) {
            Ok(0) => break,
            Ok(_) => {}
            Err(Stop::Io(reason)) => return ReadEnd::Unreadable(reason),
            // A whole array on one line (minified) is read as an array.
            Err(Stop::TooLong) if !stream.started() && opens_array(&buf) => return again(input),
            Err(Stop::TooLong) => {
                stream.problem_line(limits.record_too_big());
                break;
            }
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => return ReadEnd::Unreadable(input::not_utf8(offset + e.valid_up_to())),
        };
        offset += buf.len();
        match stream.line(text) {
            // After a bad record nothing will be kept; the rest is only
            // read for its problems.
            Line::Record(r) if !stream.failed() => {
                // A closed channel: the store failed, and says why.
                if !sink.push(r) {
                    return ReadEnd::Records(stream.finish(), Default::default());
                }
            }
            Line::Record(_) | Line::Nothing => {}
            Line::Whole => return again(input),
        }
        if stream.too_many_problems() {
            stream.problem_line(stopped());
            break;
        }
    }
    let warnings = stream.take_warnings();
    sink.finish(!stream.failed());
    ReadEnd::Records(stream.finish(), warnings)
}

/// Whether the start of the file's first line opens an array.
fn opens_array(line: &[u8]) -> bool {
    let line = line.strip_prefix(input::BOM).unwrap_or(line);
    line.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|&b| b == b'[')
}

/// Why [`each_line`] stopped early.
pub enum Cut {
    /// A line is longer than the record limit.
    TooLong,
    Unreadable(String),
}

/// Call `f` with every line of the file (without `\n`; the first without a
/// byte-order mark) while it returns true.
pub fn each_line(path: &Path, limits: &Limits, mut f: impl FnMut(&str) -> bool) -> Result<(), Cut> {
    let (mut input, mut offset) = input::open_after_bom(path).map_err(Cut::Unreadable)?;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input::read_line(&mut input, &mut buf, limits.record) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(Stop::TooLong) => return Err(Cut::TooLong),
            Err(Stop::Io(reason)) => return Err(Cut::Unreadable(reason)),
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = std::str::from_utf8(line)
            .map_err(|e| Cut::Unreadable(input::not_utf8(offset + e.valid_up_to())))?;
        offset += buf.len();
        if !f(text) {
            return Ok(());
        }
    }
}

/// A file `import::parse` would read line by line although not every line
/// is JSON (it looks like JSON Lines and is not valid JSON as a whole): each
/// line that is not JSON is reported as `parse` reports it. Such a file
/// always has a bad record, so nothing is stored and no sink is needed.
pub fn lenient(path: &Path, label: &str, limits: &Limits) -> ReadEnd {
    let mut stream = LineStream::lenient(label);
    let read = each_line(path, limits, |text| {
        stream.line(text);
        if stream.too_many_problems() {
            stream.problem_line(stopped());
            return false;
        }
        true
    });
    match read {
        Ok(()) => {}
        Err(Cut::TooLong) => stream.problem_line(limits.record_too_big()),
        Err(Cut::Unreadable(reason)) => return ReadEnd::Unreadable(reason),
    }
    let warnings = stream.take_warnings();
    ReadEnd::Records(stream.finish(), warnings)
}
