//! Terminal setup and restore. Restore runs exactly once, whether the app
//! quits, panics on the UI thread, or gets SIGTERM/SIGHUP; it turns mouse
//! reporting off too, so the shell is never left receiving mouse codes.

use std::io::{self, Stdout, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ThreadId;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{Command, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether `enter` turns mouse reporting on (config `mouse`, `--no-mouse`).
static MOUSE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Ask `enter` to turn mouse reporting on (or not). Set before `enter`.
pub fn use_mouse(on: bool) {
    MOUSE.store(on, Ordering::SeqCst);
}

/// Whether mouse reporting is on: with it off, mouse codes that still
/// arrive (pasted, or from a terminal that ignores the modes) are dropped.
pub fn mouse_enabled() -> bool {
    MOUSE.load(Ordering::SeqCst)
}

pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide)?;
    if MOUSE.load(Ordering::SeqCst) {
        execute!(out, EnableMouseClicks)?;
    }
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Undo everything `enter` did, in reverse. Safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        if MOUSE.load(Ordering::SeqCst) {
            // Turns off every mouse mode, whichever the terminal had on.
            let _ = execute!(out, DisableMouseCapture);
        }
        let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic in a background task must not tear the terminal out from
        // under a live UI; only the UI thread's panic ends the session.
        if UI_THREAD.get() == Some(&std::thread::current().id()) {
            restore();
        }
        previous(info);
    }));
}

/// Mouse reporting for presses, releases and the wheel (mode 1000) in the
/// SGR encoding (1006). crossterm's `EnableMouseCapture` also asks for every
/// motion (1002, 1003): the app reads no drags or hovers, and each move of
/// the pointer would wake it (over ssh, a stream of bytes) for nothing.
struct EnableMouseClicks;

impl Command for EnableMouseClicks {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        f.write_str("\x1b[?1000h\x1b[?1006h")
    }
}
