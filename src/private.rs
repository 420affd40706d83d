//! Files that hold customers' personal data are the user's alone: the data
//! directory is made 0700, the database (and SQLite's journals beside it),
//! the log and every temporary file 0600. Ones made looser by an older
//! version or by hand are tightened when a workspace opens for writing,
//! with a line in the log saying so.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// rwx for the owner only.
pub const DIR_MODE: u32 = 0o700;
/// rw for the owner only.
pub const FILE_MODE: u32 = 0o600;

/// Create `dir` and any missing parents, each 0700.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
}

/// Open `path` to append to it, creating it 0600.
pub fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Create `path`, 0600; an existing file is an error (`AlreadyExists`).
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Take every permission for group and others off `path` if it exists and
/// has any. Returns what happened, for the log; `None` when nothing had to.
pub fn tighten(path: &Path) -> Option<String> {
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return None;
    }
    let tight = mode & !0o077;
    let shown = path.display();
    Some(
        match fs::set_permissions(path, Permissions::from_mode(tight)) {
            Ok(()) => format!("{shown} was open to others ({mode:o}); now {tight:o}"),
            Err(e) => format!("{shown} is open to others ({mode:o}) and could not be changed: {e}"),
        },
    )
}

/// Append `lines` to the log at `log` as log lines, without `tracing`
/// (subcommands run without a subscriber; the workspace starts one later).
pub fn note(log: &Path, lines: &[String]) -> io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let stamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut file = append(log)?;
    for line in lines {
        writeln!(file, "{stamp}  INFO handoff::private: {line}")?;
    }
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn new_dirs_and_files_are_the_owners_alone() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("a/b");
        create_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let log = dir.join("x.log");
        append(&log).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&log), 0o600);
        let new = dir.join("new");
        create_new(&new).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&new), 0o600);
        assert!(
            create_new(&new).is_err(),
            "an existing file is not replaced"
        );
    }

    #[test]
    fn loose_files_are_tightened_and_said_so() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = tmp.path().join("handoff.db");
        fs::write(&file, "x").unwrap_or_else(|e| panic!("{e}"));
        fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap_or_else(|e| panic!("{e}"));
        let said = tighten(&file).unwrap_or_default();
        assert!(said.contains("(644); now 600"), "{said}");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(tighten(&file), None, "nothing left to do");
        assert_eq!(tighten(&tmp.path().join("absent")), None);
    }
}
