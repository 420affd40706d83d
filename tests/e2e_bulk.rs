//! Bulk work in the real binary: filter, mark three, flag them all bad with
//! one reason, and take the whole batch back with one `u`.

mod common;

use common::Sandbox;
use serde_json::Value;

fn export(sb: &Sandbox) -> Vec<Value> {
    sb.stdout(&["feedback", "export", "--format", "jsonl"])
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn filter_mark_three_flag_all_then_one_undo() {
    let sb = Sandbox::new();
    // Seed the demo (the first run of any command does) and pick the filter's rows.
    let listed = sb.stdout(&[
        "queue",
        "--section",
        "all",
        "--filter",
        "team:billing",
        "--json",
    ]);
    let rows: Value = serde_json::from_str(&listed).unwrap_or(Value::Null);
    assert!(rows.as_array().is_some_and(|r| r.len() >= 3), "{listed}");

    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for("Mine");
    screen.send("3");
    screen.send("/");
    screen.send("team:billing");
    screen.send("\r");
    screen.wait_until("the filter applied", |s| !s.contains("Enter keep"));
    screen.send("   ");
    screen.wait_for("3 marked");
    screen.send("b");
    screen.wait_for("+ 2 more");
    screen.send("2");
    screen.wait_for("Reason on 3 handoffs");

    let records = export(&sb);
    assert_eq!(records.len(), 3, "{records:?}");
    assert!(
        records
            .iter()
            .all(|r| r["verdict"] == "bad" && r["reasons"] == serde_json::json!(["wrong_data"]))
    );

    screen.send("u");
    screen.wait_for("Undone");
    assert_eq!(export(&sb).len(), 0);
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn a_bad_config_opens_with_defaults_and_lists_the_problems() {
    let sb = Sandbox::new();
    std::fs::write(sb.config(), "agent = \"Maya\"\nagnet = 1\n")
        .unwrap_or_else(|e| panic!("config: {e}"));
    let mut screen = sb.open(100, 30, &[]);
    screen.wait_for("Config problems");
    screen.wait_for(":2: unknown field `agnet`");
    screen.send("x");
    screen.wait_until("the problems closed", |s| !s.contains("Config problems"));
    screen.send("q");
    assert!(screen.wait_exit());
}
