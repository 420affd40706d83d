//! Opening the store file, and what is refused before anything is written:
//!
//! - A new store is made whole under a temporary name and then linked into
//!   place, so a `handoff.db` that is empty (0 bytes) was never ours and is
//!   "not a handoff store" instead of being seeded with the demo.
//! - A store written by a newer handoff (a higher `schema_version` in
//!   `meta`) is refused with both versions; `--read-only` may still read it
//!   if that version says readers as old as this one can
//!   ([`OLDEST_READER`]).
//! - A workspace's first connection runs SQLite's `quick_check` over the
//!   whole file: a damaged store is refused, named, with the way to recover,
//!   and never written to.
//! - A read-only look that SQLite cannot take the normal way (the
//!   directory or filesystem is read-only, the file is someone else's)
//!   falls back to `immutable=1`: no locks, no shared memory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::{Result, SCHEMA_VERSION, Store, StoreError, migrate};

/// The `meta` key with the oldest schema version that can still read a
/// store (absent: only its own). A future handoff whose schema only adds
/// to this one sets it, so older builds can still look with `--read-only`.
pub const OLDEST_READER: &str = "oldest_reader_schema";

/// How long a connection waits for another process's lock.
const BUSY: Duration = Duration::from_secs(5);

impl Store {
    /// Open (creating if needed) the store at `path` for writing. For
    /// connections after a workspace's first (see [`Store::open_checked`]).
    pub fn open(path: &Path) -> Result<Store> {
        open(path, None).map(|(store, _)| store)
    }

    /// [`Store::open`] with a quick check of the whole file, so a damaged
    /// store is refused before anything is written to it. With
    /// [`Check::Later`] the check is handed back to run later: the caller
    /// runs it ([`wait`](PendingCheck::wait)) when the cores are free, and
    /// before writing (unless the store needs migrating, which writes: then
    /// it is checked first, as with [`Check::Now`]). A store made just now
    /// is not checked.
    pub fn open_checked(path: &Path, check: Check) -> Result<(Store, Option<PendingCheck>)> {
        open(path, Some(check))
    }

    /// Open an existing store for reading only: SQLite itself refuses writes,
    /// so a lead's session cannot change anything even by mistake.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        refuse_empty(path)?;
        let conn = match reader(path, false) {
            Ok(conn) => conn,
            Err(first) => match reader(path, true) {
                Ok(conn) => {
                    tracing::info!(
                        db = %path.display(), error = %first,
                        "no shared read; reading it as immutable (other processes' writes are not seen)"
                    );
                    conn
                }
                Err(_) => return Err(open_error(path, first)),
            },
        };
        refuse_newer(&conn, path, true)?;
        // Read-only cannot migrate: an old store's stats read the bodies.
        let metric_columns = migrate::has_metrics(&conn).map_err(|e| store_error(path, e))?;
        Ok(Store {
            conn,
            destinations: Vec::new(),
            helpdesk: None,
            metric_columns,
            written: 0,
        })
    }

    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }
}

/// When [`Store::open_checked`] checks the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Now,
    /// Handed back to run when the caller chooses, before it writes.
    Later,
}

/// A quick check still to run (see [`Store::open_checked`]).
pub struct PendingCheck(std::path::PathBuf);

impl PendingCheck {
    /// Run the check, on the caller's thread: `Err(StoreError::Damaged)`
    /// for a damaged store. It reads the whole file, so the full screen
    /// runs it once the open handoffs are on screen, not beside the load.
    pub fn wait(self) -> Result<()> {
        check_file(&self.0)
    }
}

/// The quick check on a read connection of its own.
fn check_file(path: &Path) -> Result<()> {
    let conn = reader(path, false).map_err(|e| open_error(path, e))?;
    quick_check(&conn, path)
}

fn open(path: &Path, check: Option<Check>) -> Result<(Store, Option<PendingCheck>)> {
    if let Some(dir) = path.parent() {
        crate::private::create_dir(dir).map_err(|e| file_error(dir, e))?;
    }
    let made = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path)?,
        Err(e) => return Err(file_error(path, e)),
        Ok(_) => {
            refuse_empty(path)?;
            false
        }
    };
    let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
    conn.busy_timeout(BUSY).map_err(|e| open_error(path, e))?;
    refuse_newer(&conn, path, false)?;
    let pending = match check.filter(|_| !made) {
        None => None,
        Some(Check::Later) if migrate::is_current(&conn).map_err(|e| store_error(path, e))? => {
            Some(PendingCheck(path.to_path_buf()))
        }
        Some(_) => {
            quick_check(&conn, path)?;
            None
        }
    };
    let store = Store::init(conn).map_err(|e| store_error(path, e))?;
    Ok((store, pending))
}

/// Make a new store under a temporary name beside `path` and link it into
/// place, so the name only ever holds a whole store. Another process that
/// got there first wins; its store is used. Whether ours was.
fn create(path: &Path) -> Result<bool> {
    let name = path
        .file_name()
        .map_or_else(|| "handoff.db".into(), |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    // A leftover of a crashed start with this process id is ours to replace.
    let _ = std::fs::remove_file(&temp);
    crate::private::create_new(&temp).map_err(|e| file_error(&temp, e))?;
    let made = Connection::open(&temp)
        .map_err(StoreError::from)
        .and_then(Store::init)
        // Closing checkpoints the journal into the file.
        .map(drop);
    let linked = made.and_then(|()| match std::fs::hard_link(&temp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        // No hard links on this filesystem: a rename, unless one appeared.
        Err(_) if !path.exists() => std::fs::rename(&temp, path)
            .map(|()| true)
            .map_err(|e| file_error(path, e)),
        Err(_) => Ok(false),
    });
    for leftover in ["", "-wal", "-shm", "-journal"] {
        let mut name = temp.clone().into_os_string();
        name.push(leftover);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    linked.map_err(|e| store_error(path, e))
}

/// A 0-byte file where the store should be: someone else's (ours are never
/// empty, see [`create`]); it is left as it is.
fn refuse_empty(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == 0 => Err(StoreError::NotAStore(path.to_path_buf())),
        _ => Ok(()),
    }
}

/// A connection for reading only; `immutable` for a file SQLite cannot
/// lock or share memory for. Opening is lazy, so the schema is read here:
/// a file it cannot read fails now rather than at the first query.
fn reader(path: &Path, immutable: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let extra = if immutable { "&immutable=1" } else { "" };
    let uri = format!("file:{}?mode=ro{extra}", uri_path(path));
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(BUSY)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(conn)
}

/// `path` for a `file:` URI: bytes other than unreserved ones and `/`
/// percent-encoded (a `?` or `#` in a directory name must not end it).
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Refuse a store a newer handoff wrote, before anything is written to it.
/// For `read_only`, one whose writer says this version can still read it
/// is let through.
fn refuse_newer(conn: &Connection, path: &Path, read_only: bool) -> Result<()> {
    let read = |key: &str| -> rusqlite::Result<Option<String>> {
        let has_meta = conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                [],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !has_meta {
            return Ok(None);
        }
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
            r.get::<_, String>(0)
        })
        .optional()
    };
    let known: u32 = SCHEMA_VERSION.parse().unwrap_or(1);
    let Some(text) = read("schema_version").map_err(|e| open_error(path, e))? else {
        return Ok(());
    };
    // An unreadable version is not one this build knows.
    let found = text.trim().parse::<u32>().unwrap_or(u32::MAX);
    if found <= known {
        return Ok(());
    }
    let oldest = read(OLDEST_READER)
        .map_err(|e| open_error(path, e))?
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(found);
    if read_only && oldest <= known {
        return Ok(());
    }
    Err(StoreError::Newer {
        path: path.to_path_buf(),
        found: text,
        known,
        readable: oldest <= known,
    })
}

/// SQLite's `quick_check`: every page of every table and index is read
/// and its structure checked (not the indexes' agreement with their
/// tables, which `integrity_check` adds). Measured in docs/reliability.md.
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let mut stmt = conn
        .prepare("PRAGMA quick_check(3)")
        .map_err(|e| open_error(path, e))?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| open_error(path, e))?;
    if problems.iter().all(|p| p == "ok") {
        return Ok(());
    }
    // One line: SQLite heads its list with the schema's name.
    let problem = problems
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| !l.starts_with("***"))
        .collect::<Vec<_>>()
        .join("; ");
    Err(StoreError::Damaged {
        path: path.to_path_buf(),
        problem,
    })
}

/// An SQLite error while opening `path`: a damaged file says so.
pub(super) fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
            path: path.to_path_buf(),
            problem: source.to_string(),
        },
        _ => StoreError::Open {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Any error while opening `path`, named after it.
fn store_error(path: &Path, e: StoreError) -> StoreError {
    match e {
        StoreError::Sql(source) => open_error(path, source),
        other => other,
    }
}

fn file_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::File {
        path: path.to_path_buf(),
        source: e,
    }
}
