//! Everything a user can do, by name. Keys map to actions (see `keymap`), and
//! help and the status bar describe actions, never raw keys.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    NextSection,
    PrevSection,
    /// Show section N+1 of the tab line (`section_1` .. `section_9`, keys
    /// 1-9); 0-based, below `queue::MAX_SECTIONS`.
    Section(u8),
    FocusDetail,
    FocusQueue,
    ToggleTranscript,
    /// Summary ⇄ the bot's handoff note exactly as it was written.
    ToggleNote,
    FlagBad,
    FlagGood,
    Undo,
    Claim,
    Resolve,
    Snooze,
    Note,
    Reply,
    Filter,
    ClearFilter,
    ShowFloor,
    ShowQuality,
    ShowReview,
    Palette,
    Mark,
    MarkAll,
    MarkRange,
    ClearMarks,
    AssignTeam,
    Send,
    Sort,
    EditInEditor,
    CopyId,
    CopyCustomer,
    CopyEmail,
    CopyIssue,
    CopyNextStep,
    CopySummary,
    CopyUrl,
    OpenInBrowser,
}

/// `Action::Section(n)`'s names: the key that goes there by default.
const SECTION_NAMES: [&str; 9] = [
    "section_1",
    "section_2",
    "section_3",
    "section_4",
    "section_5",
    "section_6",
    "section_7",
    "section_8",
    "section_9",
];

/// Short enough for the help column; the first four name the built-ins,
/// the sections unless the config file sets its own.
const SECTION_DESCRIPTIONS: [&str; 9] = [
    "section 1 (default Mine)",
    "section 2 (default Team unassigned)",
    "section 3 (default All)",
    "section 4 (default Bot-held: the AI still has them)",
    "section 5 (set in the config file)",
    "section 6 (set in the config file)",
    "section 7 (set in the config file)",
    "section 8 (set in the config file)",
    "section 9 (set in the config file)",
];

/// Every action, in the order help and the palette list them.
pub const ALL: &[Action] = &[
    Action::FlagBad,
    Action::FlagGood,
    Action::Undo,
    Action::Claim,
    Action::Resolve,
    Action::Snooze,
    Action::Note,
    Action::Reply,
    Action::Mark,
    Action::MarkAll,
    Action::MarkRange,
    Action::ClearMarks,
    Action::AssignTeam,
    Action::ToggleTranscript,
    Action::ToggleNote,
    Action::Filter,
    Action::ClearFilter,
    Action::Sort,
    Action::OpenInBrowser,
    Action::CopyId,
    Action::CopyCustomer,
    Action::CopyEmail,
    Action::CopyIssue,
    Action::CopyNextStep,
    Action::CopySummary,
    Action::CopyUrl,
    Action::Down,
    Action::Up,
    Action::PageDown,
    Action::PageUp,
    Action::Top,
    Action::Bottom,
    Action::NextSection,
    Action::PrevSection,
    Action::Section(0),
    Action::Section(1),
    Action::Section(2),
    Action::Section(3),
    Action::Section(4),
    Action::Section(5),
    Action::Section(6),
    Action::Section(7),
    Action::Section(8),
    Action::FocusDetail,
    Action::FocusQueue,
    Action::ShowFloor,
    Action::ShowQuality,
    Action::ShowReview,
    Action::Help,
    Action::Palette,
    Action::Send,
    Action::EditInEditor,
    Action::Quit,
];

impl Action {
    /// What works on a lead screen; the rest needs the queue in view.
    pub fn works_on_lead(self) -> bool {
        matches!(
            self,
            Action::Quit
                | Action::Help
                | Action::Palette
                | Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom
                | Action::FocusQueue
                | Action::NextSection
                | Action::PrevSection
                | Action::ShowFloor
                | Action::ShowQuality
                | Action::ShowReview
        )
    }

    /// What the action does on a lead screen, where that differs from its
    /// description (moving scrolls; sections are the three screens).
    pub fn describe_on_lead(self) -> Option<&'static str> {
        Some(match self {
            Action::Down => "scroll down",
            Action::Up => "scroll up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "to the top",
            Action::Bottom => "to the end",
            Action::NextSection => "next lead screen",
            Action::PrevSection => "previous lead screen",
            Action::FocusQueue => "back to the queue",
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::NextSection => "next_section",
            Action::PrevSection => "prev_section",
            Action::Section(n) => SECTION_NAMES
                .get(usize::from(n))
                .copied()
                .unwrap_or("section"),
            Action::FocusDetail => "focus_detail",
            Action::FocusQueue => "focus_queue",
            Action::ToggleTranscript => "toggle_transcript",
            Action::ToggleNote => "toggle_note",
            Action::FlagBad => "flag_bad",
            Action::FlagGood => "flag_good",
            Action::Undo => "undo",
            Action::Claim => "claim",
            Action::Resolve => "resolve",
            Action::Snooze => "snooze",
            Action::Note => "note",
            Action::Reply => "reply",
            Action::Filter => "filter",
            Action::ClearFilter => "clear_filter",
            Action::ShowFloor => "show_floor",
            Action::ShowQuality => "show_quality",
            Action::ShowReview => "show_review",
            Action::Palette => "palette",
            Action::Mark => "mark",
            Action::MarkAll => "mark_all",
            Action::MarkRange => "mark_range",
            Action::ClearMarks => "clear_marks",
            Action::AssignTeam => "assign_team",
            Action::Send => "send",
            Action::Sort => "sort",
            Action::EditInEditor => "edit_in_editor",
            Action::CopyId => "copy_id",
            Action::CopyCustomer => "copy_customer",
            Action::CopyEmail => "copy_email",
            Action::CopyIssue => "copy_issue",
            Action::CopyNextStep => "copy_next_step",
            Action::CopySummary => "copy_summary",
            Action::CopyUrl => "copy_url",
            Action::OpenInBrowser => "open_in_browser",
        }
    }

    /// The action called `name` (as in the config file's `[keys]` tables).
    /// The names sections had when there were four fixed ones still work,
    /// for the first four sections (the built-ins, unless the config file
    /// sets its own).
    pub fn from_name(name: &str) -> Option<Action> {
        let alias = match name {
            "section_mine" => Some(Action::Section(0)),
            "section_unassigned" => Some(Action::Section(1)),
            "section_all" => Some(Action::Section(2)),
            "section_bot_held" => Some(Action::Section(3)),
            _ => None,
        };
        alias.or_else(|| ALL.iter().copied().find(|a| a.name() == name))
    }

    /// Whether the action does anything with these sections in force:
    /// `section_7` does not when there are four.
    pub fn exists_with(self, sections: &[&str]) -> bool {
        match self {
            Action::Section(n) => usize::from(n) < sections.len(),
            _ => true,
        }
    }

    /// What the action does, naming the section for `section_N` when
    /// `sections` (the titles in tab order) has one.
    pub fn describe(self, sections: &[&str]) -> std::borrow::Cow<'static, str> {
        match self {
            Action::Section(n) => match sections.get(usize::from(n)) {
                Some(title) => format!("section {}: {title}", n + 1).into(),
                None => self.description().into(),
            },
            other => other.description().into(),
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show every key",
            Action::Down => "next handoff / scroll down",
            Action::Up => "previous handoff / scroll up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first handoff",
            Action::Bottom => "last handoff",
            Action::NextSection => "next section",
            Action::PrevSection => "previous section",
            Action::Section(n) => SECTION_DESCRIPTIONS
                .get(usize::from(n))
                .copied()
                .unwrap_or("section"),
            Action::FocusDetail => "focus the summary (scroll it)",
            Action::FocusQueue => "back to the queue",
            Action::ToggleTranscript => "summary ⇄ full transcript",
            Action::ToggleNote => "summary ⇄ the bot's note as written",
            Action::FlagBad => "flag a bad handoff (then pick a reason)",
            Action::FlagGood => "mark a good handoff (rightly escalated)",
            Action::Undo => "undo the last change",
            Action::Claim => "claim: assign to me",
            Action::Resolve => "resolve / reopen",
            Action::Snooze => "snooze / wake (park it until the customer answers)",
            Action::Note => "write an internal note",
            Action::Reply => "write a reply to the customer",
            Action::Filter => "filter the queue",
            Action::ClearFilter => "clear the filter",
            Action::ShowFloor => "lead: queue status per team and agent",
            Action::ShowQuality => "lead: handoff quality, week over week",
            Action::ShowReview => "lead: weekly review of bad handoffs",
            Action::Palette => "command palette: run any action by name",
            Action::Mark => "mark / unmark the handoff for bulk work",
            Action::MarkAll => "mark every handoff the filter shows",
            Action::MarkRange => "mark from the last marked to here",
            Action::ClearMarks => "clear all marks",
            Action::AssignTeam => "move to a team (the marked, or this one)",
            Action::Send => "send the reply or note",
            Action::Sort => "sort by: urgency → priority → age → confidence → customer",
            Action::EditInEditor => "write the reply or note in $VISUAL / $EDITOR",
            Action::CopyId => "copy the handoff id",
            Action::CopyCustomer => "copy the customer's name",
            Action::CopyEmail => "copy the customer's email",
            Action::CopyIssue => "copy the issue",
            Action::CopyNextStep => "copy the next step",
            Action::CopySummary => "copy the whole summary as text",
            Action::CopyUrl => "copy the conversation's web address",
            Action::OpenInBrowser => "open the conversation in the helpdesk's web UI",
        }
    }

    /// Short label for the status bar hints.
    pub fn hint(self) -> &'static str {
        match self {
            Action::FlagBad => "bad",
            Action::FlagGood => "good",
            Action::Undo => "undo",
            Action::Claim => "claim",
            Action::Resolve => "resolve",
            Action::Snooze => "snooze",
            Action::Note => "note",
            Action::Reply => "reply",
            Action::Filter => "filter",
            Action::ToggleTranscript => "transcript",
            Action::ToggleNote => "bot note",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::NextSection => "section",
            Action::ShowFloor => "floor",
            Action::ShowQuality => "quality",
            Action::ShowReview => "review",
            Action::Mark => "mark",
            Action::ClearMarks => "clear",
            Action::AssignTeam => "team",
            Action::Palette => "commands",
            Action::EditInEditor => "editor",
            Action::CopyId => "id",
            Action::CopyCustomer => "customer",
            Action::CopyEmail => "email",
            Action::CopyIssue => "issue",
            Action::CopyNextStep => "next step",
            Action::CopySummary => "summary",
            Action::CopyUrl => "link",
            Action::OpenInBrowser => "open in browser",
            other => other.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for a in ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        let mut names: Vec<_> = ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
