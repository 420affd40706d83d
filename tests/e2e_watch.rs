//! Other processes' writes reach a running workspace on the local store:
//! `handoff import` of an urgent handoff for me shows it, with the bell;
//! a second workspace claiming a handoff changes its row's assignee. Both
//! through the real binary in a pseudo-terminal, both within seconds.

mod common;

use common::Sandbox;

/// One handoff as `handoff import` reads it, escalated a little while ago.
fn record(id: &str, customer: &str, priority: &str, assignee: Option<&str>) -> String {
    let at = chrono::Utc::now() - chrono::Duration::minutes(20);
    let mut routing = serde_json::json!({
        "team": "billing",
        "priority": priority,
        "sla_due_at": (at + chrono::Duration::hours(8)).to_rfc3339(),
    });
    if let Some(a) = assignee {
        routing["assignee"] = a.into();
    }
    serde_json::json!({
        "id": id,
        "escalated_at": at.to_rfc3339(),
        "customer": { "name": customer },
        "summary": { "issue": format!("Issue of {customer}") },
        "routing": routing,
    })
    .to_string()
}

/// A store holding only what the test imports (an imported store is never
/// seeded with the demo).
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    // Imported data: the workspace is Maya's because she says so.
    std::fs::write(sb.config(), "agent = \"Maya Chen\"\n").unwrap_or_else(|e| panic!("{e}"));
    let lines = [
        record("W-1", "Wanda One", "normal", Some("Maya Chen")),
        record("W-2", "Walter Two", "normal", None),
    ];
    import(&sb, &lines.join("\n"));
    sb
}

fn import(sb: &Sandbox, jsonl: &str) {
    let out = sb.run_with_stdin(&["import", "-"], Some(jsonl));
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The line of the screen that shows `customer`.
fn row_of(text: &str, customer: &str) -> String {
    text.lines()
        .find(|l| l.contains(customer))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn an_import_from_another_process_appears_with_the_bell() {
    let sb = sandbox();
    let mut screen = sb.open(180, 30, &[]);
    screen.wait_for("Wanda One");
    screen.wait_for("Mine 1");
    assert_eq!(screen.effects().bells, 0, "no bell at start");

    // A lead imports an urgent handoff for me while the workspace is open.
    import(
        &sb,
        &record("W-9", "Nina Urgent", "urgent", Some("Maya Chen")),
    );
    screen.wait_for("Urgent: W-9 · Nina Urgent in your queue");
    screen.wait_for("Mine 2");
    screen.wait_until("the new row in the queue", |t| {
        row_of(t, "Nina Urgent").contains("URG")
    });
    assert_eq!(screen.effects().bells, 1, "one bell for the arrival");

    // The same record imported again changes nothing: no second bell.
    import(
        &sb,
        &record("W-9", "Nina Urgent", "urgent", Some("Maya Chen")),
    );
    // A change that does show proves the watcher has looked since.
    import(&sb, &record("W-3", "Otto Later", "low", None));
    screen.send("3");
    screen.wait_for("Otto Later");
    assert_eq!(screen.effects().bells, 1);
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn a_claim_by_a_second_workspace_changes_the_row_on_screen() {
    let sb = sandbox();
    let mut mine = sb.open(180, 30, &[]);
    mine.wait_for("Wanda One");
    mine.send("3");
    mine.wait_until("Walter Two unassigned", |t| {
        let row = row_of(t, "Walter Two");
        !row.is_empty() && !row.contains("Sam")
    });

    // Sam, in a workspace of his own on the same data dir, claims W-2.
    let mut sams = sb.open(180, 30, &[("HANDOFF_AGENT", "Sam Okafor")]);
    sams.wait_for("Sam Okafor");
    sams.send("3");
    sams.wait_for("Walter Two");
    sams.send("/W-2\r");
    sams.wait_until("W-2 alone", |t| !t.contains("Wanda One"));
    sams.send("c");
    sams.wait_for("W-2");
    sams.wait_until("the claim saved", |t| t.contains("saved "));

    mine.wait_until("W-2 assigned to Sam", |t| {
        row_of(t, "Walter Two").contains("Sam")
    });
    // Sam's claim is not mine: nothing rings here.
    assert_eq!(mine.effects().bells, 0);
    sams.send("q");
    assert!(sams.wait_exit());
    mine.send("q");
    assert!(mine.wait_exit());
}

#[test]
fn a_read_only_workspace_sees_others_changes_too() {
    let sb = sandbox();
    let mut lead = sb.open_with_args(180, 30, &["--read-only"]);
    lead.wait_for("read-only");
    lead.send("3");
    lead.wait_for("Walter Two");
    import(&sb, &record("W-5", "Rita Reader", "high", None));
    lead.wait_for("Rita Reader");
    lead.send("q");
    assert!(lead.wait_exit());
}

/// `--read-only` writes nothing, the queue's loader and watcher included:
/// a store in an older shape is shown as it is and left unmigrated.
#[test]
fn a_read_only_workspace_leaves_an_old_store_as_it_was() {
    let sb = sandbox();
    let db = sb.data_dir().join("handoff.db");
    let column = || -> bool {
        rusqlite::Connection::open(&db)
            .and_then(|conn| {
                conn.query_row(
                    "SELECT COUNT(*) FROM pragma_table_info('handoffs') \
                     WHERE name = 'first_agent_message_at'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .is_ok_and(|n| n == 1)
    };
    let undone = rusqlite::Connection::open(&db).and_then(|conn| {
        conn.execute_batch(
            "DROP INDEX handoffs_metrics;
             ALTER TABLE handoffs DROP COLUMN first_agent_message_at;",
        )
    });
    assert!(undone.is_ok(), "{undone:?}");
    assert!(!column());
    let mut lead = sb.open_with_args(180, 30, &["--read-only"]);
    lead.wait_for("read-only");
    lead.send("3");
    lead.wait_for("Walter Two");
    lead.send("q");
    assert!(lead.wait_exit());
    assert!(!column(), "the read-only workspace migrated the store");
}
