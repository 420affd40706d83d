//! The escape hatches through the real binary in a pseudo-terminal: a draft
//! written in `$EDITOR`, `y` copying a field over OSC 52, `O` handing the
//! conversation's address to `$BROWSER`, and the bell when an urgent
//! handoff lands in my queue with a sync.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Sandbox, top_of_my_queue};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// An executable shell script in the sandbox.
fn script(sb: &Sandbox, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = sb.dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn last_message(sb: &Sandbox, id: &str) -> Option<(String, bool)> {
    let store = handoff::store::Store::open(&sb.data_dir().join("handoff.db")).ok()?;
    let h = store.handoff(id).ok().flatten()?;
    h.transcript.last().map(|m| (m.text.clone(), m.private))
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn a_reply_written_in_the_editor_comes_back_and_sends() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mode = sb.dir.path().join("mode");
    // The editor: note the file's mode, add a line, as a person would.
    let editor = script(
        &sb,
        "editor.sh",
        &format!(
            "stat -c %a \"$1\" > '{}'\nprintf 'From the editor\\n' >> \"$1\"",
            s(&mode)
        ),
    );
    let mut screen = sb.open(
        120,
        40,
        &[
            ("VISUAL", ""),
            ("EDITOR", &s(&editor)),
            ("HANDOFF_LOG", "debug"),
        ],
    );
    screen.wait_for(&top);
    screen.send("r");
    screen.wait_for("will see this");
    screen.send("Typed first");
    screen.wait_for("Typed first");
    screen.send("\x05"); // Ctrl-E
    screen.wait_for("From the editor");
    assert_eq!(
        wait_for_file(&mode).trim(),
        "600",
        "the draft file is private"
    );
    // The draft is saved as if typed, and keys after the editor still work.
    let store = handoff::store::Store::open(&sb.data_dir().join("handoff.db"))
        .unwrap_or_else(|e| panic!("{e}"));
    let draft = store.draft(&top, "reply").ok().flatten();
    assert_eq!(draft.as_deref(), Some("Typed first\nFrom the editor"));
    screen.send("!");
    screen.wait_for("From the editor!");
    screen.send("\x13"); // Ctrl-S
    screen.wait_for("Reply sent on");
    assert_eq!(
        last_message(&sb, &top),
        Some(("Typed first\nFrom the editor!".to_string(), false))
    );
    let left: Vec<_> = std::fs::read_dir(sb.data_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".txt"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "the draft file is removed: {left:?}");
    screen.send("j");
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn a_failing_or_missing_editor_says_so_and_keeps_the_draft() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let editor = script(&sb, "broken.sh", "printf 'junk' > \"$1\"; exit 3");
    let mut screen = sb.open(120, 40, &[("VISUAL", &s(&editor)), ("EDITOR", "")]);
    screen.wait_for(&top);
    screen.send("n");
    screen.wait_for("only agents see this");
    screen.send("Keep me");
    screen.wait_for("Keep me");
    screen.send("\x05");
    screen.wait_for("exited with status 3");
    assert!(screen.text().contains("broken.sh"), "names the command");
    assert!(screen.text().contains("Keep me") && !screen.text().contains("junk"));
    screen.send("\x1b");
    screen.send("q");
    assert!(screen.wait_exit());

    let mut screen = sb.open(
        120,
        40,
        &[("VISUAL", ""), ("EDITOR", "/nonexistent/editor --wait")],
    );
    screen.wait_for(&top);
    screen.send("n");
    screen.wait_for("Keep me");
    screen.send("\x05");
    screen.wait_for("not found");
    assert!(screen.text().contains("/nonexistent/editor --wait"));
    // The screen is still ours: keys work.
    screen.send(" too");
    screen.wait_for("Keep me too");
    screen.send("\x1b");
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn y_then_a_field_puts_it_on_the_clipboard() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let shown: Value =
        serde_json::from_str(&sb.stdout(&["show", &top, "--format", "json"])).unwrap_or_default();
    let email = shown["handoff"]["customer"]["email"]
        .as_str()
        .unwrap_or_else(|| panic!("no email: {shown}"))
        .to_string();
    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for(&top);
    screen.send("y");
    // The which-key hint lists what can follow.
    screen.wait_for("e email");
    assert!(screen.text().contains("n next step"), "{}", screen.text());
    screen.send("e");
    screen.wait_for("Copied customer email");
    screen.send("yi");
    screen.wait_for("Copied handoff id");
    let clipboard = screen.effects().clipboard;
    assert_eq!(
        clipboard,
        vec![
            handoff::runtime::external::base64(email.as_bytes()),
            handoff::runtime::external::base64(top.as_bytes()),
        ]
    );
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn o_hands_the_address_to_the_browser() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let opened = sb.dir.path().join("opened");
    let browser = script(
        &sb,
        "browser.sh",
        &format!("echo \"$@\" > '{}'", s(&opened)),
    );
    let mut screen = sb.open(120, 40, &[("BROWSER", &s(&browser))]);
    screen.wait_for(&top);
    screen.send("O");
    screen.wait_for("No web UI for");
    screen.send("q");
    assert!(screen.wait_exit());

    std::fs::write(
        sb.config(),
        "[backend]\nweb_url = \"https://help.example.com/tickets/{id}\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut screen = sb.open(120, 40, &[("BROWSER", &s(&browser))]);
    screen.wait_for(&top);
    screen.send("O");
    let want = format!("https://help.example.com/tickets/{top}");
    assert_eq!(wait_for_file(&opened).trim(), want);
    screen.wait_for("Opened https://help.example.com");
    screen.send("q");
    assert!(screen.wait_exit());
}

// ---------------------------------------------------------------------------
// A Chatwoot whose queue grows while the screen is open
// ---------------------------------------------------------------------------

/// Serves conversation 1042, and 1044 (urgent, mine) once `arrived`.
#[derive(Clone, Default)]
struct Helpdesk {
    arrived: Arc<Mutex<bool>>,
}

impl Respond for Helpdesk {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let ok = |v: Value| ResponseTemplate::new(200).set_body_json(v);
        let path = req.url.path();
        let query = req.url.query().unwrap_or_default();
        match path {
            "/api/v1/profile" => ok(common::chatwoot_fixture("profile.json")),
            "/api/v1/accounts/1/teams" => ok(common::chatwoot_fixture("teams.json")),
            "/api/v1/accounts/1/conversations" => {
                let mut items = Vec::new();
                if query.contains("assignee_type=me") || query.contains("updated_within") {
                    items.push(common::chatwoot_fixture("conversation.json"));
                    if *self.arrived.lock().unwrap_or_else(|e| e.into_inner()) {
                        let mut c = common::chatwoot_fixture("conversation.json");
                        c["id"] = json!(1044);
                        c["priority"] = json!("urgent");
                        c["updated_at"] = json!(chrono::Utc::now().timestamp());
                        items.push(c);
                    }
                }
                ok(json!({ "data": { "meta": {}, "payload": items } }))
            }
            p if p.ends_with("/messages") => ok(common::chatwoot_fixture("messages.json")),
            p if p.ends_with("/labels") => ok(json!({ "payload": ["billing"] })),
            _ => ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})),
        }
    }
}

async fn helpdesk_sandbox(bell: Option<bool>) -> (MockServer, Helpdesk, Sandbox) {
    let server = MockServer::start().await;
    let helpdesk = Helpdesk::default();
    Mock::given(any())
        .respond_with(helpdesk.clone())
        .mount(&server)
        .await;
    let sb = Sandbox::new();
    let bell = bell.map(|b| format!("bell = {b}\n")).unwrap_or_default();
    let config = format!(
        "{bell}[backend]\nkind = \"chatwoot\"\n[chatwoot]\nbase_url = \"{}\"\naccount_id = 1\n\
         poll_secs = 1\ntimeout_secs = 5\nhold_secs = 0\n",
        server.uri()
    );
    std::fs::write(sb.config(), config).unwrap_or_else(|e| panic!("{e}"));
    (server, helpdesk, sb)
}

fn chatwoot_env(sb: &Sandbox) -> Vec<(String, String)> {
    vec![
        ("HANDOFF_CHATWOOT_TOKEN".into(), "test-token".into()),
        ("XDG_CONFIG_HOME".into(), s(&sb.dir.path().join("xdg"))),
        ("HANDOFF_LOG".into(), "debug".into()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_arrival_in_my_queue_rings_the_bell_once() {
    let (server, helpdesk, sb) = helpdesk_sandbox(None).await;
    let opened = sb.dir.path().join("opened");
    let browser = script(
        &sb,
        "browser.sh",
        &format!("echo \"$1\" > '{}'", s(&opened)),
    );
    let mut env = chatwoot_env(&sb);
    env.push(("BROWSER".into(), s(&browser)));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut screen = sb.open(120, 40, &env);
    screen.wait_for("cw-1042");
    // The first sync into an empty store is no arrival.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(screen.effects().bells, 0, "no bell at start");
    // Chatwoot's own page for the conversation.
    screen.send("O");
    let want = format!("{}/app/accounts/1/conversations/1042", server.uri());
    assert_eq!(wait_for_file(&opened).trim(), want);

    *helpdesk.arrived.lock().unwrap_or_else(|e| e.into_inner()) = true;
    screen.wait_for("Urgent: cw-1044");
    assert_eq!(screen.effects().bells, 1, "one bell for the arrival");
    // Later syncs bring it again: no new bell.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(screen.effects().bells, 1);
    screen.send("q");
    assert!(screen.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn bell_false_keeps_the_toast_and_silences_the_bell() {
    let (_server, helpdesk, sb) = helpdesk_sandbox(Some(false)).await;
    let env = chatwoot_env(&sb);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut screen = sb.open(120, 40, &env);
    screen.wait_for("cw-1042");
    *helpdesk.arrived.lock().unwrap_or_else(|e| e.into_inner()) = true;
    screen.wait_for("Urgent: cw-1044");
    assert_eq!(screen.effects().bells, 0);
    screen.send("q");
    assert!(screen.wait_exit());
}
