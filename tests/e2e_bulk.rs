//! Bulk work in the real binary: filter, mark three, flag them all bad with
//! one reason, and take the whole batch back with one `u`; mark two, move
//! them to another team, and take that back too.

mod common;

use common::Sandbox;
use serde_json::Value;

/// The verdicts of the last hour: this test's (the demo team's own are
/// hours old).
fn export(sb: &Sandbox) -> Vec<Value> {
    sb.stdout(&["feedback", "export", "--since", "1h", "--format", "jsonl"])
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
    // The optional note for the batch: skipped here.
    screen.wait_for("Optional note");
    screen.send("\x1b");
    screen.wait_until("the note box closed", |s| !s.contains("Optional note"));

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

/// The ids of the handoffs in `team`, as the store has them.
fn team_ids(sb: &Sandbox, team: &str) -> Vec<String> {
    let filter = format!("team:{team}");
    let listed = sb.stdout(&["queue", "--section", "all", "--filter", &filter, "--json"]);
    let rows: Value = serde_json::from_str(&listed).unwrap_or(Value::Null);
    let mut ids: Vec<String> = rows
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["team"] == team)
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[test]
fn mark_two_move_them_to_a_team_then_one_undo() {
    let sb = Sandbox::new();
    let billing = team_ids(&sb, "billing");
    let technical = team_ids(&sb, "technical");
    assert!(billing.len() >= 2 && !technical.is_empty());

    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for("Mine");
    screen.send("3");
    screen.send("/");
    screen.send("team:billing");
    screen.send("\r");
    screen.wait_until("the filter applied", |s| !s.contains("Enter keep"));
    screen.send("  ");
    screen.wait_for("2 marked");
    screen.send("T");
    screen.wait_for("Move to team · 2 handoffs");
    screen.wait_for("technical");
    // The demo's teams, sorted: access, billing, enterprise, orders, technical.
    screen.send("5");
    screen.wait_for("Moved 2 handoffs to technical");

    let moved: Vec<String> = billing
        .iter()
        .filter(|id| !team_ids(&sb, "billing").contains(id))
        .cloned()
        .collect();
    assert_eq!(moved.len(), 2, "{moved:?}");
    let now_technical = team_ids(&sb, "technical");
    assert_eq!(now_technical.len(), technical.len() + 2);
    assert!(moved.iter().all(|id| now_technical.contains(id)));

    screen.send("u");
    screen.wait_for("Undone: move of 2 handoffs to technical");
    assert_eq!(team_ids(&sb, "billing"), billing);
    assert_eq!(team_ids(&sb, "technical"), technical);
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
