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
    SectionMine,
    SectionUnassigned,
    SectionAll,
    SectionBotHeld,
    FocusDetail,
    FocusQueue,
    ToggleTranscript,
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
    ClearMarks,
    Send,
    Sort,
}

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
    Action::ClearMarks,
    Action::ToggleTranscript,
    Action::Filter,
    Action::ClearFilter,
    Action::Sort,
    Action::Down,
    Action::Up,
    Action::PageDown,
    Action::PageUp,
    Action::Top,
    Action::Bottom,
    Action::NextSection,
    Action::PrevSection,
    Action::SectionMine,
    Action::SectionUnassigned,
    Action::SectionAll,
    Action::SectionBotHeld,
    Action::FocusDetail,
    Action::FocusQueue,
    Action::ShowFloor,
    Action::ShowQuality,
    Action::ShowReview,
    Action::Help,
    Action::Palette,
    Action::Send,
    Action::Quit,
];

impl Action {
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
            Action::SectionMine => "section_mine",
            Action::SectionUnassigned => "section_unassigned",
            Action::SectionAll => "section_all",
            Action::SectionBotHeld => "section_bot_held",
            Action::FocusDetail => "focus_detail",
            Action::FocusQueue => "focus_queue",
            Action::ToggleTranscript => "toggle_transcript",
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
            Action::ClearMarks => "clear_marks",
            Action::Send => "send",
            Action::Sort => "sort",
        }
    }

    /// The action called `name` (as in the config file's `[keys]` tables).
    pub fn from_name(name: &str) -> Option<Action> {
        ALL.iter().copied().find(|a| a.name() == name)
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
            Action::SectionMine => "section: mine",
            Action::SectionUnassigned => "section: team unassigned",
            Action::SectionAll => "section: all",
            Action::SectionBotHeld => "section: bot-held (the AI still has them)",
            Action::FocusDetail => "focus the summary (scroll it)",
            Action::FocusQueue => "back to the queue",
            Action::ToggleTranscript => "summary ⇄ full transcript",
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
            Action::ClearMarks => "clear all marks",
            Action::Send => "send the reply or note",
            Action::Sort => "sort by: urgency → priority → age → confidence → customer",
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
            Action::Help => "help",
            Action::Quit => "quit",
            Action::NextSection => "section",
            Action::ShowFloor => "floor",
            Action::ShowQuality => "quality",
            Action::ShowReview => "review",
            Action::Mark => "mark",
            Action::Palette => "commands",
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
