//! `handoff import FILE...`
//!
//! A file is read on a thread of its own, each record stored as it is
//! parsed, in one transaction per file that is rolled back if any record
//! was bad: a 100k-record file never sits in memory whole, and parsing runs
//! beside the SQLite writes instead of before them. JSON Lines is read a
//! line at a time (`lines`); any other shape (an array, objects over
//! several lines) is read again a value at a time (`values`), and a file
//! that breaks somewhere gets the report a whole read would give. Nothing
//! is held beyond one record: a record over `--max-record-mb` or a file
//! over `--max-total-mb` stops the read with a problem naming the limit,
//! and standard input is copied to a private file instead of memory
//! (`input`).
//!
//! Unknown fields are warnings: printed to stderr after the summary, at most
//! [`import::WARNINGS_KEPT`] lines per run, and they do not change the exit
//! status.

mod feed;
mod input;
mod lines;
mod values;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::output::{Failure, print};
use crate::domain::import::{self, ImportError, ImportWarning, Warnings};
use crate::store::{ImportReport, Store, StoreError};
use crate::workspace::{Options, Workspace};
use feed::{ReadEnd, store_while_reading};
use input::{Limits, Source};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import; "-" reads standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Largest record to read, in MiB (a line of JSON Lines, an array element)
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 8,
        env = "HANDOFF_IMPORT_MAX_RECORD_MB"
    )]
    max_record_mb: u64,
    /// Largest file (or standard input) to read, in MiB
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 1024,
        env = "HANDOFF_IMPORT_MAX_TOTAL_MB"
    )]
    max_total_mb: u64,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    let limits = Limits::from_mib(args.max_record_mb, args.max_total_mb);
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
        // Printed in the summary and in every problem: cleaned like any
        // text from outside.
        let name = crate::domain::sanitize::clean_line(&path.display().to_string());
        let label = if name == "-" {
            "<stdin>".to_string()
        } else {
            name.clone()
        };
        // Each file is one transaction: all of it or none of it.
        match import_file(
            &mut ws.store,
            path,
            &label,
            now,
            &limits,
            &ws.paths.data_dir,
        )? {
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
                // Records, not problems: one record can have several, and
                // where reading stopped is not a record.
                let bad = errors
                    .iter()
                    .filter(|e| e.reason != lines::stopped())
                    .map(|e| e.line)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                refused.push(format!(
                    "{label}: nothing imported ({bad} invalid record{})",
                    if bad == 1 { "" } else { "s" }
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
    let failed = !problems.is_empty() || !refused.is_empty();
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

impl Outcome {
    fn of(end: ReadEnd, stored: Option<ImportReport>) -> Outcome {
        match (end, stored) {
            (ReadEnd::Records(Ok(records), warnings), Some(report)) => Outcome::Imported {
                records,
                report,
                warnings,
            },
            (ReadEnd::Records(Err(errors), warnings), _) => Outcome::Invalid(errors, warnings),
            (ReadEnd::Unreadable(reason), _) => Outcome::Unreadable(reason),
            // Only the first read asks for another; a good read is stored.
            (ReadEnd::Again | ReadEnd::Records(Ok(_), _), _) => {
                Outcome::Unreadable("the file could not be read as JSON".to_string())
            }
        }
    }
}

/// Read `path` as JSON Lines, storing records as they come; a file that is
/// not JSON Lines is read again as values (see `import_again`).
fn import_file(
    store: &mut Store,
    path: &Path,
    label: &str,
    now: DateTime<Utc>,
    limits: &Limits,
    spool_dir: &Path,
) -> Result<Outcome, StoreError> {
    let mut source = match Source::open(path, limits, spool_dir) {
        Ok(s) => s,
        Err(reason) => return Ok(Outcome::Unreadable(reason)),
    };
    let (reader, copied) = (source.take_reader(), source.is_copy());
    let (end, stored) = store_while_reading(store, now, |sink| {
        lines::read(reader, label, limits, copied, sink)
    })?;
    match end {
        // The copy (if any) is whole by now, and kept until this returns.
        ReadEnd::Again => import_again(store, &source.again, label, now, limits),
        end => Ok(Outcome::of(end, stored)),
    }
}

/// A file that is not JSON Lines, read again from `path`: an array a
/// element at a time; objects over several lines a value at a time; and a
/// file that looks like JSON Lines with some lines broken, a line at a time
/// for every broken line's report. The choice is `import::parse`'s, made
/// here in passes that hold a line or a value at a time.
fn import_again(
    store: &mut Store,
    path: &Path,
    label: &str,
    now: DateTime<Utc>,
    limits: &Limits,
) -> Result<Outcome, StoreError> {
    let array = match input::is_array(path) {
        Ok(array) => array,
        Err(reason) => return Ok(Outcome::Unreadable(reason)),
    };
    if !array && looks_like_lines(path, limits) {
        match lines::lenient(path, label, limits) {
            // Cannot happen (a line that is not JSON is an error); reading
            // it a value at a time is right in any case.
            ReadEnd::Records(Ok(_), _) => {}
            end => return Ok(Outcome::of(end, None)),
        }
    }
    let (end, stored) = store_while_reading(store, now, |sink| {
        values::read(path, label, limits, array, sink)
    })?;
    Ok(Outcome::of(end, stored))
}

/// Whether `import::parse` would read the file as JSON Lines: it looks like
/// them and is not valid JSON as a whole.
fn looks_like_lines(path: &Path, limits: &Limits) -> bool {
    let mut shape = import::JsonlShape::default();
    let read = lines::each_line(path, limits, |text| {
        shape.line(text);
        true
    });
    // A line too long or unreadable: the value read reports it.
    if read.is_err() || !shape.is_jsonl() {
        return false;
    }
    match input::open_after_bom(path) {
        Ok((file, _)) => !serde_json::Deserializer::from_reader(file)
            .into_iter::<serde::de::IgnoredAny>()
            .all(|v| v.is_ok()),
        Err(_) => false,
    }
}
