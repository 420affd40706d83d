//! Signals that end the workspace leave the shell a usable terminal and an
//! exit status that says which signal it was (128 + n), in a real
//! pseudo-terminal: the program runs under `sh`, which prints the status and
//! `stty -a` after it.

mod common;

use common::{Sandbox, assert_cooked, assert_screen_restored, top_of_my_queue};

/// Every kind of ending signal: typed at a terminal (INT, QUIT), sent by
/// a service manager or a closed session (TERM, HUP), and the ones nobody
/// expects (USR1, ALRM, a real-time signal).
const SIGNALS: &[(&str, u8)] = &[
    ("INT", 2),
    ("QUIT", 3),
    ("TERM", 15),
    ("HUP", 1),
    ("USR1", 10),
    ("ALRM", 14),
    ("RTMIN+3", 37),
];

#[test]
fn every_ending_signal_restores_the_terminal_and_exits_128_plus_n() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let script = r#""$HANDOFF_BIN"; echo "handoff exited $?"; stty -a"#;
    for &(name, number) in SIGNALS {
        let mut screen = sb.open_shell(100, 30, script, &[]);
        screen.wait_for(&top);
        let pid = screen
            .shell_child()
            .unwrap_or_else(|| panic!("SIG{name}: no handoff process under the shell"));
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "kill -{name} {pid}");
        screen.wait_for(&format!("handoff exited {}", 128 + number));
        screen.wait_for("speed");
        assert!(screen.wait_exit(), "SIG{name}: stty ran");

        assert_screen_restored(&screen, &format!("SIG{name}"));
        let raw = String::from_utf8_lossy(&screen.raw()).into_owned();
        let tail = &raw[raw.rfind("\x1b[?1049l").unwrap_or(0)..];
        assert!(
            raw.contains("\x1b[?2004l"),
            "SIG{name}: bracketed paste left on: {tail:?}"
        );
        assert_cooked(&screen.text());
    }
}

/// While `$VISUAL` has the terminal it is out of raw mode, so Ctrl-C there
/// sends SIGINT to the workspace as well as the editor: the workspace keeps
/// running and gets the terminal back when the editor exits.
#[test]
fn ctrl_c_in_the_editor_is_the_editors() {
    let sb = Sandbox::new();
    let top = top_of_my_queue(&sb);
    let stop = sb.dir.path().join("stop");
    let stop_text = stop.display().to_string();
    // An editor that survives Ctrl-C (as vi and nano do), says so, and
    // exits when the test says.
    let editor =
        r#"sh -c 'trap "echo editor-got-ctrl-c" INT; while [ ! -e "$STOP" ]; do sleep 0.1; done'"#;
    let env = [("VISUAL", editor), ("EDITOR", ""), ("STOP", &stop_text)];
    let mut screen = sb.open(100, 30, &env);
    screen.wait_for(&top);
    screen.send("r");
    screen.wait_for("Esc close");
    screen.send("\x05"); // Ctrl-E
    screen.wait_until("the editor has the terminal", |s| !s.contains(&top));
    screen.send("\x03"); // Ctrl-C, as the terminal turns it into SIGINT
    screen.wait_for("editor-got-ctrl-c");
    std::fs::write(&stop, "").unwrap_or_else(|e| panic!("{stop_text}: {e}"));
    screen.wait_for("Esc close");
    screen.send("\x1b");
    screen.wait_until("the box closed", |s| !s.contains("Esc close"));
    screen.send("q");
    assert!(screen.wait_exit(), "quit with q, status 0");
}
