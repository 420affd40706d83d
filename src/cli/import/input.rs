//! What `handoff import` reads, within bounds: a record may be at most
//! `--max-record-mb`, a file at most `--max-total-mb`. A regular file is
//! read where it is (its size is known before reading). Anything else
//! (standard input, a pipe, a device such as /dev/zero) is copied to a
//! private file in the data directory as it is read, so it can be read
//! again when it is not JSON Lines, without holding it in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// The size limits of one import.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes one record (a line of JSON Lines, an array element) may take.
    pub record: usize,
    /// Bytes one file (or standard input) may take.
    pub total: u64,
}

const MIB: u64 = 1 << 20;

impl Limits {
    pub fn from_mib(record: u64, total: u64) -> Limits {
        Limits {
            record: usize::try_from(record.saturating_mul(MIB)).unwrap_or(usize::MAX),
            total: total.saturating_mul(MIB),
        }
    }

    /// The problem for a record over the limit, naming the limit.
    pub fn record_too_big(&self) -> String {
        format!(
            "record over the {} MiB limit for one record (raise it with --max-record-mb); \
             reading stopped here",
            self.record as u64 / MIB
        )
    }

    fn total_too_big(&self) -> String {
        format!(
            "over the {} MiB limit for one file (raise it with --max-total-mb)",
            self.total / MIB
        )
    }
}

/// An input opened for its first read.
pub struct Source {
    reader: Box<dyn BufRead + Send>,
    /// Where to read it again: the file itself, or the copy.
    pub again: PathBuf,
    /// The copy, removed when the import is done with it.
    spool: Option<Spool>,
}

impl Source {
    /// Open `path` ("-": standard input). Errors are the reason to show.
    pub fn open(path: &Path, limits: &Limits, spool_dir: &Path) -> Result<Source, String> {
        if path.as_os_str() == "-" {
            return Source::spooled(Box::new(io::stdin()), limits, spool_dir);
        }
        let file = File::open(path).map_err(|e| e.to_string())?;
        let meta = file.metadata().map_err(|e| e.to_string())?;
        if !meta.is_file() {
            return Source::spooled(Box::new(file), limits, spool_dir);
        }
        if meta.len() > limits.total {
            return Err(limits.total_too_big());
        }
        Ok(Source {
            reader: Box::new(BufReader::with_capacity(1 << 16, file)),
            again: path.to_path_buf(),
            spool: None,
        })
    }

    /// The reader for the first read (taken once).
    pub fn take_reader(&mut self) -> Box<dyn BufRead + Send> {
        std::mem::replace(&mut self.reader, Box::new(io::empty()))
    }

    /// Whether this is a copy being made as it is read (see `lines::read`).
    pub fn is_copy(&self) -> bool {
        self.spool.is_some()
    }

    fn spooled(inner: Box<dyn Read + Send>, limits: &Limits, dir: &Path) -> Result<Source, String> {
        let spool = Spool::create(dir).map_err(|e| format!("copying it aside: {e}"))?;
        let copy = spool.file.try_clone().map_err(|e| e.to_string())?;
        let tee = Tee {
            inner,
            copy,
            left: limits.total,
            over: limits.total_too_big(),
        };
        Ok(Source {
            reader: Box::new(BufReader::with_capacity(1 << 16, tee)),
            again: spool.path.clone(),
            spool: Some(spool),
        })
    }
}

/// Reads `inner`, writing what it read to `copy`, and fails once more
/// than the limit has come.
struct Tee {
    inner: Box<dyn Read + Send>,
    copy: File,
    left: u64,
    over: String,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = u64::try_from(n).unwrap_or(u64::MAX);
        if got > self.left {
            return Err(io::Error::other(self.over.clone()));
        }
        self.left -= got;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// A private file in the data directory, removed when dropped.
struct Spool {
    path: PathBuf,
    file: File,
}

impl Spool {
    fn create(dir: &Path) -> io::Result<Spool> {
        let pid = std::process::id();
        for n in 0..100 {
            let path = dir.join(format!(".import-{pid}-{n}.spool"));
            match crate::private::create_new(&path) {
                Ok(file) => return Ok(Spool { path, file }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("no free name for the copy"))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One line of `input` into `buf` (with its `\n`), at most `limit` bytes
/// before the newline. `Ok(0)` at the end; `Err(TooLong)` for a longer line
/// (what was read of it is in `buf`, the rest is not read).
pub fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> Result<usize, Stop> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let n = input
        .by_ref()
        .take(cap)
        .read_until(b'\n', buf)
        .map_err(|e| Stop::Io(e.to_string()))?;
    if buf.len() > limit && buf.last() != Some(&b'\n') {
        return Err(Stop::TooLong);
    }
    Ok(n)
}

/// Why a line could not be read.
pub enum Stop {
    /// Longer than the record limit.
    TooLong,
    /// A read error (or the file limit), as the reason to show.
    Io(String),
}

pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// The file, buffered, past its byte-order mark if it has one; and how
/// many bytes that mark took.
pub fn open_after_bom(path: &Path) -> Result<(BufReader<File>, usize), String> {
    let mut input = BufReader::with_capacity(1 << 16, File::open(path).map_err(|e| e.to_string())?);
    let head = input.fill_buf().map_err(|e| e.to_string())?;
    let skip = if head.starts_with(BOM) { BOM.len() } else { 0 };
    input.consume(skip);
    Ok((input, skip))
}

/// Whether the file's first character after a byte-order mark and
/// whitespace opens an array.
pub fn is_array(path: &Path) -> Result<bool, String> {
    let (mut input, _) = open_after_bom(path)?;
    loop {
        let chunk = input.fill_buf().map_err(|e| e.to_string())?;
        let Some(i) = chunk
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        else {
            if chunk.is_empty() {
                return Ok(false);
            }
            let n = chunk.len();
            input.consume(n);
            continue;
        };
        return Ok(chunk[i] == b'[');
    }
}

pub fn not_utf8(offset: usize) -> String {
    format!("not UTF-8 text (invalid byte at offset {offset})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_limit_stops_the_read() {
        let mut input = io::Cursor::new(b"12345\n123456\n".to_vec());
        let mut buf = Vec::new();
        assert!(matches!(read_line(&mut input, &mut buf, 5), Ok(6)));
        buf.clear();
        assert!(matches!(
            read_line(&mut input, &mut buf, 5),
            Err(Stop::TooLong)
        ));
    }

    #[test]
    fn the_copy_stops_at_the_file_limit_and_is_removed_after() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let limits = Limits {
            record: 10,
            total: 1000,
        };
        let zeros = Box::new(io::repeat(0));
        let mut source =
            Source::spooled(zeros, &limits, dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let copy = source.again.clone();
        let read = io::copy(&mut source.reader, &mut io::sink());
        let why = read.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(why.contains("limit for one file"), "{why}");
        let kept = std::fs::metadata(&copy).map(|m| m.len()).unwrap_or(0);
        assert!(kept <= 1000, "{kept}");
        drop(source);
        assert!(!copy.exists());
    }
}
