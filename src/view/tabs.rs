//! The top line laid out as plain pieces (text and what each is): `ui::tabs`
//! styles and draws them, and [`tab_at`] reads the same layout, so a click
//! lands on the tab drawn under it.

use super::text;
use crate::app::State;

/// The section index whose label covers column `x` (0-based, from the left
/// of the line) of the top line drawn `width` columns wide, as `render`
/// lays it out.
pub fn tab_at(state: &State, width: u16, x: u16) -> Option<usize> {
    let width = usize::from(width);
    let x = usize::from(x);
    if x >= width {
        return None;
    }
    let mut start = 0;
    for piece in fit(state, width) {
        let end = start + text::width(&piece.text);
        if (start..end).contains(&x) {
            return match piece.kind {
                Kind::Tab { index, .. } => Some(index),
                _ => None,
            };
        }
        start = end;
    }
    None
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// App name, agent, full section names.
    Full,
    /// App name, agent, short names ("Team" for Team unassigned).
    Short,
    /// Short names only.
    Bare,
    /// Names cut to this many columns.
    Cut(usize),
}

/// What a piece of the line is, which decides its style.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Title,
    Muted,
    Border,
    Tab { index: usize, active: bool },
    Info,
    Error,
    Plain,
}

pub struct Piece {
    pub text: String,
    pub kind: Kind,
}

fn piece(text: impl Into<String>, kind: Kind) -> Piece {
    Piece {
        text: text.into(),
        kind,
    }
}

/// The roomiest form that fits, then shorter ones, so the sections (the
/// part one acts on) survive on narrow terminals. When none fits, the one
/// that shows the most whole tabs (the roomiest of equals); the rest is cut.
pub fn fit(state: &State, width: usize) -> Vec<Piece> {
    let forms = [
        Form::Full,
        Form::Short,
        Form::Bare,
        Form::Cut(10),
        Form::Cut(6),
        Form::Cut(3),
    ];
    let mut built: Vec<Vec<Piece>> = forms
        .into_iter()
        .map(|form| build(state, form, width))
        .collect();
    let width_of =
        |pieces: &[Piece]| -> usize { pieces.iter().map(|p| text::width(&p.text)).sum() };
    if let Some(i) = built.iter().position(|p| width_of(p) <= width) {
        return built.swap_remove(i);
    }
    let whole_tabs = |pieces: &[Piece]| -> usize {
        let mut used = 0;
        pieces
            .iter()
            .take_while(|p| {
                used += text::width(&p.text);
                used <= width
            })
            .filter(|p| matches!(p.kind, Kind::Tab { .. }))
            .count()
    };
    let best = built
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| (whole_tabs(p), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    built.swap_remove(best)
}

fn build(state: &State, form: Form, width: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if matches!(form, Form::Full | Form::Short) {
        pieces.push(piece(" handoff ", Kind::Title));
        pieces.push(piece(format!("{} ", text::cut(&state.me, 20)), Kind::Muted));
    }
    if !state.loaded {
        pieces.push(piece(" loading…", Kind::Muted));
        return pieces;
    }
    for (i, section) in state.sections.iter().enumerate() {
        if i > 0 {
            pieces.push(piece("·", Kind::Border));
        }
        // Names come from the config file: cleaned like any outside text.
        let title = match form {
            Form::Full => text::cut(&section.name, 40),
            Form::Short | Form::Bare => text::cut(section.short_title(), 16),
            Form::Cut(n) => text::cut(section.short_title(), n),
        };
        // "All 29871+": the resolved history is still loading.
        let more = if state.loading_rest && !section.query.excludes_resolved() {
            "+"
        } else {
            ""
        };
        let label = format!(" {title} {}{more} ", state.section_count(i));
        let kind = Kind::Tab {
            index: i,
            active: i == state.section,
        };
        pieces.push(piece(label, kind));
    }
    if state.sort != crate::app::sort::SortKey::Urgency {
        // Not the usual order: say so, or rows seem out of place.
        let label = match form {
            Form::Full => format!("  ↕ {}", state.sort.label()),
            Form::Short => {
                let word = state.sort.label().split(',').next().unwrap_or_default();
                format!("  ↕ {word}")
            }
            Form::Bare | Form::Cut(_) => "  ↕".to_string(),
        };
        pieces.push(piece(label, Kind::Info));
    }
    let used: usize = pieces.iter().map(|p| text::width(&p.text)).sum();
    let room = width.saturating_sub(used + 3);
    if state.filter.error.is_some() || !state.filter.text.is_empty() {
        pieces.push(piece("  ", Kind::Plain));
        match &state.filter.error {
            // While the text does not parse the last good query stays in
            // force; say so instead of showing text that is not applied.
            Some(err) => pieces.push(piece(
                format!("/ {}", text::cut(err, room.saturating_sub(2))),
                Kind::Error,
            )),
            None => pieces.push(piece(
                format!(
                    "/ {}",
                    text::cut(&state.filter.text, room.saturating_sub(2))
                ),
                Kind::Info,
            )),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::queue::Section;

    fn state(sections: Vec<Section>, counts: Vec<usize>) -> State {
        let mut s = State::new("Maya Chen".into(), chrono::Utc::now());
        s.loaded = true;
        s.sections = sections;
        s.queue.set_counts(counts);
        s
    }

    #[test]
    fn counts_that_wait_for_the_resolved_history_say_so() {
        let mut s = state(Section::builtins(), vec![12, 45, 30211, 8]);
        s.loading_rest = true;
        let line: String = fit(&s, 120).iter().map(|p| p.text.as_str()).collect();
        assert!(
            line.contains("Mine 12 ") && line.contains("Bot-held 8 "),
            "{line}"
        );
        assert!(line.contains("All 30211+ "), "{line}");
        s.loading_rest = false;
        let line: String = fit(&s, 120).iter().map(|p| p.text.as_str()).collect();
        assert!(line.contains("All 30211 "), "{line}");
    }

    /// The columns of the line a tab's label covers, found in its text.
    fn span_of(state: &State, width: u16, label: &str) -> std::ops::Range<u16> {
        let line: String = fit(state, usize::from(width))
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        let at = line
            .find(label)
            .unwrap_or_else(|| panic!("{label} not in {line:?}"));
        let start = text::width(&line[..at]) as u16;
        start..start + text::width(label) as u16
    }

    #[test]
    fn a_click_finds_the_tab_drawn_under_it() {
        let s = state(Section::builtins(), vec![3, 12, 169, 0]);
        for width in [120u16, 80, 40] {
            let all = span_of(&s, width, " All 169 ");
            for x in all.clone() {
                assert_eq!(tab_at(&s, width, x), Some(2), "x={x} at {width}");
            }
            // The separator and the app name are not tabs.
            assert_eq!(tab_at(&s, width, all.start - 1), None);
        }
        assert_eq!(tab_at(&s, 120, 0), None);
        assert_eq!(tab_at(&s, 120, 119), None);
        assert_eq!(tab_at(&s, 80, 200), None);
    }

    #[test]
    fn nine_saved_sections_fit_in_eighty_columns_by_cutting_names() {
        let sections: Vec<Section> = (1..=9)
            .map(|n| Section::saved(&format!("Saved section number {n}"), "tag:vip"))
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        let s = state(sections, (1..=9).map(|n| n * 10).collect());
        let pieces = fit(&s, 80);
        let width: usize = pieces.iter().map(|p| text::width(&p.text)).sum();
        assert!(width <= 80, "{width}");
        // Every tab is still there, with its count, and clickable.
        for i in 0..9 {
            let count = format!(" {} ", (i + 1) * 10);
            let tab = pieces
                .iter()
                .find(|p| {
                    p.kind
                        == Kind::Tab {
                            index: i,
                            active: i == 0,
                        }
                })
                .map(|p| p.text.clone())
                .unwrap_or_default();
            assert!(tab.ends_with(&count), "{tab:?}");
        }
    }
}
