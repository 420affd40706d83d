//! `handoff stats`, `status` and `review` on the demo workspace, after a few
//! verdicts recorded with `handoff tag`, as a lead would run them.

mod common;

use common::Sandbox;
use serde_json::Value;

/// The live demo without its team's history: the figures below are the
/// verdicts these tests record, and nothing else.
fn live_demo() -> Sandbox {
    let sb = Sandbox::new();
    sb.stdout(&["demo", "--no-history"]);
    sb
}

fn json(sb: &Sandbox, args: &[&str]) -> Value {
    let out = sb.stdout(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
}

/// Every handoff in the demo, as the queue lists them.
fn all_rows(sb: &Sandbox) -> Vec<Value> {
    match json(sb, &["queue", "--section", "all", "--json"]) {
        Value::Array(rows) => rows,
        other => panic!("queue --json: {other}"),
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_string()
}

fn ratio(v: &Value) -> (u64, u64) {
    let n = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(u64::MAX);
    (n("numerator"), n("denominator"))
}

/// Tag three handoffs good and one bad (ai_could_resolve); returns the bad
/// one's id and procedure.
fn tag_four(sb: &Sandbox) -> (String, String) {
    let rows = all_rows(sb);
    let with_procedure: Vec<&Value> = rows
        .iter()
        .filter(|r| r.get("procedure").is_some_and(Value::is_string))
        .collect();
    assert!(with_procedure.len() >= 4, "demo has too few handoffs");
    for r in &with_procedure[..3] {
        sb.stdout(&["tag", &text(r, "id"), "good"]);
    }
    let bad = with_procedure[3];
    let id = text(bad, "id");
    sb.stdout(&[
        "tag",
        &id,
        "bad",
        "--reason",
        "ai_could_resolve",
        "--note",
        "a | pipe, *stars* and =SUM(A1)",
    ]);
    (id, text(bad, "procedure"))
}

#[test]
fn stats_json_counts_the_tagged_verdicts() {
    let sb = live_demo();
    tag_four(&sb);
    let handoffs = all_rows(&sb).len() as u64;
    let s = json(&sb, &["stats", "--json"]);
    let now = &s["overall"]["current"];
    // 3 good of 4 verdicts; 1 bad with ai_could_resolve of 4.
    assert_eq!(ratio(&now["appropriate_escalation"]), (3, 4));
    assert_eq!(ratio(&now["unnecessary_escalation"]), (1, 4));
    // Every demo handoff was escalated within the last week.
    assert_eq!(now["handoffs"].as_u64(), Some(handoffs));
    assert_eq!(ratio(&now["verdict_coverage"]), (4, handoffs));
    assert_eq!(now["appropriate_escalation"]["value"].as_f64(), Some(0.75));
    assert_eq!(now["bad_by_reason"][0]["key"], "ai_could_resolve");
    // Nothing the week before: n/a, not 0% and not NaN.
    let before = &s["overall"]["previous"];
    assert_eq!(ratio(&before["appropriate_escalation"]), (0, 0));
    assert_eq!(before["appropriate_escalation"]["value"], Value::Null);
    assert_eq!(
        s["overall"]["change"]["appropriate_escalation_pts"],
        Value::Null
    );
    // The demo transcripts hold agent replies: some first responses exist.
    assert!(now["first_response"]["n"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn stats_text_shows_figures_with_sample_sizes_and_targets() {
    let sb = live_demo();
    tag_four(&sb);
    let out = sb.stdout(&["stats"]);
    let line = out
        .lines()
        .find(|l| l.contains("appropriate escalation"))
        .unwrap_or_else(|| panic!("{out}"));
    // 75% is below the 85% target: flagged.
    assert!(
        line.contains("75% (3/4)") && line.contains("85% ⚠"),
        "{line}"
    );
    assert!(out.contains("unnecessary escalation  25% (1/4)"), "{out}");
    assert!(
        out.contains("By team") && out.contains("By priority"),
        "{out}"
    );
}

#[test]
fn stats_by_team_adds_up_and_csv_is_rectangular() {
    let sb = live_demo();
    tag_four(&sb);
    let s = json(&sb, &["stats", "--by", "team", "--json"]);
    assert_eq!(s["by"], "team");
    let groups = s["groups"].as_array().cloned().unwrap_or_default();
    assert!(groups.len() >= 5, "{s}");
    let sum = |f: &dyn Fn(&Value) -> u64| groups.iter().map(f).sum::<u64>();
    let handoffs = sum(&|g| g["current"]["handoffs"].as_u64().unwrap_or(0));
    assert_eq!(Some(handoffs), s["overall"]["current"]["handoffs"].as_u64());
    let verdicts = sum(&|g| ratio(&g["current"]["appropriate_escalation"]).1);
    assert_eq!(verdicts, 4);

    let csv = sb.stdout(&["stats", "--by", "procedure", "--csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().map(|h| h.len()).unwrap_or(0);
    assert_eq!(header, 18);
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    assert!(rows.iter().all(|r| r.len() == header));
    let appropriate = rows
        .iter()
        .find(|r| &r[0] == "all" && &r[2] == "appropriate_escalation")
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!((&appropriate[5], &appropriate[6]), ("3", "4"));
}

#[test]
fn review_lists_the_bad_handoff_under_its_reason_and_procedure() {
    let sb = live_demo();
    let (id, procedure) = tag_four(&sb);
    let lines: Vec<Value> = sb
        .stdout(&["review", "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let c = &lines[0];
    assert_eq!(c["reason"], "ai_could_resolve");
    assert_eq!(c["procedure"], procedure.as_str());
    assert_eq!(
        (c["count"].as_u64(), c["previous"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(c["handoffs"][0]["id"], id.as_str());
    assert_eq!(
        c["handoffs"][0]["reasons"],
        serde_json::json!(["ai_could_resolve"])
    );

    let md = sb.stdout(&["review"]);
    assert!(md.starts_with("# Handoff review"), "{md}");
    assert!(md.contains("## 1. AI could have resolved it"), "{md}");
    // The note's pipe and stars cannot break the table or turn bold.
    assert!(md.contains("a \\| pipe, \\*stars\\* and =SUM(A1)"), "{md}");
    assert!(md.contains(&format!("| {id} |")), "{md}");

    // In CSV the note stays one cell; a leading = would run as a formula,
    // but this one is not leading.
    let csv = sb.stdout(&["review", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let row = reader.records().next().and_then(Result::ok);
    let row = row.unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(&row[5], id.as_str());
    assert_eq!(&row[12], "a | pipe, *stars* and =SUM(A1)");
}

#[test]
fn review_out_writes_the_file_and_says_where() {
    let sb = live_demo();
    tag_four(&sb);
    let path = sb.dir.path().join("review.md");
    let p = path.display().to_string();
    let out = sb.run(&["review", "--out", &p]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&p) && said.contains("1 flagged handoff"),
        "{said}"
    );
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(written.starts_with("# Handoff review"));

    // A second run says it replaced the file.
    let again = sb.run(&["review", "--out", &p]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("replaced"));

    // A directory that does not exist is an error naming the path.
    let bad = sb.dir.path().join("missing").join("review.md");
    let out = sb.run(&["review", "--out", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}

#[test]
fn status_team_waiting_sums_to_the_open_handoffs() {
    let sb = live_demo();
    let rows = all_rows(&sb);
    let open = rows.iter().filter(|r| r["status"] != "resolved").count() as u64;
    let unassigned = rows
        .iter()
        // Pending: the AI still holds it, so nobody is missing from it.
        .filter(|r| {
            r["status"] != "resolved" && r["status"] != "pending" && r["assignee"].is_null()
        })
        .count() as u64;
    let s = json(&sb, &["status", "--json"]);
    let teams = s["teams"].as_array().cloned().unwrap_or_default();
    let waiting: u64 = teams
        .iter()
        .map(|t| t["waiting"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(waiting, open);
    assert_eq!(s["total"]["waiting"].as_u64(), Some(open));
    assert_eq!(s["total"]["unassigned"].as_u64(), Some(unassigned));
    // The demo has breached SLAs on the floor.
    assert!(s["total"]["sla_breached"].as_u64().unwrap_or(0) > 0);
    let maya = s["agents"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["agent"] == "Maya Chen").cloned())
        .unwrap_or(Value::Null);
    assert_eq!(maya["capacity"].as_u64(), Some(10));

    // Verdicts given show per agent.
    sb.stdout(&["tag", &text(&rows[0], "id"), "good"]);
    let s = json(&sb, &["status", "--json"]);
    let given: u64 = s["agents"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["verdicts_given"].as_u64().unwrap_or(0))
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(given, 1);
    let table = sb.stdout(&["status"]);
    assert!(
        table.contains("WAITING") && table.contains("Maya Chen"),
        "{table}"
    );
}

#[test]
fn bad_windows_and_flags_are_usage_errors() {
    let sb = live_demo();
    for (args, says) in [
        (&["stats", "--since", "7"][..], "unit"),
        (&["stats", "--since", "0d"][..], "empty window"),
        (&["review", "--since", "7y"][..], "unknown unit"),
        (&["status", "--since", "soon"][..], "--since"),
        (&["stats", "--by", "colour"][..], "colour"),
        (&["stats", "--json", "--csv"][..], "cannot be used with"),
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
