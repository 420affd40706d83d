//! `:` / Ctrl-P, the command palette: every action a user can run by name,
//! fuzzy matched on its name and description (nucleo, as editors do);
//! Enter runs the pick.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use crossterm::event::{KeyCode, KeyEvent};

use super::list_key;
use crate::app::action::{ALL, Action};
use crate::app::apply::apply;
use crate::app::effect::Effect;
use crate::app::state::{Modal, State};

/// Actions matching `filter`, best first; all of them (in registry order)
/// for an empty filter.
pub fn matches(filter: &str, sections: &[&str]) -> Vec<Action> {
    let actions = ALL
        .iter()
        .copied()
        .filter(|a| a.in_palette() && a.exists_with(sections));
    if filter.trim().is_empty() {
        return actions.collect();
    }
    let haystacks: Vec<(Action, String)> = actions
        .map(|a| {
            (
                a,
                format!("{} {}", a.name().replace('_', " "), a.describe(sections)),
            )
        })
        .collect();
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(filter, CaseMatching::Ignore, Normalization::Smart);
    pattern
        .match_list(haystacks.iter().map(|(_, h)| h.as_str()), &mut matcher)
        .into_iter()
        .filter_map(|(h, _)| haystacks.iter().find(|(_, s)| s == h).map(|(a, _)| *a))
        .collect()
}

pub(super) fn on_key(
    state: &mut State,
    key: KeyEvent,
    mut filter: String,
    mut selected: usize,
) -> Vec<Effect> {
    let actions = matches(&filter, &state.section_titles());
    match key.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Enter => {
            return match actions.get(selected) {
                Some(action) => apply(state, *action),
                None => Vec::new(),
            };
        }
        _ => list_key(&key, &mut filter, &mut selected, actions.len()),
    }
    state.modal = Some(Modal::Palette { filter, selected });
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOUR: &[&str] = &["Mine", "Team unassigned", "All", "Bot-held"];

    #[test]
    fn empty_lists_everything_offered() {
        let all = matches("", FOUR);
        assert!(all.contains(&Action::FlagBad));
        assert!(!all.contains(&Action::Send));
    }

    #[test]
    fn fuzzy_by_name_or_description() {
        assert_eq!(matches("flgbad", FOUR).first(), Some(&Action::FlagBad));
        assert_eq!(
            matches("transcript", FOUR).first(),
            Some(&Action::ToggleTranscript)
        );
        assert_eq!(matches("assign to me", FOUR).first(), Some(&Action::Claim));
        assert!(matches("zzzzqq", FOUR).is_empty());
    }

    #[test]
    fn sections_are_offered_by_name_and_only_those_that_exist() {
        let sections = ["Mine", "VIP urgent"];
        let all = matches("", &sections);
        assert!(all.contains(&Action::Section(1)));
        assert!(!all.contains(&Action::Section(2)), "no third section");
        assert_eq!(
            matches("vip urgent", &sections).first(),
            Some(&Action::Section(1))
        );
    }
}
