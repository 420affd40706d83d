//! The Chatwoot backend through the real binary: the token never leaks
//! (sentinel test), and a `kill -9` mid-delivery loses and duplicates
//! nothing while keeping labels others added meanwhile.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SENTINEL: &str = "SENTINEL-TOKEN-4242";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(base_url: &str, extra: &str) -> Env {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let config = format!(
            "[backend]\nkind = \"chatwoot\"\n[chatwoot]\nbase_url = \"{base_url}\"\naccount_id = 1\n\
             timeout_secs = 5\nhold_secs = 0\nbackoff_secs = 0.05\nmax_backoff_secs = 0.2\n{extra}"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap_or_else(|e| panic!("{e}"));
        Env { dir }
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(common::BIN);
        cmd.args(args)
            .env("HANDOFF_DATA_DIR", self.data())
            .env("HANDOFF_CONFIG", self.dir.path().join("config.toml"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("HANDOFF_CHATWOOT_TOKEN", SENTINEL)
            .env("HANDOFF_LOG", "debug")
            .env_remove("HANDOFF_AGENT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }
    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .unwrap_or_else(|e| panic!("spawn: {e}"))
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_no_sentinel_in_file(path: &Path) {
    if let Ok(bytes) = std::fs::read(path) {
        let found = bytes
            .windows(SENTINEL.len())
            .any(|w| w == SENTINEL.as_bytes());
        assert!(!found, "the token is in {}", path.display());
    }
}

/// The token never reaches stdout, stderr, the log, the database or --help,
/// through login and sync against 401, 500, refused connections and success
/// (the profile itself echoes the token as `access_token`).
#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_leaks() {
    let server = MockServer::start().await;
    let env = Env::new(&server.uri(), "");
    let mut outputs = Vec::new();

    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"errors": ["Invalid Access Token"]})),
        )
        .mount(&server)
        .await;
    let out = env.run(&["login", "chatwoot"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("401"), "{}", text(&out));
    outputs.push(out);
    outputs.push(env.run(&["sync"]));

    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("internal error"))
        .mount(&server)
        .await;
    outputs.push(env.run(&["login", "chatwoot"]));
    outputs.push(env.run(&["sync"]));

    server.reset().await;
    mount_fake(&server, Fake::default()).await;
    let out = env.run(&["login", "chatwoot", "--save"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Maya Chen") && text(&out).contains("Acme Support"));
    outputs.push(out);
    let out = env.run(&["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2 new"), "{}", text(&out));
    outputs.push(out);
    let creds = env.dir.path().join("xdg/handoff/credentials.toml");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&creds).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }

    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(9)
    };
    let env2 = Env::new(&format!("http://127.0.0.1:{refused}"), "");
    let out = env2.run(&["login", "chatwoot"]);
    assert!(text(&out).contains("connection refused"), "{}", text(&out));
    outputs.push(out);
    outputs.push(env2.run(&["sync"]));

    for args in [
        &["--help"][..],
        &["login", "--help"],
        &["sync", "--help"],
        &["-h"],
    ] {
        outputs.push(env.run(args));
    }
    for out in &outputs {
        assert!(!text(out).contains(SENTINEL), "leaked: {}", text(out));
    }
    for file in ["handoff.db", "handoff.db-wal", "handoff.log"] {
        assert_no_sentinel_in_file(&env.data().join(file));
        assert_no_sentinel_in_file(&env2.data().join(file));
    }
    assert!(env.data().join("handoff.log").exists());
}

// ---------------------------------------------------------------------------
// A stateful fake Chatwoot for the crash test
// ---------------------------------------------------------------------------

#[derive(Default)]
struct State {
    labels: HashMap<i64, Vec<String>>,
    messages: HashMap<i64, Vec<Value>>,
    /// Every note/reply POST body, duplicates included.
    posted: Vec<Value>,
    /// Answer message POSTs this late (the request is recorded at once).
    message_delay: Option<Duration>,
}

#[derive(Clone, Default)]
struct Fake(Arc<Mutex<State>>);

impl Fake {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s)
    }
}

fn conversation(id: i64) -> Value {
    let mut c = common::chatwoot_fixture("conversation.json");
    c["id"] = json!(id);
    c
}

impl Respond for Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let post = req.method.as_str() == "POST";
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let conv: Option<i64> = path
            .strip_prefix("/api/v1/accounts/1/conversations/")
            .and_then(|rest| rest.split('/').next())
            .and_then(|id| id.parse().ok());
        let ok = |v: Value| ResponseTemplate::new(200).set_body_json(v);
        match (post, path.as_str(), conv) {
            (false, "/api/v1/profile", _) => ok(common::chatwoot_fixture("profile.json")),
            (false, "/api/v1/accounts/1/teams", _) => ok(common::chatwoot_fixture("teams.json")),
            (false, "/api/v1/accounts/1/conversations", _) => {
                let mine = req.url.query().is_some_and(|q| {
                    q.contains("assignee_type=me") || q.contains("updated_within")
                });
                let items = if mine {
                    vec![conversation(1042), conversation(1043)]
                } else {
                    Vec::new()
                };
                ok(json!({ "data": { "meta": {}, "payload": items } }))
            }
            (false, p, Some(id)) if p.ends_with("/messages") => {
                let mut m = common::chatwoot_fixture("messages.json");
                let stored = self.with(|s| s.messages.get(&id).cloned().unwrap_or_default());
                if let Some(payload) = m["payload"].as_array_mut() {
                    payload.extend(stored);
                }
                ok(m)
            }
            (false, p, Some(id)) if p.ends_with("/labels") => {
                let labels = self.with(|s| {
                    s.labels
                        .entry(id)
                        .or_insert_with(|| vec!["billing".into()])
                        .clone()
                });
                ok(json!({ "payload": labels }))
            }
            (true, p, Some(id)) if p.ends_with("/labels") => {
                let labels: Vec<String> =
                    serde_json::from_value(body["labels"].clone()).unwrap_or_default();
                self.with(|s| s.labels.insert(id, labels.clone()));
                ok(json!({ "payload": labels }))
            }
            (true, p, Some(id)) if p.ends_with("/messages") => {
                let delay = self.with(|s| {
                    let n = s.posted.len() as i64;
                    s.posted.push(body.clone());
                    let msg = json!({
                        "id": 200_000 + n, "content": body["content"], "private": body["private"],
                        "content_attributes": body["content_attributes"], "message_type": 1,
                        "content_type": "text", "status": "sent", "conversation_id": id, "inbox_id": 2,
                        "created_at": chrono::Utc::now().timestamp(), "source_id": null,
                        "sender": { "id": 7, "name": "Maya Chen", "type": "user" }, "attachments": []
                    });
                    s.messages.entry(id).or_default().push(msg.clone());
                    s.message_delay
                });
                let r = ok(common::chatwoot_fixture("message_created.json"));
                match delay {
                    Some(d) => r.set_delay(d),
                    None => r,
                }
            }
            _ => ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource could not be found"})),
        }
    }
}

async fn mount_fake(server: &MockServer, fake: Fake) {
    Mock::given(any()).respond_with(fake).mount(server).await;
}

/// `kill -9` while a verdict's note is on the wire, someone adds a label,
/// restart: every verdict note arrives exactly once and the label stays.
#[tokio::test(flavor = "multi_thread")]
async fn kill_9_mid_delivery_loses_nothing_and_sends_nothing_twice() {
    let server = MockServer::start().await;
    let fake = Fake::default();
    mount_fake(&server, fake.clone()).await;
    let env = Env::new(&server.uri(), "");

    let out = env.run(&["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    // `tag` sends at once: the first one's note POST lands but its answer
    // never comes; kill -9.
    fake.with(|s| s.message_delay = Some(Duration::from_secs(30)));
    let mut child = env
        .command(&[
            "tag",
            "cw-1042",
            "bad",
            "--reason",
            "wrong_data",
            "--note",
            "asked for the wrong order",
        ])
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    while fake.with(|s| s.posted.is_empty()) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no note was sent"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    let _ = child.wait();
    assert_eq!(fake.with(|s| s.posted.len()), 1);
    // The second goes out at once.
    fake.with(|s| s.message_delay = None);
    let out = env.run(&[
        "tag",
        "cw-1043",
        "bad",
        "--reason",
        "misrouted",
        "--note",
        "asked for the wrong order",
    ]);
    assert!(out.status.success(), "{}", text(&out));

    // Meanwhile someone else labels the conversation.
    fake.with(|s| {
        s.message_delay = None;
        if let Some(l) = s.labels.get_mut(&1042) {
            l.push("vip-escalation".into());
        }
    });

    // Restart: everything still waiting goes out.
    let out = env.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));

    let (posted, labels) = fake.with(|s| (s.posted.clone(), s.labels.clone()));
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for p in &posted {
        let key = p["content_attributes"]["handoff_key"]
            .as_str()
            .unwrap_or("")
            .to_string();
        *per_key.entry(key).or_default() += 1;
    }
    assert_eq!(per_key.len(), 2, "{posted:?}");
    assert!(
        per_key.values().all(|&n| n == 1),
        "a note was posted twice: {per_key:?}"
    );
    assert!(posted.iter().all(|p| p["private"] == json!(true)));
    let l1042 = labels.get(&1042).cloned().unwrap_or_default();
    for want in [
        "billing",
        "vip-escalation",
        "ai-bad-handoff",
        "ai-bad-wrong-data",
    ] {
        assert!(l1042.iter().any(|l| l == want), "{want} missing: {l1042:?}");
    }
    let l1043 = labels.get(&1043).cloned().unwrap_or_default();
    assert!(l1043.iter().any(|l| l == "ai-bad-misrouted"), "{l1043:?}");
    let out = env.run(&["outbox", "--json"]);
    let unsent: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert_eq!(unsent["unsent"], json!([]), "{}", text(&out));
}
