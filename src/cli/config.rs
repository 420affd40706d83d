//! `handoff config init` writes a commented default config; `handoff config
//! check` lists every problem in one, with lines (exit 78 if any).

use std::path::Path;

use serde_json::json;

use super::output::{CONFIG, Failure, print, to_json};
use crate::workspace::Options;

/// The file `config init` writes: every key, commented out.
pub const TEMPLATE: &str = include_str!("../../assets/config.toml");

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a commented default config (refuses to overwrite without --force)
    Init {
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// List every problem in the config file with its line; exit 78 if any
    Check {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(opts: &Options, cmd: Command) -> Result<(), Failure> {
    let path = opts
        .config
        .clone()
        .unwrap_or_else(crate::config::default_config_path);
    match cmd {
        Command::Init { force } => init(&path, force),
        Command::Check { json } => check(&path, opts.config.is_some(), json),
    }
}

fn init(path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(Failure::usage(format!(
            "{} exists; --force replaces it",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::runtime(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(path, TEMPLATE)
        .map_err(|e| Failure::runtime(format!("{}: {e}", path.display())))?;
    print(&format!("{}\n", path.display()))
}

fn check(path: &Path, required: bool, json: bool) -> Result<(), Failure> {
    let themes = crate::config::themes_dir(path);
    let problems = crate::workspace::check::check_config(path, required, Some(&themes));
    let out = if json {
        to_json(&json!({
            "file": path.display().to_string(),
            "ok": problems.is_empty(),
            "problems": problems,
        }))?
    } else if problems.is_empty() {
        let note = if path.exists() {
            ""
        } else {
            " (no file: defaults apply)"
        };
        format!("OK: {}{note}\n", path.display())
    } else {
        problems.iter().map(|p| format!("{p}\n")).collect()
    };
    print(&out)?;
    if problems.is_empty() {
        Ok(())
    } else {
        // The problems are the output; nothing more to say on stderr.
        Err(Failure {
            code: CONFIG,
            message: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_config() {
        let problems = crate::workspace::check::check_text(Path::new("t.toml"), TEMPLATE, None);
        assert!(problems.is_empty(), "{problems:?}");
        // Uncommented, every example still parses cleanly.
        let live: String = TEMPLATE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.starts_with('[') || r.contains(" = "))
                    .unwrap_or(l)
            })
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let problems = crate::workspace::check::check_text(Path::new("t.toml"), &live, None);
        assert!(problems.is_empty(), "{problems:?}\n{live}");
    }
}
