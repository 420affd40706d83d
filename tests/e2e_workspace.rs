//! The real binary in a pseudo-terminal, driven by keys as a person would.

mod common;

use common::{Sandbox, top_of_my_queue};
use serde_json::Value;

/// The verdicts of the last hour: this test's (the demo team's own are
/// hours old).
fn export(sb: &Sandbox) -> Vec<Value> {
    sb.stdout(&["feedback", "export", "--since", "1h", "--format", "jsonl"])
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn bad_flag_with_a_reason_reaches_feedback_export() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mut screen = sb.open(120, 40, &[("HANDOFF_LOG", "debug")]);
    screen.wait_for(&top);
    screen.send("b");
    screen.wait_for("AI could have resolved it");
    screen.send("2");
    screen.wait_until("the note prompt", |s| {
        !s.contains("AI could have resolved it")
    });
    screen.send("\x1b");
    screen.wait_for("wrong or missing data");
    screen.send("q");
    assert!(screen.wait_exit(), "handoff exits 0 on q");

    let records = export(&sb);
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!(r["handoff_id"], top.as_str());
    assert_eq!(r["verdict"], "bad");
    assert_eq!(r["reasons"], serde_json::json!(["wrong_data"]));
    assert_eq!(r["agent"], "Maya Chen");
}

#[test]
fn kill_9_right_after_the_key_loses_nothing() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mut screen = sb.open(100, 30, &[]);
    screen.wait_for(&top);
    screen.send("g");
    // The screen shows the verdict only once it is committed.
    screen.wait_for("Marked");
    screen.signal("KILL");
    assert!(!screen.wait_exit());

    let records = export(&sb);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["handoff_id"], top.as_str());
    assert_eq!(records[0]["verdict"], "good");
}

#[test]
fn a_draft_survives_kill_9() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mut screen = sb.open(100, 30, &[]);
    screen.wait_for(&top);
    screen.send("n");
    screen.send("Customer called back about the refund");
    screen.wait_for("called back about the refund");
    std::thread::sleep(std::time::Duration::from_millis(200));
    screen.signal("KILL");
    screen.wait_exit();

    let mut again = sb.open(100, 30, &[]);
    again.wait_for(&top);
    again.send("n");
    again.wait_for("called back about the refund");
    again.send("\x1b");
    // A lone Esc followed at once by q reads as Alt-q: wait for the box to close.
    again.wait_until("the compose box to close", |s| {
        !s.contains("called back about")
    });
    again.send("q");
    assert!(again.wait_exit());
}

fn assert_restored(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let tail = &text[text.len().saturating_sub(400)..];
    assert!(
        tail.contains("\x1b[?1049l"),
        "left the alternate screen: {tail:?}"
    );
    assert!(
        tail.contains("\x1b[?2004l"),
        "bracketed paste off: {tail:?}"
    );
    assert!(tail.contains("\x1b[?25h"), "cursor shown again: {tail:?}");
}

#[test]
fn terminal_is_restored_on_quit() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mut screen = sb.open(80, 24, &[]);
    screen.wait_for(&top);
    screen.send("q");
    assert!(screen.wait_exit());
    assert_restored(&screen.raw());
}

#[test]
fn terminal_is_restored_on_sigterm_and_sighup() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    for sig in ["TERM", "HUP"] {
        let mut screen = sb.open(80, 24, &[]);
        screen.wait_for(&top);
        screen.signal(sig);
        screen.wait_exit();
        assert_restored(&screen.raw());
    }
}

/// Closing the window under the program (the terminal's master side goes
/// away: SIGHUP, then every write fails) ends it quietly: no panic while
/// putting the terminal back, exit code 129 (128 + SIGHUP, as for every
/// signal that ends it; see e2e_signals.rs). The harness's own pty keeps a
/// reader open, which would keep the terminal alive, so python3's `pty`
/// (on every machine this builds on) holds this one.
#[test]
fn closing_the_window_ends_it_without_a_panic() {
    let sb = Sandbox::new();
    // Seeded first: a first run's demo history lands (and redraws) a moment
    // after the queue, which the "gone quiet" wait below could mistake.
    sb.stdout(&["demo"]);
    let script = r#"
import fcntl, os, pty, select, struct, sys, termios, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1]])
# 80x24 (a new pty is 0x0); a resize reaches the program as SIGWINCH.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
# Up once the queue has been drawn and the screen has gone quiet.
seen, deadline = b"", time.time() + 20
while time.time() < deadline:
    if not select.select([fd], [], [], 1.0)[0]:
        if b"Mine" in seen and len(seen) > 2000:
            break
        continue
    seen += os.read(fd, 65536)
os.close(fd)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"#;
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-c", script, common::BIN])
        .env("TERM", "xterm-256color")
        .env_remove("HANDOFF_AGENT");
    for (k, v) in sb.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("python3: {e}"));
    let log = std::fs::read_to_string(sb.data_dir().join("handoff.log")).unwrap_or_default();
    assert!(log.contains("SIGHUP"), "the hang-up did not arrive:\n{log}");
    assert!(!log.contains("panic"), "{log}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "129", "{log}");
}

/// A panic on the UI thread (a debug-build-only trigger: F12 with
/// HANDOFF_DEBUG_PANIC=1) leaves the shell a usable terminal and says where
/// the details are, once — also after an editor round trip, which runs the
/// terminal setup again.
#[test]
fn a_panic_restores_the_terminal_and_names_the_log() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    // Through a shell, so the terminal's own settings can be read after.
    let script = r#""$HANDOFF_BIN"; echo "handoff exited $?"; stty -a"#;
    let env = [
        ("HANDOFF_DEBUG_PANIC", "1"),
        ("VISUAL", "true"),
        ("EDITOR", ""),
    ];
    let mut screen = sb.open_shell(120, 40, script, &env);
    screen.wait_for(&top);
    // Reply box, Ctrl-E: `true` exits at once and the screen comes back.
    screen.send("r");
    screen.wait_for("Esc close");
    screen.send("\x05");
    let entered = |raw: &[u8]| raw.windows(8).filter(|w| w == b"\x1b[?1049h").count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while entered(&screen.raw()) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no editor round trip:\n{}",
            screen.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    screen.wait_for("Esc close");
    screen.send("\x1b");
    screen.wait_until("the box closed", |s| !s.contains("Esc close"));
    screen.send("\x1b[24~"); // F12
    screen.wait_for("handoff exited 101");
    screen.wait_for("speed");
    assert!(screen.wait_exit(), "stty ran");

    let text = screen.text();
    let log = sb.data_dir().join("handoff.log");
    let message = format!("details are in {}", log.display());
    assert_eq!(text.matches(&message).count(), 1, "{text}");
    common::assert_screen_restored(&screen, "after the panic");
    // `stty -a`: a cooked terminal, as the shell had it.
    common::assert_cooked(&text);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("panic on the UI thread") && logged.contains("F12 pressed"),
        "{logged}"
    );
}

#[test]
fn works_without_colour_when_no_color_is_set() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let mut screen = sb.open(80, 24, &[("NO_COLOR", "1")]);
    screen.wait_for(&top);
    let raw = String::from_utf8_lossy(&screen.raw()).into_owned();
    // No colour sequences at all (38;/48; set fg/bg), but reverse video for the selection.
    assert!(
        !raw.contains("\x1b[38;") && !raw.contains("\x1b[48;"),
        "colour under NO_COLOR"
    );
    assert!(
        raw.contains("\x1b[7m"),
        "selection still visible (reverse video)"
    );
    screen.send("q");
    assert!(screen.wait_exit());
}
