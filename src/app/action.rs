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

/// One row of [`TABLE`]: all that is said about an action, in one place.
/// Adding an action is a variant, a row here, a handler in `apply` and a
/// default key in `keymap::DEFAULT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub action: Action,
    /// Its name in the config file's `[keys]` tables and the palette.
    pub name: &'static str,
    /// What help and the palette say it does.
    pub description: &'static str,
    /// The status bar's short label, where it differs from the name.
    hint: Option<&'static str>,
    flags: u8,
    /// What it does on a lead screen, where that differs from `description`.
    on_lead: Option<&'static str>,
}

/// Changes the workspace: refused in read-only mode.
const WRITES: u8 = 1;
/// Works on a lead screen; the rest needs the queue in view.
const LEAD: u8 = 2;
/// Offered in the command palette.
const PALETTE: u8 = 4;
/// Acts on the marked handoffs when there are marks.
const MARKS: u8 = 8;

const fn row(
    action: Action,
    name: &'static str,
    description: &'static str,
    hint: Option<&'static str>,
    flags: u8,
    on_lead: Option<&'static str>,
) -> Spec {
    Spec {
        action,
        name,
        description,
        hint,
        flags,
        on_lead,
    }
}

/// Every action, in the order help and the palette list them. Sending and
/// the editor belong to the reply box, and the palette does not offer
/// itself. The section descriptions name the built-ins, the sections
/// unless the config file sets its own (`describe` names the ones in force).
#[rustfmt::skip]
pub const TABLE: &[Spec] = &[
    row(Action::FlagBad, "flag_bad", "flag a bad handoff (then pick a reason)", Some("bad"), WRITES | PALETTE | MARKS, None),
    row(Action::FlagGood, "flag_good", "mark a good handoff (rightly escalated)", Some("good"), WRITES | PALETTE | MARKS, None),
    row(Action::Undo, "undo", "undo the last change", None, WRITES | PALETTE, None),
    row(Action::Claim, "claim", "claim: assign to me", None, WRITES | PALETTE | MARKS, None),
    row(Action::Resolve, "resolve", "resolve / reopen", None, WRITES | PALETTE | MARKS, None),
    row(Action::Snooze, "snooze", "snooze / wake (park it until the customer answers)", None, WRITES | PALETTE, None),
    row(Action::Note, "note", "write an internal note", None, WRITES | PALETTE, None),
    row(Action::Reply, "reply", "write a reply to the customer", None, WRITES | PALETTE, None),
    row(Action::Mark, "mark", "mark / unmark the handoff for bulk work", None, PALETTE, None),
    row(Action::MarkAll, "mark_all", "mark every handoff the filter shows", None, PALETTE, None),
    row(Action::MarkRange, "mark_range", "mark from the last marked to here", None, PALETTE, None),
    row(Action::ClearMarks, "clear_marks", "clear all marks", Some("clear"), PALETTE | MARKS, None),
    row(Action::AssignTeam, "assign_team", "move to a team (the marked, or this one)", Some("team"), WRITES | PALETTE | MARKS, None),
    row(Action::ToggleTranscript, "toggle_transcript", "summary ⇄ full transcript", Some("transcript"), PALETTE, None),
    row(Action::ToggleNote, "toggle_note", "summary ⇄ the bot's note as written", Some("bot note"), PALETTE, None),
    row(Action::Filter, "filter", "filter the queue", None, PALETTE, None),
    row(Action::ClearFilter, "clear_filter", "clear the filter", None, PALETTE, None),
    row(Action::Sort, "sort", "sort by: urgency → priority → age → confidence → customer", None, PALETTE, None),
    row(Action::OpenInBrowser, "open_in_browser", "open the conversation in the helpdesk's web UI", Some("open in browser"), PALETTE, None),
    row(Action::CopyId, "copy_id", "copy the handoff id", Some("id"), PALETTE, None),
    row(Action::CopyCustomer, "copy_customer", "copy the customer's name", Some("customer"), PALETTE, None),
    row(Action::CopyEmail, "copy_email", "copy the customer's email", Some("email"), PALETTE, None),
    row(Action::CopyIssue, "copy_issue", "copy the issue", Some("issue"), PALETTE, None),
    row(Action::CopyNextStep, "copy_next_step", "copy the next step", Some("next step"), PALETTE, None),
    row(Action::CopySummary, "copy_summary", "copy the whole summary as text", Some("summary"), PALETTE, None),
    row(Action::CopyUrl, "copy_url", "copy the conversation's web address", Some("link"), PALETTE, None),
    row(Action::Down, "down", "next handoff / scroll down", None, LEAD | PALETTE, Some("scroll down")),
    row(Action::Up, "up", "previous handoff / scroll up", None, LEAD | PALETTE, Some("scroll up")),
    row(Action::PageDown, "page_down", "page down", None, LEAD | PALETTE, Some("page down")),
    row(Action::PageUp, "page_up", "page up", None, LEAD | PALETTE, Some("page up")),
    row(Action::Top, "top", "first handoff", None, LEAD | PALETTE, Some("to the top")),
    row(Action::Bottom, "bottom", "last handoff", None, LEAD | PALETTE, Some("to the end")),
    row(Action::NextSection, "next_section", "next section", Some("section"), LEAD | PALETTE, Some("next lead screen")),
    row(Action::PrevSection, "prev_section", "previous section", None, LEAD | PALETTE, Some("previous lead screen")),
    row(Action::Section(0), "section_1", "section 1 (default Mine)", None, PALETTE, None),
    row(Action::Section(1), "section_2", "section 2 (default Team unassigned)", None, PALETTE, None),
    row(Action::Section(2), "section_3", "section 3 (default All)", None, PALETTE, None),
    row(Action::Section(3), "section_4", "section 4 (default Bot-held: the AI still has them)", None, PALETTE, None),
    row(Action::Section(4), "section_5", "section 5 (set in the config file)", None, PALETTE, None),
    row(Action::Section(5), "section_6", "section 6 (set in the config file)", None, PALETTE, None),
    row(Action::Section(6), "section_7", "section 7 (set in the config file)", None, PALETTE, None),
    row(Action::Section(7), "section_8", "section 8 (set in the config file)", None, PALETTE, None),
    row(Action::Section(8), "section_9", "section 9 (set in the config file)", None, PALETTE, None),
    row(Action::FocusDetail, "focus_detail", "focus the summary (scroll it)", None, PALETTE, None),
    row(Action::FocusQueue, "focus_queue", "back to the queue", None, LEAD | PALETTE, Some("back to the queue")),
    row(Action::ShowFloor, "show_floor", "lead: queue status per team and agent", Some("floor"), LEAD | PALETTE, None),
    row(Action::ShowQuality, "show_quality", "lead: handoff quality, week over week", Some("quality"), LEAD | PALETTE, None),
    row(Action::ShowReview, "show_review", "lead: weekly review of bad handoffs", Some("review"), LEAD | PALETTE, None),
    row(Action::Help, "help", "show every key", None, LEAD | PALETTE, None),
    row(Action::Palette, "palette", "command palette: run any action by name", Some("commands"), LEAD, None),
    row(Action::Send, "send", "send the reply or note", None, 0, None),
    row(Action::EditInEditor, "edit_in_editor", "write the reply or note in $VISUAL / $EDITOR", Some("editor"), 0, None),
    row(Action::Quit, "quit", "quit", None, LEAD | PALETTE, None),
];

/// A section past the ninth: no key or name reaches one.
const UNLISTED: Spec = row(Action::Section(9), "section", "section", None, 0, None);

/// Every action, in [`TABLE`] order.
pub const ALL: [Action; TABLE.len()] = {
    let mut all = [Action::Quit; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        all[i] = TABLE[i].action;
        i += 1;
    }
    all
};

impl Action {
    /// The action's row in [`TABLE`].
    pub fn spec(self) -> &'static Spec {
        TABLE.iter().find(|s| s.action == self).unwrap_or(&UNLISTED)
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// Short label for the status bar hints.
    pub fn hint(self) -> &'static str {
        let spec = self.spec();
        spec.hint.unwrap_or(spec.name)
    }

    /// Whether it changes the workspace (refused in read-only mode).
    pub fn writes(self) -> bool {
        self.spec().flags & WRITES != 0
    }

    /// What works on a lead screen; the rest needs the queue in view.
    pub fn works_on_lead(self) -> bool {
        self.spec().flags & LEAD != 0
    }

    /// What the action does on a lead screen, where that differs from its
    /// description (moving scrolls; sections are the three screens).
    pub fn describe_on_lead(self) -> Option<&'static str> {
        self.spec().on_lead
    }

    /// Whether the command palette offers it.
    pub fn in_palette(self) -> bool {
        self.spec().flags & PALETTE != 0
    }

    /// Whether it acts on the marked handoffs when there are marks.
    pub fn on_marks(self) -> bool {
        self.spec().flags & MARKS != 0
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
        alias.or_else(|| TABLE.iter().find(|s| s.name == name).map(|s| s.action))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for a in ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        let mut names: Vec<_> = ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    /// One of each kind of action. The match has no wildcard, so a new
    /// variant does not compile until it is named here, and then this test
    /// fails until it has a row in the table.
    fn one_of_each() -> Vec<Action> {
        let each = [Action::Quit, Action::Section(0)];
        for a in each {
            match a {
                Action::Quit
                | Action::Help
                | Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom
                | Action::NextSection
                | Action::PrevSection
                | Action::Section(_)
                | Action::FocusDetail
                | Action::FocusQueue
                | Action::ToggleTranscript
                | Action::ToggleNote
                | Action::FlagBad
                | Action::FlagGood
                | Action::Undo
                | Action::Claim
                | Action::Resolve
                | Action::Snooze
                | Action::Note
                | Action::Reply
                | Action::Filter
                | Action::ClearFilter
                | Action::ShowFloor
                | Action::ShowQuality
                | Action::ShowReview
                | Action::Palette
                | Action::Mark
                | Action::MarkAll
                | Action::MarkRange
                | Action::ClearMarks
                | Action::AssignTeam
                | Action::Send
                | Action::Sort
                | Action::EditInEditor
                | Action::CopyId
                | Action::CopyCustomer
                | Action::CopyEmail
                | Action::CopyIssue
                | Action::CopyNextStep
                | Action::CopySummary
                | Action::CopyUrl
                | Action::OpenInBrowser => {}
            }
        }
        vec![
            Action::Quit,
            Action::Help,
            Action::Down,
            Action::Up,
            Action::PageDown,
            Action::PageUp,
            Action::Top,
            Action::Bottom,
            Action::NextSection,
            Action::PrevSection,
            Action::Section(8),
            Action::FocusDetail,
            Action::FocusQueue,
            Action::ToggleTranscript,
            Action::ToggleNote,
            Action::FlagBad,
            Action::FlagGood,
            Action::Undo,
            Action::Claim,
            Action::Resolve,
            Action::Snooze,
            Action::Note,
            Action::Reply,
            Action::Filter,
            Action::ClearFilter,
            Action::ShowFloor,
            Action::ShowQuality,
            Action::ShowReview,
            Action::Palette,
            Action::Mark,
            Action::MarkAll,
            Action::MarkRange,
            Action::ClearMarks,
            Action::AssignTeam,
            Action::Send,
            Action::Sort,
            Action::EditInEditor,
            Action::CopyId,
            Action::CopyCustomer,
            Action::CopyEmail,
            Action::CopyIssue,
            Action::CopyNextStep,
            Action::CopySummary,
            Action::CopyUrl,
            Action::OpenInBrowser,
        ]
    }

    #[test]
    fn every_action_has_one_row() {
        for a in one_of_each() {
            let rows = TABLE.iter().filter(|s| s.action == a).count();
            assert_eq!(rows, 1, "{a:?} has {rows} rows in the table");
        }
        for n in 0..9 {
            assert_eq!(Action::Section(n).spec().action, Action::Section(n));
        }
    }

    #[test]
    fn what_a_user_sees_of_the_table() {
        // Read-only refuses exactly what changes the workspace.
        assert!(Action::FlagBad.writes() && Action::Reply.writes());
        assert!(!Action::CopyId.writes() && !Action::Filter.writes());
        // The palette does not offer what only the reply box runs.
        assert!(!Action::Send.in_palette() && !Action::Palette.in_palette());
        assert!(Action::Claim.in_palette());
        // Lead screens scroll and move between themselves.
        assert_eq!(Action::Down.describe_on_lead(), Some("scroll down"));
        assert!(Action::ShowReview.works_on_lead() && !Action::FlagBad.works_on_lead());
        // The status bar's labels fall back to the name.
        assert_eq!(Action::FlagBad.hint(), "bad");
        assert_eq!(Action::Sort.hint(), "sort");
    }
}
