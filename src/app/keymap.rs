//! Default key bindings per context. One table feeds key handling, the help
//! screen and the status bar hints, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere outside a dialog.
    Global,
    /// The queue has focus.
    Queue,
    /// The summary or transcript has focus.
    Detail,
    /// A team lead screen (floor, quality, review).
    Lead,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "anywhere",
            Context::Queue => "queue",
            Context::Detail => "summary / transcript",
            Context::Lead => "lead screens",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
}

const fn bind(context: Context, code: KeyCode, action: Action) -> Binding {
    Binding {
        context,
        code,
        mods: KeyModifiers::NONE,
        action,
    }
}

const fn ctrl(context: Context, c: char, action: Action) -> Binding {
    Binding {
        context,
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
        action,
    }
}

use Action as A;
use Context::{Detail as D, Global as G, Lead as L, Queue as Q};
use KeyCode::Char as C;

pub const DEFAULT: &[Binding] = &[
    bind(G, C('b'), A::FlagBad),
    bind(G, C('g'), A::FlagGood),
    bind(G, C('u'), A::Undo),
    bind(G, C('c'), A::Claim),
    bind(G, C('x'), A::Resolve),
    bind(G, C('n'), A::Note),
    bind(G, C('r'), A::Reply),
    bind(G, C('t'), A::ToggleTranscript),
    bind(G, C('/'), A::Filter),
    bind(G, C('?'), A::Help),
    bind(G, KeyCode::Tab, A::NextSection),
    bind(G, KeyCode::BackTab, A::PrevSection),
    bind(G, C('1'), A::SectionMine),
    bind(G, C('2'), A::SectionUnassigned),
    bind(G, C('3'), A::SectionAll),
    bind(G, C('s'), A::ShowFloor),
    bind(G, C('m'), A::ShowQuality),
    bind(G, C('w'), A::ShowReview),
    bind(G, C('q'), A::Quit),
    ctrl(G, 'c', A::Quit),
    bind(Q, C('j'), A::Down),
    bind(Q, KeyCode::Down, A::Down),
    bind(Q, C('k'), A::Up),
    bind(Q, KeyCode::Up, A::Up),
    bind(Q, KeyCode::PageDown, A::PageDown),
    ctrl(Q, 'd', A::PageDown),
    bind(Q, KeyCode::PageUp, A::PageUp),
    ctrl(Q, 'u', A::PageUp),
    bind(Q, KeyCode::Home, A::Top),
    bind(Q, KeyCode::End, A::Bottom),
    bind(Q, KeyCode::Enter, A::FocusDetail),
    bind(Q, KeyCode::Right, A::FocusDetail),
    bind(Q, C('l'), A::FocusDetail),
    bind(Q, KeyCode::Esc, A::ClearFilter),
    bind(D, C('j'), A::Down),
    bind(D, KeyCode::Down, A::Down),
    bind(D, C('k'), A::Up),
    bind(D, KeyCode::Up, A::Up),
    bind(D, KeyCode::PageDown, A::PageDown),
    bind(D, C(' '), A::PageDown),
    ctrl(D, 'd', A::PageDown),
    bind(D, KeyCode::PageUp, A::PageUp),
    ctrl(D, 'u', A::PageUp),
    bind(D, KeyCode::Home, A::Top),
    bind(D, KeyCode::End, A::Bottom),
    bind(D, KeyCode::Esc, A::FocusQueue),
    bind(D, KeyCode::Left, A::FocusQueue),
    bind(D, C('h'), A::FocusQueue),
    bind(D, KeyCode::Enter, A::FocusQueue),
    bind(L, C('j'), A::Down),
    bind(L, KeyCode::Down, A::Down),
    bind(L, C('k'), A::Up),
    bind(L, KeyCode::Up, A::Up),
    bind(L, KeyCode::PageDown, A::PageDown),
    bind(L, C(' '), A::PageDown),
    bind(L, KeyCode::PageUp, A::PageUp),
    bind(L, KeyCode::Home, A::Top),
    bind(L, KeyCode::End, A::Bottom),
    bind(L, KeyCode::Esc, A::FocusQueue),
    bind(L, KeyCode::Tab, A::NextSection),
];

/// The action bound to `key` in `context` (falling back to global bindings).
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    // Shift is part of the character itself ('?', 'G'); ignore it for chars.
    let mods = match key.code {
        KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    let find = |ctx: Context| {
        DEFAULT
            .iter()
            .find(|b| b.context == ctx && b.code == key.code && b.mods == mods)
            .map(|b| b.action)
    };
    find(context).or_else(|| find(Context::Global))
}

/// Human form of a binding's key: "b", "Ctrl-c", "Tab", "↓".
pub fn key_label(b: &Binding) -> String {
    let key = match b.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if b.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{key}")
    } else {
        key
    }
}

/// The first key bound to `action`, for hints ("b bad").
pub fn first_key(action: Action) -> Option<String> {
    DEFAULT.iter().find(|b| b.action == action).map(key_label)
}
