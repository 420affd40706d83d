//! The only place where the terminal, the clock and the store meet the pure
//! app: read events, run `update`, run its effects, draw when something changed.

pub mod editor;
pub mod effects;
pub mod external;
mod filter_worker;
pub mod input;
mod perform;
pub mod settings;
pub mod signals;
pub mod terminal;
pub mod watch;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use tokio::sync::mpsc;

use crate::app::state::Drawn;
use crate::app::{Effect, Event, Link, State, update};
use crate::backend::News;
use crate::domain::filter::Snapshot;
use crate::outbox::worker::{Deliverer, Notice, Webhook};
use crate::store::PendingCheck;
use crate::ui::{self, theme::Theme};
use crate::workspace::Workspace;
use filter_worker::FilterWorker;

/// Open the full-screen workspace and run until the user quits or a signal
/// arrives. The terminal is restored on every way out. `Some(n)`: signal
/// `n` ended it (the caller exits with 128 + n).
pub async fn run(ws: Workspace, theme: Theme) -> anyhow::Result<Option<i32>> {
    let result = run_inner(ws, theme).await;
    terminal::restore();
    result
}

async fn run_inner(mut ws: Workspace, theme: Theme) -> anyhow::Result<Option<i32>> {
    // Caught before the terminal changes, so none can leave it changed.
    let mut signals = signals::Signals::catch()?;
    let mut ended_by = None;
    terminal::use_mouse(ws.config.mouse.unwrap_or(true));
    terminal::log_file(ws.paths.log.clone());
    // The queue index loads on its own connection, started before the
    // terminal is set up so the first frame and the read overlap; it only
    // reads. Whether it then watches the store is said after the check.
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let database = ws.database().to_path_buf();
    let (changes_tx, mut changes_rx) = mpsc::unbounded_channel();
    let (watch_tx, watch_rx) = std::sync::mpsc::channel();
    watch::spawn(database.clone(), watch_rx, tx.clone(), changes_tx);
    let mut tui = terminal::enter()?;
    let mut state = State::with_settings(ws.agent.clone(), Utc::now(), settings::resolve(&ws));
    state.agent_guessed = ws.agent_guessed;
    let size = tui.size()?;
    update(
        &mut state,
        Event::Resize {
            width: size.width,
            height: size.height,
        },
    );
    draw(&mut tui, &mut state, &theme)?;

    // The store's quick check reads the whole file, so it starts once the
    // open handoffs are on screen (or could not be read): started with the
    // load, it took the cores the load needed. Until it answers, keys work
    // but what they would write to the store waits in `held`, and the
    // clock and everything else that writes (outbox, helpdesk sync) wait
    // too: none of it may touch a damaged store. Without a check it
    // answers at once.
    let mut quick_check = ws.take_check();
    let mut check = quick_check.is_none().then(|| start_check(None));
    let mut checked = false;
    let mut held: Vec<Effect> = Vec::new();
    let mut pending: VecDeque<Event> = VecDeque::new();
    let (news_tx, mut news_rx) = mpsc::unbounded_channel::<News>();
    let (notice_tx, mut notice_rx) = mpsc::unbounded_channel::<Notice>();
    let mut writers = Writers::default();
    let mut own_writes = watch::OwnWrites::default();

    let filter_worker = FilterWorker::spawn(tx.clone());

    // Terminal input is read on a thread of its own and handed over a
    // channel; it pauses while an external editor has the terminal.
    let mut input = input::Input::spawn();
    // The editor's outcome; until it comes the screen is not drawn.
    let (editor_tx, mut editor_rx) = mpsc::unbounded_channel::<editor::Outcome>();
    let mut suspended = false;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut load_failed = false;

    loop {
        let first = tokio::select! {
            done = async {
                match check.as_mut() {
                    Some(c) => Some(c.await),
                    None => None,
                }
            }, if check.is_some() => {
                check = None;
                checked = true;
                match done {
                    Some(Ok(Err(e))) => return Err(e.into()),
                    Some(Err(e)) => return Err(e.into()),
                    Some(Ok(Ok(()))) | None => {}
                }
                writers = Writers::start(&ws, &news_tx, &notice_tx, &mut pending);
                // Once loaded, unless a sync task of ours reloads the store,
                // the loader's thread watches it for other processes' writes.
                let _ = watch_tx.send(writers.helpdesk.is_none());
                // The clock, now running, and the writes held meanwhile.
                Some(Event::Tick(Utc::now()))
            }
            maybe = input.events.recv() => match maybe {
                Some(Ok(ev)) => translate(ev),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some((target, result)) = editor_rx.recv() => {
                // Back from the editor: the screen, the keys, a full redraw
                // at the size the terminal has now.
                // A new `Terminal` has a blank back buffer, so clearing
                // the screen makes its next draw a full one. (`tui.clear()`
                // would ask the terminal for the cursor position first.)
                tui = terminal::enter()?;
                crossterm::execute!(
                    std::io::stdout(),
                    crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
                )?;
                input.resume();
                suspended = false;
                let size = tui.size()?;
                pending.push_back(Event::Resize {
                    width: size.width,
                    height: size.height,
                });
                Some(Event::Edited { target, result })
            }
            Some(ev) = rx.recv() => Some(ev),
            Some(news) = news_rx.recv() => Some(from_news(news)),
            Some(notice) = notice_rx.recv() => Some(from_notice(notice)),
            // Not before the first load, which a change must land on.
            Some(found) = changes_rx.recv(), if state.loaded => own_writes.screen(found, &state),
            _ = tick.tick(), if checked => Some(Event::Tick(Utc::now())),
            number = signals.recv() => {
                let name = signals::name(number);
                if suspended && signals::typed(number) {
                    tracing::info!("{name} while the editor runs: the editor's");
                    None
                } else {
                    tracing::info!("{name}: quitting");
                    ended_by = Some(number);
                    Some(Event::Shutdown)
                }
            }
        };
        pending.extend(first);
        // Drain whatever else is ready (a paste, a resize storm, key repeat)
        // so we draw once for the lot.
        while let Ok(Ok(ev)) = input.events.try_recv() {
            pending.extend(translate(ev));
        }
        while let Ok(ev) = rx.try_recv() {
            pending.push_back(ev);
        }
        while let Ok(news) = news_rx.try_recv() {
            pending.push_back(from_news(news));
        }
        while let Ok(notice) = notice_rx.try_recv() {
            pending.push_back(from_notice(notice));
        }
        while let Some(found) = state.loaded.then(|| changes_rx.try_recv().ok()).flatten() {
            pending.extend(own_writes.screen(found, &state));
        }
        let mut dirty = false;
        // The newest filter run asked for; handed to the worker after the
        // frame is drawn, so its threads do not compete with the echo of the
        // keystroke for the CPU.
        let mut filter_job: Option<(u64, Box<Snapshot>)> = None;
        let was_filtering = state.filter.editing;
        while let Some(event) = pending.pop_front() {
            dirty |= changes_screen(&event, &state);
            load_failed |= matches!(event, Event::Failed { .. });
            let loaded = matches!(
                event,
                Event::Loaded { .. } | Event::LoadedOpen { .. } | Event::LoadedRest { .. }
            );
            let started = std::time::Instant::now();
            let mut effects = update(&mut state, event);
            if checked && !held.is_empty() {
                // The store is sound: the writes held for it go first.
                effects.splice(0..0, held.drain(..));
            } else if !checked {
                let (hold, now): (Vec<Effect>, Vec<Effect>) =
                    effects.into_iter().partition(Effect::writes_store);
                held.extend(hold);
                effects = now;
            }
            if loaded {
                let ms = started.elapsed().as_secs_f64() * 1e3;
                tracing::debug!(rows = state.queue.rows().len(), ms, "queue taken in");
            }
            for effect in effects {
                let mut runner = perform::Runner {
                    ws: &mut ws,
                    me: &state.me,
                    input: &input,
                    editor_tx: &editor_tx,
                    tx: &tx,
                    filter_worker: filter_worker.as_ref(),
                    wakes: &writers.wakes,
                    own_writes: &mut own_writes,
                    suspended: &mut suspended,
                    filter_job: &mut filter_job,
                    pending: &mut pending,
                };
                runner.perform(effect).await;
            }
        }
        if state.quit {
            break;
        }
        if dirty && !suspended {
            draw(&mut tui, &mut state, &theme)?;
        }
        if check.is_none() && !checked && (state.loaded || load_failed) {
            check = Some(start_check(quick_check.take()));
        }
        // The filter just opened on a long queue: while the agent finds the
        // first key, bring the rows back into the caches, so the first
        // letter (a full scan) does not pay for reading them cold.
        if let Some(worker) = &filter_worker
            && state.filter.editing
            && !was_filtering
            && state.queue.rows().len() > state.filter_inline_rows
        {
            worker.warm(state.queue.rows().clone());
        }
        if let (Some((generation, snapshot)), Some(worker)) = (filter_job, &filter_worker)
            && let Err(snapshot) = worker.send(generation, snapshot)
        {
            // No worker after all: filter here; the answer comes round as
            // any other event.
            let effect = Effect::Filter {
                generation,
                snapshot,
            };
            let _ = tx.send(effects::run(&mut ws.store, &state.me, effect));
        }
    }
    Ok(ended_by)
}

/// Run the store's quick check (none answers at once) off the event loop.
fn start_check(check: Option<PendingCheck>) -> tokio::task::JoinHandle<crate::store::Result<()>> {
    tokio::task::spawn_blocking(move || check.map_or(Ok(()), PendingCheck::wait))
}

/// What writes outside the screen's own saves: the helpdesk's sync tasks
/// and a delivery loop per outbox destination, started once the store is
/// known to be sound.
#[derive(Default)]
struct Writers {
    /// Kept for as long as the screen runs: its tasks stop with it.
    helpdesk: Option<crate::backend::task::Started>,
    /// Pokes for the delivery loops, after each write that has a destination.
    wakes: Vec<Arc<tokio::sync::Notify>>,
}

impl Writers {
    fn start(
        ws: &Workspace,
        news: &mpsc::UnboundedSender<News>,
        notices: &mpsc::UnboundedSender<Notice>,
        pending: &mut VecDeque<Event>,
    ) -> Writers {
        let database = ws.database().to_path_buf();
        // A helpdesk syncs on tasks and connections of their own; the screen
        // keeps reading the store, reloaded after each refresh.
        let helpdesk = match (&ws.desk, ws.read_only) {
            (Some(desk), false) => crate::backend::task::start(
                desk,
                database.clone(),
                ws.store.routing(),
                news.clone(),
            ),
            _ => None,
        };
        // Changes leave through the outbox, one delivery loop per
        // destination, each on a connection of its own, off this loop.
        let mut destinations: Vec<Arc<dyn Deliverer>> = Vec::new();
        if let Some(cfg) = ws.config.webhook.clone().filter(|_| !ws.read_only) {
            match Webhook::new(cfg) {
                Ok(w) => destinations.push(Arc::new(w)),
                Err(error) => pending.push_back(Event::Failed {
                    what: "Starting webhook delivery".into(),
                    error,
                }),
            }
        }
        destinations.extend(helpdesk.as_ref().map(|h| h.outbox.clone()));
        let wakes = destinations
            .into_iter()
            .map(|to| {
                let wake = Arc::new(tokio::sync::Notify::new());
                let worker =
                    crate::outbox::worker::run(database.clone(), to, wake.clone(), notices.clone());
                tokio::spawn(worker);
                wake
            })
            .collect();
        Writers { helpdesk, wakes }
    }
}

/// What the helpdesk tasks said, as the screen hears it.
fn from_news(news: News) -> Event {
    match news {
        News::Syncing { last_synced } => Event::Synced {
            data: None,
            link: Link::Syncing,
            last_synced,
        },
        News::Synced { rows, last_synced } => Event::Synced {
            data: rows,
            link: Link::Online,
            last_synced,
        },
        News::Failed { error, last_synced } => Event::Synced {
            data: None,
            link: Link::Offline(error),
            last_synced,
        },
        News::Live { up } => Event::Live { up },
    }
}

/// What a delivery loop said, as the screen hears it.
fn from_notice(notice: Notice) -> Event {
    match notice {
        Notice::Waiting { pending, failed } => Event::Outbox { pending, failed },
        Notice::NotStarted { what, error } => Event::Failed { what, error },
    }
}

fn translate(ev: TermEvent) -> Option<Event> {
    tracing::debug!(event = ?ev, "terminal event");
    // Debug builds only: a way for the tests to panic the UI thread.
    terminal::crash_if_asked(&ev);
    match ev {
        TermEvent::Key(k) if k.kind == KeyEventKind::Press || k.kind == KeyEventKind::Repeat => {
            // Ctrl-Z would stop us with the terminal in raw mode; ignore it.
            if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
                return None;
            }
            Some(Event::Key(k))
        }
        TermEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        TermEvent::Paste(text) => Some(Event::Paste(text)),
        // Clicks and the wheel only: releases, drags and moves change
        // nothing, and passing them on would redraw for each.
        TermEvent::Mouse(m) if terminal::mouse_enabled() && acted_on(m.kind) => {
            Some(Event::Mouse(m))
        }
        _ => None,
    }
}

/// The mouse events `app::mouse` acts on: a left click and the wheel.
fn acted_on(kind: MouseEventKind) -> bool {
    matches!(
        kind,
        MouseEventKind::Down(MouseButton::Left)
            | MouseEventKind::ScrollDown
            | MouseEventKind::ScrollUp
    )
}

/// Ticks only matter when a clock on screen would change or a toast expires.
fn changes_screen(event: &Event, state: &State) -> bool {
    match event {
        Event::Tick(now) => {
            now.timestamp() / 60 != state.now.timestamp() / 60 || state.toast.is_some()
        }
        Event::DraftSaved | Event::Logged => false,
        // A filter result for text typed over is dropped unseen.
        Event::Filtered { generation, .. } => *generation == state.filter.generation,
        _ => true,
    }
}

/// Draw a frame, then tell `update` how far what it drew can scroll, if
/// that changed (and draw again if a scroll had to come back within it).
fn draw(tui: &mut terminal::Tui, state: &mut State, theme: &Theme) -> anyhow::Result<()> {
    let drawn = draw_once(tui, state, theme)?;
    if drawn.is_news(&state.room) {
        let scrolls = (state.detail_scroll, state.lead_scroll);
        // Measuring asks for nothing to be done: no effects.
        let _ = update(state, Event::Drawn(drawn));
        if scrolls != (state.detail_scroll, state.lead_scroll) {
            draw_once(tui, state, theme)?;
        }
    }
    Ok(())
}

fn draw_once(tui: &mut terminal::Tui, state: &State, theme: &Theme) -> anyhow::Result<Drawn> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    // Synchronized updates stop terminals from showing half-drawn frames.
    crossterm::queue!(tui.backend_mut(), BeginSynchronizedUpdate)?;
    let mut drawn = Drawn::default();
    tui.draw(|frame| drawn = ui::render(frame, state, theme))?;
    crossterm::execute!(tui.backend_mut(), EndSynchronizedUpdate)?;
    Ok(drawn)
}
