//! Reading handoffs in the public import format (docs/handoff-format.md,
//! docs/handoff.schema.json).
//!
//! A file is a JSON object, a JSON array of objects, or JSON Lines. Parsing is
//! all or nothing: either every record is valid and all are returned, or every
//! problem in every bad record is reported as `FILE:LINE: field: reason`, so a
//! bot builder fixes a whole export in one pass instead of one error per run.
//!
//! Text is cleaned here, once, at ingestion (`sanitize`); the record's original
//! JSON text is kept beside the handoff for audit.
//!
//! Fields the format does not define are ignored (newer producers must keep
//! working) but reported as warnings, `FILE:LINE: warning: field: reason`,
//! with the known field the producer probably meant: a misplaced or
//! misspelled field otherwise imports "fine" and silently loses its value.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use super::handoff::{
    AiInfo, Attempt, Author, Collected, Customer, Escalation, Handoff, Message, Priority, Promise,
    Routing, Source, Status, Summary, Technical, Trigger,
};
use super::note_parser::parse_note;
use super::sanitize::{clean, clean_line};
use super::spelling::{closeness, normalise};

/// One imported record: the cleaned handoff and the raw JSON kept for audit.
#[derive(Debug, Clone)]
pub struct Imported {
    pub handoff: Handoff,
    /// The record's JSON exactly as it appeared in the file (uncleaned).
    pub raw: String,
}

/// A problem with one record, reported as `FILE:LINE: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line where the record starts (for syntax errors: where
    /// the JSON parser stopped).
    pub line: usize,
    /// Path of the offending field (`summary.confidence`, `transcript[2].at`),
    /// `json` for syntax errors, `-` for the record or file as a whole.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// A field the format does not define: ignored, and the record still
/// imports. Reported as `FILE:LINE: warning: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    pub file: String,
    /// 1-based line where the record starts.
    pub line: usize,
    /// Path of the unknown field (`ai.confidence`, `transcript[2].autor`).
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: warning: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// The warnings of one file. Only the first record with each unknown field
/// is kept, and at most [`WARNINGS_KEPT`] of those; the rest are counted: a
/// producer that adds its own field to all of a 100k-record export gets one
/// line, not 100k held in memory, and a real typo further down still shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings {
    pub kept: Vec<ImportWarning>,
    /// Every warning, kept or not.
    pub total: usize,
}

/// See [`Warnings`]: about a screenful.
pub const WARNINGS_KEPT: usize = 20;

/// Problems a streamed file gathers before its reader stops: past them
/// the file is not stored anyway, and an endless input (`yes '{…}'`) would
/// otherwise collect one per line without end.
pub const MAX_PROBLEMS: usize = 1000;

/// Ids longer than this (in characters, after cleaning) are rejected: an id is
/// shown in lists and used as a key, not a place for prose.
pub const MAX_ID_CHARS: usize = 200;

/// Every top-level field the parser reads. Anything else in a record is
/// ignored so newer producers work with older readers. Kept equal to the
/// schema's `properties` by a test.
pub const FIELDS: &[&str] = &[
    "id",
    "created_at",
    "escalated_at",
    "channel",
    "language",
    "status",
    "customer",
    "ai",
    "summary",
    "note",
    "routing",
    "transcript",
];

// Fields of the nested objects; each must match the schema's `$defs` (tested).
const CUSTOMER_FIELDS: &[&str] = &[
    "name",
    "email",
    "plan",
    "account_age_days",
    "lifetime_value",
    "flags",
    "previous_escalations",
];
const AI_FIELDS: &[&str] = &["agent", "procedure", "procedure_version"];
const SUMMARY_FIELDS: &[&str] = &[
    "issue",
    "intent",
    "collected",
    "findings",
    "attempted",
    "escalation",
    "confidence",
    "sentiment",
    "next_step",
    "promised",
    "page",
    "technical",
];
const COLLECTED_FIELDS: &[&str] = &["label", "value", "source"];
const ATTEMPT_FIELDS: &[&str] = &["action", "outcome"];
const ESCALATION_FIELDS: &[&str] = &["trigger", "detail"];
const PROMISE_FIELDS: &[&str] = &["text", "due_at"];
const TECHNICAL_FIELDS: &[&str] = &["error", "client"];
const ROUTING_FIELDS: &[&str] = &["team", "skills", "priority", "assignee", "sla_due_at"];
const MESSAGE_FIELDS: &[&str] = &["at", "author", "name", "text", "private"];

/// Where each field list applies, to suggest the right place for a field
/// written at the wrong level (`ai.confidence` -> `summary.confidence`).
const LEVELS: &[(&str, &[&str])] = &[
    ("", FIELDS),
    ("customer", CUSTOMER_FIELDS),
    ("ai", AI_FIELDS),
    ("summary", SUMMARY_FIELDS),
    ("summary.collected[]", COLLECTED_FIELDS),
    ("summary.attempted[]", ATTEMPT_FIELDS),
    ("summary.escalation", ESCALATION_FIELDS),
    ("summary.promised", PROMISE_FIELDS),
    ("summary.technical", TECHNICAL_FIELDS),
    ("routing", ROUTING_FIELDS),
    ("transcript[]", MESSAGE_FIELDS),
];

const SOURCES: [Source; 3] = [Source::Customer, Source::Lookup, Source::Page];
const AUTHORS: [Author; 4] = [Author::Customer, Author::Ai, Author::Agent, Author::System];

/// Parse a whole file (JSON object, JSON array or JSON Lines). Either every
/// record is valid and all are returned, or every bad record is reported.
///
/// A file with nothing but whitespace is an error (`no handoffs in file`,
/// almost always a wrong path or a failed export); an explicit empty array
/// `[]` is a valid, empty batch.
pub fn parse(file: &str, text: &str) -> Result<Vec<Imported>, Vec<ImportError>> {
    parse_with_warnings(file, text).0
}

/// [`parse`], plus the file's unknown fields (reported whether or not the
/// file is valid: a misspelled required field shows up as both).
pub fn parse_with_warnings(
    file: &str,
    text: &str,
) -> (Result<Vec<Imported>, Vec<ImportError>>, Warnings) {
    let mut batch = Batch::new(file);
    // Editors on Windows like to write a BOM; serde_json rejects it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(start) = text.find(|c: char| !c.is_ascii_whitespace()) else {
        let e = batch.error(1, "-", "no handoffs in file".to_string());
        return (Err(vec![e]), Warnings::default());
    };

    let (records, syntax) = split(text, start);
    for (line, reason) in syntax {
        let e = batch.error(line, "json", reason);
        batch.errors.push(e);
    }
    let mut imported = Vec::with_capacity(records.len());
    for record in records {
        imported.extend(batch.record(record.line, &record.value, record.raw));
    }
    let warnings = std::mem::take(&mut batch.warnings);
    (batch.finish().map(|_| imported), warnings)
}

/// What a file's records have in common while they are read: the errors so
/// far and the ids seen (a duplicate id is an error), whether the records
/// come from a whole text (`parse`) or a line at a time (`LineStream`).
struct Batch {
    file: String,
    errors: Vec<ImportError>,
    seen: HashMap<String, usize>,
    warnings: Warnings,
    /// Fields already warned about (array positions dropped), while
    /// warnings are still kept.
    warned: HashSet<String>,
}

impl Batch {
    fn new(file: &str) -> Batch {
        Batch {
            file: file.to_string(),
            errors: Vec::new(),
            seen: HashMap::new(),
            warnings: Warnings::default(),
            warned: HashSet::new(),
        }
    }

    fn error(&self, line: usize, field: &str, reason: String) -> ImportError {
        ImportError {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            reason,
        }
    }

    /// Validate one record starting on `line`: the handoff, or its problems
    /// recorded.
    fn record(&mut self, line: usize, value: &Value, raw: String) -> Option<Imported> {
        let Converted {
            id,
            result,
            warnings,
        } = convert(value);
        for (field, reason) in warnings {
            self.warn(line, field, reason);
        }
        let imported = match result {
            Ok(handoff) => Some(Imported { handoff, raw }),
            Err(problems) => {
                for (field, reason) in problems {
                    let e = self.error(line, &field, reason);
                    self.errors.push(e);
                }
                None
            }
        };
        if let Some(id) = id {
            match self.seen.get(&id) {
                Some(first) => {
                    let e = self.error(line, "id", format!("duplicate of line {first}"));
                    self.errors.push(e);
                }
                None => {
                    self.seen.insert(id, line);
                }
            }
        }
        imported
    }

    /// Count a warning; keep it if it is the first for its field and there
    /// is room.
    fn warn(&mut self, line: usize, field: String, reason: String) {
        self.warnings.total += 1;
        if self.warnings.kept.len() >= WARNINGS_KEPT {
            return;
        }
        // `transcript[0].x` and `transcript[1].x` are the same mistake.
        let mut same = String::with_capacity(field.len());
        let mut in_index = false;
        for ch in field.chars() {
            match ch {
                '[' => in_index = true,
                ']' => in_index = false,
                _ if in_index => continue,
                _ => {}
            }
            same.push(ch);
        }
        if self.warned.insert(same) {
            self.warnings.kept.push(ImportWarning {
                file: self.file.clone(),
                line,
                field,
                reason,
            });
        }
    }

    fn finish(mut self) -> Result<(), Vec<ImportError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            // Syntax errors are found before validation; report in file order.
            self.errors.sort_by_key(|e| e.line);
            Err(self.errors)
        }
    }
}

/// A file read one line at a time, for importing large JSON Lines files
/// without holding them (or 100k parsed records) in memory: the caller
/// stores each record as it comes, in one transaction, and keeps it only if
/// [`finish`](Self::finish) finds no bad record.
///
/// It gives exactly what [`parse`] gives on the same text as long as every
/// line that is not blank holds one whole JSON value: then the stream of
/// values `parse` reads is those lines, with the same lines and raw text.
/// Anything else (an array, a value over several lines, a syntax error) is
/// [`Line::Whole`]: the caller gives `parse` the whole text, so those files
/// keep their exact reports, syntax errors included.
pub struct LineStream {
    batch: Batch,
    line: usize,
    records: usize,
    any: bool,
    /// Lines that are not JSON are syntax errors, not [`Line::Whole`].
    lenient: bool,
}

/// What one line of a [`LineStream`] held.
#[derive(Debug)]
pub enum Line {
    /// A valid record, to store.
    Record(Box<Imported>),
    /// Blank, or a bad record (kept for [`LineStream::finish`]).
    Nothing,
    /// Not a line of JSON Lines: read the file with [`parse`] instead.
    Whole,
}

impl LineStream {
    pub fn new(file: &str) -> LineStream {
        LineStream {
            batch: Batch::new(file),
            line: 0,
            records: 0,
            any: false,
            lenient: false,
        }
    }

    /// For a file `parse` would read line by line (it [looks like JSON
    /// Lines](JsonlShape) and is not valid JSON as a whole): a line that is
    /// not JSON is reported as `parse` reports it, and reading goes on.
    /// Such a file always has a bad record, so nothing from it is stored.
    pub fn lenient(file: &str) -> LineStream {
        LineStream {
            lenient: true,
            ..LineStream::new(file)
        }
    }

    /// The next line of the file, without its `\n`.
    pub fn line(&mut self, text: &str) -> Line {
        self.line += 1;
        let text = if self.line == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        let trimmed = text.trim_matches(JSON_WS);
        if trimmed.is_empty() {
            return Line::Nothing;
        }
        if !self.any && !self.lenient && trimmed.starts_with('[') {
            return Line::Whole;
        }
        self.any = true;
        let value = match serde_json::from_str::<Value>(trimmed) {
            Ok(value) => value,
            Err(e) if self.lenient => {
                let e = self.batch.error(self.line, "json", syntax_reason(&e));
                self.batch.errors.push(e);
                return Line::Nothing;
            }
            Err(_) => return Line::Whole,
        };
        match self.batch.record(self.line, &value, trimmed.to_string()) {
            Some(imported) => {
                self.records += 1;
                Line::Record(Box::new(imported))
            }
            None => Line::Nothing,
        }
    }

    /// One whole JSON value of the file, starting on `line`, that is not a
    /// line of JSON Lines: an element of a top-level array, or one of
    /// several values over many lines. Its text as in the file (the raw
    /// record); an error if it is not valid JSON, for the caller to find
    /// where the file goes wrong as a whole read would say.
    pub fn value(&mut self, line: usize, raw: &str) -> Result<Line, serde_json::Error> {
        self.any = true;
        let value = serde_json::from_str::<Value>(raw)?;
        Ok(match self.batch.record(line, &value, raw.to_string()) {
            Some(imported) => {
                self.records += 1;
                Line::Record(Box::new(imported))
            }
            None => Line::Nothing,
        })
    }

    /// A problem with the file itself at `line` (a record over a size
    /// limit, reading stopped): nothing from the file will be stored.
    pub fn problem(&mut self, line: usize, reason: String) {
        self.any = true;
        let e = self.batch.error(line, "-", reason);
        self.batch.errors.push(e);
    }

    /// The next line of the file is a problem of its own (see `problem`).
    pub fn problem_line(&mut self, reason: String) {
        self.line += 1;
        self.problem(self.line, reason);
    }

    /// Where the file stops being JSON, as serde_json reading it whole says.
    pub fn syntax_error(&mut self, e: &serde_json::Error) {
        let e = self.batch.error(e.line().max(1), "json", syntax_reason(e));
        self.batch.errors.push(e);
    }

    /// Forget the records, problems and warnings so far: a file that is one
    /// JSON value (an array) and is broken gets its syntax error alone, as
    /// a whole read reports it.
    pub fn discard(&mut self) {
        let file = std::mem::take(&mut self.batch.file);
        self.batch = Batch::new(&file);
        self.records = 0;
    }

    /// Whether any line so far held something (a blank file has nothing).
    pub fn started(&self) -> bool {
        self.any
    }

    /// The file is one array: `[]` is an empty batch, not an empty file.
    pub fn array(&mut self) {
        self.any = true;
    }

    /// Whether [`MAX_PROBLEMS`] have been found: time to stop reading.
    pub fn too_many_problems(&self) -> bool {
        self.batch.errors.len() >= MAX_PROBLEMS
    }

    /// The unknown fields seen so far (taken: call it once, at the end).
    pub fn take_warnings(&mut self) -> Warnings {
        self.batch.warned.clear();
        std::mem::take(&mut self.batch.warnings)
    }

    /// Whether a bad record has been seen: the file will not be stored, so
    /// records after it need not be written.
    pub fn failed(&self) -> bool {
        !self.batch.errors.is_empty()
    }

    /// After the last line: the number of records, or every problem.
    pub fn finish(self) -> Result<usize, Vec<ImportError>> {
        if !self.any {
            return Err(vec![self.batch.error(
                1,
                "-",
                "no handoffs in file".to_string(),
            )]);
        }
        let records = self.records;
        self.batch.finish().map(|_| records)
    }
}

/// Validate, clean and convert one record already in memory (a backend
/// adapter builds records in this format): the same checks, cleaning, note
/// parsing and merge as a file import. Errors are `field: reason`.
pub fn from_value(value: &Value) -> Result<Handoff, Vec<String>> {
    convert(value).result.map_err(|problems| {
        problems
            .into_iter()
            .map(|(f, r)| format!("{f}: {r}"))
            .collect()
    })
}

/// Move every timestamp of a handoff by `by` (the demo seeder makes fixed
/// sample data relative to now). A time that would overflow stays as it was.
pub fn shift_times(h: &mut Handoff, by: TimeDelta) {
    fn shift(t: &mut DateTime<Utc>, by: TimeDelta) {
        if let Some(moved) = t.checked_add_signed(by) {
            *t = moved;
        }
    }
    if let Some(t) = h.created_at.as_mut() {
        shift(t, by);
    }
    shift(&mut h.escalated_at, by);
    if let Some(t) = h.summary.promised.as_mut().and_then(|p| p.due_at.as_mut()) {
        shift(t, by);
    }
    if let Some(t) = h.routing.sla_due_at.as_mut() {
        shift(t, by);
    }
    for m in &mut h.transcript {
        shift(&mut m.at, by);
    }
}

// ---------------------------------------------------------------------------
// Splitting a file into records
// ---------------------------------------------------------------------------

struct Record {
    line: usize,
    value: Value,
    raw: String,
}

/// Byte offsets of line starts, to turn offsets into 1-based line numbers.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).max(1)
    }
}

/// The records of a file plus its syntax errors as (line, reason).
fn split(text: &str, start: usize) -> (Vec<Record>, Vec<(usize, String)>) {
    let lines = LineIndex::new(text);
    if text[start..].starts_with('[') {
        return split_array(text, start, &lines);
    }
    // One object, several concatenated objects, or JSON Lines: a stream
    // parser handles all three when the text is valid.
    let mut records = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let before = stream.byte_offset();
        match stream.next() {
            None => return (records, Vec::new()),
            Some(Ok(value)) => {
                let end = stream.byte_offset();
                let gap = text
                    .get(before..end)
                    .map_or(0, |s| s.len() - s.trim_start_matches(JSON_WS).len());
                let begin = before + gap;
                let raw = text
                    .get(begin..end)
                    .map_or_else(|| value.to_string(), str::to_string);
                records.push(Record {
                    line: lines.line_of(begin),
                    value,
                    raw,
                });
            }
            Some(Err(e)) => {
                // A stream cannot resynchronise after a syntax error; JSON
                // Lines can, one line at a time, so every bad line is found.
                if looks_like_jsonl(text) {
                    return split_lines(text);
                }
                return (records, vec![(e.line().max(1), syntax_reason(&e))]);
            }
        }
    }
}

const JSON_WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// JSON Lines if the first line is a complete value by itself, or if there are
/// several lines and either every one starts an object or at least half of
/// them are complete objects. A pretty-printed object fails all three: its
/// lines start with `"` or `}` and are rarely whole objects, so its syntax
/// error is reported once instead of once per line.
fn looks_like_jsonl(text: &str) -> bool {
    let mut shape = JsonlShape::default();
    text.lines().for_each(|l| shape.line(l));
    shape.is_jsonl()
}

/// [`looks_like_jsonl`] a line at a time, so `handoff import` can decide it
/// over a file it does not hold in memory: feed it every line of the text
/// (after a byte-order mark), then ask.
#[derive(Debug, Default)]
pub struct JsonlShape {
    lines: usize,
    first_complete: bool,
    all_open_objects: bool,
    whole_objects: usize,
}

impl JsonlShape {
    pub fn line(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || (self.lines > 0 && self.first_complete) {
            // Decided by the first line; the rest need not be parsed.
            self.lines += usize::from(!line.is_empty());
            return;
        }
        let value = serde_json::from_str::<Value>(line);
        self.lines += 1;
        if self.lines == 1 {
            self.first_complete = value.is_ok();
            self.all_open_objects = true;
        }
        self.all_open_objects &= line.starts_with('{');
        self.whole_objects += usize::from(value.is_ok_and(|v| v.is_object()));
    }

    pub fn is_jsonl(&self) -> bool {
        match self.lines {
            0 => false,
            _ if self.first_complete => true,
            1 => false,
            n => self.all_open_objects || 2 * self.whole_objects >= n,
        }
    }
}

fn split_lines(text: &str) -> (Vec<Record>, Vec<(usize, String)>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim_matches(JSON_WS);
        if trimmed.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(trimmed) {
            Ok(value) => records.push(Record {
                line: line_no,
                value,
                raw: trimmed.to_string(),
            }),
            Err(e) => errors.push((line_no, syntax_reason(&e))),
        }
    }
    (records, errors)
}

fn split_array(text: &str, start: usize, lines: &LineIndex) -> (Vec<Record>, Vec<(usize, String)>) {
    let items = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        // The text starts with `[`, so valid JSON is an array.
        Ok(other) => {
            return (
                vec![Record {
                    line: lines.line_of(start),
                    raw: other.to_string(),
                    value: other,
                }],
                Vec::new(),
            );
        }
        Err(e) => return (Vec::new(), vec![(e.line().max(1), syntax_reason(&e))]),
    };
    let spans = element_spans(text, start);
    let spans_fit = spans.len() == items.len();
    let records = items
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let span = spans.get(i).filter(|_| spans_fit);
            let raw = span
                .and_then(|&(s, e)| text.get(s..e))
                .map_or_else(|| value.to_string(), str::to_string);
            let line = lines.line_of(span.map_or(start, |&(s, _)| s));
            Record { line, value, raw }
        })
        .collect();
    (records, Vec::new())
}

/// Byte spans of the elements of the top-level array opening at `open`. Only
/// called on text serde_json accepted, so it need not validate: it tracks
/// string/escape state and nesting depth to find the commas that separate
/// elements. Works on bytes: in UTF-8 no byte of a multi-byte character
/// equals an ASCII delimiter.
fn element_spans(text: &str, open: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start: Option<usize> = None;
    let mut end = open;
    for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            end = i + 1;
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b',' if depth == 0 => {
                if let Some(s) = start.take() {
                    spans.push((s, end));
                }
                continue;
            }
            b']' | b'}' if depth == 0 => {
                if let Some(s) = start.take() {
                    spans.push((s, end));
                }
                break;
            }
            b']' | b'}' => depth -= 1,
            b'[' | b'{' => {
                start.get_or_insert(i);
                depth += 1;
            }
            b'"' => {
                start.get_or_insert(i);
                in_string = true;
            }
            _ => {
                start.get_or_insert(i);
            }
        }
        end = i + 1;
    }
    spans
}

/// serde_json's message without its " at line L column C" tail (the line is
/// already in the report), with the column kept for long lines.
fn syntax_reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&tail).unwrap_or(&full);
    if e.line() == 0 {
        format!("not valid JSON: {message}")
    } else {
        format!("not valid JSON: {message} (column {})", e.column())
    }
}

// ---------------------------------------------------------------------------
// Validating one record
// ---------------------------------------------------------------------------

/// An object being read, with its path for error messages and the fields it
/// may be asked for (checked in debug builds so the field lists, and through
/// them the schema, cannot silently miss a field the code reads).
struct Obj<'v> {
    map: &'v Map<String, Value>,
    path: String,
    known: &'static [&'static str],
}

impl<'v> Obj<'v> {
    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; `null` counts as absent, as producers in many
    /// languages write it for "no value".
    fn get(&self, key: &'static str) -> Option<&'v Value> {
        debug_assert!(self.known.contains(&key), "{key} missing from field list");
        self.map.get(key).filter(|v| !v.is_null())
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value as JSON for an error message: quoted, control characters escaped
/// by JSON and the rest cleaned (error text reaches a terminal too), and cut
/// short so one huge field does not flood the report.
fn show(v: &Value) -> String {
    const MAX: usize = 60;
    let text = clean_line(&v.to_string());
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn wrong_type(expected: &str, v: &Value) -> String {
    match v {
        Value::Array(_) | Value::Object(_) | Value::Null => {
            format!("expected {expected}, found {}", kind(v))
        }
        _ => format!("expected {expected}, found {} {}", kind(v), show(v)),
    }
}

/// Collects (field path, reason) for one record.
#[derive(Default)]
struct Check {
    errors: Problems,
    /// Unknown fields: ignored, but worth telling the producer about.
    warnings: Problems,
}

impl Check {
    /// Note the fields of `o` that the parser does not read. Runs on every
    /// object of every record, so the common case (all fields known) only
    /// compares each key with a dozen short names and allocates nothing.
    fn unknown_fields(&mut self, o: &Obj<'_>) {
        for key in o.map.keys() {
            if !o.known.contains(&key.as_str()) {
                let reason = match suggest(key, o) {
                    Some(known) => {
                        format!("not a handoff field, ignored (did you mean {known}?)")
                    }
                    None => "not a handoff field, ignored".to_string(),
                };
                self.warnings.push((o.path(&show_key(key)), reason));
            }
        }
    }

    fn fail(&mut self, path: String, reason: String) {
        self.errors.push((path, reason));
    }

    fn present(&mut self, o: &Obj<'_>, key: &'static str) -> bool {
        let ok = o.get(key).is_some();
        if !ok {
            self.fail(o.path(key), "is required".to_string());
        }
        ok
    }

    fn string(&mut self, o: &Obj<'_>, key: &'static str) -> Option<String> {
        match o.get(key)? {
            Value::String(s) => Some(s.clone()),
            v => {
                self.fail(o.path(key), wrong_type("a string", v));
                None
            }
        }
    }

    fn req_string(&mut self, o: &Obj<'_>, key: &'static str) -> Option<String> {
        if self.present(o, key) {
            self.string(o, key)
        } else {
            None
        }
    }

    fn boolean(&mut self, o: &Obj<'_>, key: &'static str) -> Option<bool> {
        match o.get(key)? {
            Value::Bool(b) => Some(*b),
            v => {
                self.fail(o.path(key), wrong_type("true or false", v));
                None
            }
        }
    }

    fn time(&mut self, o: &Obj<'_>, key: &'static str) -> Option<DateTime<Utc>> {
        let v = o.get(key)?;
        let Value::String(s) = v else {
            self.fail(o.path(key), wrong_type("an RFC 3339 time string", v));
            return None;
        };
        match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                self.fail(
                    o.path(key),
                    format!(
                        "{} is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)",
                        show(v)
                    ),
                );
                None
            }
        }
    }

    fn req_time(&mut self, o: &Obj<'_>, key: &'static str) -> Option<DateTime<Utc>> {
        if self.present(o, key) {
            self.time(o, key)
        } else {
            None
        }
    }

    /// A string that must be one of `all` (by `name`), exactly: the schema
    /// lists the same values, and a near miss is better reported than guessed.
    fn choice<T: Copy>(
        &mut self,
        o: &Obj<'_>,
        key: &'static str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let v = o.get(key)?;
        let Value::String(s) = v else {
            self.fail(o.path(key), wrong_type("a string", v));
            return None;
        };
        let found = all.iter().copied().find(|t| name(*t) == s);
        if found.is_none() {
            let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
            self.fail(
                o.path(key),
                format!("{} is not one of {}", show(v), names.join(", ")),
            );
        }
        found
    }

    fn req_choice<T: Copy>(
        &mut self,
        o: &Obj<'_>,
        key: &'static str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        if self.present(o, key) {
            self.choice(o, key, all, name)
        } else {
            None
        }
    }

    fn number(&mut self, o: &Obj<'_>, key: &'static str) -> Option<f64> {
        match o.get(key)? {
            Value::Number(n) => n.as_f64(),
            v => {
                self.fail(o.path(key), wrong_type("a number", v));
                None
            }
        }
    }

    /// A count: a whole number that fits u32. `12.0` is accepted because JSON
    /// Schema's `integer` accepts it.
    fn count(&mut self, o: &Obj<'_>, key: &'static str) -> Option<u32> {
        let v = o.get(key)?;
        let Value::Number(n) = v else {
            self.fail(o.path(key), wrong_type("a whole number", v));
            return None;
        };
        let whole = n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
                .map(|f| f as u64)
        });
        let fits = whole.and_then(|w| u32::try_from(w).ok());
        if fits.is_none() {
            self.fail(
                o.path(key),
                format!("{n} is not a whole number from 0 to {}", u32::MAX),
            );
        }
        fits
    }

    fn confidence(&mut self, o: &Obj<'_>, key: &'static str) -> Option<f64> {
        let n = self.number(o, key)?;
        if (0.0..=1.0).contains(&n) {
            Some(n)
        } else {
            let shown = o.get(key).map_or_else(|| n.to_string(), show);
            self.fail(o.path(key), format!("{shown} is outside 0..1"));
            None
        }
    }

    fn object<'v>(
        &mut self,
        o: &Obj<'v>,
        key: &'static str,
        known: &'static [&'static str],
    ) -> Option<Obj<'v>> {
        let v = o.get(key)?;
        self.as_object(v, o.path(key), known)
    }

    fn as_object<'v>(
        &mut self,
        v: &'v Value,
        path: String,
        known: &'static [&'static str],
    ) -> Option<Obj<'v>> {
        match v {
            Value::Object(map) => {
                let o = Obj { map, path, known };
                self.unknown_fields(&o);
                Some(o)
            }
            v => {
                self.fail(path, wrong_type("an object", v));
                None
            }
        }
    }

    /// The elements of an array field with their paths (`transcript[2]`).
    fn array<'v>(&mut self, o: &Obj<'v>, key: &'static str) -> Vec<(String, &'v Value)> {
        let Some(v) = o.get(key) else {
            return Vec::new();
        };
        let path = o.path(key);
        match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}[{i}]"), item))
                .collect(),
            v => {
                self.fail(path, wrong_type("an array", v));
                Vec::new()
            }
        }
    }

    fn strings(&mut self, o: &Obj<'_>, key: &'static str) -> Vec<String> {
        let mut out = Vec::new();
        for (path, item) in self.array(o, key) {
            match item {
                Value::String(s) => out.push(s.clone()),
                v => self.fail(path, wrong_type("a string", v)),
            }
        }
        out
    }

    fn id(&mut self, o: &Obj<'_>) -> Option<String> {
        let raw = self.req_string(o, "id")?;
        let id = clean_line(&raw).trim().to_string();
        let length = id.chars().count();
        if id.is_empty() {
            let reason = if raw.is_empty() {
                "is empty"
            } else {
                "is empty once control characters and spaces are removed"
            };
            self.fail(o.path("id"), reason.to_string());
            None
        } else if length > MAX_ID_CHARS {
            self.fail(
                o.path("id"),
                format!("is {length} characters long; at most {MAX_ID_CHARS} are allowed"),
            );
            None
        } else {
            Some(id)
        }
    }
}

/// (field path, reason) pairs for one record.
type Problems = Vec<(String, String)>;

/// One record read: the handoff or its problems, and its unknown fields.
struct Converted {
    /// The record's id whenever the id itself is valid (so duplicates are
    /// reported even beside other errors).
    id: Option<String>,
    result: Result<Handoff, Problems>,
    warnings: Problems,
}

/// Validate and convert one record.
fn convert(v: &Value) -> Converted {
    let Value::Object(map) = v else {
        let reason = format!("expected a JSON object (one handoff), found {}", kind(v));
        return Converted {
            id: None,
            result: Err(vec![("-".to_string(), reason)]),
            warnings: Vec::new(),
        };
    };
    let o = Obj {
        map,
        path: String::new(),
        known: FIELDS,
    };
    let mut c = Check::default();
    c.unknown_fields(&o);
    let id = c.id(&o);
    let created_at = c.time(&o, "created_at");
    let escalated_at = c.req_time(&o, "escalated_at");
    let channel = c.string(&o, "channel");
    let language = c.string(&o, "language");
    let status = c
        .choice(&o, "status", &Status::ALL, Status::as_str)
        .unwrap_or_default();
    let customer = c
        .object(&o, "customer", CUSTOMER_FIELDS)
        .map(|x| read_customer(&mut c, &x))
        .unwrap_or_default();
    let ai = c
        .object(&o, "ai", AI_FIELDS)
        .map(|x| AiInfo {
            agent: c.string(&x, "agent"),
            procedure: c.string(&x, "procedure"),
            procedure_version: c.string(&x, "procedure_version"),
        })
        .unwrap_or_default();
    let summary = c
        .object(&o, "summary", SUMMARY_FIELDS)
        .map(|x| read_summary(&mut c, &x))
        .unwrap_or_default();
    let note = c.string(&o, "note");
    let routing = c
        .object(&o, "routing", ROUTING_FIELDS)
        .map(|x| read_routing(&mut c, &x))
        .unwrap_or_default();
    let transcript = read_transcript(&mut c, &o);

    let (Some(clean_id), Some(escalated_at), true) =
        (id.clone(), escalated_at, c.errors.is_empty())
    else {
        return Converted {
            id,
            result: Err(c.errors),
            warnings: c.warnings,
        };
    };
    let mut h = Handoff {
        id: clean_id,
        created_at,
        escalated_at,
        channel,
        language,
        status,
        customer,
        ai,
        summary: Summary::default(),
        note: None,
        routing,
        transcript,
    };
    clean_handoff(&mut h);

    let mut explicit = summary;
    clean_summary(&mut explicit);
    let note = note
        .map(|n| clean(&n).trim().to_string())
        .filter(|n| !n.is_empty());
    h.summary = match &note {
        Some(text) => {
            let mut parsed = parse_note(text);
            clean_summary(&mut parsed);
            merge(explicit, parsed)
        }
        None => explicit,
    };
    h.note = note;
    Converted {
        id,
        result: Ok(h),
        warnings: c.warnings,
    }
}

// ---------------------------------------------------------------------------
// Unknown fields
// ---------------------------------------------------------------------------

/// An unknown key as it goes into a field path: bare if it looks like a
/// field name, else quoted, escaped, cleaned and cut like a value (the key
/// is the producer's text and reaches a terminal).
fn show_key(key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 60
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        key.to_string()
    } else {
        show(&Value::String(key.to_string()))
    }
}

/// The known field an unknown `key` of `o` was probably meant to be: the
/// same name in another object (`ai.confidence` -> `summary.confidence`;
/// several if it is known in several), or a close spelling in the same
/// object (`routing.sla_due` -> `routing.sla_due_at`). Names are compared
/// ignoring case, `_` and `-`, so `escalatedAt` finds `escalated_at`. Only
/// runs for unknown fields, which are rare.
fn suggest(key: &str, o: &Obj<'_>) -> Option<String> {
    // No field name is this long; keeps a hostile huge key cheap.
    if key.len() > 64 {
        return None;
    }
    let wanted = normalise(key);
    if wanted.is_empty() {
        return None;
    }
    let here = o
        .known
        .iter()
        .filter_map(|f| closeness(&wanted, &normalise(f)).map(|d| (d, *f)))
        .min_by_key(|(d, _)| *d);
    if let Some((0, f)) = here {
        return Some(o.path(f));
    }
    let elsewhere: Vec<String> = LEVELS
        .iter()
        .filter(|(_, fields)| !std::ptr::eq(*fields, o.known))
        .flat_map(|(level, fields)| fields.iter().map(move |f| (*level, *f)))
        .filter(|(_, f)| normalise(f) == wanted)
        .map(|(level, f)| {
            if level.is_empty() {
                f.to_string()
            } else {
                format!("{level}.{f}")
            }
        })
        .collect();
    if !elsewhere.is_empty() {
        return Some(elsewhere.join(" or "));
    }
    here.map(|(_, f)| o.path(f))
}

fn read_customer(c: &mut Check, o: &Obj<'_>) -> Customer {
    Customer {
        name: c.string(o, "name").unwrap_or_default(),
        email: c.string(o, "email"),
        plan: c.string(o, "plan"),
        account_age_days: c.count(o, "account_age_days"),
        lifetime_value: c.number(o, "lifetime_value"),
        flags: c.strings(o, "flags"),
        previous_escalations: c.count(o, "previous_escalations"),
    }
}

fn read_summary(c: &mut Check, o: &Obj<'_>) -> Summary {
    // Read in the documented order so errors come out in that order.
    let issue = c.string(o, "issue");
    let intent = c.string(o, "intent");
    let mut collected = Vec::new();
    for (path, item) in c.array(o, "collected") {
        let Some(x) = c.as_object(item, path, COLLECTED_FIELDS) else {
            continue;
        };
        let label = c.req_string(&x, "label");
        let value = c.req_string(&x, "value");
        let source = c.choice(&x, "source", &SOURCES, Source::as_str);
        if let (Some(label), Some(value)) = (label, value) {
            collected.push(Collected {
                label,
                value,
                source: source.unwrap_or_default(),
            });
        }
    }
    let findings = c.strings(o, "findings");
    let mut attempted = Vec::new();
    for (path, item) in c.array(o, "attempted") {
        let Some(x) = c.as_object(item, path, ATTEMPT_FIELDS) else {
            continue;
        };
        let action = c.req_string(&x, "action");
        let outcome = c.string(&x, "outcome");
        if let Some(action) = action {
            attempted.push(Attempt {
                action,
                outcome: outcome.unwrap_or_default(),
            });
        }
    }
    let escalation = c.object(o, "escalation", ESCALATION_FIELDS).and_then(|x| {
        let trigger = c.req_choice(&x, "trigger", &Trigger::ALL, Trigger::as_str);
        let detail = c.string(&x, "detail");
        trigger.map(|trigger| Escalation {
            trigger,
            detail: detail.unwrap_or_default(),
        })
    });
    let confidence = c.confidence(o, "confidence");
    let sentiment = c.string(o, "sentiment");
    let next_step = c.string(o, "next_step");
    let promised = c.object(o, "promised", PROMISE_FIELDS).and_then(|x| {
        let text = c.req_string(&x, "text");
        let due_at = c.time(&x, "due_at");
        text.map(|text| Promise { text, due_at })
    });
    let page = c.string(o, "page");
    let technical = c
        .object(o, "technical", TECHNICAL_FIELDS)
        .map(|x| Technical {
            error: c.string(&x, "error"),
            client: c.string(&x, "client"),
        });
    Summary {
        issue,
        intent,
        collected,
        findings,
        attempted,
        escalation,
        confidence,
        sentiment,
        next_step,
        promised,
        page,
        technical,
        unparsed: None,
        extra: Vec::new(),
    }
}

fn read_routing(c: &mut Check, o: &Obj<'_>) -> Routing {
    Routing {
        team: c.string(o, "team"),
        skills: c.strings(o, "skills"),
        priority: c
            .choice(o, "priority", &Priority::ALL, Priority::as_str)
            .unwrap_or_default(),
        assignee: c.string(o, "assignee"),
        sla_due_at: c.time(o, "sla_due_at"),
    }
}

fn read_transcript(c: &mut Check, o: &Obj<'_>) -> Vec<Message> {
    let mut messages = Vec::new();
    for (path, item) in c.array(o, "transcript") {
        let Some(x) = c.as_object(item, path, MESSAGE_FIELDS) else {
            continue;
        };
        let at = c.req_time(&x, "at");
        let author = c.req_choice(&x, "author", &AUTHORS, Author::as_str);
        let name = c.string(&x, "name");
        let text = c.req_string(&x, "text");
        let private = c.boolean(&x, "private").unwrap_or(false);
        if let (Some(at), Some(author), Some(text)) = (at, author, text) {
            messages.push(Message {
                at,
                author,
                name,
                text,
                private,
            });
        }
    }
    messages
}

// ---------------------------------------------------------------------------
// Cleaning and merging
// ---------------------------------------------------------------------------

fn line(s: &str) -> String {
    clean_line(s).trim().to_string()
}

fn text(s: &str) -> String {
    clean(s).trim().to_string()
}

/// Clean an optional field; empty after cleaning means absent, so "explicit
/// non-empty wins" in `merge` and completeness see the same thing.
fn opt(s: &mut Option<String>, f: fn(&str) -> String) {
    *s = s.take().map(|t| f(&t)).filter(|t| !t.is_empty());
}

fn list(v: &mut Vec<String>, f: fn(&str) -> String) {
    *v = v.iter().map(|t| f(t)).filter(|t| !t.is_empty()).collect();
}

/// Clean everything except the summary and the note (cleaned separately,
/// because the note is parsed in between).
fn clean_handoff(h: &mut Handoff) {
    opt(&mut h.channel, line);
    opt(&mut h.language, line);
    let cu = &mut h.customer;
    cu.name = line(&cu.name);
    opt(&mut cu.email, line);
    opt(&mut cu.plan, line);
    list(&mut cu.flags, line);
    opt(&mut h.ai.agent, line);
    opt(&mut h.ai.procedure, line);
    opt(&mut h.ai.procedure_version, line);
    opt(&mut h.routing.team, line);
    list(&mut h.routing.skills, line);
    opt(&mut h.routing.assignee, line);
    for m in &mut h.transcript {
        opt(&mut m.name, line);
        m.text = text(&m.text);
    }
}

fn clean_summary(s: &mut Summary) {
    opt(&mut s.issue, line);
    opt(&mut s.intent, line);
    for c in &mut s.collected {
        c.label = line(&c.label);
        c.value = line(&c.value);
    }
    s.collected
        .retain(|c| !c.label.is_empty() || !c.value.is_empty());
    list(&mut s.findings, text);
    for a in &mut s.attempted {
        a.action = text(&a.action);
        a.outcome = text(&a.outcome);
    }
    s.attempted
        .retain(|a| !a.action.is_empty() || !a.outcome.is_empty());
    if let Some(e) = s.escalation.as_mut() {
        e.detail = text(&e.detail);
    }
    opt(&mut s.sentiment, line);
    opt(&mut s.next_step, line);
    if let Some(p) = s.promised.as_mut() {
        p.text = line(&p.text);
    }
    if s.promised
        .as_ref()
        .is_some_and(|p| p.text.is_empty() && p.due_at.is_none())
    {
        s.promised = None;
    }
    opt(&mut s.page, line);
    if let Some(t) = s.technical.as_mut() {
        opt(&mut t.error, text);
        opt(&mut t.client, line);
    }
    if s.technical
        .as_ref()
        .is_some_and(|t| t.error.is_none() && t.client.is_none())
    {
        s.technical = None;
    }
    opt(&mut s.unparsed, text);
    for (heading, body) in &mut s.extra {
        *heading = line(heading);
        *body = text(body);
    }
    s.extra.retain(|(h, b)| !h.is_empty() || !b.is_empty());
}

/// Field by field: an explicit, non-empty field wins, otherwise the value
/// parsed from the note. Escalation, promise and technical merge their parts,
/// because bots often set the trigger as data and write the reason in prose.
fn merge(explicit: Summary, parsed: Summary) -> Summary {
    fn vec_or<T>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
        if a.is_empty() { b } else { a }
    }
    let escalation = match (explicit.escalation, parsed.escalation) {
        (Some(mut e), Some(p)) => {
            if e.detail.is_empty() {
                e.detail = p.detail;
            }
            Some(e)
        }
        (e, p) => e.or(p),
    };
    let promised = match (explicit.promised, parsed.promised) {
        (Some(mut e), Some(p)) => {
            if e.text.is_empty() {
                e.text = p.text;
            }
            e.due_at = e.due_at.or(p.due_at);
            Some(e)
        }
        (e, p) => e.or(p),
    };
    let technical = match (explicit.technical, parsed.technical) {
        (Some(e), Some(p)) => Some(Technical {
            error: e.error.or(p.error),
            client: e.client.or(p.client),
        }),
        (e, p) => e.or(p),
    };
    Summary {
        issue: explicit.issue.or(parsed.issue),
        intent: explicit.intent.or(parsed.intent),
        collected: vec_or(explicit.collected, parsed.collected),
        findings: vec_or(explicit.findings, parsed.findings),
        attempted: vec_or(explicit.attempted, parsed.attempted),
        escalation,
        confidence: explicit.confidence.or(parsed.confidence),
        sentiment: explicit.sentiment.or(parsed.sentiment),
        next_step: explicit.next_step.or(parsed.next_step),
        promised,
        page: explicit.page.or(parsed.page),
        technical,
        unparsed: explicit.unparsed.or(parsed.unparsed),
        extra: vec_or(explicit.extra, parsed.extra),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::TimeZone;

    use super::*;

    const VALID_JSONL: &str = include_str!("../../tests/fixtures/import/valid.jsonl");
    const VALID_ARRAY: &str = include_str!("../../tests/fixtures/import/valid_array.json");
    const BAD_JSONL: &str = include_str!("../../tests/fixtures/import/bad.jsonl");
    const SCHEMA: &str = include_str!("../../docs/handoff.schema.json");

    fn ok(text: &str) -> Vec<Imported> {
        match parse("f.json", text) {
            Ok(records) => records,
            Err(errors) => panic!("expected Ok, got {:#?}", messages(&errors)),
        }
    }

    fn errs(text: &str) -> Vec<String> {
        match parse("f.json", text) {
            Ok(records) => panic!("expected errors, got {} records", records.len()),
            Err(errors) => messages(&errors),
        }
    }

    fn messages(errors: &[ImportError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    fn one(text: &str) -> Handoff {
        let mut records = ok(text);
        assert_eq!(records.len(), 1);
        records.remove(0).handoff
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap_or_default()
    }

    const MIN: &str = r#""escalated_at": "2026-05-01T09:30:00Z""#;

    // --- container shapes and line numbers --------------------------------

    #[test]
    fn single_object_reports_the_line_of_its_brace() {
        let text = format!("\n\n{{\n  \"id\": \"a\",\n  {MIN}\n}}\n");
        let h = one(&text);
        assert_eq!(h.id, "a");
        let bad = format!("\n\n{{\n  \"id\": \"\",\n  {MIN}\n}}\n");
        assert_eq!(errs(&bad), vec!["f.json:3: id: is empty"]);
    }

    #[test]
    fn array_elements_report_the_line_where_each_starts() {
        let text = format!(
            "[\n  {{\"id\": \"a\", {MIN}}},\n\n  {{\n    \"id\": \"b\",\n    \"status\": \"gone\",\n    {MIN}\n  }},\n  {{\"id\": \"c\", \"escalated_at\": \"soon\"}}\n]\n"
        );
        assert_eq!(
            errs(&text),
            vec![
                "f.json:4: status: \"gone\" is not one of open, pending, snoozed, resolved",
                "f.json:9: escalated_at: \"soon\" is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)",
            ]
        );
    }

    #[test]
    fn array_fixture_parses_with_raw_slices() {
        let records = ok(VALID_ARRAY);
        let ids: Vec<&str> = records.iter().map(|r| r.handoff.id.as_str()).collect();
        assert_eq!(ids, ["zd-77", "zd-78"]);
        assert!(records[0].raw.starts_with('{') && records[0].raw.ends_with('}'));
        assert!(records[0].raw.contains("\"Tom Okafor\""));
        assert!(!records[0].raw.contains("zd-78"));
        assert_eq!(records[0].handoff.summary.confidence, Some(0.4));
        assert!(records[0].handoff.customer.has_flag("at_risk"));
        let noted = &records[1].handoff.summary;
        assert_eq!(
            noted.escalation.as_ref().map(|e| e.detail.as_str()),
            Some("refund outside the 30-day window")
        );
    }

    #[test]
    fn jsonl_fixture_parses_all_records() {
        let records = ok(VALID_JSONL);
        assert_eq!(records.len(), 3);
        let h = &records[0].handoff;
        assert_eq!(h.id, "cw-1042");
        assert_eq!(h.customer.account_age_days, Some(412));
        assert_eq!(h.customer.lifetime_value, Some(2380.5));
        assert_eq!(h.summary.collected.len(), 2);
        assert_eq!(h.summary.collected[1].source, Source::Lookup);
        assert_eq!(
            h.summary.escalation.as_ref().map(|e| e.trigger),
            Some(Trigger::PolicyException)
        );
        assert_eq!(h.routing.priority, Priority::High);
        assert_eq!(h.transcript.len(), 3);
        assert!(h.transcript[2].private);
        assert_eq!(h.transcript[1].author, Author::Ai);
        let second = &records[1].handoff;
        assert_eq!(second.status, Status::Pending);
        // Offsets are normalised to UTC.
        assert_eq!(second.escalated_at, utc(2026, 5, 1, 7, 41));
        // Structured trigger, note-parsed issue and next step side by side.
        assert_eq!(
            second.summary.escalation.as_ref().map(|e| e.trigger),
            Some(Trigger::CustomerRequestedHuman)
        );
        assert_eq!(
            second.summary.issue.as_deref(),
            Some("Cannot log in after changing phone")
        );
        assert_eq!(
            second.summary.next_step.as_deref(),
            Some("Reset 2FA after identity check")
        );
        // The raw text is the record's own line.
        assert!(records[2].raw.contains("future_field"));
        assert!(!records[2].raw.contains('\n'));
    }

    #[test]
    fn jsonl_reports_the_line_of_each_record_and_skips_blank_lines() {
        let text = format!(
            "{{\"id\": \"a\", {MIN}}}\n\n\r\n{{\"id\": \"b\", {MIN}, \"routing\": {{\"priority\": \"asap\"}}}}\n"
        );
        assert_eq!(
            errs(&text),
            vec!["f.json:4: routing.priority: \"asap\" is not one of urgent, high, normal, low"]
        );
    }

    #[test]
    fn concatenated_pretty_objects_are_read_as_a_stream() {
        let text = format!("{{\n \"id\": \"a\", {MIN}\n}}\n{{\n \"id\": \"b\",\n {MIN}\n}}\n");
        let records = ok(&text);
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].raw.lines().next(), Some("{"));
    }

    #[test]
    fn a_byte_order_mark_is_tolerated() {
        assert_eq!(one(&format!("\u{feff}{{\"id\": \"a\", {MIN}}}")).id, "a");
    }

    // --- empty input -----------------------------------------------------

    #[test]
    fn empty_or_blank_file_is_an_error() {
        assert_eq!(errs(""), vec!["f.json:1: -: no handoffs in file"]);
        assert_eq!(errs("\n  \n\t\n"), vec!["f.json:1: -: no handoffs in file"]);
    }

    #[test]
    fn an_explicit_empty_array_is_an_empty_batch() {
        assert!(ok("[ ]\n").is_empty());
    }

    // --- syntax errors ---------------------------------------------------

    #[test]
    fn syntax_error_in_a_pretty_object_reports_serde_line() {
        let text = "{\n  \"id\": \"a\",\n  \"escalated_at\": \"2026-05-01T09:30:00Z\",\n}\n";
        assert_eq!(
            errs(text),
            vec!["f.json:4: json: not valid JSON: trailing comma (column 1)"]
        );
    }

    #[test]
    fn syntax_error_in_an_array_reports_serde_line() {
        let text = "[\n  {\"id\": \"a\"},\n  {\"id\": \"b\"\n]\n";
        let e = errs(text);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("f.json:4: json: not valid JSON: "),
            "{e:?}"
        );
    }

    #[test]
    fn not_json_at_all() {
        assert_eq!(
            errs("hello"),
            vec!["f.json:1: json: not valid JSON: expected value (column 1)"]
        );
    }

    #[test]
    fn every_bad_jsonl_line_is_reported_beside_validation_errors() {
        let text = format!(
            "{{\"id\": \"a\", {MIN}\n{{\"id\": \"b\", {MIN}}}\n{{\"id\": \"c\", {MIN}, \"status\": 3}}\nnot json\n"
        );
        let e = errs(&text);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with("f.json:1: json: not valid JSON: EOF"),
            "{e:?}"
        );
        assert_eq!(
            e[1],
            "f.json:3: status: expected a string, found a number 3"
        );
        assert!(
            e[2].starts_with("f.json:4: json: not valid JSON: expected"),
            "{e:?}"
        );
    }

    #[test]
    fn jsonl_with_a_broken_first_line_still_reports_every_line() {
        let text = "{\"id\": \"a\",\n{\"id\": \"b\", \"escalated_at\": 5}\n";
        let e = errs(text);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("f.json:1: json:"));
        assert_eq!(
            e[1],
            "f.json:2: escalated_at: expected an RFC 3339 time string, found a number 5"
        );
    }

    // --- validation errors -----------------------------------------------

    #[test]
    fn bad_fixture_reports_all_three_records() {
        let e = match parse("bad.jsonl", BAD_JSONL) {
            Ok(_) => panic!("bad fixture parsed"),
            Err(e) => messages(&e),
        };
        assert_eq!(
            e,
            vec![
                "bad.jsonl:2: routing.priority: \"asap\" is not one of urgent, high, normal, low",
                "bad.jsonl:4: escalated_at: \"yesterday\" is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)",
                "bad.jsonl:5: summary.confidence: 1.7 is outside 0..1",
            ]
        );
    }

    #[test]
    fn id_must_be_present_a_string_non_empty_and_short() {
        assert_eq!(
            errs(&format!("{{{MIN}}}")),
            vec!["f.json:1: id: is required"]
        );
        assert_eq!(
            errs(&format!("{{\"id\": null, {MIN}}}")),
            vec!["f.json:1: id: is required"]
        );
        assert_eq!(
            errs(&format!("{{\"id\": 42, {MIN}}}")),
            vec!["f.json:1: id: expected a string, found a number 42"]
        );
        assert_eq!(
            errs(&format!("{{\"id\": \"   \", {MIN}}}")),
            vec!["f.json:1: id: is empty once control characters and spaces are removed"]
        );
        let long = "x".repeat(201);
        assert_eq!(
            errs(&format!("{{\"id\": \"{long}\", {MIN}}}")),
            vec!["f.json:1: id: is 201 characters long; at most 200 are allowed"]
        );
        let longest = "x".repeat(200);
        assert_eq!(
            one(&format!("{{\"id\": \" {longest} \", {MIN}}}")).id,
            longest
        );
    }

    #[test]
    fn escalated_at_is_required() {
        assert_eq!(
            errs("{\"id\": \"a\"}"),
            vec!["f.json:1: escalated_at: is required"]
        );
    }

    #[test]
    fn transcript_paths_name_the_element() {
        let text = format!(
            r#"{{"id": "a", {MIN}, "transcript": [
                {{"at": "2026-05-01T09:00:00Z", "author": "customer", "text": "hi"}},
                {{"at": "2026-05-01T09:01:00Z", "author": "bot", "text": "hello"}},
                {{"at": "9am", "author": "ai"}},
                "oops"
            ]}}"#
        );
        assert_eq!(
            errs(&text),
            vec![
                "f.json:1: transcript[1].author: \"bot\" is not one of customer, ai, agent, system",
                "f.json:1: transcript[2].at: \"9am\" is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)",
                "f.json:1: transcript[2].text: is required",
                "f.json:1: transcript[3]: expected an object, found a string \"oops\"",
            ]
        );
    }

    #[test]
    fn wrong_types_and_enums_in_nested_objects() {
        let text = format!(
            r#"{{"id": "a", {MIN},
              "customer": {{"name": "X", "account_age_days": "12", "previous_escalations": -1, "flags": ["vip", 3]}},
              "ai": "Fin",
              "summary": {{
                "collected": [{{"label": "Order", "value": "A-1", "source": "crm"}}, {{"value": "x"}}],
                "attempted": [{{"outcome": "failed"}}],
                "escalation": {{"trigger": "because", "detail": "x"}},
                "confidence": "high",
                "promised": {{"due_at": "2026-05-01T10:00:00Z"}},
                "findings": "one"
              }},
              "transcript": [{{"at": "2026-05-01T09:00:00Z", "author": "ai", "text": "t", "private": "yes"}}]
            }}"#
        );
        assert_eq!(
            errs(&text),
            vec![
                "f.json:1: customer.account_age_days: expected a whole number, found a string \"12\"",
                "f.json:1: customer.flags[1]: expected a string, found a number 3",
                "f.json:1: customer.previous_escalations: -1 is not a whole number from 0 to 4294967295",
                "f.json:1: ai: expected an object, found a string \"Fin\"",
                "f.json:1: summary.collected[0].source: \"crm\" is not one of customer, lookup, page",
                "f.json:1: summary.collected[1].label: is required",
                "f.json:1: summary.findings: expected an array, found a string \"one\"",
                "f.json:1: summary.attempted[0].action: is required",
                "f.json:1: summary.escalation.trigger: \"because\" is not one of customer_requested_human, low_confidence, repeated_failure, negative_sentiment, sensitive_topic, policy_exception, business_rule, security, other",
                "f.json:1: summary.confidence: expected a number, found a string \"high\"",
                "f.json:1: summary.promised.text: is required",
                "f.json:1: transcript[0].private: expected true or false, found a string \"yes\"",
            ]
        );
    }

    #[test]
    fn confidence_bounds_are_inclusive() {
        for c in ["0", "1", "0.5", "1.0"] {
            let h = one(&format!(
                "{{\"id\": \"a\", {MIN}, \"summary\": {{\"confidence\": {c}}}}}"
            ));
            assert!(h.summary.confidence.is_some());
        }
        assert_eq!(
            errs(&format!(
                "{{\"id\": \"a\", {MIN}, \"summary\": {{\"confidence\": -0.1}}}}"
            )),
            vec!["f.json:1: summary.confidence: -0.1 is outside 0..1"]
        );
    }

    #[test]
    fn whole_floats_count_as_integers_like_json_schema() {
        let h = one(&format!(
            "{{\"id\": \"a\", {MIN}, \"customer\": {{\"account_age_days\": 12.0}}}}"
        ));
        assert_eq!(h.customer.account_age_days, Some(12));
        assert_eq!(
            errs(&format!(
                "{{\"id\": \"a\", {MIN}, \"customer\": {{\"account_age_days\": 1.5}}}}"
            )),
            vec![
                "f.json:1: customer.account_age_days: 1.5 is not a whole number from 0 to 4294967295"
            ]
        );
    }

    #[test]
    fn a_record_that_is_not_an_object() {
        assert_eq!(
            errs(&format!("[{{\"id\": \"a\", {MIN}}},\n 7,\n [1]]")),
            vec![
                "f.json:2: -: expected a JSON object (one handoff), found a number",
                "f.json:3: -: expected a JSON object (one handoff), found an array",
            ]
        );
    }

    #[test]
    fn duplicate_ids_are_reported_at_the_later_record() {
        let text = format!(
            "{{\"id\": \"a\", {MIN}}}\n{{\"id\": \"b\", {MIN}}}\n{{\"id\": \" a \", {MIN}}}\n{{\"id\": \"b\", \"status\": \"x\", {MIN}}}\n"
        );
        assert_eq!(
            errs(&text),
            vec![
                "f.json:3: id: duplicate of line 1",
                "f.json:4: status: \"x\" is not one of open, pending, snoozed, resolved",
                "f.json:4: id: duplicate of line 2",
            ]
        );
    }

    #[test]
    fn hostile_values_in_error_messages_are_escaped() {
        let e = errs(&format!(
            "{{\"id\": \"a\", {MIN}, \"status\": \"\\u001b]0;pwned\\u0007\"}}"
        ));
        assert_eq!(e.len(), 1);
        assert!(!e[0].contains('\u{1b}') && !e[0].contains('\u{7}'), "{e:?}");
        let long = "y".repeat(500);
        let e = errs(&format!("{{\"id\": \"a\", {MIN}, \"status\": \"{long}\"}}"));
        assert!(e[0].len() < 200, "{e:?}");
    }

    // --- acceptance ------------------------------------------------------

    #[test]
    fn minimal_record_gets_defaults() {
        let h = one(&format!("{{\"id\": \"a\", {MIN}}}"));
        assert_eq!(h.status, Status::Open);
        assert_eq!(h.routing.priority, Priority::Normal);
        assert_eq!(h.summary, Summary::default());
        assert_eq!(h.customer, Customer::default());
        assert_eq!(h.note, None);
        assert_eq!(h.escalated_at, utc(2026, 5, 1, 9, 30));
    }

    #[test]
    fn null_means_absent_for_optional_fields() {
        let h = one(&format!(
            r#"{{"id": "a", {MIN}, "created_at": null, "status": null, "customer": {{"name": null, "flags": null}},
                "summary": {{"confidence": null, "escalation": null}}, "note": null,
                "routing": {{"priority": null}}, "transcript": null}}"#
        ));
        assert_eq!(h.status, Status::Open);
        assert_eq!(h.summary, Summary::default());
    }

    #[test]
    fn unknown_fields_are_ignored_everywhere() {
        let h = one(&format!(
            r#"{{"id": "a", {MIN}, "v2_score": [1, 2], "customer": {{"name": "N", "shoe_size": 44}},
                "summary": {{"issue": "Lost access", "mood_ring": "blue",
                  "collected": [{{"label": "L", "value": "V", "confidence": 0.3}}]}},
                "transcript": [{{"at": "2026-05-01T09:00:00Z", "author": "ai", "text": "t", "attachments": []}}]}}"#
        ));
        assert_eq!(h.customer.name, "N");
        assert_eq!(h.summary.issue.as_deref(), Some("Lost access"));
        assert_eq!(h.summary.collected[0].source, Source::Customer);
        assert!(!h.transcript[0].private);
    }

    // --- unknown fields: warnings ------------------------------------------

    /// The records and the warnings as printed; panics on errors.
    fn warned(text: &str) -> (Vec<Imported>, Vec<String>, usize) {
        match parse_with_warnings("f.json", text) {
            (Ok(records), w) => {
                let shown = w.kept.iter().map(ToString::to_string).collect();
                (records, shown, w.total)
            }
            (Err(errors), _) => panic!("expected Ok, got {:#?}", messages(&errors)),
        }
    }

    #[test]
    fn a_misplaced_field_is_a_warning_naming_where_it_belongs() {
        let text = format!(
            "\n{{\"id\": \"a\", {MIN}, \"ai\": {{\"agent\": \"Fin\", \"confidence\": 0.3}}}}\n"
        );
        let (records, warnings, total) = warned(&text);
        assert_eq!(
            warnings,
            vec![
                "f.json:2: warning: ai.confidence: not a handoff field, ignored (did you mean summary.confidence?)"
            ]
        );
        assert_eq!(total, 1);
        // Still imported, the known fields read, and the raw record intact.
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r.handoff.ai.agent.as_deref(), Some("Fin"));
        assert_eq!(r.handoff.summary.confidence, None);
        assert!(r.raw.contains(r#""confidence": 0.3"#), "{}", r.raw);
        // A name known in several places lists them all.
        let (_, warnings, _) = warned(&format!("{{\"id\": \"a\", {MIN}, \"name\": \"Dana\"}}"));
        assert_eq!(
            warnings,
            vec![
                "f.json:1: warning: name: not a handoff field, ignored (did you mean customer.name or transcript[].name?)"
            ]
        );
    }

    #[test]
    fn a_misspelled_field_suggests_the_close_name_at_its_level() {
        let text = format!(
            r#"{{"id": "a", {MIN}, "routing": {{"sla_due": "2026-05-01T10:30:00Z", "Priority": "high"}},
                "summary": {{"nxet_step": "Refund"}}, "transcript": [{{"at": "2026-05-01T09:00:00Z", "author": "ai", "text": "t", "autor": "x"}}]}}"#
        );
        let (records, warnings, _) = warned(&text);
        assert_eq!(
            warnings,
            vec![
                "f.json:1: warning: summary.nxet_step: not a handoff field, ignored (did you mean summary.next_step?)",
                "f.json:1: warning: routing.Priority: not a handoff field, ignored (did you mean routing.priority?)",
                "f.json:1: warning: routing.sla_due: not a handoff field, ignored (did you mean routing.sla_due_at?)",
                "f.json:1: warning: transcript[0].autor: not a handoff field, ignored (did you mean transcript[0].author?)",
            ]
        );
        assert_eq!(records[0].handoff.routing.sla_due_at, None);
        // Nothing close: no guess.
        let (_, warnings, _) = warned(&format!("{{\"id\": \"a\", {MIN}, \"xyzzy\": 1}}"));
        assert_eq!(
            warnings,
            vec!["f.json:1: warning: xyzzy: not a handoff field, ignored"]
        );
    }

    #[test]
    fn nested_unknown_fields_are_reported_but_not_their_contents() {
        let (_, warnings, total) = warned(&format!(
            r#"{{"id": "a", {MIN}, "summary": {{"escalation": {{"trigger": "other", "reason": "r"}}}},
                "v2": {{"deep": {{"deeper": 1}}}}}}"#
        ));
        assert_eq!(
            warnings,
            vec![
                "f.json:1: warning: v2: not a handoff field, ignored",
                "f.json:1: warning: summary.escalation.reason: not a handoff field, ignored",
            ]
        );
        assert_eq!(total, 2);
    }

    #[test]
    fn records_with_only_known_fields_give_no_warnings() {
        let (records, warnings, total) = warned(VALID_ARRAY);
        assert!(!records.is_empty());
        assert_eq!((warnings, total), (Vec::<String>::new(), 0));
        // valid.jsonl has one field from the future on purpose.
        let (_, warnings, _) = warned(VALID_JSONL);
        assert_eq!(
            warnings,
            vec!["f.json:4: warning: future_field: not a handoff field, ignored"]
        );
        let schema: Value = serde_json::from_str(SCHEMA).unwrap_or_default();
        let (_, warnings, _) = warned(&schema["examples"][0].to_string());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn warnings_come_with_errors_too() {
        // A misspelled required field: the error and the warning explain
        // each other.
        let (result, w) = parse_with_warnings(
            "f.json",
            r#"{"id": "a", "escalatedAt": "2026-05-01T09:30:00Z"}"#,
        );
        assert_eq!(
            messages(&result.err().unwrap_or_default()),
            vec!["f.json:1: escalated_at: is required"]
        );
        assert_eq!(
            w.kept.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec![
                "f.json:1: warning: escalatedAt: not a handoff field, ignored (did you mean escalated_at?)"
            ]
        );
    }

    #[test]
    fn a_repeated_unknown_field_is_shown_once_and_counted() {
        let line = |id: usize| {
            format!(
                r#"{{"id": "r{id}", {MIN}, "trace_id": "t", "transcript": [{{"at": "2026-05-01T09:00:00Z", "author": "ai", "text": "t", "x": 1}}, {{"at": "2026-05-01T09:00:00Z", "author": "ai", "text": "t", "x": 2}}]}}"#
            )
        };
        let mut text: Vec<String> = (0..50).map(line).collect();
        // A real typo far down still shows; distinct fields beyond the
        // limit are only counted.
        text.push(format!(r#"{{"id": "typo", {MIN}, "chanel": "web"}}"#));
        for i in 0..WARNINGS_KEPT {
            text.push(format!(r#"{{"id": "f{i}", {MIN}, "field_{i}": 1}}"#));
        }
        let (records, warnings, total) = warned(&text.join("\n"));
        assert_eq!(records.len(), 51 + WARNINGS_KEPT);
        assert_eq!(total, 50 * 3 + 1 + WARNINGS_KEPT);
        assert_eq!(warnings.len(), WARNINGS_KEPT);
        assert_eq!(
            warnings[..3],
            [
                "f.json:1: warning: trace_id: not a handoff field, ignored",
                "f.json:1: warning: transcript[0].x: not a handoff field, ignored",
                "f.json:51: warning: chanel: not a handoff field, ignored (did you mean channel?)",
            ]
        );
    }

    #[test]
    fn hostile_unknown_keys_are_escaped_and_cheap() {
        let key = format!("\\u001b]0;pwned\\u0007{}", "k".repeat(100_000));
        let (_, warnings, _) = warned(&format!("{{\"id\": \"a\", {MIN}, \"{key}\": 1}}"));
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert!(!w.contains('\u{1b}') && !w.contains('\u{7}'), "{w}");
        assert!(w.len() < 200, "{w}");
    }

    #[test]
    fn reading_a_line_at_a_time_warns_exactly_as_parse_does() {
        let text = format!(
            "{{\"id\": \"a\", {MIN}, \"ai\": {{\"confidence\": 1}}}}\n\n{{\"id\": \"b\", {MIN}, \"ai\": {{\"confidence\": 1}}, \"chanel\": \"web\"}}\n{{\"id\": 5, \"x\": 1}}\n"
        );
        let mut stream = LineStream::new("f.json");
        for line in text.split('\n') {
            assert!(!matches!(stream.line(line), Line::Whole));
        }
        let streamed = stream.take_warnings();
        assert!(stream.finish().is_err());
        let (result, parsed) = parse_with_warnings("f.json", &text);
        assert!(result.is_err());
        assert_eq!(streamed, parsed);
        assert_eq!(parsed.total, 4);
        assert_eq!(parsed.kept.len(), 3);
    }

    #[test]
    fn note_only_records_are_parsed_into_the_summary() {
        let text = format!(
            "{{\"id\": \"a\", {MIN}, \"note\": \"Issue: Customer cannot log in after a phone change\\nNext step: Reset 2FA after an identity check\"}}"
        );
        let h = one(&text);
        assert_eq!(
            h.note.as_deref(),
            Some(
                "Issue: Customer cannot log in after a phone change\nNext step: Reset 2FA after an identity check"
            )
        );
        assert_eq!(
            h.summary.issue.as_deref(),
            Some("Customer cannot log in after a phone change")
        );
    }

    #[test]
    fn explicit_summary_beats_the_note() {
        let text = format!(
            r#"{{"id": "a", {MIN}, "summary": {{"issue": "Explicit issue", "next_step": "  "}},
                "note": "Issue: Parsed issue\nNext step: Parsed next step"}}"#
        );
        let h = one(&text);
        assert_eq!(h.summary.issue.as_deref(), Some("Explicit issue"));
        // Blank explicit fields do not count: the note fills them.
        assert_eq!(h.summary.next_step.as_deref(), Some("Parsed next step"));
    }

    #[test]
    fn merge_prefers_explicit_non_empty_fields_and_merges_parts() {
        let explicit = Summary {
            issue: Some("explicit".into()),
            escalation: Some(Escalation {
                trigger: Trigger::Security,
                detail: String::new(),
            }),
            technical: Some(Technical {
                error: None,
                client: Some("iOS 19".into()),
            }),
            confidence: Some(0.3),
            ..Summary::default()
        };
        let parsed = Summary {
            issue: Some("parsed".into()),
            next_step: Some("call back".into()),
            findings: vec!["found".into()],
            escalation: Some(Escalation {
                trigger: Trigger::Other,
                detail: "account takeover suspected".into(),
            }),
            technical: Some(Technical {
                error: Some("E42".into()),
                client: Some("Android".into()),
            }),
            confidence: Some(0.9),
            unparsed: Some("leftover".into()),
            ..Summary::default()
        };
        let m = merge(explicit, parsed);
        assert_eq!(m.issue.as_deref(), Some("explicit"));
        assert_eq!(m.next_step.as_deref(), Some("call back"));
        assert_eq!(m.findings, vec!["found".to_string()]);
        assert_eq!(m.confidence, Some(0.3));
        assert_eq!(
            m.escalation,
            Some(Escalation {
                trigger: Trigger::Security,
                detail: "account takeover suspected".into()
            })
        );
        assert_eq!(
            m.technical,
            Some(Technical {
                error: Some("E42".into()),
                client: Some("iOS 19".into())
            })
        );
        assert_eq!(m.unparsed.as_deref(), Some("leftover"));
    }

    #[test]
    fn text_is_cleaned_but_raw_keeps_the_original() {
        let text = format!(
            r#"{{"id": "a", {MIN}, "customer": {{"name": "Eve\u001b]0;pwned\u0007 Smith"}},
                "transcript": [{{"at": "2026-05-01T09:00:00Z", "author": "customer", "text": "line one\nline\u001b[2J two"}}]}}"#
        );
        let records = ok(&text);
        let r = &records[0];
        assert!(!r.handoff.customer.name.contains('\u{1b}'));
        assert!(!r.handoff.customer.name.contains("]0;pwned"));
        assert!(r.handoff.customer.name.starts_with("Eve"));
        let message = &r.handoff.transcript[0].text;
        assert!(!message.contains('\u{1b}') && message.contains('\n'));
        assert!(r.raw.contains(r"Eve\u001b]0;pwned\u0007 Smith"));
    }

    #[test]
    fn single_line_fields_lose_their_newlines() {
        let h = one(&format!(
            r#"{{"id": "a", {MIN}, "summary": {{"issue": "two\nlines", "findings": ["keep\nlines"]}}}}"#
        ));
        assert_eq!(h.summary.issue.as_deref(), Some("two lines"));
        assert_eq!(h.summary.findings, vec!["keep\nlines".to_string()]);
    }

    #[test]
    fn shift_times_moves_every_timestamp() {
        let mut h = ok(VALID_JSONL).remove(0).handoff;
        let before = h.clone();
        let by = TimeDelta::hours(3);
        shift_times(&mut h, by);
        assert_eq!(h.created_at, before.created_at.map(|t| t + by));
        assert_eq!(h.escalated_at, before.escalated_at + by);
        let due = |h: &Handoff| h.summary.promised.as_ref().and_then(|p| p.due_at);
        assert_eq!(due(&h), due(&before).map(|t| t + by));
        assert!(due(&h).is_some());
        assert_eq!(
            h.routing.sla_due_at,
            before.routing.sla_due_at.map(|t| t + by)
        );
        assert!(h.routing.sla_due_at.is_some());
        for (a, b) in h.transcript.iter().zip(&before.transcript) {
            assert_eq!(a.at, b.at + by);
        }
        // Nothing else changed.
        shift_times(&mut h, -by);
        assert_eq!(h, before);
    }

    // --- docs and code agree -----------------------------------------------

    fn keys(v: &Value) -> BTreeSet<String> {
        v.get("properties")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn set(fields: &[&str]) -> BTreeSet<String> {
        fields.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn schema_is_json_and_its_fields_match_the_parser() {
        let schema: Value = match serde_json::from_str(SCHEMA) {
            Ok(v) => v,
            Err(e) => panic!("docs/handoff.schema.json is not JSON: {e}"),
        };
        assert_eq!(
            schema.get("$schema").and_then(Value::as_str),
            Some("https://json-schema.org/draft/2020-12/schema")
        );
        assert_eq!(keys(&schema), set(FIELDS));
        assert_eq!(
            schema.get("required"),
            Some(&serde_json::json!(["id", "escalated_at"]))
        );
        let defs = &schema["$defs"];
        for (name, fields) in [
            ("customer", CUSTOMER_FIELDS),
            ("ai", AI_FIELDS),
            ("summary", SUMMARY_FIELDS),
            ("collected", COLLECTED_FIELDS),
            ("attempt", ATTEMPT_FIELDS),
            ("escalation", ESCALATION_FIELDS),
            ("promise", PROMISE_FIELDS),
            ("technical", TECHNICAL_FIELDS),
            ("routing", ROUTING_FIELDS),
            ("message", MESSAGE_FIELDS),
        ] {
            assert_eq!(keys(&defs[name]), set(fields), "$defs.{name}");
        }
        let triggers: Vec<&str> = Trigger::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            defs["escalation"]["properties"]["trigger"]["enum"],
            serde_json::json!(triggers)
        );
    }

    #[test]
    fn schema_example_is_accepted_and_reads_every_field() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap_or_default();
        let Some(example) = schema["examples"].get(0) else {
            panic!("schema has no example");
        };
        // Reading every field also runs the debug check that each one read is
        // in the field lists compared above.
        let h = one(&example.to_string());
        assert_eq!(h.routing.assignee.as_deref(), Some("sam"));
        assert!(completeness_fields_present(&h.summary));
    }

    fn completeness_fields_present(s: &Summary) -> bool {
        crate::domain::completeness::is_complete(s)
    }

    /// (id, raw text) of every record, or every problem.
    type Outcome = Result<Vec<(String, String)>, Vec<String>>;

    /// What a reader of `text` one line at a time ends with: the records
    /// and the problems, or `None` if a line sent it to `parse`.
    fn streamed(text: &str) -> Option<Outcome> {
        let mut stream = LineStream::new("f.json");
        let mut records = Vec::new();
        for line in text.split('\n') {
            match stream.line(line) {
                Line::Record(r) => records.push((r.handoff.id, r.raw)),
                Line::Nothing => {}
                Line::Whole => return None,
            }
        }
        Some(stream.finish().map(|_| records).map_err(|e| messages(&e)))
    }

    fn parsed(text: &str) -> Outcome {
        parse("f.json", text)
            .map(|v| v.into_iter().map(|r| (r.handoff.id, r.raw)).collect())
            .map_err(|e| messages(&e))
    }

    #[test]
    fn reading_a_line_at_a_time_reports_exactly_what_parse_does() {
        let rec = |id: &str| {
            format!(
                r#"{{"id":"{id}","escalated_at":"2026-05-01T09:30:00Z","customer":{{"name":"Pia"}}}}"#
            )
        };
        let jsonl_cases = [
            VALID_JSONL.to_string(),
            BAD_JSONL.to_string(),
            // BOM, CRLF, blank and whitespace-only lines, no final newline.
            format!("\u{feff}{}\r\n\r\n  \t\n{}", rec("a"), rec("b")),
            // A duplicate id, reported on its line, beside a bad record.
            format!("{}\n{}\n{{\"id\": 5}}\n{}\n", rec("a"), rec("b"), rec("a")),
            // Values that are not objects are records too (and errors).
            format!("{}\n[1, 2]\n\"text\"\n7\n", rec("a")),
            // Nothing but whitespace.
            " \n\t\r\n".to_string(),
        ];
        for text in &jsonl_cases {
            let lines = streamed(text).unwrap_or_else(|| panic!("sent to parse: {text:?}"));
            assert_eq!(lines, parsed(text), "{text:?}");
        }
        // Anything else goes to `parse`, which reads the whole text.
        for text in [
            VALID_ARRAY.to_string(),
            format!("  \n[{}]", rec("a")),
            "{\n  \"id\": \"a\"\n}\n".to_string(),
            format!("{}\n{{\"id\": \"b\",\n", rec("a")),
            format!("{}{}\n", rec("a"), rec("b")),
            "\u{c}\n".to_string(),
        ] {
            assert_eq!(streamed(&text), None, "{text:?}");
        }
    }
}
