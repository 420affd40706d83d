//! Every problem in a config file's own shape, each with its line. Serde
//! stops at the first error, so a failing top-level entry is set aside and
//! the rest checked again, until what is left parses. (What other layers
//! read from the file — keys, theme, a helpdesk's table — they check
//! themselves; `workspace::check_config` puts it all together.)

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::problem::{Problem, line_of};
use super::{Config, ConfigError, KeysTable};

/// What can be used of a config file that may be broken: the entries that
/// parse (a failing top-level entry is dropped, the rest kept) and every
/// problem, with lines. The full screen opens with this, so one typo does not
/// throw away the keys, agent and theme the file also sets.
pub fn salvage(path: &Path, text: &str) -> (Config, Vec<Problem>) {
    let first = match Config::parse(path, text) {
        Ok(config) => {
            let problems = config.problems.clone();
            return (config, problems);
        }
        Err(e) => e,
    };
    // Not even TOML: the parser's one message is all there is.
    let Ok(mut table) = text.parse::<toml::Table>() else {
        return (Config::default(), vec![Problem::from_error(&first)]);
    };
    let mut problems = Vec::new();
    let mut error = first;
    // The text `error` came from: the file, then what is left of it.
    let mut current = text.to_string();
    // Bounded by the number of entries: each round removes one.
    for _ in 0..=table.len() {
        let mut problem = Problem::from_error(&error);
        let culprit = culprit(&error, &table, &current).map(|key| {
            let line = line_of_key(text, &key).unwrap_or(1);
            (key, line)
        });
        if problems.is_empty() {
            // The first error's line is exact (it came from the file itself).
            if problem.line.is_none() {
                problem.line = culprit.as_ref().map(|(_, l)| *l);
            }
        } else {
            problem.line = culprit.as_ref().map(|(_, l)| *l);
        }
        problems.push(problem);
        let Some((key, _)) = culprit else {
            break;
        };
        table.remove(&key);
        current = toml::to_string(&table).unwrap_or_default();
        match Config::parse(path, &current) {
            Ok(mut config) => {
                // The rest's section problems carry lines of the rewritten
                // text: check them again against the file itself.
                if !config.problems.is_empty() {
                    problems.extend(super::sections::problems_in(path, text));
                }
                problems.sort_by_key(|p| p.line);
                config.problems = problems.clone();
                keep_spans_of(&mut config, text);
                return (config, problems);
            }
            Err(e) => error = e,
        }
    }
    (Config::default(), problems)
}

/// Point the salvaged config's keys back into the file itself (they were
/// read from a rewritten copy), so their problems name the file's lines.
fn keep_spans_of(config: &mut Config, text: &str) {
    #[derive(Deserialize)]
    struct Preset {
        keymap: Option<Spanned<String>>,
    }
    #[derive(Deserialize)]
    struct Keys {
        keys: Option<KeysTable>,
    }
    // Each unreadable alone was among the entries set aside.
    config.keymap = toml::from_str::<Preset>(text).ok().and_then(|p| p.keymap);
    config.keys = toml::from_str::<Keys>(text).ok().and_then(|k| k.keys);
    config.text = text.to_string();
}

/// The top-level entry of `text` an error is about.
fn culprit(error: &ConfigError, table: &toml::Table, text: &str) -> Option<String> {
    let ConfigError::Invalid { message, .. } = error else {
        return None;
    };
    // Validation messages name their table: "[webhook] url: ...".
    if let Some(name) = message
        .strip_prefix('[')
        .and_then(|m| m.split_once(']'))
        .map(|(n, _)| n.to_string())
        && table.contains_key(&name)
    {
        return Some(name);
    }
    // Serde messages name the field: "unknown field `agnet`", "... for key `agent`".
    let named = message
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|n| table.contains_key(*n))
        .map(str::to_string);
    if named.is_some() {
        return named;
    }
    // Otherwise the entry whose line range holds the reported line.
    let line: usize = message
        .strip_prefix("line ")?
        .split(':')
        .next()?
        .parse()
        .ok()?;
    table
        .keys()
        .filter_map(|k| Some((k.clone(), line_of_key(text, k)?)))
        .filter(|(_, l)| *l <= line)
        .max_by_key(|(_, l)| *l)
        .map(|(k, _)| k)
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
        assert_eq!(at, [Some(2), Some(3), Some(4)], "{found:#?}");
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
}
