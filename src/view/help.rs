//! Help's entries and where they go: every key from the keymap in force,
//! grouped, filtered and packed into the box's columns. `ui::help` draws
//! the placed items; the mouse finds the entry under a click, and Enter the
//! action to run, from the same lists.

use ratatui::layout::{Position, Rect};

use super::{modal, text};
use crate::app::Action;
use crate::app::keymap::{Context, Keymap};

/// One row of help: the keys for one action in one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub keys: String,
    pub name: &'static str,
    pub description: String,
    /// What Enter runs on this entry (dialog keys run nothing).
    pub action: Option<Action>,
}

/// Keys that live in dialogs and the filter line (handled outside the keymap).
const DIALOG_KEYS: &[(&str, &str)] = &[
    ("1-7", "pick why a handoff was bad"),
    ("Enter", "save the verdict note · keep the filter"),
    ("Esc", "skip · close (the draft is kept) · clear filter"),
    ("Ctrl-u", "erase the filter text"),
];

/// Groups of entries, in the order shown. Movement bound the same way in the
/// queue and the detail pane is listed once. On a lead screen (`lead`),
/// only the keys that do something there.
pub fn groups(
    keymap: &Keymap,
    sections: &[&str],
    filter: &str,
    lead: bool,
) -> Vec<(&'static str, Vec<Entry>)> {
    if lead {
        return lead_group(keymap, sections, filter);
    }
    let keys_for =
        |ctx: Context, action: Action| -> String { keymap.keys_for(ctx, action).join(" ") };
    // `section_7` with four sections does nothing: not listed.
    let actions_in = |ctx: Context| {
        let mut actions = keymap.actions_in(ctx);
        actions.retain(|a| a.exists_with(sections));
        actions
    };
    let entry = |ctx: Context, a: Action| Entry {
        keys: keys_for(ctx, a),
        name: a.name(),
        description: a.describe(sections).into_owned(),
        action: Some(a),
    };
    let same_in_both = |a: Action| keys_for(Context::Queue, a) == keys_for(Context::Detail, a);

    let global = actions_in(Context::Global)
        .into_iter()
        .map(|a| entry(Context::Global, a))
        .collect();
    let both = actions_in(Context::Queue)
        .into_iter()
        .filter(|a| same_in_both(*a))
        .map(|a| entry(Context::Queue, a))
        .collect();
    let queue_only = actions_in(Context::Queue)
        .into_iter()
        .filter(|a| !same_in_both(*a))
        .map(|a| entry(Context::Queue, a))
        .collect();
    let detail_only = actions_in(Context::Detail)
        .into_iter()
        .filter(|a| !same_in_both(*a))
        .map(|a| entry(Context::Detail, a))
        .collect();
    // Lead screens mostly move like the queue; list only what differs there.
    let lead_only = actions_in(Context::Lead)
        .into_iter()
        .filter(|a| keys_for(Context::Lead, *a) != keys_for(Context::Queue, *a))
        .map(|a| Entry {
            description: on_lead(a, sections),
            ..entry(Context::Lead, a)
        })
        .collect();
    // Sending runs from inside the box only: listed, not runnable from here.
    let compose = actions_in(Context::Compose)
        .into_iter()
        .map(|a| Entry {
            action: None,
            ..entry(Context::Compose, a)
        })
        .collect();
    let dialogs = DIALOG_KEYS
        .iter()
        .map(|(k, d)| Entry {
            keys: (*k).to_string(),
            name: "",
            description: (*d).to_string(),
            action: None,
        })
        .collect();

    let keep = matching(filter);
    [
        (Context::Global.title(), global),
        ("queue and summary", both),
        (Context::Queue.title(), queue_only),
        (Context::Detail.title(), detail_only),
        (Context::Compose.title(), compose),
        (Context::Lead.title(), lead_only),
        ("dialogs and the filter line", dialogs),
    ]
    .into_iter()
    .map(|(title, entries): (&'static str, Vec<Entry>)| {
        (
            title,
            entries.into_iter().filter(|e| keep(e)).collect::<Vec<_>>(),
        )
    })
    .filter(|(_, entries)| !entries.is_empty())
    .collect()
}

/// Whether an entry matches the help's filter text: by key, name or meaning.
fn matching(filter: &str) -> impl Fn(&Entry) -> bool {
    let f = filter.trim().to_lowercase();
    move |e: &Entry| {
        f.is_empty()
            || e.keys.to_lowercase().contains(&f)
            || e.name.contains(&f)
            || e.description.to_lowercase().contains(&f)
    }
}

/// What `a` does on a lead screen, in words.
fn on_lead(a: Action, sections: &[&str]) -> String {
    a.describe_on_lead()
        .map_or_else(|| a.describe(sections).into_owned(), str::to_string)
}

/// A lead screen's keys: what works there (its own table first, then the
/// global keys it does not override), described as they act there.
fn lead_group(keymap: &Keymap, sections: &[&str], filter: &str) -> Vec<(&'static str, Vec<Entry>)> {
    let mut actions = keymap.actions_in(Context::Lead);
    for a in keymap.actions_in(Context::Global) {
        if !actions.contains(&a) {
            actions.push(a);
        }
    }
    let keep = matching(filter);
    let entries: Vec<Entry> = actions
        .into_iter()
        .filter(|a| a.works_on_lead() && a.exists_with(sections))
        .filter_map(|a| {
            let keys = keymap.keys_in_force(Context::Lead, a);
            (!keys.is_empty()).then(|| Entry {
                keys: keys.join(" "),
                name: a.name(),
                description: on_lead(a, sections),
                action: Some(a),
            })
        })
        .filter(|e| keep(e))
        .collect();
    if entries.is_empty() {
        return Vec::new();
    }
    vec![(Context::Lead.title(), entries)]
}

/// The actions Enter can run, in the order shown; `selected` indexes this.
pub fn runnable(keymap: &Keymap, sections: &[&str], filter: &str, lead: bool) -> Vec<Action> {
    groups(keymap, sections, filter, lead)
        .into_iter()
        .flat_map(|(_, entries)| entries)
        .filter_map(|e| e.action)
        .collect()
}

pub enum Item {
    Heading(&'static str),
    /// An entry, and its index in `runnable` if Enter can run it.
    Entry(Entry, Option<usize>),
}

/// The groups as items: a heading, then its entries.
pub fn blocks(keymap: &Keymap, sections: &[&str], filter: &str, lead: bool) -> Vec<Vec<Item>> {
    let mut runnable_seen = 0usize;
    groups(keymap, sections, filter, lead)
        .into_iter()
        .map(|(title, entries)| {
            let mut block = vec![Item::Heading(title)];
            block.extend(entries.into_iter().map(|e| {
                let index = e.action.map(|_| runnable_seen);
                runnable_seen += usize::from(e.action.is_some());
                Item::Entry(e, index)
            }));
            block
        })
        .collect()
}

/// Where the items go on a `screen`: the box's size, the columns, and how
/// many items did not fit. Shared by `render` and `entry_at`.
pub struct Placed<'a> {
    pub w: u16,
    pub h: u16,
    pub cols: usize,
    pub col_w: usize,
    /// The keys' column, the same in every column of the box.
    pub keys_w: usize,
    /// Each column's items with the lines each takes (a description too
    /// long for one line wraps under itself).
    pub columns: Vec<Vec<(&'a Item, usize)>>,
    pub hidden: usize,
    pub total: usize,
}

/// The room a description has beside the keys: "▸ " / "  ", keys, " ".
pub fn desc_width(col_w: usize, keys_w: usize) -> usize {
    col_w.saturating_sub(keys_w + 4).max(8)
}

/// The keys' column: as wide as the widest keys, up to this; longer keys
/// ("Enter Alt-Enter Ctrl-Enter") get a line of their own.
const KEYS_MAX: usize = 11;

fn item_height(item: &Item, col_w: usize, keys_w: usize) -> usize {
    match item {
        Item::Heading(_) => 1,
        Item::Entry(e, _) => {
            let own_line = usize::from(text::width(&e.keys) > keys_w);
            own_line
                + text::wrap(&e.description, desc_width(col_w, keys_w))
                    .len()
                    .max(1)
        }
    }
}

pub fn place(blocks: &[Vec<Item>], screen: Rect) -> Placed<'_> {
    let w = screen.width.min(112);
    let cols: usize = if w >= 64 { 2 } else { 1 };
    // Borders take two columns; each column gets an equal share.
    let col_w = (usize::from(w.saturating_sub(2)) / cols).max(1);
    let keys_w = blocks
        .iter()
        .flatten()
        .filter_map(|it| match it {
            Item::Entry(e, _) => Some(text::width(&e.keys)),
            Item::Heading(_) => None,
        })
        .max()
        .unwrap_or(0)
        .min(KEYS_MAX)
        .min(col_w / 2);
    let sized: Vec<Vec<(&Item, usize)>> = blocks
        .iter()
        .map(|b| {
            b.iter()
                .map(|it| (it, item_height(it, col_w, keys_w)))
                .collect()
        })
        .collect();
    // Border, filter line and a blank line take four rows.
    let max_rows = usize::from(screen.height.saturating_sub(4)).max(1);
    let total: usize = blocks.iter().map(Vec::len).sum();
    let lines: usize = sized.iter().flatten().map(|(_, h)| h).sum();
    // The fewest rows that hold every group whole; else split groups.
    let whole = (lines.div_ceil(cols).max(1)..=max_rows)
        .find_map(|rows| pack_whole(&sized, rows, cols).map(|c| (rows, c)));
    let (rows, columns, hidden) = match whole {
        Some((rows, columns)) => (rows, columns, 0),
        None => {
            let (columns, hidden) = pack_split(&sized, max_rows, cols);
            (max_rows, columns, hidden)
        }
    };
    let h = u16::try_from(rows + 4)
        .unwrap_or(u16::MAX)
        .min(screen.height);
    Placed {
        w,
        h,
        cols,
        col_w,
        keys_w,
        columns,
        hidden,
        total,
    }
}

/// The list's area inside the box, below the filter line.
pub fn body_of(inner: Rect) -> Option<Rect> {
    (inner.height >= 3 && inner.width >= 8)
        .then(|| Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2))
}

/// The items of column `i` drawn whole in `body` (the last column's last
/// line says how many more there are when some do not fit).
pub fn shown_items<'p, 'a>(p: &'p Placed<'a>, i: usize, body: Rect) -> &'p [(&'a Item, usize)] {
    let column = p.columns.get(i).map_or(&[][..], Vec::as_slice);
    let mut room = usize::from(body.height);
    if p.hidden > 0 && i + 1 == p.cols {
        room = room.saturating_sub(1);
    }
    let mut used = 0;
    let fit = column
        .iter()
        .take_while(|(_, h)| {
            used += h;
            used <= room
        })
        .count();
    &column[..fit]
}

/// The index (into `runnable(keymap, sections, filter, lead)`) of the entry
/// drawn at `x`, `y` on `screen`, as `render` lays help out; None over a
/// heading, a key that only works in a dialog, or outside the list.
pub fn entry_at(
    keymap: &Keymap,
    (sections, lead): (&[&str], bool),
    filter: &str,
    screen: Rect,
    (x, y): (u16, u16),
) -> Option<usize> {
    let blocks = blocks(keymap, sections, filter, lead);
    let p = place(&blocks, screen);
    let body = body_of(modal::inner(modal::area(screen, p.w, p.h)))?;
    if !body.contains(Position { x, y }) {
        return None;
    }
    let i = usize::from(x - body.x) / p.col_w.max(1);
    if i >= p.cols {
        return None;
    }
    let row = usize::from(y - body.y);
    let mut top = 0;
    for (item, h) in shown_items(&p, i, body) {
        if row < top + h {
            return match item {
                Item::Entry(_, index) => *index,
                Item::Heading(_) => None,
            };
        }
        top += h;
    }
    None
}

/// Whole groups into `cols` columns of `rows` lines, in order; None if they
/// do not fit.
fn pack_whole<'a>(
    blocks: &[Vec<(&'a Item, usize)>],
    rows: usize,
    cols: usize,
) -> Option<Vec<Vec<(&'a Item, usize)>>> {
    let lines = |c: &[(&Item, usize)]| c.iter().map(|(_, h)| h).sum::<usize>();
    let mut columns: Vec<Vec<(&Item, usize)>> = vec![Vec::new()];
    for block in blocks {
        if lines(block) > rows {
            return None;
        }
        let used = columns.last().map_or(0, |c| lines(c));
        if used + lines(block) > rows {
            if columns.len() == cols {
                return None;
            }
            columns.push(Vec::new());
        }
        columns.last_mut()?.extend(block.iter().copied());
    }
    Some(columns)
}

/// Items flowed down the columns, groups split where needed (a heading never
/// ends a column). Returns the columns and how many items did not fit.
fn pack_split<'a>(
    blocks: &[Vec<(&'a Item, usize)>],
    rows: usize,
    cols: usize,
) -> (Vec<Vec<(&'a Item, usize)>>, usize) {
    let items: Vec<(&Item, usize)> = blocks.iter().flatten().copied().collect();
    let mut columns: Vec<Vec<(&Item, usize)>> = vec![Vec::new()];
    let mut used = 0;
    let mut placed = 0;
    for &(item, h) in &items {
        let heading_at_end = matches!(item, Item::Heading(_)) && used + 1 == rows;
        if used + h > rows || heading_at_end {
            if columns.len() == cols {
                break;
            }
            columns.push(Vec::new());
            used = 0;
        }
        if let Some(c) = columns.last_mut() {
            c.push((item, h));
            used += h;
            placed += 1;
        }
    }
    (columns, items.len() - placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine sections, so every `section_N` key is in force.
    const NINE: &[&str] = &["Mine", "Team", "All", "Bot", "E", "F", "G", "H", "I"];

    #[test]
    fn every_binding_is_listed() {
        let map = Keymap::default();
        let all = groups(&map, NINE, "", false);
        for b in map.bindings() {
            let label = crate::app::keymap::chord_label(&b.keys);
            let found = all.iter().flat_map(|(_, es)| es).any(|e| {
                // Keys are listed space-separated, so a chord ("y i") is
                // looked for as a whole.
                e.description == b.action.describe(NINE)
                    && (e.keys.split(' ').any(|k| k == label)
                        || (label.contains(' ') && e.keys.contains(&label)))
            });
            assert!(found, "{label} for {:?} missing from help", b.action);
        }
    }

    #[test]
    fn rebinding_shows_in_help() {
        let mut map = Keymap::default();
        let f2 = crate::app::keymap::Key::new(
            crossterm::event::KeyCode::F(2),
            crossterm::event::KeyModifiers::NONE,
        );
        map.bind(Context::Global, vec![f2], Some(Action::FlagBad));
        let count = |f: &str| {
            groups(&map, NINE, f, false)
                .iter()
                .map(|(_, e)| e.len())
                .sum::<usize>()
        };
        assert_eq!(count("F2"), 1);
        assert_eq!(runnable(&map, NINE, "F2", false), vec![Action::FlagBad]);
    }

    #[test]
    fn filter_matches_key_name_or_description() {
        let map = Keymap::default();
        let count = |f: &str| {
            groups(&map, NINE, f, false)
                .iter()
                .map(|(_, e)| e.len())
                .sum::<usize>()
        };
        assert!(count("TRANSCRIPT") >= 1);
        assert!(count("flag_bad") >= 1);
        assert!(count("ctrl-c") >= 1);
        assert_eq!(count("zzzz"), 0);
    }

    #[test]
    fn sections_are_listed_by_name_and_only_those_in_force() {
        let map = Keymap::default();
        let four = ["Mine", "VIP urgent", "All", "Bot-held"];
        let listed = runnable(&map, &four, "", false);
        assert!(listed.contains(&Action::Section(3)));
        assert!(!listed.contains(&Action::Section(4)), "no fifth section");
        assert_eq!(
            runnable(&map, &four, "vip", false),
            vec![Action::Section(1)]
        );
    }
}
