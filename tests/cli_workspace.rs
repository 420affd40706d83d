//! The command line as scripts and people meet it: import, queue, show, tag,
//! feedback export, demo; exit codes and error messages.

mod common;

use common::Sandbox;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn all_ids(sb: &Sandbox) -> Vec<String> {
    let out = sb.stdout(&["queue", "--section", "all", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    rows.iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn import_then_reimport_updates_without_duplicating() {
    let sb = Sandbox::new();
    let first = sb.stdout(&["import", &fixture("valid.jsonl")]);
    assert!(first.contains("imported 3 (3 new, 0 updated)"), "{first}");
    let again = sb.stdout(&["import", &fixture("valid.jsonl")]);
    assert!(again.contains("(0 new, 3 updated)"), "{again}");
    let ids = all_ids(&sb);
    assert_eq!(ids.len(), 3, "an imported store gets no demo data: {ids:?}");
}

#[test]
fn a_json_array_and_stdin_both_import() {
    let sb = Sandbox::new();
    sb.stdout(&["import", &fixture("valid_array.json")]);
    let line =
        r#"{"id":"piped-1","escalated_at":"2026-05-01T09:30:00Z","customer":{"name":"Pia"}}"#;
    let out = sb.run_with_stdin(&["import", "-"], Some(line));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<stdin>: imported 1"));
    assert!(all_ids(&sb).contains(&"piped-1".to_string()));
}

#[test]
fn a_bad_file_names_every_bad_record_and_writes_nothing() {
    let sb = Sandbox::new();
    sb.stdout(&["import", &fixture("valid.jsonl")]);
    let bad = fixture("bad.jsonl");
    let out = sb.run(&["import", &bad]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    for expected in [
        format!("{bad}:2: routing.priority: \"asap\" is not one of urgent, high, normal, low"),
        format!("{bad}:4: escalated_at: \"yesterday\" is not an RFC 3339 time"),
        format!("{bad}:5: summary.confidence: 1.7 is outside 0..1"),
        format!("{bad}: nothing imported (3 invalid records)"),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert!(
        err.lines().next().is_some_and(|l| l.starts_with(&bad)),
        "lines start with FILE:LINE"
    );
    // ok-1 and ok-2 in the same file were not written either.
    assert!(!all_ids(&sb).iter().any(|id| id.starts_with("ok-")));
}

#[test]
fn not_json_and_missing_files_are_clear_errors() {
    let sb = Sandbox::new();
    let junk = sb.dir.path().join("junk.txt");
    std::fs::write(&junk, "this is not json\n").unwrap_or_default();
    let out = sb.run(&["import", &junk.display().to_string()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains(&format!("{}:1:", junk.display())),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["import", "/nonexistent/file.jsonl"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("/nonexistent/file.jsonl: No such file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn first_use_seeds_the_demo_and_queue_matches_the_screen_order() {
    let sb = Sandbox::new();
    let out = sb.stdout(&["queue", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    assert!(rows.len() >= 5, "the demo agent has a queue");
    assert!(
        rows.iter()
            .all(|r| r["assignee"] == "Maya Chen" && r["status"] != "resolved")
    );
    // Breached first: once a row is not breached, no later row is.
    let breached: Vec<bool> = rows.iter().map(|r| r["sla"] == "breached").collect();
    assert!(breached.windows(2).all(|w| w[0] || !w[1]), "{breached:?}");
    let text = sb.stdout(&["queue", "--section", "unassigned"]);
    assert!(
        text.contains("→ "),
        "unassigned rows show who routing picks:\n{text}"
    );
    // The 169 live handoffs and the demo team's 900 resolved ones.
    assert_eq!(all_ids(&sb).len(), 169 + 900);
}

#[test]
fn show_prints_the_summary_in_three_formats() {
    let sb = Sandbox::new();
    let text = sb.stdout(&["show", "HO-1001"]);
    for heading in [
        "ISSUE",
        "COLLECTED",
        "FINDINGS",
        "WHY ESCALATED",
        "NEXT STEP",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    let md = sb.stdout(&["show", "HO-1001", "--format", "markdown"]);
    assert!(md.starts_with("## HO-1001"), "{md}");
    let json: Value = serde_json::from_str(&sb.stdout(&["show", "HO-1001", "--format", "json"]))
        .unwrap_or(Value::Null);
    assert_eq!(json["handoff"]["id"], "HO-1001");
    assert!(json["completeness"]["score"].is_u64());
    let out = sb.run(&["show", "NOPE-1"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("no handoff with id 'NOPE-1'"));
}

#[test]
fn missing_fields_are_shown_as_missing() {
    let sb = Sandbox::new();
    let line = r#"{"id":"thin-1","escalated_at":"2026-05-01T09:30:00Z","summary":{"issue":"Refund please","next_step":"n/a"}}"#;
    sb.run_with_stdin(&["import", "-"], Some(line));
    let text = sb.stdout(&["show", "thin-1"]);
    assert!(text.contains("completeness 1/5"), "{text}");
    assert!(
        text.contains(
            "missing: collected data, findings or attempts, escalation reason, next step"
        ),
        "{text}"
    );
    assert!(text.contains("— missing —"));
}

#[test]
fn tag_records_verdicts_and_export_reports_them() {
    let sb = Sandbox::new();
    sb.stdout(&[
        "tag",
        "HO-1001",
        "bad",
        "--reason",
        "wrong_data",
        "--reason",
        "too_late",
        "--note",
        "asked twice",
    ]);
    sb.stdout(&["tag", "HO-1002", "good"]);
    // A later verdict replaces the earlier one: one record per handoff.
    sb.stdout(&["tag", "HO-1002", "bad", "--reason", "misrouted"]);
    // The demo team's own verdicts (hours old and more) are in the export too.
    let lines: Vec<Value> = sb
        .stdout(&["feedback", "export"])
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["handoff_id"] == "HO-1001" || r["handoff_id"] == "HO-1002")
        .collect();
    assert_eq!(lines.len(), 2);
    let first = lines
        .iter()
        .find(|r| r["handoff_id"] == "HO-1001")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        first["reasons"],
        serde_json::json!(["wrong_data", "too_late"])
    );
    assert_eq!(first["note"], "asked twice");
    for key in ["agent", "at", "procedure", "procedure_version", "trigger"] {
        assert!(first.get(key).is_some(), "{key} in export");
    }
    let csv = sb.stdout(&["feedback", "export", "--format", "csv"]);
    assert!(csv.starts_with(
        "handoff_id,verdict,reasons,note,agent,at,procedure,procedure_version,trigger"
    ));
    assert!(csv.contains("wrong_data;too_late"));
    let md = sb.stdout(&["feedback", "export", "--format", "markdown"]);
    assert!(md.contains("| HO-1001 | bad |"), "{md}");
    let recent = sb
        .stdout(&["feedback", "export", "--since", "1h"])
        .lines()
        .count();
    assert_eq!(recent, 2, "both verdicts are within the last hour");
}

#[test]
fn tag_refuses_what_makes_no_sense() {
    let sb = Sandbox::new();
    let before = sb.stdout(&["feedback", "export"]);
    let out = sb.run(&["tag", "HO-1001", "bad", "--reason", "rude"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'rude' is not one of ai_could_resolve"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["tag", "HO-1001", "good", "--reason", "misrouted"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["tag", "NOPE", "good"]);
    assert_eq!(out.status.code(), Some(4));
    let out = sb.run(&["feedback", "export", "--since", "a week"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        sb.stdout(&["feedback", "export"]),
        before,
        "nothing was recorded"
    );
}

#[test]
fn demo_reset_and_count_generate_a_fresh_workspace() {
    let sb = Sandbox::new();
    sb.stdout(&["tag", "HO-1001", "bad"]);
    let out = sb.stdout(&["demo", "--reset", "--count", "250"]);
    assert!(out.contains("250 new"), "{out}");
    assert_eq!(all_ids(&sb).len(), 250);
    assert!(
        sb.stdout(&["feedback", "export"]).is_empty(),
        "reset removed old verdicts"
    );
}

#[test]
fn a_bad_config_names_the_file_and_line_and_changes_nothing() {
    let sb = Sandbox::new();
    std::fs::write(sb.config(), "theme = \"dark\"\nagnet = \"Maya\"\n").unwrap_or_default();
    let out = sb.run(&["queue"]);
    assert_eq!(out.status.code(), Some(78));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: line 2: unknown field `agnet`",
            sb.config().display()
        )),
        "{err}"
    );
    assert!(
        !sb.data_dir().join("handoff.db").exists(),
        "nothing was created"
    );
}

#[test]
fn the_agent_comes_from_flag_or_config() {
    let sb = Sandbox::new();
    std::fs::write(sb.config(), "agent = \"Aiko Tanaka\"\n").unwrap_or_default();
    let out = sb.stdout(&["queue", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    assert!(rows.iter().all(|r| r["assignee"] == "Aiko Tanaka"), "{out}");
    let out = sb.stdout(&["--agent", "Priya Nair", "queue", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    assert!(rows.iter().all(|r| r["assignee"] == "Priya Nair"));
}

#[test]
fn help_teaches_and_every_subcommand_has_it() {
    let sb = Sandbox::new();
    let help = sb.stdout(&["--help"]);
    for needle in [
        "Examples:",
        "Exit status",
        "b flags a",
        "import",
        "feedback",
    ] {
        assert!(help.contains(needle), "{needle} in --help");
    }
    for sub in [
        &["import"][..],
        &["queue"],
        &["show"],
        &["tag"],
        &["feedback", "export"],
        &["demo"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        assert!(!sb.stdout(&args).is_empty());
    }
}

#[test]
fn output_cut_short_by_head_is_not_an_error() {
    let sb = Sandbox::new();
    sb.stdout(&["demo"]);
    let env: Vec<String> = sb.env().iter().map(|(k, v)| format!("{k}='{v}'")).collect();
    let script = format!(
        "{} '{}' queue --section all | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env.join(" "),
        common::BIN
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output();
    let status = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    assert_eq!(status, "0");
}

#[test]
fn read_only_reads_everything_and_writes_nothing() {
    let sb = Sandbox::new();
    let out = sb.run(&["--read-only", "queue"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no workspace at"), "{}", stderr(&out));
    sb.stdout(&["demo"]);
    // The demo team's verdicts only: nothing below adds one.
    let verdicts = sb.stdout(&["feedback", "export"]);
    let db = sb.data_dir().join("handoff.db");
    let before = std::fs::metadata(&db).and_then(|m| m.modified()).ok();
    assert!(sb.stdout(&["--read-only", "queue"]).contains("HO-"));
    assert!(
        sb.stdout(&["--read-only", "show", "HO-1001"])
            .contains("ISSUE")
    );
    for args in [
        &["--read-only", "tag", "HO-1001", "bad"][..],
        &["--read-only", "import", "x.jsonl"],
        &["--read-only", "demo", "--reset"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("changes the workspace"));
    }
    assert_eq!(sb.stdout(&["feedback", "export"]), verdicts);
    assert_eq!(
        std::fs::metadata(&db).and_then(|m| m.modified()).ok(),
        before
    );
}

#[test]
fn outbox_says_when_changes_have_nowhere_to_go() {
    let sb = Sandbox::new();
    sb.stdout(&["demo"]);
    sb.stdout(&["tag", "HO-1001", "bad"]);
    let out = sb.stdout(&["outbox"]);
    assert!(out.contains("No webhook and no helpdesk"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&sb.stdout(&["outbox", "--json"])).unwrap_or_default();
    assert_eq!(v["destinations"], serde_json::json!([]));
    let out = sb.run(&["outbox", "--retry"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(
        stderr(&out).contains("nowhere to deliver to"),
        "{}",
        stderr(&out)
    );
    // With a webhook configured, it is named and the note goes.
    std::fs::write(sb.config(), "[webhook]\nurl = \"http://127.0.0.1:9/h\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!sb.stdout(&["outbox"]).contains("No webhook"));
    let v: serde_json::Value =
        serde_json::from_str(&sb.stdout(&["outbox", "--json"])).unwrap_or_default();
    assert_eq!(v["destinations"], serde_json::json!(["webhook"]));
}

/// A first run seeds the demo team's eight weeks: resolved handoffs with
/// verdicts that `stats` and `feedback export` count, and none of them is
/// sent anywhere, even with a webhook configured.
#[test]
fn the_demo_brings_its_team_history_and_sends_none_of_it() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.config(),
        "[webhook]\nurl = \"http://127.0.0.1:9/never\"\n",
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    let stats = sb.stdout(&["stats", "--since", "8w", "--json"]);
    let v: Value = serde_json::from_str(&stats).unwrap_or_default();
    let judged = v["overall"]["current"]["verdict_coverage"]["numerator"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        judged > 300,
        "only {judged} verdicts in eight weeks:\n{stats}"
    );
    let text = sb.stdout(&["stats"]);
    assert!(text.contains("made-up verdicts"), "{text}");
    let export = sb.stdout(&["feedback", "export", "--since", "60d"]);
    assert!(export.lines().count() > 300, "{export}");
    let outbox = sb.stdout(&["outbox", "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&outbox).unwrap_or_default();
    assert!(
        rows.is_empty(),
        "the demo's verdicts were enqueued: {outbox}"
    );
    // The live queue is as it was: the history is all resolved.
    let open = sb.stdout(&["queue", "--section", "all", "--filter", "is:open", "--json"]);
    let open: Vec<Value> = serde_json::from_str(&open).unwrap_or_default();
    assert_eq!(open.len(), 155, "open handoffs");
}
