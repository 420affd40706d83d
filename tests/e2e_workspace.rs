//! The real binary in a pseudo-terminal, driven by keys as a person would.

mod common;

use common::Sandbox;
use serde_json::Value;

/// The id the screen selects first: the top of my queue.
fn top_of_my_queue(sb: &Sandbox) -> String {
    let out = sb.stdout(&["queue", "--json"]);
    let rows: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    rows.get(0)
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| panic!("empty queue: {out}"))
}

fn export(sb: &Sandbox) -> Vec<Value> {
    sb.stdout(&["feedback", "export", "--format", "jsonl"])
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
