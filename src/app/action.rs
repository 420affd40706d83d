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
    FocusDetail,
    FocusQueue,
    ToggleTranscript,
    FlagBad,
    FlagGood,
    Undo,
    Claim,
    Resolve,
    Note,
    Reply,
    Filter,
    ClearFilter,
    ShowFloor,
    ShowQuality,
    ShowReview,
}

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
            Action::FocusDetail => "focus_detail",
            Action::FocusQueue => "focus_queue",
            Action::ToggleTranscript => "toggle_transcript",
            Action::FlagBad => "flag_bad",
            Action::FlagGood => "flag_good",
            Action::Undo => "undo",
            Action::Claim => "claim",
            Action::Resolve => "resolve",
            Action::Note => "note",
            Action::Reply => "reply",
            Action::Filter => "filter",
            Action::ClearFilter => "clear_filter",
            Action::ShowFloor => "show_floor",
            Action::ShowQuality => "show_quality",
            Action::ShowReview => "show_review",
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
            Action::SectionMine => "section: mine",
            Action::SectionUnassigned => "section: team unassigned",
            Action::SectionAll => "section: all",
            Action::FocusDetail => "focus the summary (scroll it)",
            Action::FocusQueue => "back to the queue",
            Action::ToggleTranscript => "summary ⇄ full transcript",
            Action::FlagBad => "flag a bad handoff (then pick a reason)",
            Action::FlagGood => "mark a good handoff (rightly escalated)",
            Action::Undo => "undo the last change",
            Action::Claim => "claim: assign to me",
            Action::Resolve => "resolve / reopen",
            Action::Note => "write an internal note",
            Action::Reply => "write a reply to the customer",
            Action::Filter => "filter the queue",
            Action::ClearFilter => "clear the filter",
            Action::ShowFloor => "lead: queue status per team and agent",
            Action::ShowQuality => "lead: handoff quality, week over week",
            Action::ShowReview => "lead: weekly review of bad handoffs",
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
            other => other.name(),
        }
    }
}
