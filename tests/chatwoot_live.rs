//! The Chatwoot live client against a loopback server that speaks
//! ActionCable the way Rails does: welcome, subscribe/confirm, pings every
//! few hundred ms here (3 s in Rails), room broadcasts.

use std::io::Write;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use handoff::backend::chatwoot::live::{
    self, Change, LiveConfig, LiveEvent, SUBPROTOCOL, Secret, Timing,
};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;

const TOKEN: &str = "8npuMUfDgizrwVoqcK1t7FMY";
const ACCOUNT: u64 = 1;
const USER: u64 = 5;

type Ws = WebSocketStream<TcpStream>;

/// Short enough that the suite stays fast, long enough for a loaded CI box.
fn timing() -> Timing {
    Timing {
        silence: Duration::from_millis(400),
        handshake: Duration::from_secs(5),
        backoff_first: Duration::from_millis(50),
        backoff_cap: Duration::from_millis(200),
    }
}

fn config(port: u16) -> LiveConfig {
    let base = format!("http://127.0.0.1:{port}");
    let mut config = match LiveConfig::new(&base, Secret::new(TOKEN), ACCOUNT, USER) {
        Ok(c) => c,
        Err(e) => panic!("config: {e}"),
    };
    config.timing = timing();
    config
}

/// Runs the client; every event it reports lands in the returned channel.
fn start(config: LiveConfig) -> (JoinHandle<()>, mpsc::UnboundedReceiver<LiveEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(live::run(config, move |event| {
        if tx.send(event).is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }));
    (task, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<LiveEvent>) -> LiveEvent {
    match timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Some(e)) => e,
        Ok(None) => panic!("the client stopped"),
        Err(_) => panic!("no event from the client within 5 s"),
    }
}

async fn listen() -> (TcpListener, u16) {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let port = match listener.local_addr() {
        Ok(a) => a.port(),
        Err(e) => panic!("addr: {e}"),
    };
    (listener, port)
}

/// Accepts one websocket, checking the client asks for ActionCable's
/// subprotocol and agreeing to it, as Rails does.
async fn accept(listener: &TcpListener) -> Ws {
    let (tcp, _) = match timeout(Duration::from_secs(5), listener.accept()).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!("accept: {e}"),
        Err(_) => panic!("the client did not connect within 5 s"),
    };
    // The error type is fixed by tungstenite's `Callback`, not ours to shrink.
    #[allow(clippy::result_large_err)]
    let check = |req: &Request, mut resp: Response| {
        let asked = req
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(asked.contains(SUBPROTOCOL), "subprotocol asked: {asked:?}");
        assert_eq!(req.uri().path(), "/cable");
        assert!(req.headers().get("Origin").is_some(), "no Origin header");
        resp.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static(SUBPROTOCOL),
        );
        Ok(resp)
    };
    match tokio_tungstenite::accept_hdr_async(tcp, check).await {
        Ok(ws) => ws,
        Err(e) => panic!("websocket handshake: {e}"),
    }
}

async fn send(ws: &mut Ws, frame: Value) {
    if let Err(e) = ws.send(Message::text(frame.to_string())).await {
        panic!("server send: {e}");
    }
}

/// Welcome, then the client's subscribe, checked field by field; returns
/// the identifier string the client chose (echoed on every frame).
async fn welcome_and_subscribe(ws: &mut Ws) -> String {
    send(ws, json!({"type": "welcome"})).await;
    let text = match timeout(Duration::from_secs(5), ws.next()).await {
        Ok(Some(Ok(Message::Text(t)))) => t.as_str().to_string(),
        other => panic!("expected the subscribe command, got {other:?}"),
    };
    let command: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(command["command"], "subscribe", "{text}");
    let identifier = command["identifier"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let id: Value = serde_json::from_str(&identifier).unwrap_or(Value::Null);
    assert_eq!(id["channel"], "RoomChannel");
    assert_eq!(id["pubsub_token"], TOKEN);
    assert_eq!(id["account_id"], ACCOUNT);
    assert_eq!(id["user_id"], USER);
    identifier
}

async fn handshake(ws: &mut Ws) -> String {
    let identifier = welcome_and_subscribe(ws).await;
    send(
        ws,
        json!({"identifier": identifier, "type": "confirm_subscription"}),
    )
    .await;
    identifier
}

async fn ping(ws: &mut Ws) {
    let now = chrono::Utc::now().timestamp();
    send(ws, json!({"type": "ping", "message": now})).await;
}

async fn broadcast(ws: &mut Ws, identifier: &str, event: &str, data: Value) {
    send(
        ws,
        json!({"identifier": identifier, "message": {"event": event, "data": data}}),
    )
    .await;
}

/// Conversation#push_event_data, trimmed (values invented).
fn conversation(display_id: u64, status: &str, assignee: Value) -> Value {
    json!({
        "id": display_id, "account_id": ACCOUNT, "inbox_id": 2, "status": status,
        "labels": ["ai-escalated"], "priority": "high", "unread_count": 1,
        "meta": {"sender": {"id": 812, "name": "Dana Ruiz"}, "assignee": assignee},
        "custom_attributes": {"ai_confidence": 0.41},
        "timestamp": 1763800400, "created_at": 1763799000
    })
}

fn changed(event: &str, change: Change) -> LiveEvent {
    LiveEvent::Changed {
        event: event.into(),
        change,
    }
}

/// Everything logged while `f` runs on this thread (the tests use tokio's
/// single-threaded runtime, so the client's task logs here too).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn reports_changes_then_falls_back_and_resubscribes_after_a_drop() {
    let (logs, _guard) = capture_logs();
    let (listener, port) = listen().await;
    let (task, mut rx) = start(config(port));

    let mut ws = accept(&listener).await;
    let id = handshake(&mut ws).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);

    ping(&mut ws).await;
    broadcast(
        &mut ws,
        &id,
        "conversation.created",
        conversation(1042, "open", Value::Null),
    )
    .await;
    ping(&mut ws).await;
    broadcast(
        &mut ws,
        &id,
        "assignee.changed",
        conversation(1042, "open", json!({"id": USER, "name": "Maya Chen"})),
    )
    .await;
    broadcast(
        &mut ws,
        &id,
        "conversation.status_changed",
        conversation(77, "resolved", Value::Null),
    )
    .await;
    assert_eq!(
        next(&mut rx).await,
        changed(
            "conversation.created",
            Change::ConversationChanged { display_id: 1042 }
        )
    );
    assert_eq!(
        next(&mut rx).await,
        changed(
            "assignee.changed",
            Change::ConversationChanged { display_id: 1042 }
        )
    );
    assert_eq!(
        next(&mut rx).await,
        changed(
            "conversation.status_changed",
            Change::ConversationChanged { display_id: 77 }
        )
    );

    // The server goes away without a close frame.
    drop(ws);
    match next(&mut rx).await {
        LiveEvent::Down { retry_in, .. } => assert!(retry_in <= timing().backoff_cap),
        other => panic!("expected Down, got {other:?}"),
    }

    // It comes back: the client subscribes afresh and events flow again.
    let mut ws = accept(&listener).await;
    let id = handshake(&mut ws).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);
    let message = json!({"id": 99121, "conversation_id": 1042, "account_id": ACCOUNT,
                         "message_type": 0, "content": "Any update?", "private": false});
    broadcast(&mut ws, &id, "message.created", message).await;
    assert_eq!(
        next(&mut rx).await,
        changed(
            "message.created",
            Change::MessageCreated { display_id: 1042 }
        )
    );

    task.abort();
    let logs = logs.text();
    assert!(logs.contains("live updates up"), "{logs}");
    assert!(!logs.contains(TOKEN), "the token was logged:\n{logs}");
}

#[tokio::test]
async fn pings_keep_it_up_and_silence_is_a_dead_socket() {
    let (listener, port) = listen().await;
    let (task, mut rx) = start(config(port));

    let mut ws = accept(&listener).await;
    handshake(&mut ws).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);

    // Pinging every 100 ms for three silence windows: still up.
    for _ in 0..12 {
        ping(&mut ws).await;
        sleep(Duration::from_millis(100)).await;
    }
    assert!(
        rx.try_recv().is_err(),
        "the client gave up on a live socket"
    );

    // Then nothing, with the TCP connection open: dead after `silence`.
    let quiet_since = Instant::now();
    let event = next(&mut rx).await;
    let waited = quiet_since.elapsed();
    match event {
        LiveEvent::Down { reason, .. } => assert!(reason.contains("ping"), "{reason}"),
        other => panic!("expected Down, got {other:?}"),
    }
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "dead socket noticed after {waited:?}"
    );

    // And it reconnects on its own.
    let mut again = accept(&listener).await;
    handshake(&mut again).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);
    drop(ws);
    task.abort();
}

#[tokio::test]
async fn malformed_frames_are_ignored_with_a_warning_and_the_socket_stays_up() {
    let (logs, _guard) = capture_logs();
    let (listener, port) = listen().await;
    let (task, mut rx) = start(config(port));

    let mut ws = accept(&listener).await;
    let id = handshake(&mut ws).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);

    // Junk, some of it carrying the identifier (and so the token).
    for junk in [
        "{oops".to_string(),
        format!(
            r#"{{"identifier":{},"message":{{"data":{{}}}}}}"#,
            json!(id)
        ),
        "[]".to_string(),
        format!(r#"{{"identifier":{},"message":"#, json!(id)),
    ] {
        if let Err(e) = ws.send(Message::text(junk)).await {
            panic!("server send: {e}");
        }
    }
    if let Err(e) = ws.send(Message::binary(vec![1u8, 2, 3])).await {
        panic!("server send: {e}");
    }
    // A frame for a subscription the client never made is not its business.
    broadcast(
        &mut ws,
        "{\"channel\":\"OtherChannel\"}",
        "conversation.created",
        conversation(5, "open", Value::Null),
    )
    .await;
    ping(&mut ws).await;
    broadcast(
        &mut ws,
        &id,
        "conversation.typing_on",
        json!({"conversation": {"id": 1042}, "user": {"id": 9}, "account_id": ACCOUNT}),
    )
    .await;
    broadcast(
        &mut ws,
        &id,
        "conversation.created",
        conversation(1043, "open", Value::Null),
    )
    .await;

    // Same connection, nothing lost, no Down in between.
    assert_eq!(
        next(&mut rx).await,
        changed("conversation.typing_on", Change::Other)
    );
    assert_eq!(
        next(&mut rx).await,
        changed(
            "conversation.created",
            Change::ConversationChanged { display_id: 1043 }
        )
    );
    task.abort();
    drop(ws);

    let logs = logs.text();
    assert!(
        logs.matches("ignored a malformed ActionCable frame")
            .count()
            >= 4,
        "{logs}"
    );
    assert!(logs.contains("ignored a binary frame"), "{logs}");
    assert!(!logs.contains(TOKEN), "the token was logged:\n{logs}");
}

#[tokio::test]
async fn a_rejected_subscription_is_down_and_retried() {
    let (listener, port) = listen().await;
    let (task, mut rx) = start(config(port));

    let mut ws = accept(&listener).await;
    let id = welcome_and_subscribe(&mut ws).await;
    send(
        &mut ws,
        json!({"identifier": id, "type": "reject_subscription"}),
    )
    .await;
    match next(&mut rx).await {
        LiveEvent::Down { reason, .. } => assert!(reason.contains("rejected"), "{reason}"),
        other => panic!("expected Down, got {other:?}"),
    }
    let mut again = accept(&listener).await;
    handshake(&mut again).await;
    assert_eq!(next(&mut rx).await, LiveEvent::Up);
    drop(ws);
    task.abort();
}

#[tokio::test]
async fn a_server_that_never_welcomes_is_given_up_on() {
    let (listener, port) = listen().await;
    let mut config = config(port);
    config.timing.handshake = Duration::from_millis(300);
    let (task, mut rx) = start(config);
    // The websocket opens, then nothing: not ActionCable, or a stuck proxy.
    let ws = accept(&listener).await;
    match next(&mut rx).await {
        LiveEvent::Down { reason, .. } => assert!(reason.contains("welcome"), "{reason}"),
        other => panic!("expected Down, got {other:?}"),
    }
    drop(ws);
    task.abort();
}

#[tokio::test]
async fn nobody_listening_means_backoff_that_grows_to_the_cap() {
    // A port with nothing behind it.
    let (listener, port) = listen().await;
    drop(listener);
    let (task, mut rx) = start(config(port));
    let t = timing();
    let mut waits = Vec::new();
    for _ in 0..6 {
        match next(&mut rx).await {
            LiveEvent::Down { retry_in, reason } => {
                assert!(reason.contains("connecting"), "{reason}");
                waits.push(retry_in);
            }
            other => panic!("expected Down, got {other:?}"),
        }
    }
    task.abort();
    // Equal jitter: each wait is between half and all of the nominal delay.
    assert!(waits[0] <= t.backoff_first, "{waits:?}");
    assert!(waits.iter().all(|w| *w <= t.backoff_cap), "{waits:?}");
    assert!(waits[5] >= t.backoff_cap / 2, "{waits:?}");
}

#[test]
fn debug_output_never_shows_the_token() {
    let config = config(3000);
    let shown = format!("{config:?} {:?}", config.pubsub_token);
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("***"), "{shown}");
}

/// The status bar's last line as text, drawn through the real `render`.
fn status_line(state: &handoff::app::State) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = match Terminal::new(TestBackend::new(100, 24)) {
        Ok(t) => t,
        Err(e) => panic!("terminal: {e}"),
    };
    let theme = handoff::ui::Theme::monochrome();
    if let Err(e) = terminal.draw(|f| {
        handoff::ui::render(f, state, &theme);
    }) {
        panic!("draw: {e}");
    }
    let buffer = terminal.backend().buffer();
    let y = buffer.area.height.saturating_sub(1);
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect()
}

#[test]
fn status_bar_says_live_or_polling_in_words() {
    use handoff::app::Link;
    use handoff::app::{Event, State, update};
    let mut state = State::new("Maya Chen".into(), chrono::Utc::now());
    update(
        &mut state,
        Event::Resize {
            width: 100,
            height: 24,
        },
    );
    update(
        &mut state,
        Event::Loaded {
            rows: Vec::new(),
            agents: Vec::new(),
        },
    );
    // The local store has no helpdesk to listen to.
    let line = status_line(&state);
    assert!(
        !line.contains("live") && !line.contains("polling"),
        "{line}"
    );

    // A helpdesk, before the socket is up: the poll is what keeps it fresh.
    update(
        &mut state,
        Event::Synced {
            data: None,
            link: Link::Online,
            last_synced: None,
        },
    );
    assert!(
        status_line(&state).contains("◌ polling"),
        "{}",
        status_line(&state)
    );

    update(&mut state, Event::Live { up: true });
    let line = status_line(&state);
    assert!(
        line.contains("◉ live") && !line.contains("polling"),
        "{line}"
    );

    update(&mut state, Event::Live { up: false });
    let line = status_line(&state);
    assert!(
        line.contains("◌ polling") && !line.contains("◉ live"),
        "{line}"
    );
}
