//! Every problem in a config file's own shape, each with its line. Serde
//! stops at the first error, so the entry it is about (a key and its value,
//! or a whole table when the error is about the table) is blanked out and
//! the file checked again, until what is left parses. Blanking keeps every
//! line and byte where it was, so each later error names the file's own
//! line. (What other layers read from the file — keys, theme, a helpdesk's
//! table — they check themselves; `workspace::check_config` puts it all
//! together.)

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::Config;
use super::problem::{Problem, line_of};

/// What can be used of a config file that may be broken: the entries that
/// parse (a failing entry is dropped, the rest kept) and every problem,
/// with lines. The full screen opens with this, so one typo does not throw
/// away the keys, agent and theme the file also sets.
pub fn salvage(path: &Path, text: &str) -> (Config, Vec<Problem>) {
    let mut problems: Vec<Problem> = Vec::new();
    let mut current = text.to_string();
    // Keys blanked so far: the table they were in then misses them, which
    // is not a problem of its own.
    let mut blanked: Vec<String> = Vec::new();
    // Bounded: each round blanks at least one more line.
    for _ in 0..=text.lines().count() {
        let error = match Config::parse(path, &current) {
            Ok(mut config) => {
                problems.extend(config.problems.iter().cloned());
                problems.sort_by_key(|p| p.line);
                config.problems = problems.clone();
                config.text = text.to_string();
                return (config, problems);
            }
            Err(e) => e,
        };
        let problem = Problem::from_error(&error);
        // Not even TOML: the parser's one message is all there is.
        if DeTable::parse(&current).is_err() {
            problems.push(problem);
            break;
        }
        let next = problem.line.and_then(|line| blank_entry(&current, line));
        let consequence = blanked
            .iter()
            .any(|k| problem.message.starts_with(&format!("missing field `{k}`")));
        if let Some(key) = problem.line.and_then(|l| key_on_line(&current, l)) {
            blanked.push(key);
        }
        if !consequence {
            problems.push(problem);
        }
        match next {
            Some(next) => current = next,
            None => break,
        }
    }
    problems.sort_by_key(|p| p.line);
    (Config::default(), problems)
}

/// `text` with the entry that starts on `line` (1-based) turned into
/// spaces: a key and its value (over as many lines as the value takes), or
/// a whole table section from its header to the next. Every other byte
/// keeps its offset. `None` when the line holds nothing to blank.
pub fn blank_entry(text: &str, line: usize) -> Option<String> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let start = *starts.get(line.checked_sub(1)?)?;
    let line_end = starts.get(line).copied().unwrap_or(text.len());
    let this = text.get(start..line_end)?.trim();
    if this.is_empty() || this.starts_with('#') {
        return None;
    }
    let end = if this.starts_with('[') {
        starts
            .iter()
            .skip(line)
            .find(|&&s| text[s..].trim_start_matches([' ', '\t']).starts_with('['))
            .copied()
            .unwrap_or(text.len())
    } else {
        let parsed = DeTable::parse(text).ok();
        let value = parsed.and_then(|t| value_end(t.get_ref(), start..line_end));
        value.unwrap_or(line_end).max(line_end)
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    for c in text[start..end].chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out.push_str(&text[end..]);
    Some(out)
}

/// Where the value of the key written on `line` (a byte range) ends.
fn value_end(table: &DeTable, line: std::ops::Range<usize>) -> Option<usize> {
    table.iter().find_map(|(key, value)| {
        if line.contains(&key.span().start) {
            return Some(value.span().end);
        }
        match value.get_ref() {
            DeValue::Table(t) => value_end(t, line.clone()),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(t) => value_end(t, line.clone()),
                _ => None,
            }),
            _ => None,
        }
    })
}

/// The key set on `line` (`key = ...`), if the line sets one.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let this = text.lines().nth(line.checked_sub(1)?)?.trim();
    if this.starts_with(['[', '#']) {
        return None;
    }
    let (key, _) = this.split_once('=')?;
    Some(key.trim().trim_matches('"').to_string())
}

/// The line where top-level `key` is set: `key = ...` before any table
/// header, or a `[key]` / `[key.sub]` header.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let mut in_root = true;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(h) = t.strip_prefix('[') {
            in_root = false;
            let name = h.trim_start_matches('[').trim_start();
            let head = name
                .split(['.', ']'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches('"');
            if head == key {
                return Some(line_of(text, offset));
            }
        } else if in_root
            && let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(line_of(text, offset));
        }
        offset += line.len();
    }
    None
}

/// The line where `key` is set in top-level table `[table]`, before the
/// next table header.
pub fn line_in_table(text: &str, table: &str, key: &str) -> Option<usize> {
    let header = line_of_key(text, table)?;
    for (i, line) in text.lines().enumerate().skip(header) {
        let t = line.trim_start();
        if t.starts_with('[') {
            return None;
        }
        if let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(Option<usize>, String)> {
        salvage(Path::new("c.toml"), text)
            .1
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn every_bad_entry_is_listed_with_its_line() {
        let text = "agent = \"Maya\"\nagnet = 1\ntheme = 3\n[webhook]\nurl = \"ftp://x\"\n";
        let found = lines(text);
        let at: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
        // The webhook's problem is its url, on line 5.
        assert_eq!(at, [Some(2), Some(3), Some(5)], "{found:#?}");
    }

    #[test]
    fn salvage_keeps_what_parses_with_the_files_own_spans() {
        let text = "agent = \"Maya\"\nagnet = 1\nkeymap = \"vim\"\n[keys.queue]\nx = \"nope\"\n";
        let (config, problems) = salvage(Path::new("c.toml"), text);
        assert_eq!(config.agent.as_deref(), Some("Maya"));
        assert_eq!(
            config.keymap.as_ref().map(|k| k.get_ref().as_str()),
            Some("vim")
        );
        let at: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(at, [Some(2)], "{problems:#?}");
        assert_eq!(config.problems, problems);
        // The keys point into the file, not the rewritten rest.
        let x = config
            .keys
            .iter()
            .flatten()
            .flat_map(|(_, t)| t.keys())
            .next();
        assert_eq!(x.map(|k| line_of(text, k.span().start)), Some(5));
        assert_eq!(config.text, text);
    }

    #[test]
    fn finds_keys_and_headers() {
        let text = "a = 1\n[keys.queue]\nb = \"x\"\n[[webhook]]\n";
        assert_eq!(line_of_key(text, "a"), Some(1));
        assert_eq!(line_of_key(text, "keys"), Some(2));
        assert_eq!(line_of_key(text, "b"), None);
        assert_eq!(line_of_key(text, "webhook"), Some(4));
    }

    #[test]
    fn finds_keys_inside_their_table() {
        let text = "url = 0\n[webhook]\n# url = 1\n url = \"x\"\n[chatwoot]\nbase_url = 2\n";
        assert_eq!(line_in_table(text, "webhook", "url"), Some(4));
        assert_eq!(line_in_table(text, "chatwoot", "base_url"), Some(6));
        assert_eq!(line_in_table(text, "webhook", "base_url"), None);
        assert_eq!(line_in_table(text, "nowhere", "url"), None);
    }
}
