//! Driving the real `handoff` binary: in a pseudo-terminal for the full
//! screen (bytes parsed by vt100, as a terminal would), or as a plain command.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_handoff");

/// A data dir and empty config of its own, so tests never touch the user's.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::fs::write(dir.path().join("config.toml"), "")
            .unwrap_or_else(|e| panic!("config: {e}"));
        Sandbox { dir }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "HANDOFF_DATA_DIR".into(),
                self.data_dir().display().to_string(),
            ),
            ("HANDOFF_CONFIG".into(), self.config().display().to_string()),
        ]
    }

    /// Run a subcommand to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_with_env(args, stdin, &[])
    }

    /// A subcommand with `extra_env` set (e.g. `HANDOFF_AGENT`).
    pub fn run_with_env(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        extra_env: &[(&str, &str)],
    ) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("NO_COLOR")
            .env_remove("HANDOFF_AGENT")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
        if let Some(mut pipe) = child.stdin.take() {
            if let Some(text) = stdin {
                let _ = pipe.write_all(text.as_bytes());
            }
        }
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait: {e}"))
    }

    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "handoff {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn open(&self, cols: u16, rows: u16, extra_env: &[(&str, &str)]) -> Screen {
        Screen::spawn(self, cols, rows, BIN, &[], extra_env)
    }

    /// The full screen started with command-line `args` (e.g. `--no-mouse`).
    pub fn open_with_args(&self, cols: u16, rows: u16, args: &[&str]) -> Screen {
        Screen::spawn(self, cols, rows, BIN, args, &[])
    }

    /// `sh -c script` in the pseudo-terminal, with `$HANDOFF_BIN` naming the
    /// binary: to run something on the same terminal after it exits (`stty`).
    pub fn open_shell(
        &self,
        cols: u16,
        rows: u16,
        script: &str,
        extra_env: &[(&str, &str)],
    ) -> Screen {
        let mut env = vec![("HANDOFF_BIN", BIN)];
        env.extend_from_slice(extra_env);
        Screen::spawn(self, cols, rows, "sh", &["-c", script], &env)
    }
}

/// What a terminal would have done beyond drawing text.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    pub titles: Vec<String>,
    pub clipboard: Vec<String>,
    pub bells: usize,
    pub oscs: Vec<String>,
}

#[derive(Default)]
struct Watch(Effects);

impl vt100::Callbacks for Watch {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.0.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.0
            .titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.0
            .titles
            .push(String::from_utf8_lossy(name).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.0
            .clipboard
            .push(String::from_utf8_lossy(data).into_owned());
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let joined: Vec<String> = params
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        self.0.oscs.push(joined.join(";"));
    }
}

/// What a terminal would do with `bytes` written to it raw.
pub fn effects_of(bytes: &[u8]) -> Effects {
    let size = std::num::NonZeroU16::new(40).unwrap_or(std::num::NonZeroU16::MIN);
    let mut parser = vt100::Parser::new_with_callbacks(size, size, 0, Watch::default());
    parser.process(bytes);
    parser.callbacks().0.clone()
}

/// The full screen running in a pseudo-terminal.
pub struct Screen {
    parser: Arc<Mutex<vt100::Parser<Watch>>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    /// The program's log file, shown when it misbehaves.
    log: Option<PathBuf>,
}

impl Screen {
    fn spawn(
        sandbox: &Sandbox,
        cols: u16,
        rows: u16,
        program: &str,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> Screen {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap_or_else(|e| panic!("openpty: {e}"));
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("HANDOFF_AGENT");
        for (k, v) in sandbox.env() {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .unwrap_or_else(|e| panic!("reader: {e}"));
        let writer = pair
            .master
            .take_writer()
            .unwrap_or_else(|e| panic!("writer: {e}"));
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            std::num::NonZeroU16::new(rows.max(1)).unwrap_or(std::num::NonZeroU16::MIN),
            std::num::NonZeroU16::new(cols.max(1)).unwrap_or(std::num::NonZeroU16::MIN),
            0,
            Watch::default(),
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut parser) = p.lock() {
                    parser.process(&buf[..n]);
                }
                if let Ok(mut raw) = r.lock() {
                    raw.extend_from_slice(&buf[..n]);
                }
            }
        });
        Screen {
            parser,
            raw,
            writer,
            child,
            _master: pair.master,
            log: Some(sandbox.data_dir().join("handoff.log")),
        }
    }

    pub fn text(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    pub fn effects(&self) -> Effects {
        self.parser
            .lock()
            .map(|p| p.callbacks().0.clone())
            .unwrap_or_default()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Wait until the screen shows `needle`; panic with the screen if not.
    pub fn wait_for(&self, needle: &str) {
        self.wait_until(needle, |s| s.contains(needle));
    }

    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text();
            if pred(&text) {
                return;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what:?}; screen:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .unwrap_or_else(|e| panic!("write: {e}"));
        let _ = self.writer.flush();
        // A terminal reads Esc followed at once by a key as Alt+key; a person
        // never types that fast, so neither does the test.
        if keys.ends_with('\x1b') {
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Which mouse reports the program asked the terminal for, and how
    /// they are encoded.
    pub fn mouse_mode(&self) -> (vt100::MouseProtocolMode, vt100::MouseProtocolEncoding) {
        self.parser
            .lock()
            .map(|p| {
                (
                    p.screen().mouse_protocol_mode(),
                    p.screen().mouse_protocol_encoding(),
                )
            })
            .unwrap_or_default()
    }

    /// Whether the program left the terminal on the alternate screen.
    pub fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or_default()
    }

    /// Whether the program left the cursor hidden.
    pub fn cursor_hidden(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().hide_cursor())
            .unwrap_or_default()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Wait for the program to exit; returns whether it exited successfully.
    pub fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread drain the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.success();
            }
            if Instant::now() > deadline {
                let raw = self.raw();
                let tail =
                    String::from_utf8_lossy(&raw[raw.len().saturating_sub(300)..]).into_owned();
                let stack = self
                    .pid()
                    .and_then(|p| {
                        Command::new("gdb")
                            .args([
                                "-p",
                                &p.to_string(),
                                "-batch",
                                "-ex",
                                "thread apply all bt 15",
                            ])
                            .output()
                            .ok()
                    })
                    .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                    .unwrap_or_default();
                let _ = self.child.kill();
                let log = self
                    .log
                    .as_ref()
                    .and_then(|p| std::fs::read_to_string(p).ok())
                    .unwrap_or_default();
                panic!(
                    "did not exit; screen:\n{}\nraw tail: {tail:?}\nlog:\n{log}\n{stack}",
                    self.text()
                );
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// The process the shell of `open_shell` is running now (its one
    /// child), to signal it rather than the shell.
    pub fn shell_child(&self) -> Option<u32> {
        let pid = self.pid()?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let children =
                std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
            if let Some(child) = children.split_whitespace().next() {
                return child.parse().ok();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn signal(&self, sig: &str) {
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill")
                .args([&format!("-{sig}"), &pid.to_string()])
                .status();
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// No byte a terminal would act on: C0 controls other than newline, DEL,
/// C1 controls, bidi overrides and isolates, zero-width and tag characters;
/// and no hidden payload ("pwned") survived.
pub fn assert_clean_bytes(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        let bad = (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}')
            || ('\u{e0000}'..='\u{e007f}').contains(&c);
        assert!(
            !bad,
            "{what}: {c:?} at byte {i} in {:?}",
            &text[i.saturating_sub(40)..(i + 10).min(text.len())]
        );
    }
    assert!(!text.contains("pwned"), "{what}: a hidden payload leaked");
}

/// The program left the terminal as it found it: main screen, cursor
/// shown, no mouse reporting.
pub fn assert_screen_restored(screen: &Screen, what: &str) {
    let text = screen.text();
    assert!(!screen.alternate_screen(), "{what}: alt screen:\n{text}");
    assert!(!screen.cursor_hidden(), "{what}: cursor hidden:\n{text}");
    assert_eq!(
        screen.mouse_mode().0,
        vt100::MouseProtocolMode::None,
        "{what}: mouse reporting left on"
    );
}

/// `stty -a` on screen says the terminal is cooked again, as the shell had
/// it: line editing, echo, signals from keys, CR-to-NL and output processing.
pub fn assert_cooked(text: &str) {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';')
        .collect();
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(words.contains(&flag), "{flag} off:\n{text}");
    }
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// The id the screen selects first: the top of my queue.
pub fn top_of_my_queue(sb: &Sandbox) -> String {
    let out = sb.stdout(&["queue", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    rows.get(0)
        .and_then(|r| r.get("id"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| panic!("empty queue: {out}"))
}

/// A Chatwoot API response from tests/fixtures/chatwoot, in the shapes of
/// its OpenAPI spec.
pub fn chatwoot_fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/chatwoot/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A Zendesk API response from tests/fixtures/zendesk, in the shapes of its
/// recorded responses (tests/fixtures/zendesk/recorded).
pub fn zendesk_fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/zendesk/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Standard base64 with padding, for checking `Authorization: Basic …`.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
