//! The team's loop on the helpdesk: teammates' verdicts (labels and the
//! notes their `handoff` wrote) on conversations others hold, or already
//! resolved, are read back into the lead's figures and export, once each
//! with the author's name; withdrawing my own verdict leaves theirs on.
//! Through the real binary against the stand-in Chatwoot.

#[path = "conformance/chatwoot.rs"]
mod chatwoot;
mod common;
#[path = "conformance/suite.rs"]
mod suite;

use std::sync::Arc;

use chatwoot::Chatwoot;
use serde_json::{Value, json};
use suite::{Env, Server, StandIn, text};

/// A day ago, as Chatwoot's times go.
fn yesterday() -> f64 {
    (chrono::Utc::now().timestamp() - 86_400) as f64
}

/// A conversation of team billing (3), assigned to user `assignee` (7 is
/// me) or nobody, with `status` and these labels, active yesterday.
fn shape(assignee: Option<(i64, &str)>, status: &str, labels: &[&str]) -> impl FnOnce(&mut Value) {
    let labels: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    let status = status.to_string();
    move |c: &mut Value| {
        let t = yesterday();
        for key in [
            "created_at",
            "updated_at",
            "last_activity_at",
            "waiting_since",
            "timestamp",
        ] {
            c[key] = json!(t);
        }
        c["status"] = json!(status);
        c["labels"] = json!(labels);
        match assignee {
            Some((id, name)) => {
                c["meta"]["assignee"]["id"] = json!(id);
                c["meta"]["assignee"]["name"] = json!(name);
                c["meta"]["assignee"]["available_name"] = json!(name);
            }
            None => c["meta"]["assignee"] = Value::Null,
        }
    }
}

const AIKO_BAD: &str = "Bad AI handoff, flagged by Aiko Tanaka in handoff.\nReasons: misrouted\nNote: belongs to orders\n\n[handoff:0a1b2c3d4e5f]";
const BEN_GOOD: &str =
    "Good AI handoff (rightly escalated), marked by Ben Ode in handoff.\n\n[handoff:1a1b2c3d4e5f]";

struct Team {
    mine: String,
    aiko: String,
    resolved: String,
    bare: String,
    shared: String,
    other_team: String,
}

fn team(desk: &Chatwoot) -> Team {
    let mine = desk.add_shaped(shape(Some((7, "Maya Chen")), "open", &["billing"]));
    let aiko = desk.add_shaped(shape(
        Some((8, "Aiko Tanaka")),
        "open",
        &["billing", "ai-bad-handoff", "ai-bad-misrouted"],
    ));
    desk.add_note(&aiko, "Aiko Tanaka", AIKO_BAD);
    let resolved = desk.add_shaped(shape(
        Some((9, "Ben Ode")),
        "resolved",
        &["ai-good-handoff"],
    ));
    desk.add_note(&resolved, "Ben Ode", BEN_GOOD);
    // A label set by hand in Chatwoot: no note says who.
    let bare = desk.add_shaped(shape(Some((8, "Aiko Tanaka")), "open", &["ai-bad-handoff"]));
    // Mine, and Aiko flagged it too.
    let shared = desk.add_shaped(shape(
        Some((7, "Maya Chen")),
        "open",
        &["ai-bad-handoff", "ai-bad-misrouted"],
    ));
    desk.add_note(&shared, "Aiko Tanaka", AIKO_BAD);
    let other_team = desk.add_shaped(|c| {
        shape(Some((8, "Aiko Tanaka")), "open", &["ai-bad-handoff"])(c);
        c["meta"]["team"]["id"] = json!(5);
        c["meta"]["team"]["name"] = json!("orders");
    });
    Team {
        mine,
        aiko,
        resolved,
        bare,
        shared,
        other_team,
    }
}

async fn synced() -> (wiremock::MockServer, Arc<Chatwoot>, Env, Team) {
    let desk = Arc::new(Chatwoot::new());
    let t = team(&desk);
    let (mock, _server) = Server::start(desk.clone()).await;
    let env = Env::new(&*desk, &mock.uri());
    (mock, desk, env, t)
}

fn ratio(v: &Value) -> (u64, u64) {
    (
        v["numerator"].as_u64().unwrap_or(u64::MAX),
        v["denominator"].as_u64().unwrap_or(u64::MAX),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn teammates_verdicts_reach_the_figures_and_the_export_once_each() {
    let (_mock, _desk, env, t) = synced().await;
    let v = env.json(&["sync", "--json"]);
    // Aiko's two, Ben's resolved one: outside my queues, pulled for the figures.
    assert_eq!(v["sync"]["for_figures"], 3, "{v}");
    let out = env.run(&["sync", "--full"]);
    assert!(
        text(&out).contains("3 of them for the team's figures"),
        "{}",
        text(&out)
    );
    let mut ids = env.ids();
    ids.sort();
    let mut want = vec![
        t.mine.clone(),
        t.aiko.clone(),
        t.resolved.clone(),
        t.bare.clone(),
        t.shared.clone(),
    ];
    want.sort();
    assert_eq!(ids, want, "the other team's conversation came in");
    assert!(!ids.contains(&t.other_team));

    let s = env.json(&["stats", "--json"]);
    let now = &s["overall"]["current"];
    assert_eq!(now["handoffs"], 5, "{now}");
    // Verdicts on 4 of 5: Aiko's (twice), Ben's, and the bare label's.
    assert_eq!(ratio(&now["verdict_coverage"]), (4, 5), "{now}");
    assert_eq!(ratio(&now["appropriate_escalation"]), (1, 4), "{now}");

    let export = env.run(&["feedback", "export"]);
    assert!(export.status.success(), "{}", text(&export));
    let records: Vec<Value> = String::from_utf8_lossy(&export.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let who: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r["handoff_id"].as_str().unwrap_or("").to_string(),
                r["agent"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut sorted = who.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), who.len(), "a verdict twice: {who:?}");
    for (id, agent) in [
        (&t.aiko, "Aiko Tanaka"),
        (&t.shared, "Aiko Tanaka"),
        (&t.resolved, "Ben Ode"),
        (&t.bare, "unknown"),
    ] {
        assert!(
            who.iter().any(|(i, a)| i == id && a == agent),
            "{id} by {agent} missing: {who:?}"
        );
    }
    assert_eq!(who.len(), 4, "{who:?}");
    let aiko = records.iter().find(|r| r["handoff_id"] == json!(t.aiko));
    assert_eq!(
        aiko.map(|r| r["reasons"].clone()),
        Some(json!(["misrouted"]))
    );
    assert_eq!(
        aiko.map(|r| r["note"].clone()),
        Some(json!("belongs to orders"))
    );

    // The summary names whose verdict it is.
    let show = env.run(&["show", &t.resolved]);
    assert!(text(&show).contains("Ben Ode"), "{}", text(&show));
}

#[tokio::test(flavor = "multi_thread")]
async fn my_verdict_joins_and_leaves_without_touching_a_teammates() {
    let (_mock, desk, env, t) = synced().await;
    assert!(env.run(&["sync"]).status.success());
    let before = desk.tags(&t.shared);

    let out = env.run(&["tag", &t.shared, "bad", "--reason", "wrong_data"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sent to Chatwoot"), "{}", text(&out));
    let tags = desk.tags(&t.shared);
    for want in ["ai-bad-handoff", "ai-bad-misrouted", "ai-bad-wrong-data"] {
        assert!(tags.iter().any(|l| l == want), "{want}: {tags:?}");
    }
    // After a sync the export has mine and Aiko's, once each.
    assert!(env.run(&["sync"]).status.success());
    let export = String::from_utf8_lossy(&env.run(&["feedback", "export"]).stdout).to_string();
    let on_shared = export.lines().filter(|l| l.contains(&t.shared)).count();
    assert_eq!(on_shared, 2, "{export}");

    // Undo mine: only my reason's label goes; Aiko's verdict stays on.
    let out = env.run(&["tag", &t.shared, "clear"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sent to Chatwoot"), "{}", text(&out));
    let mut after = desk.tags(&t.shared);
    after.sort();
    let mut before = before;
    before.sort();
    assert_eq!(after, before);
    assert!(env.run(&["sync"]).status.success());
    let show = env.run(&["show", &t.shared]);
    assert!(text(&show).contains("Aiko Tanaka"), "{}", text(&show));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_label_taken_off_in_the_helpdesk_withdraws_the_verdict_here() {
    let (_mock, desk, env, t) = synced().await;
    assert!(env.run(&["sync"]).status.success());
    let out = env.run(&["tag", &t.mine, "bad", "--reason", "too_late"]);
    assert!(text(&out).contains("sent to Chatwoot"), "{}", text(&out));
    assert!(env.run(&["sync"]).status.success());
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(ratio(&stats["overall"]["current"]["verdict_coverage"]).0, 5);

    // Someone takes every verdict label off both conversations in Chatwoot;
    // a new message makes Chatwoot report them changed.
    for id in [&t.mine, &t.aiko] {
        desk.remove_verdict_labels(id);
    }
    assert!(env.run(&["sync"]).status.success());
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(ratio(&stats["overall"]["current"]["verdict_coverage"]).0, 3);
    let export = String::from_utf8_lossy(&env.run(&["feedback", "export"]).stdout).to_string();
    assert!(!export.contains(&t.mine), "{export}");
    assert!(!export.contains(&t.aiko), "{export}");
    // Withdrawn here, it is not sent back as a change of mine.
    assert!(env.unsent().is_empty(), "{:?}", env.unsent());
}
