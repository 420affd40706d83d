//! What every helpdesk adapter must do, checked through the real binary
//! against a stand-in of the helpdesk: a loopback server (wiremock) that
//! answers in the helpdesk's own shapes and keeps state (conversations,
//! tags, notes), so a tag added by "someone else" is there at the next read.
//!
//! A helpdesk joins by implementing [`StandIn`] (tests/conformance/<name>.rs)
//! and one `conformance!` line in tests/conformance.rs. The suite owns the
//! trouble (401, 404, 429, 5xx, slow answers): the stand-in only says what
//! its helpdesk's error and rate-limit answers look like.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::common;

/// The token every stand-in expects, and the test looks for everywhere else.
pub const SENTINEL: &str = "SENTINEL-TOKEN-4242";

/// A helpdesk as the suite drives it.
pub trait StandIn: Send + Sync + 'static {
    /// Its `[backend] kind` (`chatwoot`).
    fn name(&self) -> &'static str;
    /// The config file's part for a server at `base_url`: `[backend]` and
    /// the helpdesk's table, with a 1-second timeout, no verdict hold and
    /// short backoffs (0.05 s, at most 0.2 s).
    fn config(&self, base_url: &str) -> String;
    /// Conversations per page of its queue listing: the paging test makes
    /// more than two pages.
    fn page_size(&self) -> usize;
    /// Add `n` conversations that wait for me: escalated by the AI,
    /// assigned to the token's user, open. Their handoff ids.
    fn add_conversations(&self, n: usize) -> Vec<String>;
    /// Add one conversation in my queue whose record cannot be read (a
    /// field of the wrong type). What the sync's warning must name.
    fn add_malformed(&self) -> String;
    /// The tags (labels) on handoff `id` now.
    fn tags(&self, id: &str) -> Vec<String>;
    /// Someone else tags handoff `id` in the helpdesk.
    fn add_tag(&self, id: &str, tag: &str);
    /// The private notes (internal comments) on handoff `id`, as bodies.
    fn notes(&self, id: &str) -> Vec<String>;
    /// Answer requests that post a note this late (they are recorded at
    /// once): for killing the program while one is on the wire.
    fn delay_notes(&self, delay: Option<Duration>);
    /// Note posts received, duplicates included.
    fn notes_posted(&self) -> usize;
    /// Whether `req` carries the token where the helpdesk expects it.
    fn authorized(&self, req: &Request) -> bool;
    /// Whether `req` changes something (a search by POST does not).
    fn is_write(&self, req: &Request) -> bool {
        req.method.as_str() != "GET"
    }
    /// Its answer to everything else.
    fn respond(&self, req: &Request) -> ResponseTemplate;
    /// Its error answer with `status` (401 with its error body, ...).
    fn error(&self, status: u16) -> ResponseTemplate;
    /// Its 429, telling the client to wait `wait` (in its own way:
    /// `Retry-After`, `X-RateLimit-Reset`); `None`: no hint at all.
    fn rate_limited(&self, wait: Option<Duration>) -> ResponseTemplate;
}

/// Trouble the suite makes for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// Answer with this status.
    Status(u16),
    /// Answer 429, with a wait hint or none.
    RateLimited(Option<Duration>),
    /// Answer normally, but this late.
    Slow(Duration),
}

#[derive(Debug, Clone, Copy)]
struct Spell {
    trouble: Trouble,
    /// Requests it applies to before it heals (`usize::MAX`: until told).
    left: usize,
    writes_only: bool,
}

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// The stand-in behind a loopback server, with the suite's trouble on top.
#[derive(Clone)]
pub struct Server {
    pub desk: Arc<dyn StandIn>,
    spell: Arc<Mutex<Option<Spell>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub async fn start(desk: Arc<dyn StandIn>) -> (MockServer, Server) {
        let mock = MockServer::start().await;
        let server = Server {
            desk,
            spell: Arc::default(),
            seen: Arc::default(),
        };
        Mock::given(any())
            .respond_with(server.clone())
            .mount(&mock)
            .await;
        (mock, server)
    }

    /// `trouble` for the next `times` requests (writes only, or all).
    pub fn trouble(&self, trouble: Trouble, times: usize, writes_only: bool) {
        *lock(&self.spell) = Some(Spell {
            trouble,
            left: times,
            writes_only,
        });
    }

    pub fn heal(&self) {
        *lock(&self.spell) = None;
    }

    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Respond for Server {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let trouble = {
            let mut spell = lock(&self.spell);
            match spell.as_mut() {
                Some(s) if s.left > 0 && (!s.writes_only || self.desk.is_write(req)) => {
                    s.left -= 1;
                    Some(s.trouble)
                }
                _ => None,
            }
        };
        let (answer, status) = match trouble {
            _ if !self.desk.authorized(req) => (self.desk.error(401), 401),
            Some(Trouble::Status(code)) => (self.desk.error(code), code),
            Some(Trouble::RateLimited(wait)) => (self.desk.rate_limited(wait), 429),
            Some(Trouble::Slow(d)) => (self.desk.respond(req).set_delay(d), 200),
            None => (self.desk.respond(req), 200),
        };
        lock(&self.seen).push(Seen {
            at: Instant::now(),
            method: req.method.to_string(),
            path: req.url.path().to_string(),
            status,
        });
        answer
    }
}

/// A workspace of its own, configured for the stand-in, run as a user would.
pub struct Env {
    pub dir: tempfile::TempDir,
    name: &'static str,
}

impl Env {
    pub fn new(desk: &dyn StandIn, base_url: &str) -> Env {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("config.toml"), desk.config(base_url))
            .unwrap_or_else(|e| panic!("{e}"));
        Env {
            dir,
            name: desk.name(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(common::BIN);
        cmd.args(args)
            .env("HANDOFF_DATA_DIR", self.data())
            .env("HANDOFF_CONFIG", self.dir.path().join("config.toml"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env(
                format!("HANDOFF_{}_TOKEN", self.name.to_ascii_uppercase()),
                SENTINEL,
            )
            .env("HANDOFF_LOG", "debug")
            .env_remove("HANDOFF_AGENT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .unwrap_or_else(|e| panic!("spawn: {e}"))
    }

    /// Run, expect success, and read stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    /// Every handoff id in the store, whatever section it is in.
    pub fn ids(&self) -> Vec<String> {
        let v = self.json(&["queue", "--section", "all", "--json"]);
        let mut ids: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    }

    /// The outbox rows not yet delivered.
    pub fn unsent(&self) -> Vec<Value> {
        self.json(&["outbox", "--json"])["unsent"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn assert_no_sentinel_in_file(path: &Path) {
    if let Ok(bytes) = std::fs::read(path) {
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains(SENTINEL), "token found in {}", path.display());
    }
}

async fn started(desk: Arc<dyn StandIn>) -> (MockServer, Server, Env) {
    let (mock, server) = Server::start(desk.clone()).await;
    let env = Env::new(&*desk, &mock.uri());
    (mock, server, env)
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

/// More than two pages of my queue: every conversation arrives, once.
pub async fn pages_past_one_page(desk: Arc<dyn StandIn>) {
    let n = desk.page_size() * 2 + 1;
    let want = sorted(desk.add_conversations(n));
    let (_mock, _server, env) = started(desk).await;
    let v = env.json(&["sync", "--json"]);
    assert_eq!(v["sync"]["new"], n, "{v}");
    assert_eq!(env.ids(), want);
    // Nothing changed: a second full sync writes nothing again.
    let v = env.json(&["sync", "--full", "--json"]);
    assert_eq!(v["sync"]["new"], 0, "{v}");
    assert_eq!(v["sync"]["updated"], 0, "{v}");
}

/// One unreadable record is skipped with a warning naming it; the rest land.
pub async fn skips_a_malformed_record_with_a_warning(desk: Arc<dyn StandIn>) {
    let good = sorted(desk.add_conversations(2));
    let bad = desk.add_malformed();
    let (_mock, _server, env) = started(desk).await;
    let v = env.json(&["sync", "--json"]);
    assert_eq!(v["sync"]["new"], 2, "{v}");
    assert_eq!(v["sync"]["skipped"], 1, "{v}");
    let warnings = v["sync"]["warnings"].to_string();
    assert!(warnings.contains(&bad), "no warning names {bad}: {v}");
    assert_eq!(env.ids(), good);
}

/// A refused token: the sync fails saying so, writes nothing; login says
/// what is wrong.
pub async fn a_401_fails_and_writes_nothing(desk: Arc<dyn StandIn>) {
    desk.add_conversations(2);
    let (_mock, server, env) = started(desk.clone()).await;
    server.trouble(Trouble::Status(401), usize::MAX, false);
    let out = env.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("401"), "{}", text(&out));
    assert!(env.ids().is_empty(), "a refused sync wrote handoffs");
    let out = env.run(&["login", desk.name()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("401") && text(&out).to_lowercase().contains("token"),
        "{}",
        text(&out)
    );
}

/// Not there (a wrong address or account): the sync fails, writes nothing.
pub async fn a_404_fails_and_writes_nothing(desk: Arc<dyn StandIn>) {
    desk.add_conversations(2);
    let (_mock, server, env) = started(desk).await;
    server.trouble(Trouble::Status(404), usize::MAX, false);
    let out = env.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("404") || text(&out).contains("Not Found"),
        "{}",
        text(&out)
    );
    assert!(env.ids().is_empty(), "a failed sync wrote handoffs");
}

/// A 429 that says how long to wait: the next try waits at least that long.
pub async fn a_429_with_a_wait_is_waited_out(desk: Arc<dyn StandIn>) {
    let want = sorted(desk.add_conversations(2));
    let (_mock, server, env) = started(desk).await;
    let wait = Duration::from_secs(1);
    server.trouble(Trouble::RateLimited(Some(wait)), 1, false);
    let v = env.json(&["sync", "--json"]);
    assert_eq!(v["sync"]["new"], 2, "{v}");
    assert_eq!(env.ids(), want);
    let seen = server.seen();
    let limited = seen.iter().position(|s| s.status == 429);
    let limited = limited.unwrap_or_else(|| panic!("no 429 was answered: {seen:?}"));
    let next = seen.get(limited + 1).unwrap_or_else(|| panic!("no retry"));
    // A lower bound only: waiting longer is allowed, sooner is not.
    assert!(
        next.at.duration_since(seen[limited].at) >= wait - Duration::from_millis(50),
        "retried after {:?}",
        next.at.duration_since(seen[limited].at)
    );
}

/// A 429 with no hint: backed off on our own, then it works.
pub async fn a_429_without_a_wait_is_backed_off(desk: Arc<dyn StandIn>) {
    let want = sorted(desk.add_conversations(2));
    let (_mock, server, env) = started(desk).await;
    server.trouble(Trouble::RateLimited(None), 2, false);
    let v = env.json(&["sync", "--json"]);
    assert_eq!(v["sync"]["new"], 2, "{v}");
    assert_eq!(env.ids(), want);
}

/// A passing 5xx is retried; one that stays fails the sync cleanly.
pub async fn a_5xx_is_retried_then_reported(desk: Arc<dyn StandIn>) {
    let want = sorted(desk.add_conversations(2));
    let (_mock, server, env) = started(desk).await;
    server.trouble(Trouble::Status(503), 1, false);
    let v = env.json(&["sync", "--json"]);
    assert_eq!(v["sync"]["new"], 2, "{v}");
    assert_eq!(env.ids(), want);

    let fresh = Env::new(&*server.desk, &_mock.uri());
    server.trouble(Trouble::Status(500), usize::MAX, false);
    let out = fresh.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("500"), "{}", text(&out));
    server.heal();
    assert!(fresh.ids().is_empty(), "a failed sync wrote handoffs");
}

/// No answer within the timeout: the sync fails cleanly, writes nothing.
pub async fn a_timeout_fails_cleanly(desk: Arc<dyn StandIn>) {
    desk.add_conversations(2);
    let (_mock, server, env) = started(desk).await;
    server.trouble(Trouble::Slow(Duration::from_secs(3)), usize::MAX, false);
    let out = env.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "{}",
        text(&out)
    );
    server.heal();
    assert!(env.ids().is_empty(), "a failed sync wrote handoffs");
}

/// A verdict refused with a 429 waits at least as long as asked, then goes
/// out once.
pub async fn a_rate_limited_verdict_waits_then_goes_out_once(desk: Arc<dyn StandIn>) {
    let ids = desk.add_conversations(1);
    let id = ids[0].clone();
    let (_mock, server, env) = started(desk.clone()).await;
    assert!(env.run(&["sync"]).status.success());
    let out = env.run(&["tag", &id, "bad", "--reason", "wrong_data"]);
    assert!(out.status.success(), "{}", text(&out));
    let wait = Duration::from_secs(30);
    server.trouble(Trouble::RateLimited(Some(wait)), usize::MAX, true);
    let asked = Utc::now();
    let out = env.run(&["outbox", "--retry"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = env.unsent();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let next: DateTime<Utc> = serde_json::from_value(rows[0]["next_attempt_at"].clone())
        .unwrap_or_else(|e| panic!("{e}: {rows:?}"));
    assert!(
        next >= asked + chrono::Duration::seconds(29),
        "retry at {next}, asked to wait 30 s from {asked}"
    );
    server.heal();
    let out = env.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(env.unsent().is_empty());
    assert_eq!(desk.notes(&id).len(), 1, "{:?}", desk.notes(&id));
    assert!(desk.tags(&id).iter().any(|t| t == "ai-bad-handoff"));
}

/// `kill -9` while a verdict's note is on the wire, someone tags the
/// conversation meanwhile, restart: every verdict's note arrives exactly
/// once, its tags are on, and the other tags stay.
pub async fn a_verdict_arrives_exactly_once_across_kill_9(desk: Arc<dyn StandIn>) {
    let ids = desk.add_conversations(2);
    let (_mock, _server, env) = started(desk.clone()).await;
    let out = env.run(&["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    for (id, reason) in ids.iter().zip(["wrong_data", "misrouted"]) {
        let out = env.run(&[
            "tag",
            id,
            "bad",
            "--reason",
            reason,
            "--note",
            "asked for the wrong order",
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }
    // The note's request lands but its answer never comes; kill -9.
    desk.delay_notes(Some(Duration::from_secs(30)));
    let mut child = env
        .command(&["outbox", "--retry"])
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    while desk.notes_posted() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no note was sent"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    let _ = child.wait();
    assert_eq!(desk.notes_posted(), 1);
    desk.delay_notes(None);
    desk.add_tag(&ids[0], "vip-escalation");

    let out = env.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));
    for (id, reason) in ids.iter().zip(["ai-bad-wrong-data", "ai-bad-misrouted"]) {
        assert_eq!(desk.notes(id).len(), 1, "{id}: {:?}", desk.notes(id));
        let tags = desk.tags(id);
        for want in ["ai-bad-handoff", reason] {
            assert!(
                tags.iter().any(|t| t == want),
                "{id}: {want} missing: {tags:?}"
            );
        }
    }
    assert!(desk.tags(&ids[0]).iter().any(|t| t == "vip-escalation"));
    assert!(env.unsent().is_empty());
}

/// Our verdict's tags go on beside everyone else's, and withdrawing it
/// takes off ours alone.
pub async fn others_tags_are_kept_and_undo_removes_only_ours(desk: Arc<dyn StandIn>) {
    let ids = desk.add_conversations(1);
    let id = ids[0].clone();
    let (_mock, _server, env) = started(desk.clone()).await;
    assert!(env.run(&["sync"]).status.success());
    desk.add_tag(&id, "vip-escalation");
    let before = sorted(desk.tags(&id));
    let out = env.run(&["tag", &id, "bad", "--reason", "misrouted"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = env.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));
    let tags = desk.tags(&id);
    for want in ["ai-bad-handoff", "ai-bad-misrouted", "vip-escalation"] {
        assert!(tags.iter().any(|t| t == want), "{want} missing: {tags:?}");
    }
    let out = env.run(&["tag", &id, "clear"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = env.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sorted(desk.tags(&id)), before);
}

/// The token goes to the helpdesk and nowhere else: not the output, the
/// store or the log, whatever happens.
pub async fn the_token_is_sent_and_never_stored(desk: Arc<dyn StandIn>) {
    let ids = desk.add_conversations(1);
    let (mock, server, env) = started(desk.clone()).await;
    let mut outputs = vec![env.run(&["login", desk.name()])];
    assert!(outputs[0].status.success(), "{}", text(&outputs[0]));
    outputs.push(env.run(&["sync"]));
    outputs.push(env.run(&["tag", &ids[0], "good"]));
    outputs.push(env.run(&["outbox", "--retry"]));
    server.trouble(Trouble::Status(401), usize::MAX, false);
    outputs.push(env.run(&["sync"]));
    outputs.push(env.run(&["login", desk.name()]));
    server.trouble(Trouble::Status(500), usize::MAX, false);
    outputs.push(env.run(&["sync", "--full"]));
    server.heal();
    for args in [&["--help"][..], &["login", "--help"], &["sync", "--help"]] {
        outputs.push(env.run(args));
    }
    drop(mock);
    outputs.push(env.run(&["sync"]));
    for out in &outputs {
        assert!(!text(out).contains(SENTINEL), "leaked: {}", text(out));
    }
    for file in ["handoff.db", "handoff.db-wal", "handoff.log"] {
        assert_no_sentinel_in_file(&env.data().join(file));
    }
    assert!(env.data().join("handoff.log").exists());
    // The stand-in answers 401 to a request without the token: the sync
    // above worked, so it was sent.
    let statuses: HashMap<u16, usize> = server.seen().iter().fold(HashMap::new(), |mut m, s| {
        *m.entry(s.status).or_default() += 1;
        m
    });
    assert!(statuses.get(&200).copied().unwrap_or(0) > 0, "{statuses:?}");
}
