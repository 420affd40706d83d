//! The mouse through the real binary in a pseudo-terminal: the terminal is
//! asked for clicks, the clicks (sent as an xterm sends them, SGR encoded)
//! select what is drawn under them, and `--no-mouse` leaves them alone.

mod common;

use common::{Sandbox, Screen};
use serde_json::Value;
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

/// My queue's ids, in the order the screen shows them.
fn my_queue(sb: &Sandbox) -> Vec<String> {
    let out = sb.stdout(&["queue", "--json"]);
    let rows: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    let ids: Vec<String> = rows
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    assert!(ids.len() >= 5, "queue too short: {out}");
    ids
}

/// An xterm's left click at 0-based cell (x, y): press, then release.
fn click(screen: &mut Screen, x: u16, y: u16) {
    screen.send(&format!("\x1b[<0;{};{}M", x + 1, y + 1));
    screen.send(&format!("\x1b[<0;{};{}m", x + 1, y + 1));
}

/// One notch of the wheel, down, at (x, y).
fn wheel_down(screen: &mut Screen, x: u16, y: u16) {
    screen.send(&format!("\x1b[<65;{};{}M", x + 1, y + 1));
}

#[test]
fn clicks_and_the_wheel_select_and_scroll_at_both_layouts() {
    let sb = Sandbox::new();
    let ids = my_queue(&sb);
    // Side by side, stacked, and the compact mode.
    for (w, h, detail) in [(170, 40, (130, 12)), (80, 24, (10, 16)), (60, 20, (10, 14))] {
        let mut screen = sb.open(w, h, &[]);
        screen.wait_for(&ids[0]);
        assert_eq!(
            screen.mouse_mode(),
            (MouseProtocolMode::PressRelease, MouseProtocolEncoding::Sgr),
            "{w}x{h}: clicks asked for, SGR encoded, and no motion reports"
        );
        // The top line, the header, then the rows: the third row is line 4.
        click(&mut screen, 5, 4);
        screen.wait_for(&ids[2]);
        wheel_down(&mut screen, 5, 4);
        screen.wait_for(&ids[3]);
        // A click in the summary gives it focus: its title gets the marker.
        click(&mut screen, detail.0, detail.1);
        screen.wait_until("the summary focused", |s| {
            s.lines().any(|l| l.contains(&format!("▌{}", ids[3])))
        });
        screen.send("q");
        assert!(screen.wait_exit(), "{w}x{h}: exits 0");
        assert_eq!(
            screen.mouse_mode().0,
            MouseProtocolMode::None,
            "{w}x{h}: mouse reporting left on after quitting"
        );
    }
}

#[test]
fn no_mouse_leaves_the_mouse_to_the_terminal() {
    let sb = Sandbox::new();
    let ids = my_queue(&sb);
    let mut screen = sb.open_with_args(80, 24, &["--no-mouse"]);
    screen.wait_for(&ids[0]);
    assert_eq!(screen.mouse_mode().0, MouseProtocolMode::None);
    // Codes that arrive anyway are dropped: the click and the wheel move
    // nothing, so one j lands on the second handoff.
    click(&mut screen, 5, 4);
    wheel_down(&mut screen, 5, 4);
    screen.send("j");
    screen.wait_for(&ids[1]);
    let text = screen.text();
    assert!(!text.contains(&ids[2]) && !text.contains(&ids[3]), "{text}");
    screen.send("q");
    assert!(screen.wait_exit());

    // So does `mouse = false` in the config file.
    std::fs::write(sb.config(), "mouse = false\n").unwrap_or_else(|e| panic!("config: {e}"));
    let mut screen = sb.open(80, 24, &[]);
    screen.wait_for(&ids[0]);
    assert_eq!(screen.mouse_mode().0, MouseProtocolMode::None);
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn sigterm_turns_mouse_reporting_off() {
    let sb = Sandbox::new();
    let ids = my_queue(&sb);
    let mut screen = sb.open(80, 24, &[]);
    screen.wait_for(&ids[0]);
    assert_eq!(screen.mouse_mode().0, MouseProtocolMode::PressRelease);
    screen.signal("TERM");
    screen.wait_exit();
    assert_eq!(screen.mouse_mode().0, MouseProtocolMode::None);
}
