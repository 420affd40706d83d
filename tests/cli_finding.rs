//! Finding handoffs from the command line: ids in any case with a "did you
//! mean", `queue --filter` in the screen's order, and bad filter values
//! refused with the values a field takes.

mod common;

use common::Sandbox;
use serde_json::Value;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn queue_ids(sb: &Sandbox, filter: &str) -> Vec<String> {
    let out = sb.stdout(&["queue", "--section", "all", "--filter", filter, "--json"]);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    rows.iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn ids_are_taken_in_any_case_and_a_near_miss_says_what_was_meant() {
    let sb = Sandbox::new();
    let text = sb.stdout(&["show", "ho-1001"]);
    assert!(text.starts_with("HO-1001 · "), "{text}");
    let out = sb.stdout(&["tag", "ho-1002", "good"]);
    assert!(out.starts_with("HO-1002: good"), "{out}");
    let export = sb.stdout(&["feedback", "export", "--since", "1h"]);
    assert!(export.contains("\"HO-1002\""), "{export}");
    let out = sb.stdout(&["team", "ho-1003", "--to", "billing"]);
    assert!(out.starts_with("HO-1003"), "{out}");

    let out = sb.run(&["show", "HO-10011"]);
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("no handoff with id 'HO-10011'"), "{err}");
    assert!(err.contains("did you mean HO-1001"), "{err}");
    let out = sb.run(&["tag", "HO-1O01", "good"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("did you mean HO-1001"),
        "{}",
        stderr(&out)
    );
    // Nothing near: no guess.
    let out = sb.run(&["show", "nothing-like-it"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn a_bad_filter_value_is_a_usage_error_naming_the_values() {
    let sb = Sandbox::new();
    for filter in ["priority:asap", "priority:(("] {
        let out = sb.run(&["queue", "--filter", filter]);
        assert_eq!(out.status.code(), Some(2), "{filter}");
        let err = stderr(&out);
        assert!(
            err.contains("urgent, high, normal or low"),
            "{filter}: {err}"
        );
    }
    let out = sb.run(&["queue", "--filter", "status:closed"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("open, pending, snoozed or resolved"));
}

#[test]
fn queue_filter_ranks_as_the_screen_does_and_folds_accents() {
    let sb = Sandbox::new();
    let record = |id: &str, priority: &str, issue: &str| {
        format!(
            r#"{{"id":"{id}","escalated_at":"2026-05-01T09:30:00Z","customer":{{"name":"C {id}"}},"summary":{{"issue":"{issue}"}},"routing":{{"priority":"{priority}","team":"billing"}}}}"#
        )
    };
    let lines = [
        record("R1", "urgent", "wants it refunded"),
        record("R2", "low", "refund please"),
        record("R3", "normal", "refund to the card"),
        record("R4", "high", "password reset"),
    ]
    .join("\n");
    let out = sb.run_with_stdin(&["import", "-"], Some(&lines));
    assert!(out.status.success(), "{}", stderr(&out));
    // Urgency alone would say R1, R4, R3, R2; the whole word "refund"
    // ranks above "refunded", then urgency among equals.
    assert_eq!(queue_ids(&sb, "refund"), ["R3", "R2", "R1"]);
    assert_eq!(queue_ids(&sb, "team:billing"), ["R1", "R4", "R3", "R2"]);

    let demo = Sandbox::new();
    let rows: Vec<Value> = serde_json::from_str(&demo.stdout(&[
        "queue",
        "--section",
        "all",
        "--filter",
        "sofía",
        "--json",
    ]))
    .unwrap_or_default();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["customer"] == "Sofía Ramírez"),
        "{rows:#?}"
    );
    assert_eq!(queue_ids(&demo, "sofia ramirez"), queue_ids(&demo, "SOFÍA"));
}

#[test]
fn the_queue_table_uses_the_screens_glyphs_and_column_names() {
    let sb = Sandbox::new();
    let text = sb.stdout(&["queue", "--section", "all"]);
    let mut lines = text.lines().skip(1);
    let header = lines.next().unwrap_or_default();
    for column in [
        "SLA", "PRI", "CUSTOMER", "ISSUE", "TEAM", "WHO", "CONF", "CMP", "VERDICT",
    ] {
        assert!(header.contains(column), "{column} in {header}");
    }
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|r| r.starts_with("✖ ")),
        "breached:\n{text}"
    );
    assert!(rows.iter().any(|r| r.starts_with("▲ ")), "at risk:\n{text}");
    assert!(rows.iter().any(|r| r.contains(" URG ")), "{text}");
    assert!(
        rows.iter().any(|r| r.contains("★ ")),
        "VIPs starred:\n{text}"
    );
    sb.stdout(&["tag", "HO-1001", "bad"]);
    let text = sb.stdout(&["queue", "--section", "all", "--filter", "HO-1001"]);
    assert!(
        text.lines().nth(2).is_some_and(|r| r.ends_with("✗ bad")),
        "{text}"
    );
}
