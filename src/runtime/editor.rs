//! Writing a draft in the agent's own editor: which command, a private file
//! for the text, and running it on the terminal (the event loop suspends the
//! screen and pauses input around it; see `runtime::run_inner`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{DraftKind, EditTarget, Event};

/// What the editor left, for the box it came from.
pub type Outcome = (EditTarget, Result<String, String>);

/// Hand the terminal to the editor with `text` in a private file. On `Ok`
/// the screen is suspended and input paused; the outcome arrives on `done`
/// when the editor exits, and the loop then takes the terminal back. On
/// `Err` nothing was handed over: the event says why.
pub async fn start(
    input: &super::input::Input,
    dir: &Path,
    target: EditTarget,
    text: &str,
    done: UnboundedSender<Outcome>,
) -> Result<(), Event> {
    let fail = |target: EditTarget, why: String| Event::Edited {
        target,
        result: Err(why),
    };
    let words = match command() {
        Ok(w) => w,
        Err(why) => return Err(fail(target, why)),
    };
    if !words.first().is_some_and(|p| exists(p)) {
        let why = format!(
            "Editor `{}` not found (set $VISUAL or $EDITOR); the {} is unchanged",
            shown(&words),
            what(&target)
        );
        return Err(fail(target, why));
    }
    let path = match write_draft(dir, &target, text) {
        Ok(p) => p,
        Err(e) => {
            let why = format!("Writing the draft for the editor failed: {e}");
            return Err(fail(target, why));
        }
    };
    // Keys typed from here on belong to the editor.
    input.pause().await;
    super::terminal::restore();
    // In the editor the terminal is out of raw mode: Ctrl-C there must not
    // end us too (the editor gets it and does what it does with it).
    let sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    tracing::info!(editor = %shown(&words), "handing the terminal to the editor");
    tokio::spawn(async move {
        let _sigint = sigint;
        let result = tokio::task::spawn_blocking(move || run(&words, &path))
            .await
            .unwrap_or_else(|e| Err(format!("The editor failed: {e}")));
        let _ = done.send((target, result));
    });
    Ok(())
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, split as a shell would split it
/// (`code --wait`, `"/opt/My Editor/bin/ed" -n`). Empty variables are unset.
pub fn command() -> Result<Vec<String>, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let text = var("VISUAL")
        .or_else(|| var("EDITOR"))
        .unwrap_or_else(|| "vi".into());
    match split(&text) {
        Some(words) if !words.is_empty() => Ok(words),
        _ => Err(format!(
            "Editor `{text}` cannot be read (unbalanced quote?); the draft is unchanged"
        )),
    }
}

/// Shell-style words: blanks separate, '…' is literal, "…" allows \" and
/// \\, a backslash outside quotes escapes the next character. `None` for
/// an unbalanced quote. No expansion of any kind: nothing runs a shell.
pub fn split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// The command as the user wrote it, for messages.
pub fn shown(words: &[String]) -> String {
    words.join(" ")
}

/// Whether `program` can be run: a path that exists, or a name on `$PATH`.
/// Checked before the screen is handed over, so a missing editor is a
/// toast, not a flash of the shell.
pub fn exists(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| is_executable(&dir.join(program)))
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

static SERIAL: AtomicU64 = AtomicU64::new(0);

/// A new file only the agent can read (0600), holding `text`. In `dir`
/// (the data directory) when possible, else the system temp directory;
/// the name says which draft it is, for the editor's title bar.
pub fn write_draft(dir: &Path, target: &EditTarget, text: &str) -> std::io::Result<PathBuf> {
    let (id, what) = match target {
        EditTarget::Draft { id, kind } => (id.as_str(), kind.as_str()),
        EditTarget::VerdictNote { id } => (id.as_str(), "verdict-note"),
        // Named after the first of the batch; the serial keeps it unique.
        EditTarget::BulkVerdictNote { ids, .. } => (
            ids.first().map_or("batch", String::as_str),
            "bulk-verdict-note",
        ),
    };
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let name = format!(
        "handoff-{safe}-{what}-{}-{}.txt",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    );
    let mut text = text.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let first = create_private(&dir.join(&name), &text);
    match first {
        Ok(path) => Ok(path),
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "draft file in the temp dir instead");
            create_private(&std::env::temp_dir().join(&name), &text)
        }
    }
}

fn create_private(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    let mut file = crate::private::create_new(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(path.to_path_buf())
}

/// Run the editor on the terminal (inherited stdin/stdout/stderr) and wait;
/// blocking. The file is removed whatever happens.
pub fn run(words: &[String], path: &Path) -> Result<String, String> {
    let result = run_inner(words, path);
    let _ = std::fs::remove_file(path);
    result
}

fn run_inner(words: &[String], path: &Path) -> Result<String, String> {
    let shown = shown(words);
    let Some((program, args)) = words.split_first() else {
        return Err("No editor command; the draft is unchanged".into());
    };
    let status = Command::new(program)
        .args(args)
        .arg(path)
        .status()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!(
                    "Editor `{shown}` not found (set $VISUAL or $EDITOR); the draft is unchanged"
                )
            }
            _ => format!("Editor `{shown}` did not start: {e}; the draft is unchanged"),
        })?;
    if !status.success() {
        use std::os::unix::process::ExitStatusExt;
        let how = match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(sig)) => format!("was stopped by signal {sig}"),
            _ => "failed".to_string(),
        };
        return Err(format!("Editor `{shown}` {how}; the draft is unchanged"));
    }
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| format!("Reading back the editor's file failed: {e}; the draft is unchanged"))
}

/// What the toast calls the box, for messages.
pub fn what(target: &EditTarget) -> &'static str {
    match target {
        EditTarget::Draft {
            kind: DraftKind::Note,
            ..
        } => "note",
        EditTarget::Draft {
            kind: DraftKind::Reply,
            ..
        } => "reply",
        EditTarget::VerdictNote { .. } | EditTarget::BulkVerdictNote { .. } => "verdict note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Option<Vec<String>> {
        split(text)
    }

    #[test]
    fn splits_like_a_shell() {
        let w = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(words("vi"), w(&["vi"]));
        assert_eq!(words("  code   --wait "), w(&["code", "--wait"]));
        assert_eq!(
            words("\"/opt/My Editor/ed\" -n 'a b'"),
            w(&["/opt/My Editor/ed", "-n", "a b"])
        );
        assert_eq!(
            words(r#"ed "say \"hi\"" a\ b"#),
            w(&["ed", "say \"hi\"", "a b"])
        );
        assert_eq!(words("''"), w(&[""]));
        assert_eq!(words("$HOME/x"), w(&["$HOME/x"]), "no expansion");
        assert_eq!(words("vi 'open"), None);
        assert_eq!(words("vi \\"), None);
        assert_eq!(words(""), w(&[]));
    }

    #[test]
    fn the_draft_file_is_private_and_removed_after() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = EditTarget::Draft {
            id: "HO-1/../x".into(),
            kind: DraftKind::Reply,
        };
        let path = write_draft(dir.path(), &target, "hello").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(path.parent(), Some(dir.path()), "no escape from the dir");
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("hello\n")
        );
        // `true` leaves the file as it is: the text comes back.
        let back = run(&["true".into()], &path);
        assert_eq!(back.as_deref(), Ok("hello\n"));
        assert!(!path.exists());
    }

    #[test]
    fn a_failing_or_missing_editor_names_the_command() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = EditTarget::VerdictNote { id: "H1".into() };
        let path = write_draft(dir.path(), &target, "x").unwrap_or_else(|e| panic!("{e}"));
        let err = run(&["false".into()], &path).err().unwrap_or_default();
        assert!(err.contains("Editor `false` exited with status 1"), "{err}");
        let path = write_draft(dir.path(), &target, "x").unwrap_or_else(|e| panic!("{e}"));
        let missing = vec!["no-such-editor-xyz".to_string(), "--wait".into()];
        let err = run(&missing, &path).err().unwrap_or_default();
        assert!(
            err.contains("`no-such-editor-xyz --wait` not found"),
            "{err}"
        );
        assert!(!exists("no-such-editor-xyz"));
        assert!(exists("sh"));
    }
}
