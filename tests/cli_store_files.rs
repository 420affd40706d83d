//! The store's files on the real filesystem: who may read them, and what
//! `handoff` does with a store that is damaged, empty, from a newer
//! version, or readable but not writable. Each case says which file, how
//! to get out of it, and leaves the file as it found it.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::Sandbox;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A sandbox whose store exists (with the demo) and is closed.
fn with_store() -> (Sandbox, std::path::PathBuf) {
    let sb = Sandbox::new();
    sb.stdout(&["queue"]);
    let db = sb.data_dir().join("handoff.db");
    (sb, db)
}

fn sql(db: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("open: {e}"));
    conn.execute_batch(statement)
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

#[test]
fn the_data_dir_and_its_files_are_the_users_alone() {
    let (sb, db) = with_store();
    assert_eq!(mode(&sb.data_dir()), 0o700, "data dir");
    assert_eq!(mode(&db), 0o600, "database");
    // No half-made store was left beside it.
    let names: Vec<String> = std::fs::read_dir(sb.data_dir())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "left over: {names:?}");

    // The full screen's log is made 0600 too.
    let mut screen = sb.open(80, 24, &[]);
    screen.wait_for("Mine");
    screen.send("q");
    assert!(screen.wait_exit());
    assert_eq!(mode(&sb.data_dir().join("handoff.log")), 0o600, "log");
}

#[test]
fn files_left_open_to_others_are_closed_and_the_log_says_so() {
    let (sb, db) = with_store();
    let log = sb.data_dir().join("handoff.log");
    std::fs::write(&log, "earlier line\n").unwrap_or_else(|e| panic!("{e}"));
    chmod(&sb.data_dir(), 0o755);
    chmod(&db, 0o644);
    chmod(&log, 0o644);

    // Looking read-only changes nothing, permissions included.
    let out = sb.run(&["--read-only", "queue"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&db), 0o644);

    sb.stdout(&["queue"]);
    assert_eq!(mode(&sb.data_dir()), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&log), 0o600);
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(said.starts_with("earlier line\n"), "{said}");
    for path in [sb.data_dir(), db.clone(), log.clone()] {
        let line = format!("permissions: {} was open to others", path.display());
        assert!(
            said.contains(&line),
            "no note for {}:\n{said}",
            path.display()
        );
    }
}

#[test]
fn an_empty_file_is_not_a_store_and_is_left_alone() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).unwrap_or_else(|e| panic!("{e}"));
    let db = sb.data_dir().join("handoff.db");
    std::fs::write(&db, "").unwrap_or_else(|e| panic!("{e}"));
    for args in [&["queue"][..], &["--read-only", "queue"], &["import", "-"]] {
        let out = sb.run_with_stdin(args, Some("{}"));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{} is not a handoff store", db.display())),
            "{args:?}: {err}"
        );
        assert!(err.contains("Move it aside"), "{err}");
        assert_eq!(bytes(&db).len(), 0, "{args:?} wrote to it");
    }
}

#[test]
fn a_store_from_a_newer_handoff_is_refused_and_left_unchanged() {
    let (sb, db) = with_store();
    sql(
        &db,
        "UPDATE meta SET value = '7' WHERE key = 'schema_version'",
    );
    let before = bytes(&db);
    let id = "HO-1042";
    for args in [
        &["queue"][..],
        &["tag", id, "bad"],
        &["import", "-"],
        &["--read-only", "queue"],
    ] {
        let out = sb.run_with_stdin(args, Some("{}"));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("was written by a newer handoff (schema 7); this build knows 1"),
            "{args:?}: {err}"
        );
        assert!(err.contains(&db.display().to_string()), "{err}");
        assert!(bytes(&db) == before, "{args:?} changed the file");
    }

    // Its writer says older readers can still read it: --read-only may.
    sql(
        &db,
        "INSERT INTO meta (key, value) VALUES ('oldest_reader_schema', '1')",
    );
    let before = bytes(&db);
    let out = sb.run(&["--read-only", "queue", "--section", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(id));
    let out = sb.run(&["tag", id, "bad"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--read-only can look at it meanwhile"));
    assert!(bytes(&db) == before, "changed the file");
}

/// The first b-tree page at or after the middle of the file (its type byte
/// says so), so the damage hits the structure SQLite checks, not only the
/// inside of a long text.
fn btree_page_after_middle(file: &[u8]) -> usize {
    let page = usize::from(u16::from_be_bytes([file[16], file[17]]));
    let page = if page == 1 { 65536 } else { page };
    (file.len() / 2 / page..file.len() / page)
        .map(|n| n * page)
        .find(|&at| matches!(file[at], 0x02 | 0x05 | 0x0a | 0x0d))
        .unwrap_or_else(|| panic!("no b-tree page after the middle"))
}

/// 8 KB of noise (xorshift, fixed seed: the same noise every run).
fn noise() -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn a_damaged_store_is_named_refused_for_writing_and_never_overwritten() {
    let (sb, db) = with_store();
    let mut file = bytes(&db);
    let at = btree_page_after_middle(&file);
    file.splice(at..at + 8192, noise());
    std::fs::write(&db, &file).unwrap_or_else(|e| panic!("{e}"));
    // It really is damaged, by SQLite's own account.
    let conn = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let verdict: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(verdict, "ok");
    drop(conn);

    let import = sb.dir.path().join("one.json");
    std::fs::write(
        &import,
        r#"{"id": "NEW-1", "escalated_at": "2026-01-01T10:00:00Z", "summary": {"issue": "x"}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let import = import.display().to_string();
    for args in [
        &["queue"][..],
        &["tag", "HO-1042", "bad"],
        &["import", &import],
        &["team", "HO-1042", "--to", "billing"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{} is damaged", db.display())),
            "{args:?}: {err}"
        );
        assert!(err.contains("restore it from a backup"), "{err}");
        assert!(err.contains(".recover | sqlite3"), "{err}");
        assert!(bytes(&db) == file, "{args:?} wrote to the damaged file");
    }

    // The full screen says the same after putting the terminal back.
    let script = r#""$HANDOFF_BIN"; echo "handoff exited $?""#;
    let mut screen = sb.open_shell(120, 30, script, &[]);
    // Keys work while the check runs, but what they would write waits for
    // it: a verdict typed at once is never written to the damaged file.
    screen.send("g");
    screen.wait_for("handoff exited 1");
    assert!(screen.wait_exit());
    let text = screen.text().replace('\n', "");
    assert!(text.contains("is damaged"), "{text}");
    assert!(!screen.alternate_screen());
    assert!(
        bytes(&db) == file,
        "the full screen wrote to the damaged file"
    );
}

/// A lead may read the store but not write where it lives (a read-only
/// directory or filesystem, a store someone else owns): `--read-only`
/// still opens it. Run as another user when the tests run as root (root
/// may write anywhere), else with the directory made read-only.
#[test]
fn read_only_opens_a_store_it_cannot_write() {
    use std::os::unix::process::CommandExt;
    let (sb, db) = with_store();
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    chmod(sb.dir.path(), 0o755);
    chmod(&sb.config(), 0o644);
    chmod(&db, 0o444);
    chmod(&sb.data_dir(), 0o555);
    // As root the binary runs as nobody, who may not reach it where it was
    // built (a clone in a private temporary directory): run a copy from the
    // sandbox, which nobody can read.
    let bin = if root {
        let copy = sb.dir.path().join("handoff");
        std::fs::hard_link(common::BIN, &copy)
            .or_else(|_| std::fs::copy(common::BIN, &copy).map(|_| ()))
            .unwrap_or_else(|e| panic!("{e}"));
        chmod(&copy, 0o755);
        copy
    } else {
        std::path::PathBuf::from(common::BIN)
    };
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(args).env_remove("HANDOFF_AGENT");
        for (k, v) in sb.env() {
            cmd.env(k, v);
        }
        if root {
            cmd.uid(65534).gid(65534);
        }
        cmd.output().unwrap_or_else(|e| panic!("{e}"))
    };
    let before = bytes(&db);
    let out = run(&["--read-only", "queue", "--section", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("HO-1042"));
    let out = run(&["--read-only", "show", "HO-1042"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Writing is refused as before, and nothing changed.
    let out = run(&["tag", "HO-1042", "bad"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(bytes(&db) == before);
    chmod(&sb.data_dir(), 0o700);
}
