//! The real `handoff` binary delivering to a real HTTP server on loopback
//! (wiremock): `outbox --retry`, a kill -9 in the middle of a request, and
//! the full screen's background worker.

mod common;

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Sandbox};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

struct Receiver {
    rt: tokio::runtime::Runtime,
    server: MockServer,
}

impl Receiver {
    fn start() -> Receiver {
        let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("runtime: {e}"));
        let server = rt.block_on(MockServer::start());
        Receiver { rt, server }
    }

    /// `first` answers the first request only; every later one gets a 200.
    fn answer_first_with(&self, first: ResponseTemplate) {
        self.rt.block_on(async {
            Mock::given(method("POST"))
                .respond_with(first)
                .up_to_n_times(1)
                .with_priority(1)
                .mount(&self.server)
                .await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(200))
                .mount(&self.server)
                .await;
        });
    }

    fn requests(&self) -> Vec<Request> {
        self.rt
            .block_on(self.server.received_requests())
            .unwrap_or_default()
    }

    fn wait_for_requests(&self, n: usize) -> Vec<Request> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let got = self.requests();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} requests arrived",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What a receiver that honours Idempotency-Key keeps: the first event
    /// per key, in arrival order.
    fn deduped(&self) -> Vec<(String, Value)> {
        let mut seen = HashSet::new();
        self.requests()
            .iter()
            .filter_map(|r| {
                let key = r.headers.get("idempotency-key")?.to_str().ok()?.to_string();
                let body = serde_json::from_slice(&r.body).ok()?;
                seen.insert(key.clone()).then_some((key, body))
            })
            .collect()
    }
}

fn sandbox(receiver: &Receiver, timeout_secs: u32) -> Sandbox {
    let sb = Sandbox::new();
    let config = format!(
        "[webhook]\nurl = \"{}/hook\"\ntimeout_secs = {timeout_secs}\nhold_secs = 0\nbackoff_secs = 0.2\n",
        receiver.server.uri()
    );
    std::fs::write(sb.config(), config).unwrap_or_else(|e| panic!("config: {e}"));
    sb
}

fn unsent(sb: &Sandbox) -> Vec<Value> {
    let out = sb.stdout(&["outbox", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    v["unsent"].as_array().cloned().unwrap_or_default()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn kill_9_mid_delivery_loses_nothing_and_doubles_nothing() {
    let receiver = Receiver::start();
    // The first request hangs long enough to be killed in the middle of it.
    receiver.answer_first_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)));
    let sb = sandbox(&receiver, 20);
    sb.stdout(&["tag", "HO-1040", "bad", "--reason", "wrong_data"]);
    sb.stdout(&["tag", "HO-1025", "good"]);
    sb.stdout(&[
        "tag",
        "HO-1042",
        "bad",
        "--note",
        "summary says refund, customer wants a letter",
    ]);
    let before: Vec<String> = unsent(&sb)
        .iter()
        .filter_map(|r| r["idempotency_key"].as_str().map(str::to_string))
        .collect();
    assert_eq!(before.len(), 3);

    let mut cmd = Command::new(BIN);
    cmd.args(["outbox", "--retry"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in sb.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    receiver.wait_for_requests(1);
    child.kill().unwrap_or_else(|e| panic!("kill -9: {e}"));
    let _ = child.wait();

    // Nothing lost: the event in flight is still unsent, with its attempt counted.
    let after_kill = unsent(&sb);
    assert_eq!(after_kill.len(), 3, "{after_kill:?}");
    assert_eq!(after_kill[0]["attempts"], 1);
    assert_eq!(after_kill[0]["state"], "pending");

    let out = sb.run(&["outbox", "--retry"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("3 delivered"), "{}", text(&out));
    assert!(unsent(&sb).is_empty());

    // The interrupted event went twice, under one key; deduplicated by key
    // the receiver has every event exactly once, in order.
    let raw = receiver.requests();
    assert_eq!(raw.len(), 4);
    let events = receiver.deduped();
    let keys: Vec<String> = events.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(keys, before);
    let handoffs: Vec<&str> = events
        .iter()
        .filter_map(|(_, b)| b["handoff_id"].as_str())
        .collect();
    assert_eq!(handoffs, ["HO-1040", "HO-1025", "HO-1042"]);
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for r in &raw {
        let k = r
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        *per_key.entry(k.to_string()).or_default() += 1;
    }
    assert_eq!(per_key.get(&before[0]), Some(&2));
}

#[test]
fn outbox_retry_brings_back_a_refused_event() {
    let receiver = Receiver::start();
    receiver.answer_first_with(ResponseTemplate::new(400).set_body_string("unknown handoff"));
    let sb = sandbox(&receiver, 5);
    sb.stdout(&["tag", "HO-1040", "good"]);

    let first = sb.run(&["outbox", "--retry"]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    assert!(
        text(&first).contains("refused: HTTP 400 Bad Request: unknown handoff"),
        "{}",
        text(&first)
    );
    let listed = sb.stdout(&["outbox"]);
    assert!(
        listed.contains("HO-1040") && listed.contains("failed"),
        "{listed}"
    );
    assert_eq!(unsent(&sb)[0]["state"], "failed");

    let second = sb.run(&["outbox", "--retry"]);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("1 failed event(s) put back"),
        "{}",
        text(&second)
    );
    assert!(
        text(&second).contains("delivered (200)"),
        "{}",
        text(&second)
    );
    assert!(unsent(&sb).is_empty());
    assert_eq!(receiver.requests().len(), 2);
    assert_eq!(receiver.deduped().len(), 1);
}

#[test]
fn the_workspace_delivers_in_the_background_and_shows_failures() {
    let receiver = Receiver::start();
    receiver.rt.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400))
            .mount(&receiver.server),
    );
    let sb = sandbox(&receiver, 5);
    let queue: Value =
        serde_json::from_str(&sb.stdout(&["queue", "--json"])).unwrap_or(Value::Null);
    let top = queue[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("empty queue"))
        .to_string();

    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for(&top);
    screen.send("g");
    let got = receiver.wait_for_requests(1);
    let body: Value = serde_json::from_slice(&got[0].body).unwrap_or(Value::Null);
    assert_eq!(body["handoff_id"], top.as_str());
    assert_eq!(body["verdict"], "good");
    screen.wait_for("⚠ 1 failed");
    screen.send("q");
    assert!(screen.wait_exit());
}
