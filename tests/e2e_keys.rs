//! Keys from the config file reach the real binary: a rebinding works, shows
//! in help, and a chord waits for its second key.

mod common;

use common::Sandbox;

#[test]
fn rebound_keys_and_the_vim_preset_work_in_the_full_screen() {
    let sb = Sandbox::new();
    let config = "keymap = \"vim\"\n[keys.global]\n\"F2\" = \"flag_bad\"\nb = \"none\"\n";
    std::fs::write(sb.config(), config).unwrap_or_else(|e| panic!("config: {e}"));
    let mut screen = sb.open(120, 40, &[]);
    screen.wait_for("Mine");
    // b is unbound: nothing opens.
    screen.send("b");
    screen.send("?");
    screen.wait_for("Keys");
    assert!(!screen.text().contains("AI could have resolved it"));
    screen.send("F2");
    screen.wait_for("flag a bad handoff");
    screen.send("\x1b");
    screen.wait_until("help closed", |s| !s.contains("type to filter"));
    // F2 (xterm sends ESC O Q) flags.
    screen.send("\x1bOQ");
    screen.wait_for("AI could have resolved it");
    screen.send("\x1b");
    screen.wait_until("picker closed", |s| {
        !s.contains("AI could have resolved it")
    });
    // g starts a chord in the vim preset: the status bar says what follows.
    screen.send("g");
    screen.wait_for("g … g top");
    screen.send("\x1b");
    screen.wait_until("chord cancelled", |s| !s.contains("g … g top"));
    screen.send("q");
    assert!(screen.wait_exit());
}
