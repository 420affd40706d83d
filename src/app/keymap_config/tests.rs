use std::path::Path;

use crossterm::event::{KeyCode, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::*;
use crate::app::keymap::Resolved;

#[derive(Deserialize)]
struct File {
    keymap: Option<Spanned<String>>,
    keys: Option<KeysTable>,
}

fn load(text: &str) -> (Keymap, Vec<String>) {
    let file: File = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    let (map, problems) = build(
        file.keymap.as_ref(),
        file.keys.as_ref(),
        Path::new("c.toml"),
        text,
    );
    (map, problems.iter().map(|p| p.to_string()).collect())
}

fn key(c: char) -> Key {
    Key::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn parses_every_key_form() {
    let ok = |s: &str| parse_key(s).map(|k| k.label());
    assert_eq!(ok("b"), Ok("b".into()));
    assert_eq!(ok("ctrl-s"), Ok("Ctrl-s".into()));
    assert_eq!(ok("Ctrl+S"), Ok("Ctrl-S".into()));
    assert_eq!(ok("alt-enter"), Ok("Alt-Enter".into()));
    assert_eq!(ok("shift-tab"), Ok("Shift-Tab".into()));
    assert_eq!(ok("shift-g"), Ok("G".into()));
    assert_eq!(ok("F2"), Ok("F2".into()));
    assert_eq!(ok("pgdn"), Ok("PgDn".into()));
    assert_eq!(ok("space"), Ok("Space".into()));
    assert_eq!(ok("-"), Ok("-".into()));
    assert_eq!(ok("ctrl--"), Ok("Ctrl--".into()));
    assert!(parse_key("hyper-x").is_err());
    assert!(parse_key("f99").is_err());
    assert!(parse_key("shift-?").is_err());
    assert_eq!(parse_chord("g g").map(|k| k.len()), Ok(2));
    assert!(parse_chord("  ").is_err());
    assert!(parse_chord("a b c d").is_err());
}

#[test]
fn file_entries_merge_over_the_preset() {
    let (map, problems) = load("[keys.global]\n\"F2\" = \"flag_bad\"\nb = \"none\"\n");
    assert!(problems.is_empty(), "{problems:?}");
    let f2 = Key::new(KeyCode::F(2), KeyModifiers::NONE);
    assert_eq!(
        map.resolve(Context::Queue, &[], f2),
        Resolved::Action(Action::FlagBad)
    );
    assert_eq!(
        map.resolve(Context::Queue, &[], key('b')),
        Resolved::Unbound
    );
    // Everything else keeps its default.
    assert_eq!(
        map.resolve(Context::Queue, &[], key('g')),
        Resolved::Action(Action::FlagGood)
    );
}

#[test]
fn vim_preset_is_chosen_by_name() {
    let (map, problems) = load("keymap = \"vim\"\n");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        map.resolve(Context::Queue, &[key('g')], key('g')),
        Resolved::Action(Action::Top)
    );
    let (map, problems) = load("keymap = \"emacs\"\n");
    assert_eq!(map, Keymap::default());
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("c.toml:1: unknown keymap `emacs`"),
        "{problems:?}"
    );
}

#[test]
fn each_bad_entry_is_reported_with_its_line_and_the_rest_apply() {
    let text = "\
[keys.queue]
x = \"flag_bda\"
\"hyper-q\" = \"quit\"
\"pgdn\" = \"top\"
\"PageDown\" = \"bottom\"
y = 3
z = \"claim\"
[keys.compose]
s = \"send\"
\"ctrl-enter\" = \"quit\"
[keys.sidebar]
a = \"quit\"
";
    let (map, problems) = load(text);
    let lines: Vec<&str> = problems
        .iter()
        .map(|p| p.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        lines,
        [
            "c.toml:2",
            "c.toml:3",
            "c.toml:5",
            "c.toml:6",
            "c.toml:9",
            "c.toml:10",
            "c.toml:11"
        ],
        "{problems:#?}"
    );
    assert!(problems[0].contains("unknown action `flag_bda`"));
    assert!(problems[2].contains("already bound") && problems[2].contains("line 4"));
    assert!(problems[6].contains("[keys.sidebar]"));
    // The good entries apply: the first pgdn, and z.
    let pgdn = Key::new(KeyCode::PageDown, KeyModifiers::NONE);
    assert_eq!(
        map.resolve(Context::Queue, &[], pgdn),
        Resolved::Action(Action::Top)
    );
    assert_eq!(
        map.resolve(Context::Queue, &[], key('z')),
        Resolved::Action(Action::Claim)
    );
}

#[test]
fn a_chord_over_a_bound_key_is_a_conflict() {
    // `g` is bound globally (good verdict): "g g" in the queue would shadow it.
    let (map, problems) = load("[keys.queue]\n\"g g\" = \"top\"\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("c.toml:2:"), "{problems:?}");
    assert_eq!(
        map.resolve(Context::Queue, &[], key('g')),
        Resolved::Action(Action::FlagGood)
    );
    // Unbinding `g` first makes the chord legal.
    let (map, problems) = load(
        "[keys.global]\ng = \"none\"\n\"+\" = \"flag_good\"\n[keys.queue]\n\"g g\" = \"top\"\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        map.resolve(Context::Queue, &[], key('g')),
        Resolved::Pending
    );
}

#[test]
fn send_is_rebindable() {
    let (map, problems) = load("[keys.compose]\n\"alt-s\" = \"send\"\n\"ctrl-s\" = \"none\"\n");
    assert!(problems.is_empty(), "{problems:?}");
    let alt_s = Key::new(KeyCode::Char('s'), KeyModifiers::ALT);
    let ctrl_s = Key::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        map.resolve(Context::Compose, &[], alt_s),
        Resolved::Action(Action::Send)
    );
    assert_eq!(
        map.resolve(Context::Compose, &[], ctrl_s),
        Resolved::Unbound
    );
}
