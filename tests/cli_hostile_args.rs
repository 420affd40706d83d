//! What agents and scripts hand the command line is text from strangers
//! too: agent names (flag, environment, config), file names, ids and
//! `--since` reach the store, the exports and error messages cleaned; and
//! no CSV cell starts a spreadsheet formula.

mod common;

use common::{Sandbox, assert_clean_bytes};
use serde_json::Value;

/// A window-title OSC, a bidi override and an 8-bit CSI inside a name.
const HOSTILE_AGENT: &str = "Eve\x1b]0;pwned\x07 \u{202e}Mallory\u{9b}31m";
/// What is left once cleaned.
const CLEANED: &str = "Eve Mallory";
const ID: &str = "HO-1042";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The agent of the newest verdict, from the JSON Lines export.
fn exported_agent(sb: &Sandbox) -> String {
    let out = sb.stdout(&["feedback", "export", "--format", "jsonl"]);
    let records: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let agent = records
        .iter()
        .find(|r| r["handoff_id"] == ID)
        .and_then(|r| r["agent"].as_str());
    agent
        .unwrap_or_else(|| panic!("no verdict on {ID}: {out}"))
        .to_string()
}

/// Every output that prints agents: exports, review, stats, queue.
fn assert_every_output_clean(sb: &Sandbox) {
    let runs: &[&[&str]] = &[
        &["feedback", "export", "--format", "jsonl"],
        &["feedback", "export", "--format", "csv"],
        &["feedback", "export", "--format", "markdown"],
        &["review", "--format", "markdown"],
        &["review", "--format", "csv"],
        &["review", "--format", "jsonl"],
        &["stats", "--by", "agent"],
        &["stats", "--by", "agent", "--csv"],
        &["stats", "--by", "agent", "--json"],
        &["status"],
        &["queue", "--section", "all"],
    ];
    for args in runs {
        let out = sb.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_clean_bytes(&format!("{args:?}"), &out.stdout);
    }
}

#[test]
fn agent_names_are_cleaned_from_the_flag_the_environment_and_the_config() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        "--agent",
        HOSTILE_AGENT,
        "tag",
        ID,
        "bad",
        "--reason",
        "wrong_data",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(exported_agent(&sb), CLEANED);
    assert_every_output_clean(&sb);

    let env = [("HANDOFF_AGENT", HOSTILE_AGENT)];
    let out = sb.run_with_env(&["tag", ID, "good"], None, &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(exported_agent(&sb), CLEANED);

    let toml = "agent = \"Eve\\u001b]0;pwned\\u0007 \\u202eMallory\\u009b31m\"\n";
    std::fs::write(sb.config(), toml).unwrap_or_else(|e| panic!("{e}"));
    let out = sb.run(&["tag", ID, "bad"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(exported_agent(&sb), CLEANED);
    assert_every_output_clean(&sb);

    // A name that is nothing but control characters names no one.
    let out = sb.run(&["--agent", "\x1b]0;x\x07\u{200b}", "queue"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("agent name"), "{}", stderr(&out));
}

#[test]
fn arguments_echoed_in_errors_are_cleaned() {
    let sb = Sandbox::new();
    sb.stdout(&["queue"]);
    let evil = "x\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{202e}y";
    let file = format!("/nonexistent/{evil}.jsonl");
    let cases: &[(&[&str], i32)] = &[
        (&["show", evil], 4),
        (&["tag", evil, "good"], 4),
        (&["import", &file], 3),
        (&["stats", "--since", evil], 2),
        (&["review", "--since", evil], 2),
        (&["feedback", "export", "--since", evil], 2),
        // clap's own message for a value it does not know
        (&["feedback", "export", "--format", evil], 2),
        (&["queue", "--section", evil], 2),
    ];
    for (args, code) in cases {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
        assert!(!out.stderr.is_empty(), "{args:?} said nothing");
        assert_clean_bytes(&format!("{args:?} stderr"), &out.stderr);
        assert_clean_bytes(&format!("{args:?} stdout"), &out.stdout);
        // What was typed is still recognisable.
        assert!(stderr(&out).contains('y'), "{args:?}: {}", stderr(&out));
    }
}

/// The cells of `csv` text, row by row.
fn cells(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn no_csv_cell_starts_a_formula() {
    let sb = Sandbox::new();
    let formula = "=HYPERLINK(\"http://evil.example\",\"open\")";
    let note = "@SUM(1+1)";
    // Stats group by the assignee: a handoff assigned to the same name.
    let record = serde_json::json!({
        "id": "CSV-1",
        "escalated_at": chrono::Utc::now().to_rfc3339(),
        "summary": { "issue": "-1+1 looks like a sum" },
        "routing": { "team": "+billing", "assignee": formula }
    });
    let out = sb.run_with_stdin(&["import", "-"], Some(&record.to_string()));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.run(&[
        "--agent",
        formula,
        "tag",
        "CSV-1",
        "bad",
        "--reason",
        "wrong_data",
        "--note",
        note,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let outputs = [
        sb.stdout(&["feedback", "export", "--format", "csv"]),
        sb.stdout(&["review", "--format", "csv"]),
        sb.stdout(&["stats", "--by", "agent", "--csv"]),
    ];
    for text in &outputs {
        let rows = cells(text);
        let all: Vec<&String> = rows.iter().flatten().collect();
        assert!(
            all.iter().any(|c| c.as_str() == format!("'{formula}")),
            "the agent is not there, neutralised:\n{text}"
        );
        for cell in all {
            let starts_formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!starts_formula, "cell {cell:?} in\n{text}");
        }
    }
    assert!(outputs[0].contains(&format!("'{note}")), "{}", outputs[0]);
}
