//! Text from strangers must never reach the terminal raw: import a corpus of
//! attacks, open the real binary in a pseudo-terminal, read every summary and
//! transcript, and check no title, clipboard, hyperlink or bell fired.

mod common;

use common::{Sandbox, assert_clean_bytes};
use handoff::domain::hostile::HOSTILE_CORPUS;
use serde_json::json;

/// One handoff per hostile string, assigned to the default agent so it is in
/// "Mine", with the string in every field a customer or the AI controls.
fn hostile_file(sb: &Sandbox) -> std::path::PathBuf {
    let mut lines = String::new();
    for (i, text) in HOSTILE_CORPUS.iter().enumerate() {
        let record = json!({
            "id": format!("EVIL-{i:02}"),
            "escalated_at": "2026-01-01T10:00:00Z",
            "customer": { "name": format!("Name {text}"), "email": text, "flags": [text] },
            "ai": { "agent": text, "procedure": text },
            "summary": {
                "issue": text,
                "collected": [{ "label": text, "value": text, "source": "customer" }],
                "findings": [text],
                "attempted": [{ "action": text, "outcome": text }],
                "escalation": { "trigger": "other", "detail": text },
                "sentiment": text,
                "next_step": text,
                "promised": { "text": text },
                "page": text,
                "technical": { "error": text, "client": text }
            },
            "routing": { "team": "billing", "assignee": "Maya Chen", "priority": "urgent" },
            "transcript": [
                { "at": "2026-01-01T09:58:00Z", "author": "customer", "name": text, "text": text },
                { "at": "2026-01-01T09:59:00Z", "author": "ai", "text": text, "private": true }
            ]
        });
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let note = json!({
        "id": "EVIL-NOTE",
        "escalated_at": "2026-01-01T10:00:00Z",
        "customer": { "name": "Note Only" },
        "routing": { "assignee": "Maya Chen" },
        "note": format!("Issue: {}\nFindings:\n- {}\nNext step: {}", HOSTILE_CORPUS[0], HOSTILE_CORPUS[3], HOSTILE_CORPUS[11]),
    });
    lines.push_str(&note.to_string());
    lines.push('\n');
    let path = sb.dir.path().join("hostile.jsonl");
    std::fs::write(&path, lines).unwrap_or_else(|e| panic!("write: {e}"));
    path
}

#[test]
fn the_watch_sees_what_raw_text_would_do() {
    // Without cleaning, the corpus sets titles, writes the clipboard, makes
    // links and rings the bell: so the test below can fail.
    let raw = HOSTILE_CORPUS.concat();
    let effects = common::effects_of(raw.as_bytes());
    assert!(!effects.titles.is_empty());
    assert!(!effects.clipboard.is_empty());
    assert!(effects.bells > 0);
    assert!(!effects.oscs.is_empty(), "OSC 8 hyperlinks are reported");
}

#[test]
fn hostile_text_never_fires_terminal_effects() {
    let sb = Sandbox::new();
    let file = hostile_file(&sb);
    let out = sb.run(&["import", &file.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for("EVIL");
    // Read every handoff's summary and transcript, scrolled to the end.
    for _ in 0..=HOSTILE_CORPUS.len() {
        screen.send("\r");
        screen.send("G");
        screen.send("\x1b[F");
        screen.send("t");
        screen.send("\x1b[F");
        screen.send("t");
        screen.send("\x1b");
        screen.send("j");
    }
    screen.send("?");
    screen.wait_for("help");
    screen.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let effects = screen.effects();
    assert!(
        effects.titles.is_empty(),
        "window title set: {:?}",
        effects.titles
    );
    assert!(
        effects.clipboard.is_empty(),
        "clipboard written: {:?}",
        effects.clipboard
    );
    assert_eq!(effects.bells, 0, "bell rang");
    assert!(
        effects.oscs.is_empty(),
        "OSC (hyperlink etc.) passed: {:?}",
        effects.oscs
    );
    let shown = screen.text();
    assert!(!shown.contains("pwned"), "payload on screen:\n{shown}");
    assert!(
        !shown.contains("]0;") && !shown.contains("]52;"),
        "sequence debris on screen:\n{shown}"
    );
    screen.send("q");
    assert!(screen.wait_exit());
}

#[test]
fn hostile_text_never_reaches_cli_output() {
    let sb = Sandbox::new();
    let file = hostile_file(&sb);
    sb.stdout(&["import", &file.display().to_string()]);
    assert_clean_bytes(
        "queue",
        sb.stdout(&["queue", "--section", "all"]).as_bytes(),
    );
    let json = sb.stdout(&["queue", "--json"]);
    assert!(
        !json.contains("\\u001b") && !json.contains("\\u0007"),
        "escaped controls in JSON"
    );
    for (i, attack) in HOSTILE_CORPUS.iter().enumerate() {
        let id = format!("EVIL-{i:02}");
        for format in ["text", "markdown"] {
            let out = sb.stdout(&["show", &id, "--format", format, "--transcript"]);
            assert_clean_bytes(&format!("show {id} {format}"), out.as_bytes());
        }
        // A command-line argument cannot carry NUL; everything else goes in.
        let note = attack.replace('\0', "");
        sb.stdout(&["tag", &id, "bad", "--reason", "other", "--note", &note]);
    }
    for format in ["jsonl", "csv", "markdown"] {
        let out = sb.stdout(&["feedback", "export", "--format", format]);
        assert_clean_bytes(&format!("export {format}"), out.as_bytes());
    }
}

#[test]
fn the_raw_record_is_kept_for_audit() {
    let sb = Sandbox::new();
    let file = hostile_file(&sb);
    sb.stdout(&["import", &file.display().to_string()]);
    let store = handoff::store::Store::open(&sb.data_dir().join("handoff.db"))
        .unwrap_or_else(|e| panic!("open: {e}"));
    let raw = store.raw("EVIL-00").ok().flatten().unwrap_or_default();
    assert!(
        raw.contains("\\u001b]0;pwned"),
        "raw JSON keeps the escape: {raw}"
    );
    let clean = store.handoff("EVIL-00").ok().flatten();
    assert_eq!(
        clean.and_then(|h| h.summary.issue).as_deref(),
        Some("Order status please")
    );
}
