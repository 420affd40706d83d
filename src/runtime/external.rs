//! Carrying out the escape hatches that reach past the screen: the
//! clipboard (OSC 52 through the terminal, or a configured command), the
//! browser, and the bell. Each answers with a toast (`Event::Notice`).

use std::io::{self, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Event;

/// The most OSC 52 carries here, in base64 bytes: what hterm and several
/// terminals accept (about 55 KB of text); tmux and xterm refuse or cut
/// longer ones silently, so a longer copy says so instead.
pub const OSC52_MAX: usize = 74_994;

/// How long a browser opener may take to fail before it counts as started.
const OPENER_GRACE: Duration = Duration::from_secs(10);

/// Standard base64 with padding (RFC 4648), as OSC 52 wants.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that puts `text` on the clipboard, or the text's
/// size when it is too long for one.
pub fn osc52(text: &str) -> Result<String, usize> {
    let encoded = base64(text.as_bytes());
    if encoded.len() > OSC52_MAX {
        return Err(text.len());
    }
    Ok(format!("\x1b]52;c;{encoded}\x07"))
}

/// Put `text` on the clipboard. With a command, it runs off the loop and
/// reports on `tx`; through the terminal, it is written to `out` at once.
pub fn copy(
    command: Option<&str>,
    label: &str,
    text: String,
    out: &mut impl Write,
    tx: &UnboundedSender<Event>,
) -> Option<Event> {
    if let Some(command) = command {
        let words = match super::editor::split(command) {
            Some(w) if !w.is_empty() => w,
            _ => {
                return Some(Event::Notice(Err(format!(
                    "[clipboard] command `{command}` cannot be read"
                ))));
            }
        };
        let tx = tx.clone();
        let label = label.to_string();
        let spawned = std::thread::Builder::new()
            .name("clipboard".into())
            .spawn(move || {
                let _ = tx.send(Event::Notice(pipe_to(&words, &text, &label)));
            });
        return match spawned {
            Ok(_) => None,
            Err(e) => Some(Event::Notice(Err(format!("Copying failed: {e}")))),
        };
    }
    let sequence = match osc52(&text) {
        Ok(s) => s,
        Err(size) => {
            return Some(Event::Notice(Err(format!(
                "The {label} is too long to copy through the terminal ({} KB; at most {} KB): \
                 set [clipboard] command",
                size.div_ceil(1000),
                OSC52_MAX / 4 * 3 / 1000
            ))));
        }
    };
    let written = out
        .write_all(sequence.as_bytes())
        .and_then(|()| out.flush());
    Some(Event::Notice(match written {
        Ok(()) => Ok(format!("Copied {label}")),
        Err(e) => Err(format!("Copying failed: {e}")),
    }))
}

/// Run a clipboard command with `text` on its stdin (blocking).
fn pipe_to(words: &[String], text: &str, label: &str) -> Result<String, String> {
    let shown = words.join(" ");
    let Some((program, args)) = words.split_first() else {
        return Err("[clipboard] command is empty".into());
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("Copying with `{shown}` failed: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("Copying with `{shown}` failed: {e}"))?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("Copying with `{shown}` failed: {e}"))?;
    if status.success() {
        Ok(format!("Copied {label}"))
    } else {
        Err(format!("Copying with `{shown}` failed: {status}"))
    }
}

/// The commands that may open a web page, first to try first: each entry
/// of `$BROWSER` (colon-separated, `%s` for the address), else the
/// platform's opener.
pub fn openers() -> Vec<Vec<String>> {
    let from_env: Vec<Vec<String>> = std::env::var("BROWSER")
        .ok()
        .map(|v| {
            v.split(':')
                .filter_map(super::editor::split)
                .filter(|w| !w.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !from_env.is_empty() {
        return from_env;
    }
    let platform = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    vec![vec![platform.to_string()]]
}

/// Start the browser on `url`, detached: no terminal (stdin, stdout and
/// stderr are null), its own process group (it outlives us and never gets
/// the terminal's signals), waited for on a thread so it leaves no zombie.
/// An opener that fails within `OPENER_GRACE` is reported on `tx`.
pub fn open(url: &str, tx: &UnboundedSender<Event>) -> Event {
    // Only web addresses: the opener would happily run a file or a scheme
    // handler for anything else.
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Event::Notice(Err(format!("Not a web address: {url}")));
    }
    let mut last = String::from("no opener");
    for words in openers() {
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        let mut args: Vec<String> = args.iter().map(|a| a.replace("%s", url)).collect();
        if !words.iter().any(|w| w.contains("%s")) {
            args.push(url.to_string());
        }
        let shown = words.join(" ");
        let mut command = Command::new(program);
        command
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        match command.spawn() {
            Ok(mut child) => {
                let tx = tx.clone();
                let started = std::time::Instant::now();
                let _ = std::thread::Builder::new()
                    .name("browser".into())
                    .spawn(move || {
                        if let Ok(status) = child.wait()
                            && !status.success()
                            && started.elapsed() < OPENER_GRACE
                        {
                            let text =
                                format!("Opening the browser with `{shown}` failed: {status}");
                            let _ = tx.send(Event::Notice(Err(text)));
                        }
                    });
                return Event::Notice(Ok(format!("Opened {url}")));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                last = format!("`{shown}` not found");
            }
            Err(e) => last = format!("`{shown}`: {e}"),
        }
    }
    Event::Notice(Err(format!(
        "Could not open the browser: {last} (set $BROWSER)"
    )))
}

/// Ring the terminal bell.
pub fn bell(out: &mut impl Write) {
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain:?}");
        }
        assert_eq!(base64("é€".as_bytes()), "w6nigqw=");
    }

    #[test]
    fn osc52_wraps_the_text_and_refuses_what_is_too_long() {
        assert_eq!(osc52("hi").as_deref(), Ok("\x1b]52;c;aGk=\x07"));
        let long = "x".repeat(OSC52_MAX);
        assert_eq!(osc52(&long), Err(OSC52_MAX));
        let fits = "x".repeat(OSC52_MAX / 4 * 3);
        assert!(osc52(&fits).is_ok());
    }

    #[test]
    fn copying_through_the_terminal_writes_one_sequence_and_says_so() {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut out = Vec::new();
        let event = copy(None, "customer email", "a@b.c".into(), &mut out, &tx);
        assert_eq!(out, b"\x1b]52;c;YUBiLmM=\x07");
        assert!(matches!(event, Some(Event::Notice(Ok(t))) if t == "Copied customer email"));
        let mut out = Vec::new();
        let event = copy(None, "summary", "x".repeat(100_000), &mut out, &tx);
        assert!(out.is_empty());
        assert!(
            matches!(&event, Some(Event::Notice(Err(t))) if t.contains("too long") && t.contains("[clipboard] command")),
            "{event:?}"
        );
    }

    #[test]
    fn a_clipboard_command_gets_the_text_on_stdin() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("clip");
        let command = format!("sh -c 'cat > \"$0\"' '{}'", file.display());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut out = Vec::new();
        let event = copy(Some(&command), "issue", "Two charges".into(), &mut out, &tx);
        assert!(event.is_none() && out.is_empty());
        let reported = rx.blocking_recv();
        assert!(matches!(reported, Some(Event::Notice(Ok(t))) if t == "Copied issue"));
        assert_eq!(
            std::fs::read_to_string(&file).ok().as_deref(),
            Some("Two charges")
        );
    }

    #[test]
    fn only_web_addresses_are_opened() {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let event = open("file:///etc/passwd", &tx);
        assert!(matches!(event, Event::Notice(Err(t)) if t.contains("Not a web address")));
    }
}
