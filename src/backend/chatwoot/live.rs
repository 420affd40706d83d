//! Chatwoot's live updates: the ActionCable websocket at `<base>/cable`,
//! subscribed to `RoomChannel` with the user's `pubsub_token`.
//!
//! The socket only says *that* something changed; the REST sync fetches
//! *what*. So this client reports a small [`Change`] per event, plus when the
//! socket comes up and goes down (the screen then shows "polling" and the
//! regular poll carries on). It reconnects on its own with jittered
//! exponential backoff and never blocks its caller: [`run`] is a task of its
//! own and talks back through a callback.
//!
//! Protocol (Rails ActionCable, `actioncable-v1-json`): the server sends
//! `{"type":"welcome"}`, we send `{"command":"subscribe","identifier":"…"}`,
//! the server answers `confirm_subscription` (or `reject_subscription`), then
//! pings every 3 s (`{"type":"ping","message":<unix ts>}`) and broadcasts
//! `{"identifier":"…","message":{"event":"…","data":{…}}}`.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::{Instant, timeout_at};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};

/// The user's `pubsub_token` is held as a [`Secret`]: anyone holding it can
/// read the user's live stream, so it never shows in Debug or logs.
pub use super::Secret;
use super::{ChatwootConfig, Client};
use crate::backend::News;
use crate::outbox::backoff;

/// The ActionCable subprotocol Rails speaks.
pub const SUBPROTOCOL: &str = "actioncable-v1-json";

/// Room events carry a conversation or a message; a few hundred KiB at most.
/// Anything larger is not from Chatwoot and is refused, not buffered.
const MAX_MESSAGE_BYTES: usize = 4 << 20;

/// How patient the client is. The defaults suit Chatwoot; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// No frame for this long means the socket is dead. Rails pings every
    /// 3 s, so 10 s is three missed pings.
    pub silence: Duration,
    /// Connect, welcome and confirmation must all happen within this.
    pub handshake: Duration,
    /// First reconnect delay; doubles per failure (jittered) up to `backoff_cap`.
    pub backoff_first: Duration,
    pub backoff_cap: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            silence: Duration::from_secs(10),
            handshake: Duration::from_secs(15),
            backoff_first: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
        }
    }
}

/// Where and as whom to subscribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveConfig {
    /// `ws://…/cable` or `wss://…/cable`.
    pub cable_url: String,
    /// Sent as `Origin`, as a browser would; Chatwoot does not check it by
    /// default, but a proxy in front of it may.
    pub origin: Option<String>,
    pub pubsub_token: Secret,
    pub account_id: u64,
    pub user_id: u64,
    pub timing: Timing,
}

impl LiveConfig {
    /// The config for a Chatwoot at `base_url` (`https://chat.example.com`,
    /// possibly with a path prefix), with default timing.
    pub fn new(
        base_url: &str,
        pubsub_token: Secret,
        account_id: u64,
        user_id: u64,
    ) -> Result<LiveConfig, String> {
        let base = base_url.trim().trim_end_matches('/');
        Ok(LiveConfig {
            cable_url: cable_url(base)?,
            origin: Some(origin_of(base)),
            pubsub_token,
            account_id,
            user_id,
            timing: Timing::default(),
        })
    }

    /// From `GET /api/v1/profile`, which carries the user's `id` and
    /// `pubsub_token` (read here so the REST model need not keep the token).
    pub fn from_profile(
        base_url: &str,
        account_id: u64,
        profile: &Value,
    ) -> Result<LiveConfig, String> {
        let token = profile
            .get("pubsub_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or("the profile has no pubsub_token")?;
        let user_id = profile
            .get("id")
            .and_then(as_id)
            .ok_or("the profile has no user id")?;
        LiveConfig::new(base_url, Secret::new(token), account_id, user_id)
    }
}

/// `https://host/prefix` → `wss://host/prefix/cable` (and http → ws).
pub fn cable_url(base_url: &str) -> Result<String, String> {
    let base = base_url.trim().trim_end_matches('/');
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| format!("not a URL: {base}"))?;
    let ws = match scheme.to_ascii_lowercase().as_str() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        other => return Err(format!("unsupported scheme {other}:// (use https://)")),
    };
    if rest.is_empty() {
        return Err(format!("no host in {base}"));
    }
    Ok(format!("{ws}://{rest}/cable"))
}

/// Scheme and host of `base`, the way a browser would send it as `Origin`.
fn origin_of(base: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let host = rest.split('/').next().unwrap_or(rest);
    let scheme = match scheme {
        "wss" => "https",
        "ws" => "http",
        s => s,
    };
    format!("{scheme}://{host}")
}

/// What a room event means for the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A conversation was created, or its status, assignee, team or
    /// attributes changed. `display_id` is the per-account id used in URLs.
    ConversationChanged { display_id: u64 },
    /// A message was added to conversation `display_id`.
    MessageCreated { display_id: u64 },
    /// Typing, presence, read receipts, contacts, other accounts: nothing the
    /// queue shows.
    Other,
}

impl Change {
    /// Worth a REST refresh. Typing and presence events come many times a
    /// minute and would only make the poll hammer the server.
    pub fn needs_refresh(&self) -> bool {
        !matches!(self, Change::Other)
    }
}

/// What the client tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// Subscribed: changes now arrive as they happen. Anything that changed
    /// while the socket was down was missed, so refresh once now.
    Up,
    /// The socket is down (or never came up); polling carries on. The client
    /// tries again after `retry_in`.
    Down { reason: String, retry_in: Duration },
    /// A room event arrived.
    Changed { event: String, change: Change },
}

/// One ActionCable frame from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Welcome,
    /// Liveness; the payload (a unix timestamp) is not needed.
    Ping,
    Confirm {
        identifier: String,
    },
    Reject {
        identifier: String,
    },
    /// The server is closing the connection (e.g. `unauthorized`).
    Disconnect {
        reason: Option<String>,
        reconnect: bool,
    },
    /// A broadcast on a subscription.
    Message {
        identifier: String,
        event: String,
        data: Value,
    },
    /// A `type` this client does not know; ignored.
    Unknown {
        kind: String,
    },
}

/// A frame that is not ActionCable. Messages never quote the frame: it may
/// carry the identifier, and with it the pubsub token.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("not JSON ({0})")]
    NotJson(String),
    #[error("not a JSON object")]
    NotObject,
    #[error("a `{0}` frame without `{1}`")]
    Missing(&'static str, &'static str),
    #[error("neither `type` nor `message`")]
    Shapeless,
}

/// Read one text frame.
pub fn parse_frame(text: &str) -> Result<Frame, FrameError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // Category and position only: serde's message never includes input.
        FrameError::NotJson(format!("{:?} at column {}", e.classify(), e.column()))
    })?;
    let obj = value.as_object().ok_or(FrameError::NotObject)?;
    let identifier = || {
        obj.get("identifier")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("welcome") => Ok(Frame::Welcome),
        Some("ping") => Ok(Frame::Ping),
        Some("confirm_subscription") => Ok(Frame::Confirm {
            identifier: identifier().ok_or(FrameError::Missing("confirm", "identifier"))?,
        }),
        Some("reject_subscription") => Ok(Frame::Reject {
            identifier: identifier().ok_or(FrameError::Missing("reject", "identifier"))?,
        }),
        Some("disconnect") => Ok(Frame::Disconnect {
            reason: obj
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_string),
            // Rails' default when absent is to reconnect.
            reconnect: obj
                .get("reconnect")
                .and_then(Value::as_bool)
                .unwrap_or(true),
        }),
        Some(kind) => Ok(Frame::Unknown {
            kind: kind.to_string(),
        }),
        None => {
            let message = obj.get("message").ok_or(FrameError::Shapeless)?;
            let identifier = identifier().ok_or(FrameError::Missing("message", "identifier"))?;
            let event = message
                .get("event")
                .and_then(Value::as_str)
                .ok_or(FrameError::Missing("message", "message.event"))?;
            Ok(Frame::Message {
                identifier,
                event: event.to_string(),
                data: message.get("data").cloned().unwrap_or(Value::Null),
            })
        }
    }
}

/// What room event `event` with payload `data` means for account `account_id`.
/// A user in several accounts gets all their events on one stream.
pub fn classify(event: &str, data: &Value, account_id: u64) -> Change {
    if let Some(other) = data.get("account_id").and_then(as_id)
        && other != account_id
    {
        return Change::Other;
    }
    let id = |field: &str| data.get(field).and_then(as_id);
    match event {
        // Older Chatwoot sends conversation.opened / .resolved instead of
        // conversation.status_changed.
        "conversation.created"
        | "conversation.updated"
        | "conversation.status_changed"
        | "conversation.opened"
        | "conversation.resolved"
        | "conversation.contact_changed"
        | "assignee.changed"
        | "team.changed" => id("id").map_or(Change::Other, |display_id| {
            Change::ConversationChanged { display_id }
        }),
        // `conversation_id` in message push data is the display id
        // (Message#push_event_data).
        "message.created" => id("conversation_id").map_or(Change::Other, |display_id| {
            Change::MessageCreated { display_id }
        }),
        _ => Change::Other,
    }
}

/// Ids come as JSON numbers; accept digit strings too.
fn as_id(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// The subscribe identifier, in the field order Chatwoot's own client uses.
#[derive(Serialize)]
struct Identifier<'a> {
    channel: &'a str,
    pubsub_token: &'a str,
    account_id: u64,
    user_id: u64,
}

fn identifier(config: &LiveConfig) -> String {
    let id = Identifier {
        channel: "RoomChannel",
        pubsub_token: config.pubsub_token.expose(),
        account_id: config.account_id,
        user_id: config.user_id,
    };
    // Serialising four plain fields cannot fail; fall back to empty rather
    // than panic, and the server will reject the subscription.
    serde_json::to_string(&id).unwrap_or_default()
}

/// The live task of a Chatwoot workspace, beside its sync task: read the
/// user's profile for the pubsub token, then keep the socket. Room events
/// poke `refresh` (the sync task's cue); up and down go to `events`.
pub async fn watch(
    client: Client,
    cfg: ChatwootConfig,
    refresh: Arc<Notify>,
    events: UnboundedSender<News>,
) {
    let Ok(account) = u64::try_from(cfg.account_id) else {
        tracing::warn!("live updates off: no usable account");
        return;
    };
    let Some(config) = from_server(&client, cfg.base(), account, &events).await else {
        return;
    };
    run(config, move |event| forward(event, &refresh, &events)).await;
}

/// The live config from `GET /api/v1/profile`, retried while the server is
/// unreachable; `None` if it cannot work (or the screen is gone).
async fn from_server(
    client: &Client,
    base_url: &str,
    account_id: u64,
    events: &UnboundedSender<News>,
) -> Option<LiveConfig> {
    let t = Timing::default();
    let mut attempt = 0;
    loop {
        match client.get_value("/api/v1/profile").await {
            Ok(profile) => {
                return LiveConfig::from_profile(base_url, account_id, &profile)
                    .map_err(|e| tracing::warn!(error = %e, "live updates off"))
                    .ok();
            }
            Err(e) if e.is_transient() => {
                attempt += 1;
                let wait =
                    backoff::delay(attempt, t.backoff_first, t.backoff_cap, backoff::jitter());
                tracing::info!(error = %e, ?wait, "live updates: profile unavailable; retrying");
                tokio::time::sleep(wait).await;
                if events.is_closed() {
                    return None;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "live updates off");
                return None;
            }
        }
    }
}

/// What the workspace does with a live event: refresh when the helpdesk
/// changed (or may have, while the socket was down), and show up/down.
/// `Break` once the screen is gone.
pub fn forward(
    event: LiveEvent,
    refresh: &Notify,
    events: &UnboundedSender<News>,
) -> ControlFlow<()> {
    let screen = match event {
        LiveEvent::Up => {
            refresh.notify_one();
            Some(News::Live { up: true })
        }
        LiveEvent::Down { .. } => Some(News::Live { up: false }),
        LiveEvent::Changed { change, .. } => {
            // One stored permit: a burst of events is one refresh.
            if change.needs_refresh() {
                refresh.notify_one();
            }
            None
        }
    };
    match screen.map(|e| events.send(e)) {
        Some(Err(_)) => ControlFlow::Break(()),
        _ if events.is_closed() => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    }
}

/// Why a session ended.
enum End {
    /// The owner stopped listening: stop for good.
    Stopped,
    /// The connection is gone; `up_for` is how long it was subscribed.
    Lost {
        reason: String,
        up_for: Option<Duration>,
    },
}

impl End {
    fn lost(reason: impl Into<String>) -> End {
        End::Lost {
            reason: reason.into(),
            up_for: None,
        }
    }
}

/// Keep a live subscription until `report` answers `Break` (its owner is
/// gone). Reports [`LiveEvent::Up`] on every subscription, [`LiveEvent::Down`]
/// on every failure, and each room event as [`LiveEvent::Changed`].
pub async fn run<F>(config: LiveConfig, mut report: F)
where
    F: FnMut(LiveEvent) -> ControlFlow<()> + Send,
{
    let t = config.timing;
    let mut attempt: u32 = 0;
    loop {
        let (reason, up_for) = match session(&config, &mut report).await {
            End::Stopped => return,
            End::Lost { reason, up_for } => (reason, up_for),
        };
        // Only a connection that held for a while earns a fast retry; one
        // that is accepted and dropped again keeps backing off.
        if up_for.is_some_and(|d| d >= t.backoff_cap) {
            attempt = 0;
        }
        attempt = attempt.saturating_add(1);
        let retry_in = backoff::delay(attempt, t.backoff_first, t.backoff_cap, backoff::jitter());
        tracing::info!(%reason, retry_in_ms = retry_in.as_millis() as u64, "live updates down; polling");
        if report(LiveEvent::Down { reason, retry_in }).is_break() {
            return;
        }
        tokio::time::sleep(retry_in).await;
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn session<F>(config: &LiveConfig, report: &mut F) -> End
where
    F: FnMut(LiveEvent) -> ControlFlow<()>,
{
    let t = config.timing;
    let deadline = Instant::now() + t.handshake;
    let mut ws = match connect(config, deadline).await {
        Ok(ws) => ws,
        Err(reason) => return End::lost(reason),
    };

    // Welcome first; nothing else is meaningful before it.
    loop {
        match next_frame(&mut ws, deadline, "no welcome from the server").await {
            Ok(Frame::Welcome) => break,
            Ok(Frame::Disconnect { reason, .. }) => return End::lost(disconnected(reason)),
            Ok(_) => {}
            Err(reason) => return End::lost(reason),
        }
    }

    let identifier = identifier(config);
    let subscribe = serde_json::json!({ "command": "subscribe", "identifier": identifier });
    match timeout_at(deadline, ws.send(Message::text(subscribe.to_string()))).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return End::lost(format!("subscribing: {}", describe(&e))),
        Err(_) => return End::lost("subscribing timed out"),
    }

    loop {
        match next_frame(&mut ws, deadline, "subscription not confirmed").await {
            Ok(Frame::Confirm { identifier: id }) if id == identifier => break,
            Ok(Frame::Reject { identifier: id }) if id == identifier => {
                return End::lost("subscription rejected (pubsub token or account?)");
            }
            Ok(Frame::Disconnect { reason, .. }) => return End::lost(disconnected(reason)),
            Ok(_) => {}
            Err(reason) => return End::lost(reason),
        }
    }

    let since = Instant::now();
    let silent = format!("no ping from the server for {:?}", t.silence);
    let lost = |reason: String| End::Lost {
        reason,
        up_for: Some(since.elapsed()),
    };
    tracing::info!("live updates up");
    if report(LiveEvent::Up).is_break() {
        return End::Stopped;
    }

    loop {
        // Any frame proves the socket alive; Rails pings every 3 s, so a
        // quiet room still resets this.
        let frame = next_frame(&mut ws, Instant::now() + t.silence, &silent).await;
        match frame {
            Ok(Frame::Message {
                identifier: id,
                event,
                data,
            }) if id == identifier => {
                let change = classify(&event, &data, config.account_id);
                tracing::debug!(%event, ?change, "live event");
                if report(LiveEvent::Changed { event, change }).is_break() {
                    return End::Stopped;
                }
            }
            Ok(Frame::Disconnect { reason, .. }) => return lost(disconnected(reason)),
            Ok(Frame::Reject { identifier: id }) if id == identifier => {
                return lost("subscription rejected".into());
            }
            Ok(_) => {}
            Err(reason) => return lost(reason),
        }
    }
}

fn disconnected(reason: Option<String>) -> String {
    match reason {
        Some(r) => format!("server disconnected ({r})"),
        None => "server disconnected".into(),
    }
}

async fn connect(config: &LiveConfig, deadline: Instant) -> Result<Socket, String> {
    let mut request = config
        .cable_url
        .as_str()
        .into_client_request()
        .map_err(|e| format!("bad cable URL: {e}"))?;
    let headers = request.headers_mut();
    headers.insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static(SUBPROTOCOL),
    );
    if let Some(origin) = config
        .origin
        .as_deref()
        .and_then(|o| HeaderValue::from_str(o).ok())
    {
        headers.insert("Origin", origin);
    }
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    match timeout_at(
        deadline,
        tokio_tungstenite::connect_async_with_config(request, Some(ws_config), true),
    )
    .await
    {
        Ok(Ok((ws, _response))) => Ok(ws),
        Ok(Err(e)) => Err(format!("connecting: {}", describe(&e))),
        Err(_) => Err("connecting timed out".into()),
    }
}

/// The next ActionCable frame, skipping what is not one (with a warning) and
/// websocket control frames. `Err` means the connection is finished; past
/// `deadline` the reason is `silent`.
async fn next_frame(ws: &mut Socket, deadline: Instant, silent: &str) -> Result<Frame, String> {
    loop {
        let message = match timeout_at(deadline, ws.next()).await {
            Err(_) => return Err(silent.to_string()),
            Ok(None) => return Err("connection closed".into()),
            Ok(Some(Err(e))) => return Err(describe(&e)),
            Ok(Some(Ok(m))) => m,
        };
        match message {
            Message::Text(text) => match parse_frame(text.as_str()) {
                Ok(frame) => return Ok(frame),
                Err(e) => {
                    tracing::warn!(error = %e, bytes = text.len(), "ignored a malformed ActionCable frame");
                }
            },
            Message::Binary(b) => {
                tracing::warn!(bytes = b.len(), "ignored a binary frame");
            }
            Message::Close(_) => return Err("closed by the server".into()),
            // tungstenite answers pings itself.
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
}

/// A websocket error in a few words. tungstenite's messages name no
/// credentials: the token travels only inside frames we send.
fn describe(e: &tungstenite::Error) -> String {
    match e {
        tungstenite::Error::Http(response) => format!("HTTP {}", response.status()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "8npuMUfDgizrwVoqcK1t7FMY";

    fn ident() -> String {
        format!(
            r#"{{"channel":"RoomChannel","pubsub_token":"{TOKEN}","account_id":1,"user_id":5}}"#
        )
    }

    #[test]
    fn forward_pokes_the_sync_and_tells_the_screen() {
        use futures::FutureExt;
        let refresh = Notify::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let poked = |n: &Notify| n.notified().now_or_never().is_some();

        assert!(forward(LiveEvent::Up, &refresh, &tx).is_continue());
        assert!(matches!(rx.try_recv(), Ok(News::Live { up: true })));
        assert!(poked(&refresh), "no catch-up refresh after connecting");

        let typing = LiveEvent::Changed {
            event: "conversation.typing_on".into(),
            change: Change::Other,
        };
        assert!(forward(typing, &refresh, &tx).is_continue());
        assert!(!poked(&refresh), "typing made the sync refresh");

        for display_id in [1042, 1043] {
            let created = LiveEvent::Changed {
                event: "conversation.created".into(),
                change: Change::ConversationChanged { display_id },
            };
            assert!(forward(created, &refresh, &tx).is_continue());
        }
        assert!(poked(&refresh));
        assert!(!poked(&refresh), "two events, one refresh");
        assert!(
            rx.try_recv().is_err(),
            "changes are for the sync, not the screen"
        );

        let down = LiveEvent::Down {
            reason: "closed".into(),
            retry_in: Duration::from_secs(1),
        };
        assert!(forward(down.clone(), &refresh, &tx).is_continue());
        assert!(matches!(rx.try_recv(), Ok(News::Live { up: false })));

        drop(rx);
        assert!(forward(down, &refresh, &tx).is_break());
    }

    #[test]
    fn control_frames() {
        assert_eq!(parse_frame(r#"{"type":"welcome"}"#), Ok(Frame::Welcome));
        assert_eq!(
            parse_frame(r#"{"type":"ping","message":1763800412}"#),
            Ok(Frame::Ping)
        );
        let confirm = serde_json::json!({"identifier": ident(), "type": "confirm_subscription"});
        assert_eq!(
            parse_frame(&confirm.to_string()),
            Ok(Frame::Confirm {
                identifier: ident()
            })
        );
        let reject = serde_json::json!({"identifier": ident(), "type": "reject_subscription"});
        assert_eq!(
            parse_frame(&reject.to_string()),
            Ok(Frame::Reject {
                identifier: ident()
            })
        );
        assert_eq!(
            parse_frame(r#"{"type":"disconnect","reason":"unauthorized","reconnect":false}"#),
            Ok(Frame::Disconnect {
                reason: Some("unauthorized".into()),
                reconnect: false
            })
        );
        assert_eq!(
            parse_frame(r#"{"type":"something_new"}"#),
            Ok(Frame::Unknown {
                kind: "something_new".into()
            })
        );
    }

    #[test]
    fn conversation_created_as_chatwoot_sends_it() {
        // Shape of ActionCableListener#broadcast with
        // Conversation#push_event_data (values invented).
        let frame = serde_json::json!({
            "identifier": ident(),
            "message": {
                "event": "conversation.created",
                "data": {
                    "additional_attributes": {"browser_language": "en"},
                    "can_reply": true,
                    "channel": "Channel::WebWidget",
                    "contact_inbox": {"id": 77, "contact_id": 812, "inbox_id": 2,
                                      "source_id": "3c1b7a0e", "hmac_verified": false},
                    "id": 1042,
                    "inbox_id": 2,
                    "messages": [{"id": 99120, "content": "I was charged twice",
                                  "message_type": 0, "conversation_id": 1042}],
                    "labels": ["ai-escalated", "billing"],
                    "meta": {"sender": {"id": 812, "name": "Dana Ruiz"},
                             "assignee": null, "team": {"id": 3, "name": "billing"},
                             "hmac_verified": false},
                    "status": "open",
                    "custom_attributes": {"ai_confidence": 0.41},
                    "unread_count": 1,
                    "priority": "high",
                    "waiting_since": 1763800390,
                    "timestamp": 1763800400,
                    "created_at": 1763799000,
                    "account_id": 1
                }
            }
        });
        let Ok(Frame::Message {
            identifier,
            event,
            data,
        }) = parse_frame(&frame.to_string())
        else {
            panic!("not a message frame");
        };
        assert_eq!(identifier, ident());
        assert_eq!(event, "conversation.created");
        assert_eq!(
            classify(&event, &data, 1),
            Change::ConversationChanged { display_id: 1042 }
        );
        // The same event for another account the user belongs to.
        assert_eq!(classify(&event, &data, 2), Change::Other);
    }

    #[test]
    fn message_created_names_the_conversation_display_id() {
        // Message#push_event_data: `id` is the message, `conversation_id`
        // the conversation's display id.
        let data = serde_json::json!({
            "id": 99121, "content": "Any update?", "account_id": 1, "inbox_id": 2,
            "conversation_id": 1042, "message_type": 0, "created_at": 1763800500,
            "private": false, "status": "sent", "source_id": null,
            "content_type": "text", "content_attributes": {},
            "sender_type": "Contact", "sender_id": 812,
            "conversation": {"assignee_id": 5, "unread_count": 2,
                             "last_activity_at": 1763800500,
                             "contact_inbox": {"source_id": "3c1b7a0e"}}
        });
        assert_eq!(
            classify("message.created", &data, 1),
            Change::MessageCreated { display_id: 1042 }
        );
    }

    #[test]
    fn status_and_assignee_changes_and_noise() {
        let conv = serde_json::json!({"id": "77", "account_id": 1, "status": "resolved"});
        for event in [
            "conversation.status_changed",
            "assignee.changed",
            "team.changed",
            "conversation.updated",
            "conversation.resolved",
        ] {
            assert_eq!(
                classify(event, &conv, 1),
                Change::ConversationChanged { display_id: 77 },
                "{event}"
            );
        }
        let typing =
            serde_json::json!({"conversation": {"id": 77}, "user": {"id": 5}, "account_id": 1});
        for event in [
            "conversation.typing_on",
            "presence.update",
            "conversation.read",
            "notification.created",
            "message.updated",
        ] {
            let change = classify(event, &typing, 1);
            assert_eq!(change, Change::Other, "{event}");
            assert!(!change.needs_refresh());
        }
        // A conversation event without an id cannot be placed.
        assert_eq!(
            classify("conversation.created", &serde_json::json!({}), 1),
            Change::Other
        );
    }

    #[test]
    fn malformed_frames_are_errors_that_do_not_quote_the_frame() {
        for text in [
            "",
            "not json",
            "[1,2]",
            r#"{"identifier":"x"}"#,
            r#"{"message":{"event":"conversation.created"}}"#,
            r#"{"identifier":"x","message":{"data":{}}}"#,
            r#"{"type":"confirm_subscription"}"#,
        ] {
            let err = parse_frame(text);
            assert!(err.is_err(), "{text:?} parsed: {err:?}");
        }
        let leaky = format!(r#"{{"identifier":"{TOKEN}","message":"#);
        let err = parse_frame(&leaky).map(|_| ()).unwrap_err();
        assert!(!err.to_string().contains(TOKEN), "{err}");
    }

    #[test]
    fn cable_urls() {
        assert_eq!(
            cable_url("https://chat.example.com/"),
            Ok("wss://chat.example.com/cable".into())
        );
        assert_eq!(
            cable_url("http://127.0.0.1:3000"),
            Ok("ws://127.0.0.1:3000/cable".into())
        );
        assert_eq!(
            cable_url("https://example.com/chatwoot"),
            Ok("wss://example.com/chatwoot/cable".into())
        );
        assert!(cable_url("ftp://x").is_err());
        assert!(cable_url("chat.example.com").is_err());
        assert_eq!(
            origin_of("https://example.com/chatwoot"),
            "https://example.com"
        );
    }

    #[test]
    fn config_from_the_profile() {
        // GET /api/v1/profile (profiles/show.json.jbuilder), trimmed.
        let profile = serde_json::json!({
            "id": 5, "name": "Maya Chen", "email": "maya@example.com",
            "pubsub_token": TOKEN, "available_name": "Maya",
            "accounts": [{"id": 1, "name": "Acme", "role": "agent"}]
        });
        let config = LiveConfig::from_profile("https://chat.example.com/", 1, &profile);
        let Ok(config) = config else {
            panic!("config: {config:?}");
        };
        assert_eq!(config.cable_url, "wss://chat.example.com/cable");
        assert_eq!(config.origin.as_deref(), Some("https://chat.example.com"));
        assert_eq!((config.account_id, config.user_id), (1, 5));
        assert_eq!(identifier(&config), ident());

        let no_token = serde_json::json!({"id": 5, "pubsub_token": ""});
        assert!(LiveConfig::from_profile("https://x.example", 1, &no_token).is_err());
        let no_id = serde_json::json!({"pubsub_token": TOKEN});
        assert!(LiveConfig::from_profile("https://x.example", 1, &no_id).is_err());
    }

    #[test]
    fn identifier_has_the_room_channel_fields_and_debug_hides_the_token() {
        let config = LiveConfig::new("https://chat.example.com", Secret::new(TOKEN), 1, 5);
        let Ok(config) = config else {
            panic!("config: {config:?}");
        };
        assert_eq!(identifier(&config), ident());
        let debug = format!("{config:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("***"));
    }
}
