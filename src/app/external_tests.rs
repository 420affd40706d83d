//! The escape hatches as `update` sees them: keys in, effects out (the
//! runtime's part is tested in `runtime::external`, `runtime::editor` and
//! end to end in tests/e2e_external.rs).

use crossterm::event::{KeyCode, KeyModifiers};

use super::action::Action;
use super::effect::{DraftKind, EditTarget, Effect};
use super::event::Event;
use super::external::WebUi;
use super::keymap::{Context, Key};
use super::state::{Modal, State, ToastKind};
use super::test_harness::{Harness, ME, agent, handoff, now};
use super::update::update;
use crate::app::Link;
use crate::domain::handoff::Priority;
use crate::domain::import::Imported;
use crate::store::Store;

/// A billing handoff with an email, a next step and a finding to copy.
fn detailed(id: &str, assignee: Option<&str>, priority: Priority, due_min: i64) -> Imported {
    let mut item = handoff(id, assignee, priority, due_min);
    let h = &mut item.handoff;
    h.customer.email = Some(format!("{}@example.com", id.to_lowercase()));
    h.summary.next_step = Some(format!("Refund {id}"));
    h.summary.findings = vec!["One capture, one voided auth".into()];
    item
}

/// Two of mine (H1 urgent first), one unassigned in my team; effects of
/// the load forgotten.
fn harness() -> Harness {
    let items = [
        detailed("H1", Some(ME), Priority::Urgent, 240),
        detailed("H2", Some(ME), Priority::Normal, 240),
        detailed("U1", None, Priority::Urgent, 240),
    ];
    let mut h = Harness::with(&items, vec![agent(ME, &["billing"])]);
    h.effects.clear();
    h
}

impl Harness {
    fn toast_and_kind(&self) -> (String, Option<ToastKind>) {
        let t = self.state.toast.as_ref();
        (
            t.map(|t| t.text.clone()).unwrap_or_default(),
            t.map(|t| t.kind),
        )
    }

    fn take(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The handoffs in the store now, as a sync would hand them over.
    fn sync(&mut self) {
        let rows = self.store.queue_rows().unwrap_or_default();
        let agents = self.state.agents.clone();
        self.send(Event::Synced {
            data: Some((rows, agents)),
            link: Link::Online,
            last_synced: Some(now()),
        });
    }

    fn import(&mut self, items: &[Imported]) {
        self.store
            .import(items, now())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn box_text(&self) -> String {
        match &self.state.modal {
            Some(Modal::Compose { input, .. } | Modal::VerdictNote { input, .. }) => {
                input.lines().join("\n")
            }
            _ => String::new(),
        }
    }
}

fn copies(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy { label, text } => Some((label.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn ctrl_e_hands_the_draft_to_the_editor_and_keeps_the_box_open() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.chars("Hi");
    h.take();
    h.ctrl('e');
    assert_eq!(
        h.take(),
        vec![Effect::EditInEditor {
            target: EditTarget::Draft {
                id: "H1".into(),
                kind: DraftKind::Reply
            },
            text: "Hi".into(),
        }]
    );
    assert_eq!(h.box_text(), "Hi", "the box stays open as it was");
}

#[test]
fn the_editors_text_fills_the_box_is_saved_and_sends() {
    let mut h = harness();
    h.key(KeyCode::Char('n'));
    h.ctrl('e');
    // What the editor saved: a trailing newline, and an escape sequence a
    // terminal would act on.
    let text = "Refund approved \u{1b}]0;pwned\u{7}for H1.\n\nThanks\n";
    h.send(Event::Edited {
        target: EditTarget::Draft {
            id: "H1".into(),
            kind: DraftKind::Note,
        },
        result: Ok(text.into()),
    });
    let want = "Refund approved for H1.\n\nThanks";
    assert_eq!(h.box_text(), want);
    assert_eq!(
        h.store.draft("H1", "note").ok().flatten().as_deref(),
        Some(want),
        "durable as if typed"
    );
    // Keys after the round trip still edit the same box, and it sends.
    h.chars("!");
    h.ctrl('s');
    let last = h
        .store
        .handoff("H1")
        .ok()
        .flatten()
        .and_then(|x| x.transcript.last().cloned());
    assert_eq!(last.map(|m| m.text), Some(format!("{want}!")));
}

#[test]
fn a_failed_editor_says_why_and_leaves_the_draft() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.chars("Kept");
    h.send(Event::Edited {
        target: EditTarget::Draft {
            id: "H1".into(),
            kind: DraftKind::Reply,
        },
        result: Err("Editor `nope --wait` not found".into()),
    });
    assert_eq!(
        h.toast_and_kind(),
        (
            "Editor `nope --wait` not found".into(),
            Some(ToastKind::Error)
        )
    );
    assert_eq!(h.box_text(), "Kept");
    assert_eq!(
        h.store.draft("H1", "reply").ok().flatten().as_deref(),
        Some("Kept")
    );
}

#[test]
fn the_verdict_note_can_be_written_in_the_editor_too() {
    let mut h = harness();
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('2'));
    h.take();
    h.ctrl('e');
    let target = EditTarget::VerdictNote { id: "H1".into() };
    assert_eq!(
        h.take(),
        vec![Effect::EditInEditor {
            target: target.clone(),
            text: String::new()
        }]
    );
    h.send(Event::Edited {
        target,
        result: Ok("asked for the wrong order\n".into()),
    });
    h.key(KeyCode::Enter);
    let note = h.store.feedback("H1").ok().flatten().and_then(|f| f.note);
    assert_eq!(note.as_deref(), Some("asked for the wrong order"));
}

#[test]
fn the_editor_outside_a_box_explains_itself() {
    let mut h = harness();
    // Bound elsewhere by the user, it says where it works.
    h.state.keymap.bind(
        Context::Global,
        vec![Key::new(KeyCode::F(4), KeyModifiers::NONE)],
        Some(Action::EditInEditor),
    );
    h.key(KeyCode::F(4));
    assert!(h.take().is_empty());
    assert!(
        h.toast_and_kind().0.contains("open one first"),
        "{:?}",
        h.toast_and_kind()
    );
    // The palette leaves it to the box, as it does sending.
    assert!(!super::palette::matches("editor", &[]).contains(&Action::EditInEditor));
}

#[test]
fn reopening_the_box_at_once_shows_the_latest_draft() {
    let mut h = harness();
    h.key(KeyCode::Char('r'));
    h.chars("first");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('r'));
    assert_eq!(h.box_text(), "first");
}

#[test]
fn y_then_a_field_copies_its_clean_text() {
    let mut h = harness();
    h.key(KeyCode::Char('y'));
    // The which-key hint lists the fields.
    let next = h
        .state
        .keymap
        .continuations(Context::Queue, &h.state.pending_chord);
    for (key, action) in [
        ("i", Action::CopyId),
        ("c", Action::CopyCustomer),
        ("e", Action::CopyEmail),
        ("s", Action::CopyIssue),
        ("n", Action::CopyNextStep),
        ("a", Action::CopySummary),
        ("u", Action::CopyUrl),
    ] {
        assert!(next.contains(&(key.to_string(), action)), "{key}: {next:?}");
    }
    h.key(KeyCode::Char('e'));
    assert_eq!(
        copies(&h.take()),
        vec![("customer email".into(), "h1@example.com".into())]
    );
    h.chars("yi");
    h.chars("yc");
    h.chars("yn");
    assert_eq!(
        copies(&h.take()),
        vec![
            ("handoff id".into(), "H1".into()),
            ("customer name".into(), "Customer H1".into()),
            ("next step".into(), "Refund H1".into()),
        ]
    );
    h.chars("ya");
    let summary = copies(&h.take());
    let text = summary.first().map(|(_, t)| t.clone()).unwrap_or_default();
    assert!(text.starts_with("H1 · Customer H1\n"), "{text}");
    assert!(text.contains("Issue: Issue H1\n"), "{text}");
    assert!(
        text.contains("Findings:\n- One capture, one voided auth\n"),
        "{text}"
    );
    assert!(text.contains("Next step: Refund H1\n"), "{text}");
}

#[test]
fn a_copy_never_carries_control_characters() {
    let mut h = harness();
    // Straight into the store, past import's cleaning: the copy cleans too.
    let mut evil = detailed("E1", Some(ME), Priority::Urgent, 1);
    evil.handoff.customer.email = Some("x@y.z\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}".into());
    h.import(&[evil]);
    h.sync();
    h.key(KeyCode::Char('3'));
    let at = h
        .state
        .queue
        .visible()
        .iter()
        .position(|&i| h.state.queue.rows().get(i).is_some_and(|r| r.id == "E1"))
        .unwrap_or(0);
    for _ in 0..at {
        h.key(KeyCode::Char('j'));
    }
    h.take();
    h.chars("ye");
    let text = copies(&h.take())
        .first()
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    assert!(text.starts_with("x@y.z"), "{text:?}");
    assert!(
        !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{text:?}"
    );
}

#[test]
fn a_missing_field_says_so_instead_of_copying_nothing() {
    let mut h = harness();
    let mut bare = detailed("A0", Some(ME), Priority::Urgent, -5);
    bare.handoff.customer.email = None;
    h.import(&[bare]);
    h.sync();
    // A0 is breached: it leads the queue.
    h.key(KeyCode::Char('k'));
    h.take();
    h.chars("ye");
    assert!(copies(&h.take()).is_empty());
    assert_eq!(h.toast_and_kind().0, "A0 has no customer email");
}

#[test]
fn open_in_browser_needs_a_web_ui_and_says_how_to_set_one() {
    let mut h = harness();
    h.key(KeyCode::Char('O'));
    assert!(h.take().is_empty());
    assert!(
        h.toast_and_kind().0.contains("No web UI for H1")
            && h.toast_and_kind().0.contains("[backend] web_url"),
        "{:?}",
        h.toast_and_kind()
    );
    h.chars("yu");
    assert!(copies(&h.take()).is_empty());
    h.state.web_ui = WebUi {
        helpdesk: None,
        template: Some("https://help.example.com/tickets/{id}".into()),
    };
    h.key(KeyCode::Char('O'));
    assert_eq!(
        h.take(),
        vec![Effect::OpenUrl {
            url: "https://help.example.com/tickets/H1".into()
        }]
    );
    h.chars("yu");
    assert_eq!(
        copies(&h.take()),
        vec![(
            "conversation link".into(),
            "https://help.example.com/tickets/H1".into()
        )]
    );
}

#[test]
fn web_addresses_for_the_helpdesk_and_templates() {
    let web = WebUi {
        helpdesk: Some((
            "hd-".into(),
            "https://desk.example.com/app/accounts/7/conversations/{n}".into(),
        )),
        template: Some("https://help.example.com/t/{id}?x=1".into()),
    };
    assert_eq!(
        web.url("hd-42").as_deref(),
        Ok("https://desk.example.com/app/accounts/7/conversations/42")
    );
    // Not the helpdesk's id: the template, with the id kept to one segment.
    assert_eq!(
        web.url("HO 1/../x").as_deref(),
        Ok("https://help.example.com/t/HO%201%2F..%2Fx?x=1")
    );
    // The helpdesk's part of an id cannot leave its path segment either.
    assert_eq!(
        web.url("hd-4/../x").as_deref(),
        Ok("https://desk.example.com/app/accounts/7/conversations/4%2F..%2Fx")
    );
    assert!(WebUi::default().url("hd-42").is_err());
}

#[test]
fn the_bell_rings_when_urgent_work_lands_in_my_queue() {
    let mut h = harness();
    // Nothing new: no bell.
    h.sync();
    assert!(!h.take().contains(&Effect::Bell));
    // A normal one with plenty of time: no bell either.
    h.import(&[detailed("N1", Some(ME), Priority::Normal, 240)]);
    h.sync();
    assert!(!h.take().contains(&Effect::Bell));
    // An urgent one: the bell and a toast naming it.
    h.import(&[detailed("N2", Some(ME), Priority::Urgent, 240)]);
    h.sync();
    assert_eq!(h.take().iter().filter(|e| **e == Effect::Bell).count(), 1);
    assert_eq!(
        h.toast_and_kind().0,
        "Urgent: N2 · Customer N2 in your queue"
    );
    // The same one again on the next sync: it is not new.
    h.sync();
    assert!(!h.take().contains(&Effect::Bell));
    // An urgent team handoff someone assigns to me is an arrival in Mine.
    h.store
        .assign("U1", Some(ME), "Sam", now())
        .unwrap_or_else(|e| panic!("{e}"));
    h.sync();
    assert!(h.take().contains(&Effect::Bell));
    assert!(h.toast_and_kind().0.contains("U1"));
    // So is a normal one about to breach its SLA.
    h.import(&[
        detailed("N3", Some(ME), Priority::Normal, 10),
        detailed("N4", Some(ME), Priority::Low, -3),
    ]);
    h.sync();
    assert!(h.take().contains(&Effect::Bell));
    assert_eq!(
        h.toast_and_kind().0,
        "SLA breached: N4 · Customer N4 in your queue (+1 more)"
    );
    // Someone else's urgent one is not mine.
    h.import(&[detailed("N5", Some("Sam Ortiz"), Priority::Urgent, 5)]);
    h.sync();
    assert!(!h.take().contains(&Effect::Bell));
}

#[test]
fn the_first_load_rings_no_bell() {
    let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    store
        .import(&[detailed("H1", Some(ME), Priority::Urgent, -5)], now())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut state = State::new(ME.into(), now());
    // A helpdesk's first sync can be what loads the queue.
    let rows = store.queue_rows().unwrap_or_default();
    let effects = update(
        &mut state,
        Event::Synced {
            data: Some((rows, vec![])),
            link: Link::Online,
            last_synced: Some(now()),
        },
    );
    assert!(!effects.contains(&Effect::Bell));
    assert!(state.toast.is_none());
}

#[test]
fn notices_from_the_runtime_become_toasts() {
    let mut h = harness();
    h.send(Event::Notice(Ok("Copied customer email".into())));
    assert_eq!(
        h.toast_and_kind(),
        ("Copied customer email".into(), Some(ToastKind::Info))
    );
    h.send(Event::Notice(Err("`xdg-open` not found".into())));
    assert_eq!(
        h.toast_and_kind(),
        ("`xdg-open` not found".into(), Some(ToastKind::Error))
    );
}

#[test]
fn the_compose_keys_come_from_the_keymap() {
    let map = super::keymap::Keymap::default();
    let ctrl_e = Key::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert_eq!(
        map.resolve(Context::Compose, &[], ctrl_e),
        super::keymap::Resolved::Action(Action::EditInEditor)
    );
    assert_eq!(
        map.resolve(
            Context::Queue,
            &[],
            Key::new(KeyCode::Char('O'), KeyModifiers::NONE)
        ),
        super::keymap::Resolved::Action(Action::OpenInBrowser)
    );
}
