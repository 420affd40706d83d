//! `handoff import` tells the producer about fields it ignored: the record
//! still imports and the exit status is unchanged, but stderr names the file,
//! the line and the field, with where it probably belongs.

mod common;

use common::Sandbox;
use serde_json::Value;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn queue(sb: &Sandbox) -> Vec<Value> {
    serde_json::from_str(&sb.stdout(&["queue", "--section", "all", "--json"])).unwrap_or_default()
}

#[test]
fn a_misplaced_field_imports_with_a_warning_on_stderr() {
    let sb = Sandbox::new();
    let path = sb.dir.path().join("new.jsonl");
    let good = r#"{"id": "w-1", "escalated_at": "2026-05-01T09:30:00Z"}"#;
    let misplaced = r#"{"id": "w-2", "escalated_at": "2026-05-01T09:30:00Z", "ai": {"agent": "Fin", "confidence": 0.3}}"#;
    std::fs::write(&path, format!("{good}\n\n{misplaced}\n")).unwrap_or_default();
    let name = path.display().to_string();

    let out = sb.run(&["import", &name]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains(&format!("{name}: imported 2 (2 new, 0 updated)")),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        format!(
            "{name}:3: warning: ai.confidence: not a handoff field, ignored (did you mean summary.confidence?)\n"
        )
    );
    let rows = queue(&sb);
    assert!(rows.iter().any(|r| r["id"] == "w-2"), "{rows:?}");
}

#[test]
fn many_warnings_are_cut_short_and_counted() {
    let sb = Sandbox::new();
    // A pretty-printed array takes the whole-file path, not the stream.
    let records: Vec<String> = (0..30)
        .map(|i| {
            format!(
                "{{\n  \"id\": \"m-{i}\",\n  \"escalated_at\": \"2026-05-01T09:30:00Z\",\n  \"field_{i}\": 1\n}}"
            )
        })
        .collect();
    let out = sb.run_with_stdin(
        &["import", "-"],
        Some(&format!("[{}]", records.join(",\n"))),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 21, "{stderr}");
    assert_eq!(
        lines[0],
        "<stdin>:1: warning: field_0: not a handoff field, ignored"
    );
    assert_eq!(lines[20], "… and 10 more warnings");
    assert_eq!(queue(&sb).len(), 30);
}
