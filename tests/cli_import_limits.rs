//! `handoff import` holds at most one record: a record over
//! `--max-record-mb`, a file over `--max-total-mb` or an endless stream of
//! bad records stops the read with a problem that names the limit, and
//! nothing from that file is stored. What it reads from standard input or a
//! device goes to a private copy in the data directory, removed after.

mod common;

use std::process::{Command, Stdio};

use common::Sandbox;
use serde_json::{Value, json};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The ids stored, read without seeding the demo into a store no import
/// has written to yet.
fn ids(sb: &Sandbox) -> Vec<String> {
    if !sb.data_dir().join("handoff.db").exists() {
        return Vec::new();
    }
    let out = sb.stdout(&["--read-only", "queue", "--section", "all", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    rows.iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

/// A record of about `kib` KiB (its issue is that long).
fn record(id: &str, kib: usize) -> String {
    json!({
        "id": id,
        "escalated_at": "2026-01-01T10:00:00Z",
        "summary": { "issue": "x".repeat(kib * 1024) },
    })
    .to_string()
}

/// Nothing but the store and its log is left in the data dir.
fn assert_no_copies_left(sb: &Sandbox) {
    let left: Vec<String> = std::fs::read_dir(sb.data_dir())
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .filter(|n| n.contains("spool"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn dev_zero_stops_at_the_record_limit() {
    let sb = Sandbox::new();
    let out = sb.run(&["import", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "/dev/zero:1: -: record over the 8 MiB limit for one record \
             (raise it with --max-record-mb); reading stopped here"
        ),
        "{err}"
    );
    assert!(err.contains("/dev/zero: nothing imported"), "{err}");
    assert_no_copies_left(&sb);
}

#[test]
fn an_endless_stream_of_bad_records_stops_after_a_thousand_problems() {
    let sb = Sandbox::new();
    let line = r#"{"id": "same", "escalated_at": "2026-01-01T10:00:00Z"}"#;
    let mut yes = Command::new("yes")
        .arg(line)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("yes: {e}"));
    let piped = yes
        .stdout
        .take()
        .map(Stdio::from)
        .unwrap_or_else(Stdio::null);
    let mut cmd = Command::new(common::BIN);
    cmd.args(["import", "-"])
        .env_remove("HANDOFF_AGENT")
        .stdin(piped);
    for (k, v) in sb.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let _ = yes.kill();
    let _ = yes.wait();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("<stdin>:2: id: duplicate of line 1"), "{err}");
    assert!(
        err.contains("<stdin>:1002: -: stopped reading here after 1000 problems"),
        "{err}"
    );
    assert!(
        err.contains("<stdin>: nothing imported (1000 invalid records)"),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        1002,
        "1000 problems, where it stopped, the summary"
    );
    assert!(!ids(&sb).contains(&"same".to_string()));
    assert_no_copies_left(&sb);
}

#[test]
fn a_file_over_the_total_limit_is_refused_whole() {
    let sb = Sandbox::new();
    let text: String = (0..3)
        .map(|i| record(&format!("t-{i}"), 400) + "\n")
        .collect();
    let path = sb.dir.path().join("big.jsonl");
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let name = path.display().to_string();
    let expected = "over the 1 MiB limit for one file (raise it with --max-total-mb)";

    let out = sb.run(&["import", "--max-total-mb", "1", &name]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{name}: {expected}")),
        "{}",
        stderr(&out)
    );

    let out = sb.run_with_stdin(&["import", "--max-total-mb", "1", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("-: {expected}")),
        "{}",
        stderr(&out)
    );
    assert!(ids(&sb).is_empty());
    assert_no_copies_left(&sb);

    // Within a higher limit, all of it.
    let out = sb.run_with_stdin(&["import", "--max-total-mb", "2", "-"], Some(&text));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&sb).len(), 3);
}

#[test]
fn the_record_limit_names_the_record_in_lines_and_in_arrays() {
    let sb = Sandbox::new();
    let (small, big) = (record("r-1", 600), record("r-2", 1500));
    let cases = [
        ("lines.jsonl", format!("{small}\n{big}\n"), 2),
        ("array.json", format!("[\n{small},\n\n{big}\n]"), 4),
        (
            "pretty.json",
            format!("{small}\n{{\n\"id\": \"r-3\", \"x\": {big}}}"),
            2,
        ),
    ];
    for (name, text, line) in &cases {
        let path = sb.dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let label = path.display().to_string();
        let out = sb.run(&["import", "--max-record-mb", "1", &label]);
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{label}:{line}: -: record over the 1 MiB limit")),
            "{name}: {err}"
        );
        assert!(ids(&sb).is_empty(), "{name}: stored something");
    }
    // The array with a higher limit.
    let label = sb.dir.path().join("array.json").display().to_string();
    let out = sb.run(&["import", "--max-record-mb", "2", &label]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&sb).len(), 2);
}
