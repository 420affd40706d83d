//! `handoff team`: the T key's move from a script, on the demo workspace.

mod common;

use common::Sandbox;

#[test]
fn lists_teams_moves_and_refuses_what_it_cannot_do() {
    let sb = Sandbox::new();
    let teams = sb.stdout(&["team", "--list"]);
    assert_eq!(teams, "access\nbilling\nenterprise\norders\ntechnical\n");

    // HO-1106 is billing's in the demo.
    let out = sb.stdout(&["team", "HO-1106", "--to", "Orders"]);
    assert_eq!(out, "HO-1106: moved to orders (was billing)\n");
    let shown = sb.stdout(&[
        "queue",
        "--section",
        "all",
        "--filter",
        "team:orders",
        "--json",
    ]);
    assert!(shown.contains("\"HO-1106\""), "{shown}");
    let out = sb.stdout(&["team", "HO-1106", "--to", "orders"]);
    assert_eq!(out, "HO-1106: already in orders\n");

    // Unknown team, unknown handoff, no destination: refused, nothing written.
    let bad = sb.run(&["team", "HO-1106", "--to", "night shift"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("known: access, billing"));
    let missing = sb.run(&["team", "HO-1106", "NOPE-1", "--to", "billing"]);
    assert_eq!(missing.status.code(), Some(4));
    assert_eq!(
        sb.stdout(&["team", "HO-1106", "--to", "orders"]),
        "HO-1106: already in orders\n",
        "nothing moved when one id was unknown"
    );
    assert_eq!(sb.run(&["team", "HO-1106"]).status.code(), Some(2));
    let ro = sb.run(&["--read-only", "team", "HO-1106", "--none"]);
    assert_eq!(ro.status.code(), Some(2));
    assert!(sb.run(&["--read-only", "team", "--list"]).status.success());
}
