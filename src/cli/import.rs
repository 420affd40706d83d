//! `handoff import FILE...`
//!
//! A JSON Lines file is read a line at a time on a thread of its own, each
//! record stored as it is parsed, in one transaction per file that is rolled
//! back if any record was bad: a 100k-line file never sits in memory whole
//! (it took 2.1 GB as text and parsed records), and parsing runs beside the
//! SQLite writes instead of before them. Any other shape (an array, an object
//! over several lines, a syntax error) is parsed whole as before, so every
//! file gets the same report it always did.
//!
//! Unknown fields are warnings: printed to stderr after the summary, at most
//! [`import::WARNINGS_KEPT`] lines per run, and they do not change the exit
//! status.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use chrono::{DateTime, Utc};

use super::output::{Failure, print};
use crate::domain::import::{
    self, ImportError, ImportWarning, Imported, JsonlShape, Line, LineStream, Warnings,
};
use crate::store::{ImportReport, Store, StoreError};
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import; "-" reads standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Records go to the writer in batches, and come back to the reading thread
/// to be freed there: one at a time, the threads woke each other for every
/// record, and freeing on the writer what the reader allocated made them
/// fight over the allocator's lock (a futex call and a context switch
/// each, ~15% of an import spent in the kernel).
const BATCH: usize = 64;
/// Batches parsed but not yet stored: enough to keep both threads busy, few
/// enough (~2 MB) not to matter.
const IN_FLIGHT: usize = 4;

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    let mut problems: Vec<String> = Vec::new();
    // The summary: a line per file, imported (standard output) or not
    // (standard error, with the problems).
    let mut imported = String::new();
    let mut refused: Vec<String> = Vec::new();
    // Warnings of every file, in order: the first few shown, all counted.
    let mut shown: Vec<ImportWarning> = Vec::new();
    let mut total_warnings = 0;
    let mut add_warnings = |w: Warnings| {
        total_warnings += w.total;
        let room = import::WARNINGS_KEPT.saturating_sub(shown.len());
        shown.extend(w.kept.into_iter().take(room));
    };
    for path in &args.files {
        let name = path.display().to_string();
        let label = if name == "-" {
            "<stdin>".to_string()
        } else {
            name.clone()
        };
        // Each file is one transaction: all of it or none of it.
        match import_file(&mut ws.store, path, &label, now)? {
            Outcome::Imported {
                records,
                report,
                warnings,
            } => {
                imported.push_str(&format!(
                    "{label}: imported {records} ({} new, {} updated)\n",
                    report.inserted, report.updated
                ));
                add_warnings(warnings);
            }
            Outcome::Invalid(errors, warnings) => {
                add_warnings(warnings);
                problems.extend(errors.iter().map(ToString::to_string));
                // Records, not problems: one record can have several.
                let records = errors
                    .iter()
                    .map(|e| e.line)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                refused.push(format!(
                    "{label}: nothing imported ({records} invalid record{})",
                    if records == 1 { "" } else { "s" }
                ));
            }
            Outcome::Unreadable(reason) => problems.push(format!("{name}: {reason}")),
        }
    }
    let mut beside_demo = None;
    if !imported.is_empty() {
        ws.mark_initialised(now)?;
        // Real handoffs among made-up ones: say so, and how to keep apart.
        if ws.holds_demo()? {
            beside_demo = Some(format!(
                "warning: {} holds the demo workspace, so these handoffs sit beside its \
                 made-up ones. To start clean, import into a data dir of its own \
                 (handoff --data-dir DIR import FILE), or empty this one with \
                 handoff demo --reset --count 0 (its verdicts go too) and import again.",
                ws.paths.data_dir.display()
            ));
        }
    }
    // Errors, then warnings, then the summary: what went wrong first, the
    // outcome last, where the eye lands when the command returns. Errors
    // and warnings are bare FILE:LINE: lines on standard error; a closed
    // stderr is no reason to fail an import that worked.
    let failed = !problems.is_empty();
    let mut err: Vec<String> = problems;
    err.extend(shown.iter().map(ToString::to_string));
    let more = total_warnings - shown.len();
    if more > 0 {
        err.push(format!(
            "… and {more} more warning{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    err.extend(beside_demo);
    err.extend(refused);
    if !err.is_empty() {
        let _ = writeln!(std::io::stderr().lock(), "{}", err.join("\n"));
    }
    print(&imported)?;
    if failed {
        // Said above, in order: only the exit status is left.
        Err(Failure::invalid(String::new()))
    } else {
        Ok(())
    }
}

enum Outcome {
    Imported {
        records: usize,
        report: ImportReport,
        warnings: Warnings,
    },
    /// Bad records: nothing from the file was kept.
    Invalid(Vec<ImportError>, Warnings),
    /// Not readable, or not UTF-8: nothing from the file was kept.
    Unreadable(String),
}

/// How the reading thread ended.
enum ReadEnd {
    /// Every line read: the number of records, or every problem; and the
    /// unknown fields.
    Lines(Result<usize, Vec<ImportError>>, Warnings),
    /// Not JSON Lines: parse the whole text. Standard input cannot be read
    /// twice, so its bytes come along; a file is read again.
    Whole(Option<Vec<u8>>),
    Unreadable(String),
}

fn import_file(
    store: &mut Store,
    path: &Path,
    label: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let stdin = path.as_os_str() == "-";
    let input: Box<dyn BufRead + Send> = if stdin {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => return Ok(Outcome::Unreadable(e.to_string())),
        }
    };
    let (sender, batches) = sync_channel::<Batch>(IN_FLIGHT);
    let (done, written) = channel::<Records>();
    let mut end = None;
    let stored = std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_lines(input, label, stdin, (sender, done), written));
        // Stores records until the reader is done, then keeps them only if
        // the reader found every line good.
        store.import_from(batches, now, || {
            let finished = reader.join().unwrap_or_else(|_| {
                ReadEnd::Unreadable("the reading thread stopped unexpectedly".to_string())
            });
            let keep = matches!(finished, ReadEnd::Lines(Ok(_), _));
            end = Some(finished);
            keep
        })
    })?;
    match (end, stored) {
        (Some(ReadEnd::Lines(Ok(records), warnings)), Some(report)) => Ok(Outcome::Imported {
            records,
            report,
            warnings,
        }),
        (Some(ReadEnd::Lines(Err(errors), warnings)), _) => Ok(Outcome::Invalid(errors, warnings)),
        (Some(ReadEnd::Unreadable(reason)), _) => Ok(Outcome::Unreadable(reason)),
        (Some(ReadEnd::Whole(Some(bytes))), _) => match utf8(bytes) {
            Ok(text) => import_whole(store, label, &text, now),
            Err(reason) => Ok(Outcome::Unreadable(reason)),
        },
        (Some(ReadEnd::Whole(None)), _) => import_not_jsonl(store, path, label, now),
        // `keep` always runs once the records are written.
        (None, _) | (Some(ReadEnd::Lines(Ok(_), _)), None) => Ok(Outcome::Unreadable(
            "the reading thread stopped unexpectedly".to_string(),
        )),
    }
}

/// A file that is not one JSON value per line. `import::parse` reads it as
/// JSON Lines anyway, a line at a time, if it looks like JSON Lines and is
/// not valid JSON as a whole: a big export with a few broken lines. That is
/// decided here in passes that hold one line or one record at a time, so
/// such a file is reported without being held in memory (it would take
/// 2 GB at 100k records). Anything else (an array, records over several
/// lines, one broken object) is read whole.
fn import_not_jsonl(
    store: &mut Store,
    path: &Path,
    label: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let whole = |store: &mut Store| match read(path) {
        Ok(text) => import_whole(store, label, &text, now),
        Err(reason) => Ok(Outcome::Unreadable(reason)),
    };
    let mut array = None;
    let mut shape = JsonlShape::default();
    let lines = each_line(path, |text| {
        if array.is_none() {
            let mut chars = text.chars().skip_while(char::is_ascii_whitespace);
            array = chars.next().map(|c| c == '[');
        }
        shape.line(text);
    });
    match lines {
        Err(reason) => return Ok(Outcome::Unreadable(reason)),
        Ok(()) if array == Some(true) || !shape.is_jsonl() => return whole(store),
        Ok(()) => {}
    }
    let valid_json = match open_after_bom(path) {
        Ok(input) => serde_json::Deserializer::from_reader(input)
            .into_iter::<serde_json::Value>()
            .all(|v| v.is_ok()),
        Err(reason) => return Ok(Outcome::Unreadable(reason)),
    };
    if valid_json {
        return whole(store);
    }
    let mut stream = LineStream::lenient(label);
    if let Err(reason) = each_line(path, |text| {
        stream.line(text);
    }) {
        return Ok(Outcome::Unreadable(reason));
    }
    let warnings = stream.take_warnings();
    match stream.finish() {
        Err(errors) => Ok(Outcome::Invalid(errors, warnings)),
        // Cannot happen (a line that is not JSON is an error); reading the
        // whole file is right in any case.
        Ok(_) => whole(store),
    }
}

/// Call `f` with every line of the file (without `\n`; the first without a
/// byte-order mark). Errors as `read` words them.
fn each_line(path: &Path, mut f: impl FnMut(&str)) -> Result<(), String> {
    let mut input = open_after_bom(path)?;
    let mut buf = Vec::new();
    let mut offset = BOM.len() * usize::from(starts_with_bom(path)?);
    loop {
        buf.clear();
        if input
            .read_until(b'\n', &mut buf)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(());
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = std::str::from_utf8(line).map_err(|e| not_utf8(offset + e.valid_up_to()))?;
        offset += buf.len();
        f(text);
    }
}

const BOM: &[u8] = "\u{feff}".as_bytes();

fn starts_with_bom(path: &Path) -> Result<bool, String> {
    let mut head = [0u8; 3];
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let n = file.read(&mut head).map_err(|e| e.to_string())?;
    Ok(head.get(..n) == Some(BOM))
}

/// The file, buffered, past its byte-order mark if it has one.
fn open_after_bom(path: &Path) -> Result<BufReader<std::fs::File>, String> {
    let bom = starts_with_bom(path)?;
    let mut input = BufReader::with_capacity(
        1 << 16,
        std::fs::File::open(path).map_err(|e| e.to_string())?,
    );
    if bom {
        let mut skipped = [0u8; 3];
        input.read_exact(&mut skipped).map_err(|e| e.to_string())?;
    }
    Ok(input)
}

/// The whole-text path: any shape the format allows.
fn import_whole(
    store: &mut Store,
    label: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    match import::parse_with_warnings(label, text) {
        (Ok(items), warnings) => {
            let report = store.import(&items, now)?;
            Ok(Outcome::Imported {
                records: items.len(),
                report,
                warnings,
            })
        }
        (Err(errors), warnings) => Ok(Outcome::Invalid(errors, warnings)),
    }
}

type Records = Vec<Box<Imported>>;

/// Records on their way to the store. Once written and dropped, they go
/// back to the reading thread to be freed.
struct Batch {
    records: Records,
    back: Sender<Records>,
}

impl AsRef<[Box<Imported>]> for Batch {
    fn as_ref(&self) -> &[Box<Imported>] {
        &self.records
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // The reader gone (it has finished): freed here instead.
        let _ = self.back.send(std::mem::take(&mut self.records));
    }
}

/// The reading thread: parse line by line and hand valid records over while
/// the file is still good.
fn read_lines(
    mut input: Box<dyn BufRead + Send>,
    label: &str,
    stdin: bool,
    (batches, back): (SyncSender<Batch>, Sender<Records>),
    written: Receiver<Records>,
) -> ReadEnd {
    let mut stream = LineStream::new(label);
    let mut batch = Vec::with_capacity(BATCH);
    let mut buf = Vec::new();
    // Standard input's bytes so far, in case it turns out not to be JSON Lines.
    let mut kept = Vec::new();
    let mut offset = 0;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return ReadEnd::Unreadable(e.to_string()),
        }
        if stdin {
            kept.extend_from_slice(&buf);
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => return ReadEnd::Unreadable(not_utf8(offset + e.valid_up_to())),
        };
        offset += buf.len();
        match stream.line(text) {
            // After a bad record nothing will be kept; the rest is only
            // read for its problems.
            Line::Record(r) if !stream.failed() => {
                batch.push(r);
                if batch.len() == BATCH {
                    let full = Batch {
                        records: std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                        back: back.clone(),
                    };
                    // A closed channel: the store failed, and says why.
                    if batches.send(full).is_err() {
                        return ReadEnd::Lines(stream.finish(), Warnings::default());
                    }
                    // Free what has been written, on this thread.
                    written.try_iter().for_each(drop);
                }
            }
            Line::Record(_) => {}
            Line::Nothing => {}
            Line::Whole if stdin => {
                return match input.read_to_end(&mut kept) {
                    Ok(_) => ReadEnd::Whole(Some(kept)),
                    Err(e) => ReadEnd::Unreadable(e.to_string()),
                };
            }
            Line::Whole => return ReadEnd::Whole(None),
        }
    }
    if !batch.is_empty() && !stream.failed() {
        // Unsent only if the store already failed, which it reports.
        let _ = batches.send(Batch {
            records: batch,
            back,
        });
    }
    let warnings = stream.take_warnings();
    ReadEnd::Lines(stream.finish(), warnings)
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| not_utf8(e.utf8_error().valid_up_to()))
}

fn not_utf8(offset: usize) -> String {
    format!("not UTF-8 text (invalid byte at offset {offset})")
}
