//! `handoff import` reads JSON Lines as a stream and stores records as they
//! come, yet a file with any bad record still writes nothing; and `handoff
//! stats` on a store from before the first-response column gives the same
//! figures before and after the store is migrated.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::Sandbox;
use serde_json::{Value, json};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ids(sb: &Sandbox) -> Vec<String> {
    let out = sb.stdout(&["queue", "--section", "all", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    rows.iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

/// A record escalated `hours_ago`, due an hour later, answered by an agent
/// `reply_min` minutes after it (if any).
fn record(id: &str, hours_ago: i64, reply_min: Option<i64>) -> String {
    let at = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let escalated = Utc::now() - Duration::hours(hours_ago);
    let mut transcript = vec![json!({"at": at(escalated), "author": "ai", "text": "over to you"})];
    if let Some(m) = reply_min {
        transcript.push(json!({
            "at": at(escalated + Duration::minutes(m)),
            "author": "agent",
            "text": "on it"
        }));
    }
    json!({
        "id": id,
        "escalated_at": at(escalated),
        "customer": {"name": "Pia"},
        "summary": {"issue": "Charged twice for one order"},
        "routing": {"team": "billing", "sla_due_at": at(escalated + Duration::hours(1))},
        "transcript": transcript,
    })
    .to_string()
}

#[test]
fn a_bad_last_line_on_stdin_writes_none_of_the_good_ones() {
    let sb = Sandbox::new();
    let text = format!(
        "{}\n{}\n{{\"id\": \"s-3\", \"escalated_at\": \"soon\"}}\n",
        record("s-1", 5, Some(10)),
        record("s-2", 5, None)
    );
    let out = sb.run_with_stdin(&["import", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("<stdin>:3: escalated_at: \"soon\" is not an RFC 3339 time"),
        "{err}"
    );
    assert!(
        err.contains("<stdin>: nothing imported (1 invalid record)"),
        "{err}"
    );
    assert!(!ids(&sb).iter().any(|id| id.starts_with("s-")));
}

#[test]
fn a_pretty_printed_record_on_stdin_still_imports() {
    let sb = Sandbox::new();
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<Value>(&record("p-1", 5, Some(10))).unwrap_or_default(),
    )
    .unwrap_or_default();
    let out = sb.run_with_stdin(&["import", "-"], Some(&pretty));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<stdin>: imported 1 (1 new"));
    assert!(ids(&sb).contains(&"p-1".to_string()));
}

#[test]
fn invalid_utf8_late_in_a_file_is_reported_and_nothing_is_written() {
    let sb = Sandbox::new();
    let path = sb.dir.path().join("late.jsonl");
    let mut bytes =
        format!("{}\n{}\n", record("u-1", 5, None), record("u-2", 5, None)).into_bytes();
    let offset = bytes.len() + 8;
    bytes.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    std::fs::write(&path, &bytes).unwrap_or_default();
    let name = path.display().to_string();
    let out = sb.run(&["import", &name]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{name}: not UTF-8 text (invalid byte at offset {offset})"
        )),
        "{err}"
    );
    assert!(!ids(&sb).iter().any(|id| id.starts_with("u-")));
}

#[test]
fn stats_are_the_same_before_and_after_an_old_store_is_migrated() {
    let sb = Sandbox::new();
    let file = sb.dir.path().join("h.jsonl");
    let lines = [
        record("m-1", 30, Some(20)), // answered in time
        record("m-2", 30, Some(90)), // answered late: breached
        record("m-3", 30, None),     // never answered: breached
        record("m-4", 200, Some(5)), // previous week
    ];
    std::fs::write(&file, lines.join("\n")).unwrap_or_default();
    sb.stdout(&["import", &file.display().to_string()]);
    sb.stdout(&["tag", "m-2", "bad", "--reason", "ai_could_resolve"]);
    let figures = |args: &[&str]| -> Value {
        let v: Value = serde_json::from_str(&sb.stdout(args)).unwrap_or_default();
        json!({"overall": v["overall"], "groups": v["groups"]})
    };
    let current = figures(&["stats", "--json", "--by", "team"]);
    assert_eq!(
        current["overall"]["current"]["handoffs"],
        json!(3),
        "{current}"
    );

    // Back to the shape stores had before first_agent_message_at.
    let db = sb.data_dir().join("handoff.db");
    let column = |conn: &rusqlite::Connection| -> bool {
        conn.query_row(
            "SELECT COUNT(*) FROM pragma_table_info('handoffs') WHERE name = 'first_agent_message_at'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .is_ok_and(|n| n == 1)
    };
    match rusqlite::Connection::open(&db) {
        Ok(conn) => {
            let undone = conn.execute_batch(
                "DROP INDEX handoffs_metrics;
                 ALTER TABLE handoffs DROP COLUMN first_agent_message_at;",
            );
            assert!(undone.is_ok(), "{undone:?}");
            assert!(!column(&conn));
        }
        Err(e) => panic!("{e}"),
    }
    // Read-only cannot migrate: the figures come from the stored bodies.
    let read_only = figures(&["--read-only", "stats", "--json", "--by", "team"]);
    assert_eq!(read_only, current);
    // Any other command migrates the store; the figures do not move.
    let migrated = figures(&["stats", "--json", "--by", "team"]);
    assert_eq!(migrated, current);
    match rusqlite::Connection::open(&db) {
        Ok(conn) => assert!(column(&conn)),
        Err(e) => panic!("{e}"),
    }
}

/// What `import::parse` reports for `text` read whole, as the CLI prints it.
fn parse_report(name: &str, text: &str) -> Vec<String> {
    match handoff::domain::import::parse(name, text) {
        Ok(items) => vec![format!("{name}: imported {}", items.len())],
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn files_that_are_not_plain_json_lines_get_the_report_a_whole_read_gives() {
    let sb = Sandbox::new();
    let good = record("w-1", 5, None);
    let cases = [
        // Broken lines among good ones (read a line at a time, not held).
        format!(
            "{good}\n{{\"id\": \"w-2\",\n{}\nnot json\n",
            record("w-3", 5, None)
        ),
        // The same behind a byte-order mark, with CRLF.
        format!("\u{feff}{good}\r\n{{oops\r\n{}\r\n", record("w-3", 5, None)),
        // One pretty-printed object that is broken: one syntax error.
        "{\n  \"id\": \"w-1\",\n  \"escalated_at\": \n}\n".to_string(),
        // A record over two lines after a good one: valid as a whole.
        format!(
            "{good}\n{{\"id\": \"w-2\", \"customer\": {{\"name\": \"Al\"}},\n\"escalated_at\": \"2026-05-01T09:30:00Z\"}}\n"
        ),
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = sb.dir.path().join(format!("case-{i}.jsonl"));
        std::fs::write(&path, text).unwrap_or_default();
        let name = path.display().to_string();
        let out = sb.run(&["import", &name]);
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        for line in parse_report(&name, text) {
            assert!(
                printed.contains(&line),
                "case {i}: missing {line:?} in\n{printed}"
            );
        }
    }
    // The last case imported; the broken ones wrote nothing.
    let mut stored = ids(&sb);
    stored.sort();
    assert_eq!(stored, ["w-1", "w-2"]);
}

#[test]
fn arrays_are_read_an_element_at_a_time_with_the_report_a_whole_read_gives() {
    let sb = Sandbox::new();
    let (a, b) = (record("a-1", 5, Some(10)), record("a-2", 5, None));
    let bad = r#"{"id": "a-3", "escalated_at": "soon"}"#;
    let pretty = |items: &[&str]| {
        let values: Vec<Value> = items
            .iter()
            .map(|t| serde_json::from_str(t).unwrap_or_default())
            .collect();
        serde_json::to_string_pretty(&values).unwrap_or_default()
    };
    let cases = [
        // Broken ones first: none of them may store anything.
        ("bad-record", format!("[\n{a},\n{bad},\n{b}\n]\n")),
        ("missing-comma", format!("[\n{a}\n{b}\n]")),
        ("trailing-comma", format!("[{a},\n{b},\n]")),
        ("cut-short", format!("[\n{a},\n{{\"id\": \"a-2\"")),
        ("after-the-array", format!("[{a}]\n{{}}\n")),
        ("not-a-record", "[1, \"two\"]".to_string()),
        ("duplicate", format!("[{a},\n{a}]")),
        ("bad-json-inside", format!("[{a},\n{{\"id\": tru}}]")),
        // Good ones.
        ("empty", "[]".to_string()),
        ("pretty", pretty(&[&a, &b])),
        ("bom-crlf", format!("\u{feff}[\r\n{a},\r\n{b}\r\n]\r\n")),
        ("one-line", format!("[{a},{b}]")),
    ];
    for (name, text) in &cases {
        let path = sb.dir.path().join(format!("{name}.json"));
        std::fs::write(&path, text).unwrap_or_default();
        let label = path.display().to_string();
        let out = sb.run(&["import", &label]);
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        let expected = parse_report(&label, text);
        for line in &expected {
            assert!(
                printed.contains(line),
                "{name}: missing {line:?} in\n{printed}"
            );
        }
        // Nothing more than the whole read reports, either.
        let problems = printed.lines().filter(|l| l.starts_with(&label)).count();
        let summary = usize::from(expected.len() > 1 || !expected[0].contains("imported"));
        assert_eq!(problems, expected.len() + summary, "{name}:\n{printed}");
        let good = ["empty", "pretty", "bom-crlf", "one-line"].contains(name);
        assert_eq!(out.status.success(), good, "{name}: {printed}");
    }
    let mut stored = ids(&sb);
    stored.sort();
    assert_eq!(stored, ["a-1", "a-2"], "only the good files were stored");

    // Through standard input too (read from its private copy).
    let out = sb.run_with_stdin(&["import", "-"], Some(&pretty(&[&b])));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("<stdin>: imported 1 (0 new, 1 updated)")
    );
}
