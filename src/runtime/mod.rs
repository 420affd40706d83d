//! The only place where the terminal, the clock and the store meet the pure
//! app: read events, run `update`, run its effects, draw when something changed.

pub mod effects;
pub mod terminal;

use std::collections::VecDeque;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures::{FutureExt, StreamExt};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{Event, State, update};
use crate::store::Store;
use crate::ui::{self, theme::Theme};
use crate::workspace::Workspace;

/// Open the full-screen workspace and run until the user quits or a signal
/// arrives. The terminal is restored on every way out.
pub async fn run(ws: Workspace, theme: Theme) -> anyhow::Result<()> {
    let result = run_inner(ws, theme).await;
    terminal::restore();
    result
}

async fn run_inner(mut ws: Workspace, theme: Theme) -> anyhow::Result<()> {
    let mut tui = terminal::enter()?;
    let mut state = State::new(ws.agent.clone(), Utc::now());
    state.read_only = ws.read_only;
    let size = tui.size()?;
    update(
        &mut state,
        Event::Resize {
            width: size.width,
            height: size.height,
        },
    );
    draw(&mut tui, &state, &theme)?;

    // The queue index loads on its own connection so the first frame never
    // waits for it.
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let database = ws.database().to_path_buf();
    let loader_tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let event = match Store::open(&database).and_then(|s| Ok((s.queue_rows()?, s.agents()?))) {
            Ok((rows, agents)) => Event::Loaded { rows, agents },
            Err(e) => Event::Failed {
                what: "Loading the queue".into(),
                error: e.to_string(),
            },
        };
        let _ = loader_tx.send(event);
    });

    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut pending: VecDeque<Event> = VecDeque::new();

    loop {
        let first = tokio::select! {
            maybe = input.next() => match maybe {
                Some(Ok(ev)) => translate(ev),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(ev) = rx.recv() => Some(ev),
            _ = tick.tick() => Some(Event::Tick(Utc::now())),
            _ = sigterm.recv() => { tracing::info!("SIGTERM: quitting"); Some(Event::Shutdown) }
            _ = sighup.recv() => { tracing::info!("SIGHUP: quitting"); Some(Event::Shutdown) }
        };
        pending.extend(first);
        // Drain whatever else is ready (a paste, a resize storm, key repeat)
        // so we draw once for the lot.
        while let Some(Some(Ok(ev))) = input.next().now_or_never() {
            pending.extend(translate(ev));
        }
        while let Ok(ev) = rx.try_recv() {
            pending.push_back(ev);
        }
        let mut dirty = false;
        while let Some(event) = pending.pop_front() {
            dirty |= changes_screen(&event, &state);
            for effect in update(&mut state, event) {
                // Store writes take well under a millisecond; running them
                // here keeps "durable before shown" trivially true.
                pending.push_back(effects::run(&mut ws.store, &state.me, effect));
            }
        }
        if state.quit {
            break;
        }
        if dirty {
            draw(&mut tui, &state, &theme)?;
        }
    }
    Ok(())
}

fn translate(ev: TermEvent) -> Option<Event> {
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
        _ => None,
    }
}

/// Ticks only matter when a clock on screen would change or a toast expires.
fn changes_screen(event: &Event, state: &State) -> bool {
    match event {
        Event::Tick(now) => {
            now.timestamp() / 60 != state.now.timestamp() / 60 || state.toast.is_some()
        }
        Event::DraftSaved | Event::Logged => false,
        _ => true,
    }
}

fn draw(tui: &mut terminal::Tui, state: &State, theme: &Theme) -> anyhow::Result<()> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    // Synchronized updates stop terminals from showing half-drawn frames.
    crossterm::queue!(tui.backend_mut(), BeginSynchronizedUpdate)?;
    tui.draw(|frame| ui::render(frame, state, theme))?;
    crossterm::execute!(tui.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}
