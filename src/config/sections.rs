//! `[[sections]]` in the config file: the queue's sections as saved queries,
//! in tab order (gh-dash style).
//!
//! ```toml
//! [[sections]]
//! builtin = "mine"                 # keep a built-in: mine, unassigned, all, bot_held
//!
//! [[sections]]
//! name = "VIP urgent"
//! query = "tag:vip priority:urgent is:open"
//! ```
//!
//! Listing sections replaces the built-ins (list them with `builtin` to keep
//! them). Every bad entry is reported with its line and left out; the rest
//! apply. With no usable entry the built-ins apply.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::problem::{Problem, line_of};
use crate::domain::queue::{Builtin, MAX_SECTIONS, Section};

/// One `[[sections]]` table, keys and values with their spans so problems
/// can name their line; its fields are checked here, not by serde, so one
/// bad entry does not throw away the file.
pub type Entry = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

const FIELDS: &str = "name, query, builtin";

/// The sections `entries` define, and what is wrong with them. An empty
/// list means the built-ins apply.
pub fn build(
    entries: Option<&[Spanned<Entry>]>,
    file: &Path,
    text: &str,
) -> (Vec<Section>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut sections: Vec<(Section, usize)> = Vec::new();
    for (n, entry) in entries.unwrap_or_default().iter().enumerate() {
        let at = entry_offset(entry);
        let mut report = |offset: usize, message: String| {
            problems.push(Problem::at(file, text, offset, message));
        };
        let section = match read_entry(entry.get_ref(), n + 1, at, &mut report) {
            Some(s) => s,
            None => continue,
        };
        // As `handoff queue --section` finds them.
        let same = |s: &Section| Section::key(&s.name) == Section::key(&section.name);
        if let Some((_, first)) = sections.iter().find(|(s, _)| same(s)) {
            report(
                at,
                format!(
                    "[[sections]] \"{}\": there is already a section of that name on line {}; that one applies",
                    section.name,
                    line_of(text, *first)
                ),
            );
            continue;
        }
        if sections.len() == MAX_SECTIONS {
            report(
                at,
                format!(
                    "[[sections]] \"{}\": at most {MAX_SECTIONS} sections (keys 1-{MAX_SECTIONS}); this one is left out",
                    section.name
                ),
            );
            continue;
        }
        sections.push((section, at));
    }
    (sections.into_iter().map(|(s, _)| s).collect(), problems)
}

/// The section problems in `text` alone, with their lines in it. For a
/// file whose other entries failed and were set aside (`config_check`).
pub fn problems_in(file: &Path, text: &str) -> Vec<Problem> {
    #[derive(Deserialize)]
    struct SectionsOnly {
        sections: Option<Vec<Spanned<Entry>>>,
    }
    // Other top-level keys are not this module's business.
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    if !table.contains_key("sections") {
        return Vec::new();
    }
    match toml::from_str::<SectionsOnly>(text) {
        Ok(s) => build(s.sections.as_deref(), file, text).1,
        // `sections` itself is malformed: reported with the file's errors.
        Err(_) => Vec::new(),
    }
}

/// Where an entry starts: its first key, or the entry itself when empty.
fn entry_offset(entry: &Spanned<Entry>) -> usize {
    entry
        .get_ref()
        .keys()
        .map(|k| k.span().start)
        .min()
        .unwrap_or(entry.span().start)
}

fn read_entry(
    entry: &Entry,
    number: usize,
    at: usize,
    report: &mut impl FnMut(usize, String),
) -> Option<Section> {
    let get = |key: &str| entry.iter().find(|(k, _)| k.get_ref() == key);
    let string =
        |key: &str, report: &mut dyn FnMut(usize, String)| -> Result<Option<(String, usize)>, ()> {
            match get(key) {
                None => Ok(None),
                Some((_, v)) => match v.get_ref() {
                    toml::Value::String(s) => Ok(Some((s.clone(), v.span().start))),
                    other => {
                        report(
                            v.span().start,
                            format!(
                                "[[sections]] #{number}: `{key}` must be a string, found {}",
                                other.type_str()
                            ),
                        );
                        Err(())
                    }
                },
            }
        };
    let name = string("name", report).ok()?;
    let query = string("query", report).ok()?;
    let builtin = string("builtin", report).ok()?;
    let label = match &name {
        Some((n, _)) if !n.trim().is_empty() => format!("\"{}\"", n.trim()),
        _ => format!("#{number}"),
    };
    for key in entry.keys() {
        if !FIELDS.split(", ").any(|f| f == key.get_ref()) {
            // A stray key is reported; the section still applies.
            report(
                key.span().start,
                format!(
                    "[[sections]] {label}: unknown field `{}` (fields: {FIELDS})",
                    key.get_ref()
                ),
            );
        }
    }
    let name = name
        .map(|(n, _)| n.trim().to_string())
        .filter(|n| !n.is_empty());
    match (builtin, query) {
        (Some(_), Some((_, offset))) => {
            report(
                offset,
                format!(
                    "[[sections]] {label}: a built-in section has its own query; drop `builtin` or `query`"
                ),
            );
            None
        }
        (Some((b, offset)), None) => match Builtin::parse(&b) {
            Some(b) => {
                let mut section = Section::builtin(b);
                if let Some(name) = name {
                    section.name = name;
                }
                Some(section)
            }
            None => {
                report(
                    offset,
                    format!(
                        "[[sections]] {label}: unknown built-in `{b}` (built-ins: {})",
                        Builtin::ALL.map(Builtin::as_str).join(", ")
                    ),
                );
                None
            }
        },
        (None, query) => {
            let Some(name) = name else {
                report(
                    at,
                    format!(
                        "[[sections]] {label}: needs a `name` (or `builtin = \"mine\"` and the like)"
                    ),
                );
                return None;
            };
            let Some((query, offset)) = query else {
                report(
                    at,
                    format!("[[sections]] {label}: needs a `query` (\"\" shows every handoff)"),
                );
                return None;
            };
            match Section::saved(&name, &query) {
                Ok(section) => Some(section),
                Err(e) => {
                    report(offset, format!("[[sections]] {label}: query: {e}"));
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(text: &str) -> Config {
        Config::parse(Path::new("/x/config.toml"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn names(c: &Config) -> Vec<String> {
        c.sections_in_force.iter().map(|s| s.name.clone()).collect()
    }

    fn problems(c: &Config) -> Vec<String> {
        c.problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn no_sections_means_the_builtins() {
        let c = parse("agent = \"Maya\"\n");
        assert!(c.sections_in_force.is_empty());
        let titles: Vec<String> = c.sections().into_iter().map(|s| s.name).collect();
        assert_eq!(titles, ["Mine", "Team unassigned", "All", "Bot-held"]);
    }

    #[test]
    fn saved_sections_replace_the_builtins_and_can_keep_them_by_name() {
        let c = parse(
            "[[sections]]\nbuiltin = \"mine\"\n\n\
             [[sections]]\nname = \"VIP urgent\"\nquery = \"tag:vip priority:urgent -status:resolved\"\n\n\
             [[sections]]\nbuiltin = \"bot-held\"\nname = \"Still with the AI\"\n",
        );
        assert!(c.problems.is_empty(), "{:?}", problems(&c));
        assert_eq!(names(&c), ["Mine", "VIP urgent", "Still with the AI"]);
        assert_eq!(c.sections_in_force[2].builtin, Some(Builtin::BotHeld));
        assert_eq!(c.sections(), c.sections_in_force);
    }

    #[test]
    fn each_bad_entry_is_reported_with_its_line_and_left_out() {
        let text = "agent = \"Maya\"\n\
                    [[sections]]\n\
                    name = \"Colours\"\n\
                    query = \"colour:red\"\n\
                    [[sections]]\n\
                    query = \"tag:vip\"\n\
                    [[sections]]\n\
                    name = \"Good\"\n\
                    query = \"tag:vip\"\n\
                    [[sections]]\n\
                    builtin = \"yours\"\n\
                    [[sections]]\n\
                    name = 7\n\
                    [[sections]]\n\
                    name = \"good\"\n\
                    query = \"\"\n";
        let c = parse(text);
        assert_eq!(names(&c), ["Good"]);
        let found = problems(&c);
        let lines: Vec<Option<usize>> = c.problems.iter().map(|p| p.line).collect();
        assert_eq!(
            lines,
            [Some(4), Some(6), Some(11), Some(13), Some(15)],
            "{found:#?}"
        );
        assert!(
            found[0].starts_with(
                "/x/config.toml:4: [[sections]] \"Colours\": query: unknown field 'colour'"
            ),
            "{}",
            found[0]
        );
        assert!(found[1].contains("#2: needs a `name`"), "{}", found[1]);
        assert!(
            found[2].contains("unknown built-in `yours`"),
            "{}",
            found[2]
        );
        assert!(found[3].contains("`name` must be a string"), "{}", found[3]);
        assert!(
            found[4].contains("already a section of that name on line 8"),
            "{}",
            found[4]
        );
    }

    #[test]
    fn more_than_nine_are_reported_and_the_first_nine_apply() {
        let text: String = (1..=11)
            .map(|n| format!("[[sections]]\nname = \"S{n}\"\nquery = \"tag:vip\"\n"))
            .collect();
        let c = parse(&text);
        assert_eq!(c.sections_in_force.len(), MAX_SECTIONS);
        let lines: Vec<Option<usize>> = c.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(29), Some(32)]);
        assert!(problems(&c)[0].contains("\"S10\": at most 9 sections"));
    }

    #[test]
    fn a_stray_field_is_reported_but_the_section_applies() {
        let c = parse("[[sections]]\nname = \"VIP\"\nquery = \"tag:vip\"\ncolor = \"red\"\n");
        assert_eq!(names(&c), ["VIP"]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].line, Some(4));
        // Both builtin and query: which one was meant is unclear.
        let c = parse("[[sections]]\nbuiltin = \"all\"\nquery = \"tag:vip\"\n");
        assert!(c.sections_in_force.is_empty());
        assert_eq!(c.problems[0].line, Some(3));
    }

    #[test]
    fn inline_tables_work_too() {
        let c = parse(
            "sections = [\n  { name = \"VIP\", query = \"tag:vip\" },\n  { name = \"Bad\", query = \"sla:late\" },\n]\n",
        );
        assert_eq!(names(&c), ["VIP"]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].line, Some(3));
    }
}
