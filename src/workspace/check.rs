//! `handoff config check`: every problem in the config file, each with its
//! line — its own shape (`config::check`), the keys (the app's keymap), the
//! helpdesk's table (`backend`) and the theme (the ui) — in file order.

use std::path::Path;

use crate::config::{Config, Problem, check::line_of_key, check::salvage};

/// Every problem in the config file at `path` (none: it is fine). A missing
/// file is fine unless `required`.
pub fn check_config(path: &Path, required: bool, themes_dir: Option<&Path>) -> Vec<Problem> {
    match Config::read_text(path, required) {
        Ok(Some(text)) => check_text(path, &text, themes_dir),
        Ok(None) => Vec::new(),
        Err(e) => vec![Problem::from_error(&e)],
    }
}

pub fn check_text(path: &Path, text: &str, themes_dir: Option<&Path>) -> Vec<Problem> {
    let (config, mut problems) = salvage(path, text);
    problems.extend(keymap_problems(&config, path));
    problems.extend(crate::backend::unknown_tables(&config, path));
    if let Err(e) = crate::backend::open(&config, path) {
        problems.push(Problem::from_error(&e));
    }
    if let Some(name) = &config.theme
        && let Err(message) = crate::ui::theme::Theme::load(name, themes_dir)
    {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: Some(line_of_key(text, "theme").unwrap_or(1)),
            message,
        });
    }
    problems.sort_by_key(|p| p.line);
    problems.dedup();
    problems
}

/// What is wrong with the file's `[keys]` and `keymap`.
pub fn keymap_problems(config: &Config, path: &Path) -> Vec<Problem> {
    crate::app::keymap_config::build(
        config.keymap.as_ref(),
        config.keys.as_ref(),
        path,
        &config.text,
    )
    .1
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
        // The webhook's problem is its url, on line 5.
        assert_eq!(at, [Some(2), Some(3), Some(5)], "{found:#?}");
    }

    #[test]
    fn salvage_keeps_what_parses() {
        let text = "agent = \"Maya\"\nagnet = 1\nkeymap = \"vim\"\n[keys.queue]\nx = \"nope\"\n";
        let path = Path::new("c.toml");
        let (config, _) = salvage(path, text);
        assert_eq!(config.agent.as_deref(), Some("Maya"));
        let keymap = crate::app::keymap_config::build(
            config.keymap.as_ref(),
            config.keys.as_ref(),
            path,
            &config.text,
        )
        .0;
        assert_eq!(keymap, crate::app::keymap::Keymap::vim());
        let at: Vec<Option<usize>> = lines(text).iter().map(|(l, _)| *l).collect();
        assert_eq!(at, [Some(2), Some(5)]);
    }

    #[test]
    fn unknown_theme_is_a_problem() {
        let found = lines("\ntheme = \"blurple\"\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Some(2));
    }

    #[test]
    fn a_helpdesk_table_is_checked_and_a_stray_table_named() {
        let found = lines("agent = \"M\"\n[backend]\nkind = \"nodesk\"\n[agnet]\nx = 1\n");
        let at: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(at, [Some(3), Some(4)], "{found:#?}");
        assert!(
            found[0].1.contains("unknown variant `nodesk`"),
            "{found:#?}"
        );
        assert!(found[1].1.contains("unknown table [agnet]"), "{found:#?}");
    }
}
