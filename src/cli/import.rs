//! `handoff import FILE...`

use std::io::Read;
use std::path::PathBuf;

use chrono::Utc;

use super::output::{Failure, print};
use crate::domain::import;
use crate::workspace::{Options, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import; "-" reads standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let mut ws = Workspace::open(opts, false, now)?;
    let mut problems: Vec<String> = Vec::new();
    let mut summary = String::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = match read(path) {
            Ok(t) => t,
            Err(reason) => {
                problems.push(format!("{name}: {reason}"));
                continue;
            }
        };
        let label = if name == "-" {
            "<stdin>".to_string()
        } else {
            name
        };
        match import::parse(&label, &text) {
            // Each file is one transaction: all of it or none of it.
            Ok(items) => {
                let report = ws.store.import(&items, now)?;
                summary.push_str(&format!(
                    "{label}: imported {} ({} new, {} updated)\n",
                    items.len(),
                    report.inserted,
                    report.updated
                ));
            }
            Err(errors) => {
                problems.extend(errors.iter().map(ToString::to_string));
                problems.push(format!(
                    "{label}: nothing imported ({} invalid record{})",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                ));
            }
        }
    }
    if !summary.is_empty() {
        ws.mark_initialised(now)?;
    }
    print(&summary)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::invalid(problems.join("\n")))
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
