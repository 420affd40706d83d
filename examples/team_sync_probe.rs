//! A lead's sync of a big team, measured: a stand-in helpdesk (wiremock,
//! the helpdesk's own JSON shapes and paging, every answer delayed like a
//! far-away server) holding a team's conversations, some held by
//! teammates, some resolved, ~40 % carrying teammates' verdict labels and
//! our notes. The real refresh `handoff sync` runs (`backend::sync::refresh`)
//! pulls them into a temporary store: a full sync, then ~50 conversations
//! change and an incremental refresh follows. Requests are counted by
//! endpoint, both runs timed, and the store's figures checked against what
//! the stand-in holds.
//!
//! ```text
//! cargo run --release --example team_sync_probe -- chatwoot [N] [LATENCY_MS]
//! cargo run --release --example team_sync_probe -- intercom [N] [LATENCY_MS]
//! ```
//!
//! N defaults to 5000 conversations, LATENCY_MS to 20. Figures and method:
//! docs/performance.md, "Syncing a team".

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, TimeDelta, Utc};
use handoff::backend::{self, Secret, SyncReport};
use handoff::config::Config;
use handoff::domain::feedback::{Reason, Verdict};
use handoff::domain::metrics::Window;
use handoff::domain::metrics::quality::quality;
use handoff::domain::verdict_marks::{self, BAD_TAG, GOOD_TAG};
use handoff::store::Store;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Teammates who leave verdicts (I am user 7, Maya Chen).
const TEAMMATES: [(i64, &str); 4] = [
    (8, "Aiko Tanaka"),
    (9, "Ben Ode"),
    (10, "Chidi Okafor"),
    (11, "Dana Ruiz"),
];
/// Conversations changed between the full sync and the incremental one.
const CHANGED: usize = 50;

/// Who holds conversation `i` of a team and its status: 8 % me, 5 % the
/// team's unassigned, 3 % still with the bot, 34 % open with teammates,
/// half resolved (a tenth of those by me).
#[derive(Clone, Copy, PartialEq)]
enum Holder {
    Me,
    Unassigned,
    Bot,
    Teammate,
}

fn holder(i: usize) -> (Holder, bool) {
    match i % 100 {
        0..8 => (Holder::Me, true),
        8..13 => (Holder::Unassigned, true),
        13..16 => (Holder::Bot, true),
        16..50 => (Holder::Teammate, true),
        50..55 => (Holder::Me, false),
        _ => (Holder::Teammate, false),
    }
}

/// The verdict teammates left on conversation `i`: 40 % have one; of
/// those 60 % bad with a reason and a note, 20 % good with a note, 20 %
/// only the bad label someone set by hand.
enum Left {
    None,
    /// Verdict, reason, which teammate.
    Noted(Verdict, Option<Reason>, usize),
    LabelOnly,
}

fn left(i: usize) -> Left {
    if i % 5 >= 2 {
        return Left::None;
    }
    let author = (i / 5) % 4;
    match (i / 5) % 10 {
        0..6 => Left::Noted(
            Verdict::Bad,
            Some(Reason::ALL[(i / 7) % Reason::ALL.len()]),
            author,
        ),
        6..8 => Left::Noted(Verdict::Good, None, author),
        _ => Left::LabelOnly,
    }
}

/// The tags a verdict puts on a conversation.
fn tags_for(verdict: Verdict, reason: Option<Reason>) -> Vec<String> {
    let reasons: Vec<String> = reason.iter().map(|r| r.as_str().to_string()).collect();
    verdict_marks::tags_for(Some(verdict.as_str()), &reasons)
}

/// Which of `n` conversations change before the incremental refresh:
/// `count` spread evenly.
fn changed(n: usize, count: usize) -> Vec<usize> {
    (0..count.min(n))
        .map(|k| ((k * n) / count.max(1) + 7).min(n - 1))
        .collect()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = match args.get(1) {
        Some(a) => a.parse().context("N: a number of conversations")?,
        None => 5000,
    };
    let latency = Duration::from_millis(match args.get(2) {
        Some(a) => a.parse().context("LATENCY_MS: milliseconds")?,
        None => 20,
    });
    match args.first().map(String::as_str) {
        Some("chatwoot") | None => chatwoot::run(n, latency).await,
        Some("intercom") => intercom::run(n, latency).await,
        Some(other) => bail!("unknown helpdesk {other}; this probe knows: chatwoot, intercom"),
    }
}

/// Every request a stand-in answered: when it arrived, its endpoint, and
/// how long the stand-in took to make the answer (before the latency).
type Log = Arc<Mutex<Vec<(Instant, String, Duration)>>>;

fn logged(log: &Log) -> Vec<(Instant, String, Duration)> {
    log.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Requests by endpoint, in order of first appearance: how many, when the
/// first and the last arrived (seconds into the refresh), and the
/// stand-in's own time making their answers.
#[derive(Default)]
struct Tally(Vec<(String, usize, f64, f64, Duration)>);

impl Tally {
    fn add(&mut self, key: &str, at: f64, took: Duration) {
        match self.0.iter_mut().find(|(k, ..)| k == key) {
            Some((_, n, _, last, spent)) => {
                *n += 1;
                *last = at;
                *spent += took;
            }
            None => self.0.push((key.to_string(), 1, at, at, took)),
        }
    }
    fn total(&self) -> usize {
        self.0.iter().map(|(_, n, ..)| n).sum()
    }
    fn last(&self) -> f64 {
        self.0.iter().map(|t| t.3).fold(0.0, f64::max)
    }
}

/// One refresh as the probe saw it.
struct Run {
    label: &'static str,
    wall: Duration,
    tally: Tally,
    report: SyncReport,
}

impl Run {
    fn print(&self, latency: Duration) {
        let total = self.tally.total();
        let r = &self.report;
        println!(
            "{}: {:.2} s wall, {total} requests ({:.1} a second; \
             {:.1} in flight on average)",
            self.label,
            self.wall.as_secs_f64(),
            total as f64 / self.wall.as_secs_f64(),
            total as f64 * latency.as_secs_f64() / self.wall.as_secs_f64(),
        );
        for (endpoint, count, first, last, spent) in &self.tally.0 {
            println!(
                "  {count:>6}  {endpoint}  [{first:.2}–{last:.2} s; stand-in {:.2} s]",
                spent.as_secs_f64()
            );
        }
        println!(
            "  after the last answer (decoding, mapping, the store's transaction): {:.2} s",
            self.wall.as_secs_f64() - self.tally.last() - latency.as_secs_f64()
        );
        println!(
            "  sync: {} new, {} updated, {} unchanged, {} held, {} skipped, {} for the figures, \
             {} warnings",
            r.new,
            r.updated,
            r.unchanged,
            r.held,
            r.skipped,
            r.for_figures,
            r.warnings.len()
        );
        for w in r.warnings.iter().take(5) {
            println!("    warning: {w}");
        }
    }
}

/// The verdicts in force in `store` on handoffs escalated in the last 60
/// days, how many there are in all, and how many read back from a label
/// alone (author "unknown").
fn figures(store: &Store, now: DateTime<Utc>) -> anyhow::Result<(u64, u64, usize)> {
    let window = Window::ending(now, TimeDelta::days(60));
    let inputs = store.metric_inputs(window.from)?;
    let q = quality(&inputs, window, now);
    let unknown = store
        .feedback_export(None)?
        .iter()
        .filter(|f| f.agent == verdict_marks::UNKNOWN_AGENT)
        .count();
    Ok((
        q.verdict_coverage.numerator,
        q.verdict_coverage.denominator,
        unknown,
    ))
}

/// The helpdesk `config` sets up, connected, with a throwaway token.
fn connect(config_text: &str) -> anyhow::Result<(backend::Desk, Arc<dyn backend::Helpdesk>)> {
    let path = Path::new("probe-config.toml");
    let config = Config::parse(path, config_text)?;
    let desk = backend::open(&config, path)?.context("the config names no helpdesk")?;
    let helpdesk = desk.settings.connect(&Secret::new("probe-token"))?;
    Ok((desk, helpdesk))
}

/// Run one refresh (`full` or incremental) against `server`, counting the
/// requests it made from the stand-in's `log`.
async fn measure(
    label: &'static str,
    server: &MockServer,
    log: &Log,
    desk: &backend::Desk,
    helpdesk: &dyn backend::Helpdesk,
    store: &mut Store,
    full: bool,
) -> anyhow::Result<Run> {
    let received = || async {
        server
            .received_requests()
            .await
            .map(|r| r.len())
            .context("wiremock records requests")
    };
    let before = received().await?;
    let logged_before = logged(log).len();
    let started = Instant::now();
    let report = backend::sync::refresh(desk, helpdesk, store, full, Utc::now()).await?;
    let wall = started.elapsed();
    let mut tally = Tally::default();
    for (at, endpoint, took) in &logged(log)[logged_before..] {
        tally.add(endpoint, at.duration_since(started).as_secs_f64(), *took);
    }
    let count = received().await? - before;
    ensure!(
        count == tally.total(),
        "wiremock saw {count}, the log {}",
        tally.total()
    );
    Ok(Run {
        label,
        wall,
        tally,
        report,
    })
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A verdict note as `handoff` writes it (`verdict_marks::note_text` plus
/// its marker), by `agent`.
fn verdict_note(agent: &str, verdict: Verdict, reason: Option<Reason>, key: u64) -> String {
    let mut text = match verdict {
        Verdict::Bad => format!("Bad AI handoff, flagged by {agent} in handoff."),
        Verdict::Good => {
            format!("Good AI handoff (rightly escalated), marked by {agent} in handoff.")
        }
    };
    if let Some(r) = reason {
        text.push_str(&format!("\nReasons: {}", r.label()));
        text.push_str("\nNote: seen on the weekly review");
    }
    text.push_str(&format!(
        "\n\n{}",
        verdict_marks::marker(&format!("{key:012x}"))
    ));
    text
}

mod chatwoot {
    //! The stand-in Chatwoot: tests/fixtures/chatwoot's shapes, 25
    //! conversations a page (unpaginated with `updated_within`), the
    //! newest 20 messages a page and older ones with `before=`.

    use super::*;

    const ACCOUNT: &str = "/api/v1/accounts/1";
    const PAGE: usize = 25;
    const MESSAGE_PAGE: usize = 20;
    const ME: (i64, &str) = (7, "Maya Chen");
    const BILLING: i64 = 3;

    const CONVERSATION: &str = include_str!("../tests/fixtures/chatwoot/conversation.json");
    const MESSAGES: &str = include_str!("../tests/fixtures/chatwoot/messages.json");
    const PROFILE: &str = include_str!("../tests/fixtures/chatwoot/profile.json");
    const TEAMS: &str = include_str!("../tests/fixtures/chatwoot/teams.json");

    struct Conv {
        value: Value,
        /// Oldest first, ids rising.
        messages: Vec<Value>,
        /// What a list query looks at, read out of `value` once (so the
        /// stand-in's own time stays small beside the latency).
        key: Key,
    }

    struct Key {
        assignee: Option<i64>,
        status: String,
        team: Option<i64>,
        active: f64,
    }

    impl Key {
        fn of(c: &Value) -> Key {
            Key {
                assignee: c["meta"]["assignee"]["id"].as_i64(),
                status: c["status"].as_str().unwrap_or_default().to_string(),
                team: c["meta"]["team"]["id"].as_i64(),
                active: c["last_activity_at"].as_f64().unwrap_or(0.0),
            }
        }
    }

    struct Desk {
        conversations: BTreeMap<i64, Conv>,
        /// The messages answer's `meta` (the contact).
        meta: Value,
        next_message: i64,
    }

    #[derive(Clone)]
    struct Stand {
        desk: Arc<Mutex<Desk>>,
        latency: Duration,
        log: Log,
    }

    impl Stand {
        fn with<T>(&self, f: impl FnOnce(&mut Desk) -> T) -> T {
            let mut d = self.desk.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut d)
        }
    }

    fn ok(v: Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(v)
    }

    /// A conversation list query, as Chatwoot's conversation_finder
    /// filters: assignee type (me is user 7), status (`all`: any), team,
    /// and `updated_within` (seconds).
    struct Listing {
        assignee: Option<String>,
        status: String,
        team: Option<i64>,
        since: Option<f64>,
    }

    impl Listing {
        fn of(req: &Request, now: f64) -> Listing {
            Listing {
                assignee: query(req, "assignee_type"),
                status: query(req, "status").unwrap_or_else(|| "open".into()),
                team: query(req, "team_id").and_then(|t| t.parse().ok()),
                since: query(req, "updated_within")
                    .and_then(|w| w.parse::<f64>().ok())
                    .map(|w| now - w),
            }
        }

        fn lists(&self, c: &Key) -> bool {
            let by_assignee = match self.assignee.as_deref() {
                Some("me") => c.assignee == Some(ME.0),
                Some("unassigned") => c.assignee.is_none(),
                _ => true,
            };
            let by_status = self.status == "all" || c.status == self.status;
            let by_team = self.team.is_none_or(|t| c.team == Some(t));
            let by_time = self.since.is_none_or(|t| c.active >= t);
            by_assignee && by_status && by_team && by_time
        }
    }

    impl Respond for Stand {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            let arrived = Instant::now();
            let path = req.url.path();
            let now = Utc::now().timestamp() as f64;
            let conversation: Option<i64> = path
                .strip_prefix(&format!("{ACCOUNT}/conversations/"))
                .and_then(|rest| rest.split('/').next())
                .and_then(|id| id.parse().ok());
            let answer = if path == "/api/v1/profile" {
                ok(serde_json::from_str(PROFILE).unwrap_or_default())
            } else if path == format!("{ACCOUNT}/teams") {
                ok(serde_json::from_str(TEAMS).unwrap_or_default())
            } else if path == format!("{ACCOUNT}/conversations") {
                let page: usize = query(req, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
                let paged = query(req, "updated_within").is_none();
                let listing = Listing::of(req, now);
                let items: Vec<Value> = self.with(|d| {
                    // Chatwoot's default order: latest activity first (the
                    // key read once per conversation: the stand-in's own
                    // time stays out of the figures).
                    let mut all: Vec<(f64, &Value)> = d
                        .conversations
                        .values()
                        .filter(|c| listing.lists(&c.key))
                        .map(|c| (c.key.active, &c.value))
                        .collect();
                    all.sort_by(|a, b| b.0.total_cmp(&a.0));
                    let skip = if paged { (page.max(1) - 1) * PAGE } else { 0 };
                    let take = if paged { PAGE } else { usize::MAX };
                    all.iter()
                        .skip(skip)
                        .take(take)
                        .map(|c| c.1.clone())
                        .collect()
                });
                ok(json!({ "data": { "meta": {}, "payload": items } }))
            } else if let (Some(id), true) = (conversation, path.ends_with("/messages")) {
                let before: Option<i64> = query(req, "before").and_then(|b| b.parse().ok());
                self.with(|d| {
                    let Some(c) = d.conversations.get(&id) else {
                        return ResponseTemplate::new(404)
                            .set_body_json(json!({ "error": "Resource could not be found" }));
                    };
                    let older: Vec<&Value> = c
                        .messages
                        .iter()
                        .filter(|m| before.is_none_or(|b| m["id"].as_i64().unwrap_or(0) < b))
                        .collect();
                    let page: Vec<Value> = older[older.len().saturating_sub(MESSAGE_PAGE)..]
                        .iter()
                        .map(|m| (*m).clone())
                        .collect();
                    ok(json!({ "meta": d.meta, "payload": page }))
                })
            } else {
                ResponseTemplate::new(404)
                    .set_body_json(json!({ "error": "Resource could not be found" }))
            };
            self.log.lock().unwrap_or_else(|e| e.into_inner()).push((
                arrived,
                endpoint(req),
                arrived.elapsed(),
            ));
            answer.set_delay(self.latency)
        }
    }

    fn endpoint(req: &Request) -> String {
        let path = req.url.path();
        if path.ends_with("/messages") {
            return if query(req, "before").is_some() {
                "GET conversations/{id}/messages?before= (older pages)".into()
            } else {
                "GET conversations/{id}/messages (newest page)".into()
            };
        }
        if path.ends_with("/conversations") {
            if query(req, "updated_within").is_some() {
                return "GET conversations?updated_within= (changes, unpaginated)".into();
            }
            let which = match (
                query(req, "assignee_type").as_deref(),
                query(req, "status").as_deref(),
            ) {
                (Some("me"), _) => "mine, open",
                (Some("unassigned"), _) => "team unassigned, open",
                (_, Some("pending")) => "bot-held (pending)",
                _ => "team history, all statuses",
            };
            return format!("GET conversations?page= ({which})");
        }
        if path.ends_with("/profile") {
            return "GET profile".into();
        }
        if path.ends_with("/teams") {
            return "GET teams".into();
        }
        format!("{} {path}", req.method)
    }

    fn assignee(i: usize) -> (Option<(i64, &'static str)>, &'static str) {
        let (who, open) = holder(i);
        let status = match (who, open) {
            (_, false) => "resolved",
            (Holder::Bot, true) => "pending",
            _ => "open",
        };
        let person = match who {
            Holder::Me => Some(ME),
            Holder::Teammate => Some(TEAMMATES[i % TEAMMATES.len()]),
            Holder::Unassigned | Holder::Bot => None,
        };
        (person, status)
    }

    fn build(n: usize, now: DateTime<Utc>) -> anyhow::Result<Desk> {
        let base: Value = serde_json::from_str(CONVERSATION)?;
        let messages: Value = serde_json::from_str(MESSAGES)?;
        let template: Vec<Value> = messages["payload"]
            .as_array()
            .context("messages.json has a payload")?
            .clone();
        let meta = messages["meta"].clone();
        // Spread over 50 days of the 56-day window, the newest an hour ago
        // (so none looks changed to the incremental refresh).
        let step = (50 * 86_400) as f64 / n.max(1) as f64;
        let mut conversations = BTreeMap::new();
        let mut next_message = 1_000_000;
        for i in 0..n {
            let id = 10_001 + i as i64;
            let active = (now.timestamp() - 3600) as f64 - step * i as f64;
            let mut c = base.clone();
            c["id"] = json!(id);
            c["created_at"] = json!(active - 900.0);
            c["waiting_since"] = json!(active - 600.0);
            c["timestamp"] = json!(active);
            c["updated_at"] = json!(active);
            c["last_activity_at"] = json!(active);
            c["meta"]["sender"]["name"] = json!(format!("Customer {i}"));
            c["meta"]["team"]["id"] = json!(BILLING);
            let (assignee, status) = assignee(i);
            c["status"] = json!(status);
            match assignee {
                Some((uid, name)) => {
                    c["meta"]["assignee"]["id"] = json!(uid);
                    c["meta"]["assignee"]["name"] = json!(name);
                    c["meta"]["assignee"]["available_name"] = json!(name);
                }
                None => {
                    c["meta"]["assignee"] = Value::Null;
                    if status == "pending" {
                        c["meta"]["assignee_type"] = Value::Null;
                    }
                }
            }
            let mut labels = vec!["ai-escalated".to_string(), "billing".to_string()];
            // The fixture's transcript, then (one in ten) a long exchange that
            // takes a second page, then a teammate's verdict note.
            let mut msgs: Vec<Value> = Vec::new();
            let mut push = |mut m: Value, at: f64| {
                next_message += 1;
                m["id"] = json!(next_message);
                m["conversation_id"] = json!(id);
                m["created_at"] = json!(at as i64);
                msgs.push(m);
            };
            for (k, m) in template.iter().enumerate() {
                push(m.clone(), active - 600.0 + k as f64);
            }
            if i % 10 == 3 {
                for k in 0..20 {
                    let mut m = template[k % 2].clone();
                    m["content"] = json!(format!("follow-up {k}"));
                    push(m, active - 500.0 + k as f64);
                }
            }
            match left(i) {
                Left::None => {}
                Left::LabelOnly => labels.push(BAD_TAG.to_string()),
                Left::Noted(verdict, reason, who) => {
                    labels.extend(tags_for(verdict, reason));
                    let (uid, author) = TEAMMATES[who % TEAMMATES.len()];
                    push(
                        note(
                            uid,
                            author,
                            &verdict_note(author, verdict, reason, id as u64),
                        ),
                        active - 60.0,
                    );
                }
            }
            c["labels"] = json!(labels);
            conversations.insert(
                id,
                Conv {
                    key: Key::of(&c),
                    value: c,
                    messages: msgs,
                },
            );
        }
        Ok(Desk {
            conversations,
            meta,
            next_message,
        })
    }

    /// A private note by user `uid` (`name`).
    fn note(uid: i64, name: &str, text: &str) -> Value {
        json!({
            "id": 0, "content": text, "inbox_id": 2, "conversation_id": 0,
            "message_type": 1, "content_type": "text", "status": "sent",
            "content_attributes": {}, "echo_id": null, "created_at": 0, "private": true,
            "source_id": null, "sender": { "id": uid, "name": name, "type": "user" },
            "attachments": []
        })
    }

    impl Desk {
        /// Verdicts the helpdesk holds (a verdict label on the
        /// conversation), and of those, label-only ones (no note of ours).
        fn verdicts(&self) -> (u64, usize) {
            let mut all = 0;
            let mut bare = 0;
            for c in self.conversations.values() {
                let labels: Vec<String> = c.value["labels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|l| l.as_str().map(String::from))
                    .collect();
                if verdict_marks::from_tags(&labels).is_none() {
                    continue;
                }
                all += 1;
                let noted = c.messages.iter().any(|m| {
                    m["private"] == json!(true)
                        && m["content"].as_str().is_some_and(verdict_marks::has_marker)
                });
                if !noted {
                    bare += 1;
                }
            }
            (all, bare)
        }

        /// ~50 conversations change in the helpdesk: a third get or lose a
        /// verdict, a third a customer message, a third are resolved or
        /// reopened. Each moves its times, as Chatwoot's do.
        fn change(&mut self, count: usize) {
            let n = self.conversations.len();
            let ids: Vec<i64> = changed(n, count)
                .into_iter()
                .map(|i| 10_001 + i as i64)
                .collect();
            let now = Utc::now().timestamp_micros() as f64 / 1e6;
            for (k, id) in ids.into_iter().enumerate() {
                self.next_message += 1;
                let next = self.next_message;
                let Some(c) = self.conversations.get_mut(&id) else {
                    continue;
                };
                match k % 3 {
                    0 => {
                        let labels: Vec<String> = c.value["labels"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|l| l.as_str().map(String::from))
                            .collect();
                        if verdict_marks::from_tags(&labels).is_some() {
                            let kept: Vec<&String> = labels
                                .iter()
                                .filter(|l| !verdict_marks::is_ours(l))
                                .collect();
                            c.value["labels"] = json!(kept);
                        } else {
                            let (uid, author) = TEAMMATES[k % TEAMMATES.len()];
                            let mut labels = labels;
                            labels.push(GOOD_TAG.to_string());
                            c.value["labels"] = json!(labels);
                            let mut m = note(
                                uid,
                                author,
                                &verdict_note(author, Verdict::Good, None, next as u64),
                            );
                            m["id"] = json!(next);
                            m["conversation_id"] = json!(id);
                            m["created_at"] = json!(now as i64);
                            c.messages.push(m);
                        }
                    }
                    1 => {
                        let mut m = c.messages[0].clone();
                        m["id"] = json!(next);
                        m["content"] = json!("Any news on this?");
                        m["created_at"] = json!(now as i64);
                        c.messages.push(m);
                    }
                    _ => {
                        let resolved = c.value["status"] == json!("resolved");
                        c.value["status"] = json!(if resolved { "open" } else { "resolved" });
                    }
                }
                c.value["updated_at"] = json!(now);
                c.value["last_activity_at"] = json!(now);
                c.key = Key::of(&c.value);
            }
        }
    }

    pub async fn run(n: usize, latency: Duration) -> anyhow::Result<()> {
        let built = Instant::now();
        let desk = build(n, Utc::now())?;
        let stand = Stand {
            desk: Arc::new(Mutex::new(desk)),
            latency,
            log: Log::default(),
        };
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(stand.clone())
            .mount(&server)
            .await;
        println!(
            "stand-in Chatwoot: {n} conversations of team billing, {} ms per answer \
             (built in {:.1} s)",
            latency.as_millis(),
            built.elapsed().as_secs_f64()
        );
        let config = format!(
            "[backend]\nkind = \"chatwoot\"\n[chatwoot]\nbase_url = \"{}\"\naccount_id = 1\n\
             timeout_secs = 30\nbackoff_secs = 0.05\nmax_backoff_secs = 0.2\n",
            server.uri()
        );
        let (desk, helpdesk) = connect(&config)?;
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("handoff.db"))?;

        let full = measure(
            "full sync",
            &server,
            &stand.log,
            &desk,
            &*helpdesk,
            &mut store,
            true,
        )
        .await?;
        full.print(latency);
        let (want, bare) = stand.with(|d| d.verdicts());
        let (verdicts, handoffs, unknown) = figures(&store, Utc::now())?;
        println!(
            "  figures: {handoffs} handoffs, verdicts in force on {verdicts} \
             (the stand-in holds {want}; {unknown} by \"unknown\", label only: {bare})"
        );
        ensure!(
            handoffs == n as u64,
            "{handoffs} handoffs in the figures, not {n}"
        );
        ensure!(
            verdicts == want,
            "{verdicts} verdicts in force, the helpdesk has {want}"
        );
        ensure!(
            unknown == bare,
            "{unknown} verdicts by unknown, {bare} label-only"
        );
        ensure!(
            full.report.new == n,
            "full sync wrote {} new",
            full.report.new
        );

        stand.with(|d| d.change(CHANGED));
        let inc = measure(
            "incremental refresh",
            &server,
            &stand.log,
            &desk,
            &*helpdesk,
            &mut store,
            false,
        )
        .await?;
        inc.print(latency);
        let (want, bare) = stand.with(|d| d.verdicts());
        let (verdicts, handoffs, unknown) = figures(&store, Utc::now())?;
        println!(
            "  figures: {handoffs} handoffs, verdicts in force on {verdicts} \
             (the stand-in holds {want}; {unknown} by \"unknown\", label only: {bare})"
        );
        ensure!(
            inc.report.incremental,
            "the second refresh was not incremental"
        );
        ensure!(
            inc.report.updated == CHANGED.min(n),
            "incremental updated {}, {CHANGED} changed",
            inc.report.updated
        );
        ensure!(
            verdicts == want,
            "{verdicts} verdicts in force, the helpdesk has {want}"
        );
        ensure!(
            unknown == bare,
            "{unknown} verdicts by unknown, {bare} label-only"
        );
        println!("checks: ok");
        Ok(())
    }
}

mod intercom {
    //! The stand-in Intercom: tests/fixtures/intercom's shapes, the search
    //! evaluated (AND, `=`, `IN`, `>`), cursor pages of up to 150
    //! (`starting_after`), and a conversation with its parts per `GET`.

    use super::*;
    use handoff::backend::intercom::html;

    const ME: i64 = 991_267_459;
    const BILLING: &str = "5017691";
    const PAGE: usize = 150;

    const CONVERSATION: &str = include_str!("../tests/fixtures/intercom/conversation.json");
    const ME_JSON: &str = include_str!("../tests/fixtures/intercom/me.json");
    const TEAMS: &str = include_str!("../tests/fixtures/intercom/teams.json");
    const ADMINS: &str = include_str!("../tests/fixtures/intercom/admins.json");

    /// A teammate's admin id.
    fn admin(who: usize) -> i64 {
        ME + 1 + (who % TEAMMATES.len()) as i64
    }

    struct Desk {
        /// Id → the conversation with its parts, oldest first.
        conversations: BTreeMap<u64, Value>,
        next_part: u64,
    }

    #[derive(Clone)]
    struct Stand {
        desk: Arc<Mutex<Desk>>,
        latency: Duration,
        log: Log,
    }

    impl Stand {
        fn with<T>(&self, f: impl FnOnce(&mut Desk) -> T) -> T {
            let mut d = self.desk.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut d)
        }
    }

    fn ok(v: Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(v)
    }

    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
                *x == y.to_string()
            }
            _ => a == b,
        }
    }

    /// Whether conversation `c` matches search `query`.
    fn matches(query: &Value, c: &Value) -> bool {
        if query["operator"] == json!("AND") {
            return query["value"]
                .as_array()
                .is_some_and(|l| l.iter().all(|q| matches(q, c)));
        }
        let have = &c[query["field"].as_str().unwrap_or_default()];
        let want = &query["value"];
        match query["operator"].as_str() {
            Some("=") => same(have, want),
            Some("IN") => want
                .as_array()
                .is_some_and(|l| l.iter().any(|w| same(have, w))),
            Some(">") => have.as_f64().zip(want.as_f64()).is_some_and(|(h, w)| h > w),
            _ => false,
        }
    }

    impl Respond for Stand {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            let arrived = Instant::now();
            let path = req.url.path();
            let answer = match (req.method.as_str(), path) {
                ("GET", "/me") => ok(serde_json::from_str(ME_JSON).unwrap_or_default()),
                ("GET", "/teams") => ok(serde_json::from_str(TEAMS).unwrap_or_default()),
                ("GET", "/admins") => ok(serde_json::from_str(ADMINS).unwrap_or_default()),
                ("POST", "/conversations/search") => {
                    let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
                    let per_page = body["pagination"]["per_page"]
                        .as_u64()
                        .map_or(20, |n| n.min(PAGE as u64) as usize);
                    let start: usize = body["pagination"]["starting_after"]
                        .as_str()
                        .and_then(|c| c.strip_prefix("after-"))
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    let (page, total) = self.with(|d| {
                        let found: Vec<&Value> = d
                            .conversations
                            .values()
                            .filter(|c| matches(&body["query"], c))
                            .collect();
                        let page: Vec<Value> = found
                            .iter()
                            .skip(start)
                            .take(per_page)
                            .map(|c| {
                                let mut item = (*c).clone();
                                if let Value::Object(o) = &mut item {
                                    o.remove("conversation_parts");
                                }
                                item
                            })
                            .collect();
                        (page, found.len())
                    });
                    let end = start + page.len();
                    let mut pages = json!({ "type": "pages", "per_page": per_page,
                        "page": start / per_page.max(1) + 1,
                        "total_pages": total.div_ceil(per_page.max(1)) });
                    if end < total {
                        pages["next"] = json!({ "per_page": per_page,
                            "starting_after": format!("after-{end}") });
                    }
                    ok(json!({ "type": "conversation.list", "pages": pages,
                        "total_count": total, "conversations": page }))
                }
                ("GET", p) => {
                    let id: Option<u64> = p
                        .strip_prefix("/conversations/")
                        .and_then(|id| id.parse().ok());
                    match id.and_then(|id| self.with(|d| d.conversations.get(&id).cloned())) {
                        Some(c) => ok(c),
                        None => ResponseTemplate::new(404),
                    }
                }
                _ => ResponseTemplate::new(404),
            };
            self.log.lock().unwrap_or_else(|e| e.into_inner()).push((
                arrived,
                endpoint(req),
                arrived.elapsed(),
            ));
            answer.set_delay(self.latency)
        }
    }

    fn endpoint(req: &Request) -> String {
        let path = req.url.path();
        if path == "/conversations/search" {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let text = body["query"].to_string();
            let which = if body["query"]["field"] == json!("updated_at") {
                "changes since the last sync"
            } else if text.contains("\"updated_at\"") {
                "team history"
            } else if text.contains("ai_agent_participated") {
                "Fin's"
            } else if text.contains("team_assignee_id") {
                "team unassigned"
            } else {
                "mine"
            };
            let page = if body["pagination"].get("starting_after").is_some() {
                "next pages"
            } else {
                "first page"
            };
            return format!("POST conversations/search ({which}, {page})");
        }
        if path.starts_with("/conversations/") {
            return "GET conversations/{id}".into();
        }
        format!("{} {path}", req.method)
    }

    /// A note part by teammate `who`, `text` as Intercom holds it (HTML).
    fn note(id: u64, who: usize, text: &str, at: i64) -> Value {
        json!({
            "type": "conversation_part", "id": id.to_string(), "part_type": "note",
            "body": html::from_text(text), "created_at": at, "updated_at": at,
            "notified_at": at, "assigned_to": null,
            "author": { "type": "admin", "id": admin(who).to_string(),
                "name": TEAMMATES[who % TEAMMATES.len()].1, "email": "teammate@example.com" },
            "attachments": [], "external_id": null, "redacted": false
        })
    }

    fn tag(name: &str) -> Value {
        json!({ "type": "tag", "id": format!("t-{name}"), "name": name,
            "applied_at": 1_763_800_400, "applied_by": { "type": "admin", "id": "991267460" } })
    }

    fn build(n: usize, now: DateTime<Utc>) -> anyhow::Result<Desk> {
        let base: Value = serde_json::from_str(CONVERSATION)?;
        let step = (50 * 86_400) as f64 / n.max(1) as f64;
        let mut conversations = BTreeMap::new();
        let mut next_part = 5_000_000;
        for i in 0..n {
            let id = 100_001 + i as u64;
            let active = now.timestamp() - 3600 - (step * i as f64) as i64;
            let mut c = base.clone();
            c["id"] = json!(id.to_string());
            c["created_at"] = json!(active - 900);
            c["waiting_since"] = json!(active - 600);
            c["updated_at"] = json!(active);
            c["team_assignee_id"] = json!(BILLING.parse::<i64>().unwrap_or_default());
            let (who, open) = holder(i);
            c["state"] = json!(if open { "open" } else { "closed" });
            c["open"] = json!(open);
            c["admin_assignee_id"] = json!(match who {
                Holder::Me => ME,
                Holder::Teammate => admin(i),
                Holder::Unassigned | Holder::Bot => 0,
            });
            if who == Holder::Unassigned {
                // Fin handed it over: no longer Fin's.
                c["ai_agent"]["resolution_state"] = json!("routed_to_team");
            }
            let mut tags = c["tags"]["tags"].as_array().cloned().unwrap_or_default();
            // Parts re-timed into the conversation's life.
            if let Some(parts) = c["conversation_parts"]["conversation_parts"].as_array_mut() {
                for (k, p) in parts.iter_mut().enumerate() {
                    next_part += 1;
                    p["id"] = json!(next_part.to_string());
                    p["created_at"] = json!(active - 600 + k as i64);
                }
            }
            match left(i) {
                Left::None => {}
                Left::LabelOnly => tags.push(tag(BAD_TAG)),
                Left::Noted(verdict, reason, who) => {
                    tags.extend(tags_for(verdict, reason).iter().map(|t| tag(t)));
                    next_part += 1;
                    let author = TEAMMATES[who % TEAMMATES.len()].1;
                    let text = verdict_note(author, verdict, reason, id);
                    let part = note(next_part, who, &text, active - 60);
                    if let Some(parts) =
                        c["conversation_parts"]["conversation_parts"].as_array_mut()
                    {
                        parts.push(part);
                    }
                }
            }
            c["tags"]["tags"] = json!(tags);
            let count = c["conversation_parts"]["conversation_parts"]
                .as_array()
                .map_or(0, Vec::len);
            c["conversation_parts"]["total_count"] = json!(count);
            conversations.insert(id, c);
        }
        Ok(Desk {
            conversations,
            next_part,
        })
    }

    fn tag_names(c: &Value) -> Vec<String> {
        c["tags"]["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str().map(String::from))
            .collect()
    }

    impl Desk {
        /// Verdicts the helpdesk holds, and of those, tag-only ones.
        fn verdicts(&self) -> (u64, usize) {
            let mut all = 0;
            let mut bare = 0;
            for c in self.conversations.values() {
                if verdict_marks::from_tags(&tag_names(c)).is_none() {
                    continue;
                }
                all += 1;
                let noted = c["conversation_parts"]["conversation_parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| {
                        p["part_type"] == json!("note")
                            && p["body"].as_str().is_some_and(verdict_marks::has_marker)
                    });
                if !noted {
                    bare += 1;
                }
            }
            (all, bare)
        }

        /// As Chatwoot's: a third get or lose a verdict, a third a customer
        /// message, a third are closed or reopened; `updated_at` moves.
        fn change(&mut self, count: usize) {
            let n = self.conversations.len();
            let now = Utc::now().timestamp();
            for (k, i) in changed(n, count).into_iter().enumerate() {
                self.next_part += 1;
                let part_id = self.next_part;
                let Some(c) = self.conversations.get_mut(&(100_001 + i as u64)) else {
                    continue;
                };
                match k % 3 {
                    0 => {
                        let names = tag_names(c);
                        if verdict_marks::from_tags(&names).is_some() {
                            if let Some(tags) = c["tags"]["tags"].as_array_mut() {
                                tags.retain(|t| {
                                    !t["name"].as_str().is_some_and(verdict_marks::is_ours)
                                });
                            }
                        } else {
                            let who = k % TEAMMATES.len();
                            let author = TEAMMATES[who].1;
                            let text = verdict_note(author, Verdict::Good, None, part_id);
                            if let Some(tags) = c["tags"]["tags"].as_array_mut() {
                                tags.push(tag(GOOD_TAG));
                            }
                            if let Some(parts) =
                                c["conversation_parts"]["conversation_parts"].as_array_mut()
                            {
                                parts.push(note(part_id, who, &text, now));
                            }
                        }
                    }
                    1 => {
                        if let Some(parts) =
                            c["conversation_parts"]["conversation_parts"].as_array_mut()
                            && let Some(first) = parts.first().cloned()
                        {
                            let mut m = first;
                            m["id"] = json!(part_id.to_string());
                            m["body"] = json!("<p>Any news on this?</p>");
                            m["created_at"] = json!(now);
                            parts.push(m);
                        }
                    }
                    _ => {
                        let open = c["state"] == json!("open");
                        c["state"] = json!(if open { "closed" } else { "open" });
                        c["open"] = json!(!open);
                    }
                }
                c["updated_at"] = json!(now);
            }
        }
    }

    pub async fn run(n: usize, latency: Duration) -> anyhow::Result<()> {
        let built = Instant::now();
        let stand = Stand {
            desk: Arc::new(Mutex::new(build(n, Utc::now())?)),
            latency,
            log: Log::default(),
        };
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(stand.clone())
            .mount(&server)
            .await;
        println!(
            "stand-in Intercom: {n} conversations of team Billing, {} ms per answer \
             (built in {:.1} s)",
            latency.as_millis(),
            built.elapsed().as_secs_f64()
        );
        let config = format!(
            "[backend]\nkind = \"intercom\"\n[intercom]\nbase_url = \"{}\"\n\
             timeout_secs = 30\nbackoff_secs = 0.05\nmax_backoff_secs = 0.2\n",
            server.uri()
        );
        let (desk, helpdesk) = connect(&config)?;
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("handoff.db"))?;
        let full = measure(
            "full sync",
            &server,
            &stand.log,
            &desk,
            &*helpdesk,
            &mut store,
            true,
        )
        .await?;
        full.print(latency);
        check(&stand, &store, n, &full)?;
        stand.with(|d| d.change(CHANGED));
        let inc = measure(
            "incremental refresh",
            &server,
            &stand.log,
            &desk,
            &*helpdesk,
            &mut store,
            false,
        )
        .await?;
        inc.print(latency);
        ensure!(
            inc.report.incremental,
            "the second refresh was not incremental"
        );
        ensure!(
            inc.report.updated == CHANGED.min(n),
            "incremental updated {}, {CHANGED} changed",
            inc.report.updated
        );
        check(&stand, &store, n, &inc)?;
        println!("checks: ok");
        Ok(())
    }

    fn check(stand: &Stand, store: &Store, n: usize, run: &Run) -> anyhow::Result<()> {
        let (want, bare) = stand.with(|d| d.verdicts());
        let (verdicts, handoffs, unknown) = figures(store, Utc::now())?;
        println!(
            "  figures: {handoffs} handoffs, verdicts in force on {verdicts} \
             (the stand-in holds {want}; {unknown} by \"unknown\", tag only: {bare})"
        );
        ensure!(
            handoffs == n as u64,
            "{handoffs} handoffs in the figures, not {n}"
        );
        ensure!(
            verdicts == want,
            "{verdicts} verdicts in force, the helpdesk has {want}"
        );
        ensure!(
            unknown == bare,
            "{unknown} verdicts by unknown, {bare} tag-only"
        );
        ensure!(run.report.skipped == 0, "{} skipped", run.report.skipped);
        Ok(())
    }
}
