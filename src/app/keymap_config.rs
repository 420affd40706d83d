//! The keymap from the config file: `keymap = "vim"` picks a preset and
//! `[keys.CONTEXT]` tables map key strings ("b", "ctrl-s", "g g") to action
//! names, merged over the preset. Every bad entry is reported with its line
//! and skipped; the good ones still apply.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyModifiers};
use toml::Spanned;

use super::action::Action;
use super::keymap::{Context, Key, Keymap, PRESETS, chord_label};
use crate::domain::problem::{Problem, line_of};

/// `[keys.CONTEXT]` tables as the config file holds them (key → action
/// name), spans kept so problems can name their line.
pub type KeysTable = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

/// The longest chord accepted; longer ones are hard to learn and to hint.
const MAX_CHORD: usize = 3;

/// Build the keymap the config asks for. `text` is the file's text (for line
/// numbers) and `file` its path (for messages).
pub fn build(
    preset: Option<&Spanned<String>>,
    keys: Option<&KeysTable>,
    file: &Path,
    text: &str,
) -> (Keymap, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut at = |offset: usize, message: String| {
        problems.push(Problem::at(file, text, offset, message));
    };
    let mut map = match preset {
        None => Keymap::default(),
        Some(name) => Keymap::preset(name.get_ref()).unwrap_or_else(|| {
            at(
                name.span().start,
                format!(
                    "unknown keymap `{}` (presets: {})",
                    name.get_ref(),
                    PRESETS.join(", ")
                ),
            );
            Keymap::default()
        }),
    };
    // Each binding the file made: context, keys, where.
    let mut applied: Vec<(Context, Vec<Key>, usize)> = Vec::new();
    for (ctx_name, table) in keys.into_iter().flatten() {
        let Some(ctx) = Context::from_config_name(ctx_name.get_ref()) else {
            at(
                ctx_name.span().start,
                format!(
                    "unknown key table [keys.{}] (use global, queue, summary, compose, lead)",
                    ctx_name.get_ref()
                ),
            );
            continue;
        };
        // File order, so "the first one applies" means what the user sees.
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (key_text, value) in entries {
            let offset = key_text.span().start;
            let where_ = format!("[keys.{}] `{}`", ctx_name.get_ref(), key_text.get_ref());
            let keys = match parse_chord(key_text.get_ref()) {
                Ok(k) => k,
                Err(e) => {
                    at(offset, format!("{where_}: {e}"));
                    continue;
                }
            };
            let action = match value.get_ref() {
                toml::Value::String(s) if s.is_empty() || s == "none" => None,
                toml::Value::String(s) => match Action::from_name(s) {
                    Some(a) => Some(a),
                    None => {
                        at(
                            value.span().start,
                            format!("{where_}: unknown action `{s}` (`?` in the app lists them)"),
                        );
                        continue;
                    }
                },
                other => {
                    at(
                        value.span().start,
                        format!(
                            "{where_}: expected an action name or \"none\", found {}",
                            other.type_str()
                        ),
                    );
                    continue;
                }
            };
            if let Some(msg) = misplaced(ctx, &keys, action) {
                at(offset, format!("{where_}: {msg}"));
                continue;
            }
            if let Some((_, _, first)) = applied.iter().find(|(c, k, _)| *c == ctx && *k == keys) {
                let line = line_of(text, *first);
                at(
                    offset,
                    format!(
                        "{where_}: {} is already bound in this table on line {line}; that one applies",
                        chord_label(&keys)
                    ),
                );
                continue;
            }
            map.bind(ctx, keys.clone(), action);
            applied.push((ctx, keys, offset));
        }
    }
    // A key that starts a chord and is bound on its own can never fire: undo
    // the file's side of every such clash and say so.
    loop {
        let clash = map.prefix_clashes().into_iter().find_map(|(short, long)| {
            let from_file = |ctx: Context, keys: &[Key]| {
                applied
                    .iter()
                    .find(|(c, k, _)| *c == ctx && k == keys)
                    .map(|(_, _, o)| *o)
            };
            let (s, l) = (
                from_file(short.context, &short.keys),
                from_file(long.context, &long.keys),
            );
            let (drop, offset) = match (s, l) {
                (_, Some(o)) => (long, o),
                (Some(o), None) => (short, o),
                (None, None) => return None,
            };
            Some((
                drop.context,
                drop.keys.clone(),
                offset,
                format!(
                    "{} ({}) starts the chord {} ({}): the single key could never fire; unbind one with \"none\"",
                    chord_label(&short.keys),
                    short.context.config_name(),
                    chord_label(&long.keys),
                    long.context.config_name(),
                ),
            ))
        });
        let Some((ctx, keys, offset, message)) = clash else {
            break;
        };
        map.bind(ctx, keys.clone(), None);
        applied.retain(|(c, k, _)| !(*c == ctx && *k == keys));
        at(offset, message);
    }
    problems.sort_by_key(|p| p.line);
    (map, problems)
}

/// Why `keys` cannot do `action` in `ctx`, if they cannot.
fn misplaced(ctx: Context, keys: &[Key], action: Option<Action>) -> Option<String> {
    if ctx == Context::Compose {
        if action.is_some_and(|a| a != Action::Send) {
            return Some("the reply box only takes `send`".into());
        }
        let plain_char = keys.iter().any(|k| {
            matches!(k.code, KeyCode::Char(_))
                && !k.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        });
        if plain_char {
            return Some("plain keys type text in the reply box: add ctrl- or alt-".into());
        }
    } else if action == Some(Action::Send) {
        return Some("`send` belongs in [keys.compose]".into());
    }
    None
}

/// "g g" → two keys; "ctrl-s" → one.
pub fn parse_chord(text: &str) -> Result<Vec<Key>, String> {
    let keys = text
        .split_whitespace()
        .map(parse_key)
        .collect::<Result<Vec<_>, _>>()?;
    match keys.len() {
        0 => Err("empty key".into()),
        n if n > MAX_CHORD => Err(format!("chords are at most {MAX_CHORD} keys")),
        _ => Ok(keys),
    }
}

/// One key: an optional `ctrl-` / `alt-` / `shift-` (or `+`) prefix, then a
/// character or a name (enter, esc, tab, space, backspace, del, ins, up,
/// down, left, right, home, end, pgup, pgdn, f1-f24).
pub fn parse_key(text: &str) -> Result<Key, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    'prefixes: loop {
        for (names, m) in [
            (&["ctrl", "control"][..], KeyModifiers::CONTROL),
            (&["alt", "meta"][..], KeyModifiers::ALT),
            (&["shift"][..], KeyModifiers::SHIFT),
        ] {
            for name in names {
                for sep in ['-', '+'] {
                    let p = format!("{name}{sep}");
                    let head = rest.get(..p.len());
                    if head.is_some_and(|h| h.eq_ignore_ascii_case(&p)) && rest.len() > p.len() {
                        mods |= m;
                        rest = &rest[p.len()..];
                        continue 'prefixes;
                    }
                }
            }
        }
        break;
    }
    let shift = mods.contains(KeyModifiers::SHIFT);
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if shift && c.is_alphabetic() => {
            mods -= KeyModifiers::SHIFT;
            KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
        }
        (Some(c), None) if shift => {
            return Err(format!(
                "write `{c}`'s shifted character itself, not shift-{c}"
            ));
        }
        (Some(c), None) => KeyCode::Char(c),
        _ => named(&rest.to_ascii_lowercase()).ok_or_else(|| format!("can't read key `{rest}`"))?,
    };
    let code = if code == KeyCode::Tab && shift {
        mods -= KeyModifiers::SHIFT;
        KeyCode::BackTab
    } else {
        code
    };
    Ok(Key::new(code, mods))
}

fn named(name: &str) -> Option<KeyCode> {
    Some(match name {
        "space" | "spc" => KeyCode::Char(' '),
        "enter" | "return" | "cr" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
        f if f.starts_with('f') => {
            let n: u8 = f[1..].parse().ok()?;
            if (1..=24).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
