//! A config file with many things wrong, as a user meets it: `config check`
//! names every problem on its own line, at the line it is on; every other
//! subcommand stops with exit 78 and the same list, before touching the
//! store; and an address with a password in it is refused without ever
//! being printed.

mod common;

use common::Sandbox;

/// Each problem's line, and a piece of what is said about it.
const FILE: &str = r#"agent = "Maya Chen"
agnet = "typo"
mouse = "yes"
theme = "nope"
keymap = "emacs"
bell = 3

[keys.queue]
"z z" = "no_such_action"
x = "claim"

[clipboard]
# the command that takes the text
comand = "wl-copy"

[[sections]]
query = "is:open"

[[sections]]
name = "Bad query"
query = "confidence:<abc"

[webhook]
timeout_secs = "ten"
url = "ftp://hooks.example.com/x"
"#;

const EXPECTED: &[(usize, &str)] = &[
    (2, "unknown field `agnet`"),
    (3, "expected a boolean"),
    (4, "unknown theme 'nope'"),
    (5, "unknown keymap `emacs`"),
    (6, "expected a boolean"),
    (9, "unknown action `no_such_action`"),
    (14, "unknown field `comand`"),
    (17, "needs a `name`"),
    (21, "expected a number"),
    (24, "expected f64"),
    (25, "[webhook] url: must be an http:// or https:// address"),
];

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every expected problem, in order, one line each, with nothing else.
fn assert_listed(text: &str, file: &str) {
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(file)).collect();
    assert_eq!(lines.len(), EXPECTED.len(), "{text}");
    for (line, (at, what)) in lines.iter().zip(EXPECTED) {
        let head = format!("{file}:{at}: ");
        assert!(
            line.starts_with(&head) && line.contains(what),
            "want {head}…{what}, got {line}\n{text}"
        );
    }
}

#[test]
fn config_check_names_every_problem_at_its_line() {
    let sb = Sandbox::new();
    std::fs::write(sb.config(), FILE).unwrap_or_else(|e| panic!("{e}"));
    let file = sb.config().display().to_string();
    let out = sb.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(78));
    assert_listed(&String::from_utf8_lossy(&out.stdout), &file);

    let out = sb.run(&["config", "check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let lines: Vec<u64> = v["problems"]
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p["line"].as_u64()).collect())
        .unwrap_or_default();
    let want: Vec<u64> = EXPECTED.iter().map(|(l, _)| *l as u64).collect();
    assert_eq!(lines, want, "{v}");
}

#[test]
fn subcommands_stop_on_a_bad_theme_keymap_or_section_and_touch_nothing() {
    let sb = Sandbox::new();
    let file = sb.config().display().to_string();
    let cases = [
        ("theme = \"nope\"\n", 1, "unknown theme"),
        ("keymap = \"emacs\"\n", 1, "unknown keymap"),
        (
            "\n[keys.global]\nq = \"no_such_action\"\n",
            3,
            "unknown action",
        ),
        (
            "[[sections]]\nname = \"X\"\nquery = \"age:>soon\"\n",
            3,
            "age:>soon",
        ),
        ("[[sections]]\nquery = \"is:open\"\n", 2, "needs a `name`"),
    ];
    for (text, line, what) in cases {
        std::fs::write(sb.config(), text).unwrap_or_else(|e| panic!("{e}"));
        for args in [
            &["queue"][..],
            &["show", "HO-1042"],
            &["stats"],
            &["tag", "HO-1042", "bad"],
            &["import", "-"],
            &["feedback", "export"],
        ] {
            let out = sb.run_with_stdin(args, Some("{}"));
            assert_eq!(
                out.status.code(),
                Some(78),
                "{text:?} {args:?}: {}",
                stderr(&out)
            );
            let err = stderr(&out);
            assert!(
                err.contains(&format!("{file}:{line}: ")) && err.contains(what),
                "{text:?} {args:?}: {err}"
            );
            assert!(!sb.data_dir().exists(), "{args:?} made the data dir");
        }
    }
}

#[test]
fn a_password_in_base_url_is_refused_and_never_printed() {
    let sb = Sandbox::new();
    let secret = "hunter2";
    let texts = [
        // A good address but for the password.
        "[backend]\nkind = \"chatwoot\"\n\n[chatwoot]\naccount_id = 1\nbase_url = \"https://admin:hunter2@chat.example.com\"\n",
        // A bad address with a password.
        "[backend]\nkind = \"chatwoot\"\n\n[chatwoot]\naccount_id = 1\nbase_url = \"htps://admin:hunter2@chat.example.com\"\n",
    ];
    let env = [("HANDOFF_CHATWOOT_TOKEN", "t0ken")];
    for text in texts {
        std::fs::write(sb.config(), text).unwrap_or_else(|e| panic!("{e}"));
        for args in [
            &["config", "check"][..],
            &["config", "check", "--json"],
            &["queue"],
            &["sync"],
            &["login", "chatwoot"],
        ] {
            let out = sb.run_with_env(args, None, &env);
            assert_eq!(out.status.code(), Some(78), "{args:?}: {}", stderr(&out));
            let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(said.contains("base_url"), "{args:?}: {said}");
            let at_line =
                said.contains(":6: ") || said.contains("line 6") || said.contains("\"line\": 6");
            assert!(at_line, "{args:?}: not at the base_url line: {said}");
            assert!(
                !said.contains(secret),
                "{args:?} printed the password: {said}"
            );
        }
        // The full screen opens with the problem listed, and no password.
        let mut screen = sb.open(120, 30, &env);
        screen.wait_for("Config problems");
        screen.wait_for("base_url");
        screen.send("x");
        screen.wait_until("the problems closed", |s| !s.contains("Config problems"));
        screen.send("q");
        assert!(screen.wait_exit());
        let raw = String::from_utf8_lossy(&screen.raw()).into_owned();
        assert!(!raw.contains(secret), "the screen showed the password");
        let log = std::fs::read_to_string(sb.data_dir().join("handoff.log")).unwrap_or_default();
        assert!(!log.contains(secret), "the log holds the password");
    }
}
