//! Running one named action, wherever it came from: a key, help, the
//! palette or the mouse.

use super::action::Action;
use super::actions::{claim, compose, flag, resolve, toggle_status, undo};
use super::effect::{DraftKind, Effect};
use super::filter_line::refilter;
use super::navigate::{load_selected, move_by, page};
use super::queue_ops::{refresh_view, select_section};
use super::state::{Focus, Modal, Pane, Screen, State, ToastKind};
use super::update::{load_dashboard, toast};
use crate::domain::feedback::Verdict;
use crate::domain::handoff::Status;

fn show(state: &mut State, screen: Screen) -> Vec<Effect> {
    if state.screen != screen {
        state.lead_scroll = 0;
    }
    state.screen = screen;
    load_dashboard(state)
}

/// Run one named action. Public so help and tests can run actions directly.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    if state.read_only && action.writes() {
        let text = format!("Read-only: {} is off", action.description());
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    if state.screen != Screen::Workspace && !action.works_on_lead() {
        let text = format!(
            "{} needs the queue: Esc returns to it",
            action.description()
        );
        toast(state, text, ToastKind::Info);
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            Vec::new()
        }
        Action::Help => {
            state.modal = Some(Modal::Help {
                filter: String::new(),
                selected: 0,
            });
            Vec::new()
        }
        Action::Palette => {
            state.modal = Some(Modal::Palette {
                filter: String::new(),
                selected: 0,
            });
            Vec::new()
        }
        // Sending only means something inside the reply box.
        Action::Send => Vec::new(),
        Action::Mark => super::bulk::toggle_mark(state),
        Action::MarkAll => super::bulk::mark_all(state),
        Action::MarkRange => super::bulk::mark_range(state),
        Action::AssignTeam => super::modal::team_picker::open(state),
        Action::ClearMarks => super::bulk::clear_marks(state),
        Action::EditInEditor => super::external::edit_in_editor(state),
        Action::CopyId => super::external::copy(state, super::external::Field::Id),
        Action::CopyCustomer => super::external::copy(state, super::external::Field::Customer),
        Action::CopyEmail => super::external::copy(state, super::external::Field::Email),
        Action::CopyIssue => super::external::copy(state, super::external::Field::Issue),
        Action::CopyNextStep => super::external::copy(state, super::external::Field::NextStep),
        Action::CopySummary => super::external::copy(state, super::external::Field::Summary),
        Action::CopyUrl => super::external::copy(state, super::external::Field::Url),
        Action::OpenInBrowser => super::external::open_in_browser(state),
        Action::Sort => {
            state.sort = state.sort.next();
            refresh_view(state);
            let text = format!("Sorted by {}", state.sort.label());
            toast(state, text, ToastKind::Info);
            load_selected(state)
        }
        Action::Down => move_by(state, 1),
        Action::Up => move_by(state, -1),
        Action::PageDown => move_by(state, page(state) as isize),
        Action::PageUp => move_by(state, -(page(state) as isize)),
        Action::Top => move_by(state, isize::MIN / 2),
        Action::Bottom => move_by(state, isize::MAX / 2),
        Action::NextSection | Action::PrevSection if state.screen != Screen::Workspace => {
            let order = [Screen::Floor, Screen::Quality, Screen::Review];
            let i = order.iter().position(|s| *s == state.screen).unwrap_or(0);
            let next = if action == Action::NextSection {
                i + 1
            } else {
                i + 2
            };
            show(state, order[next % 3])
        }
        Action::ShowFloor => show(state, Screen::Floor),
        Action::ShowQuality => show(state, Screen::Quality),
        Action::ShowReview => show(state, Screen::Review),
        Action::NextSection | Action::PrevSection => {
            let n = state.sections.len().max(1);
            let i = state.section.min(n - 1);
            let next = if action == Action::NextSection {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            select_section(state, next)
        }
        Action::Section(index) => {
            let index = usize::from(index);
            if index >= state.sections.len() {
                let text = format!(
                    "There is no section {} ({} set; [[sections]] in the config file)",
                    index + 1,
                    state.sections.len()
                );
                toast(state, text, ToastKind::Info);
                return Vec::new();
            }
            select_section(state, index)
        }
        Action::FocusDetail => {
            if state.selected().is_some() {
                state.focus = Focus::Detail;
            }
            Vec::new()
        }
        Action::FocusQueue => {
            state.focus = Focus::Queue;
            state.screen = Screen::Workspace;
            Vec::new()
        }
        Action::ToggleTranscript => {
            state.pane = match state.pane {
                Pane::Transcript => Pane::Summary,
                Pane::Summary | Pane::Note => Pane::Transcript,
            };
            state.detail_scroll = 0;
            Vec::new()
        }
        Action::ToggleNote => {
            if state.pane == Pane::Note {
                state.pane = Pane::Summary;
            } else if state
                .selected_detail()
                .is_some_and(|d| d.handoff.has_note())
            {
                state.pane = Pane::Note;
            } else if let Some(row) = state.selected() {
                let text = format!(
                    "{} came as structured fields: there is no bot note to show",
                    row.id
                );
                toast(state, text, ToastKind::Info);
                return Vec::new();
            }
            state.detail_scroll = 0;
            Vec::new()
        }
        Action::FlagBad => flag(state, Verdict::Bad),
        Action::FlagGood => flag(state, Verdict::Good),
        Action::Undo => undo(state),
        Action::Claim => claim(state),
        Action::Resolve => resolve(state),
        Action::Snooze => toggle_status(state, Status::Snoozed, "Snoozed", "Woke"),
        Action::Note => compose(state, DraftKind::Note),
        Action::Reply => compose(state, DraftKind::Reply),
        Action::Filter => {
            state.filter.editing = true;
            state.focus = Focus::Queue;
            Vec::new()
        }
        Action::ClearFilter => {
            if state.filter.text.is_empty() {
                return Vec::new();
            }
            state.filter.text.clear();
            refilter(state)
        }
    }
}
