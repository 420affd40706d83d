//! `handoff config check`: every problem in a config file, each with its
//! line. Serde stops at the first error, so a failing top-level entry is set
//! aside and the rest checked again, until what is left parses.

use std::path::Path;

use crate::config::{Config, ConfigError};
use crate::config_problem::{Problem, line_of};

/// Every problem in the config file at `path` (none: it is fine). A missing
/// file is fine unless `required`.
pub fn check(path: &Path, required: bool, themes_dir: Option<&Path>) -> Vec<Problem> {
    match Config::read_text(path, required) {
        Ok(Some(text)) => check_text(path, &text, themes_dir),
        Ok(None) => Vec::new(),
        Err(e) => vec![Problem::from_error(&e)],
    }
}

pub fn check_text(path: &Path, text: &str, themes_dir: Option<&Path>) -> Vec<Problem> {
    let (config, problems) = salvage(path, text);
    with_theme(problems, &config, path, text, themes_dir)
}

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
                // The rest's keymap and section problems carry lines of the
                // rewritten text: check them again against the file itself.
                if !config.problems.is_empty() {
                    problems.extend(crate::app::keymap_config::problems_in(path, text));
                    problems.extend(crate::config_sections::problems_in(path, text));
                }
                problems.sort_by_key(|p| p.line);
                config.problems = problems.clone();
                return (config, problems);
            }
            Err(e) => error = e,
        }
    }
    (Config::default(), problems)
}

fn with_theme(
    mut problems: Vec<Problem>,
    config: &Config,
    path: &Path,
    text: &str,
    themes_dir: Option<&Path>,
) -> Vec<Problem> {
    if let Some(name) = &config.theme
        && let Err(message) = crate::ui::theme::Theme::load(name, themes_dir)
    {
        let line = line_of_key(text, "theme").unwrap_or(1);
        problems.push(Problem {
            file: path.to_path_buf(),
            line: Some(line),
            message,
        });
    }
    problems.sort_by_key(|p| p.line);
    problems
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
        check_text(Path::new("c.toml"), text, None)
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn a_good_file_has_no_problems() {
        assert!(lines("agent = \"Maya\"\ntheme = \"light\"\nkeymap = \"vim\"\n").is_empty());
    }

    #[test]
    fn every_bad_entry_is_listed_with_its_line() {
        let text = "agent = \"Maya\"\nagnet = 1\ntheme = 3\n[webhook]\nurl = \"ftp://x\"\n";
        let found = lines(text);
        let at: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(at, [Some(2), Some(3), Some(4)], "{found:#?}");
    }

    #[test]
    fn salvage_keeps_what_parses() {
        let text = "agent = \"Maya\"\nagnet = 1\nkeymap = \"vim\"\n[keys.queue]\nx = \"nope\"\n";
        let (config, problems) = salvage(Path::new("c.toml"), text);
        assert_eq!(config.agent.as_deref(), Some("Maya"));
        assert_eq!(config.keys_in_force, crate::app::keymap::Keymap::vim());
        let at: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(at, [Some(2), Some(5)], "{problems:#?}");
        assert_eq!(config.problems, problems);
    }

    #[test]
    fn unknown_theme_is_a_problem() {
        let found = lines("\ntheme = \"blurple\"\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Some(2));
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
