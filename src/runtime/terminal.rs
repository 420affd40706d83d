//! Terminal setup and restore. Restore runs exactly once, whether the app
//! quits, panics on the UI thread, or gets SIGTERM/SIGHUP; it turns mouse
//! reporting off too, so the shell is never left receiving mouse codes.

use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Once, OnceLock};
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
/// `enter` runs again after each editor round trip; the hook goes in once,
/// or each would chain to the last and a panic would report many times.
static PANIC_HOOK: Once = Once::new();
/// The log file a panic is written to and the message after it names.
static LOG_FILE: OnceLock<PathBuf> = OnceLock::new();

/// The terminal, dropped safely: ratatui's `Terminal` shows the cursor when
/// dropped and `eprintln!`s if it cannot, and printing to a terminal that
/// has gone away (SIGHUP after the window closed) panics. So the cursor is
/// shown here first and, if the terminal is gone, the `Terminal` is never
/// dropped (the process is on its way out; `restore` has done the rest).
pub struct Tui(Option<Terminal<CrosstermBackend<Stdout>>>);

impl std::ops::Deref for Tui {
    type Target = Terminal<CrosstermBackend<Stdout>>;
    fn deref(&self) -> &Self::Target {
        match &self.0 {
            Some(t) => t,
            // Only `drop` takes it out.
            None => unreachable!("terminal used after drop"),
        }
    }
}

impl std::ops::DerefMut for Tui {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.0 {
            Some(t) => t,
            None => unreachable!("terminal used after drop"),
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Some(mut terminal) = self.0.take()
            && terminal.show_cursor().is_err()
        {
            std::mem::forget(terminal);
        }
    }
}

/// Ask `enter` to turn mouse reporting on (or not). Set before `enter`.
pub fn use_mouse(on: bool) {
    MOUSE.store(on, Ordering::SeqCst);
}

/// Whether mouse reporting is on: with it off, mouse codes that still
/// arrive (pasted, or from a terminal that ignores the modes) are dropped.
pub fn mouse_enabled() -> bool {
    MOUSE.load(Ordering::SeqCst)
}

/// Where the log is, for the message a panic leaves. Set before `enter`.
pub fn log_file(path: PathBuf) {
    let _ = LOG_FILE.set(path);
}

pub fn enter() -> io::Result<Tui> {
    PANIC_HOOK.call_once(install_panic_hook);
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide)?;
    if MOUSE.load(Ordering::SeqCst) {
        execute!(out, EnableMouseClicks)?;
    }
    Terminal::new(CrosstermBackend::new(io::stdout())).map(|t| Tui(Some(t)))
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
        if UI_THREAD.get() != Some(&std::thread::current().id()) {
            previous(info);
            return;
        }
        restore();
        // Straight to the file, not through `tracing`: the panic may have
        // come from inside the subscriber, holding its lock.
        let logged = LOG_FILE.get().filter(|path| log_panic(path, info).is_ok());
        previous(info);
        let message = match logged {
            Some(path) => format!(
                "handoff stopped on an internal error; details are in {}",
                path.display()
            ),
            None => "handoff stopped on an internal error".to_string(),
        };
        // Not `eprintln!`: with the terminal gone (a hangup) it would panic
        // again inside the hook, and that aborts.
        let _ = writeln!(io::stderr(), "{message}");
    }));
}

/// Append the panic and a backtrace to the log, as a log line would read.
fn log_panic(path: &std::path::Path, info: &std::panic::PanicHookInfo<'_>) -> io::Result<()> {
    let mut file = crate::private::append(path)?;
    let backtrace = std::backtrace::Backtrace::force_capture();
    writeln!(
        file,
        "{} ERROR handoff: panic on the UI thread: {info}\n{backtrace}",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )?;
    file.flush()
}

/// Testing the panic path needs a real panic in the real binary. In debug
/// builds only (the tests run the debug binary; a release build compiles
/// this to nothing), `HANDOFF_DEBUG_PANIC=1` makes F12 panic on the UI
/// thread. Not documented for users: it exists for tests/e2e_workspace.rs.
#[cfg(debug_assertions)]
pub fn crash_if_asked(event: &crossterm::event::Event) {
    use crossterm::event::{Event, KeyCode};
    if let Event::Key(key) = event
        && key.code == KeyCode::F(12)
        && std::env::var_os("HANDOFF_DEBUG_PANIC").is_some_and(|v| v == "1")
    {
        panic!("HANDOFF_DEBUG_PANIC: F12 pressed");
    }
}

#[cfg(not(debug_assertions))]
pub fn crash_if_asked(_event: &crossterm::event::Event) {}

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
