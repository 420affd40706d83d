//! JSON that is not JSON Lines, one record at a time: the elements of a
//! top-level array, or values one after another over many lines (`jq .`
//! output). Each record's exact text and first line are handed on; no more
//! than one record (at most the record limit) is held. The splitter only
//! finds where values begin and end: each value is then parsed on its own,
//! and anything malformed ends the split, for the caller to ask serde_json
//! where a whole read would have stopped.

use std::io::{self, BufRead};
use std::path::Path;

use serde_json::Value;

use super::feed::{ReadEnd, Sink};
use super::input::{self, Limits};
use crate::domain::import::{Line, LineStream};

/// Read the file a value at a time (`array`: the elements of its one
/// array), handing good records to `sink`. Reports are the ones
/// `import::parse` gives reading the file whole.
pub fn read(path: &Path, label: &str, limits: &Limits, array: bool, mut sink: Sink) -> ReadEnd {
    let (file, bom) = match input::open_after_bom(path) {
        Ok(opened) => opened,
        Err(reason) => return ReadEnd::Unreadable(reason),
    };
    let mut split = Splitter::new(file, bom, limits.record, array);
    let mut stream = LineStream::new(label);
    if array {
        stream.array();
    }
    loop {
        let piece = match split.next() {
            Ok(piece) => piece,
            Err(e) => return ReadEnd::Unreadable(e.to_string()),
        };
        match piece {
            Piece::End => break,
            Piece::Value { line, raw } => match stream.value(line, &raw) {
                Ok(Line::Record(r)) if !stream.failed() => {
                    if !sink.push(r) {
                        return ReadEnd::Records(stream.finish(), Default::default());
                    }
                }
                Ok(_) => {}
                Err(_) => return locate(path, array, stream, split.line),
            },
            Piece::Malformed => return locate(path, array, stream, split.line),
            Piece::TooBig { line } => {
                stream.problem(line, limits.record_too_big());
                break;
            }
            Piece::NotUtf8 { offset } => return ReadEnd::Unreadable(input::not_utf8(offset)),
        }
        if stream.too_many_problems() {
            stream.problem(split.line, super::lines::stopped());
            break;
        }
    }
    let warnings = stream.take_warnings();
    sink.finish(!stream.failed());
    ReadEnd::Records(stream.finish(), warnings)
}

/// The file is not JSON from somewhere: find where as serde_json reading
/// it whole would (one value at a time, so still within the record limit),
/// and report that. A broken array is one broken value: its syntax error is
/// its only problem; values before a break in a stream of them keep
/// theirs, as `import::parse` does.
fn locate(path: &Path, array: bool, mut stream: LineStream, near: usize) -> ReadEnd {
    let error = match input::open_after_bom(path) {
        Ok((file, _)) => {
            let mut de = serde_json::Deserializer::from_reader(file);
            if array {
                serde::Deserializer::deserialize_seq(&mut de, Elements)
                    .and_then(|()| de.end())
                    .err()
            } else {
                de.into_iter::<Value>().find_map(Result::err)
            }
        }
        Err(reason) => return ReadEnd::Unreadable(reason),
    };
    if array {
        stream.discard();
    }
    let warnings = if array {
        Default::default()
    } else {
        stream.take_warnings()
    };
    match error {
        Some(e) => stream.syntax_error(&e),
        // serde_json reads it all: the split was wrong, and says where.
        None => stream.problem(near, "not valid JSON near here".to_string()),
    }
    ReadEnd::Records(stream.finish(), warnings)
}

/// An array read one element at a time, each dropped once read.
struct Elements;

impl<'de> serde::de::Visitor<'de> for Elements {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(())
    }
}

/// What [`Splitter::next`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// One value's text, from its first byte to its last, and the line it
    /// starts on.
    Value { line: usize, raw: String },
    /// The end of the input, and nothing malformed before it.
    End,
    /// Not the shape of JSON here (a missing comma, an unclosed object, text
    /// after the array).
    Malformed,
    /// A value longer than the limit, starting on `line`.
    TooBig { line: usize },
    /// A value that is not UTF-8: the offset of the first bad byte.
    NotUtf8 { offset: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Array {
    /// Not an array: values one after another.
    No,
    Open,
    First,
    AfterValue,
    AfterComma,
    Closed,
}

pub struct Splitter<R> {
    input: R,
    /// The line of the next byte, from 1.
    pub line: usize,
    /// The offset of the next byte in the file.
    offset: usize,
    limit: usize,
    array: Array,
}

/// What to do with one byte of a scan.
enum Step {
    Take,
    TakeAndStop,
    StopBefore,
}

/// How a scan ended.
enum Scan {
    Stopped,
    Eof,
    TooBig,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<R: BufRead> Splitter<R> {
    /// Split `input`, which starts `offset` bytes into the file (after a
    /// byte-order mark); `array`: it is one array, whose elements are the
    /// records.
    pub fn new(input: R, offset: usize, limit: usize, array: bool) -> Splitter<R> {
        Splitter {
            input,
            line: 1,
            offset,
            limit,
            array: if array { Array::Open } else { Array::No },
        }
    }

    pub fn next(&mut self) -> io::Result<Piece> {
        loop {
            self.skip_space()?;
            let Some(b) = self.peek()? else {
                return Ok(match self.array {
                    Array::No | Array::Closed => Piece::End,
                    _ => Piece::Malformed,
                });
            };
            match (self.array, b) {
                (Array::No, _) => return self.value(),
                (Array::Open, b'[') => {
                    self.bump();
                    self.array = Array::First;
                }
                (Array::First, b']') | (Array::AfterValue, b']') => {
                    self.bump();
                    self.array = Array::Closed;
                }
                (Array::AfterValue, b',') => {
                    self.bump();
                    self.array = Array::AfterComma;
                }
                (Array::First | Array::AfterComma, _) => {
                    self.array = Array::AfterValue;
                    return self.value();
                }
                _ => return Ok(Piece::Malformed),
            }
        }
    }

    /// One value, from its first byte.
    fn value(&mut self) -> io::Result<Piece> {
        let (line, offset) = (self.line, self.offset);
        let mut raw = Vec::new();
        let first = self.peek()?.unwrap_or(b',');
        let ended = match first {
            b'{' | b'[' => {
                let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
                self.scan(Some(&mut raw), |b| {
                    if in_string {
                        match (escaped, b) {
                            (true, _) => escaped = false,
                            (false, b'\\') => escaped = true,
                            (false, b'"') => in_string = false,
                            _ => {}
                        }
                        return Step::Take;
                    }
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Step::TakeAndStop;
                            }
                        }
                        _ => {}
                    }
                    Step::Take
                })?
            }
            b'"' => {
                let (mut opened, mut escaped) = (false, false);
                self.scan(Some(&mut raw), |b| {
                    match (opened, escaped, b) {
                        (false, _, _) => opened = true,
                        (true, true, _) => escaped = false,
                        (true, false, b'\\') => escaped = true,
                        (true, false, b'"') => return Step::TakeAndStop,
                        _ => {}
                    }
                    Step::Take
                })?
            }
            // A number, true, false, null: up to the next delimiter.
            _ => {
                let ended = self.scan(Some(&mut raw), |b| {
                    if is_space(b) || b",:[]{}\"".contains(&b) {
                        Step::StopBefore
                    } else {
                        Step::Take
                    }
                })?;
                if raw.is_empty() {
                    return Ok(Piece::Malformed);
                }
                match ended {
                    Scan::Eof => Scan::Stopped,
                    other => other,
                }
            }
        };
        match ended {
            Scan::Stopped => {}
            Scan::Eof => return Ok(Piece::Malformed),
            Scan::TooBig => return Ok(Piece::TooBig { line }),
        }
        match String::from_utf8(raw) {
            Ok(raw) => Ok(Piece::Value { line, raw }),
            Err(e) => Ok(Piece::NotUtf8 {
                offset: offset + e.utf8_error().valid_up_to(),
            }),
        }
    }

    fn skip_space(&mut self) -> io::Result<()> {
        self.scan(None, |b| {
            if is_space(b) {
                Step::Take
            } else {
                Step::StopBefore
            }
        })
        .map(drop)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.input.fill_buf()?.first().copied())
    }

    fn bump(&mut self) {
        self.input.consume(1);
        self.offset += 1;
    }

    /// Feed bytes to `step` a buffer at a time, keeping them in `keep`,
    /// until it stops, the input ends, or `keep` outgrows the limit.
    fn scan(
        &mut self,
        mut keep: Option<&mut Vec<u8>>,
        mut step: impl FnMut(u8) -> Step,
    ) -> io::Result<Scan> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(Scan::Eof);
            }
            let mut used = chunk.len();
            let mut stopped = false;
            for (i, &b) in chunk.iter().enumerate() {
                match step(b) {
                    Step::Take => continue,
                    Step::TakeAndStop => used = i + 1,
                    Step::StopBefore => used = i,
                }
                stopped = true;
                break;
            }
            let taken = &chunk[..used];
            self.line += taken.iter().filter(|&&b| b == b'\n').count();
            self.offset += used;
            if let Some(keep) = keep.as_deref_mut() {
                keep.extend_from_slice(taken);
            }
            self.input.consume(used);
            if keep.as_deref().is_some_and(|k| k.len() > self.limit) {
                return Ok(Scan::TooBig);
            }
            if stopped {
                return Ok(Scan::Stopped);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, array: bool, limit: usize) -> Vec<Piece> {
        let mut s = Splitter::new(io::Cursor::new(text.as_bytes().to_vec()), 0, limit, array);
        let mut out = Vec::new();
        loop {
            match s.next() {
                Ok(Piece::End) => return out,
                Ok(p @ (Piece::Malformed | Piece::TooBig { .. } | Piece::NotUtf8 { .. })) => {
                    out.push(p);
                    return out;
                }
                Ok(p) => out.push(p),
                Err(e) => panic!("{e}"),
            }
        }
    }

    fn value(line: usize, raw: &str) -> Piece {
        Piece::Value {
            line,
            raw: raw.into(),
        }
    }

    #[test]
    fn array_elements_with_their_lines_and_exact_text() {
        let text = "[\n  {\"a\": \"x ] } \\\" [\"},\n  {\"b\": [1, 2]} ,\n 3, \"s,\", null\n]\n";
        assert_eq!(
            pieces(text, true, 100),
            [
                value(2, "{\"a\": \"x ] } \\\" [\"}"),
                value(3, "{\"b\": [1, 2]}"),
                value(4, "3"),
                value(4, "\"s,\""),
                value(4, "null"),
            ]
        );
        assert_eq!(pieces("[]", true, 10), []);
        assert_eq!(pieces(" [ ] \n", true, 10), []);
    }

    #[test]
    fn values_one_after_another() {
        let text = "{\"a\": 1}\n{\n  \"b\": 2\n}{\"c\": 3}";
        assert_eq!(
            pieces(text, false, 100),
            [
                value(1, "{\"a\": 1}"),
                value(2, "{\n  \"b\": 2\n}"),
                value(4, "{\"c\": 3}"),
            ]
        );
    }

    #[test]
    fn malformed_shapes_stop_the_split() {
        for text in [
            "[{}",
            "[{} {}]",
            "[{},]",
            "[,{}]",
            "[{}] x",
            "[{}]]",
            "[{\"a\": 1",
        ] {
            let got = pieces(text, true, 100);
            assert_eq!(got.last(), Some(&Piece::Malformed), "{text}: {got:?}");
        }
        assert_eq!(pieces("{} ]", false, 100).last(), Some(&Piece::Malformed));
    }

    #[test]
    fn a_value_over_the_limit_is_cut_off_where_it_starts() {
        let text = format!("[{{}},\n\n{{\"big\": \"{}\"}}]", "x".repeat(50));
        assert_eq!(
            pieces(&text, true, 20),
            [value(1, "{}"), Piece::TooBig { line: 3 }]
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located() {
        let mut bytes = b"[{\"a\": \"".to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b"\"}]");
        let mut s = Splitter::new(io::Cursor::new(bytes), 3, 100, true);
        assert!(matches!(s.next(), Ok(Piece::NotUtf8 { offset: 11 })));
    }
}
