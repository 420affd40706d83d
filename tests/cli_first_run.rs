//! The first day on your own data: who you are when nobody said, where the
//! screen opens, importing beside the demo, and what import reports.

mod common;

use std::process::{Command, Output, Stdio};

use common::{BIN, Sandbox};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

/// `handoff ARGS` in the sandbox as the login `user`.
fn as_user(sb: &Sandbox, user: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("HANDOFF_AGENT")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .env("USER", user)
        .stdin(Stdio::null());
    for (k, v) in sb.env() {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("{e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `queue` header's "— NAME ·": who the workspace thinks you are.
fn who(sb: &Sandbox, user: &str, extra: &[&str]) -> String {
    let mut args = extra.to_vec();
    args.extend(["queue", "--section", "all"]);
    let out = as_user(sb, user, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    first
        .split(" — ")
        .nth(1)
        .and_then(|rest| rest.split(" · ").next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn on_your_own_data_you_are_who_you_say_or_your_login_never_the_demos_agent() {
    let sb = Sandbox::new();
    let out = as_user(&sb, "kim", &["import", &format!("{FIXTURES}/valid.jsonl")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("holds the demo"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(who(&sb, "kim", &[]), "kim");
    assert_eq!(who(&sb, "kim", &["--agent", "Sam Okafor"]), "Sam Okafor");
    std::fs::write(sb.config(), "agent = \"Priya Nair\"\n").unwrap_or_default();
    assert_eq!(who(&sb, "kim", &[]), "Priya Nair");

    // The demo is worked as the demo's agent.
    let demo = Sandbox::new();
    assert_eq!(who(&demo, "kim", &[]), "Maya Chen");
}

#[test]
fn importing_beside_the_demo_warns_and_says_how_to_start_clean() {
    let sb = Sandbox::new();
    sb.stdout(&["queue"]);
    let out = as_user(&sb, "kim", &["import", &format!("{FIXTURES}/valid.jsonl")]);
    assert!(out.status.success(), "a warning, not a failure");
    let err = text(&out.stderr);
    assert!(err.contains("holds the demo workspace"), "{err}");
    assert!(err.contains("--data-dir"), "{err}");
    assert!(err.contains("demo --reset --count 0"), "{err}");
    // That empties it: nothing left, and the demo's agent is gone with it.
    sb.stdout(&["demo", "--reset", "--count", "0"]);
    let all = sb.stdout(&["queue", "--section", "all", "--json"]);
    assert_eq!(all.trim(), "[]");
    assert_eq!(who(&sb, "kim", &[]), "kim");
    let out = as_user(&sb, "kim", &["import", &format!("{FIXTURES}/valid.jsonl")]);
    assert!(
        !text(&out.stderr).contains("holds the demo"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_reports_errors_then_warnings_then_a_summary_that_counts_records() {
    let sb = Sandbox::new();
    let dir = sb.dir.path();
    // Line 1 has two problems and an unknown field; line 2 is fine.
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        concat!(
            r#"{"id":"b-1","escalated_at":"yesterday","routing":{"priority":"asap"},"colour":"red"}"#,
            "\n",
            r#"{"id":"b-2","escalated_at":"2026-05-01T09:30:00Z"}"#,
            "\n"
        ),
    )
    .unwrap_or_default();
    let good = format!("{FIXTURES}/valid.jsonl");
    let out = as_user(&sb, "kim", &["import", &bad.display().to_string(), &good]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} in:\n{err}"))
    };
    let (time, priority) = (at("escalated_at:"), at("routing.priority:"));
    let warning = at("warning: colour");
    let summary = at("nothing imported (1 invalid record)");
    assert!(time.max(priority) < warning && warning < summary, "{err}");
    assert!(text(&out.stdout).contains("imported 3 (3 new, 0 updated)"));
}
