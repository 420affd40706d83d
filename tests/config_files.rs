//! The config file: a corpus of valid and invalid files, the JSON Schema kept
//! in step with `Config`, and `handoff config init` / `check` as a user runs
//! them.

mod common;

use std::path::{Path, PathBuf};

use common::Sandbox;
use handoff::config::Config;
use handoff::workspace::check as config_check;

fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/config_corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {kind} corpus");
    files
}

#[test]
fn every_valid_file_has_no_problems() {
    for file in corpus("valid") {
        let problems = config_check::check_config(&file, true, None);
        assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
    }
}

#[test]
fn every_invalid_file_reports_a_problem_with_a_line() {
    for file in corpus("invalid") {
        let problems = config_check::check_config(&file, true, None);
        assert!(!problems.is_empty(), "{} passed", file.display());
        assert!(
            problems.iter().all(|p| p.line.is_some()),
            "{}: {problems:#?}",
            file.display()
        );
    }
}

/// `Config`'s fields, as serde lists them when it meets an unknown one.
fn config_fields() -> Vec<String> {
    let err = match toml::from_str::<Config>("zz_not_a_field = 1") {
        Ok(_) => panic!("unknown field accepted"),
        Err(e) => e.message().to_string(),
    };
    let (_, expected) = err
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("unexpected message: {err}"));
    let mut fields: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    fields.sort();
    fields
}

#[test]
fn schema_top_level_keys_are_the_config_fields() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut keys: Vec<String> = schema["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    // The settings, and each helpdesk's own table.
    let mut fields = config_fields();
    fields.extend(
        handoff::backend::registry::names()
            .into_iter()
            .map(String::from),
    );
    fields.sort();
    assert_eq!(keys, fields);
    // Every action name is in the schema's list of binding values.
    let values = schema["$defs"]["bindings"]["additionalProperties"]["enum"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for action in handoff::app::action::ALL {
        assert!(
            values.iter().any(|v| v == action.name()),
            "{} missing from the schema",
            action.name()
        );
    }
}

#[test]
fn config_init_writes_a_clean_file_and_will_not_overwrite() {
    let sb = Sandbox::new();
    let path = sb.dir.path().join("fresh/config.toml");
    let p = path.display().to_string();
    let out = sb.run(&["--config", &p, "config", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), p);
    let again = sb.run(&["--config", &p, "config", "init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(
        sb.run(&["--config", &p, "config", "init", "--force"])
            .status
            .success()
    );
    let check = sb.run(&["--config", &p, "config", "check"]);
    assert!(check.status.success());
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("OK: "));
}

#[test]
fn config_check_lists_every_problem_and_exits_78() {
    let sb = Sandbox::new();
    let text = "agent = \"Maya\"\nagnet = 1\n[keys.queue]\nx = \"flag_bda\"\n";
    std::fs::write(sb.config(), text).unwrap_or_else(|e| panic!("{e}"));
    let out = sb.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(78));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let file = sb.config().display().to_string();
    assert!(
        stdout.contains(&format!("{file}:2: unknown field `agnet`")),
        "{stdout}"
    );
    let json = sb.run(&["config", "check", "--json"]);
    assert_eq!(json.status.code(), Some(78));
    let v: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or(serde_json::Value::Null);
    assert_eq!(v["ok"], false);
    assert!(v["problems"][0]["line"] == 2, "{v}");
    // Other subcommands still stop on a bad config, so scripts notice.
    assert_eq!(sb.run(&["queue"]).status.code(), Some(78));
}

#[test]
fn a_bad_keymap_entry_is_reported_but_the_rest_apply() {
    let sb = Sandbox::new();
    let text = "[keys.queue]\nx = \"flag_bda\"\nz = \"claim\"\n";
    std::fs::write(sb.config(), text).unwrap_or_else(|e| panic!("{e}"));
    let out = sb.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(78));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains(":2: [keys.queue] `x`: unknown action `flag_bda`"),
        "{stdout}"
    );
    // The full screen goes on without the bad entry; a subcommand stops,
    // as the README says, so a script notices (issue 15).
    let out = sb.run(&["queue"]);
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":2: [keys.queue] `x`: unknown action `flag_bda`"),
        "{err}"
    );
}
