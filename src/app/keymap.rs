//! Key bindings per context. One `Keymap` value (built once at start from a
//! preset and the user's `[keys]` tables, see `keymap_config`) feeds key
//! handling, the help screen, the palette and the status bar hints, so they
//! cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Anywhere outside a dialog.
    Global,
    /// The queue has focus.
    Queue,
    /// The summary or transcript has focus.
    Detail,
    /// The reply / note box.
    Compose,
    /// A team lead screen (floor, quality, review).
    Lead,
}

impl Context {
    pub const ALL: [Context; 5] = [
        Context::Global,
        Context::Queue,
        Context::Detail,
        Context::Compose,
        Context::Lead,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "anywhere",
            Context::Queue => "queue",
            Context::Detail => "summary / transcript",
            Context::Compose => "reply / note box",
            Context::Lead => "lead screens",
        }
    }

    /// The table name in the config file's `[keys]` section.
    pub fn config_name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Detail => "summary",
            Context::Compose => "compose",
            Context::Lead => "lead",
        }
    }

    pub fn from_config_name(name: &str) -> Option<Context> {
        match name {
            "detail" => Some(Context::Detail),
            other => Context::ALL.into_iter().find(|c| c.config_name() == other),
        }
    }

    /// Whether keys not bound here fall back to the global table. The compose
    /// box takes text, so only its own keys apply.
    fn falls_back(self) -> bool {
        !matches!(self, Context::Global | Context::Compose)
    }
}

/// One key press, normalised: Shift is part of a character ('G', '?'), and
/// Shift-Tab is `BackTab` whatever the terminal reports with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        Key { code, mods }
    }

    pub fn from_event(key: &KeyEvent) -> Key {
        let mods = match key.code {
            KeyCode::Char(_) | KeyCode::BackTab => key.modifiers - KeyModifiers::SHIFT,
            _ => key.modifiers,
        };
        Key::new(key.code, mods)
    }

    /// Human form: "b", "Ctrl-c", "Alt-Enter", "Tab", "↓", "F2".
    pub fn label(self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        out.push_str(&key);
        out
    }
}

/// A key sequence, "g g" for a two-key chord.
pub fn chord_label(keys: &[Key]) -> String {
    keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" ")
}

/// One entry of the built-in default table (one key, so it can be `const`).
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

const fn alt(context: Context, code: KeyCode, action: Action) -> Binding {
    Binding {
        context,
        code,
        mods: KeyModifiers::ALT,
        action,
    }
}

use Action as A;
use Context::{Compose as W, Detail as D, Global as G, Lead as L, Queue as Q};
use KeyCode::Char as C;

/// The `default` preset.
pub const DEFAULT: &[Binding] = &[
    bind(G, C('b'), A::FlagBad),
    bind(G, C('g'), A::FlagGood),
    bind(G, C('u'), A::Undo),
    bind(G, C('c'), A::Claim),
    bind(G, C('T'), A::AssignTeam),
    bind(G, C('x'), A::Resolve),
    bind(G, C('Z'), A::Snooze),
    bind(G, C('n'), A::Note),
    bind(G, C('r'), A::Reply),
    bind(G, C('t'), A::ToggleTranscript),
    bind(G, C('v'), A::ToggleNote),
    bind(G, C('/'), A::Filter),
    bind(G, C('?'), A::Help),
    bind(G, C(':'), A::Palette),
    ctrl(G, 'p', A::Palette),
    bind(G, KeyCode::Tab, A::NextSection),
    bind(G, KeyCode::BackTab, A::PrevSection),
    bind(G, C('1'), A::Section(0)),
    bind(G, C('2'), A::Section(1)),
    bind(G, C('3'), A::Section(2)),
    bind(G, C('4'), A::Section(3)),
    bind(G, C('5'), A::Section(4)),
    bind(G, C('6'), A::Section(5)),
    bind(G, C('7'), A::Section(6)),
    bind(G, C('8'), A::Section(7)),
    bind(G, C('9'), A::Section(8)),
    bind(G, C('s'), A::ShowFloor),
    bind(G, C('m'), A::ShowQuality),
    bind(G, C('w'), A::ShowReview),
    bind(G, C('q'), A::Quit),
    ctrl(G, 'c', A::Quit),
    bind(G, C('O'), A::OpenInBrowser),
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
    bind(Q, C(' '), A::Mark),
    bind(Q, C('A'), A::MarkAll),
    bind(Q, C('V'), A::MarkRange),
    bind(Q, C('U'), A::ClearMarks),
    bind(Q, C('o'), A::Sort),
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
    // Ctrl+Enter never reaches us inside tmux, so Ctrl+S and Alt+Enter send.
    ctrl(W, 's', A::Send),
    alt(W, KeyCode::Enter, A::Send),
    ctrl(W, 'e', A::EditInEditor),
    Binding {
        context: W,
        code: KeyCode::Enter,
        mods: KeyModifiers::CONTROL,
        action: A::Send,
    },
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

/// A bound key sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    pub context: Context,
    pub keys: Vec<Key>,
    pub action: Action,
}

/// What a key press means given the keys already pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Action(Action),
    /// The first key(s) of a chord: wait for the next.
    Pending,
    Unbound,
}

/// The keys in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<KeyBinding>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        let mut map = Keymap::from_table(DEFAULT);
        // `y` then a field copies it (the status bar lists the fields).
        let y = Key::new(C('y'), KeyModifiers::NONE);
        for (c, action) in COPY_CHORDS {
            map.bind(
                G,
                vec![y, Key::new(C(*c), KeyModifiers::NONE)],
                Some(*action),
            );
        }
        map
    }
}

/// The second keys of the `y` (copy) chords.
const COPY_CHORDS: &[(char, Action)] = &[
    ('i', A::CopyId),
    ('c', A::CopyCustomer),
    ('e', A::CopyEmail),
    ('s', A::CopyIssue),
    ('n', A::CopyNextStep),
    ('a', A::CopySummary),
    ('u', A::CopyUrl),
];

/// Names of the presets `keymap = "..."` accepts.
pub const PRESETS: &[&str] = &["default", "vim"];

impl Keymap {
    pub fn from_table(table: &[Binding]) -> Keymap {
        Keymap {
            bindings: table
                .iter()
                .map(|b| KeyBinding {
                    context: b.context,
                    keys: vec![Key::new(b.code, b.mods)],
                    action: b.action,
                })
                .collect(),
        }
    }

    /// `default` or `vim`.
    pub fn preset(name: &str) -> Option<Keymap> {
        match name {
            "default" => Some(Keymap::default()),
            "vim" => Some(Keymap::vim()),
            _ => None,
        }
    }

    /// The default keys plus vim's: `g g` / `G` first / last, Ctrl-d / Ctrl-u
    /// half pages everywhere, `:` the palette. `g` starts a chord here, so a
    /// good verdict moves to `+`.
    pub fn vim() -> Keymap {
        let mut map = Keymap::default();
        let none = KeyModifiers::NONE;
        let g = Key::new(C('g'), none);
        map.bind(G, vec![g], None);
        map.bind(G, vec![Key::new(C('+'), none)], Some(A::FlagGood));
        for ctx in [Q, D, L] {
            map.bind(ctx, vec![g, g], Some(A::Top));
            map.bind(ctx, vec![Key::new(C('G'), none)], Some(A::Bottom));
            map.bind(
                ctx,
                vec![Key::new(C('d'), KeyModifiers::CONTROL)],
                Some(A::PageDown),
            );
            map.bind(
                ctx,
                vec![Key::new(C('u'), KeyModifiers::CONTROL)],
                Some(A::PageUp),
            );
        }
        map
    }

    /// Bind `keys` in `context` to `action`, replacing what they did there;
    /// `None` unbinds them.
    pub fn bind(&mut self, context: Context, keys: Vec<Key>, action: Option<Action>) {
        self.bindings
            .retain(|b| !(b.context == context && b.keys == keys));
        if let Some(action) = action {
            self.bindings.push(KeyBinding {
                context,
                keys,
                action,
            });
        }
    }

    pub fn bindings(&self) -> &[KeyBinding] {
        &self.bindings
    }

    /// What `key` means in `context` after `pending` keys of a chord. The
    /// context's own table is asked first, then the global one.
    pub fn resolve(&self, context: Context, pending: &[Key], key: Key) -> Resolved {
        let mut seq = pending.to_vec();
        seq.push(key);
        let mut tables = vec![context];
        if context.falls_back() {
            tables.push(Context::Global);
        }
        for ctx in tables {
            let mut prefix = false;
            for b in self.bindings.iter().filter(|b| b.context == ctx) {
                if b.keys == seq {
                    return Resolved::Action(b.action);
                }
                prefix |= b.keys.len() > seq.len() && b.keys.starts_with(&seq);
            }
            if prefix {
                return Resolved::Pending;
            }
        }
        Resolved::Unbound
    }

    /// After `pending`, which keys finish a chord and what they do, for the
    /// which-key hint.
    pub fn continuations(&self, context: Context, pending: &[Key]) -> Vec<(String, Action)> {
        let mut out: Vec<(String, Action)> = Vec::new();
        for ctx in [context, Context::Global] {
            for b in self.bindings.iter().filter(|b| b.context == ctx) {
                if b.keys.len() > pending.len() && b.keys.starts_with(pending) {
                    let rest = chord_label(&b.keys[pending.len()..]);
                    if !out.iter().any(|(k, _)| *k == rest) {
                        out.push((rest, b.action));
                    }
                }
            }
        }
        out
    }

    /// Labels of every key sequence bound to `action` in `context` only.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|b| b.context == context && b.action == action)
            .map(|b| chord_label(&b.keys))
            .collect()
    }

    /// Labels of the key sequences that run `action` in `context`: its own
    /// table's, then the global ones it does not override.
    pub fn keys_in_force(&self, context: Context, action: Action) -> Vec<String> {
        let mut labels = self.keys_for(context, action);
        if context.falls_back() {
            for b in self
                .bindings
                .iter()
                .filter(|b| b.context == Context::Global && b.action == action)
            {
                let Some((last, pending)) = b.keys.split_last() else {
                    continue;
                };
                let label = chord_label(&b.keys);
                if self.resolve(context, pending, *last) == Resolved::Action(action)
                    && !labels.contains(&label)
                {
                    labels.push(label);
                }
            }
        }
        labels
    }

    /// Actions bound in `context`, in table order, each once.
    pub fn actions_in(&self, context: Context) -> Vec<Action> {
        let mut seen = Vec::new();
        for b in self.bindings.iter().filter(|b| b.context == context) {
            if !seen.contains(&b.action) {
                seen.push(b.action);
            }
        }
        seen
    }

    /// The first key bound to `action` (global table first), for hints ("b bad").
    pub fn first_key(&self, action: Action) -> Option<String> {
        let in_ctx = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.action == action)
        };
        Context::ALL
            .into_iter()
            .find_map(in_ctx)
            .map(|b| chord_label(&b.keys))
    }

    /// The first key for `action` usable in `context` (its own table, then global).
    pub fn key_in(&self, context: Context, action: Action) -> Option<String> {
        let mut labels = self.keys_for(context, action);
        if labels.is_empty() && context.falls_back() {
            labels = self.keys_for(Context::Global, action);
        }
        labels.into_iter().next()
    }

    /// Pairs of bindings in one context (or a context and the global table it
    /// falls back to) where one is a strict prefix of the other, so the
    /// shorter can never fire as meant.
    pub fn prefix_clashes(&self) -> Vec<(&KeyBinding, &KeyBinding)> {
        let mut out = Vec::new();
        for long in &self.bindings {
            if long.keys.len() < 2 {
                continue;
            }
            for short in &self.bindings {
                let related = short.context == long.context
                    || (short.context == Context::Global && long.context.falls_back());
                if related
                    && short.keys.len() < long.keys.len()
                    && long.keys.starts_with(&short.keys)
                {
                    out.push((short, long));
                }
            }
        }
        out
    }
}

/// Human form of a default-table binding's key.
pub fn key_label(b: &Binding) -> String {
    Key::new(b.code, b.mods).label()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: char) -> Key {
        Key::new(C(c), KeyModifiers::NONE)
    }

    #[test]
    fn presets_have_no_clashes() {
        for name in PRESETS {
            let Some(map) = Keymap::preset(name) else {
                panic!("{name} missing");
            };
            assert!(map.prefix_clashes().is_empty(), "{name}");
        }
    }

    #[test]
    fn vim_chord_resolves_after_two_keys() {
        let map = Keymap::vim();
        assert_eq!(map.resolve(Q, &[], k('g')), Resolved::Pending);
        assert_eq!(map.resolve(Q, &[k('g')], k('g')), Resolved::Action(A::Top));
        assert_eq!(map.resolve(Q, &[k('g')], k('x')), Resolved::Unbound);
        assert_eq!(map.resolve(Q, &[], k('+')), Resolved::Action(A::FlagGood));
        let next = map.continuations(Q, &[k('g')]);
        assert_eq!(next, vec![("g".to_string(), A::Top)]);
    }

    #[test]
    fn context_then_global() {
        let map = Keymap::default();
        assert_eq!(map.resolve(Q, &[], k('b')), Resolved::Action(A::FlagBad));
        assert_eq!(map.resolve(D, &[], k(' ')), Resolved::Action(A::PageDown));
        assert_eq!(map.resolve(Q, &[], k(' ')), Resolved::Action(A::Mark));
        // The compose box takes text: global keys do not apply there.
        assert_eq!(map.resolve(W, &[], k('b')), Resolved::Unbound);
    }

    #[test]
    fn shift_is_part_of_the_character() {
        let ev = KeyEvent::new(C('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), k('G'));
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev).label(), "Shift-Tab");
    }
}
