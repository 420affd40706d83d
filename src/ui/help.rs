//! Every key, from the keymap in force (the same value that handles them), so
//! help cannot drift from behaviour, rebinding included. Typing filters by
//! key, name or meaning; ↑/↓ pick an entry and Enter runs it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
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
/// queue and the detail pane is listed once.
pub fn groups(keymap: &Keymap, sections: &[&str], filter: &str) -> Vec<(&'static str, Vec<Entry>)> {
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
        .map(|a| entry(Context::Lead, a))
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

    let f = filter.trim().to_lowercase();
    let keep = |e: &Entry| {
        f.is_empty()
            || e.keys.to_lowercase().contains(&f)
            || e.name.contains(&f)
            || e.description.to_lowercase().contains(&f)
    };
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

/// The actions Enter can run, in the order shown; `selected` indexes this.
pub fn runnable(keymap: &Keymap, sections: &[&str], filter: &str) -> Vec<Action> {
    groups(keymap, sections, filter)
        .into_iter()
        .flat_map(|(_, entries)| entries)
        .filter_map(|e| e.action)
        .collect()
}

enum Item {
    Heading(&'static str),
    /// An entry, and its index in `runnable` if Enter can run it.
    Entry(Entry, Option<usize>),
}

/// The groups as items: a heading, then its entries.
fn blocks(keymap: &Keymap, sections: &[&str], filter: &str) -> Vec<Vec<Item>> {
    let mut runnable_seen = 0usize;
    groups(keymap, sections, filter)
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
struct Placed<'a> {
    w: u16,
    h: u16,
    cols: usize,
    columns: Vec<Vec<&'a Item>>,
    hidden: usize,
    total: usize,
}

fn place(blocks: &[Vec<Item>], screen: Rect) -> Placed<'_> {
    let w = screen.width.min(112);
    let cols: usize = if w >= 64 { 2 } else { 1 };
    // Border, filter line and a blank line take four rows.
    let max_rows = usize::from(screen.height.saturating_sub(4)).max(1);
    let total: usize = blocks.iter().map(Vec::len).sum();
    // The fewest rows that hold every group whole; else split groups.
    let whole = (total.div_ceil(cols).max(1)..=max_rows)
        .find_map(|rows| pack_whole(blocks, rows, cols).map(|c| (rows, c)));
    let (rows, columns, hidden) = match whole {
        Some((rows, columns)) => (rows, columns, 0),
        None => {
            let (columns, hidden) = pack_split(blocks, max_rows, cols);
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
        columns,
        hidden,
        total,
    }
}

/// The list's area inside the box, below the filter line.
fn body_of(inner: Rect) -> Option<Rect> {
    (inner.height >= 3 && inner.width >= 8)
        .then(|| Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2))
}

/// How many lines of column `i` show entries (the last column's last line
/// says how many more there are when some do not fit).
fn shown_lines(p: &Placed, i: usize, body: Rect) -> usize {
    let len = p.columns.get(i).map_or(0, Vec::len);
    let room = usize::from(body.height);
    if p.hidden > 0 && i + 1 == p.cols {
        len.min(room.saturating_sub(1))
    } else {
        len.min(room)
    }
}

/// The index (into `runnable(keymap, sections, filter)`) of the entry drawn at `x`,
/// `y` on `screen`, as `render` lays help out; None over a heading, a key
/// that only works in a dialog, or outside the list.
pub fn entry_at(
    keymap: &Keymap,
    sections: &[&str],
    filter: &str,
    screen: Rect,
    x: u16,
    y: u16,
) -> Option<usize> {
    let blocks = blocks(keymap, sections, filter);
    let p = place(&blocks, screen);
    let body = body_of(modal::inner(modal::area(screen, p.w, p.h)))?;
    if !body.contains(ratatui::layout::Position { x, y }) {
        return None;
    }
    let col_w = (usize::from(body.width) / p.cols).max(1);
    let i = usize::from(x - body.x) / col_w;
    let row = usize::from(y - body.y);
    if i >= p.cols || row >= shown_lines(&p, i, body) {
        return None;
    }
    match p.columns.get(i)?.get(row)? {
        Item::Entry(_, index) => *index,
        Item::Heading(_) => None,
    }
}

pub fn render(
    frame: &mut Frame,
    keymap: &Keymap,
    sections: &[&str],
    filter: &str,
    selected: usize,
    theme: &Theme,
) {
    let blocks = blocks(keymap, sections, filter);
    let p = place(&blocks, frame.area());
    let (cols, hidden, total) = (p.cols, p.hidden, p.total);
    let inner = modal::open(frame, p.w, p.h, "Keys", theme);
    if inner.height == 0 || inner.width < 8 {
        return;
    }

    let cursor = Span::styled(" ", theme.selection);
    let filter_line = if filter.is_empty() {
        Line::from(vec![
            Span::styled(" / ", theme.key),
            cursor,
            Span::styled(" type to filter · ↑↓ Enter runs · Esc closes", theme.muted),
        ])
    } else {
        Line::from(vec![
            Span::styled(" / ", theme.key),
            Span::styled(
                text::cut(filter, usize::from(inner.width) - 6),
                theme.normal,
            ),
            cursor,
        ])
    };
    modal::fill(
        frame,
        Rect { height: 1, ..inner },
        vec![(filter_line, false)],
    );
    if inner.height < 3 {
        return;
    }
    let body = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    if total == 0 {
        let none = Line::styled(" No key matches. Backspace to widen.", theme.muted);
        modal::fill(frame, body, vec![(none, false)]);
        return;
    }
    let col_w = (usize::from(body.width) / cols).max(1);
    for (i, column) in p.columns.iter().enumerate() {
        // Keys line up per column, as wide as that column's longest keys.
        let keys_w = column
            .iter()
            .filter_map(|it| match it {
                Item::Entry(e, _) => Some(text::width(&e.keys)),
                Item::Heading(_) => None,
            })
            .max()
            .unwrap_or(0)
            .min(col_w / 2);
        let mut lines: Vec<(Line<'static>, bool)> = column
            .iter()
            .map(|it| (item_line(it, selected, theme, col_w, keys_w), false))
            .collect();
        if hidden > 0 && i + 1 == cols {
            let room = usize::from(body.height).saturating_sub(1);
            let more = hidden + lines.len().saturating_sub(room);
            lines.truncate(room);
            let line = Line::styled(format!(" … {more} more — type to filter"), theme.muted);
            lines.push((line, false));
        }
        let x = body.x + (i * col_w) as u16;
        let area = Rect::new(x, body.y, col_w as u16, body.height);
        modal::fill(frame, area, lines);
    }
}

/// Whole groups into `cols` columns of `rows`, in order; None if they do not fit.
fn pack_whole(blocks: &[Vec<Item>], rows: usize, cols: usize) -> Option<Vec<Vec<&Item>>> {
    let mut columns: Vec<Vec<&Item>> = vec![Vec::new()];
    for block in blocks {
        if block.len() > rows {
            return None;
        }
        let used = columns.last().map_or(0, Vec::len);
        if used + block.len() > rows {
            if columns.len() == cols {
                return None;
            }
            columns.push(Vec::new());
        }
        columns.last_mut()?.extend(block.iter());
    }
    Some(columns)
}

/// Items flowed down the columns, groups split where needed (a heading never
/// ends a column). Returns the columns and how many items did not fit.
fn pack_split(blocks: &[Vec<Item>], rows: usize, cols: usize) -> (Vec<Vec<&Item>>, usize) {
    let items: Vec<&Item> = blocks.iter().flatten().collect();
    let mut columns: Vec<Vec<&Item>> = vec![Vec::new()];
    let mut placed = 0;
    for item in &items {
        let used = columns.last().map_or(0, Vec::len);
        let heading_at_end = matches!(item, Item::Heading(_)) && used + 1 == rows;
        if used == rows || heading_at_end {
            if columns.len() == cols {
                break;
            }
            columns.push(Vec::new());
        }
        if let Some(c) = columns.last_mut() {
            c.push(item);
            placed += 1;
        }
    }
    (columns, items.len() - placed)
}

fn item_line(
    item: &Item,
    selected: usize,
    theme: &Theme,
    width: usize,
    keys_w: usize,
) -> Line<'static> {
    match item {
        Item::Heading(t) => Line::styled(text::trunc(&format!(" {t}"), width), theme.heading),
        Item::Entry(e, index) => {
            let picked = *index == Some(selected);
            let keys = text::pad(&e.keys, keys_w);
            let desc_w = width.saturating_sub(keys_w + 4);
            let desc = text::trunc(&e.description, desc_w);
            if picked {
                // The pick is drawn in reverse as a whole, with a glyph, so it
                // shows without colour too.
                let line = format!("▸ {keys} {}", text::pad(&desc, desc_w));
                return Line::styled(text::trunc(&line, width), theme.selection);
            }
            Line::from(vec![
                Span::raw("  "),
                Span::styled(keys, theme.key),
                Span::raw(" "),
                Span::styled(desc, theme.normal),
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine sections, so every `section_N` key is in force.
    const NINE: &[&str] = &["Mine", "Team", "All", "Bot", "E", "F", "G", "H", "I"];

    #[test]
    fn every_binding_is_listed() {
        let map = Keymap::default();
        let all = groups(&map, NINE, "");
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
            groups(&map, NINE, f)
                .iter()
                .map(|(_, e)| e.len())
                .sum::<usize>()
        };
        assert_eq!(count("F2"), 1);
        assert_eq!(runnable(&map, NINE, "F2"), vec![Action::FlagBad]);
    }

    #[test]
    fn filter_matches_key_name_or_description() {
        let map = Keymap::default();
        let count = |f: &str| {
            groups(&map, NINE, f)
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
        let listed = runnable(&map, &four, "");
        assert!(listed.contains(&Action::Section(3)));
        assert!(!listed.contains(&Action::Section(4)), "no fifth section");
        assert_eq!(runnable(&map, &four, "vip"), vec![Action::Section(1)]);
    }
}
